/**
 * Not a test: insert throughput through the buffered writer, on SQLite and on the test
 * PostgreSQL (started by scripts/postgres/start.sh if needed; left running).
 *
 *   node dist/test/tracking/measure.js [records]
 *
 * Each query is two records (start, then end), as the gateway writes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferedHistoryWriter } from '../../src/tracking/buffered-writer.js';
import { PostgresTrackingStore } from '../../src/tracking/postgres-store.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';
import type { TrackingStore } from '../../src/tracking/store.js';
import { startPostgres } from './services.js';

const queries = Number(process.argv[2] ?? 20_000);

async function measure(name: string, store: TrackingStore, dir: string): Promise<void> {
  const writer = new BufferedHistoryWriter({ store, spillFile: join(dir, `${name}.spill`), batchSize: 500, maxQueue: 50_000 });
  const started = process.hrtime.bigint();
  let enqueueNs = 0n;
  for (let i = 0; i < queries; i++) {
    const id = `${name}-${i}`;
    const createdAt = 1_700_000_000_000 + i;
    const statement = `SELECT o.id, c.name FROM hive.sales.orders o JOIN hive.sales.customers c ON o.cid = c.id WHERE o.total > ${i} AND c.region IN ('EU', 'US')`;
    const t0 = process.hrtime.bigint();
    writer.writeQuery({ id, user: `user${i % 50}`, principal: `user${i % 50}@corp`, source: 'bench', statement, state: 'RUNNING', createdAt, startedAt: createdAt, backend: 'trino1', routingGroup: 'adhoc', tables: ['hive.sales.orders', 'hive.sales.customers'] });
    writer.writeQuery({ id, user: `user${i % 50}`, statement, state: 'FINISHED', createdAt, endedAt: createdAt + 100, rows: 10, bytes: 1000, stats: { cpuMs: 5, wallMs: 100 } });
    enqueueNs += process.hrtime.bigint() - t0;
    // Yield now and then, as a server would between requests.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.drain(300_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const records = queries * 2;
  console.log(
    `${name}: ${records} records (${queries} queries) in ${seconds.toFixed(2)} s = ${Math.round(records / seconds)} records/s; ` +
      `enqueue ${(Number(enqueueNs) / records / 1000).toFixed(2)} µs/record; spilled ${writer.stats.spilled}, dropped ${writer.stats.dropped}`,
  );
  await writer.close();
}

const dir = mkdtempSync(join(tmpdir(), 'qg-measure-'));
try {
  const sqlite = SqliteTrackingStore.open({ file: join(dir, 'measure.db') });
  await measure('sqlite', sqlite, dir);
  await sqlite.close();
  const { url } = await startPostgres();
  const pg = await PostgresTrackingStore.open({ connectionString: url });
  await pg.deleteOlderThan(Number.MAX_SAFE_INTEGER);
  await measure('postgres', pg, dir);
  await pg.deleteOlderThan(Number.MAX_SAFE_INTEGER);
  await pg.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
