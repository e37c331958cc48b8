/**
 * Two gateway instances sharing a real Redis and a real PostgreSQL in front of the real Trino:
 * a backend's `maxRunning` holds for the pair (a query on one instance makes the other queue),
 * an unreachable Redis falls back to local counts and says so, and PostgreSQL stopped and
 * restarted during a stream of queries started on one instance and polled on the other leaves
 * every query in history exactly once, finished.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery, type RawResponse } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway, unlessWorkers } from '../support/services.js';
import { PG_PORT, startPostgres, startRedis, stopPostgres, stopRedis, waitFor, type Service } from '../tracking/services.js';

// A PostgreSQL of this test's own (it is stopped mid-test), beside the shared one and the tracking outage test's.
const OUTAGE_PG_PORT = Number(process.env.QUERYGATE_PG_GATEWAY_OUTAGE_PORT ?? PG_PORT + 2);
const USER = { 'X-Trino-User': 'fleet' };
const ADMIN = { 'X-Trino-User': 'ops' };

let trino: string;
let redis: Service;
const gateways: RunningGateway[] = [];

before(async () => {
  trino = await ensureTrino();
  redis = await startRedis();
}, { timeout: 600_000 });

after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  if (redis?.started) await stopRedis();
});

async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const g = await startTestGateway({ admin: { users: ['ops'] }, ...config });
  gateways.push(g);
  return g;
}

async function backends(base: string): Promise<{ backends: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>> }> {
  const response = await fetch(`${base}/api/backends`, { headers: ADMIN });
  assert.equal(response.status, 200);
  return (await response.json()) as { backends: Array<Record<string, unknown>>; groups: Array<Record<string, unknown>> };
}

/** Follows nextUri from `first` to the end, sending every poll to `base` (whichever instance issued it). */
async function finish(first: RawResponse, issuedBy: string, base: string): Promise<{ states: string[]; data: unknown[] }> {
  const states: string[] = [];
  const data: unknown[] = [];
  let response = first;
  for (;;) {
    assert.equal(response.status, 200, response.text);
    states.push((response.json.stats as { state: string }).state);
    if (response.json.data) data.push(...(response.json.data as unknown[]));
    const next = response.json.nextUri as string | undefined;
    if (!next) return { states, data };
    response = await get(next.replace(issuedBy, base), USER);
  }
}

/** It reads `running` and a group's `queued` from /api/backends: the answering worker's own counts with several workers. */
const ownCounts = unlessWorkers("/api/backends' running and queued are the answering worker's own (fleetRunning and queuedElsewhere count the other workers)");

test('maxRunning holds across two instances sharing Redis: the second instance queues until the first frees the slot', { timeout: 60_000, ...ownCounts }, async () => {
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, maxRunning: 1 }],
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);

  // A's client submits and stops polling for now: the query holds A's only slot on trino1.
  const holding = await post(a.url, 'SELECT count(*) FROM tpch.tiny.nation', USER);
  assert.equal(holding.status, 200, holding.text);
  await waitFor("B to see A's running query", async () => (await backends(b.url)).backends[0]!.fleetRunning === 1, 5000);

  const waiting = await post(b.url, 'SELECT count(*) FROM tpch.tiny.region', USER);
  assert.equal(waiting.status, 200, waiting.text);
  const bView = await backends(b.url);
  assert.equal(bView.backends[0]!.running, 0, 'B did not start it on trino1');
  assert.equal(bView.groups[0]!.queued, 1, 'B queued it in the gateway');
  await waitFor("A to see B's queue", async () => (await backends(a.url)).groups[0]!.queuedElsewhere === 1, 5000);

  // A's client finishes; B admits its queued query once it reads that the slot is free.
  const first = await finish(holding, a.url, a.url);
  assert.deepEqual(first.data, [[25]]);
  const second = await finish(waiting, b.url, b.url);
  assert.equal(second.states[0], 'QUEUED');
  assert.deepEqual(second.data, [[5]]);

  const metrics = await (await fetch(`${b.url}/metrics`)).text();
  assert.match(metrics, /^querygate_live_counters_degraded 0$/m);
});

test('Redis unreachable: each instance counts alone, says so in /metrics, and queries still run', async () => {
  const alone = await gateway({
    backends: [{ name: 'trino1', engine: 'trino', url: trino, maxRunning: 1 }],
    redis: { url: 'redis://127.0.0.1:1/0' },
  });
  const run = await runQuery(alone.url, 'SELECT 42', USER);
  assert.equal(run.error, undefined);
  assert.equal(run.rowsText, '[42]');
  const metrics = await (await fetch(`${alone.url}/metrics`)).text();
  assert.match(metrics, /^querygate_live_counters_degraded 1$/m);
});

test('PostgreSQL stopped and restarted during a stream of queries across two instances: every query in history exactly once', { timeout: 300_000 }, async () => {
  const store = await startPostgres(OUTAGE_PG_PORT);
  try {
    const db = new pg.Client({ connectionString: store.url });
    await db.connect();
    await db.query('DROP TABLE IF EXISTS query_history, query_tables, audit_events, querygate_schema_migrations');
    await db.end();

    const shared = {
      backends: [{ name: 'trino1', engine: 'trino', url: trino }],
      history: { store: 'postgres', connectionString: store.url },
      redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
    };
    const a = await gateway(shared);
    const b = await gateway(shared);

    const ids: string[] = [];
    let streaming = true;
    // Each query is submitted on one instance and polled to its end on the other.
    const stream = (async () => {
      for (let i = 0; streaming || i < 10; i++) {
        const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
        const first = await post(from.url, `SELECT ${i}`, USER);
        assert.equal(first.status, 200, first.text);
        ids.push(first.json.id as string);
        const { data } = await finish(first, from.url, to.url);
        assert.deepEqual(data, [[i]]);
      }
    })();

    await waitFor('some queries before the outage', () => ids.length >= 5, 30_000);
    // Both instances have opened the store (and run its migrations) before it goes away.
    for (const g of [a, b]) await waitFor('the history store to open', async () => (await fetch(`${g.url}/api/queries?limit=1`, { headers: ADMIN })).status === 200, 30_000);
    await stopPostgres(OUTAGE_PG_PORT);
    const duringFrom = ids.length;
    await waitFor('queries to keep running while PostgreSQL is down', () => ids.length >= duringFrom + 10, 60_000);
    const backlog = await (await fetch(`${a.url}/metrics`)).text();
    assert.match(backlog, /^querygate_history_store_degraded 1$/m, 'the outage shows on /metrics');
    await startPostgres(OUTAGE_PG_PORT);
    streaming = false;
    await stream;

    const db2 = new pg.Client({ connectionString: store.url });
    await db2.connect();
    try {
      // Each record is written twice, its start by one instance and its end by the other, and the
      // two spills replay independently: wait until every start has been merged into its end.
      await waitFor(
        'every query to reach history, start and end',
        async () => {
          const { rows } = await db2.query<{ n: string }>("SELECT count(*) AS n FROM query_history WHERE state = 'FINISHED' AND user_name = 'fleet' AND id = ANY($1)", [ids]);
          return Number(rows[0]!.n) === ids.length;
        },
        60_000,
      );
      const { rows } = await db2.query<{ id: string; statement: string; user_name: string }>('SELECT id, statement, user_name FROM query_history ORDER BY created_at');
      assert.equal(rows.length, ids.length, 'one record per query, nothing else');
      assert.deepEqual(new Set(rows.map((r) => r.id)), new Set(ids));
      assert.ok(rows.every((r) => /^SELECT \d+$/.test(r.statement) && r.user_name === 'fleet'), 'start records (written by one instance) merged with end records (the other)');
    } finally {
      await db2.end();
    }
    // Each query was admitted by one instance and ended on the other: the admitting instance
    // learnt it through Redis and freed the slot (else slots would pile up until clientTimeout).
    for (const g of [a, b]) await waitFor('every slot to be freed', async () => (await backends(g.url)).backends[0]!.fleetRunning === 0, 5000);
    for (const g of [a, b]) {
      const metrics = await (await fetch(`${g.url}/metrics`)).text();
      assert.match(metrics, /^querygate_history_records_total\{outcome="dropped"\} 0$/m);
      assert.match(metrics, /^querygate_history_store_degraded 0$/m);
    }
  } finally {
    if (store.started) await stopPostgres(OUTAGE_PG_PORT);
  }
});
