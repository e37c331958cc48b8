/**
 * Row filters and column masks: rules load (Trino expressions, errors naming the rule), the
 * rewrite (exact text, spans, CURRENT_USER bound, EXECUTE), and what is refused (Trino's write
 * refusals, views, reads the gateway cannot rewrite). Results against Trino itself:
 * test/integration/filter-mask-differential.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReloadingFile } from '../../src/config/reloading-file.js';
import { parseAccessRules } from '../../src/policy/file-rules.js';
import { authorize } from '../../src/policy/decision.js';
import { coercible } from '../../src/policy/filter-mask/expression.js';
import { rewriteForFiltersAndMasks, withFilterMaskReads } from '../../src/policy/filter-mask/rewrite.js';
import { QueryFailure } from '../../src/protocol/errors.js';
import { analyze, type QualifiedName } from '../../src/sql/analyzer/index.js';
import { META, SESSION, rules, who } from './support.js';

const TYPES: Record<string, Array<{ name: string; type: string }>> = {
  nation: [
    { name: 'n_nationkey', type: 'bigint' },
    { name: 'n_name', type: 'varchar(25)' },
    { name: 'n_regionkey', type: 'bigint' },
    { name: 'n_comment', type: 'varchar(152)' },
  ],
  region: [
    { name: 'r_regionkey', type: 'bigint' },
    { name: 'r_name', type: 'varchar(25)' },
    { name: 'r_comment', type: 'varchar(152)' },
  ],
};

const RULES = {
  tables: [
    { user: 'ann', table: 'nation', privileges: ['SELECT', 'DELETE', 'UPDATE', 'INSERT'], filter: 'n_regionkey = 1', columns: [{ name: 'n_comment', mask: "CASE WHEN current_user = 'ann' THEN 'x' ELSE n_comment END" }] },
    { user: 'ann', table: 'region', privileges: ['SELECT', 'DELETE', 'UPDATE', 'INSERT'], filter: 'r_regionkey < 3' },
    { user: 'ben', table: 'nation', privileges: ['SELECT'], filter: 'n_name = 1' },
    { user: 'cy', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'n_regionkey', mask: "'x'" }] },
    { user: 'dee', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey = 1', columns: [{ name: 'n_comment', allow: false }, { name: 'n_name', mask: "CASE WHEN n_comment IS NULL THEN n_name ELSE 'x' END" }] },
    { user: 'eli', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey = 1', filter_environment: { user: 'nobody' } },
    { user: 'nobody', privileges: [] },
    { privileges: ['SELECT'] },
  ],
};

async function rewrite(user: string, sql: string, prepared = new Map<string, string>()) {
  const r = rules(RULES);
  const request = await analyze(sql, SESSION, META, prepared);
  return rewriteForFiltersAndMasks({ rules: r, identity: who(user), request, sql, columnTypes: async (t: QualifiedName) => TYPES[t.name], metadata: META });
}

async function refused(user: string, sql: string, code: string, message: RegExp | string, prepared = new Map<string, string>()): Promise<void> {
  await assert.rejects(rewrite(user, sql, prepared), (err: unknown) => {
    assert.ok(err instanceof QueryFailure);
    assert.equal(err.errorCode.name, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

const NATION_ANN = `(SELECT "n_nationkey", "n_name", "n_regionkey", CAST((CASE WHEN 'ann' = 'ann' THEN 'x' ELSE n_comment END) AS varchar(152)) AS "n_comment" FROM "tpch"."tiny"."nation" WHERE n_regionkey = 1)`;

test('each reference becomes a derived table under the same name; the rest of the text stays byte for byte', async () => {
  assert.equal((await rewrite('ann', 'SELECT n_name FROM nation'))?.sql, `SELECT n_name FROM ${NATION_ANN} AS nation`);
  assert.equal(
    (await rewrite('ann', 'select  * from tpch . tiny."NATION" a /* c */ join nation b on a.n_nationkey=b.n_nationkey'))?.sql,
    `select  * from ${NATION_ANN} a /* c */ join ${NATION_ANN} b on a.n_nationkey=b.n_nationkey`,
  );
  assert.equal((await rewrite('ann', 'SELECT count(*) FROM "NATION"'))?.sql, `SELECT count(*) FROM ${NATION_ANN} AS "NATION"`);
  assert.equal((await rewrite('ann', 'SELECT 1 WHERE 1 IN (TABLE region)'))?.sql, 'SELECT 1 WHERE 1 IN ((SELECT "r_regionkey", "r_name", "r_comment" FROM "tpch"."tiny"."region" WHERE r_regionkey < 3))');
  assert.equal(await rewrite('zed', 'SELECT n_name FROM nation'), undefined, 'no filter or mask: nothing to rewrite');
  assert.deepEqual((await rewrite('ann', 'WITH x AS (SELECT * FROM nation) SELECT * FROM x, region'))?.applied, [
    { table: 'tpch.tiny.nation', rule: 'tables[0]' },
    { table: 'tpch.tiny.region', rule: 'tables[1]' },
  ]);
});

test('EXECUTE and EXECUTE IMMEDIATE run the rewritten statement with their parameters in place; TABLE(t) arguments become queries', async () => {
  const prepared = new Map([['p', 'SELECT n_name FROM nation WHERE n_nationkey = ? OR n_name = ?']]);
  assert.equal((await rewrite('ann', "EXECUTE p USING 3, concat('A', 'B')", prepared))?.sql, `SELECT n_name FROM ${NATION_ANN} AS nation WHERE n_nationkey = (3) OR n_name = (concat('A', 'B'))`);
  assert.equal((await rewrite('ann', "EXECUTE IMMEDIATE 'SELECT n_name FROM nation x WHERE n_nationkey = ?' USING 7"))?.sql, `SELECT n_name FROM ${NATION_ANN} x WHERE n_nationkey = (7)`);
  assert.equal(
    (await rewrite('ann', 'SELECT * FROM TABLE(exclude_columns(input => TABLE(nation), columns => DESCRIPTOR(n_comment)))'))?.sql,
    `SELECT * FROM TABLE(exclude_columns(input => TABLE(${NATION_ANN.slice(1, -1)}), columns => DESCRIPTOR(n_comment)))`,
  );
  await refused('ann', 'EXPLAIN EXECUTE p USING 1, 2', 'NOT_SUPPORTED', /EXPLAIN/, prepared);
});

test('writes Trino refuses on filtered or masked tables are refused with its message; TRUNCATE is not', async () => {
  await refused('ann', "UPDATE nation SET n_name = 'x'", 'NOT_SUPPORTED', 'line 1:1: Updating a table with a row filter is not supported');
  await refused('ann', 'DELETE FROM nation', 'NOT_SUPPORTED', 'line 1:1: Delete from table with column mask');
  await refused('ann', 'INSERT INTO nation SELECT * FROM nation', 'NOT_SUPPORTED', 'line 1:1: Insert into table with column masks is not supported');
  await refused('ann', 'DELETE FROM region', 'NOT_SUPPORTED', /row filter is not supported by the gateway/);
  assert.equal(await rewrite('ann', 'TRUNCATE TABLE region'), undefined);
});

test('expressions are checked against the table: types, columns, and their own reads as the environment user', async () => {
  await refused('ben', 'SELECT 1 FROM nation', 'TYPE_MISMATCH', /tables\[2\].*Cannot apply operator: varchar\(25\) = integer/);
  await refused('cy', 'SELECT 1 FROM nation', 'TYPE_MISMATCH', "Expected column mask for 'tpch.tiny.nation.n_regionkey' to be of type bigint, but was varchar(1)");
  await refused('eli', 'SELECT n_nationkey FROM nation', 'PERMISSION_DENIED', 'Access Denied: Cannot select from table tpch.tiny.nation');
  // Without an environment user, the expressions' columns are the querying user's reads of the table.
  const r = rules(RULES);
  const request = await analyze('SELECT n_nationkey FROM nation', SESSION, META);
  const dee = withFilterMaskReads(r, who('dee'), request);
  assert.deepEqual(dee.tables[0]!.columns, ['n_comment', 'n_name', 'n_nationkey', 'n_regionkey']);
  assert.equal(authorize(r, who('dee'), dee).message, 'Access Denied: Cannot select from table tpch.tiny.nation');
  assert.equal(authorize(r, who('dee'), request).allowed, true, 'the statement alone reads nothing denied');
});

test('reads the gateway cannot rewrite are refused, never sent unfiltered', async () => {
  await refused('ann', 'SELECT tiny.nation.n_name FROM tiny.nation', 'NOT_SUPPORTED', /qualified with more than the table name \(tiny\.nation\.n_name\)/);
  assert.ok(await rewrite('ann', 'SELECT nation.n_name FROM tiny.nation'), 'the table name alone stays a valid qualifier');
});

test('rules load takes any Trino expression and refuses what does not parse or names what a rule cannot, naming the rule', () => {
  const load = (filter: string) => () => rules({ tables: [{ privileges: ['SELECT'] }, { table: 'nation', privileges: ['SELECT'], filter }] });
  assert.throws(load('n_name = '), /tables\[1\]\.filter: row filter does not parse/);
  assert.throws(load('n_regionkey = ?'), /tables\[1\]\.filter: row filter has a parameter/);
  assert.throws(load('t.n_regionkey = 1'), /tables\[1\]\.filter: row filter names 't\.n_regionkey'/);
  assert.throws(load('rank() OVER (ORDER BY n_name) = 1'), /window function rank/);
  assert.throws(() => rules({ tables: [{ privileges: ['SELECT'], columns: [{ name: 'a', mask: "substr(a, 1, 2" }] }] }), /tables\[0\]\.columns\[0\]\.mask: column mask does not parse/);
  for (const accepted of [
    'length(n_name) > 3',
    'n_regionkey / 2 = 1 AND n_nationkey % 3 <> 0',
    "date_trunc('month', DATE '2020-01-15') = DATE '2020-01-01'",
    'n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name LIKE \'A%\')',
    "if(n_regionkey > 1, regexp_like(n_name, '^[A-M]'), true)",
    'any_match(ARRAY[n_regionkey], x -> x > 1)',
  ]) {
    assert.deepEqual(load(accepted)().tables![1]!.filter, accepted);
  }
  assert.deepEqual(load('any_match(ARRAY[n_regionkey], x -> x > n_nationkey)')().tables![1]!.filterExpression!.columns.sort(), ['n_nationkey', 'n_regionkey'], 'a lambda parameter is not a column');
});

test("a mask's type must be coercible to its column's as Trino coerces implicitly (an unbounded varchar does not fit varchar(15))", () => {
  for (const [from, to] of [['varchar(3)', 'varchar(15)'], ['varchar(15)', 'varchar'], ['unknown', 'date'], ['integer', 'bigint'], ['integer', 'decimal(12,2)'], ['decimal(10,2)', 'decimal(15,2)'], ['bigint', 'double'], ['real', 'double'], ['date', 'timestamp(3)'], ['decimal(15, 2)', 'decimal(15,2)']]) {
    assert.equal(coercible(from!, to!), true, `${from} -> ${to}`);
  }
  for (const [from, to] of [['varchar', 'varchar(15)'], ['varchar(16)', 'varchar(15)'], ['bigint', 'integer'], ['double', 'decimal(12,2)'], ['integer', 'decimal(5,2)'], ['decimal(10,2)', 'decimal(10,3)'], ['double', 'real'], ['varchar(3)', 'bigint'], ['timestamp(6)', 'timestamp(3)']]) {
    assert.equal(coercible(from!, to!), false, `${from} -> ${to}`);
  }
});

test('functions, arithmetic and subqueries: typed and checked per table, subquery tables named in the table\'s catalog and schema and checked as the reader', async () => {
  const r = rules({
    tables: [
      { user: 'fn', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name < \'B\')', columns: [{ name: 'n_name', mask: "concat(substr(n_name, 1, 2), '***')" }, { name: 'n_nationkey', mask: 'n_nationkey * 10 + 1' }] },
      { user: 'bad', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'n_name', mask: 'length(n_name)' }] },
      { user: 'missing', table: 'nation', privileges: ['SELECT'], filter: 'n_nosuch = 1' },
      { user: 'number', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey + 1' },
      { user: 'regex', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'n_name', mask: "regexp_replace(n_name, '[AEIOU]$', '*')" }] },
      { user: 'hidden', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey IN (SELECT r_regionkey FROM region)' },
      { user: 'hidden', table: 'region', privileges: [] },
      { user: 'nested', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey IN (SELECT r_regionkey FROM region)' },
      { user: 'nested', table: 'region', privileges: ['SELECT'], filter: 'r_regionkey < 3' },
      { privileges: ['SELECT'] },
    ],
  });
  // As the embedded engine reports them: DuckDB's VARCHAR has no length.
  const embeddedTypes = async (t: QualifiedName) => TYPES[t.name]?.map((c) => ({ ...c, type: c.type.replace(/\(\d+\)/, '') }));
  const run = async (user: string, sql: string, session = SESSION) =>
    rewriteForFiltersAndMasks({ rules: r, identity: who(user), request: await analyze(sql, session, META), sql, columnTypes: embeddedTypes, metadata: META });
  assert.equal(
    (await run('fn', 'SELECT n_name FROM tiny.nation', { catalog: 'tpch', schema: 'sf1' }))?.sql,
    `SELECT n_name FROM (SELECT CAST((n_nationkey * 10 + 1) AS bigint) AS "n_nationkey", CAST((concat(substr(n_name, 1, 2), '***')) AS varchar) AS "n_name", "n_regionkey", "n_comment" FROM "tpch"."tiny"."nation" WHERE n_regionkey IN (SELECT r_regionkey FROM "tpch"."tiny"."region" WHERE r_name < 'B')) AS nation`,
  );
  const fails = async (user: string, code: string, message: RegExp) =>
    assert.rejects(run(user, 'SELECT n_name FROM nation'), (err: unknown) => err instanceof QueryFailure && err.errorCode.name === code && message.test(err.message));
  await fails('bad', 'TYPE_MISMATCH', /^Expected column mask for 'tpch\.tiny\.nation\.n_name' to be of type varchar, but was bigint$/);
  await fails('missing', 'COLUMN_NOT_FOUND', /row filter of tables\[2\] for table tpch\.tiny\.nation: Column 'n_nosuch' cannot be resolved/);
  await fails('number', 'TYPE_MISMATCH', /^Invalid row filter of tables\[3\] for table tpch\.tiny\.nation: the filter has type bigint, not boolean$/);
  // Without an engine typing it, the embedded translator does: a function it cannot map is a configuration error naming the rule.
  await fails('regex', 'NOT_SUPPORTED', /Configuration error: the mask of column n_name of tables\[4\] cannot be applied to tpch\.tiny\.nation.*regexp_replace/);
  await fails('hidden', 'PERMISSION_DENIED', /Access Denied: Cannot select from table tpch\.tiny\.region/);
  await fails('nested', 'NOT_SUPPORTED', /reads tpch\.tiny\.region, which has a row filter or column mask of its own/);
  // An engine that types expressions itself (Trino) is asked instead, and its refusal names the rule.
  const typed = await rewriteForFiltersAndMasks({
    rules: r,
    identity: who('regex'),
    request: await analyze('SELECT n_name FROM nation', SESSION, META),
    sql: 'SELECT n_name FROM nation',
    columnTypes: async (t: QualifiedName) => TYPES[t.name],
    metadata: META,
    expressionType: async () => 'varchar(25)',
  });
  assert.match(typed!.sql, /CAST\(\(regexp_replace\(n_name, '\[AEIOU\]\$', '\*'\)\) AS varchar\(25\)\)/);
});

test('a reload with a bad filter keeps the last good rules, and says which rule', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'qg-fm-')), 'rules.json');
  writeFileSync(path, JSON.stringify({ tables: [{ table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey = 1' }] }));
  const errors: string[] = [];
  const file = new ReloadingFile(path, parseAccessRules, (m) => errors.push(m));
  writeFileSync(path, JSON.stringify({ tables: [{ privileges: ['SELECT'] }, { table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey +' }] }));
  const later = new Date(Date.now() + 5000);
  utimesSync(path, later, later);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(file.value.tables![0]!.filter, 'n_regionkey = 1', 'the last good rules stay in force');
  assert.match(errors[0]!, /tables\[1\]\.filter: row filter does not parse/);
});
