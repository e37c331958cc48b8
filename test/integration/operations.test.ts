/**
 * Operations through the gateway: every query in history with its outcome, backend statistics and
 * route; the history and audit APIs with their filters and refusals; clients that stop polling get
 * their backend query cancelled; two instances sharing PostgreSQL keep one record per query; a
 * corrupt history file stops the start with a clear message.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { REPO, ensureTrino, run, startTestGateway } from '../support/services.js';
import { startPostgres, stopPostgres } from '../tracking/services.js';

const ADMIN = { 'X-Trino-User': 'ops' };
let trino: string;
let gateway: RunningGateway;

type Page = { items: Array<Record<string, unknown>>; nextCursor?: string };

async function api(base: string, path: string, headers: Record<string, string> = ADMIN): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

/** History is written off the request path: wait until the query shows its end state. */
async function historyOf(base: string, id: string, state: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const { status, body } = await api(base, `/api/queries/${id}`);
    if (status === 200 && body.state === state) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`query ${id} never reached ${state} in history`);
}

before(async () => {
  trino = await ensureTrino();
  gateway = await startTestGateway({
    backends: [
      { name: 'trino1', engine: 'trino', url: trino, group: 'main' },
      { name: 'embedded', engine: 'duckdb', group: 'side' },
    ],
    routing: { defaultGroup: 'main', allowHints: ['side'] },
    queries: { clientTimeout: '2s' },
    admin: { users: ['ops'] },
  });
});
after(async () => gateway?.close());

describe('history', () => {
  test('finished, failed and canceled queries are recorded with route, error and backend statistics', async () => {
    const ok = await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.orders', { 'X-Trino-User': 'hanna', 'X-Trino-Source': 'report-tool' });
    const failed = await runQuery(gateway.url, 'SELECT * FROM tpch.tiny.missing', { 'X-Trino-User': 'hanna' });
    const embedded = await runQuery(gateway.url, 'SELECT 42', { 'X-Trino-User': 'ivan', 'X-Trino-Routing-Group': 'side' });
    const first = await post(gateway.url, 'SELECT count(*) FROM tpch.sf1000.lineitem', { 'X-Trino-User': 'ivan' });
    const page = await get(first.json.nextUri as string, { 'X-Trino-User': 'ivan' });
    await get((page.json.nextUri ?? first.json.nextUri) as string, { 'X-Trino-User': 'ivan' }, 'DELETE');

    const okRecord = await historyOf(gateway.url, ok.last.id as string, 'FINISHED');
    assert.equal(okRecord.user, 'hanna');
    assert.equal(okRecord.source, 'report-tool');
    assert.equal(okRecord.backend, 'trino1');
    assert.equal(okRecord.routingGroup, 'main');
    assert.equal(okRecord.routingRule, 'default group');
    assert.deepEqual(okRecord.routingSteps, ['main: trino1']);
    assert.equal(okRecord.statement, 'SELECT count(*) FROM tpch.tiny.orders');
    const stats = okRecord.stats as Record<string, number>;
    assert.ok(stats.processedRows! >= 15000, JSON.stringify(stats));
    assert.equal(typeof stats.cpuMs, 'number');

    const failedRecord = await historyOf(gateway.url, failed.last.id as string, 'FAILED');
    assert.equal(failedRecord.errorName, 'TABLE_NOT_FOUND');
    assert.match(String(failedRecord.errorMessage), /missing/);

    const embeddedRecord = await historyOf(gateway.url, embedded.last.id as string, 'FINISHED');
    assert.equal(embeddedRecord.backend, 'embedded');
    assert.equal(embeddedRecord.routingRule, "hint 'side'");

    await historyOf(gateway.url, first.json.id as string, 'CANCELED');
  });

  test('search filters, pagination and top users', async () => {
    const byUser = (await api(gateway.url, '/api/queries?user=hanna')).body as Page;
    assert.ok(byUser.items.length >= 2 && byUser.items.every((q) => q.user === 'hanna'));
    const failed = (await api(gateway.url, '/api/queries?state=FAILED&user=hanna')).body as Page;
    assert.deepEqual(failed.items.map((q) => q.errorName), ['TABLE_NOT_FOUND']);
    const text = (await api(gateway.url, '/api/queries?text=tiny.orders')).body as Page;
    assert.ok(text.items.length >= 1 && text.items.every((q) => String(q.statement).includes('tiny.orders')));
    const onEmbedded = (await api(gateway.url, '/api/queries?backend=embedded')).body as Page;
    assert.ok(onEmbedded.items.length >= 1 && onEmbedded.items.every((q) => q.backend === 'embedded'));
    const firstPage = (await api(gateway.url, '/api/queries?limit=1')).body as Page;
    assert.equal(firstPage.items.length, 1);
    const secondPage = (await api(gateway.url, `/api/queries?limit=1&cursor=${encodeURIComponent(firstPage.nextCursor!)}`)).body as Page;
    assert.notEqual(secondPage.items[0]!.id, firstPage.items[0]!.id);
    const top = (await api(gateway.url, '/api/queries/top?dimension=user')).body as { items: Array<{ key: string; count: number }> };
    assert.ok(top.items.some((e) => e.key === 'hanna' && e.count >= 2), JSON.stringify(top));
  });

  test('invalid filters are 400 with the field; non-admins are refused', async () => {
    const cases: Array<[string, string]> = [
      ['/api/queries?state=DONE', 'state'],
      ['/api/queries?from=2026-01-02&to=2026-01-01', 'from'],
      ['/api/queries?limit=0', 'limit'],
      ['/api/queries?cursor=garbage', 'cursor'],
      ['/api/queries?colour=blue', 'colour'],
      ['/api/queries/top?dimension=moon', 'dimension'],
      ['/api/audit?limit=100000', 'limit'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await api(gateway.url, path);
      assert.equal(status, 400, path);
      assert.equal(body.field, field, `${path}: ${JSON.stringify(body)}`);
    }
    assert.equal((await api(gateway.url, '/api/queries', { 'X-Trino-User': 'hanna' })).status, 403);
    assert.equal((await api(gateway.url, '/api/queries', {})).status, 401);
    assert.equal((await api(gateway.url, '/api/queries/20200101_000000_00000_xxxxx')).status, 404);
  });

  test('a client that stops polling has its backend query cancelled and recorded as abandoned', async () => {
    const first = await post(gateway.url, 'SELECT count(*) FROM tpch.sf1000.orders a CROSS JOIN tpch.sf1000.orders b', { 'X-Trino-User': 'walker' });
    const page = await get(first.json.nextUri as string, { 'X-Trino-User': 'walker' });
    assert.equal(page.status, 200);
    // clientTimeout is 2s and the sweeper runs every 5s.
    const record = await (async () => {
      for (let i = 0; i < 150; i++) {
        const { status, body } = await api(gateway.url, `/api/queries/${first.json.id}`);
        if (status === 200 && body.state === 'ABANDONED') return body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('never abandoned');
    })();
    assert.equal(record.user, 'walker');
    let state = '';
    for (let i = 0; i < 50 && state !== 'FAILED'; i++) {
      state = (await get(`${trino}/v1/query/${first.json.id}`, { 'X-Trino-User': 'walker' })).json.state as string;
      if (state !== 'FAILED') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, 'FAILED', "the query is gone from Trino's own list of running queries");
  });
});

describe('audit trail', () => {
  test('admin changes are audited and searchable', async () => {
    await fetch(`${gateway.url}/api/backends/embedded/drain`, { method: 'POST', headers: ADMIN });
    await fetch(`${gateway.url}/api/backends/embedded/activate`, { method: 'POST', headers: ADMIN });
    let events: Page = { items: [] };
    for (let i = 0; i < 50 && events.items.length < 2; i++) {
      events = (await api(gateway.url, '/api/audit?actor=ops')).body as Page;
      await new Promise((r) => setTimeout(r, 100));
    }
    const actions = events.items.map((e) => `${e.action} ${e.target} ${e.outcome}`);
    assert.ok(actions.includes('backend.drain embedded success') && actions.includes('backend.activate embedded success'), actions.join('; '));
  });
});

describe('shared state', () => {
  test('two instances sharing PostgreSQL keep one history record for a query polled across them', async () => {
    const pg = await startPostgres();
    const shared = { history: { store: 'postgres', connectionString: pg.url }, backends: [{ name: 'trino1', engine: 'trino', url: trino }], admin: { users: ['ops'] } };
    const a = await startTestGateway(shared);
    const b = await startTestGateway(shared);
    try {
      const first = await post(a.url, 'SELECT n_name FROM tpch.tiny.nation', { 'X-Trino-User': 'roamer' });
      let response = first;
      while (response.json.nextUri) response = await get((response.json.nextUri as string).replace(a.url, b.url), { 'X-Trino-User': 'roamer' });
      const record = await historyOf(a.url, first.json.id as string, 'FINISHED');
      assert.equal(record.user, 'roamer');
      assert.equal(record.statement, 'SELECT n_name FROM tpch.tiny.nation', 'the start written by A and the end written by B are one record');
      const viaB = (await api(b.url, `/api/queries?user=roamer`)).body as Page;
      assert.deepEqual(viaB.items.filter((q) => q.id === first.json.id).length, 1);
    } finally {
      await a.close();
      await b.close();
      if (pg.started) await stopPostgres();
    }
  });

  test('a corrupt history file stops the start with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qg-corrupt-'));
    writeFileSync(join(dir, 'history.db'), Buffer.alloc(8192, 0x5a));
    const config = join(dir, 'gateway.yaml');
    writeFileSync(config, `server: { host: 127.0.0.1, port: 0 }\ndataDir: ${dir}\n`);
    const result = await run(process.execPath, [join(REPO, 'dist/src/cli.js'), 'serve', '--config', config], { timeout: 30_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /history: .*history\.db/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
