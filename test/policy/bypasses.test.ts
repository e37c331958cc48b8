/**
 * ACCESS-CONTROL.md section 6, one test per bypass class: the construct is analyzed with analyze()
 * and the policy decision blocks it; look-alike legitimate queries stay allowed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QualifiedName, ViewExpansion } from '../../src/sql/analyzer/index.js';
import { StaticMetadata } from '../sql/support.js';
import { decide, rules, who } from './support.js';

const R = rules({
  tables: [
    { user: 'admin', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] },
    { catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] },
    { catalog: 'tpch', table: 'nation|region|orders|lineitem|part|partsupp|supplier', privileges: ['SELECT'] },
    { catalog: 'memory', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] },
    { catalog: 'system', schema: 'runtime', privileges: ['SELECT'] },
  ],
  system_session_properties: [{ property: 'query_max_run_time', allow: true }],
  impersonation: [{ original_user: 'svc', new_user: 'report_.*' }],
});
const bob = who('bob', ['analysts']);
const PHONE = 'Access Denied: Cannot select from table tpch.tiny.customer';

test('6.1 pass-through table functions and procedures: denied unless a functions/procedures rule grants them', async () => {
  for (const [sql, fn] of [
    ["SELECT * FROM TABLE(tpch.system.query(query => 'SELECT c_phone FROM customer'))", 'tpch.system.query'],
    ["SELECT * FROM TABLE(system.query(query => 'SELECT c_phone FROM customer'))", 'tpch.system.query'],
    ["SELECT * FROM TABLE(query(query => 'SEL' || 'ECT c_phone FROM customer'))", 'tpch.system.query'],
    ["SELECT * FROM TABLE(memory.system.raw_query(query => U&'\\0053ELECT 1'))", 'memory.system.raw_query'],
  ] as const) {
    const d = await decide(R, bob, sql);
    assert.equal(d.message, `Access Denied: Cannot execute function ${fn}`, sql);
  }
  const exec = await decide(R, bob, "CALL system.execute(query => 'DROP TABLE customer')");
  assert.equal(exec.message, 'Access Denied: Cannot execute procedure tpch.system.execute');
  // Table arguments are ordinary reads: exclude_columns reads what it leaves, as in Trino.
  const ex = await decide(R, bob, 'SELECT * FROM TABLE(exclude_columns(input => TABLE(customer), columns => DESCRIPTOR(c_name)))');
  assert.equal(ex.message, PHONE);
  assert.equal((await decide(R, bob, 'SELECT * FROM TABLE(exclude_columns(input => TABLE(customer), columns => DESCRIPTOR(c_phone)))')).allowed, true);
  const granted = rules({ functions: [{ user: 'dba', catalog: 'tpch', schema: 'system', function: 'query', privileges: ['EXECUTE'] }] });
  assert.equal((await decide(granted, who('dba'), "SELECT * FROM TABLE(system.query(query => 'SELECT 1'))")).allowed, true);
});

test('6.2 statement smuggling: EXECUTE of header-prepared SQL, EXECUTE IMMEDIATE, DESCRIBE OUTPUT are authorized as the inner statement', async () => {
  const prepared = new Map([['_trino_go', 'SELECT c_phone FROM customer WHERE c_custkey = ?']]);
  assert.equal((await decide(R, bob, 'EXECUTE _trino_go USING 1', { prepared })).message, PHONE);
  assert.equal((await decide(R, bob, 'DESCRIBE OUTPUT _trino_go', { prepared })).message, PHONE);
  assert.equal((await decide(R, bob, "EXECUTE IMMEDIATE 'SELECT c_phone FROM customer'")).message, PHONE);
  assert.equal((await decide(R, bob, "EXECUTE IMMEDIATE U&'\\0053ELECT c_phone FROM customer'")).message, PHONE);
  assert.equal((await decide(R, bob, 'PREPARE s FROM SELECT c_phone FROM customer')).allowed, true, 'PREPARE only returns text; EXECUTE is checked');
  const del = new Map([['d', 'DELETE FROM nation']]);
  assert.equal((await decide(R, bob, 'EXECUTE d', { prepared: del })).message, 'Access Denied: Cannot delete from table tpch.tiny.nation');
});

test('6.3 identity and session headers: impersonation, SET ROLE, SET PATH / X-Trino-Path, X-Trino-Session, session catalog', async () => {
  assert.equal((await decide(R, bob, "SET SESSION AUTHORIZATION 'admin'")).message, 'Access Denied: User bob cannot impersonate user admin');
  assert.equal((await decide(R, who('svc'), "SET SESSION AUTHORIZATION 'report_eu'")).allowed, true);
  assert.equal((await decide(R, { user: 'report_eu', originalUser: 'bob', groups: [] }, "SET SESSION AUTHORIZATION 'admin'")).message, 'Access Denied: User bob cannot impersonate user admin', 'checked against the original user');
  assert.equal((await decide(R, bob, 'SET ROLE admin')).allowed, false);
  // SET PATH itself changes nothing: the path comes back as X-Trino-Path, checked on every statement.
  assert.equal((await decide(R, bob, 'SET PATH memory.udf')).allowed, true);
  assert.equal((await decide(R, bob, 'SELECT lower(n_name) FROM nation', { context: { path: 'memory.udf' } })).message, 'Access Denied: Cannot execute function lower');
  assert.equal((await decide(R, bob, 'SELECT 1', { context: { path: '"memory".udf' } })).allowed, false, 'a path the gateway cannot read exactly is refused');
  assert.equal((await decide(R, bob, 'SELECT 1', { context: { sessionProperties: [{ name: 'resource_overcommit' }] } })).message, 'Access Denied: Cannot set system session property resource_overcommit');
  // The same text means different tables under a different X-Trino-Catalog/Schema.
  assert.equal((await decide(R, bob, 'SELECT * FROM people', { session: { catalog: 'memory', schema: 'default' } })).allowed, true);
  assert.equal((await decide(R, bob, 'SELECT * FROM customer', { session: { catalog: 'tpch', schema: 'sf1' } })).message, 'Access Denied: Cannot select from table tpch.sf1.customer');
});

test('6.4 objects that are not what they look like: $-metadata tables, system.runtime, SHOW CREATE, time travel', async () => {
  assert.equal((await decide(R, bob, 'SELECT o_orderkey FROM orders')).allowed, true);
  assert.equal((await decide(R, bob, 'SELECT * FROM "orders$files"')).message, 'Access Denied: Cannot select from table tpch.tiny.orders$files', 'a rule for orders does not cover orders$files');
  assert.equal((await decide(R, bob, 'SELECT query FROM system.runtime.queries')).message, 'Access Denied: Cannot read system information');
  assert.equal((await decide(R, bob, 'SHOW CREATE TABLE customer')).message, 'Access Denied: Cannot show create table for tpch.tiny.customer');
  const tt = await decide(R, bob, 'SELECT n_name FROM nation FOR VERSION AS OF 3');
  assert.equal(tt.allowed, true, 'time travel needs exactly the SELECT privilege');
  assert.deepEqual(tt.request.flags, ['timeTravel']);
  assert.equal((await decide(R, bob, 'SELECT c_phone FROM customer FOR TIMESTAMP AS OF TIMESTAMP \'2020-01-01 00:00:00\'')).message, PHONE);
});

test('6.5 statements whose kind is misleading: EXPLAIN, EXPLAIN ANALYZE, CTAS, INSERT..SELECT, MERGE, UPDATE/DELETE subqueries, LIKE, SHOW STATS, GRANT', async () => {
  for (const sql of [
    'EXPLAIN SELECT c_phone FROM customer',
    'EXPLAIN ANALYZE SELECT c_phone FROM customer',
    'CREATE TABLE memory.default.x AS SELECT c_phone FROM customer',
    'INSERT INTO memory.default.people (phone) SELECT c_phone FROM customer',
    'MERGE INTO memory.default.people p USING customer c ON p.id = c.c_custkey WHEN MATCHED THEN UPDATE SET phone = c.c_phone',
    'UPDATE memory.default.people SET phone = (SELECT max(c_phone) FROM customer)',
    'DELETE FROM memory.default.people WHERE phone IN (SELECT c_phone FROM customer)',
    'SHOW STATS FOR customer',
    'SHOW STATS FOR (SELECT c_phone FROM customer)',
  ]) {
    assert.equal((await decide(R, bob, sql)).message, PHONE, sql);
  }
  const ea = await decide(R, bob, 'EXPLAIN ANALYZE DELETE FROM nation');
  assert.equal(ea.message, 'Access Denied: Cannot delete from table tpch.tiny.nation');
  const like = await decide(R, bob, 'CREATE TABLE memory.default.y (LIKE nation INCLUDING PROPERTIES)');
  assert.equal(like.message, 'Access Denied: Cannot reference properties of table tpch.tiny.nation');
  assert.equal((await decide(R, bob, 'GRANT SELECT ON nation TO USER eve')).message, 'Access Denied: Cannot grant privilege SELECT on table tpch.tiny.nation');
  assert.equal((await decide(R, bob, 'CREATE ROLE boss')).message, 'Access Denied: Cannot create role boss');
  assert.equal((await decide(R, bob, 'CREATE TABLE memory.default.z AS SELECT c_name FROM customer')).allowed, true);
});

test('6.6 lexical and name-resolution traps: quoted case, comments around dots, CTE scope, TABLE t', async () => {
  assert.equal((await decide(R, bob, 'SELECT "C_PHONE" FROM "TPCH"."TINY"."CUSTOMER"')).message, PHONE);
  assert.equal((await decide(R, bob, 'SELECT c_phone FROM tpch . /* x */ tiny . -- y\n customer')).message, PHONE);
  assert.equal((await decide(R, bob, 'WITH x AS (SELECT * FROM customer) SELECT 1')).message, PHONE, 'an unused CTE still reads');
  assert.equal((await decide(R, bob, 'WITH customer AS (SELECT 1 AS c_phone) SELECT c_phone FROM customer')).allowed, true, 'a CTE shadows the table');
  assert.equal((await decide(R, bob, 'SELECT t.c_phone, c.c_phone FROM (WITH customer AS (SELECT 1 AS c_phone) SELECT * FROM customer) t, customer c')).message, PHONE, 'outside the WITH scope the real table is read');
  assert.equal((await decide(R, bob, 'TABLE customer')).message, PHONE);
});

test('legitimate look-alikes stay allowed: literals, aliases and column names that merely resemble protected names', async () => {
  for (const sql of [
    "SELECT 'c_phone' AS label, c_name FROM customer",
    'SELECT c_name AS c_phone FROM customer',
    "SELECT c_name FROM customer WHERE c_comment LIKE '%c_phone%'",
    'SELECT c.c_name, x.c_phone FROM customer c CROSS JOIN (SELECT 1 AS c_phone) x',
    "SELECT * FROM nation WHERE n_name = 'TABLE(system.query())'",
    'SELECT "customer".c_name FROM customer',
    "SELECT n_name AS \"orders$files\" FROM nation -- c_phone\n",
  ]) {
    const d = await decide(R, bob, sql);
    assert.equal(d.allowed, true, `${sql}: ${d.message}`);
  }
});

test('6.8 operational: unknown constructs deny (see semantics.test), broken policy files are refused (see rules-file.test)', async () => {
  assert.equal((await decide(R, who('admin'), 'SELECT c_phone FROM customer')).allowed, true, 'a privileged user is not affected');
});

test('issue 16 class 2: views read underneath as Trino reads them (invoker: the caller; definer: the owner, with GRANT_SELECT)', async () => {
  const secret = { catalog: 'memory', schema: 's1', name: 'secret' };
  const expansions: Record<string, ViewExpansion> = {
    'memory.s1.v_inv': { reads: [{ table: secret, columns: ['a', 'b'] }] },
    'memory.s1.v_def': { reads: [{ table: secret, columns: ['a'], viewOwner: 'owner' }] },
  };
  const meta = new (class extends StaticMetadata {
    async viewOf(t: QualifiedName): Promise<ViewExpansion | undefined> {
      return expansions[`${t.catalog}.${t.schema}.${t.name}`];
    }
  })({ 'memory.s1.secret': ['a', 'b'], 'memory.s1.v_inv': ['a', 'b'], 'memory.s1.v_def': ['a'], 'memory.s1.out': ['a', 'b'] });
  const V = rules({
    tables: [
      { group: 'owners', catalog: 'memory', schema: 's1', table: 'secret', privileges: ['SELECT', 'GRANT_SELECT'] },
      { user: 'carl', catalog: 'memory', schema: 's1', table: 'secret', privileges: ['SELECT'] },
      { user: 'ann', catalog: 'memory', schema: 's1', table: 'v_.*|out.*', privileges: ['SELECT', 'INSERT', 'OWNERSHIP'] },
    ],
  });
  const ann = who('ann');
  const opts = { metadata: meta, session: { catalog: 'memory', schema: 's1' } };
  const secretDenied = 'Access Denied: Cannot select from table memory.s1.secret';
  assert.equal((await decide(V, ann, 'SELECT * FROM v_inv', opts)).message, secretDenied);
  assert.equal((await decide(V, ann, 'CREATE TABLE out2 AS SELECT a FROM v_inv', opts)).message, secretDenied);
  assert.equal((await decide(V, ann, 'INSERT INTO out SELECT * FROM v_inv', opts)).message, secretDenied);
  // The owner's groups come from the group provider (the caller's groups never apply to the owner).
  const owners = { ...opts, context: { groupsOf: (u: string) => (u === 'owner' ? ['owners'] : []) } };
  assert.equal((await decide(V, ann, 'SELECT * FROM v_def', owners)).allowed, true);
  assert.equal((await decide(V, who('ann', ['owners']), 'SELECT * FROM v_def', opts)).message, `Access Denied: View owner does not have sufficient privileges: Cannot select from table memory.s1.secret`);
  expansions['memory.s1.v_def'] = { reads: [{ table: secret, columns: ['a'], viewOwner: 'carl' }] };
  assert.equal(
    (await decide(V, ann, 'SELECT * FROM v_def', opts)).message,
    "Access Denied: View owner does not have sufficient privileges: View owner 'carl' cannot create view that selects from memory.s1.secret",
  );
});
