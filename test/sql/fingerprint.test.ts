import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, fingerprintHash } from '../../src/sql/analyzer/index.js';

test('literals are normalised; keywords, case and whitespace do not matter', () => {
  const a = "SELECT n_name FROM nation WHERE n_nationkey = 5 AND n_name = 'FRANCE' AND d > DATE '2020-01-01'";
  const b = "select   N_NAME\nfrom nation -- comment\n where n_nationkey = 42 and n_name = 'GERMANY' and d > date '1999-12-31'";
  assert.equal(fingerprint(a), fingerprint(b));
  assert.equal(fingerprintHash(a), fingerprintHash(b));
  assert.equal(fingerprint(a), 'SELECT N_NAME FROM NATION WHERE N_NATIONKEY = ? AND N_NAME = ? AND D > ?');
  assert.match(fingerprintHash(a), /^[0-9a-f]{16}$/);
});

test('IN lists of any length, negative numbers and intervals collapse', () => {
  assert.equal(fingerprint('SELECT 1 FROM t WHERE a IN (1, 2, 3)'), fingerprint('SELECT 2 FROM t WHERE a IN (7)'));
  assert.equal(fingerprint('SELECT a - 1, -2 FROM t'), 'SELECT A - ?, ? FROM T');
  assert.equal(fingerprint("SELECT d + INTERVAL '3' DAY FROM t"), 'SELECT D + ? DAY FROM T');
});

test('different structure gives different fingerprints; quoted identifiers are case-insensitive', () => {
  assert.notEqual(fingerprint('SELECT a FROM t'), fingerprint('SELECT b FROM t'));
  assert.notEqual(fingerprintHash('SELECT a FROM t'), fingerprintHash('SELECT a FROM u'));
  assert.equal(fingerprint('SELECT "A" FROM "T"'), fingerprint('SELECT "a" FROM "t"'));
  assert.equal(fingerprint('SELECT 1;'), fingerprint('SELECT 2'));
});
