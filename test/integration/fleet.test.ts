/**
 * The fleet fault suite: two gateway instances in front of the real Trino (trino1), with clients
 * whose polls go to either instance, under faults. The short version runs in `npm test`; the long
 * one (QUERYGATE_FLEET_LONG=1) stops Redis for 60 s under load and prints its figures.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningGateway } from '../../src/gateway.js';
import { freshRequest } from '../support/gateway-process.js';
import { get, post, type RawResponse } from '../support/protocol-client.js';
import { freePort } from '../support/ports.js';
import { ensureTrino, REPO, startTestGateway, TEST_SECRET, TRINO_PORT } from '../support/services.js';
import { REDIS_PORT, startPostgres, startRedis, stopRedis, waitFor } from '../tracking/services.js';
import { startBalancer } from '../support/balancer.js';

const USER = { 'X-Trino-User': 'fleet' };
// A Redis of this suite's own: it is stopped and restarted.
const OUTAGE_REDIS_PORT = Number(process.env.QUERYGATE_REDIS_FLAKY_PORT ?? REDIS_PORT + 1);
const LONG = process.env.QUERYGATE_FLEET_LONG === '1';
const ADMIN = { 'X-Trino-User': 'ops' };
const children: ChildProcess[] = [];

let trino: string;
const gateways: RunningGateway[] = [];

before(async () => {
  trino = await ensureTrino();
}, { timeout: 600_000 });

after(async () => {
  for (const child of children) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await Promise.all(gateways.map((g) => g.close()));
});

async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const g = await startTestGateway({ admin: { users: ['ops'] }, ...config });
  gateways.push(g);
  return g;
}

/** A TCP relay to the real Trino, as a child process (test/support/tcp-relay.ts): SIGSTOP it and Trino looks frozen. */
async function startRelay(): Promise<{ url: string; relay: ChildProcess }> {
  const relay = spawn(process.execPath, [fileURLToPath(new URL('../support/tcp-relay.js', import.meta.url)), String(TRINO_PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(relay);
  const [line] = (await once(relay.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${line.toString().trim()}`, relay };
}

async function backendView(base: string, name: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/api/backends/${name}`, { headers: ADMIN });
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Waits until the gateway at `base` counts `expected` queries running on backend `name`: its
 * `fleetRunning`, as every worker reads it (with QUERYGATE_TEST_WORKERS a backend's `running` is
 * the answering worker's own, and another worker reads the count at its next lease round): four
 * reads in a row, each on a connection of its own (the primary hands connections out in turn).
 */
async function untilRunning(base: string, name: string, expected: number, what: string): Promise<void> {
  const read = async () => (await freshRequest('GET', `${base}/api/backends/${name}`, ADMIN)).json.fleetRunning;
  await waitFor(what, async () => {
    for (let i = 0; i < 4; i++) if ((await read()) !== expected) return false;
    return true;
  }, 30_000);
}

/** Waits until every worker of the gateway at `base` shows backend `name` in `state` (four reads in a row, as untilRunning). */
async function untilState(base: string, name: string, state: string, what: string, timeoutMs: number): Promise<void> {
  await waitFor(what, async () => {
    for (let i = 0; i < 4; i++) if ((await freshRequest('GET', `${base}/api/backends/${name}`, ADMIN)).json.state !== state) return false;
    return true;
  }, timeoutMs);
}

/** `querygate serve` as a child process (so that it can be killed with SIGKILL), up when /v1/info answers. */
async function childGateway(config: Record<string, unknown>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'qg-fleet-'));
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify({ server: { port, host: '127.0.0.1' }, security: { tokenSecret: TEST_SECRET }, logging: { level: 'warn' }, dataDir: dir, admin: { users: ['ops'] }, ...config }));
  const child = spawn(process.execPath, [join(REPO, 'dist/src/cli.js'), 'serve', '--config', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the child gateway to answer', async () => (await fetch(`${url}/v1/info`).catch(() => undefined))?.status === 200, 30_000);
  return { url, child };
}

/** Polls `uri` as a Trino client does: a 503 is retried. */
async function poll(uri: string): Promise<RawResponse> {
  for (;;) {
    const response = await get(uri, USER);
    if (response.status !== 503) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function degraded(base: string): Promise<boolean> {
  return /^querygate_live_counters_degraded 1$/m.test(await (await fetch(`${base}/metrics`)).text());
}

/** Client loops running queries through `base` to the end, one after the other, until stopped; every outcome counted. */
function load(base: string, clients: number): { stop(): Promise<Map<string, number>> } {
  const outcomes = new Map<string, number>();
  let running = true;
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  const loops = Array.from({ length: clients }, async (_, i) => {
    while (running) {
      let response = await post(base, `SELECT ${i}, count(*) FROM tpch.tiny.nation`, USER);
      for (;;) {
        if (response.status !== 200) {
          count(`HTTP ${response.status}`);
          break;
        }
        const next = response.json.nextUri as string | undefined;
        if (!next) {
          const error = response.json.error as { errorName: string } | undefined;
          count(error ? error.errorName : 'FINISHED');
          break;
        }
        response = await poll(next);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

/** Follows nextUri from `first` to the end, sending every poll to `base` (whichever instance issued it). */
async function finish(first: RawResponse, base: string): Promise<{ state: string; error?: string; message?: string | undefined }> {
  let response = first;
  for (;;) {
    assert.equal(response.status, 200, response.text);
    const next = response.json.nextUri as string | undefined;
    if (!next) {
      const error = response.json.error as { errorName?: string; message?: string } | undefined;
      return { state: (response.json.stats as { state: string }).state, ...(error?.errorName ? { error: error.errorName, message: error.message } : {}) };
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

test('a frozen backend (its relay stopped with SIGSTOP): the client of a running query gets BACKEND_UNAVAILABLE after the poll deadline, the backend is taken out, new queries go elsewhere', { timeout: 120_000 }, async () => {
  const { url, relay } = await startRelay();
  const g = await gateway({
    // Listed first: it takes the first query (ties go to the first backend).
    backends: [
      { name: 'frozen', engine: 'trino', url, group: 'adhoc' },
      { name: 'live', engine: 'trino', url: trino, group: 'adhoc' },
    ],
    routing: { defaultGroup: 'adhoc' },
  });
  const first = await post(g.url, 'SELECT * FROM tpch.tiny.lineitem', USER);
  assert.equal(first.status, 200, first.text);
  await untilRunning(g.url, 'frozen', 1, 'the first query to run on the backend about to freeze');
  relay.kill('SIGSTOP');
  try {
    const outcome = await finish(first, g.url);
    assert.equal(outcome.error, 'BACKEND_UNAVAILABLE');
    assert.match(outcome.message!, /no answer within 6 s, although it answers within its maxWait: hung/);
    await waitFor('the frozen backend to be taken out', async () => (await backendView(g.url, 'frozen')).healthy === false, 30_000);
    for (let i = 0; i < 5; i++) assert.deepEqual(await finish(await post(g.url, `SELECT ${i}`, USER), g.url), { state: 'FINISHED' });
    await untilRunning(g.url, 'frozen', 0, 'nothing routed to it after detection');
  } finally {
    relay.kill('SIGCONT');
  }
});

test('a submission that fails with BACKEND_UNAVAILABLE has its history row, under the id the client was given', { timeout: 60_000 }, async () => {
  const g = await gateway({ backends: [{ name: 'nowhere', engine: 'trino', url: 'http://127.0.0.1:1', group: 'adhoc' }], routing: { defaultGroup: 'adhoc' } });
  const refused = await post(g.url, 'SELECT 1', USER);
  const error = refused.json.error as { errorName: string };
  assert.equal(error.errorName, 'BACKEND_UNAVAILABLE');
  const id = refused.json.id as string;
  let row: Record<string, unknown> = {};
  await waitFor('its history row', async () => {
    const response = await fetch(`${g.url}/api/queries/${id}`, { headers: ADMIN });
    if (response.status !== 200) return false;
    row = (await response.json()) as Record<string, unknown>;
    return true;
  });
  assert.equal(row.state, 'FAILED');
  assert.equal(row.errorName, 'BACKEND_UNAVAILABLE');
  assert.equal(row.statement, 'SELECT 1');
  assert.equal(row.backend, 'nowhere');
});

test('drain through one instance is honoured by the other within seconds, and kept across a restart (state in PostgreSQL)', { timeout: 120_000 }, async () => {
  const postgres = await startPostgres();
  // Names of this test's own: the shared database outlives it.
  const drained = `drained-${randomBytes(3).toString('hex')}`;
  const spare = `spare-${randomBytes(3).toString('hex')}`;
  const shared = {
    backends: [
      { name: drained, engine: 'trino', url: trino, group: 'adhoc' },
      { name: spare, engine: 'trino', url: trino, group: 'adhoc' },
    ],
    routing: { defaultGroup: 'adhoc' },
    history: { store: 'postgres', connectionString: postgres.url },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  const drain = await fetch(`${a.url}/api/backends/${drained}/drain`, { method: 'POST', headers: ADMIN });
  assert.equal(drain.status, 200, await drain.text());
  await untilState(b.url, drained, 'draining', 'B to apply the drain made through A', 10_000);
  // Three queries held open on B: none of them on the drained backend.
  const held = [];
  for (let i = 0; i < 3; i++) held.push(await post(b.url, `SELECT ${i}`, USER));
  await untilRunning(b.url, drained, 0, 'nothing on the drained backend');
  await untilRunning(b.url, spare, 3, 'the three queries on the spare backend');
  for (const first of held) assert.deepEqual(await finish(first, b.url), { state: 'FINISHED' });

  await b.close();
  gateways.splice(gateways.indexOf(b), 1);
  const restarted = await gateway(shared);
  assert.equal((await backendView(restarted.url, drained)).state, 'draining', 'the stored state, not the configured one, after a restart');
  const activate = await fetch(`${restarted.url}/api/backends/${drained}/activate`, { method: 'POST', headers: ADMIN });
  assert.equal(activate.status, 200);
  await waitFor('A to apply the activation made through the restarted instance', async () => (await backendView(a.url, drained)).state === 'active', 10_000);
});

test('kill -9 of an instance behind the balancer: every in-flight query finishes through the other, no history row stays RUNNING', { timeout: 180_000 }, async () => {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'adhoc' }],
    routing: { defaultGroup: 'adhoc' },
    history: { store: 'postgres', connectionString: postgres.url },
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const doomed = await childGateway(shared);
  const survivor = await gateway(shared);
  const balancer = await startBalancer([doomed.url, survivor.url]);
  try {
    // Six queries of several pages each, submitted and polled once through the balancer (so on both instances).
    const inFlight: Array<{ id: string; next: string; rows: number }> = [];
    for (let i = 0; i < 6; i++) {
      const first = await post(balancer.url, `SELECT o_orderkey FROM tpch.tiny.orders ORDER BY o_orderkey OFFSET ${i * 2500} LIMIT 2500`, USER);
      assert.equal(first.status, 200, first.text);
      inFlight.push({ id: first.json.id as string, next: first.json.nextUri as string, rows: 0 });
    }
    // The start records leave the doomed instance's buffer (200 ms) before it dies.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    doomed.child.kill('SIGKILL');
    await once(doomed.child, 'exit');
    let lost = 0;
    for (const query of inFlight) {
      let next: string | undefined = query.next;
      let state = '';
      while (next) {
        const response = await poll(next);
        assert.equal(response.status, 200, response.text);
        query.rows += ((response.json.data as unknown[] | undefined) ?? []).length;
        state = (response.json.stats as { state: string }).state;
        next = response.json.nextUri as string | undefined;
      }
      if (state !== 'FINISHED') lost++;
    }
    assert.equal(lost, 0, 'queries lost');
    assert.equal(inFlight.reduce((n, q) => n + q.rows, 0), 15_000, 'every row of tpch.tiny.orders, once');
    const stuck = async () => {
      let running = 0;
      for (const { id } of inFlight) {
        const response = await fetch(`${survivor.url}/api/queries/${id}`, { headers: ADMIN });
        const row = response.status === 200 ? ((await response.json()) as { state: string }) : { state: 'MISSING' };
        if (row.state !== 'FINISHED') running++;
      }
      return running;
    };
    await waitFor('every history row to be FINISHED', async () => (await stuck()) === 0, 15_000);
  } finally {
    await balancer.close();
  }
});

test('the gateway queue is fleet-wide: queued queries polled alternately through both instances finish, keeping the first id they were given (history, /v1/query), and stay their user\'s', { timeout: 180_000 }, async () => {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const shared = {
    // One slot for the fleet: most of the queries wait in the gateway queue.
    backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'adhoc', maxRunning: 1 }],
    routingGroups: [{ name: 'adhoc', queueTimeout: '120s' }],
    routing: { defaultGroup: 'adhoc' },
    history: { store: 'postgres', connectionString: postgres.url },
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  const balancer = await startBalancer([a.url, b.url]);
  try {
    const runs = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const statuses: number[] = [];
        const ids = new Set<string>();
        let response = await post(balancer.url, `SELECT count(*) FROM tpch.tiny.lineitem WHERE l_orderkey % ${i + 2} = 0`, USER);
        const firstId = response.json.id as string;
        const firstState = (response.json.stats as { state: string } | undefined)?.state;
        let rows: unknown[] = [];
        for (;;) {
          statuses.push(response.status);
          if (response.status !== 200) break;
          ids.add(response.json.id as string);
          rows = rows.concat((response.json.data as unknown[] | undefined) ?? []);
          const next = response.json.nextUri as string | undefined;
          if (!next) break;
          response = await get(next, USER);
        }
        return { firstId, firstState, statuses, ids: [...ids], final: response.json, rows };
      }),
    );
    assert.ok(runs.filter((r) => r.firstState === 'QUEUED').length >= 3, `queries queued in the gateway: ${JSON.stringify(runs.map((r) => r.firstState))}`);
    for (const run of runs) {
      assert.deepEqual(run.statuses.filter((s) => s !== 200), [], `every poll answered 200 (${run.firstId})`);
      assert.equal((run.final.stats as { state: string }).state, 'FINISHED', JSON.stringify(run.final));
      assert.deepEqual(run.ids, [run.firstId], 'one id from the first answer to the last');
      assert.equal(run.rows.length, 1);
    }
    for (const run of runs) {
      // The id the client was given is the history row's, on either instance, and /v1/query answers for it.
      await waitFor(`history row ${run.firstId} FINISHED`, async () => {
        const response = await fetch(`${b.url}/api/queries/${run.firstId}`, { headers: ADMIN });
        return response.status === 200 && ((await response.json()) as { state: string }).state === 'FINISHED';
      }, 15_000);
      for (const base of [a.url, b.url]) {
        const info = await fetch(`${base}/v1/query/${run.firstId}`, { headers: USER });
        assert.equal(info.status, 200, `/v1/query/${run.firstId} on ${base}`);
        assert.equal(((await info.json()) as { queryId: string }).queryId, run.firstId);
      }
    }
  } finally {
    await balancer.close();
  }
});

test('a query queued through one instance cannot be polled or cancelled by another user through the other', { timeout: 60_000 }, async () => {
  const redis = await startRedis();
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'adhoc', maxRunning: 1 }],
    routingGroups: [{ name: 'adhoc', queueTimeout: '60s' }],
    routing: { defaultGroup: 'adhoc' },
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  // Holds the only slot while the second query waits in A's queue.
  const running = await post(a.url, 'SELECT count(*) FROM tpch.tiny.lineitem', USER);
  const queued = await post(a.url, 'SELECT 2', USER);
  assert.equal((queued.json.stats as { state: string }).state, 'QUEUED', queued.text);
  const next = new URL(queued.json.nextUri as string);
  const intruder = { 'X-Trino-User': 'mallory' };
  const stolen = await get(`${b.url}${next.pathname}`, intruder);
  assert.equal((stolen.json.error as { errorName: string }).errorName, 'PERMISSION_DENIED', stolen.text);
  const cancel = await get(`${b.url}${next.pathname}`, intruder, 'DELETE');
  assert.equal(cancel.status, 403);
  const killed = await fetch(`${b.url}/v1/query/${queued.json.id as string}`, { method: 'DELETE', headers: intruder });
  assert.equal(killed.status, 410);
  // A token altered to name another query id is refused before anything is looked up.
  const [, , , phase, , token] = next.pathname.split('/');
  const forged = await get(`${b.url}/v1/statement/${phase}/${running.json.id as string}/${token}`, USER);
  assert.equal(forged.status, 404);
  // Its owner still polls it through B to the end (once the running query is done).
  assert.deepEqual(await finish(running, a.url), { state: 'FINISHED' });
  assert.deepEqual(await finish(queued, b.url), { state: 'FINISHED' });
});

test('clientTimeout across instances: a query admitted by A whose polls all go to B runs on; once nobody polls it, A abandons it', { timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'adhoc' }],
    routing: { defaultGroup: 'adhoc' },
    // Polled every second through B, the query is seen polled by A within a lease round or two;
    // 8 s leaves room for rounds delayed on a loaded machine (4 s failed there once).
    queries: { clientTimeout: '8s' },
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  // Far more pages than are read here: Trino waits for the client, on no CPU.
  const first = await post(a.url, 'SELECT * FROM tpch.sf1.lineitem', USER);
  assert.equal(first.status, 200, first.text);
  const id = first.json.id as string;
  let next = first.json.nextUri as string;
  // Twice the clientTimeout: A would have abandoned it by then if polls through B did not count.
  const pollingMs = 16_000;
  const until = Date.now() + pollingMs;
  while (Date.now() < until) {
    const response = await get(`${b.url}${new URL(next).pathname}`, USER);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.error, undefined, `polled through B for ${Math.round((Date.now() - until + pollingMs) / 1000)} s: ${response.text.slice(0, 300)}`);
    next = response.json.nextUri as string;
    assert.ok(next);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  assert.equal((await backendView(a.url, 'trino1')).running, 1, 'A still holds the slot of a query polled elsewhere');
  // Nobody polls it any more: A lets it go and cancels it on the backend.
  await waitFor('A to abandon the query', async () => (await backendView(a.url, 'trino1')).running === 0, 30_000);
  await waitFor('its history row ABANDONED', async () => {
    const response = await fetch(`${a.url}/api/queries/${id}`, { headers: ADMIN });
    return response.status === 200 && ((await response.json()) as { state: string }).state === 'ABANDONED';
  }, 10_000);
  // The cancel reaches Trino after the history row is written: its state follows within a few rounds.
  let trinoState = '';
  await waitFor('the query cancelled on Trino', async () => {
    trinoState = ((await (await fetch(`${trino}/v1/query/${id}`, { headers: USER })).json()) as { state: string }).state;
    return trinoState === 'FAILED';
  }, 30_000).catch(() => undefined);
  assert.equal(trinoState, 'FAILED', 'cancelled on Trino');
});

// Opt-in (QUERYGATE_FLEET_LONG=1): figures in the README's operations section.
test(`Redis stopped for 60 s under load behind the balancer: queries keep running, shares apply, fleet counts return, no slot stays held`, { skip: !LONG, timeout: 300_000 }, async (t) => {
  const outageMs = 60_000;
  const redis = await startRedis(OUTAGE_REDIS_PORT);
  const shared = {
    backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'adhoc', maxRunning: 8 }],
    routing: { defaultGroup: 'adhoc' },
    redis: { url: redis.url, keyPrefix: `qgtest:${randomBytes(4).toString('hex')}:` },
  };
  const a = await gateway(shared);
  const b = await gateway(shared);
  const balancer = await startBalancer([a.url, b.url]);
  // Four clients: within each instance's share (4 of 8) even during the outage, so nothing need queue.
  const clients = load(balancer.url, 4);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stopRedis(OUTAGE_REDIS_PORT);
    await waitFor('both instances to notice', async () => (await degraded(a.url)) && (await degraded(b.url)), 10_000);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    await startRedis(OUTAGE_REDIS_PORT);
    const back = Date.now();
    await waitFor('fleet-wide counts again on both', async () => !(await degraded(a.url)) && !(await degraded(b.url)), 30_000);
    const recoveredMs = Date.now() - back;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const outcomes = await clients.stop();
    const finished = outcomes.get('FINISHED') ?? 0;
    const lost = [...outcomes].filter(([what]) => what !== 'FINISHED').reduce((n, [, k]) => n + k, 0);
    // No slot stays held once the load is gone: counts reconciled from leases and the backend.
    const held = async () => ((await backendView(a.url, 'trino1')).fleetRunning as number) + ((await backendView(b.url, 'trino1')).fleetRunning as number);
    const idle = Date.now();
    await waitFor('no slot held on either instance', async () => (await held()) === 0, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: A ${JSON.stringify(await backendView(a.url, 'trino1'))}, B ${JSON.stringify(await backendView(b.url, 'trino1'))}`);
    });
    t.diagnostic(`outage ${outageMs / 1000} s: ${finished} finished, ${lost} lost (${JSON.stringify(Object.fromEntries(outcomes))}), fleet counts back ${recoveredMs} ms after Redis, slots free ${Date.now() - idle} ms after the load`);
    assert.deepEqual(Object.fromEntries(outcomes), { FINISHED: finished });
  } finally {
    await clients.stop();
    await balancer.close();
  }
});
