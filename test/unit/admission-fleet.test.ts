/**
 * Two instances (or two workers of a host) sharing one lease store, each admitting by the other's
 * count as last read: taking a backend's last slot at the same moment, both would run their query
 * there without a confirming round; and a slot the other has just freed would look taken.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalLeaseStore } from '../../src/cluster/leases.js';
import type { Backend } from '../../src/engines/backend.js';
import { Admission } from '../../src/routing/admission.js';
import { BackendPool } from '../../src/routing/backend-pool.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';

const THRESHOLDS = { unhealthyThreshold: 3, healthyThreshold: 1 };
const LIMITS = () => ({ maxQueued: 10, queueTimeoutMs: 60_000 });

function instance(store: LocalLeaseStore): { admission: Admission; load: ClusterLoad } {
  const load = new ClusterLoad(store, { adoptIdleMs: 60_000 });
  const backends = [
    { backend: { name: 'reserved' } as Backend, group: 'reserved', weight: 1, maxRunning: 1, state: 'active' as const },
    { backend: { name: 'ondemand' } as Backend, group: 'ondemand', weight: 1, maxRunning: 50, state: 'active' as const },
  ];
  const pool = new BackendPool(backends, THRESHOLDS, load);
  return { admission: new Admission(pool, LIMITS, 60_000), load };
}

test("two instances taking a backend's only slot at once: one runs there, the other goes down its chain", async () => {
  const store = new LocalLeaseStore();
  const a = instance(store);
  const b = instance(store);
  // Both know of each other (the first round of each).
  for (const load of [a.load, b.load, a.load]) await load.refresh();
  assert.equal(a.load.instances, 2);

  const decision = { group: 'reserved', fallback: ['ondemand'], reason: 'default' };
  const slots = await Promise.all([a.admission.admit(decision), b.admission.admit(decision)]);
  assert.deepEqual(slots.map((slot) => slot?.backend.backend.name).sort(), ['ondemand', 'reserved']);

  // Both see the one query on the reserved backend, and its slot is taken for a third statement.
  for (const load of [a.load, b.load]) await load.refresh();
  assert.equal((await a.admission.admit(decision))?.backend.backend.name, 'ondemand');
  await Promise.all([a.load.close(), b.load.close()]);
});

test('a slot another instance has just freed is taken, not passed over for the fallback', async () => {
  const store = new LocalLeaseStore();
  const a = instance(store);
  const b = instance(store);
  for (const load of [a.load, b.load, a.load]) await load.refresh();
  const decision = { group: 'reserved', fallback: ['ondemand'], reason: 'default' };
  const first = await a.admission.admit(decision);
  assert.equal(first?.backend.backend.name, 'reserved');
  await b.load.refresh();
  // The query ends on A (its release is sent at once); the client's next statement reaches B.
  first!.release('finished');
  await a.load.refresh();
  assert.equal((await b.admission.admit(decision))?.backend.backend.name, 'reserved');
  await Promise.all([a.load.close(), b.load.close()]);
});
