/**
 * RedisSharedCounters against a real Redis (scripts/redis/start.sh, reused when running): two
 * instances sharing counts, the expiry of a dead instance's counts, and the local fallback when
 * Redis is unreachable or goes away (a second Redis on its own port, stopped and restarted).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InMemorySharedCounters, type CounterKey } from '../../src/tracking/counters.js';
import { RedisSharedCounters, type RedisCountersOptions } from '../../src/tracking/redis-counters.js';
import { REDIS_PORT, startRedis, stopRedis, waitFor, type Service } from './services.js';

const FLAKY_PORT = Number(process.env.QUERYGATE_REDIS_FLAKY_PORT ?? REDIS_PORT + 1);
const trinoRunning: CounterKey = { scope: 'backend', name: 'trino1', metric: 'running' };
const trinoQueued: CounterKey = { scope: 'backend', name: 'trino1', metric: 'queued' };
const etlRunning: CounterKey = { scope: 'group', name: 'etl', metric: 'running' };

let redis: Service;
let flaky: Service | undefined;
const open: RedisSharedCounters[] = [];

before(async () => {
  redis = await startRedis();
}, { timeout: 600_000 });

after(async () => {
  await Promise.all(open.map((c) => c.close()));
  if (redis?.started) await stopRedis();
  if (flaky?.started) await stopRedis(FLAKY_PORT);
});

async function counters(extra: Partial<RedisCountersOptions> & { prefix: string }, url = redis.url): Promise<RedisSharedCounters> {
  const c = await RedisSharedCounters.connect({ redis: url, ttlMs: 1000, heartbeatMs: 200, connectTimeoutMs: 500, ...extra });
  open.push(c);
  return c;
}

const freshPrefix = () => `qgtest:${randomBytes(4).toString('hex')}:`;

describe('RedisSharedCounters', () => {
  test('two gateways: increments of both are summed, per backend and per group', async () => {
    const prefix = freshPrefix();
    const a = await counters({ prefix, instanceId: 'gw-a' });
    const b = await counters({ prefix, instanceId: 'gw-b' });
    assert.equal(a.degraded, false);
    await a.incr(trinoRunning);
    await a.incr(trinoRunning);
    await b.incr(trinoRunning);
    await b.incr(trinoQueued, 5);
    await a.incr(etlRunning);
    assert.equal(await a.get(trinoRunning), 3);
    assert.equal(await b.get(trinoRunning), 3);
    assert.equal(await a.get(trinoQueued), 5);
    await b.decr(trinoQueued, 2);
    await a.decr(trinoRunning);
    assert.deepEqual(await b.snapshot(), [
      { scope: 'backend', name: 'trino1', metric: 'queued', value: 3 },
      { scope: 'backend', name: 'trino1', metric: 'running', value: 2 },
      { scope: 'group', name: 'etl', metric: 'running', value: 1 },
    ]);
    // What the other instances hold, without the asking instance's own counts.
    assert.deepEqual(await b.others(), [
      { scope: 'backend', name: 'trino1', metric: 'running', value: 1 },
      { scope: 'group', name: 'etl', metric: 'running', value: 1 },
    ]);
    assert.deepEqual(await a.others(), [
      { scope: 'backend', name: 'trino1', metric: 'queued', value: 3 },
      { scope: 'backend', name: 'trino1', metric: 'running', value: 1 },
    ]);
    // An instance never goes below zero (a decr without its incr is ignored).
    await a.decr(trinoQueued, 10);
    assert.equal(await a.get(trinoQueued), 3);
    // Closing removes the instance's counts at once.
    await a.close();
    assert.equal(await b.get(trinoRunning), 1);
    assert.equal(await b.get(etlRunning), 0);
  });

  test("a dead instance's counts expire after the TTL (a killed process, no cleanup)", { timeout: 20_000 }, async () => {
    const prefix = freshPrefix();
    const a = await counters({ prefix, instanceId: 'gw-alive' });
    await a.incr(trinoRunning);
    const module = fileURLToPath(new URL('../../src/tracking/redis-counters.js', import.meta.url));
    const script = `
      const { RedisSharedCounters } = await import(${JSON.stringify(module)});
      const c = await RedisSharedCounters.connect({ redis: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}, instanceId: 'gw-doomed', ttlMs: 1000, heartbeatMs: 200 });
      await c.incr({ scope: 'backend', name: 'trino1', metric: 'running' }, 4);
      process.stdout.write(c.degraded ? 'degraded\\n' : 'counting\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      assert.equal(first, 'counting');
      assert.equal(await a.get(trinoRunning), 5);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(await a.get(trinoRunning), 5, 'a live instance heartbeats: its counts stay past the TTL');
    } finally {
      child.kill('SIGKILL');
    }
    const killedAt = Date.now();
    await waitFor("the dead instance's counts to expire", async () => (await a.get(trinoRunning)) === 1, 5000);
    const took = Date.now() - killedAt;
    assert.ok(took >= 500, `expired after ${took} ms, not before the TTL`);
    assert.deepEqual(await a.snapshot(), [{ scope: 'backend', name: 'trino1', metric: 'running', value: 1 }]);
  });

  test('Redis unreachable from the start: local counts, degraded, logged', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_o: object, msg: string) => warnings.push(msg), error: () => undefined };
    const c = await counters({ prefix: freshPrefix(), logger }, 'redis://127.0.0.1:1/0');
    assert.equal(c.degraded, true);
    await c.incr(trinoRunning, 2);
    await c.decr(trinoRunning);
    await c.incr(etlRunning);
    assert.equal(await c.get(trinoRunning), 1);
    assert.deepEqual(await c.snapshot(), [
      { scope: 'backend', name: 'trino1', metric: 'running', value: 1 },
      { scope: 'group', name: 'etl', metric: 'running', value: 1 },
    ]);
    assert.deepEqual(await c.others(), [], 'degraded: nothing is known of other instances');
    assert.deepEqual(warnings, ['Redis unreachable: live counters fall back to this instance only']);
    await c.close();
  });

  test('Redis stopped and restarted: fallback while it is gone, shared again (with the changes made meanwhile) when it is back', { timeout: 60_000 }, async () => {
    flaky = await startRedis(FLAKY_PORT);
    const prefix = freshPrefix();
    const logs: string[] = [];
    const logger = { info: (_o: object, msg: string) => logs.push(msg), warn: (_o: object, msg: string) => logs.push(msg), error: () => undefined };
    const a = await counters({ prefix, instanceId: 'gw-a', logger }, flaky.url);
    const b = await counters({ prefix, instanceId: 'gw-b' }, flaky.url);
    await a.incr(trinoRunning, 2);
    await b.incr(trinoRunning, 1);
    assert.equal(await b.get(trinoRunning), 3);

    await stopRedis(FLAKY_PORT);
    await waitFor('a to notice', async () => {
      await a.incr(trinoQueued); // counting goes on locally
      return a.degraded;
    });
    await a.decr(trinoRunning);
    assert.equal(await a.get(trinoRunning), 1, 'only its own count while degraded');
    const queued = await a.get(trinoQueued);
    assert.ok(queued >= 1);

    await startRedis(FLAKY_PORT); // empty: nothing was persisted
    await waitFor('both to reconnect', () => !a.degraded && !b.degraded, 15_000);
    await waitFor('both to republish', async () => (await b.get(trinoRunning)) === 2, 5000);
    assert.equal(await b.get(trinoQueued), queued);
    assert.ok(logs.includes('Redis unreachable: live counters fall back to this instance only'), logs.join('; '));
    assert.ok(logs.includes('Redis reachable again: live counters are shared'), logs.join('; '));
  });
});

test('InMemorySharedCounters', async () => {
  const c = new InMemorySharedCounters();
  await c.incr(trinoRunning, 3);
  await c.decr(trinoRunning);
  await c.decr(etlRunning);
  assert.equal(await c.get(trinoRunning), 2);
  assert.equal(await c.get(etlRunning), 0);
  assert.deepEqual(await c.snapshot(), [{ scope: 'backend', name: 'trino1', metric: 'running', value: 2 }]);
  assert.deepEqual(await c.others(), [], 'one process: there is no other instance');
  assert.equal(c.degraded, false);
});
