/**
 * `server.workers: 2` as an operator runs it: `querygate serve` in its own process in front of
 * the embedded engine and the shared Trino, every request on a connection of its own, so the
 * primary hands them to both workers in turn. No Redis: the host's state is held by the primary.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawResponse } from '../support/protocol-client.js';
import { htpasswdLine } from '../support/admin-gateway.js';
import { freshRequest, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { TRINO_URL, ensureTrino } from '../support/services.js';

const DRAIN_TIMEOUT_S = 3;
const EMBEDDED = { 'X-Trino-Routing-Group': 'local', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };

let gateway: GatewayProcess;

before(async () => {
  await ensureTrino();
  gateway = await startGatewayProcess({
    // No tokenSecret: the primary gives its workers one key, so a follow-up verifies on either.
    server: { workers: 2, drainTimeout: `${DRAIN_TIMEOUT_S}s` },
    logging: { level: 'info' },
    backends: [
      { name: 'trino1', engine: 'trino', url: TRINO_URL, group: 'trino' },
      // One embedded query at a time on the whole host: a second one waits in the gateway queue.
      { name: 'local', engine: 'duckdb', group: 'local', threads: 1, maxRunning: 1 },
    ],
    routing: { defaultGroup: 'trino', allowHints: ['local'] },
    // No authenticator: the user header names the administrator.
    admin: { users: ['ops'] },
  });
});

after(async () => {
  await gateway?.close();
});

const workerOf = (queryId: string) => queryId.slice(queryId.lastIndexOf('_') + 1);

async function submit(sql: string, user = 'alice', headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await freshRequest('POST', `${gateway.url}/v1/statement`, { 'X-Trino-User': user, ...headers }, sql);
  assert.equal(response.status, 200, response.text);
  return response;
}

/** Follows nextUri to the end, each poll on a new connection; returns the final document, the rows and every poll's status. */
async function follow(first: RawResponse, user = 'alice'): Promise<{ last: Record<string, unknown>; rows: unknown[][]; statuses: number[] }> {
  let doc = first.json;
  const rows: unknown[][] = [];
  const statuses: number[] = [];
  for (;;) {
    if (Array.isArray(doc.data)) rows.push(...(doc.data as unknown[][]));
    const next = doc.nextUri as string | undefined;
    if (next === undefined) return { last: doc, rows, statuses };
    const response = await freshRequest('GET', next, { 'X-Trino-User': user });
    statuses.push(response.status);
    if (response.status !== 200) return { last: { httpStatus: response.status, text: response.text }, rows, statuses };
    doc = response.json;
  }
}

const stateOf = (doc: Record<string, unknown>) => (doc.stats as { state?: string } | undefined)?.state;

/** Submits until the answer comes from another worker than `other`'s (the primary alternates connections). */
async function submitOnOtherWorker(other: string, sql: string, headers: Record<string, string>): Promise<RawResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await submit(sql, 'alice', headers);
    if (workerOf(response.json.id as string) !== workerOf(other)) return response;
    // Not wanted: cancelled (following it could wait behind the other's query).
    await freshRequest('DELETE', response.json.nextUri as string, { 'X-Trino-User': 'alice' });
    // Connections go to the workers in turn: one more every other attempt, or the POSTs could keep meeting the same worker.
    if (attempt % 2 === 0) await freshRequest('GET', `${gateway.url}/v1/info`);
  }
}

test('both workers take statements, and queries polled through either worker finish with every row', { timeout: 120_000 }, async () => {
  const runs = await Promise.all([
    ...Array.from({ length: 4 }, () => submit('SELECT * FROM nation', 'alice', EMBEDDED)),
    ...Array.from({ length: 4 }, () => submit('SELECT * FROM tpch.tiny.nation')),
  ]);
  const workers = new Set(runs.filter((_, i) => i < 4).map((r) => workerOf(r.json.id as string)));
  assert.equal(workers.size, 2, `embedded queries were all taken by one worker: ${[...workers].join(', ')}`);
  // Followed together, as clients do: a query waiting in the gateway queue is dropped when nobody polls it.
  for (const { last, rows, statuses } of await Promise.all(runs.map((run) => follow(run)))) {
    assert.equal(stateOf(last), 'FINISHED', JSON.stringify(last));
    assert.equal(rows.length, 25);
    assert.ok(statuses.every((s) => s === 200), `statuses ${statuses.join(',')}`);
  }
});

test("another user's poll of a query is refused through either worker", { timeout: 60_000 }, async () => {
  const first = await submit('SELECT * FROM nation', 'alice', EMBEDDED);
  for (let poll = 0; poll < 4; poll++) {
    const stolen = await freshRequest('GET', first.json.nextUri as string, { 'X-Trino-User': 'mallory' });
    assert.equal((stolen.json.error as { errorName?: string } | undefined)?.errorName, 'PERMISSION_DENIED', stolen.text);
  }
  const cancel = await freshRequest('DELETE', first.json.nextUri as string, { 'X-Trino-User': 'mallory' });
  assert.equal(cancel.status, 403, cancel.text);
  assert.equal(stateOf((await follow(first)).last), 'FINISHED');
});

test('maxRunning holds for the host: the second worker queues while the first runs the only slot', { timeout: 60_000 }, async () => {
  // A query that runs for minutes on one DuckDB thread: it holds the host's only embedded slot.
  const holder = await submit('SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a, lineitem b', 'alice', EMBEDDED);
  const cancelHolder = () => freshRequest('DELETE', holder.json.nextUri as string, { 'X-Trino-User': 'alice' });
  try {
    // A worker reads the others' leases once per round (1 s, cluster-load.ts): until its first
    // round after the holder's admission it may still admit, as an instance would. Retried until it has read them.
    // Every query's first answer says QUEUED; one admitted says RUNNING at its first poll, one in the gateway queue still QUEUED.
    let waiting: RawResponse | undefined;
    for (let attempt = 0; attempt < 20 && waiting === undefined; attempt++) {
      const candidate = await submitOnOtherWorker(holder.json.id as string, 'SELECT 2', EMBEDDED);
      const polled = await freshRequest('GET', candidate.json.nextUri as string, { 'X-Trino-User': 'alice' });
      if (stateOf(polled.json) === 'QUEUED') waiting = polled;
      else {
        await follow(polled);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.ok(waiting !== undefined, "the other worker kept admitting although the host's only slot was taken");
    let doc = waiting.json;
    for (let poll = 0; poll < 3; poll++) {
      assert.equal(stateOf(doc), 'QUEUED', `admitted on the other worker although the host's only slot is taken: ${JSON.stringify(doc)}`);
      doc = (await freshRequest('GET', doc.nextUri as string, { 'X-Trino-User': 'alice' })).json;
    }
    assert.equal((await cancelHolder()).status, 204);
    const { last, rows } = await follow({ ...waiting, json: doc });
    assert.equal(stateOf(last), 'FINISHED', JSON.stringify(last));
    assert.deepEqual(rows, [[2]]);
  } finally {
    await cancelHolder();
  }
});

test('the admin API lists the live queries of both workers', { timeout: 60_000 }, async () => {
  // Not polled further: Trino's queries stay in flight on the workers that took them.
  const one = await submit('SELECT * FROM tpch.tiny.region');
  const two = await submit('SELECT * FROM tpch.tiny.region');
  for (let asked = 0; asked < 2; asked++) {
    const live = await freshRequest('GET', `${gateway.url}/api/queries/live`, { 'X-Trino-User': 'ops' });
    assert.equal(live.status, 200, live.text);
    const ids = (live.json.items as Array<{ id: string }>).map((item) => item.id);
    assert.ok(ids.includes(one.json.id as string) && ids.includes(two.json.id as string), `live: ${ids.join(', ')}`);
  }
  await Promise.all([follow(one), follow(two)]);
});

test('a writing statement on the embedded engine is refused with NOT_SUPPORTED (each worker has its own engine)', { timeout: 60_000 }, async () => {
  const { last } = await follow(await submit('CREATE TABLE demo.tpch.written_by_one_worker AS SELECT 1 AS x', 'alice', EMBEDDED));
  const error = last.error as { errorName?: string; message?: string } | undefined;
  assert.equal(error?.errorName, 'NOT_SUPPORTED', JSON.stringify(last));
  assert.match(error?.message ?? '', /server\.workers/);
});

/** The process id of the worker whose instance id is `instanceId`, from the gateway's log lines. */
function pidOfWorker(instanceId: string): number {
  const lines = gateway.output().split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
  const index = lines.find((l) => l.msg === 'querygate is listening' && l.instanceId === instanceId)?.worker;
  const pid = lines.filter((l) => l.msg === 'worker started' && l.worker === index).at(-1)?.pid;
  assert.ok(typeof pid === 'number', `no worker process for instance ${instanceId}`);
  return pid;
}

test("a request about another worker's query is verified where it arrives: what fails there never reaches the owner", { timeout: 120_000 }, async () => {
  const query = await submit('SELECT * FROM nation', 'alice', EMBEDDED);
  const id = query.json.id as string;
  const nextUri = query.json.nextUri as string;
  // One character of the sealed token changed: a token that does not verify.
  const tokenAt = nextUri.lastIndexOf('/') + 1;
  const forged = `${nextUri.slice(0, tokenAt + 10)}${nextUri[tokenAt + 10] === 'A' ? 'B' : 'A'}${nextUri.slice(tokenAt + 11)}`;
  const refusals: Array<{ name: string; send: () => Promise<RawResponse>; status: number }> = [
    { name: 'follow-up without a user', send: () => freshRequest('GET', nextUri), status: 401 },
    { name: 'follow-up with a forged token', send: () => freshRequest('GET', forged, { 'X-Trino-User': 'alice' }), status: 404 },
    { name: "another user's cancel", send: () => freshRequest('DELETE', nextUri, { 'X-Trino-User': 'mallory' }), status: 403 },
    { name: '/v1/query/{id} without a user', send: () => freshRequest('GET', `${gateway.url}/v1/query/${id}`), status: 401 },
    { name: 'admin cancel by a non-administrator', send: () => freshRequest('POST', `${gateway.url}/api/queries/${id}/cancel`, { 'X-Trino-User': 'mallory' }), status: 403 },
  ];
  // The owner stopped: a request forwarded to it would wait; one refused where it arrived is answered at once.
  const owner = pidOfWorker(workerOf(id));
  process.kill(owner, 'SIGSTOP');
  const answeredWhileStopped = new Map<string, number[]>();
  let resumed = false;
  const sent: Array<Promise<unknown>> = [];
  try {
    // Four connections of each: the primary hands them to both workers in turn.
    for (const refusal of refusals) {
      for (let copy = 0; copy < 4; copy++) {
        sent.push(
          refusal.send().then((response) => {
            if (!resumed) answeredWhileStopped.set(refusal.name, [...(answeredWhileStopped.get(refusal.name) ?? []), response.status]);
          }),
        );
      }
    }
    // Bounded: the answers of the worker that runs come at once; 20 s is for a loaded machine.
    for (let waited = 0; waited < 200 && answeredWhileStopped.size < refusals.length; waited++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    resumed = true;
    process.kill(owner, 'SIGCONT');
  }
  await Promise.all(sent);
  for (const refusal of refusals) {
    const statuses = answeredWhileStopped.get(refusal.name) ?? [];
    assert.ok(statuses.length > 0, `${refusal.name}: nothing answered while the owner was stopped (forwarded to it)`);
    assert.ok(statuses.every((status) => status === refusal.status), `${refusal.name}: ${statuses.join(',')}`);
  }
  // The query itself is untouched.
  assert.equal(stateOf((await follow(query)).last), 'FINISHED');
});

/** The sum of a metric's series in one scrape of /metrics, on a connection of its own. */
async function scraped(name: string): Promise<number> {
  const response = await freshRequest('GET', `${gateway.url}/metrics`);
  assert.equal(response.status, 200, response.text);
  return response.text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

test("a scrape of /metrics through either worker answers the host's figures", { timeout: 60_000 }, async () => {
  const before = await scraped('querygate_queries_total');
  const runs = await Promise.all(Array.from({ length: 4 }, () => submit('SELECT 1', 'alice', EMBEDDED)));
  assert.equal(new Set(runs.map((r) => workerOf(r.json.id as string))).size, 2, 'the queries were all taken by one worker');
  for (const { last } of await Promise.all(runs.map((run) => follow(run)))) assert.equal(stateOf(last), 'FINISHED');
  // Each scrape on a new connection: the primary hands them to both workers in turn.
  const after: number[] = [];
  for (let scrape = 0; scrape < 4; scrape++) after.push(await scraped('querygate_queries_total'));
  assert.deepEqual(after, after.map(() => before + 4), `before ${before}`);
});

/** Waits, polling every 100 ms for at most `seconds`, until `done` holds; fails naming `what` otherwise. */
async function waitUntil(what: string, seconds: number, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < seconds * 10; waited++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: not within ${seconds} s`);
}

test("a killed worker: its Trino queries finish through the other, its embedded query is gone (410), its slot is freed, it is restarted", { timeout: 180_000 }, async () => {
  // The host's only embedded slot, held by a query that runs for minutes on the worker to be killed.
  const holder = await submit('SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a, lineitem b', 'alice', EMBEDDED);
  const killed = workerOf(holder.json.id as string);
  const trino = await Promise.all(Array.from({ length: 4 }, () => submit('SELECT * FROM tpch.tiny.nation')));
  const starts = () => gateway.output().split('\n').filter((line) => line.includes('"msg":"worker started"')).length;
  const startsBefore = starts();
  process.kill(pidOfWorker(killed), 'SIGKILL');
  // Once the primary knows, it hands no more connections to the dead worker.
  await waitUntil('the primary saw the worker exit', 30, () => gateway.output().includes('worker exited unexpectedly'));
  // Every Trino query, whichever worker admitted it, is served by the survivor with every row.
  for (const { last, rows } of await Promise.all(trino.map((run) => follow(run)))) {
    assert.equal(stateOf(last), 'FINISHED', JSON.stringify(last));
    assert.equal(rows.length, 25);
  }
  const gone = await freshRequest('GET', holder.json.nextUri as string, { 'X-Trino-User': 'alice' });
  assert.equal(gone.status, 410, gone.text);
  // The slot lapses with its lease (5 s): an embedded query is admitted again, not left queued.
  await waitUntil('an embedded query admitted after the kill', 60, async () => {
    const { last, rows } = await follow(await submit('SELECT 3', 'alice', EMBEDDED));
    return stateOf(last) === 'FINISHED' && rows.length === 1;
  });
  await waitUntil('the killed worker restarted', 60, () => starts() > startsBefore);
  await waitUntil('both workers serving again', 60, async () => {
    const ids = await Promise.all(Array.from({ length: 4 }, () => submit('SELECT 1', 'alice', EMBEDDED)));
    await Promise.all(ids.map((run) => follow(run)));
    return new Set(ids.map((run) => workerOf(run.json.id as string))).size === 2;
  });
});

test('the brute-force lockout counts the failures of every worker together', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-workers-lockout-'));
  writeFileSync(join(dir, 'password.db'), `${htpasswdLine('dave', 'dave-pw')}\n`);
  // Credentials over HTTP marked https, as behind a TLS-terminating proxy: no certificates needed.
  const guarded = await startGatewayProcess({
    server: { workers: 2 },
    authentication: { authenticators: [{ type: 'password-file', file: join(dir, 'password.db') }], trustForwardedProto: true, maxFailures: 3, failureWindow: '1m' },
    backends: [{ name: 'local', engine: 'duckdb', group: 'local' }],
    routing: { defaultGroup: 'local' },
  });
  try {
    const post = (password: string) =>
      freshRequest('POST', `${guarded.url}/v1/statement`, { Authorization: `Basic ${Buffer.from(`dave:${password}`).toString('base64')}`, 'X-Forwarded-Proto': 'https' }, 'SELECT 1');
    // Three failures on connections the primary hands to both workers in turn: neither has three of its own.
    for (let guess = 0; guess < 3; guess++) assert.equal((await post(`guess-${guess}`)).status, 401);
    for (let attempt = 0; attempt < 2; attempt++) {
      const locked = await post('dave-pw');
      assert.equal(locked.status, 401, locked.text);
      assert.match(locked.text, /Too many failed authentication attempts/);
    }
  } finally {
    await guarded.close();
  }
});

test('SIGTERM to the primary drains every worker: not ready, new statements refused with 503, in-flight queries finish, then it exits', { timeout: 120_000 }, async () => {
  const embedded = await submit('SELECT * FROM nation', 'alice', EMBEDDED);
  const trino = await submitOnOtherWorker(embedded.json.id as string, 'SELECT * FROM tpch.tiny.nation', {});
  gateway.child.kill('SIGTERM');
  // Readiness turns false on both workers: every connection, whichever worker takes it, says so.
  for (let ready = 0; ready < 4; ) {
    const response = await freshRequest('GET', `${gateway.url}/readyz`);
    if (response.status === 503) ready++;
    else await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < 2; i++) {
    const refused = await freshRequest('POST', `${gateway.url}/v1/statement`, { 'X-Trino-User': 'alice' }, 'SELECT 1');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal((refused.json.error as { errorName?: string }).errorName, 'SERVER_SHUTTING_DOWN');
  }
  for (const run of [embedded, trino]) {
    const { last, rows } = await follow(run);
    assert.equal(stateOf(last), 'FINISHED', JSON.stringify(last));
    assert.equal(rows.length, 25);
  }
  assert.equal(await gateway.exited, 0, gateway.output());
});
