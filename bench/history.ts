/**
 * What recording history costs. Two parts, each side by side in one run:
 *
 * 1. Insert throughput of the buffered history writer on SQLite and on PostgreSQL (records/s),
 *    each query written as the gateway writes it: a start record, then an end record. Also the
 *    in-process cost of handing a record to the writer, which is all the query path pays.
 * 2. The query path: `SELECT 1` over the whole protocol against the fake Trino, direct and
 *    through two gateways that differ only in their history store (SQLite file, PostgreSQL over
 *    TCP), alternating. If recording were on the query path, the PostgreSQL gateway would pay a
 *    network round trip per record that the SQLite one does not.
 *
 *   node dist/bench/history.js [--queries N] [--iterations N] [--smoke]
 *
 * PostgreSQL comes from scripts/postgres/start.sh (reused when running; left running).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferedHistoryWriter } from '../src/tracking/buffered-writer.js';
import { PostgresTrackingStore } from '../src/tracking/postgres-store.js';
import { SqliteTrackingStore } from '../src/tracking/sqlite-store.js';
import type { TrackingStore } from '../src/tracking/store.js';
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { BENCH_USER, ensurePostgres, startFakeTrino, startGateway, stopAll } from './lib/processes.js';
import { alternateSides } from './lib/alternate.js';
import { BenchClient } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, summarize, table, type Summary } from './lib/stats.js';

const FLAGS = {
  queries: { kind: 'number', help: 'queries written per store in part 1 (default 20000; two records each)' },
  iterations: { kind: 'number', help: 'measured SELECT 1 iterations per side in part 2 (default 1500)' },
  warmup: { kind: 'number', help: 'unmeasured iterations first (default 200)' },
  'pg-port': { kind: 'number', help: 'port of the PostgreSQL started by scripts/postgres/start.sh (default 15432)' },
  smoke: { kind: 'boolean', help: 'a few hundred records and iterations; exit non-zero on any error' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
} satisfies FlagSpec;

interface Throughput {
  store: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  enqueueMicrosPerRecord: number;
}

async function insertThroughput(name: string, store: TrackingStore, dir: string, queries: number): Promise<Throughput> {
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
    // Yield now and then, as a server does between requests.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await writer.drain(300_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { spilled, dropped } = writer.stats;
  await writer.close();
  if (dropped > 0) throw new BenchError(`${name}: ${dropped} records dropped`);
  const records = queries * 2;
  console.log(`${name}: ${records} records in ${seconds.toFixed(2)} s (spilled ${spilled}, dropped ${dropped})`);
  return { store: name, records, seconds, recordsPerSecond: records / seconds, enqueueMicrosPerRecord: Number(enqueueNs) / records / 1000 };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const queries = flags.smoke ? 200 : (flags.queries ?? 20_000);
  const iterations = flags.smoke ? 30 : (flags.iterations ?? 1500);
  const warmup = flags.smoke ? 5 : (flags.warmup ?? 200);
  console.log(`history: ${machineLine()}`);
  const pgUrl = await ensurePostgres(flags['pg-port'] ?? 15432);
  const dir = mkdtempSync(join(tmpdir(), 'qg-bench-history-'));
  let client: BenchClient | undefined;
  try {
    // Part 1: the writer alone.
    const sqlite = SqliteTrackingStore.open({ file: join(dir, 'bench.db') });
    const sqliteFigures = await insertThroughput('sqlite', sqlite, dir, queries);
    await sqlite.close();
    const pg = await PostgresTrackingStore.open({ connectionString: pgUrl });
    await pg.deleteOlderThan(Number.MAX_SAFE_INTEGER);
    const pgFigures = await insertThroughput('postgres', pg, dir, queries);
    await pg.deleteOlderThan(Number.MAX_SAFE_INTEGER);
    await pg.close();
    const throughput = [sqliteFigures, pgFigures];
    console.log(
      `\n${table([
        ['history writer', 'records/s', 'enqueue µs/record'],
        ...throughput.map((t) => [t.store, fixed(t.recordsPerSecond, 0), fixed(t.enqueueMicrosPerRecord, 2)]),
      ])}`,
    );

    // Part 2: the query path, direct vs a gateway per store.
    const backend = await startFakeTrino();
    const onSqlite = await startGateway({ backendUrl: backend.url });
    const onPostgres = await startGateway({ backendUrl: backend.url, extraConfig: { history: { store: 'postgres', connectionString: pgUrl } } });
    const sides = [
      { name: 'direct', url: backend.url },
      { name: 'gateway, history on SQLite', url: onSqlite.url },
      { name: 'gateway, history on PostgreSQL', url: onPostgres.url },
    ];
    client = new BenchClient(BENCH_USER, {});
    const samples = (await alternateSides(client, sides.map((s) => s.url), { sql: 'SELECT 1', rows: 1, maxRoundTrips: 100, warmup, iterations })).map((list) => list.map((s) => s.ms));
    const added = (side: number): Summary => summarize(samples[side]!.map((ms, i) => ms - samples[0]![i]!));
    const pgOverSqlite = summarize(samples[2]!.map((ms, i) => ms - samples[1]![i]!));
    const row = (label: string, s: Summary) => [label, fixed(s.p50), fixed(s.p95), fixed(s.p99)];
    console.log(
      `\n${table([
        ['SELECT 1, ms per query (per-pair differences)', 'p50', 'p95', 'p99'],
        row('direct', summarize(samples[0]!)),
        row('added by the gateway, history on SQLite', added(1)),
        row('added by the gateway, history on PostgreSQL', added(2)),
        row('PostgreSQL gateway minus SQLite gateway', pgOverSqlite),
      ])}`,
    );
    console.log(loadLine());
    writeJson(flags.json, {
      benchmark: 'history',
      throughput,
      queryPath: { iterations, warmup, directMs: summarize(samples[0]!), addedSqlite: added(1), addedPostgres: added(2), postgresMinusSqlite: pgOverSqlite },
    });
    if (flags.smoke) console.log(`smoke: OK (${queries} queries per store, ${iterations} iterations, no errors)`);
  } finally {
    await client?.close();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runMain('history', FLAGS, main);
