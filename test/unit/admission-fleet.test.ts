/**
 * Two instances (or two workers of a host) sharing one lease store, each admitting by the other's
 * count as last read: taking a backend's last slot at the same moment, both would run their query
 * there without a confirming round (also when one has not seen the other join yet); a slot the
 * other has just freed would look taken; and each would start its own queued queries first and
 * fill the group's queue past its limit without the fleet's order of arrival.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalLeaseStore } from '../../src/cluster/leases.js';
import type { Backend } from '../../src/engines/backend.js';
import { Admission, type Ticket } from '../../src/routing/admission.js';
import { BackendPool } from '../../src/routing/backend-pool.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';

const THRESHOLDS = { unhealthyThreshold: 3, healthyThreshold: 1 };
const LIMITS = () => ({ maxQueued: 10, queueTimeoutMs: 60_000 });

function instance(store: LocalLeaseStore, limits = LIMITS): { admission: Admission; load: ClusterLoad } {
  const load = new ClusterLoad(store, { adoptIdleMs: 60_000 });
  const backends = [
    { backend: { name: 'reserved' } as Backend, group: 'reserved', weight: 1, maxRunning: 1, state: 'active' as const },
    { backend: { name: 'ondemand' } as Backend, group: 'ondemand', weight: 1, maxRunning: 50, state: 'active' as const },
  ];
  const pool = new BackendPool(backends, THRESHOLDS, load);
  return { admission: new Admission(pool, limits, 60_000), load };
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

test("an instance that has not seen the other join yet (its last round was alone) still confirms the slot it takes", async () => {
  const store = new LocalLeaseStore();
  const a = instance(store);
  await a.load.refresh();
  // B joins (a host's second worker starts after the first); A's next round is not due yet.
  const b = instance(store);
  await b.load.refresh();
  assert.equal(a.load.instances, 1);
  const decision = { group: 'reserved', fallback: ['ondemand'], reason: 'default' };
  const slots = await Promise.all([b.admission.admit(decision), a.admission.admit(decision)]);
  assert.deepEqual(slots.map((slot) => slot?.backend.backend.name).sort(), ['ondemand', 'reserved']);
  await Promise.all([a.load.close(), b.load.close()]);
});

const backendOf = (ticket: Ticket) => ticket.slot?.backend.backend.name;

test("the gateway queue is the fleet's: a freed slot goes to the query that queued first, on whichever instance", async () => {
  const store = new LocalLeaseStore();
  const a = instance(store);
  const b = instance(store);
  for (const load of [a.load, b.load, a.load]) await load.refresh();
  const decision = { group: 'reserved', fallback: [], reason: 'default' };
  const running = await a.admission.admit(decision);
  assert.equal(running?.backend.backend.name, 'reserved');
  await b.load.refresh();
  assert.equal(await b.admission.admit(decision), undefined);
  const first = await b.admission.enqueue('first', decision);
  assert.equal(await a.admission.admit(decision), undefined);
  const second = await a.admission.enqueue('second', decision);
  // Both clients poll; the query ends on A, which frees the slot at once, and B reads it at its next round.
  const polls = [b.admission.poll(first, 60_000), a.admission.poll(second, 60_000)];
  running!.release('finished');
  await a.load.refresh();
  await b.load.refresh();
  await polls[0];
  assert.equal(backendOf(first), 'reserved', 'the first to queue starts');
  assert.equal(backendOf(second), undefined, 'the later one waits, although its instance freed the slot');
  assert.equal(await b.admission.confirmQueued(first), true);
  b.admission.taken(first);
  first.slot!.release('finished');
  await b.load.refresh();
  await a.load.refresh();
  await polls[1];
  assert.equal(backendOf(second), 'reserved', 'then the next one');
  await Promise.all([a.load.close(), b.load.close()]);
});

test("the gateway queue's limit holds for the fleet: two instances queueing into its last place at once, one is refused", async () => {
  const store = new LocalLeaseStore();
  const limits = () => ({ maxQueued: 1, queueTimeoutMs: 60_000 });
  const a = instance(store, limits);
  const b = instance(store, limits);
  for (const load of [a.load, b.load, a.load]) await load.refresh();
  const decision = { group: 'reserved', fallback: [], reason: 'default' };
  assert.ok(await a.admission.admit(decision));
  await b.load.refresh();
  const queued = await Promise.allSettled([a.admission.enqueue('one', decision), b.admission.enqueue('two', decision)]);
  assert.deepEqual(queued.map((q) => q.status).sort(), ['fulfilled', 'rejected']);
  const refused = queued.find((q) => q.status === 'rejected') as PromiseRejectedResult;
  assert.match((refused.reason as Error).message, /Too many queued queries for routing group 'reserved' \(limit 1\)/);
  await Promise.all([a.load.close(), b.load.close()]);
});

test("a slot whose query the backend names at once (a local engine) keeps counting for the other instance: its lease and its query's change in one round", async () => {
  const store = new LocalLeaseStore();
  const a = instance(store);
  const b = instance(store);
  for (const load of [a.load, b.load, a.load]) await load.refresh();
  const decision = { group: 'reserved', fallback: ['ondemand'], reason: 'default' };
  const slot = await a.admission.admit(decision);
  assert.equal(slot?.backend.backend.name, 'reserved');
  // The backend names the query; B rounds before A's next one.
  a.admission.bind(slot!, 'q1');
  await b.load.refresh();
  assert.equal(b.load.running('reserved'), 1);
  assert.equal((await b.admission.admit(decision))?.backend.backend.name, 'ondemand');
  await Promise.all([a.load.close(), b.load.close()]);
});
