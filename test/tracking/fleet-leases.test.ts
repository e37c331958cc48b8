/**
 * Capacity leases (ClusterLoad over RedisLeaseStore) against a real Redis: what one instance holds
 * counts for the other; a query ended on another instance than the one that admitted it frees
 * the admitting instance's slot at its next round (no message needed); an instance that stops
 * renewing (killed) stops counting within the TTL, except for the queries another instance keeps
 * serving; an unreachable Redis cuts each limit to the instance's share, and a restarted Redis
 * gets every lease back (and the ends seen meanwhile) in the first round.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { LocalLeaseStore, type LeaseStore } from '../../src/cluster/leases.js';
import { RedisLeaseStore } from '../../src/cluster/redis-leases.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';
import type { QueryOutcome } from '../../src/engines/backend.js';
import { REDIS_PORT, startRedis, stopRedis, type Service } from './services.js';

// A Redis of this test's own: it is stopped and restarted.
const FLAKY_PORT = Number(process.env.QUERYGATE_REDIS_FLAKY_PORT ?? REDIS_PORT + 1);
// Long enough that no lease expires between two steps of a test on a loaded machine (600 ms did);
// the expiry test waits two of them.
const TTL_MS = 3_000;

let redis: Service;
const open: ClusterLoad[] = [];

before(async () => {
  redis = await startRedis(FLAKY_PORT);
}, { timeout: 600_000 });

after(async () => {
  await Promise.all(open.map((c) => c.close()));
  if (redis?.started) await stopRedis(FLAKY_PORT);
});

async function instance(prefix: string, store?: LeaseStore): Promise<{ load: ClusterLoad; store: LeaseStore; ended: Array<[string, QueryOutcome]> }> {
  const leases = store ?? new RedisLeaseStore({ redis: redis.url, prefix, connectTimeoutMs: 500 });
  if (leases instanceof RedisLeaseStore) await leases.connect();
  const load = new ClusterLoad(leases, { ttlMs: TTL_MS, adoptIdleMs: 60_000 });
  load.watch(['trino1'], ['etl']);
  const ended: Array<[string, QueryOutcome]> = [];
  load.onEndedElsewhere((queryId, outcome) => ended.push([queryId, outcome]));
  await load.refresh();
  open.push(load);
  return { load, store: leases, ended };
}

const freshPrefix = () => `qgtest:${randomBytes(4).toString('hex')}:fleet:`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('two instances: slots and queued queries of one count for the other; an end served elsewhere frees the slot at the next round', async () => {
  const prefix = freshPrefix();
  const a = await instance(prefix);
  const b = await instance(prefix);
  assert.equal(b.load.running('trino1'), 0);
  a.load.slotTaken('trino1', 'slot-1');
  a.load.queuedAdded('etl', 'ticket-1');
  await a.load.refresh();
  await b.load.refresh();
  assert.equal(b.load.running('trino1'), 1);
  assert.equal(b.load.queued('etl'), 1);
  assert.equal(a.load.running('trino1'), 0, 'its own slot is not "elsewhere"');
  assert.equal(b.load.instances, 2);

  a.load.slotBound('trino1', 'slot-1', 'q1');
  await a.load.refresh();
  b.load.pollServed('trino1', 'q1');
  await b.load.refresh();
  assert.equal(b.load.running('trino1'), 1, 'the same query counted once, whoever renews it');
  b.load.queryEnded('trino1', 'q1', 'finished');
  await b.load.refresh();
  await a.load.refresh();
  assert.deepEqual(a.ended, [['q1', 'finished']]);
  await b.load.refresh();
  assert.equal(b.load.running('trino1'), 0);
  assert.deepEqual(
    a.load.snapshot().map((c) => [c.scope, c.name, c.value]),
    [['group', 'etl', 1]],
  );
});

test("an instance that stops renewing stops counting within the TTL, except the queries another instance serves", async () => {
  const prefix = freshPrefix();
  const dead = await instance(prefix);
  const survivor = await instance(prefix);
  dead.load.slotTaken('trino1', 'slot-x');
  dead.load.slotTaken('trino1', 'slot-y');
  dead.load.slotBound('trino1', 'slot-y', 'q-served');
  await dead.load.refresh();
  survivor.load.pollServed('trino1', 'q-served');
  await survivor.load.refresh();
  assert.equal(survivor.load.running('trino1'), 2);
  // "kill -9": the dead instance never runs another round.
  open.splice(open.indexOf(dead.load), 1);
  await dead.store.close();
  await sleep(TTL_MS * 2);
  await survivor.load.refresh();
  assert.equal(survivor.load.running('trino1'), 1, 'the query whose polls the survivor serves still counts');
  assert.equal(survivor.load.instances, 1);
});

test('Redis stopped: each limit is cut to the instance share; restarted: every lease and every end seen meanwhile come back in one round', { timeout: 120_000 }, async () => {
  const prefix = freshPrefix();
  const a = await instance(prefix);
  const b = await instance(prefix);
  a.load.slotTaken('trino1', 's1');
  a.load.slotBound('trino1', 's1', 'q-outage');
  await a.load.refresh();
  await b.load.refresh();
  assert.equal(b.load.share(10), 10);

  await stopRedis(FLAKY_PORT);
  await a.load.refresh();
  await b.load.refresh();
  assert.equal(b.load.degraded, true);
  assert.equal(b.load.share(10), 5, 'half of the limit: two instances were alive');
  assert.equal(b.load.share(1), 1, 'never below one');
  assert.equal(b.load.running('trino1'), 0, 'the others are unknown, not counted');
  // The query's last poll is served by B during the outage.
  b.load.queryEnded('trino1', 'q-outage', 'finished');
  a.load.slotTaken('trino1', 's2');
  await b.load.refresh();

  await startRedis(FLAKY_PORT);
  for (let i = 0; i < 50 && (a.load.degraded || b.load.degraded); i++) {
    await sleep(100);
    await b.load.refresh();
    await a.load.refresh();
  }
  assert.equal(a.load.degraded, false);
  await b.load.refresh();
  assert.deepEqual(a.ended, [['q-outage', 'finished']], 'the end B saw during the outage reached A');
  assert.equal(b.load.running('trino1'), 1, "A's slot taken during the outage counts fleet-wide");
});

test('LocalLeaseStore: the same semantics in one process (leases, tombstones, expiry)', async () => {
  let now = 1_000;
  const store = new LocalLeaseStore(() => now);
  const a = await instance('', store);
  const b = await instance('', store);
  a.load.slotTaken('trino1', 's1');
  a.load.slotBound('trino1', 's1', 'q1');
  await a.load.refresh();
  await b.load.refresh();
  assert.equal(b.load.running('trino1'), 1);
  b.load.queryEnded('trino1', 'q1', 'failed');
  await b.load.refresh();
  await a.load.refresh();
  assert.deepEqual(a.ended, [['q1', 'failed']]);
  a.load.slotTaken('trino1', 's2');
  await a.load.refresh();
  now += TTL_MS + 1;
  await b.load.refresh();
  assert.equal(b.load.running('trino1'), 0, 'expired: A did not renew');
});

for (const kind of ['Redis', 'LocalLeaseStore'] as const) {
  test(`${kind}: queue leases keep the fleet's order (priority, then arrival, whichever instance); one let go or expired moves the later ones up`, async () => {
    let now = Date.now();
    const local = kind === 'LocalLeaseStore' ? new LocalLeaseStore(() => now) : undefined;
    const prefix = freshPrefix();
    const a = await instance(prefix, local);
    const b = await instance(prefix, local);
    assert.equal(await a.load.queuedAdded('etl', 'first'), 0);
    assert.equal(await b.load.queuedAdded('etl', 'second'), 1);
    assert.equal(await a.load.queuedAdded('etl', 'third'), 2);
    assert.equal(a.load.queuedAhead('etl', 'third'), 2);
    // Let go on B: A sees it at its next round.
    b.load.queuedRemoved('etl', 'second');
    await b.load.refresh();
    await a.load.refresh();
    assert.equal(a.load.queuedAhead('etl', 'third'), 1);
    // Let go on A: its own later places move up at once, before any round.
    a.load.queuedRemoved('etl', 'first');
    assert.equal(a.load.queuedAhead('etl', 'third'), 0);
    await a.load.refresh();
    assert.equal(a.load.queuedAhead('etl', 'third'), 0);
    // Priorities: a higher one goes ahead of every lower one, arrival order among equals.
    assert.equal(await a.load.queueLeaseTaken('rg-queued:etl', 'low', { priority: 1 }), 0);
    assert.equal(await b.load.queueLeaseTaken('rg-queued:etl', 'high', { priority: 9 }), 0);
    assert.equal(await b.load.queueLeaseTaken('rg-queued:etl', 'low-too', { priority: 1 }), 2);
    await a.load.refresh();
    assert.equal(a.load.queueAhead('rg-queued:etl', 'low'), 1);
    if (local === undefined) return;
    // B stops renewing: its places expire and A's move up.
    now += TTL_MS + 1;
    await a.load.refresh();
    assert.equal(a.load.queueAhead('rg-queued:etl', 'low'), 0);
  });
}
