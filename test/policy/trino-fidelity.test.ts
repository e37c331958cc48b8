/**
 * Regressions for decisions where the gateway disagreed with Trino 483's own file-based access
 * control (found by the decision differential, test/integration/decision-differential.test.ts):
 * kill_query against another user's query, USE of an invisible schema, X-Trino-Original-User in
 * insecure mode, repeated X-Trino-User lines, and case-sensitive rule column names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GroupFile } from '../../src/auth/group-file.js';
import { IdentityResolver } from '../../src/auth/identity.js';
import type { ReloadingFile } from '../../src/config/reloading-file.js';
import type { AccessRules } from '../../src/policy/file-rules.js';
import { parseRequestHead } from '../../src/http1/request-head.js';
import { HttpFailure } from '../../src/protocol/errors.js';
import { decide, rules, who } from './support.js';

const R = rules({
  catalogs: [{ user: 'admin', allow: 'all' }, { catalog: 'tpch', allow: 'read-only' }],
  schemas: [{ user: 'admin', owner: true }],
  catalog_session_properties: [{ user: 'admin', allow: true }],
  tables: [{ user: 'admin', privileges: ['SELECT', 'OWNERSHIP'] }, { user: 'alice', catalog: 'tpch', schema: 'tiny', privileges: ['SELECT'], columns: [{ name: 'C_PHONE', allow: false }] }],
  procedures: [{ user: 'alice|erin', catalog: 'system', schema: 'runtime', procedure: 'kill_query', privileges: ['EXECUTE'] }],
  queries: [{ user: 'admin', allow: ['execute', 'kill', 'view'] }, { user: 'erin', queryOwner: 'alice', allow: ['kill'] }, { allow: ['execute'] }],
  impersonation: [{ original_user: 'admin', new_user: '.*' }, { original_user: 'heidi', new_user: 'alice' }],
});

const owners = new Map([['q_admin', ['admin']], ['q_alice', ['alice']]]);
const kill = (user: string, sql: string) => decide(R, who(user), sql, { context: { catalog: 'tpch', schema: 'tiny', queryOwners: owners } });

test('kill_query checks the queries kill rule for the owner of the target query, not only the procedure rule', async () => {
  assert.equal((await kill('alice', "CALL system.runtime.kill_query(query_id => 'q_admin', message => 'x')")).message, 'Access Denied: Cannot kill query');
  assert.equal((await kill('erin', "CALL system.runtime.kill_query('q_admin')")).message, 'Access Denied: Cannot kill query');
  assert.equal((await kill('erin', "CALL system.runtime.kill_query(message => 'q_alice', query_id => 'q_admin')")).message, 'Access Denied: Cannot kill query', 'the query_id argument, wherever it is');
  assert.equal((await kill('erin', "CALL system.runtime.kill_query(query_id => 'q_alice')")).allowed, true, 'a queryOwner rule grants kill');
  assert.equal((await kill('alice', "CALL system.runtime.kill_query(query_id => 'q_alice')")).allowed, true, 'users may kill their own queries');
  assert.equal((await kill('alice', "CALL system.runtime.kill_query(query_id => concat('q_', 'admin'))")).message, 'Access Denied: Cannot kill query', 'an id the gateway cannot read is refused');
});

test('USE checks that the catalog and the schema are visible to the user, as Trino does', async () => {
  assert.equal((await decide(R, who('alice'), 'USE tpch.sf100')).message, 'Access Denied: Cannot access schema: tpch.sf100');
  assert.equal((await decide(R, who('alice'), 'USE sf100')).message, 'Access Denied: Cannot access schema: tpch.sf100');
  assert.equal((await decide(R, who('dave'), 'USE tpch.tiny')).message, 'Access Denied: Cannot access catalog tpch', 'read-only catalog access alone does not make it visible');
  assert.equal((await decide(R, who('alice'), 'USE tpch.tiny')).allowed, true);
});

test('rule column names are matched case-sensitively: "C_PHONE" does not cover c_phone', async () => {
  assert.equal((await decide(R, who('alice'), 'SELECT c_phone FROM tpch.tiny.customer')).allowed, true);
});

/** A resolver in insecure mode (no authenticator), deciding impersonation by R. */
function insecureResolver(groupFile?: GroupFile): IdentityResolver {
  return new IdentityResolver({
    authenticators: [],
    ...(groupFile ? { groupFile } : {}),
    rules: { value: R } as ReloadingFile<AccessRules>,
    cacheTtlMs: 0,
    maxFailures: 3,
    maxFailuresPerClient: 100,
    failureWindowMs: 60_000,
    allowInsecureOverHttp: false,
    trustForwardedProto: false,
  });
}

function request(headers: Record<string, string>, distinct?: Record<string, string[]>): IncomingMessage {
  return { headers, ...(distinct ? { headersDistinct: distinct } : {}), socket: { remoteAddress: '10.0.0.7' } } as unknown as IncomingMessage;
}

test('insecure mode: X-Trino-Original-User is who asks, and acting as X-Trino-User is an impersonation checked against the rules', async () => {
  const resolver = insecureResolver();
  await assert.rejects(
    resolver.resolve(request({ 'x-trino-user': 'admin', 'x-trino-original-user': 'heidi' }), 'trino', false),
    (err: unknown) => err instanceof HttpFailure && err.status === 403 && err.message === 'Access Denied: User heidi cannot impersonate user admin',
  );
  const allowed = await resolver.resolve(request({ 'x-trino-user': 'alice', 'x-trino-original-user': 'heidi' }), 'trino', false);
  assert.deepEqual([allowed.principal.user, allowed.user], ['heidi', 'alice']);
  const plain = await resolver.resolve(request({ 'x-trino-user': 'dave' }), 'trino', false);
  assert.deepEqual([plain.principal.user, plain.user], ['dave', 'dave']);
});

test('two X-Trino-User lines: the first counts, as in Trino (not both joined into one name)', async () => {
  const resolver = insecureResolver();
  const viaNode = await resolver.resolve(request({ 'x-trino-user': 'alice, admin' }, { 'x-trino-user': ['alice', 'admin'] }), 'trino', false);
  assert.equal(viaNode.user, 'alice');
  const head = parseRequestHead('POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: alice\r\nX-Trino-User: admin');
  assert.notEqual(head, 'hand-off');
  assert.equal(typeof head === 'string' ? undefined : head.headers['x-trino-user'], 'alice');
});

test('an impersonated session user has its own groups, not the original user\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-fidelity-'));
  writeFileSync(join(dir, 'groups'), 'admins:admin\nanalysts:alice\n');
  const resolver = insecureResolver(new GroupFile(join(dir, 'groups'), () => undefined));
  const identity = await resolver.resolve(request({ 'x-trino-user': 'alice', 'x-trino-original-user': 'admin' }), 'trino', false);
  assert.deepEqual([identity.principal.groups, identity.user, identity.groups], [['admins'], 'alice', ['analysts']]);
});

test('exclude_columns reads only the columns it leaves: excluding the denied ones is allowed', async () => {
  const r = rules({ tables: [{ user: 'bob', catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] }] });
  const sql = (cols: string) => `SELECT * FROM TABLE(exclude_columns(input => TABLE(tpch.tiny.customer), columns => DESCRIPTOR(${cols})))`;
  assert.equal((await decide(r, who('bob'), sql('c_phone, c_acctbal'))).allowed, true);
  assert.equal((await decide(r, who('bob'), sql('c_name'))).message, 'Access Denied: Cannot select from table tpch.tiny.customer');
  assert.equal((await decide(r, who('bob'), `SELECT * FROM TABLE(exclude_columns(input => TABLE(SELECT c_phone AS x, c_name FROM tpch.tiny.customer), columns => DESCRIPTOR(c_phone)))`)).allowed, false, 'a renamed column is still read');
});
