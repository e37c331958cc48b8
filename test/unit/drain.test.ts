/**
 * The drain deadline's cancellation is recorded as SERVER_SHUTTING_DOWN even when the query's end
 * reaches the admission first through another path: a client's poll answered with the backend's
 * own USER_CANCELED while the gateway's cancel request is still on its way back (seen in CI).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { Backend, QueryEndDetails, QueryOutcome } from '../../src/engines/backend.js';
import { Admission } from '../../src/routing/admission.js';
import { BackendPool } from '../../src/routing/backend-pool.js';
import type { Dispatcher } from '../../src/server/dispatcher.js';
import { drain } from '../../src/server/drain.js';
import { Lifecycle } from '../../src/server/probes.js';

test('a query cancelled at the drain deadline is recorded with SERVER_SHUTTING_DOWN even when a poll ends it first with the backend reason', async () => {
  const ends: Array<{ outcome: QueryOutcome; details: QueryEndDetails | undefined }> = [];
  let admission: Admission | undefined;
  // The backend's cancel: before it returns, a poll relays Trino's answer to it (USER_CANCELED).
  const backend = {
    name: 'trino',
    abandon: async (queryId: string) => {
      admission!.end(queryId, 'failed', { errorName: 'USER_CANCELED', errorMessage: 'Query was canceled', canceled: true });
    },
  } as unknown as Backend;
  const pool = new BackendPool([{ backend, group: 'g', weight: 1, maxRunning: 5, state: 'active' }], { unhealthyThreshold: 3, healthyThreshold: 1 });
  admission = new Admission(pool, () => ({ maxQueued: 0, queueTimeoutMs: 1_000 }), 60_000, (_slot, outcome, details) => ends.push({ outcome, details }));
  const slot = admission.tryAdmit({ group: 'g', fallback: [], reason: 'default' });
  assert.ok(slot);
  admission.bind(slot, 'q1');

  const dispatcher = { failQueued: () => undefined } as unknown as Dispatcher;
  const outcome = await drain({ lifecycle: new Lifecycle(), admission, dispatcher, log: pino({ level: 'silent' }) }, 0);

  assert.deepEqual(outcome.cancelled, ['q1']);
  assert.equal(ends.length, 1);
  assert.equal(ends[0]!.outcome, 'failed');
  assert.equal(ends[0]!.details?.errorName, 'SERVER_SHUTTING_DOWN');
  assert.equal(ends[0]!.details?.canceled, true);
  assert.equal(admission.openSlots().length, 0);
});
