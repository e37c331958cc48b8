/**
 * JSON texts read and written as Trino 483 reads and writes them (src/engines/duckdb/translation/
 * json-value.ts); each expected text is Trino's answer, and the embedded differential compares the
 * same statements with Trino itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atJsonPath, canonicalJson, copiedJson, javaDoubleText, readJson, readJsonPath, type JsonNode } from '../../src/engines/duckdb/translation/json-value.js';

const read = (text: string): JsonNode => {
  const node = readJson(text);
  assert.ok(typeof node === 'object', text);
  return node;
};

test("canonical texts are json_parse's: keys sorted, last duplicate kept, BigDecimal numbers, Jackson's escapes", () => {
  for (const [text, canonical] of [
    ['{"b":1,"a":[1.50, 1e2, 1E+2, -0, 12345678901234567890]}', '{"a":[1.50,1E+2,1E+2,0,12345678901234567890],"b":1}'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['[-0.0, 0.0000001, 1e-7, 0.000001, 0e5, 100e0, 1.5E300, 1e400]', '[0.0,1E-7,1E-7,0.000001,0E+5,100,1.5E+300,1E+400]'],
    ['["a\\nb\\t\\u001f\\"\\\\\\/", "é😀"]', '["a\\nb\\t\\u001F\\"\\\\/","é\\uD83D\\uDE00"]'],
    [' 1 ', '1'],
  ]) {
    assert.equal(canonicalJson(read(text!)), canonical, text);
  }
});

test('texts Trino rejects are invalid; lone surrogates and huge exponents are not modelled', () => {
  for (const text of ['', '  ', 'abc', '[1,]', '[1] x', '1 2', 'NaN', '"x', '[01]', "['a']", '{a:1}', '[1.]', '[.5]', '[+1]', '["\\x"]', 'truex']) {
    assert.equal(readJson(text), 'invalid', text);
  }
  assert.equal(readJson('"\\ud800"'), 'unmodelled');
  assert.equal(readJson('1e9999999999'), 'unmodelled');
});

test("json_extract's copy: keys in order, doubles as Java prints them", () => {
  assert.equal(copiedJson(read('{"b":[1,2.50],"a":1e400,"c":-0,"d":{"y":1,"x":0.00099}}')), '{"b":[1,2.5],"a":"Infinity","c":0,"d":{"y":1,"x":9.9E-4}}');
  for (const [value, text] of [[1e7, '1.0E7'], [9999999.5, '9999999.5'], [0.001, '0.001'], [1e20, '1.0E20'], [100, '100.0'], [-0, '-0.0'], [1.5e-320, '1.5E-320']] as const) {
    assert.equal(javaDoubleText(value), text, String(value));
  }
});

test('JSON paths: the modelled steps, the forms Trino rejects, a key found twice not modelled', () => {
  const node = read('{"a":{"b":[10,20]},"a b":1,"d":1,"d":2}');
  assert.deepEqual(atJsonPath(node, readJsonPath('$.a.b[1]') as never), { k: 'number', text: '20', integer: true });
  assert.deepEqual(atJsonPath(node, readJsonPath('$["a b"]') as never), { k: 'number', text: '1', integer: true });
  assert.equal(atJsonPath(node, readJsonPath('$.zz') as never), undefined);
  assert.equal(atJsonPath(node, readJsonPath('$.d') as never), 'unmodelled');
  for (const path of ['a', '$[*]', '$..a']) assert.equal(readJsonPath(path), 'invalid', path);
  assert.equal(readJsonPath('$[-1]'), 'unmodelled');
});
