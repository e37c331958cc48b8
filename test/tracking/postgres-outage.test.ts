/**
 * The buffered writer over a real PostgreSQL that goes away mid-stream: the server (a cluster of
 * its own on another port, so other tests are unaffected) is stopped with scripts/postgres/stop.sh
 * while records keep coming, then started again; every record must end up in the table exactly
 * once and the backlog must drain.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { BufferedHistoryWriter, type TrackingLogger } from '../../src/tracking/buffered-writer.js';
import { PostgresTrackingStore } from '../../src/tracking/postgres-store.js';
import { PG_PORT, startPostgres, stopPostgres, waitFor, type Service } from './services.js';

const PORT = Number(process.env.QUERYGATE_PG_OUTAGE_PORT ?? PG_PORT + 1);
const dir = mkdtempSync(join(tmpdir(), 'qg-outage-'));
let service: Service;

before(async () => {
  service = await startPostgres(PORT);
  const admin = new pg.Client({ connectionString: service.url });
  await admin.connect();
  await admin.query('DROP TABLE IF EXISTS query_history, query_tables, audit_events, querygate_schema_migrations');
  await admin.end();
}, { timeout: 600_000 });

after(async () => {
  if (service?.started) await stopPostgres(PORT);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('PostgreSQL stopped mid-stream: records spill, replay after restart, each exactly once', { timeout: 120_000 }, async (t) => {
  const logs: string[] = [];
  const logger: TrackingLogger = {
    info: (_o, msg) => logs.push(`info ${msg}`),
    warn: (_o, msg) => logs.push(`warn ${msg}`),
    error: (_o, msg) => logs.push(`error ${msg}`),
  };
  const store = await PostgresTrackingStore.open({ connectionString: service.url, connectTimeoutMs: 1000, onError: () => undefined });
  const writer = new BufferedHistoryWriter({ store, spillFile: join(dir, 'pg.spill'), batchSize: 100, flushIntervalMs: 20, retryMinMs: 100, retryMaxMs: 400, logger });

  let produced = 0;
  let producing = true;
  let maxSpilled = 0;
  // Each query: a start record, then its end record a little later (sometimes twice).
  const producer = (async () => {
    while (producing) {
      for (let i = 0; i < 10; i++) {
        const id = `o${produced++}`;
        const createdAt = 1_700_000_000_000 + produced;
        writer.writeQuery({ id, user: `user${produced % 4}`, statement: `SELECT ${produced}`, state: 'RUNNING', createdAt, backend: 'trino1', tables: ['a.b.c'] });
        writer.writeQuery({ id, user: `user${produced % 4}`, statement: `SELECT ${produced}`, state: 'FINISHED', createdAt, endedAt: createdAt + 5, rows: produced });
        if (produced % 7 === 0) writer.writeQuery({ id, user: 'late', statement: 'x', state: 'CANCELED', createdAt });
      }
      writer.writeAudit({ id: `audit-${produced}`, timestamp: Date.now(), actor: 'system', action: 'test.tick', target: String(produced), outcome: 'success' });
      maxSpilled = Math.max(maxSpilled, writer.backlog.spilled);
      await sleep(15);
    }
  })();

  await sleep(400);
  const beforeStop = produced;
  await stopPostgres(PORT);
  await waitFor('the writer to notice the outage', () => writer.degraded, 10_000);
  await sleep(1000); // keep writing into the void
  const duringOutage = produced - beforeStop;
  assert.ok(writer.backlog.spilled > 0, 'records spilled while the server was down');
  await startPostgres(PORT);
  await sleep(400);
  producing = false;
  await producer;
  await writer.drain(30_000);

  assert.equal(writer.degraded, false);
  assert.deepEqual(writer.backlog, { queued: 0, inFlight: 0, spilled: 0, spillBytes: 0 });
  const stats = writer.stats;
  assert.equal(stats.dropped, 0);
  assert.equal(stats.rejected, 0);
  assert.ok(stats.replayed > 0 && stats.failures > 0, JSON.stringify(stats));

  const check = new pg.Client({ connectionString: service.url });
  await check.connect();
  try {
    const rows = (await check.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, count(*) FILTER (WHERE state = 'FINISHED' AND user_name <> 'late' AND rows_delivered IS NOT NULL)::int AS f FROM query_history`)).rows[0];
    assert.deepEqual(rows, { n: produced, d: produced, f: produced }, `produced ${produced} queries (${duringOutage} during the outage)`);
    const tables = (await check.query('SELECT count(*)::int AS n FROM query_tables')).rows[0];
    assert.equal(tables.n, produced);
    const audits = (await check.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.tick'`)).rows[0];
    assert.equal(audits.n, produced / 10);
  } finally {
    await check.end();
  }
  assert.ok(logs.some((l) => /^warn tracking store unavailable/.test(l)));
  assert.ok(logs.some((l) => /^info tracking store available again/.test(l)));
  await writer.close();
  await store.close();
  t.diagnostic(`outage: ${produced} queries (${duringOutage} written while PostgreSQL was down, peak spill backlog ${maxSpilled} records), stats ${JSON.stringify(stats)}`);
});
