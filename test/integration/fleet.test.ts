/**
 * The fleet fault suite: two gateway instances in front of the real Trino (trino1), with clients
 * whose polls go to either instance, under faults. The short version runs in `npm test`; the long
 * one (QUERYGATE_FLEET_LONG=1) stops Redis for 60 s under load and prints its figures.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, type RawResponse } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

const USER = { 'X-Trino-User': 'fleet' };

let trino: string;
const gateways: RunningGateway[] = [];

before(async () => {
  trino = await ensureTrino();
}, { timeout: 600_000 });

after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
});

async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const g = await startTestGateway(config);
  gateways.push(g);
  return g;
}

/** Follows nextUri from `first` to the end, sending every poll to `base` (whichever instance issued it). */
async function finish(first: RawResponse, base: string): Promise<{ state: string; error?: string }> {
  let response = first;
  for (;;) {
    assert.equal(response.status, 200, response.text);
    const next = response.json.nextUri as string | undefined;
    if (!next) {
      const error = response.json.error as { errorName?: string } | undefined;
      return { state: (response.json.stats as { state: string }).state, ...(error?.errorName ? { error: error.errorName } : {}) };
    }
    response = await get(`${base}${new URL(next).pathname}`, USER);
  }
}

test('no Redis: queries admitted by A and finished through B free their slots on A (the backend is asked), so A admits again', { timeout: 120_000 }, async () => {
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, maxRunning: 2, group: 'adhoc' }],
    routingGroups: [{ name: 'adhoc', queueTimeout: '20s' }],
    routing: { defaultGroup: 'adhoc' },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  for (let i = 0; i < 2; i++) {
    const first = await post(a.url, `SELECT ${i}`, USER);
    assert.deepEqual(await finish(first, b.url), { state: 'FINISHED' });
  }
  // Both of A's slots were ended on B, which has no way to tell A; a third query on A must still run.
  const third = await post(a.url, 'SELECT 3', USER);
  assert.deepEqual(await finish(third, a.url), { state: 'FINISHED' });
});
