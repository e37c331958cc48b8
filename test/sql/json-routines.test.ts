/**
 * SQL/JSON functions, JSON_TABLE and inline SQL functions (WITH FUNCTION): the analyzer reads them
 * per Trino's grammar and reports every column their expressions read — a column hidden in a
 * PASSING argument, a DEFAULT value, an object member or a function body must still be checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryFailure } from '../../src/protocol/errors.js';
import { analyze } from '../../src/sql/analyzer/index.js';
import { MEMORY_TABLES, SESSION, StaticMetadata } from './support.js';

const meta = new StaticMetadata(MEMORY_TABLES);

async function reads(sql: string): Promise<Array<[string, string[]]>> {
  const r = await analyze(sql, SESSION, meta);
  return r.tables.map((t) => [t.table.name, t.columns]);
}

async function refused(sql: string, code: string): Promise<void> {
  await assert.rejects(analyze(sql, SESSION, meta), (err: unknown) => err instanceof QueryFailure && err.errorCode.name === code);
}

test('JSON_VALUE / JSON_QUERY / JSON_EXISTS report the columns of input, PASSING and DEFAULT', async () => {
  assert.deepEqual(await reads(`SELECT json_value(n_comment, 'lax $.a' PASSING n_name AS x RETURNING bigint DEFAULT n_regionkey ON EMPTY NULL ON ERROR) FROM nation`), [['nation', ['n_comment', 'n_name', 'n_regionkey']]]);
  assert.deepEqual(
    await reads(`SELECT json_query(n_comment FORMAT JSON ENCODING UTF8, 'strict $' AS p RETURNING varchar FORMAT JSON WITH CONDITIONAL ARRAY WRAPPER KEEP QUOTES ON SCALAR STRING EMPTY ARRAY ON EMPTY ERROR ON ERROR) FROM nation`),
    [['nation', ['n_comment']]],
  );
  assert.deepEqual(await reads(`SELECT 1 FROM nation WHERE json_exists(n_comment, 'lax $[*] ? (@ > $v)' PASSING n_nationkey AS v FALSE ON ERROR)`), [['nation', ['n_comment', 'n_nationkey']]]);
  assert.deepEqual(await reads(`SELECT json_query('{"a":[1,2]}', 'lax $.a')`), []);
});

test('JSON_OBJECT / JSON_ARRAY report keys and values', async () => {
  assert.deepEqual(await reads(`SELECT json_object(KEY n_name VALUE n_comment, 'k' : n_regionkey ABSENT ON NULL WITH UNIQUE KEYS RETURNING varchar) FROM nation`), [['nation', ['n_comment', 'n_name', 'n_regionkey']]]);
  assert.deepEqual(await reads(`SELECT json_array(n_name, n_comment FORMAT JSON NULL ON NULL), json_array(), json_object() FROM nation`), [['nation', ['n_comment', 'n_name']]]);
});

test('JSON_TABLE reads its input laterally and defines only its declared columns', async () => {
  assert.deepEqual(
    await reads(`SELECT j.x, j.o FROM nation n, JSON_TABLE(n.n_comment, 'lax $[*]' PASSING n.n_name AS nm COLUMNS (o FOR ORDINALITY, x varchar PATH 'lax $.x' DEFAULT n.n_regionkey ON EMPTY, NESTED PATH 'lax $.y[*]' COLUMNS (y json FORMAT JSON WITHOUT WRAPPER)) ERROR ON ERROR) j`),
    [['nation', ['n_comment', 'n_name', 'n_regionkey']]],
  );
  assert.deepEqual(await reads(`SELECT * FROM JSON_TABLE('[1,2]', 'lax $[*]' COLUMNS (x integer PATH 'lax $'))`), []);
  // a column JSON_TABLE does not declare is not silently taken from it
  await refused(`SELECT zz FROM JSON_TABLE('[1]', 'lax $' COLUMNS (x integer))`, 'COLUMN_NOT_FOUND');
  await refused(`SELECT * FROM JSON_TABLE('[1]', 'lax $' COLUMNS (x integer) PLAN DEFAULT (OUTER))`, 'NOT_SUPPORTED');
});

test('WITH FUNCTION: the body is analyzed; its calls and the inline function are checked as functions', async () => {
  const r = await analyze('WITH FUNCTION plus_one(x bigint) RETURNS bigint RETURN abs(x) + 1 SELECT plus_one(n_nationkey) FROM nation', SESSION, meta);
  assert.deepEqual(r.tables.map((t) => [t.table.name, t.columns]), [['nation', ['n_nationkey']]]);
  assert.deepEqual(r.functions, ['abs', 'plus_one']);
  // a subquery in a body reads its table
  assert.deepEqual(await reads('WITH FUNCTION f() RETURNS bigint DETERMINISTIC RETURN (SELECT max(r_regionkey) FROM region) SELECT f()'), [['region', ['r_regionkey']]]);
  // the body sees only its parameters
  await refused('WITH FUNCTION f(x bigint) RETURNS bigint RETURN n_nationkey SELECT f(1) FROM nation', 'COLUMN_NOT_FOUND');
  await refused('WITH FUNCTION f(x bigint) RETURNS bigint BEGIN RETURN x; END SELECT f(1)', 'NOT_SUPPORTED');
  await refused('WITH FUNCTION f(x bigint) RETURNS bigint LANGUAGE python RETURN x SELECT f(1)', 'NOT_SUPPORTED');
});
