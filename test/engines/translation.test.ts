/**
 * The statements of issue 19's table on the embedded engine, without a Trino: each gives Trino's
 * answer (the values and types Trino 483 gives, as the differential test checks against a live
 * Trino) or is refused with NOT_SUPPORTED naming the construct and its position; DuckDB-only
 * syntax fails with Trino's syntax error; no failure shows DuckDB's text.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDbEngine } from '../../src/engines/duckdb/duckdb-engine.js';
import { assertSameTables } from '../../src/engines/duckdb/translation/index.js';
import { parseTranslatable } from '../../src/engines/duckdb/translation/syntax.js';
import { parseStatement } from '../../src/sql/analyzer/parser.js';
import { QueryFailure } from '../../src/protocol/errors.js';

const engine = new DuckDbEngine({ demo: true });
before(() => engine.start());
after(() => engine.close());

async function run(sql: string): Promise<{ columns: string[]; rows: string } | { error: string; message: string }> {
  try {
    const execution = await engine.execute({ sql, parameters: [], user: 'alice', catalog: 'demo', schema: 'tpch', parametricDatetime: false }, new AbortController().signal);
    const parts: string[] = [];
    for (let page = await execution.nextPage(1 << 20); page !== null; page = await execution.nextPage(1 << 20)) parts.push(page.rowsJson);
    return { columns: execution.columns.map((c) => `${c.name} ${c.type}`), rows: parts.join(',') };
  } catch (err) {
    assert.ok(err instanceof QueryFailure, String(err));
    return { error: err.errorCode.name, message: err.message };
  }
}

test("the issue's statements answer as Trino does", async () => {
  const cases: Array<[string, string[], string]> = [
    ['SELECT 7/2', ['_col0 integer'], '[3]'],
    ["SELECT DECIMAL '123.45'", ['_col0 decimal(5, 2)'], '["123.45"]'],
    ['SELECT current_user, current_catalog, current_schema', ['_col0 varchar', '_col1 varchar', '_col2 varchar'], '["alice","demo","tpch"]'],
    ['SELECT count(*) FROM nation TABLESAMPLE BERNOULLI (100)', ['_col0 bigint'], '[25]'],
    ['SELECT count(*) FROM nation TABLESAMPLE BERNOULLI (0)', ['_col0 bigint'], '[0]'],
    ['SELECT count(*) FROM nation', ['_col0 bigint'], '[25]'],
    ["SELECT DATE '2024-01-31' + INTERVAL '1' MONTH", ['_col0 date'], '["2024-02-29"]'],
    ['SELECT 1e0 / 0, nan() = nan()', ['_col0 double', '_col1 boolean'], '["Infinity",false]'],
  ];
  for (const [sql, columns, rows] of cases) assert.deepEqual(await run(sql), { columns, rows }, sql);
  assert.deepEqual(await run('SELECT 1/0'), { error: 'DIVISION_BY_ZERO', message: 'Division by zero' });
});

test("the issue's statements the engine cannot answer as Trino does are refused, naming the construct", async () => {
  for (const [sql, construct] of [
    ["SELECT X'ff'", 'line 1:8: Binary literal'],
    ["SELECT INTERVAL '2' MONTH", 'line 1:8: An interval value outside date arithmetic'],
    ["SELECT TIMESTAMP '2024-01-01 00:00 UTC'", 'line 1:8: TIMESTAMP literal'],
    ["SELECT CAST('x' AS char(3))", 'line 1:8: CAST to char(3)'],
    ['SELECT avg(CAST(n_nationkey AS decimal(10,2))) FROM nation', 'line 1:8: Function avg(decimal(10, 2))'],
    ['SELECT approx_distinct(n_name) FROM nation', 'line 1:8: Function approx_distinct'],
    ["SELECT regexp_like('abc', 'b$')", 'line 1:8: Function regexp_like(varchar(3), varchar(2))'],
    ['SELECT transform(ARRAY[1], x -> x + 1)', 'line 1:18: ARRAY'],
    ['SELECT CAST(NULL AS ARRAY(integer))', 'line 1:21: Type array(...)'],
  ]) {
    assert.deepEqual(await run(sql!), { error: 'NOT_SUPPORTED', message: `${construct} is not supported by the embedded engine` }, sql);
  }
});

test('DuckDB-only syntax fails with Trino syntax errors', async () => {
  for (const sql of ['SELECT 1::integer', 'SELECT * EXCLUDE (n_name) FROM nation', 'SELECT n_name FROM nation QUALIFY true', "SELECT * FROM read_csv('/etc/passwd')"]) {
    const result = await run(sql);
    assert.ok('error' in result && result.error === 'SYNTAX_ERROR', `${sql}: ${JSON.stringify(result)}`);
  }
});

test('failures while running never show DuckDB text', async () => {
  for (const [sql, error] of [
    ['SELECT CAST(n_regionkey AS integer) + 2147483647 FROM nation', 'NUMERIC_VALUE_OUT_OF_RANGE'],
    ['SELECT sum(x) FROM (VALUES 9223372036854775807, 1) t(x)', 'NUMERIC_VALUE_OUT_OF_RANGE'],
    ['SELECT (SELECT n_name FROM nation)', 'SUBQUERY_MULTIPLE_ROWS'],
    ['SELECT CAST(nan() AS integer)', 'INVALID_CAST_ARGUMENT'],
  ] as const) {
    const result = await run(sql);
    assert.ok('error' in result, sql);
    assert.equal(result.error, error, sql);
    assert.doesNotMatch(result.message, /[Dd]uck[Dd][Bb]|INT32|INT64|Out of Range Error|Conversion Error|Invalid Input Error/, sql);
  }
});

test('a translation that would read other tables than the authorized statement names is refused', () => {
  // The two parsers agree on every corpus statement; this checks the guard itself, on trees that differ.
  const authorized = parseStatement('SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region)');
  assert.doesNotThrow(() => assertSameTables(authorized, parseTranslatable('SELECT n_name FROM "NATION" WHERE n_regionkey IN (SELECT r_regionkey FROM region)', [])));
  for (const other of ['SELECT n_name FROM nation', 'SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM supplier)', 'SELECT n_name FROM nation, region, region']) {
    assert.throws(() => assertSameTables(authorized, parseTranslatable(other, [])), (err: unknown) => err instanceof QueryFailure && err.errorCode.name === 'NOT_SUPPORTED', other);
  }
});

test('writes keep Trino semantics: typed CREATE TABLE AS, varchar(n) read back, INSERT length checks', async () => {
  assert.deepEqual(await run('CREATE SCHEMA demo.wt'), { columns: [], rows: '' });
  assert.deepEqual(await run("CREATE TABLE demo.wt.t AS SELECT 7/2 AS half, 'ab' AS s, 1.5 AS d"), { columns: ['rows bigint'], rows: '[1]' });
  assert.deepEqual(await run('SELECT * FROM demo.wt.t'), { columns: ['half integer', 's varchar(2)', 'd decimal(2, 1)'], rows: '[3,"ab","1.5"]' });
  assert.deepEqual(await run("INSERT INTO demo.wt.t (s) VALUES ('xy   ')"), { columns: ['rows bigint'], rows: '[1]' });
  const cut = await run("INSERT INTO demo.wt.t (s) VALUES ('xyz')");
  assert.equal('error' in cut && cut.error, 'INVALID_CAST_ARGUMENT');
  const mismatch = await run("INSERT INTO demo.wt.t (half) VALUES ('x')");
  assert.equal('error' in mismatch && mismatch.error, 'TYPE_MISMATCH');
  for (const sql of ['ALTER TABLE demo.wt.t ADD COLUMN c integer', 'TRUNCATE TABLE demo.wt.t', 'EXPLAIN SELECT 1', 'CREATE TABLE demo.wt.c (a char(3))']) {
    const refused = await run(sql);
    assert.equal('error' in refused && refused.error, 'NOT_SUPPORTED', sql);
  }
  assert.deepEqual(await run('DROP SCHEMA demo.wt CASCADE'), { columns: [], rows: '' });
});
