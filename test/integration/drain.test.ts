/**
 * Graceful drain as an operator meets it: `querygate serve` in its own process, queries in flight
 * on the embedded engine and on Trino, then SIGTERM. Readiness turns false first, a new statement
 * is refused with a retryable 503 carrying a Trino error document, follow-ups keep being served
 * (also through a second instance sharing the token secret), and at the drain deadline what is
 * still running is cancelled on its backend — checked in Trino's own system.runtime.queries — and
 * recorded in history.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post } from '../support/protocol-client.js';
import { REPO, TEST_SECRET, TRINO_URL, ensureTrino, startTestGateway } from '../support/services.js';
import { freePort } from '../support/ports.js';

const CLI = join(REPO, 'dist/src/cli.js');
// Long enough that the short Trino query below ends within it even on a loaded machine, short of
// what the long queries take on a fast one (the embedded one is a cross join of 90 billion rows);
// they are cancelled at this deadline, so the test takes at least this long.
const DRAIN_TIMEOUT_S = 15;

interface Poller {
  id: string;
  /** Every status a follow-up got, in order. */
  statuses: number[];
  /** The last query document, or the error that ended polling (connection closed). */
  final: Promise<{ state?: string; errorName?: string; connectionError?: string }>;
}

/** Follows nextUri like a client until the query ends; `via` rewrites follow-ups to another instance. */
async function startQuery(baseUrl: string, sql: string, headers: Record<string, string>, via?: string): Promise<Poller> {
  const first = await post(baseUrl, sql, { 'X-Trino-User': 'alice', ...headers });
  assert.equal(first.status, 200, first.text);
  const id = first.json.id as string;
  const statuses: number[] = [];
  const final = (async () => {
    let doc = first.json;
    for (;;) {
      const next = doc.nextUri as string | undefined;
      if (next === undefined) return { state: (doc.stats as { state: string }).state, errorName: (doc.error as { errorName?: string } | undefined)?.errorName };
      try {
        const response = await get(via === undefined ? next : next.replace(baseUrl, via), { 'X-Trino-User': 'alice' });
        statuses.push(response.status);
        if (response.status !== 200) return { state: `HTTP ${response.status}`, errorName: response.text };
        doc = response.json;
      } catch (err) {
        return { connectionError: String((err as Error).cause ?? err) };
      }
    }
  })();
  return { id, statuses, final };
}

/** Waits until Trino runs the query (in flight on the backend, not queued). */
async function untilRunning(id: string): Promise<void> {
  for (;;) {
    const trino = await trinoQueryState(id);
    if (trino === 'RUNNING') return;
    if (trino !== undefined && trino !== 'QUEUED' && trino !== 'PLANNING' && trino !== 'STARTING' && trino !== 'DISPATCHING' && trino !== 'WAITING_FOR_RESOURCES') throw new Error(`${id} is ${trino} on Trino`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The query's state in Trino's own query list (what the "Done means" checks). */
async function trinoQueryState(id: string): Promise<string | undefined> {
  let doc = (await post(TRINO_URL, `SELECT state FROM system.runtime.queries WHERE query_id = '${id}'`, { 'X-Trino-User': 'drain-test' })).json;
  const rows: unknown[][] = [];
  for (;;) {
    if (Array.isArray(doc.data)) rows.push(...(doc.data as unknown[][]));
    if (doc.error) throw new Error(JSON.stringify(doc.error));
    if (doc.nextUri === undefined) break;
    doc = (await get(doc.nextUri as string)).json;
  }
  return rows[0]?.[0] as string | undefined;
}

let child: ChildProcess;
let output = '';
let secondInstance: RunningGateway;
let baseUrl: string;
let dataDir: string;

before(async () => {
  await ensureTrino();
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'qg-drain-'));
  dataDir = join(dir, 'data');
  const config = join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    [
      'server:',
      '  host: 127.0.0.1',
      `  port: ${port}`,
      `  drainTimeout: ${DRAIN_TIMEOUT_S}s`,
      'security:',
      `  tokenSecret: ${TEST_SECRET}`,
      'logging:',
      '  level: info',
      `dataDir: ${dataDir}`,
      'backends:',
      `  - {name: trino1, engine: trino, url: '${TRINO_URL}', group: trino}`,
      // One query at a time: a second one waits in the gateway queue.
      '  - {name: local, engine: duckdb, group: local, threads: 1, maxRunning: 1}',
      'routing:',
      '  defaultGroup: trino',
      '  allowHints: [local]',
      '',
    ].join('\n'),
  );
  child = spawn(process.execPath, [CLI, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // Ready means listening with a healthy backend; no time limit here: a slow machine is not a failure.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0);
    if (ready === 200) break;
    // Not listening yet (0) or not ready yet (503); anything else means there is no readiness probe.
    if (ready !== 0 && ready !== 503) throw new Error(`/readyz answered ${ready}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  secondInstance = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: TRINO_URL, group: 'trino' }] });
});

after(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await secondInstance?.close();
});

test('SIGTERM drains: not ready first, new statements refused with a retryable error, in-flight queries finish or are cancelled on their backend', async () => {
  // Long enough never to finish within the drain timeout; cancelled at the deadline.
  const longTrino = await startQuery(baseUrl, 'SELECT count(*) FROM tpch.sf1000.lineitem WHERE l_comment LIKE \'%drain%\'', {});
  const polledElsewhere = await startQuery(baseUrl, 'SELECT sum(l_quantity) FROM tpch.sf1000.lineitem', {}, secondInstance.url);
  const longEmbedded = await startQuery(baseUrl, 'SELECT sum(a.l_quantity * b.l_quantity * c.n_nationkey) FROM lineitem a, lineitem b, nation c', { 'X-Trino-Routing-Group': 'local', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });
  const queuedEmbedded = await startQuery(baseUrl, 'SELECT 42', { 'X-Trino-Routing-Group': 'local' });
  // Short: finishes during the drain or before it; either way it must end by itself.
  const shortTrino = await startQuery(baseUrl, 'SELECT count(*) FROM tpch.tiny.lineitem', {});
  await untilRunning(longTrino.id);
  await untilRunning(polledElsewhere.id);

  child.kill('SIGTERM');
  let readiness: { status: number; body: Record<string, unknown> };
  for (;;) {
    const response = await fetch(`${baseUrl}/readyz`);
    readiness = { status: response.status, body: (await response.json()) as Record<string, unknown> };
    if (readiness.status !== 200) break;
  }
  assert.equal(readiness.status, 503);
  assert.equal(readiness.body.status, 'draining');
  assert.equal(readiness.body.ready, false);
  // Readiness turned false while the long queries were still running on their backends.
  assert.equal(await trinoQueryState(longTrino.id), 'RUNNING');
  assert.equal(child.exitCode, null);

  const refused = await post(baseUrl, 'SELECT 1', { 'X-Trino-User': 'alice' });
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.equal(refused.headers.get('connection'), 'close');
  assert.equal((refused.json.error as { errorName: string }).errorName, 'SERVER_SHUTTING_DOWN');
  assert.equal((refused.json.error as { errorType: string }).errorType, 'INTERNAL_ERROR');
  assert.match((refused.json.error as { message: string }).message, /shutting down.*retry/);
  // Liveness stays true while draining: the process is healthy, it is only leaving.
  assert.equal((await fetch(`${baseUrl}/livez`)).status, 200);

  const exitCode = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
  assert.equal(exitCode, 0, output);

  const ends = {
    longTrino: await longTrino.final,
    polledElsewhere: await polledElsewhere.final,
    longEmbedded: await longEmbedded.final,
    queuedEmbedded: await queuedEmbedded.final,
    shortTrino: await shortTrino.final,
  };
  // Still waiting in the gateway queue at the deadline: its client is told why, and may retry elsewhere.
  assert.deepEqual(ends.queuedEmbedded, { state: 'FAILED', errorName: 'SERVER_SHUTTING_DOWN' });
  assert.equal(ends.shortTrino.state, 'FINISHED', JSON.stringify(ends.shortTrino));
  // Follow-ups were served throughout: every poll answered 200 until the query ended.
  for (const poller of [longTrino, polledElsewhere, longEmbedded, queuedEmbedded]) assert.ok(poller.statuses.every((s) => s === 200), `${poller.id}: ${poller.statuses.join(',')}`);
  // Served by the second instance to the end, the cancelled query's client sees it failed, not a dead connection.
  assert.equal(ends.polledElsewhere.state, 'FAILED', JSON.stringify(ends.polledElsewhere));

  // Nothing is left running on Trino.
  for (const poller of [longTrino, polledElsewhere, shortTrino]) {
    const state = await trinoQueryState(poller.id);
    assert.ok(state === 'FINISHED' || state === 'FAILED', `${poller.id} is ${state} on Trino`);
  }
  assert.equal(await trinoQueryState(longTrino.id), 'FAILED');

  // History has every query with how it ended.
  const history = new Database(join(dataDir, 'history.db'), { readonly: true });
  const rows = new Map(
    (history.prepare('SELECT id, state, error_name FROM query_history').all() as Array<{ id: string; state: string; error_name: string | null }>).map((r) => [r.id, r]),
  );
  history.close();
  for (const poller of [longTrino, polledElsewhere, longEmbedded]) {
    assert.deepEqual({ state: rows.get(poller.id)?.state, error: rows.get(poller.id)?.error_name }, { state: 'CANCELED', error: 'SERVER_SHUTTING_DOWN' }, poller.id);
  }
  assert.equal(rows.get(shortTrino.id)?.state, 'FINISHED');
  assert.deepEqual({ state: rows.get(queuedEmbedded.id)?.state, error: rows.get(queuedEmbedded.id)?.error_name }, { state: 'FAILED', error: 'SERVER_SHUTTING_DOWN' });
  assert.match(output, /draining: new statements are refused/);
  assert.match(output, /drain timeout reached: cancelled the queries still running/);
});
