/**
 * RedisBus against a real Redis: messages reach every subscribed instance, publishing to an
 * unreachable Redis says so at once, and a channel subscribed while Redis was down (or across a
 * restart) is listened to once Redis is back (a Redis of this test's own, started and stopped).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { RedisBus } from '../../src/cluster/redis-bus.js';
import { REDIS_PORT, startRedis, stopRedis, waitFor, type Service } from './services.js';

// Its own port: this test stops it.
const PORT = Number(process.env.QUERYGATE_REDIS_BUS_PORT ?? REDIS_PORT + 2);
const url = `redis://127.0.0.1:${PORT}/0`;
const buses: RedisBus[] = [];
let redis: Service | undefined;

before(async () => {
  await stopRedis(PORT);
}, { timeout: 600_000 });

after(async () => {
  for (const bus of buses) bus.close();
  if (redis?.started) await stopRedis(PORT);
});

async function bus(): Promise<RedisBus> {
  const b = await RedisBus.connect(url, pino({ level: 'silent' }));
  buses.push(b);
  return b;
}

test('subscribed before Redis is up, heard once it is, and again after a restart', { timeout: 120_000 }, async () => {
  const channel = `qgtest:${randomBytes(4).toString('hex')}`;
  const heard: string[] = [];
  const listener = await bus();
  await listener.subscribe(channel, (message) => heard.push(message));
  const speaker = await bus();
  assert.equal(await speaker.publish(channel, 'lost'), false, 'Redis is down: the message is not taken');

  redis = await startRedis(PORT);
  await waitFor('the message to be heard', async () => {
    await speaker.publish(channel, 'one');
    return heard.includes('one');
  }, 15_000);
  assert.ok(!heard.includes('lost'));

  await stopRedis(PORT);
  redis = await startRedis(PORT);
  await waitFor('the message after the restart to be heard', async () => {
    await speaker.publish(channel, 'two');
    return heard.includes('two');
  }, 15_000);
  // A channel subscribed while Redis is up is heard too.
  const other: string[] = [];
  await speaker.subscribe(`${channel}:other`, (message) => other.push(message));
  assert.equal(await listener.publish(`${channel}:other`, 'three'), true);
  await waitFor('the second channel to be heard', () => other.includes('three'), 5000);
});
