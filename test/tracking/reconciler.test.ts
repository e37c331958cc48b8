/**
 * HistoryReconciler: RUNNING rows left by a dead instance get the final state their backend
 * reports; rows of queries still running, in flight here, too young, or unknown to the backend are
 * left alone. The backends here answer only `queryState` (what the reconciler asks).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { Backend, QueryOutcome } from '../../src/engines/backend.js';
import { BufferedHistoryWriter } from '../../src/tracking/buffered-writer.js';
import { QueryTracker } from '../../src/tracking/query-tracker.js';
import { HistoryReconciler } from '../../src/tracking/reconciler.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';

test('RUNNING rows of a dead instance get the state the backend reports; the others are left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-reconcile-'));
  const store = SqliteTrackingStore.open({ file: join(dir, 'h.db') });
  const writer = new BufferedHistoryWriter({ store, spillFile: join(dir, 'spill'), flushIntervalMs: 60_000 });
  const tracker = new QueryTracker(writer);
  const states: Record<string, QueryOutcome | 'running' | undefined> = { done: 'finished', broke: 'failed', busy: 'running', forgotten: undefined, mine: 'finished', young: 'finished' };
  const backend = { name: 'trino1', queryState: async (id: string) => states[id] } as unknown as Backend;
  const now = Date.now();
  for (const id of ['done', 'broke', 'busy', 'forgotten', 'young']) {
    writer.writeQuery({ id, user: 'u', statement: `SELECT '${id}'`, backend: 'trino1', state: 'RUNNING', createdAt: id === 'young' ? now : now - 60_000 });
  }
  tracker.started({ id: 'mine', user: 'u', statement: 'SELECT 1', backend: 'trino1', state: 'RUNNING', createdAt: now - 60_000 });
  await writer.drain();
  const reconciler = new HistoryReconciler(() => store, writer, tracker, new Map([['trino1', backend]]), pino({ level: 'silent' }));
  assert.equal(await reconciler.reconcile(now), 2);
  await writer.drain();
  const stateOf = async (id: string) => (await store.getQuery(id))!.state;
  assert.deepEqual(
    await Promise.all(['done', 'broke', 'busy', 'forgotten', 'mine', 'young'].map(stateOf)),
    ['FINISHED', 'FAILED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING'],
  );
  assert.equal((await store.getQuery('done'))!.statement, "SELECT 'done'", 'the row keeps what the dead instance recorded');
  await writer.close();
  await store.close();
});
