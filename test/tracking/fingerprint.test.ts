import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, normalizeStatement } from '../../src/tracking/fingerprint.js';

test('literals become ?, identifiers lower-case, keywords upper-case, whitespace and comments collapse', () => {
  assert.equal(
    normalizeStatement("select  Name, COUNT(*)\n from Hive.Sales.Orders o -- why\n where o.Total > 10.5 and o.region = 'EU' /* x */ group by 1"),
    'SELECT name, count(*) FROM hive.sales.orders o WHERE o.total > ? AND o.region = ? GROUP BY ?',
  );
  assert.equal(normalizeStatement('SELECT "MixedCase", "a""b" FROM "Cat"."S"."T"'), 'SELECT "MixedCase", "a""b" FROM "Cat"."S"."T"');
  assert.equal(normalizeStatement("SELECT X'AB', U&'\\0041', DATE '2024-01-01', 1e10, .5, 0x1F"), 'SELECT ?, ?, DATE ?, ?, ?, ?');
  assert.equal(normalizeStatement('SELECT a - 1, -2, f(-3), x = -4 FROM t LIMIT 10;'), 'SELECT a - ?, ?, f(?), x = ? FROM t LIMIT ?');
  assert.equal(normalizeStatement('SELECT * FROM t WHERE c = ?'), 'SELECT * FROM t WHERE c = ?');
  assert.equal(normalizeStatement('SELECT arr[1], map_col[\'k\'] FROM t'), 'SELECT arr[?], map_col[?] FROM t');
});

test('IN lists and VALUES rows collapse, whatever their length', () => {
  assert.equal(normalizeStatement('SELECT * FROM t WHERE id IN (1, 2, 3) AND s in (\'a\')'), 'SELECT * FROM t WHERE id IN (?) AND s IN (?)');
  assert.equal(normalizeStatement('SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k IN (4,5))'), 'SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k IN (?))');
  assert.equal(normalizeStatement('SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))'), 'SELECT * FROM t WHERE (a, b) IN ((?, ?), (?, ?))');
  assert.equal(normalizeStatement('SELECT * FROM t WHERE a IN (b, 1)'), 'SELECT * FROM t WHERE a IN (b, ?)');
  assert.equal(normalizeStatement("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')"), 'INSERT INTO t VALUES (?, ?)');
});

test('the hash is stable, short, and equal for statements differing only in literals, case and spacing', () => {
  const a = fingerprint("SELECT * FROM orders WHERE id IN (1,2,3) AND name = 'x'");
  const b = fingerprint("select *\n\tfrom ORDERS where ID in (9) and NAME = 'something else'");
  assert.equal(a.text, b.text);
  assert.equal(a.hash, b.hash);
  assert.match(a.hash, /^[0-9a-f]{16}$/);
  assert.equal(a.hash, fingerprint(a.text).hash, 'a fingerprint is its own fingerprint');
  assert.notEqual(a.hash, fingerprint('SELECT * FROM orders WHERE id = 1').hash);
  assert.notEqual(fingerprint('SELECT "A" FROM t').hash, fingerprint('SELECT a FROM t').hash, 'quoted identifiers keep their case');
});

test('a statement the lexer rejects still gets a fingerprint (whitespace collapsed)', () => {
  assert.equal(normalizeStatement("SELECT 'unterminated\n  FROM t"), "SELECT 'unterminated FROM t");
  assert.equal(normalizeStatement(''), '');
});
