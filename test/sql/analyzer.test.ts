import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryFailure } from '../../src/protocol/errors.js';
import { analyze, type AccessRequest, type Privilege, type SessionContext } from '../../src/sql/analyzer/index.js';
import { MEMORY_TABLES, SESSION, StaticMetadata } from './support.js';

const meta = new StaticMetadata(MEMORY_TABLES);

type T = [string, Privilege, string[]];

function tbl(name: string): { catalog: string; schema: string; name: string } {
  const p = name.split('.');
  if (p.length === 1) return { catalog: 'tpch', schema: 'tiny', name: p[0]! };
  return { catalog: p[0]!, schema: p[1]!, name: p[2]! };
}

async function tables(sql: string, prepared?: Map<string, string>): Promise<T[]> {
  const r = await analyze(sql, SESSION, meta, prepared);
  // by name and privilege: the request keeps Trino's visit order, tested on its own below
  const key = (t: AccessRequest['tables'][number]) => `${t.table.catalog}.${t.table.schema}.${t.table.name}\u0000${t.privilege}`;
  return [...r.tables].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map((t) => [t.table.catalog === 'tpch' && t.table.schema === 'tiny' ? t.table.name : `${t.table.catalog}.${t.table.schema}.${t.table.name}`, t.privilege, t.columns]);
}

async function fails(sql: string, code: string, message?: RegExp, session: SessionContext = SESSION, prepared?: Map<string, string>): Promise<QueryFailure> {
  try {
    await analyze(sql, session, meta, prepared);
  } catch (err) {
    assert.ok(err instanceof QueryFailure, `expected QueryFailure, got ${String(err)}`);
    assert.equal(err.errorCode.name, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code} for: ${sql}`);
}

const N = ['n_comment', 'n_name', 'n_nationkey', 'n_regionkey'];
const R = ['r_comment', 'r_name', 'r_regionkey'];

// ------------------------------------------------------------------ full AccessRequest shape

test('simple join: exact AccessRequest', async () => {
  const r = await analyze("SELECT n_name, upper(r.r_name) FROM nation n JOIN region r ON n.n_regionkey = r.r_regionkey WHERE r_comment <> 'x'", SESSION, meta);
  const expected: AccessRequest = {
    kind: 'query',
    tables: [
      { table: tbl('nation'), privilege: 'SELECT', columns: ['n_name', 'n_regionkey'] },
      { table: tbl('region'), privilege: 'SELECT', columns: ['r_comment', 'r_name', 'r_regionkey'] },
    ],
    catalogs: ['tpch'],
    schemas: [],
    functions: ['upper'],
    tableFunctions: [],
    procedures: [],
    sessionProperties: [],
    flags: [],
    references: [
      { table: tbl('nation'), span: { start: 36, end: 42 }, aliased: true, queryBody: false },
      { table: tbl('region'), span: { start: 50, end: 56 }, aliased: true, queryBody: false },
    ],
  };
  assert.deepEqual(r, expected);
});

test('table references: spans of the names as written, TABLE bodies, prepared and EXECUTE IMMEDIATE texts, table arguments', async () => {
  const sql = 'SELECT * FROM tpch . tiny."NATION" WHERE n_nationkey IN (TABLE region)';
  const refs = (await analyze(sql, SESSION, meta)).references!;
  assert.deepEqual(
    refs.map((r) => [sql.slice(r.span!.start, r.span!.end), r.aliased, r.queryBody]),
    [
      ['tpch . tiny."NATION"', false, false],
      ['TABLE region', false, true],
    ],
  );
  const prepared = new Map([['p', 'SELECT 1 FROM nation x']]);
  assert.deepEqual((await analyze('EXECUTE p', SESSION, meta, prepared)).references, [{ table: tbl('nation'), span: { start: 14, end: 20 }, text: 'SELECT 1 FROM nation x', aliased: true, queryBody: false }]);
  assert.deepEqual((await analyze("EXECUTE IMMEDIATE 'SELECT 1 FROM nation'", SESSION, meta)).references, [{ table: tbl('nation'), span: { start: 14, end: 20 }, text: 'SELECT 1 FROM nation', aliased: false, queryBody: false }]);
  assert.deepEqual((await analyze('SELECT * FROM TABLE(exclude_columns(input => TABLE(nation), columns => DESCRIPTOR(n_name)))', SESSION, meta)).references, [
    { table: tbl('nation'), span: { start: 51, end: 57 }, aliased: false, queryBody: false, tableArgument: true },
  ]);
  assert.deepEqual((await analyze('SELECT * FROM nation FOR VERSION AS OF 1', SESSION, meta)).references, [{ table: tbl('nation'), aliased: false, queryBody: false }], 'time travel: no span');
});

test('identifiers are case-insensitive, quoted or not; names complete from the session', async () => {
  assert.deepEqual(await tables('SELECT "N_Name", Nation.N_COMMENT FROM "NATION"'), [['nation', 'SELECT', ['n_comment', 'n_name']]]);
  assert.deepEqual(await tables('SELECT count(*) FROM sf1.region'), [['tpch.sf1.region', 'SELECT', []]]);
  assert.deepEqual(await tables('SELECT n_name FROM tpch . /* c */ tiny . nation'), [['nation', 'SELECT', ['n_name']]]);
  await fails('SELECT * FROM nation', 'MISSING_CATALOG_NAME', /Catalog must be specified/, {});
  await fails('SELECT * FROM nation', 'MISSING_SCHEMA_NAME', /Schema must be specified/, { catalog: 'tpch' });
  assert.deepEqual((await analyze('SELECT count(*) FROM tiny.nation', { catalog: 'tpch' }, meta)).tables[0]!.table, tbl('nation'));
  await fails('SELECT * FROM nope', 'TABLE_NOT_FOUND', /Table 'tpch.tiny.nope' does not exist/);
});

test('star expands to every real column; count(*) reads none; qualified star', async () => {
  assert.deepEqual(await tables('SELECT * FROM nation'), [['nation', 'SELECT', N]]);
  assert.deepEqual(await tables('SELECT count(*) FROM nation'), [['nation', 'SELECT', []]]);
  assert.deepEqual(await tables('SELECT r.*, n.n_name FROM nation n, region r'), [
    ['nation', 'SELECT', ['n_name']],
    ['region', 'SELECT', R],
  ]);
  assert.deepEqual(await tables('TABLE region'), [['region', 'SELECT', R]]);
  await fails('SELECT *', 'GENERIC_USER_ERROR', /SELECT \* not allowed/);
});

test('literals and aliases that look like protected names are not columns', async () => {
  assert.deepEqual(await tables("SELECT 'c_phone' AS x FROM customer"), [['customer', 'SELECT', []]]);
  assert.deepEqual(await tables('SELECT c_name AS c_phone FROM customer ORDER BY c_phone'), [['customer', 'SELECT', ['c_name']]]);
  assert.deepEqual(await tables('SELECT n_name AS n_comment FROM nation n ORDER BY n.n_comment'), [['nation', 'SELECT', ['n_comment', 'n_name']]]);
  assert.deepEqual(await tables('SELECT n_nationkey AS k FROM nation ORDER BY k + 1, 1'), [['nation', 'SELECT', ['n_nationkey']]]);
});

test('CTEs shadow tables only within their scope', async () => {
  assert.deepEqual(await tables('WITH nation AS (SELECT n_name FROM nation) SELECT * FROM nation'), [['nation', 'SELECT', ['n_name']]]);
  assert.deepEqual(await tables('WITH c AS (SELECT * FROM nation) SELECT n_name FROM c'), [['nation', 'SELECT', N]]);
  assert.deepEqual(await tables('WITH x AS (SELECT * FROM region) SELECT 1'), [['region', 'SELECT', R]]);
  assert.deepEqual(
    await tables('WITH x AS (SELECT n_name FROM nation) SELECT (WITH x AS (SELECT r_name FROM region) SELECT max(r_name) FROM x), n_name FROM x'),
    [
      ['nation', 'SELECT', ['n_name']],
      ['region', 'SELECT', ['r_name']],
    ],
  );
  // the CTE is not visible outside the subquery that defines it: the outer `region` is the table
  assert.deepEqual(await tables('SELECT (SELECT count(*) FROM (WITH region AS (SELECT 1 AS r_name) SELECT r_name FROM region)), r_comment FROM region'), [
    ['region', 'SELECT', ['r_comment']],
  ]);
  assert.deepEqual(await tables('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT sum(n) FROM t'), []);
  assert.deepEqual(
    await tables('WITH RECURSIVE t(k) AS (SELECT n_nationkey FROM nation UNION ALL SELECT k + 1 FROM t WHERE k < 3) SELECT * FROM t'),
    [['nation', 'SELECT', ['n_nationkey']]],
  );
});

test('column aliases on tables, derived tables and CTEs map to the real columns', async () => {
  assert.deepEqual(await tables('SELECT a FROM nation AS n(a, b, c, d) WHERE c = 1'), [['nation', 'SELECT', ['n_nationkey', 'n_regionkey']]]);
  assert.deepEqual(await tables('SELECT k FROM (SELECT n_nationkey, n_name FROM nation) AS t(k, nm)'), [['nation', 'SELECT', ['n_name', 'n_nationkey']]]);
  await fails('SELECT a FROM nation AS n(a, b)', 'GENERIC_USER_ERROR', /Column alias list/);
});

test('subqueries anywhere: correlated, scalar, IN, EXISTS, quantified, ORDER BY, HAVING', async () => {
  assert.deepEqual(await tables('SELECT n_name, (SELECT count(*) FROM customer c WHERE c.c_nationkey = n.n_nationkey) FROM nation n'), [
    ['customer', 'SELECT', ['c_nationkey']],
    ['nation', 'SELECT', ['n_name', 'n_nationkey']],
  ]);
  assert.deepEqual(await tables('SELECT n_name FROM nation n ORDER BY (SELECT r_name FROM region r WHERE r.r_regionkey = n.n_regionkey)'), [
    ['nation', 'SELECT', ['n_name', 'n_regionkey']],
    ['region', 'SELECT', ['r_name', 'r_regionkey']],
  ]);
  assert.deepEqual(await tables('SELECT count(*) FROM nation WHERE EXISTS (SELECT * FROM region)'), [
    ['nation', 'SELECT', []],
    ['region', 'SELECT', R],
  ]);
  assert.deepEqual(await tables('SELECT 1 FROM nation WHERE n_nationkey > ALL (SELECT r_regionkey FROM region) HAVING count(n_comment) > 0'), [
    ['nation', 'SELECT', ['n_comment', 'n_nationkey']],
    ['region', 'SELECT', ['r_regionkey']],
  ]);
});

test('GROUP BY forms, windows, FILTER and aggregate ORDER BY read their columns', async () => {
  assert.deepEqual(await tables('SELECT count(*) FROM nation GROUP BY GROUPING SETS ((n_name), (n_regionkey, n_comment), ())'), [['nation', 'SELECT', ['n_comment', 'n_name', 'n_regionkey']]]);
  assert.deepEqual(await tables('SELECT 1 FROM nation GROUP BY ROLLUP (n_name), CUBE (n_regionkey)'), [['nation', 'SELECT', ['n_name', 'n_regionkey']]]);
  assert.deepEqual(await tables('SELECT rank() OVER w FROM nation WINDOW w AS (PARTITION BY n_regionkey ORDER BY n_comment)'), [['nation', 'SELECT', ['n_comment', 'n_regionkey']]]);
  assert.deepEqual(await tables('SELECT max(n_name) FILTER (WHERE n_comment IS NOT NULL), array_agg(n_regionkey ORDER BY n_nationkey) FROM nation'), [['nation', 'SELECT', N]]);
});

test('set operations, VALUES, LATERAL, UNNEST with ORDINALITY', async () => {
  assert.deepEqual(await tables('SELECT n_name AS nm FROM nation UNION SELECT r_name FROM region ORDER BY nm'), [
    ['nation', 'SELECT', ['n_name']],
    ['region', 'SELECT', ['r_name']],
  ]);
  assert.deepEqual(await tables("VALUES (1, 'a')"), []);
  assert.deepEqual(await tables('SELECT n_name, x.cnt FROM nation n CROSS JOIN LATERAL (SELECT count(*) AS cnt FROM customer WHERE c_nationkey = n.n_nationkey) x'), [
    ['customer', 'SELECT', ['c_nationkey']],
    ['nation', 'SELECT', ['n_name', 'n_nationkey']],
  ]);
  assert.deepEqual(await tables("SELECT n_name, w, i FROM nation CROSS JOIN UNNEST(split(n_comment, ' ')) WITH ORDINALITY AS t(w, i) WHERE i = 1"), [
    ['nation', 'SELECT', ['n_comment', 'n_name']],
  ]);
  assert.deepEqual(await tables('SELECT count(*) FROM nation, UNNEST(ARRAY[n_regionkey])'), [['nation', 'SELECT', ['n_regionkey']]]);
  // a name an alias-less UNNEST might define is still recorded when an outer column has it
  assert.deepEqual(await tables('SELECT (SELECT max(n_comment) FROM UNNEST(ARRAY[1])) FROM nation'), [['nation', 'SELECT', ['n_comment']]]);
});

test('lambdas bind their parameters; row fields and a.b.c resolve like Trino', async () => {
  assert.deepEqual(await tables('SELECT transform(ARRAY[1], n_name -> n_name + 1) FROM nation'), [['nation', 'SELECT', []]]);
  assert.deepEqual(await tables('SELECT filter(ARRAY[1], x -> x > n_regionkey) FROM nation'), [['nation', 'SELECT', ['n_regionkey']]]);
  assert.deepEqual(await tables('SELECT n.n_name.x FROM nation n'), [['nation', 'SELECT', ['n_name']]]);
  assert.deepEqual(await tables('SELECT tiny.nation.n_name FROM tiny.nation'), [['nation', 'SELECT', ['n_name']]]);
  await fails('SELECT nation.n_name FROM nation n', 'COLUMN_NOT_FOUND', /line 1:8: Column 'nation.n_name' cannot be resolved/);
  await fails('SELECT n_nationkey FROM nation a, nation b', 'AMBIGUOUS_NAME');
});

test('JOIN USING reads both sides and exposes one unqualified column', async () => {
  assert.deepEqual(await tables('SELECT n_regionkey FROM nation JOIN (SELECT r_regionkey AS n_regionkey FROM region) r USING (n_regionkey)'), [
    ['nation', 'SELECT', ['n_regionkey']],
    ['region', 'SELECT', ['r_regionkey']],
  ]);
});

test('table functions: names qualified with the session catalog; table arguments read every column', async () => {
  const r = await analyze("SELECT * FROM TABLE(system.query(query => 'SELECT 1'))", SESSION, meta);
  assert.deepEqual(r.tableFunctions, ['tpch.system.query']);
  assert.deepEqual(r.flags, ['tableFunction']);
  const e = await analyze('SELECT * FROM TABLE(exclude_columns(input => TABLE(nation), columns => DESCRIPTOR(n_comment)))', SESSION, meta);
  assert.deepEqual(e.tableFunctions, ['exclude_columns']);
  // exclude_columns reads what it leaves (Trino checks those columns only).
  assert.deepEqual(e.tables, [{ table: tbl('nation'), privilege: 'SELECT', columns: N.filter((c) => c !== 'n_comment') }]);
});

// ------------------------------------------------------------------ DML / DDL

test('INSERT: written columns are the list or all columns; source reads', async () => {
  assert.deepEqual(await tables('INSERT INTO memory.default.t1 (n_name) SELECT r_name FROM region'), [
    ['memory.default.t1', 'INSERT', ['n_name']],
    ['region', 'SELECT', ['r_name']],
  ]);
  assert.deepEqual(await tables("INSERT INTO memory.default.people VALUES (1, 'a', 'b', 'c', NULL)"), [['memory.default.people', 'INSERT', ['address', 'id', 'name', 'phone', 'tags']]]);
  await fails('INSERT INTO memory.default.t1 (nope) VALUES 1', 'COLUMN_NOT_FOUND');
});

test('UPDATE, DELETE, TRUNCATE, MERGE', async () => {
  assert.deepEqual(await tables('UPDATE memory.default.people SET phone = name WHERE id IN (SELECT n_nationkey FROM nation)'), [
    ['memory.default.people', 'SELECT', ['id', 'name']],
    ['memory.default.people', 'UPDATE', ['phone']],
    ['nation', 'SELECT', ['n_nationkey']],
  ]);
  assert.deepEqual(await tables('DELETE FROM memory.default.people WHERE tags IS NULL'), [
    ['memory.default.people', 'DELETE', []],
    ['memory.default.people', 'SELECT', ['tags']],
  ]);
  assert.deepEqual(await tables('DELETE FROM memory.default.people'), [['memory.default.people', 'DELETE', []]]);
  assert.deepEqual(await tables('TRUNCATE TABLE memory.default.people'), [['memory.default.people', 'DELETE', []]]);
  assert.deepEqual(
    await tables(
      'MERGE INTO memory.default.people p USING nation n ON p.id = n.n_nationkey WHEN MATCHED AND n.n_comment IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET name = n.n_name WHEN NOT MATCHED THEN INSERT (id, name) VALUES (n.n_nationkey, n.n_name)',
    ),
    [
      ['memory.default.people', 'DELETE', []],
      ['memory.default.people', 'INSERT', ['id', 'name']],
      ['memory.default.people', 'SELECT', ['id']],
      ['memory.default.people', 'UPDATE', ['name']],
      ['nation', 'SELECT', ['n_comment', 'n_name', 'n_nationkey']],
    ],
  );
});

test('CREATE TABLE / CTAS / CREATE VIEW / DROP / ALTER', async () => {
  const c = await analyze('CREATE TABLE memory.s.t (a bigint NOT NULL, b varchar(10) COMMENT \'x\') WITH (format = \'ORC\')', SESSION, meta);
  assert.equal(c.kind, 'createTable');
  assert.deepEqual(c.tables, [{ table: tbl('memory.s.t'), privilege: 'CREATE', columns: ['a', 'b'] }]);
  assert.deepEqual(c.schemas, [{ catalog: 'memory', schema: 's', privilege: 'OWNERSHIP' }]);
  assert.deepEqual(await tables('CREATE TABLE memory.s.t AS SELECT n_name AS nm, n_regionkey FROM nation WITH NO DATA'), [
    ['memory.s.t', 'CREATE', ['n_regionkey', 'nm']],
    ['nation', 'SELECT', ['n_name', 'n_regionkey']],
  ]);
  assert.deepEqual(await tables('CREATE TABLE memory.s.t (LIKE nation INCLUDING PROPERTIES, x int)'), [
    ['memory.s.t', 'CREATE', ['x']],
    ['nation', 'OWNERSHIP', []],
    ['nation', 'SELECT', N],
  ]);
  const v = await analyze('CREATE OR REPLACE VIEW memory.s.v SECURITY INVOKER AS SELECT r_name FROM region', SESSION, meta);
  assert.equal(v.kind, 'createView');
  assert.deepEqual(v.tables.map((t) => [t.table.name, t.privilege, t.columns]), [['v', 'CREATE', ['r_name']], ['region', 'SELECT', ['r_name']]]);
  assert.deepEqual(await tables('DROP TABLE IF EXISTS memory.s.t'), [['memory.s.t', 'DROP', []]]);
  assert.deepEqual(await tables('ALTER TABLE memory.s.t RENAME TO u'), [
    ['memory.s.t', 'OWNERSHIP', []],
    ['memory.s.u', 'CREATE', []],
  ]);
  const ex = await analyze("ALTER TABLE memory.default.people EXECUTE optimize(file_size_threshold => '10MB') WHERE id > 1", SESSION, meta);
  assert.equal(ex.kind, 'alterTableExecute');
  assert.deepEqual(ex.procedures, ['memory.system.optimize']);
  // the SELECT side of a view read is the view itself (opaque, DEFINER semantics)
  assert.deepEqual(await tables('SELECT n_name FROM memory.default.v_nation'), [['memory.default.v_nation', 'SELECT', ['n_name']]]);
});

test('schema statements and SHOW', async () => {
  const cs = await analyze('CREATE SCHEMA IF NOT EXISTS memory.s2', SESSION, meta);
  assert.deepEqual([cs.kind, cs.catalogs, cs.schemas], ['createSchema', ['memory'], [{ catalog: 'memory', schema: 's2', privilege: 'CREATE' }]]);
  const ds = await analyze('DROP SCHEMA s2 CASCADE', SESSION, meta);
  assert.deepEqual([ds.kind, ds.schemas], ['dropSchema', [{ catalog: 'tpch', schema: 's2', privilege: 'DROP' }]]);
  const sc = await analyze('SHOW CATALOGS', SESSION, meta);
  assert.deepEqual([sc.kind, sc.catalogs, sc.tables], ['showCatalogs', [], []]);
  const ss = await analyze('SHOW SCHEMAS FROM memory', SESSION, meta);
  assert.deepEqual([ss.kind, ss.catalogs], ['showSchemas', ['memory']]);
  const st = await analyze("SHOW TABLES FROM memory.default LIKE 't%'", SESSION, meta);
  assert.deepEqual([st.kind, st.schemas], ['showTables', [{ catalog: 'memory', schema: 'default', privilege: 'SHOW' }]]);
  for (const sql of ['SHOW COLUMNS FROM nation', 'DESCRIBE nation', 'DESC nation']) {
    const r = await analyze(sql, SESSION, meta);
    assert.deepEqual(r.tables, [{ table: tbl('nation'), privilege: 'SHOW', columns: [] }], sql);
  }
  await fails('DESCRIBE nope', 'TABLE_NOT_FOUND');
  assert.deepEqual(await tables('SHOW CREATE TABLE nation'), [['nation', 'OWNERSHIP', []]]);
  const stats = await analyze('SHOW STATS FOR (SELECT n_name FROM nation WHERE n_regionkey = 1)', SESSION, meta);
  assert.deepEqual([stats.kind, stats.flags, stats.tables[0]!.columns], ['showStats', ['showStats'], ['n_name', 'n_regionkey']]);
});

test('session statements: USE, SET/RESET SESSION, SET ROLE, SET SESSION AUTHORIZATION, transactions', async () => {
  const use = await analyze('USE memory.default', SESSION, meta);
  assert.deepEqual([use.kind, use.catalogs, use.schemas], ['use', ['memory'], [{ catalog: 'memory', schema: 'default', privilege: 'SHOW' }]]);
  const set = await analyze('SET SESSION memory.some_prop = 10', SESSION, meta);
  assert.deepEqual([set.kind, set.sessionProperties, set.catalogs], ['setSession', [{ name: 'some_prop', catalog: 'memory' }], ['memory']]);
  const sys = await analyze("SET SESSION query_max_run_time = '1h'", SESSION, meta);
  assert.deepEqual(sys.sessionProperties, [{ name: 'query_max_run_time' }]);
  assert.deepEqual((await analyze('RESET SESSION memory.p', SESSION, meta)).kind, 'resetSession');
  await fails('SET SESSION x = n_name', 'COLUMN_NOT_FOUND');
  assert.equal((await analyze('SET ROLE admin IN memory', SESSION, meta)).kind, 'setRole');
  const auth = await analyze("SET SESSION AUTHORIZATION 'alice'", SESSION, meta);
  assert.deepEqual([auth.kind, auth.authorizationUser], ['setSessionAuthorization', 'alice']);
  assert.equal((await analyze('RESET SESSION AUTHORIZATION', SESSION, meta)).kind, 'resetSessionAuthorization');
  assert.equal((await analyze('START TRANSACTION READ ONLY', SESSION, meta)).kind, 'startTransaction');
  assert.equal((await analyze('COMMIT', SESSION, meta)).kind, 'commit');
});

test('CALL, GRANT/REVOKE', async () => {
  const call = await analyze("CALL system.runtime.kill_query(query_id => '1', message => 'x')", SESSION, meta);
  assert.deepEqual([call.kind, call.procedures, call.catalogs, call.tables], ['call', ['system.runtime.kill_query'], ['system'], []]);
  const call2 = await analyze("CALL system.execute(query => 'DROP TABLE x')", SESSION, meta);
  assert.deepEqual(call2.procedures, ['tpch.system.execute']);
  const g = await analyze('GRANT SELECT ON nation TO USER alice WITH GRANT OPTION', SESSION, meta);
  assert.deepEqual([g.kind, g.tables], ['grant', [{ table: tbl('nation'), privilege: 'OWNERSHIP', columns: [] }]]);
  const rv = await analyze('REVOKE ALL PRIVILEGES ON SCHEMA memory.default FROM ROLE r', SESSION, meta);
  assert.deepEqual([rv.kind, rv.schemas], ['revoke', [{ catalog: 'memory', schema: 'default', privilege: 'OWNERSHIP' }]]);
  assert.equal((await analyze('GRANT admin TO USER bob', SESSION, meta)).kind, 'grantRoles');
});

test('EXPLAIN, EXPLAIN ANALYZE, PREPARE, EXECUTE, EXECUTE IMMEDIATE, DESCRIBE OUTPUT', async () => {
  const ex = await analyze('EXPLAIN (TYPE VALIDATE) SELECT n_name FROM nation', SESSION, meta);
  assert.deepEqual([ex.kind, ex.innerKind, ex.tables.length], ['explain', 'query', 1]);
  const ea = await analyze('EXPLAIN ANALYZE DELETE FROM memory.default.people', SESSION, meta);
  assert.deepEqual([ea.kind, ea.innerKind, ea.flags, ea.tables[0]!.privilege], ['explainAnalyze', 'delete', ['executesStatement'], 'DELETE']);
  const prep = await analyze('PREPARE s1 FROM SELECT c_phone FROM customer WHERE c_custkey = ?', SESSION, meta);
  assert.deepEqual([prep.kind, prep.innerKind, prep.tables], ['prepare', 'query', []]);
  const prepared = new Map([['s1', 'SELECT c_phone FROM customer WHERE c_custkey = ?']]);
  assert.deepEqual(await tables('EXECUTE s1 USING 42', prepared), [['customer', 'SELECT', ['c_custkey', 'c_phone']]]);
  const d = await analyze('DESCRIBE OUTPUT s1', SESSION, meta, prepared);
  assert.deepEqual([d.kind, d.innerKind, d.tables.length], ['describeOutput', 'query', 1]);
  await fails('EXECUTE nope', 'NOT_FOUND', /Prepared statement not found: nope/);
  assert.deepEqual(await tables("EXECUTE IMMEDIATE 'SELECT r_name FROM region WHERE r_regionkey = ?' USING 1"), [['region', 'SELECT', ['r_name', 'r_regionkey']]]);
  // Unicode-escaped literal is decoded before analysis
  assert.deepEqual(await tables("EXECUTE IMMEDIATE U&'\\0053ELECT r_name FROM region'"), [['region', 'SELECT', ['r_name']]]);
  await fails("EXECUTE IMMEDIATE 'SELECT 1; DROP TABLE x'", 'SYNTAX_ERROR');
});

test('time travel and metadata tables are distinct, flagged objects', async () => {
  const m = new StaticMetadata({ 'memory.default.t$files': ['path', 'min'], 'memory.default.t': ['a'] });
  const r = await analyze('SELECT * FROM memory.default."t$files"', SESSION, m);
  assert.deepEqual(r.tables.map((t) => t.table.name), ['t$files']);
  const tt = await analyze("SELECT a FROM memory.default.t FOR TIMESTAMP AS OF TIMESTAMP '2020-01-01 00:00:00'", SESSION, m);
  assert.deepEqual(tt.flags, ['timeTravel']);
});

// ------------------------------------------------------------------ bad input

test('exactly one statement; Trino-style syntax errors with positions', async () => {
  const e = await fails('SELECT 1; SELECT 2', 'SYNTAX_ERROR', /^line 1:11: mismatched input 'SELECT'/);
  assert.deepEqual(e.location, { lineNumber: 1, columnNumber: 11 });
  assert.deepEqual(await tables('SELECT 1;'), []);
  await fails('', 'SYNTAX_ERROR');
  await fails('hello world', 'SYNTAX_ERROR', /^line 1:1: mismatched input 'hello'. Expecting: 'ALTER', 'ANALYZE', /);
  await fails('SELECT FROM WHERE', 'SYNTAX_ERROR');
  await fails("SELECT 'unterminated", 'SYNTAX_ERROR', /unterminated/);
  await fails('SELECT `n_name` FROM nation', 'SYNTAX_ERROR', /backquoted/);
  await fails('SELECT 1abc', 'SYNTAX_ERROR', /must not start with a digit/);
  await fails('SELECT a$b FROM nation', 'SYNTAX_ERROR');
  await fails('SELECT * FROM nation NATURAL JOIN region', 'NOT_SUPPORTED');
  await fails('WITH FUNCTION f() RETURNS int BEGIN RETURN 1; END SELECT f()', 'NOT_SUPPORTED');
  await fails("SELECT * FROM JSON_TABLE('[1]', 'lax $' COLUMNS (x integer) PLAN DEFAULT (INNER))", 'NOT_SUPPORTED');
  await fails('SELECT * FROM nation MATCH_RECOGNIZE (PATTERN (a) DEFINE a AS true)', 'NOT_SUPPORTED');
  await fails('CREATE FUNCTION f() RETURNS int RETURN 1', 'NOT_SUPPORTED');
});

test('deep nesting fails cleanly (a Trino-style error, never a stack overflow)', async () => {
  for (const depth of [10_000, 100_000]) {
    await fails(`SELECT ${'('.repeat(depth)}1${')'.repeat(depth)}`, 'SYNTAX_ERROR', /too deeply nested|stack overflow while parsing/);
    await fails(`${'SELECT * FROM ('.repeat(depth)}SELECT 1${')'.repeat(depth)}`, 'SYNTAX_ERROR', /too deeply nested|stack overflow while parsing/);
    await fails(`SELECT ${'f('.repeat(depth)}1${')'.repeat(depth)}`, 'SYNTAX_ERROR', /too deeply nested|stack overflow while parsing/);
    await fails(`SELECT ${'ARRAY['.repeat(depth)}1${']'.repeat(depth)}`, 'SYNTAX_ERROR', /too deeply nested|stack overflow while parsing/);
  }
  await fails(`SELECT ${'-'.repeat(10_000)}1`, 'SYNTAX_ERROR');
  await fails(`SELECT ${'NOT '.repeat(10_000)}true`, 'SYNTAX_ERROR');
});

// Trino 483 parses these depths (its own limits, measured on the server: about 1,870 nested
// parentheses, 990 nested calls, 450 nested subqueries, 3,550 NOTs); the gateway used to stop at 200.
test('nesting Trino parses is not refused for depth', async () => {
  assert.deepEqual(await tables(`SELECT ${'('.repeat(500)}n_name${')'.repeat(500)} FROM nation`), [['nation', 'SELECT', ['n_name']]]);
  assert.deepEqual(await tables(`${'SELECT * FROM ('.repeat(400)}SELECT r_name FROM region${')'.repeat(400)}`), [['region', 'SELECT', ['r_name']]]);
  assert.deepEqual(await tables(`SELECT ${'abs('.repeat(600)}n_nationkey${')'.repeat(600)} FROM nation`), [['nation', 'SELECT', ['n_nationkey']]]);
  assert.deepEqual(await tables(`SELECT ${'NOT '.repeat(3000)}true FROM nation`), [['nation', 'SELECT', []]]);
});

test('long flat chains and 1 MB statements: read exactly, no crash', async () => {
  const wide = `SELECT ${Array.from({ length: 50_000 }, (_, i) => `n_nationkey + ${i}`).join(' + ')} FROM nation`;
  assert.ok(wide.length > 500_000);
  assert.deepEqual(await tables(wide), [['nation', 'SELECT', ['n_nationkey']]]);
  const ors = `SELECT 1 FROM nation WHERE ${Array.from({ length: 40_000 }, (_, i) => `n_name = 'x${i}'`).join(' OR ')}`;
  assert.deepEqual(await tables(ors), [['nation', 'SELECT', ['n_name']]]);
  const unions = Array.from({ length: 20_000 }, () => 'SELECT r_name FROM region').join(' UNION ALL ');
  assert.deepEqual(await tables(unions), [['region', 'SELECT', ['r_name']]]);
  const joins = `SELECT count(*) FROM nation n0 ${Array.from({ length: 3000 }, (_, i) => `JOIN nation n${i + 1} ON n${i + 1}.n_nationkey = n${i}.n_nationkey`).join(' ')}`;
  assert.deepEqual(await tables(joins), [['nation', 'SELECT', ['n_nationkey']]]);
  const garbage = 'x'.repeat(1_000_000);
  await fails(garbage, 'SYNTAX_ERROR');
  const junk = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? '(' : i % 3 === 1 ? ',' : "'a'")).join('');
  await fails(`SELECT ${junk}`, 'SYNTAX_ERROR');
});

test('tables are listed in the order Trino visits them (it names the first it denies)', async () => {
  const r = await analyze('SELECT n_name FROM nation n WHERE EXISTS (SELECT 1 FROM customer c WHERE c.c_nationkey = n.n_nationkey)', SESSION, meta);
  assert.deepEqual(r.tables.map((t) => t.table.name), ['nation', 'customer']);
  const j = await analyze('SELECT 1 FROM region r JOIN nation n ON r.r_regionkey = n.n_regionkey, customer', SESSION, meta);
  assert.deepEqual(j.tables.map((t) => t.table.name), ['region', 'nation', 'customer']);
});
