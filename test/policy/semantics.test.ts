/** Defaults (absent vs. present-with-no-match), first match wins, matching rules, per-statement checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorize } from '../../src/policy/decision.js';
import { decide, request, rules, tbl, who } from './support.js';

test('every section absent: Trino allow-all defaults, except routines beyond system.builtin, impersonation and system information', async () => {
  const r = rules({});
  const bob = who('bob');
  for (const sql of [
    'SELECT * FROM customer',
    'INSERT INTO memory.default.people (id) VALUES (1)',
    'DROP TABLE memory.default.people',
    'CREATE SCHEMA memory.s2',
    'SHOW TABLES FROM memory.default',
    'SHOW COLUMNS FROM customer',
    "SET SESSION query_max_run_time = '1h'",
    'SET SESSION memory.x = 1',
    'SELECT abs(-1), system.builtin.abs(-1)',
    'SELECT * FROM TABLE(sequence(start => 1, stop => 3))',
  ]) {
    const d = await decide(r, bob, sql);
    assert.equal(d.allowed, true, `${sql}: ${d.message}`);
  }
  assert.equal((await decide(r, bob, 'SELECT memory.default.f(1)')).message, 'Access Denied: Cannot execute function memory.default.f');
  assert.equal((await decide(r, bob, "CALL memory.system.flush_cache()")).message, 'Access Denied: Cannot execute procedure memory.system.flush_cache');
  assert.equal((await decide(r, bob, "SET SESSION AUTHORIZATION 'alice'")).message, 'Access Denied: User bob cannot impersonate user alice');
  assert.equal((await decide(r, bob, "SET SESSION AUTHORIZATION 'bob'")).allowed, true, 'a user may always be itself');
  assert.equal((await decide(r, bob, 'SELECT * FROM system.runtime.queries')).message, 'Access Denied: Cannot read system information');
});

test('sections present with no matching rule deny; empty sections deny everything', async () => {
  const bob = who('bob');
  const r = rules({ catalogs: [], schemas: [], tables: [], system_session_properties: [], catalog_session_properties: [], functions: [], procedures: [], queries: [] });
  const d = await decide(r, bob, 'SELECT n_name FROM nation');
  assert.equal(d.message, 'Access Denied: Cannot execute query');
  assert.deepEqual(
    d.checks.map((c) => [c.check, c.resource, c.allowed, c.decidedBy]),
    [
      ['ExecuteQuery', 'bob', false, 'default: no queries rule matched (deny)'],
      ['AccessCatalog', 'tpch', false, 'default: no catalogs rule matched (deny)'],
      ['SelectFromColumns', 'tpch.tiny.nation [n_name]', false, 'default: no catalogs rule matched (deny): catalog access read-only required'],
    ],
  );
  const t = rules({ tables: [] });
  assert.equal((await decide(t, bob, 'SELECT n_name FROM nation')).message, 'Access Denied: Cannot select from table tpch.tiny.nation');
  const s = rules({ schemas: [] });
  assert.equal((await decide(s, bob, 'CREATE SCHEMA memory.x')).message, 'Access Denied: Cannot create schema memory.x');
  const p = rules({ system_session_properties: [] });
  assert.equal((await decide(p, bob, 'SET SESSION x = 1')).message, 'Access Denied: Cannot set system session property x');
  const i = rules({ impersonation: [] });
  assert.equal((await decide(i, bob, "SET SESSION AUTHORIZATION 'x'")).allowed, false);
});

test('the implicit system catalog rule: appended when catalogs is present, overridable by an earlier rule', () => {
  const only = rules({ catalogs: [{ catalog: 'tpch', allow: 'read-only' }] });
  const sys = authorize(only, who('bob'), request({ catalogs: ['system'] }));
  assert.equal(sys.allowed, true);
  assert.equal(sys.checks.at(-1)!.decidedBy, 'catalogs[implicit system rule] (all)');
  assert.equal(authorize(only, who('bob'), request({ catalogs: ['memory'] })).message, 'Access Denied: Cannot access catalog memory');
  const override = rules({ catalogs: [{ user: 'bob', catalog: 'system', allow: 'none' }, { catalog: 'tpch', allow: 'all' }] });
  assert.equal(authorize(override, who('bob'), request({ catalogs: ['system'] })).allowed, false);
  assert.equal(authorize(override, who('alice'), request({ catalogs: ['system'] })).allowed, true);
});

test('first match wins: an earlier narrower grant is not widened by a later rule, and the banned-user idiom', async () => {
  const r = rules({
    tables: [
      { user: 'banned', privileges: [] },
      { group: 'analysts', catalog: 'tpch', table: 'orders', privileges: ['SELECT'] },
      { group: 'analysts', catalog: 'tpch', privileges: ['SELECT', 'INSERT'] },
      { catalog: 'tpch', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] },
    ],
  });
  const ana = who('ana', ['analysts']);
  assert.equal((await decide(r, ana, 'SELECT o_orderkey FROM orders')).allowed, true);
  const ins = authorize(r, ana, request({ kind: 'insert', catalogs: ['tpch'], tables: [{ table: tbl('tpch', 'tiny', 'orders'), privilege: 'INSERT', columns: [] }] }));
  assert.equal(ins.message, 'Access Denied: Cannot insert into table tpch.tiny.orders', 'rule 1 decides, rule 2 and 3 never apply');
  assert.equal(ins.checks.at(-1)!.decidedBy, 'tables[1] (privileges: SELECT)');
  const ins2 = authorize(r, ana, request({ kind: 'insert', catalogs: ['tpch'], tables: [{ table: tbl('tpch', 'tiny', 'nation'), privilege: 'INSERT', columns: [] }] }));
  assert.equal(ins2.allowed, true);
  const banned = await decide(r, who('banned', ['analysts']), 'SELECT o_orderkey FROM orders');
  assert.equal(banned.message, 'Access Denied: Cannot select from table tpch.tiny.orders');
  assert.equal(banned.checks.at(-1)!.decidedBy, 'tables[0] (privileges: none)');
  assert.equal((await decide(r, who('bob'), 'DELETE FROM orders')).allowed, true);
});

test('matching: whole-string regexes, any group / any role, no groups never match a group rule', () => {
  const r = rules({
    catalogs: [
      { user: 'ali', catalog: 'tpch', allow: 'all' },
      { group: 'eng.*', catalog: 'memory', allow: 'all' },
      { role: 'ops', catalog: 'hive', allow: 'all' },
    ],
  });
  const can = (id: ReturnType<typeof who>, c: string) => authorize(r, id, request({ catalogs: [c] })).allowed;
  assert.equal(can(who('ali'), 'tpch'), true);
  assert.equal(can(who('alice'), 'tpch'), false, 'ali does not match alice');
  assert.equal(can(who('x', ['sales', 'engineering']), 'memory'), true);
  assert.equal(can(who('x', ['xengineering']), 'memory'), false);
  assert.equal(can(who('x'), 'memory'), false, 'no groups: a group rule cannot match');
  assert.equal(can(who('x', [], ['ops']), 'hive'), true);
  assert.equal(can(who('x', ['ops']), 'hive'), false, 'groups are not roles');
});

test('column allow:false: explicit columns, SELECT *, TABLE t, count(*) and WHERE-only references', async () => {
  const r = rules({ tables: [{ catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }, { name: 'C_ACCTBAL', allow: false }] }, { catalog: 'tpch', privileges: ['SELECT'] }] });
  const bob = who('bob');
  const star = await decide(r, bob, 'SELECT * FROM customer');
  assert.equal(star.message, 'Access Denied: Cannot select from table tpch.tiny.customer', 'sorted; rule names are case-insensitive');
  assert.equal((await decide(r, bob, 'TABLE customer')).allowed, false);
  assert.equal((await decide(r, bob, 'SELECT c_name FROM customer WHERE c_phone LIKE \'1%\'')).message, 'Access Denied: Cannot select from table tpch.tiny.customer');
  assert.equal((await decide(r, bob, 'SELECT count(*) FROM customer')).allowed, true);
  assert.equal((await decide(r, bob, 'SELECT c_name, c_address FROM customer')).allowed, true);
  assert.equal((await decide(r, bob, 'SELECT c.* FROM customer c JOIN nation n ON c.c_nationkey = n.n_nationkey')).allowed, false);
  assert.equal((await decide(r, bob, 'SELECT n.* FROM customer c JOIN nation n ON c.c_nationkey = n.n_nationkey')).allowed, true);
});

test('read-only catalogs refuse writes and DDL but allow reads', async () => {
  const r = rules({ catalogs: [{ catalog: 'tpch', allow: 'read-only' }, { catalog: 'memory', allow: 'all' }] });
  const bob = who('bob');
  assert.equal((await decide(r, bob, 'SELECT n_name FROM nation')).allowed, true);
  assert.equal((await decide(r, bob, 'DELETE FROM nation')).message, 'Access Denied: Cannot delete from table tpch.tiny.nation');
  assert.equal((await decide(r, bob, "UPDATE nation SET n_name = 'x'")).message, 'Access Denied: Cannot update columns [n_name] in table tpch.tiny.nation');
  assert.equal((await decide(r, bob, 'TRUNCATE TABLE nation')).message, 'Access Denied: Cannot truncate table tpch.tiny.nation');
  assert.equal((await decide(r, bob, 'CREATE TABLE t2 AS SELECT * FROM nation')).message, 'Access Denied: Cannot create table tpch.tiny.t2');
  assert.equal((await decide(r, bob, 'DROP TABLE nation')).message, 'Access Denied: Cannot drop table tpch.tiny.nation');
  assert.equal((await decide(r, bob, 'ALTER TABLE nation ADD COLUMN x int')).message, 'Access Denied: Cannot add a column to table tpch.tiny.nation');
  assert.equal((await decide(r, bob, 'CREATE SCHEMA tpch.s')).message, 'Access Denied: Cannot create schema tpch.s');
  assert.equal((await decide(r, bob, 'ALTER TABLE nation RENAME TO nation2')).message, 'Access Denied: Cannot rename table from tpch.tiny.nation to tpch.tiny.nation2');
  assert.equal((await decide(r, bob, 'INSERT INTO memory.default.t1 SELECT * FROM nation')).allowed, true, 'write to memory, read from read-only tpch');
  assert.equal((await decide(r, bob, 'SHOW COLUMNS FROM nation')).allowed, true);
  assert.equal((await decide(r, bob, 'SHOW CREATE TABLE nation')).message, 'Access Denied: Cannot show create table for tpch.tiny.nation');
});

test('SHOW: columns need some privilege; tables need schema visibility (any rule granting something); schemas need catalog visibility', async () => {
  const r = rules({
    schemas: [{ user: 'owner', schema: 'default', owner: true }],
    tables: [
      { user: 'bob', catalog: 'tpch', schema: 'tiny', table: 'nation', privileges: ['SELECT'] },
      { user: 'bob', privileges: [] },
    ],
    catalog_session_properties: [],
  });
  const bob = who('bob');
  assert.equal((await decide(r, bob, 'SHOW COLUMNS FROM nation')).allowed, true);
  assert.equal((await decide(r, bob, 'DESCRIBE region')).message, 'Access Denied: Cannot show columns of table tpch.tiny.region');
  assert.equal((await decide(r, bob, 'SHOW TABLES')).allowed, true);
  assert.equal((await decide(r, bob, 'SHOW TABLES FROM tpch.sf1')).message, 'Access Denied: Cannot show tables of schema tpch.sf1');
  assert.equal((await decide(r, who('owner'), 'SHOW TABLES FROM memory.default')).allowed, true);
  assert.equal((await decide(r, bob, 'SHOW SCHEMAS FROM tpch')).allowed, true);
  assert.equal((await decide(r, bob, 'SHOW SCHEMAS FROM memory')).message, 'Access Denied: Cannot show schemas');
  assert.equal((await decide(r, bob, 'SHOW CATALOGS')).allowed, true, 'always allowed (the engine filters)');
  assert.equal((await decide(r, bob, 'SELECT * FROM tpch.information_schema.columns')).allowed, true, 'information_schema is exempt from table rules');
});

test('functions: builtin always, catalog functions need EXECUTE, 2-part names use the session catalog', async () => {
  const r = rules({ catalogs: [{ catalog: 'system', allow: 'none' }, { allow: 'all' }], functions: [{ catalog: 'tpch', schema: 'udf', function: 'f1', privileges: ['EXECUTE'] }, { catalog: 'tpch', schema: 'udf', privileges: ['GRANT_EXECUTE'] }] });
  const bob = who('bob');
  assert.equal((await decide(r, bob, 'SELECT lower(n_name), count(*) FROM nation GROUP BY 1')).allowed, true, 'builtins need no catalog access to system');
  assert.equal((await decide(r, bob, 'SELECT udf.f1(1)')).allowed, true);
  assert.equal((await decide(r, bob, 'SELECT tpch.udf.f2(1)')).message, 'Access Denied: Cannot execute function tpch.udf.f2', 'GRANT_EXECUTE alone does not execute');
  const noSession = await decide(r, bob, 'SELECT udf.f1(1)', { session: {} });
  assert.equal(noSession.message, 'Access Denied: Cannot execute function udf.f1');
});

test('procedures and table procedures are denied unless a procedures rule grants EXECUTE', async () => {
  const bob = who('bob');
  const none = rules({});
  assert.equal((await decide(none, bob, "CALL system.runtime.kill_query(query_id => '1', message => 'x')")).message, 'Access Denied: Cannot execute procedure system.runtime.kill_query');
  const optimize = await decide(none, bob, 'ALTER TABLE memory.default.people EXECUTE optimize');
  assert.equal(optimize.message, 'Access Denied: Cannot execute table procedure optimize on memory.default.people');
  const r = rules({ procedures: [{ catalog: 'memory', schema: 'system', procedure: 'optimize', privileges: ['EXECUTE'] }] });
  assert.equal((await decide(r, bob, 'ALTER TABLE memory.default.people EXECUTE optimize')).allowed, true);
});

test('session properties from X-Trino-Session are re-checked for every statement; RESET SESSION is not checked', async () => {
  const r = rules({ system_session_properties: [{ property: 'query_max_run_time', allow: true }], catalog_session_properties: [{ catalog: 'memory', allow: true }] });
  const bob = who('bob');
  const ok = await decide(r, bob, 'SELECT 1', { context: { sessionProperties: [{ name: 'query_max_run_time' }, { name: 'x', catalog: 'memory' }] } });
  assert.equal(ok.allowed, true);
  const bad = await decide(r, bob, 'SELECT 1', { context: { sessionProperties: [{ name: 'resource_overcommit' }] } });
  assert.equal(bad.message, 'Access Denied: Cannot set system session property resource_overcommit');
  const badCat = await decide(r, bob, 'SELECT 1', { context: { sessionProperties: [{ name: 'p', catalog: 'tpch' }] } });
  assert.equal(badCat.message, 'Access Denied: Cannot set catalog session property p');
  assert.equal((await decide(r, bob, 'RESET SESSION resource_overcommit')).allowed, true);
});

test('fail closed: unknown statement kinds, privileges, flags and wrappers with unknown inner statements', () => {
  const r = rules({});
  const bob = who('bob');
  const k = authorize(r, bob, request({ kind: 'vacuumEverything' as never }));
  assert.equal(k.message, "Access Denied: Statement kind 'vacuumEverything' is not supported by the gateway's access control");
  const p = authorize(r, bob, request({ catalogs: ['tpch'], tables: [{ table: tbl('tpch', 'tiny', 'nation'), privilege: 'MERGE' as never, columns: [] }] }));
  assert.equal(p.allowed, false);
  const f = authorize(r, bob, request({ flags: ['rawBytes' as never] }));
  assert.equal(f.allowed, false);
  assert.equal(authorize(r, bob, request({ kind: 'explain' })).allowed, false, 'a wrapper without innerKind');
  assert.equal(authorize(r, bob, request({ kind: 'explain', innerKind: 'execute' })).allowed, false, 'nested wrappers hide the real kind');
  assert.equal(authorize(r, bob, request({ kind: 'execute', innerKind: 'query' })).allowed, true);
  for (const kind of ['createRole', 'dropRole', 'grantRoles', 'revokeRoles', 'setRole'] as const) {
    assert.equal(authorize(r, bob, request({ kind })).allowed, false, kind);
  }
  assert.equal(authorize(r, bob, request({ kind: 'setRole', roleMode: 'NONE' })).allowed, true, 'SET ROLE NONE changes no gateway decision');
  assert.equal(authorize(r, bob, request({ kind: 'setPath' })).allowed, true, 'the path is checked where it is used');
  // Under a path, an unqualified function may be a catalog function in any of its schemas.
  assert.equal(authorize(r, bob, request({ functions: ['lower'] }), { path: 'hive.udfs' }).message, 'Access Denied: Cannot execute function lower');
  assert.equal(authorize(r, bob, request({ functions: ['lower'] }), { path: 'system.builtin' }).allowed, true);
  assert.equal(authorize(r, bob, request({}), { path: 'hive."a,b"' }).allowed, false, 'a path the gateway cannot read exactly');
});

test('an identity with no groups and no roles is fine', async () => {
  const d = await decide(rules({ tables: [{ user: 'solo', privileges: ['SELECT'] }] }), { user: 'solo', groups: [] }, 'SELECT n_name FROM nation');
  assert.equal(d.allowed, true);
});
