/**
 * BufferedHistoryWriter over a real SQLite store wrapped to fail on demand: spill while the store
 * is "down", replay when it is back, bounds, drops, dead letters, restarts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BufferedHistoryWriter, type TrackingLogger } from '../../src/tracking/buffered-writer.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';
import type { TrackingBatch, TrackingStore } from '../../src/tracking/store.js';
import type { QueryRecord } from '../../src/tracking/types.js';
import { validateQuerySearch } from '../../src/tracking/validation.js';
import { waitFor } from './services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A real store whose writes fail (transiently, like a lost connection) while `down` is set. */
class FlakyStore {
  down = false;
  batches = 0;
  constructor(readonly inner: SqliteTrackingStore) {}
  asStore(): TrackingStore {
    return new Proxy(this.inner, {
      get: (target, prop, receiver) => {
        if (prop === 'writeBatch') {
          return async (batch: TrackingBatch) => {
            if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
            this.batches++;
            return target.writeBatch(batch);
          };
        }
        if (prop === 'isTransientError') return (err: unknown) => (err as { code?: string }).code === 'ECONNREFUSED' || target.isTransientError(err);
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TrackingStore;
  }
}

interface LogLine {
  level: string;
  msg: string;
  obj: object;
}
function memoryLogger(): TrackingLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj }),
  };
}

const rec = (id: string, extra: Partial<QueryRecord> = {}): QueryRecord => ({ id, user: 'u', statement: `SELECT ${id.length}`, state: 'RUNNING', createdAt: 1_700_000_000_000, ...extra });

async function count(store: TrackingStore): Promise<number> {
  return (await store.searchQueries(validateQuerySearch({ limit: 1000 }))).items.length;
}

test('batches off the request path; spills while the store is down; replays in order, exactly once', async () => {
  const inner = SqliteTrackingStore.open({ file: join(dir, 'a.db') });
  const flaky = new FlakyStore(inner);
  const logger = memoryLogger();
  const writer = new BufferedHistoryWriter({ store: flaky.asStore(), spillFile: join(dir, 'a.spill'), batchSize: 50, flushIntervalMs: 20, retryMinMs: 50, retryMaxMs: 100, logger });

  for (let i = 0; i < 120; i++) writer.writeQuery(rec(`q${i}`));
  assert.equal(writer.backlogSize, 120, 'writeQuery only enqueues');
  await writer.drain();
  assert.ok(flaky.batches >= 3 && flaky.batches <= 4, `batched: ${flaky.batches}`);
  assert.equal(await count(inner), 120);

  flaky.down = true;
  for (let i = 0; i < 120; i++) writer.writeQuery(rec(`q${i}`, { state: 'FINISHED', rows: i })); // ends of the first 120
  for (let i = 120; i < 300; i++) writer.writeQuery(rec(`q${i}`, { state: 'QUEUED' }));
  await waitFor('records spilled', () => writer.backlog.spilled === 300);
  assert.equal(writer.degraded, true);
  assert.ok(statSync(join(dir, 'a.spill')).size > 0);
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /spilling records to disk/.test(l.msg)));
  // While down, later records queue behind the spilled ones.
  writer.writeQuery(rec('q0', { state: 'CANCELED' })); // a late duplicate end: must not win
  await waitFor('late record spilled', () => writer.backlog.spilled === 301);

  flaky.down = false;
  await writer.drain();
  assert.equal(writer.degraded, false);
  assert.deepEqual(writer.backlog, { queued: 0, inFlight: 0, spilled: 0, spillBytes: 0 });
  assert.equal(await count(inner), 300);
  assert.equal((await inner.getQuery('q0'))?.state, 'FINISHED');
  assert.equal((await inner.getQuery('q119'))?.rows, 119);
  const stats = writer.stats;
  assert.equal(stats.spilled, 301);
  assert.equal(stats.replayed, 301);
  assert.equal(stats.dropped, 0);
  assert.ok(logger.lines.some((l) => /available again/.test(l.msg)));
  await writer.close();
  await inner.close();
});

test('the in-memory queue is bounded: overflow goes to disk, not lost', async () => {
  const inner = SqliteTrackingStore.open({ file: join(dir, 'b.db') });
  const flaky = new FlakyStore(inner);
  flaky.down = true;
  const writer = new BufferedHistoryWriter({ store: flaky.asStore(), spillFile: join(dir, 'b.spill'), maxQueue: 10, batchSize: 5, flushIntervalMs: 1000, retryMinMs: 20, logger: memoryLogger() });
  for (let i = 0; i < 50; i++) writer.writeQuery(rec(`b${i}`));
  assert.equal(writer.backlog.queued, 10);
  assert.equal(writer.backlog.spilled, 40, 'overflow written to the spill file synchronously');
  flaky.down = false;
  await writer.drain();
  assert.equal(await count(inner), 50);
  await writer.close();
  await inner.close();
});

test('when even the spill file is full, drops are counted and logged loudly', async () => {
  const inner = SqliteTrackingStore.open({ file: join(dir, 'c.db') });
  const flaky = new FlakyStore(inner);
  flaky.down = true;
  const logger = memoryLogger();
  const writer = new BufferedHistoryWriter({ store: flaky.asStore(), spillFile: join(dir, 'c.spill'), maxSpillBytes: 2000, maxQueue: 1, batchSize: 1, retryMinMs: 10_000, logger });
  for (let i = 0; i < 40; i++) writer.writeQuery(rec(`c${i}`));
  await writer.flush();
  const { spilled, dropped } = writer.stats;
  assert.ok(spilled > 5 && dropped > 0, `spilled ${spilled}, dropped ${dropped}`);
  assert.equal(writer.backlogSize + dropped, 40, 'every record is accounted for');
  assert.ok(statSync(join(dir, 'c.spill')).size <= 2000);
  const loud = logger.lines.filter((l) => l.level === 'error' && /TRACKING RECORDS LOST/.test(l.msg));
  assert.equal(loud.length, 1, 'logged once per interval, with counts');
  assert.ok((loud[0]!.obj as { dropped: number }).dropped >= 1);
  flaky.down = false;
  await writer.drain();
  assert.equal(await count(inner), 40 - dropped);
  await writer.close();
  await inner.close();
});

test('records left in the spill file by a previous run are replayed at the next start; close() spills what it cannot write', async () => {
  const inner = SqliteTrackingStore.open({ file: join(dir, 'd.db') });
  const flaky = new FlakyStore(inner);
  flaky.down = true;
  const spillFile = join(dir, 'd.spill');
  const first = new BufferedHistoryWriter({ store: flaky.asStore(), spillFile, retryMinMs: 10_000, logger: memoryLogger() });
  for (let i = 0; i < 25; i++) first.writeQuery(rec(`d${i}`));
  first.writeAudit({ id: 'ev1', timestamp: 1, actor: 'a', action: 'login', target: 'g', outcome: 'success' });
  await first.close();
  assert.equal(readFileSync(spillFile, 'utf8').trim().split('\n').length, 26);

  flaky.down = false;
  const logger = memoryLogger();
  const second = new BufferedHistoryWriter({ store: flaky.asStore(), spillFile, logger });
  assert.equal(second.backlog.spilled, 26);
  await second.drain();
  assert.equal(await count(inner), 25);
  assert.equal((await inner.searchAuditEvents({ limit: 10 })).items[0]?.id, 'ev1');
  assert.ok(logger.lines.some((l) => /replaying records spilled by a previous run/.test(l.msg)));
  await second.close();
  await inner.close();
});

test('a record the store refuses (not a transient error) goes to the dead-letter file; the rest of its batch is written', async () => {
  const inner = SqliteTrackingStore.open({ file: join(dir, 'e.db') });
  const logger = memoryLogger();
  const spillFile = join(dir, 'e.spill');
  const writer = new BufferedHistoryWriter({ store: inner, spillFile, logger });
  writer.writeQuery(rec('good1'));
  writer.writeQuery({ id: 'bad', user: null, statement: 'SELECT 1', state: 'QUEUED', createdAt: 1 } as unknown as QueryRecord); // NOT NULL user
  writer.writeQuery(rec('good2'));
  await writer.drain();
  assert.equal(await count(inner), 2);
  assert.equal(writer.stats.rejected, 1);
  assert.ok(existsSync(`${spillFile}.rejected`));
  const dead = JSON.parse(readFileSync(`${spillFile}.rejected`, 'utf8').trim());
  assert.match(dead.error, /NOT NULL/);
  assert.match(dead.record, /"id":"bad"/);
  assert.ok(logger.lines.some((l) => l.level === 'error' && /dead-letter/.test(l.msg)));
  await writer.close();
  await inner.close();
});

test('a store that cannot be opened yet is retried; records wait on disk meanwhile', async () => {
  let attempts = 0;
  const file = join(dir, 'f.db');
  const writer = new BufferedHistoryWriter({
    store: async () => {
      attempts++;
      if (attempts < 3) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return SqliteTrackingStore.open({ file });
    },
    spillFile: join(dir, 'f.spill'),
    flushIntervalMs: 10,
    retryMinMs: 20,
    logger: memoryLogger(),
  });
  for (let i = 0; i < 10; i++) writer.writeQuery(rec(`f${i}`));
  await writer.drain();
  assert.equal(attempts, 3);
  await writer.close(); // closes the store it opened
  const check = SqliteTrackingStore.open({ file });
  assert.equal(await count(check), 10);
  await check.close();
});
