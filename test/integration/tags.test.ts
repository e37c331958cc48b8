/**
 * Tag-based access control end to end, on a real Trino (memory catalog tables created here):
 * a data mesh of two domains each owning a schema, PII-tagged columns, analysts with and without
 * clearance, a service account. Every (user, query) pair is decided by two gateway instances
 * sharing PostgreSQL and Redis; a tag changed through the admin API of one instance changes the
 * decision of the other at once, cached decision or not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';
import { isolatedPostgres, type IsolatedPostgres } from '../policy/tag-support.js';
import { startRedis, stopRedis, waitFor, type Service } from '../tracking/services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-tags-'));
const BILLING = 'memory.mesh_billing';
const SALES = 'memory.mesh_sales';

const POLICY = {
  tags: { domain: ['billing', 'sales'], pii: ['true', 'false'] },
  assignments: {
    [BILLING]: { domain: 'billing', pii: 'false' },
    [SALES]: { domain: 'sales', pii: 'false' },
    [`${BILLING}.invoices.card_number`]: { pii: 'true' },
    [`${SALES}.customers.email`]: { pii: 'true' },
  },
  grants: [
    { name: 'billing-analysts', privileges: ['SELECT'], to: { groups: ['billing-analysts'] }, expression: { domain: ['billing'], pii: ['false'] }, withGrantOption: true },
    { name: 'sales-analysts', privileges: ['SELECT'], to: { groups: ['sales-analysts'] }, expression: { domain: ['sales'], pii: ['false'] } },
    { name: 'pii-cleared', privileges: ['SELECT'], to: { attributes: { clearance: ['pii'], domain: ['billing'] } }, expression: { domain: ['billing'] } },
    { name: 'billing-etl', privileges: ['SELECT', 'INSERT', 'DELETE'], to: { users: ['svc-etl'] }, expression: { domain: ['billing'] } },
  ],
  principals: { users: { bea: { clearance: ['pii'], domain: ['billing'] } } },
};

const QUERIES = {
  billingPlain: `SELECT id, amount FROM ${BILLING}.invoices`,
  billingPii: `SELECT id, card_number FROM ${BILLING}.invoices`,
  billingCount: `SELECT count(*) FROM ${BILLING}.invoices`,
  salesPlain: `SELECT name FROM ${SALES}.customers`,
  salesPii: `SELECT name, email FROM ${SALES}.customers`,
  billingInsert: `INSERT INTO ${BILLING}.invoices VALUES (99, 1.5, 1, '4111-0000')`,
  crossDomain: `SELECT i.amount, c.name FROM ${BILLING}.invoices i JOIN ${SALES}.customers c ON i.customer_id = c.id`,
};
type QueryName = keyof typeof QUERIES;

const USERS: Record<string, string[]> = {
  bill: ['billing-analysts'], // billing analyst without clearance
  bea: ['billing-analysts'], // billing analyst with clearance (stored attributes)
  sam: ['sales-analysts'],
  lead: ['billing-analysts', 'sales-analysts'],
  'svc-etl': [],
  olaf: [],
};

// Every allowed (user, query) pair; every other pair must be denied.
const ALLOWED: Record<string, QueryName[]> = {
  bill: ['billingPlain', 'billingCount'],
  bea: ['billingPlain', 'billingPii', 'billingCount'],
  sam: ['salesPlain'],
  lead: ['billingPlain', 'billingCount', 'salesPlain', 'crossDomain'],
  'svc-etl': ['billingPlain', 'billingPii', 'billingCount', 'billingInsert'],
  olaf: [],
};

let postgres: IsolatedPostgres;
let redis: Service;
let a: RunningGateway;
let b: RunningGateway;

async function trino(trinoUrl: string, sql: string): Promise<void> {
  const result = await runQuery(trinoUrl, sql, { 'X-Trino-User': 'setup' });
  assert.equal(result.error, undefined, `${sql}: ${JSON.stringify(result.error)}`);
}

function headers(user: string): Record<string, string> {
  return { 'X-Trino-User': user };
}

/**
 * A change made on one instance reaches the other through a Redis message, which it reads in
 * milliseconds but not before the admin call returns; the instances poll the stored version only
 * every 60 s here, so passing within SOON_MS shows the message did it.
 */
const SOON_MS = 2000;
async function soon(what: string, check: () => Promise<boolean>): Promise<void> {
  await waitFor(what, check, SOON_MS);
}

async function admin(gateway: RunningGateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'X-Trino-User': 'ops', 'content-type': 'application/json' },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

before(async () => {
  const trinoUrl = await ensureTrino();
  for (const schema of [BILLING, SALES]) await trino(trinoUrl, `CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await trino(trinoUrl, `DROP TABLE IF EXISTS ${BILLING}.invoices`);
  await trino(trinoUrl, `DROP TABLE IF EXISTS ${SALES}.customers`);
  await trino(trinoUrl, `CREATE TABLE ${BILLING}.invoices AS SELECT * FROM (VALUES (1, 10.0, 1, '4111-1111'), (2, 20.0, 2, '4111-2222')) AS t (id, amount, customer_id, card_number)`);
  await trino(trinoUrl, `CREATE TABLE ${SALES}.customers AS SELECT * FROM (VALUES (1, 'Ada', 'ada@example.com'), (2, 'Bo', 'bo@example.com')) AS t (id, name, email)`);
  postgres = await isolatedPostgres();
  redis = await startRedis();
  const groupFile = join(dir, 'groups.txt');
  writeFileSync(groupFile, 'billing-analysts:bill,bea,lead\nsales-analysts:sam,lead\n');
  const config = {
    authentication: { groupFile },
    accessControl: { tags: { mode: 'all', pollInterval: '60s' } },
    backends: [{ name: 'trino1', engine: 'trino', url: trinoUrl, group: 'cluster' }],
    routing: { defaultGroup: 'cluster' },
    admin: { users: ['ops'] },
    history: { store: 'postgres', connectionString: postgres.url },
    redis: { url: redis.url, keyPrefix: `qg-tags-test-${process.pid}:` },
  };
  a = await startTestGateway(config);
  b = await startTestGateway(config);
  const imported = await admin(a, 'PUT', '/api/policy', JSON.stringify(POLICY));
  assert.equal(imported.status, 200, JSON.stringify(imported.json));
}, { timeout: 600_000 });

after(async () => {
  await a?.close();
  await b?.close();
  await postgres?.close();
  if (redis?.started) await stopRedis();
});

describe('data mesh: every user and query', () => {
  for (const [user, groups] of Object.entries(USERS)) {
    for (const name of Object.keys(QUERIES) as QueryName[]) {
      const allowed = ALLOWED[user]!.includes(name);
      test(`${user} (${groups.join(', ') || 'no groups'}) ${name}: ${allowed ? 'allowed' : 'denied'}`, async () => {
        // Alternate instances: both decide from the same stored policy.
        const gateway = name.length % 2 === 0 ? a : b;
        const result = await runQuery(gateway.url, QUERIES[name], headers(user));
        if (allowed) assert.equal(result.error, undefined, JSON.stringify(result.error));
        else {
          assert.ok(result.error, `${user} must not run ${name}`);
          assert.equal(result.error.errorName, 'PERMISSION_DENIED', JSON.stringify(result.error));
        }
      });
    }
  }

  test('denials name what was missing; an allowed query returns the data', async () => {
    const pii = await runQuery(a.url, QUERIES.billingPii, headers('bill'));
    assert.equal(pii.error?.message, `Access Denied: Cannot select from columns [card_number] in table or view ${BILLING}.invoices: no tag grant covers pii=true`);
    const outsider = await runQuery(a.url, QUERIES.salesPlain, headers('olaf'));
    assert.equal(outsider.error?.message, `Access Denied: Cannot select from columns [name] in table or view ${SALES}.customers: no tag grant gives SELECT on {domain=sales, pii=false}`);
    const ok = await runQuery(b.url, `SELECT card_number FROM ${BILLING}.invoices WHERE id = 1`, headers('bea'));
    assert.equal(ok.rowsText, '["4111-1111"]');
  });
});

describe('changes reach every instance at once', () => {
  test('a tag removed and restored on instance A decides the next statement on instance B, cached or not', async () => {
    const query = QUERIES.salesPii;
    // Denied, twice: the second answer comes from B's decision cache.
    for (let i = 0; i < 2; i++) assert.equal((await runQuery(b.url, query, headers('sam'))).error?.errorName, 'PERMISSION_DENIED');
    const removed = await admin(a, 'DELETE', `/api/policy/assignments?resource=${SALES}.customers.email&key=pii`);
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    // email now inherits pii=false from its schema.
    await soon('B allows it', async () => (await runQuery(b.url, query, headers('sam'))).error === undefined);
    assert.equal((await runQuery(b.url, query, headers('sam'))).rowCount, 2);
    const restored = await admin(a, 'PUT', '/api/policy/assignments', { resource: `${SALES}.customers.email`, tags: { pii: true } });
    assert.equal(restored.status, 200, JSON.stringify(restored.json));
    await soon('B denies it again', async () => (await runQuery(b.url, query, headers('sam'))).error?.errorName === 'PERMISSION_DENIED');
  });

  test('a grant added on B applies on A at once, and its removal too', async () => {
    const query = QUERIES.salesPlain;
    assert.equal((await runQuery(a.url, query, headers('olaf'))).error?.errorName, 'PERMISSION_DENIED');
    const granted = await admin(b, 'POST', '/api/policy/grants', { name: 'olaf-sales', privileges: ['SELECT'], to: { users: ['olaf'] }, expression: { domain: ['sales'], pii: ['false'] } });
    assert.equal(granted.status, 200, JSON.stringify(granted.json));
    await soon('A allows it', async () => (await runQuery(a.url, query, headers('olaf'))).error === undefined);
    assert.equal((await admin(b, 'DELETE', '/api/policy/grants/olaf-sales')).status, 200);
    await soon('A denies it again', async () => (await runQuery(a.url, query, headers('olaf'))).error?.errorName === 'PERMISSION_DENIED');
  });
});

describe('grant options', () => {
  test('a holder passes a grant on, never wider, and only its giver (or an administrator) revokes it', async () => {
    const asUser = async (user: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${a.url}${path}`, { method, headers: { 'X-Trino-User': user, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const toOlaf = (name: string, expression: Record<string, string[]>, privileges = ['SELECT']) => ({ name, privileges, to: { users: ['olaf'] }, expression });
    assert.equal((await runQuery(b.url, QUERIES.billingPlain, headers('olaf'))).error?.errorName, 'PERMISSION_DENIED');
    // lead holds billing-analysts with grant option (through the group).
    const given = await asUser('lead', 'POST', '/api/policy/grants', toOlaf('olaf-billing', { domain: ['billing'], pii: ['false'] }));
    assert.equal(given.status, 200, JSON.stringify(given.json));
    await soon('olaf reads billing on B', async () => (await runQuery(b.url, QUERIES.billingPlain, headers('olaf'))).error === undefined);
    assert.equal((await runQuery(b.url, QUERIES.billingPii, headers('olaf'))).error?.errorName, 'PERMISSION_DENIED', 'no wider than held');
    const stored = (await admin(a, 'GET', '/api/policy')).json.grants as Array<{ name: string; grantedBy?: string }>;
    assert.equal(stored.find((g) => g.name === 'olaf-billing')?.grantedBy, 'lead');

    for (const [user, grant, reason] of [
      ['lead', toOlaf('wider', { domain: ['billing'] }), /no grant option of lead covers/],
      ['lead', toOlaf('insert', { domain: ['billing'], pii: ['false'] }, ['INSERT']), /no grant option of lead covers/],
      ['sam', toOlaf('sales', { domain: ['sales'], pii: ['false'] }), /sam holds no grant with grant option/],
    ] as const) {
      const refused = await asUser(user, 'POST', '/api/policy/grants', grant);
      assert.equal(refused.status, 403, JSON.stringify(refused.json));
      assert.match(String(refused.json.error), reason);
    }
    assert.equal((await asUser('lead', 'DELETE', '/api/policy/grants/billing-etl')).status, 403, 'not given by lead');
    assert.equal((await asUser('lead', 'PUT', '/api/policy/tags/pii', { values: ['true', 'false'] })).status, 403, 'other changes stay with administrators');
    assert.equal((await asUser('bill', 'DELETE', '/api/policy/grants/olaf-billing')).status, 403, 'only its giver');
    assert.equal((await asUser('lead', 'DELETE', '/api/policy/grants/olaf-billing')).status, 200);
    await soon('olaf is denied again on B', async () => (await runQuery(b.url, QUERIES.billingPlain, headers('olaf'))).error?.errorName === 'PERMISSION_DENIED');
    await waitFor('the refusals in the audit trail', async () => {
      const audit = await admin(a, 'GET', '/api/audit?action=policy.grant.delegated');
      const items = (audit.json.items as Array<{ outcome: string; actor: string }> | undefined) ?? [];
      return items.some((e) => e.outcome === 'rejected' && e.actor === 'sam') && items.some((e) => e.outcome === 'success' && e.actor === 'lead');
    });
  });
});

describe('admin API input', () => {
  test('bad input is a 400 naming the field, changes nothing, and is audited', async () => {
    const before = await admin(a, 'GET', '/api/policy');
    const cases: Array<[string, string, unknown, string, RegExp]> = [
      ['PUT', '/api/policy/assignments', { resource: `${SALES}.customers`, tags: { region: 'eu' } }, 'tags.region', /unknown tag key 'region'/],
      ['PUT', '/api/policy/assignments', { resource: `${SALES}.customers`, tags: { pii: 'maybe' } }, 'tags.pii', /'maybe' is not an allowed value of tag 'pii'/],
      ['PUT', '/api/policy/assignments', { resource: `${SALES}.customers.email`, tags: { pii: false } }, 'tags.pii', /already has pii=true; a resource holds one value per key/],
      ['POST', '/api/policy/grants', { name: 'x', privileges: ['SELECT'], to: { users: ['u'] }, expression: { region: ['eu'] } }, 'grant.expression.region', /unknown tag key 'region'/],
      ['PUT', '/api/policy', 'tags: { pii: [true] }\nassignments: { "a.b": { pii: false } }\n', 'assignments.a.b.pii', /'false' is not an allowed value of tag 'pii'/],
    ];
    for (const [method, path, body, field, message] of cases) {
      const response = await admin(a, method, path, body);
      assert.equal(response.status, 400, `${method} ${path}: ${JSON.stringify(response.json)}`);
      assert.equal(response.json.field, field);
      assert.match(String(response.json.error), message);
    }
    assert.deepEqual(await admin(b, 'GET', '/api/policy'), before);
    // The audit trail is written in the background: wait for it to reach the database.
    await waitFor('the policy changes in the audit trail', async () => {
      const audit = await admin(a, 'GET', '/api/audit?action=policy.assign');
      const items = (audit.json.items as Array<{ outcome: string }> | undefined) ?? [];
      return items.some((e) => e.outcome === 'rejected') && items.some((e) => e.outcome === 'success');
    });
  });

  test('principal attributes and tag keys through the API: a cleared user reads PII, and a value in use cannot be removed', async () => {
    const query = `SELECT card_number FROM ${BILLING}.invoices`;
    assert.equal((await runQuery(b.url, query, headers('sam'))).error?.errorName, 'PERMISSION_DENIED');
    const cleared = await admin(a, 'PUT', '/api/policy/principals/users/sam', { attributes: { clearance: ['pii'], domain: ['billing'] } });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.json));
    await soon('B allows it', async () => (await runQuery(b.url, query, headers('sam'))).error === undefined);
    assert.equal((await admin(a, 'DELETE', '/api/policy/principals/users/sam')).status, 200);
    await soon('B denies it again', async () => (await runQuery(b.url, query, headers('sam'))).error?.errorName === 'PERMISSION_DENIED');
    const narrowed = await admin(a, 'PUT', '/api/policy/tags/pii', { values: ['true'] });
    assert.equal(narrowed.status, 400);
    assert.match(String(narrowed.json.error), /'false' is not an allowed value of tag 'pii' \(allowed: true\)/);
    const widened = await admin(a, 'PUT', '/api/policy/tags/pii', { values: ['true', 'false', 'unknown'] });
    assert.equal(widened.status, 200, JSON.stringify(widened.json));
    await soon('B has the new values', async () => JSON.stringify(((await admin(b, 'GET', '/api/policy')).json.tags as Record<string, string[]>).pii) === '["true","false","unknown"]');
  });

  test('the policy exports as YAML; non-administrators are refused', async () => {
    const response = await fetch(`${a.url}/api/policy?format=yaml`, { headers: { 'X-Trino-User': 'ops' } });
    const yaml = await response.text();
    assert.match(yaml, /pii-cleared/);
    assert.match(yaml, /memory\.mesh_sales\.customers\.email:\n {4}pii: "true"/);
    const denied = await fetch(`${a.url}/api/policy`, { headers: { 'X-Trino-User': 'bill' } });
    assert.equal(denied.status, 403);
  });
});
