/**
 * The examples of Trino's "File-based access control" documentation page, written as rules files,
 * with the decisions the page describes for several users, groups and roles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImpersonation } from '../../src/policy/file-rules.js';
import { authorize, checkQueryAccess, checkSetAuthorization, checkSystemInformation } from '../../src/policy/decision.js';
import { decide, request, rules, tbl, who } from './support.js';

test('docs catalog rules: admin role on mysql/system, finance|human_resources on postgres (legacy true), hive for all, alice read-only postgresql, system none', () => {
  const r = rules({
    catalogs: [
      { role: 'admin', catalog: '(mysql|system)', allow: 'all' },
      { group: 'finance|human_resources', catalog: 'postgres', allow: true },
      { catalog: 'hive', allow: 'all' },
      { user: 'alice', catalog: 'postgresql', allow: 'read-only' },
      { catalog: 'system', allow: 'none' },
    ],
  });
  const access = (id: ReturnType<typeof who>, catalog: string) => authorize(r, id, request({ catalogs: [catalog] })).allowed;
  const admin = who('root', [], ['admin']);
  assert.equal(access(admin, 'mysql'), true);
  assert.equal(access(admin, 'system'), true);
  assert.equal(access(who('fin', ['finance']), 'postgres'), true, 'legacy boolean true = all');
  assert.equal(access(who('hr', ['staff', 'human_resources']), 'postgres'), true, 'any group matches');
  assert.equal(access(who('bob'), 'postgres'), false);
  assert.equal(access(who('bob'), 'mysql'), false);
  assert.equal(access(who('bob'), 'hive'), true);
  assert.equal(access(who('alice'), 'postgresql'), true);
  // "deny all other access": the explicit system rule overrides the implicit one.
  const sys = authorize(r, who('bob'), request({ catalogs: ['system'] }));
  assert.equal(sys.allowed, false);
  assert.equal(sys.message, 'Access Denied: Cannot access catalog system');
  assert.equal(sys.checks.at(-1)!.decidedBy, 'catalogs[4] (none)');
  // read-only: alice can read but not write postgresql
  const write = authorize(r, who('alice'), request({ kind: 'insert', catalogs: ['postgresql'], tables: [{ table: tbl('postgresql', 'public', 't'), privilege: 'INSERT', columns: ['a'] }] }));
  assert.equal(write.message, 'Access Denied: Cannot insert into table postgresql.public.t');
  const read = authorize(r, who('alice'), request({ catalogs: ['postgresql'], tables: [{ table: tbl('postgresql', 'public', 't'), privilege: 'SELECT', columns: ['a'] }] }));
  assert.equal(read.allowed, true);
});

test('docs verify-configuration rule: {"catalog":"system","allow":"none"} blocks SELECT * FROM system.runtime.nodes', async () => {
  const r = rules({ catalogs: [{ catalog: 'system', allow: 'none' }] });
  const d = await decide(r, who('anyone'), 'SELECT * FROM system.runtime.nodes');
  assert.equal(d.allowed, false);
  assert.equal(d.message, 'Access Denied: Cannot access catalog system');
});

test('docs schema rules: admin role owns all schemas, guest owns none, everyone owns default.default', async () => {
  const r = rules({
    schemas: [
      { role: 'admin', schema: '.*', owner: true },
      { user: 'guest', owner: false },
      { catalog: 'default', schema: 'default', owner: true },
    ],
  });
  const create = (id: ReturnType<typeof who>, sql: string) => decide(r, id, sql);
  assert.equal((await create(who('root', [], ['admin']), 'CREATE SCHEMA hive.anything')).allowed, true);
  assert.equal((await create(who('bob'), 'DROP SCHEMA default.default')).allowed, true);
  const guest = await create(who('guest'), 'DROP SCHEMA default.default');
  assert.equal(guest.message, 'Access Denied: Cannot drop schema default.default', 'first match wins: guest rule comes first');
  const other = await create(who('bob'), 'CREATE SCHEMA hive.other');
  assert.equal(other.message, 'Access Denied: Cannot create schema hive.other');
  assert.equal((await create(who('bob'), 'ALTER SCHEMA default.default RENAME TO x')).message, 'Access Denied: Cannot rename schema from default.default to x');
});

test('docs table rules: admin all, banned_user nothing, default.hr.employee filtered, default.default without address and masked ssn', async () => {
  // The docs' mask ('XXX-XX-' + substring(credit_card, -4)) is a Trino expression, so it loads; its
  // types are checked by the engine serving a table when a statement first reads it (Trino has no
  // varchar + varchar, so it is refused then, as test/policy/filter-mask.test.ts checks for types). What does not
  // parse is refused at load, naming the rule.
  const docsMask = { catalog: 'default', schema: 'default', privileges: ['SELECT'], columns: [{ name: 'SSN', mask: "'XXX-XX-' + substring(credit_card, -4)" }] };
  assert.doesNotThrow(() => rules({ tables: [docsMask] }));
  const unparsable = { ...docsMask, columns: [{ name: 'SSN', mask: "'XXX-XX-' + " }] };
  assert.throws(() => rules({ tables: [unparsable] }), /tables\[0\]\.columns\[0\]\.mask: .*does not parse/);
  const r = rules({
    tables: [
      { role: 'admin', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] },
      { user: 'banned_user', privileges: [] },
      { catalog: 'default', schema: 'hr', table: 'employee', privileges: ['SELECT'], filter: 'user = current_user', filter_environment: { user: 'system_user' } },
      {
        catalog: 'default',
        schema: 'default',
        table: '.*',
        privileges: ['SELECT'],
        columns: [
          { name: 'address', allow: false },
          { name: 'SSN', mask: "'XXX-XX-' || credit_card", mask_environment: { user: 'system_user' } },
        ],
      },
    ],
  });
  const admin = who('root', [], ['admin']);
  assert.equal((await decide(r, admin, 'SELECT * FROM default.default.customers')).allowed, true, 'admin rule matches first: no column constraints');
  assert.equal((await decide(r, admin, 'DELETE FROM default.hr.employee')).allowed, true);
  assert.equal((await decide(r, admin, 'DROP TABLE default.default.orders')).allowed, true);

  const banned = await decide(r, who('banned_user', [], ['admin']), 'SELECT id FROM default.default.orders');
  assert.equal(banned.allowed, true, 'banned_user with the admin role matches the admin rule first');
  const banned2 = await decide(r, who('banned_user'), 'SELECT id FROM default.default.orders');
  assert.equal(banned2.message, 'Access Denied: Cannot select from table default.default.orders', 'privileges: [] shadows every later rule');

  const bob = who('bob');
  assert.equal((await decide(r, bob, 'SELECT id, name, credit_card FROM default.default.customers')).allowed, true);
  const addr = await decide(r, bob, 'SELECT * FROM default.default.customers');
  assert.equal(addr.message, 'Access Denied: Cannot select from table default.default.customers');
  const ssn = await decide(r, bob, 'SELECT id, ssn FROM default.default.customers');
  // The docs' rule names the column "SSN": Trino matches rule column names case-sensitively, so
  // it does not cover the engine's lower-case column ssn (the decision differential checks this).
  assert.equal(ssn.allowed, true);
  assert.equal((await decide(r, bob, 'INSERT INTO default.default.orders VALUES (1, 2, 3)')).message, 'Access Denied: Cannot insert into table default.default.orders');
  const emp = await decide(r, bob, 'SELECT name FROM default.hr.employee');
  assert.equal(emp.allowed, true, 'a row filter does not deny: the statement is rewritten (test/policy/filter-mask.test.ts)');
  const salaries = authorize(r, bob, request({ catalogs: ['default'], tables: [{ table: tbl('default', 'hr', 'salaries'), privilege: 'SELECT', columns: ['x'] }] }));
  assert.equal(salaries.message, 'Access Denied: Cannot select from table default.hr.salaries', 'no rule matches: deny');
  assert.equal(salaries.checks.at(-1)!.decidedBy, 'default: no tables rule matched (deny)');
});

test('docs function rules: admin may run system.query everywhere, everyone may use hive.function', async () => {
  const r = rules({
    functions: [
      { user: 'admin', schema: 'system', function: 'query', privileges: ['EXECUTE'] },
      { catalog: 'hive', schema: 'function', privileges: ['EXECUTE', 'GRANT_EXECUTE', 'OWNERSHIP'] },
    ],
  });
  const passthrough = "SELECT * FROM TABLE(postgres.system.query(query => 'SELECT * FROM accounts'))";
  assert.equal((await decide(r, who('admin'), passthrough)).allowed, true);
  assert.equal((await decide(r, who('bob'), passthrough)).message, 'Access Denied: Cannot execute function postgres.system.query');
  assert.equal((await decide(r, who('bob'), 'SELECT hive.function.twice(2), abs(-1)')).allowed, true);
  assert.equal((await decide(r, who('bob'), 'SELECT hive.other.twice(2)')).message, 'Access Denied: Cannot execute function hive.other.twice');
});

test('docs procedure rules: admin may register/unregister tables in delta, everyone may vacuum', () => {
  const r = rules({
    procedures: [
      { user: 'admin', catalog: 'delta', schema: 'system', procedure: 'register_table|unregister_table', privileges: ['EXECUTE', 'GRANT_EXECUTE'] },
      { catalog: 'delta', schema: 'system', procedure: 'vacuum', privileges: ['EXECUTE'] },
    ],
  });
  const call = (user: string, proc: string) => authorize(r, who(user), request({ kind: 'call', catalogs: ['delta'], procedures: [proc] }));
  assert.equal(call('admin', 'delta.system.register_table').allowed, true);
  assert.equal(call('bob', 'delta.system.register_table').message, 'Access Denied: Cannot execute procedure delta.system.register_table');
  assert.equal(call('bob', 'delta.system.vacuum').allowed, true);
});

test('docs session property rules: admin role all, banned_user none, everyone resource_overcommit and hive.bucket_execution_enabled', async () => {
  const r = rules({
    system_session_properties: [{ role: 'admin', allow: true }, { user: 'banned_user', allow: false }, { property: 'resource_overcommit', allow: true }],
    catalog_session_properties: [{ role: 'admin', allow: true }, { user: 'banned_user', allow: false }, { catalog: 'hive', property: 'bucket_execution_enabled', allow: true }],
  });
  const admin = who('root', [], ['admin']);
  assert.equal((await decide(r, admin, "SET SESSION query_max_run_time = '1h'")).allowed, true);
  assert.equal((await decide(r, admin, 'SET SESSION hive.anything = true')).allowed, true);
  assert.equal((await decide(r, who('bob'), 'SET SESSION resource_overcommit = true')).allowed, true);
  assert.equal((await decide(r, who('bob'), "SET SESSION query_max_run_time = '1h'")).message, 'Access Denied: Cannot set system session property query_max_run_time');
  assert.equal((await decide(r, who('banned_user'), 'SET SESSION resource_overcommit = true')).allowed, false);
  assert.equal((await decide(r, who('bob'), 'SET SESSION hive.bucket_execution_enabled = true')).allowed, true);
  assert.equal((await decide(r, who('bob'), 'SET SESSION hive.other = true')).message, 'Access Denied: Cannot set catalog session property other');
  assert.equal((await decide(r, who('banned_user'), 'SET SESSION hive.bucket_execution_enabled = true')).allowed, false);
});

test('docs query rules: admin full access, alice execute and kill, contractors view alice|dave, everyone execute', () => {
  const r = rules({
    queries: [
      { role: 'admin', allow: ['execute', 'kill', 'view'] },
      { user: 'alice', allow: ['execute', 'kill'] },
      { group: 'contractors', queryOwner: 'alice|dave', allow: ['view'] },
      { allow: ['execute'] },
    ],
  });
  const exec = (id: ReturnType<typeof who>) => authorize(r, id, request({})).allowed;
  assert.equal(exec(who('bob')), true);
  assert.equal(exec(who('carl', ['contractors'])), true, 'queryOwner rules are skipped for execute');
  assert.equal(checkQueryAccess(r, who('carl', ['contractors']), 'view', 'dave').allowed, true);
  assert.equal(checkQueryAccess(r, who('carl', ['contractors']), 'kill', 'dave').allowed, false);
  assert.equal(checkQueryAccess(r, who('carl', ['contractors']), 'view', 'bob').allowed, false);
  assert.equal(checkQueryAccess(r, who('alice'), 'kill', 'bob').allowed, true);
  assert.equal(checkQueryAccess(r, who('alice'), 'view', 'bob').allowed, false);
  assert.equal(checkQueryAccess(r, who('bob'), 'view', 'bob').allowed, true, 'own queries are always visible');
  const none = rules({ queries: [{ user: 'alice', allow: ['execute'] }] });
  const denied = authorize(none, who('bob'), request({}));
  assert.equal(denied.message, 'Access Denied: Cannot execute query');
});

test('docs impersonation rules: admin role anyone but bob, anyone may be test, team_x may be team_x_sandbox', () => {
  const r = rules({
    impersonation: [
      { original_role: 'admin', new_user: 'bob', allow: false },
      { original_role: 'admin', new_user: '.*' },
      { original_user: '.*', new_user: 'test' },
      { original_user: 'team_(.*)', new_user: 'team_$1_sandbox', allow: true },
    ],
  });
  assert.equal(checkImpersonation(r, 'root', ['admin'], 'carol').allowed, true);
  assert.equal(checkImpersonation(r, 'root', ['admin'], 'bob').allowed, false);
  assert.equal(checkImpersonation(r, 'root', [], 'carol').allowed, false, 'role rules never match without roles');
  assert.equal(checkImpersonation(r, 'anyone', [], 'test').allowed, true);
  assert.equal(checkImpersonation(r, 'team_backend', [], 'team_backend_sandbox').allowed, true);
  assert.equal(checkImpersonation(r, 'team_backend', [], 'team_frontend_sandbox').allowed, false);
  assert.equal(checkImpersonation(r, 'team_backend', [], 'carol').allowed, false);
});

test('docs system information rules: admin role read+write, alice read, everyone else nothing; absent section denies all', () => {
  const r = rules({ system_information: [{ role: 'admin', allow: ['read', 'write'] }, { user: 'alice', allow: ['read'] }] });
  assert.equal(checkSystemInformation(r, who('x', [], ['admin']), 'write').allowed, true);
  assert.equal(checkSystemInformation(r, who('alice'), 'read').allowed, true);
  assert.equal(checkSystemInformation(r, who('alice'), 'write').allowed, false);
  assert.equal(checkSystemInformation(r, who('bob'), 'read').allowed, false);
  assert.equal(checkSystemInformation(rules({}), who('admin'), 'read').allowed, false);
});

test('docs authorization rules: admin role may give anything to any user or role except bob; OWNERSHIP still required', async () => {
  const r = rules({
    authorization: [{ original_role: 'admin', new_user: 'bob', allow: false }, { original_role: 'admin', new_user: '.*', new_role: '.*' }],
    schemas: [{ role: 'admin', owner: true }],
    tables: [{ role: 'admin', privileges: ['OWNERSHIP'] }],
  });
  const admin = who('root', [], ['admin']);
  assert.equal(checkSetAuthorization(r, admin, { type: 'USER', name: 'carol' }).allowed, true);
  assert.equal(checkSetAuthorization(r, admin, { type: 'ROLE', name: 'analysts' }).allowed, true);
  assert.equal(checkSetAuthorization(r, admin, { type: 'USER', name: 'bob' }).allowed, false);
  const ok = await decide(r, admin, 'ALTER TABLE memory.default.people SET AUTHORIZATION carol', { context: { authorizationTarget: { type: 'USER', name: 'carol' } } });
  assert.equal(ok.allowed, true);
  const toBob = await decide(r, admin, 'ALTER SCHEMA memory.default SET AUTHORIZATION bob', { context: { authorizationTarget: { type: 'USER', name: 'bob' } } });
  assert.equal(toBob.message, 'Access Denied: Cannot set authorization for schema memory.default to USER bob');
  const notOwner = await decide(r, who('carol'), 'ALTER TABLE memory.default.people SET AUTHORIZATION dave', { context: { authorizationTarget: { type: 'USER', name: 'dave' } } });
  assert.equal(notOwner.allowed, false);
  // The new owner is read from the statement itself.
  assert.equal((await decide(r, admin, 'ALTER TABLE memory.default.people SET AUTHORIZATION carol')).allowed, true);
  assert.equal((await decide(r, admin, 'ALTER VIEW memory.default.people SET AUTHORIZATION USER bob')).message, 'Access Denied: Cannot set authorization for view memory.default.people to USER bob');
  assert.equal((await decide(r, admin, 'ALTER SCHEMA memory.default SET AUTHORIZATION ROLE analysts')).allowed, true);
});
