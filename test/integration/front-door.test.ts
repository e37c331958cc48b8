/**
 * The front door on the embedded default: protocol behaviour, session statements answered by
 * the gateway, and every kind of bad input getting a clear answer while the gateway keeps serving.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { QueryTokenSigner } from '../../src/protocol/query-token.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { TEST_SECRET, startTestGateway, unlessWorkers } from '../support/services.js';

let gateway: RunningGateway;
const USER = { 'X-Trino-User': 'alice' };

before(async () => {
  gateway = await startTestGateway({ server: { port: 0, host: '127.0.0.1', maxStatementSize: '64kB' } });
});
after(async () => gateway?.close());

test('the embedded default serves demo.tpch', async () => {
  const nation = await runQuery(gateway.url, 'SELECT count(*) FROM demo.tpch.nation', USER);
  assert.equal(nation.rowsText, '[25]');
  assert.deepEqual(nation.columns?.map((c) => c.type), ['bigint']);
  const first = nation.responses[0]!.json;
  assert.equal((first.stats as { state: string }).state, 'QUEUED');
  assert.match(first.id as string, /^\d{8}_\d{6}_\d{5}_[a-z0-9]{5}$/);
  assert.ok((first.nextUri as string).startsWith(`${gateway.url}/v1/statement/queued/${first.id}/`));
  const regions = await runQuery(gateway.url, 'SELECT r_name FROM demo.tpch.region ORDER BY r_regionkey', USER);
  assert.equal(regions.rowsText, '["AFRICA"],["AMERICA"],["ASIA"],["EUROPE"],["MIDDLE EAST"]');
});

test('a large result is paged and every row arrives once', async () => {
  const run = await runQuery(gateway.url, 'SELECT * FROM demo.tpch.lineitem', USER);
  const count = await runQuery(gateway.url, 'SELECT count(*) FROM demo.tpch.lineitem', USER);
  assert.equal(String(run.rowCount), count.rowsText.slice(1, -1));
  assert.ok(run.responses.filter((r) => r.json.data).length > 3, 'several pages');
});

test('session statements answer with set and clear headers', async () => {
  const use = await runQuery(gateway.url, 'USE demo.tpch', USER);
  const last = use.responses[use.responses.length - 1]!;
  assert.equal(last.headers.get('x-trino-set-catalog'), 'demo');
  assert.equal(last.headers.get('x-trino-set-schema'), 'tpch');
  assert.equal(use.last.updateType, 'USE');
  const missing = await runQuery(gateway.url, 'USE demo.nope', USER);
  assert.equal(missing.error?.errorName, 'SCHEMA_NOT_FOUND');

  const set = await runQuery(gateway.url, 'SET SESSION query_priority = 5', USER);
  assert.equal(set.responses.at(-1)!.headers.get('x-trino-set-session'), 'query_priority=5');
  const reset = await runQuery(gateway.url, 'RESET SESSION query_priority', USER);
  assert.equal(reset.responses.at(-1)!.headers.get('x-trino-clear-session'), 'query_priority');
  // A property Trino has and the embedded engine would not honour is refused, not kept without effect.
  const unhonoured = await runQuery(gateway.url, "SET SESSION query_max_run_time = '1h'", USER);
  assert.equal(unhonoured.error?.errorName, 'NOT_SUPPORTED');

  // Names that would go back in a response header with a line break are query errors, not a 500.
  const broken = await runQuery(gateway.url, 'SET SESSION "a\r\nSet-Cookie: x" = \'1\'', USER);
  assert.equal(broken.error?.errorName, 'INVALID_SESSION_PROPERTY');
  const brokenReset = await runQuery(gateway.url, 'RESET SESSION "a\nb"', USER);
  assert.equal(brokenReset.error?.errorName, 'INVALID_SESSION_PROPERTY');
  const brokenUser = await runQuery(gateway.url, "SET SESSION AUTHORIZATION 'bob\r\nX: y'", USER);
  assert.equal(brokenUser.error?.errorName, 'GENERIC_USER_ERROR');

  const presto = await runQuery(gateway.url, 'USE demo.tpch', { 'X-Presto-User': 'bob' });
  assert.equal(presto.responses.at(-1)!.headers.get('x-presto-set-schema'), 'tpch');

  const unqualified = await runQuery(gateway.url, 'SELECT count(*) FROM nation', { ...USER, 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });
  assert.equal(unqualified.rowsText, '[25]');
});

test('prepared statements: PREPARE, EXECUTE with parameters, DEALLOCATE, EXECUTE IMMEDIATE', async () => {
  const prepare = await runQuery(gateway.url, 'PREPARE byKey FROM SELECT n_name FROM demo.tpch.nation WHERE n_nationkey = ? OR n_name = ?', USER);
  const added = prepare.responses.at(-1)!.headers.get('x-trino-added-prepare')!;
  assert.equal(added, 'byKey=SELECT+n_name+FROM+demo.tpch.nation+WHERE+n_nationkey+%3D+%3F+OR+n_name+%3D+%3F');
  const executed = await runQuery(gateway.url, "EXECUTE byKey USING 3, 'PERU'", { ...USER, 'X-Trino-Prepared-Statement': added });
  assert.equal(executed.error, undefined, JSON.stringify(executed.error));
  assert.equal(executed.rowsText, '["CANADA"],["PERU"]');
  const unknown = await runQuery(gateway.url, 'EXECUTE nope USING 1', USER);
  assert.equal(unknown.error?.errorName, 'NOT_FOUND');
  const deallocate = await runQuery(gateway.url, 'DEALLOCATE PREPARE byKey', { ...USER, 'X-Trino-Prepared-Statement': added });
  assert.equal(deallocate.responses.at(-1)!.headers.get('x-trino-deallocated-prepare'), 'byKey');
  const immediate = await runQuery(gateway.url, "EXECUTE IMMEDIATE 'SELECT ? * 2' USING 21", USER);
  assert.equal(immediate.rowsText, '[42]');
});

test('transactions are refused clearly on the embedded engine', async () => {
  const start = await runQuery(gateway.url, 'START TRANSACTION', USER);
  assert.equal(start.error?.errorName, 'NOT_SUPPORTED');
});

test('errors are Trino error documents delivered with HTTP 200 and no nextUri', async () => {
  const syntax = await runQuery(gateway.url, 'SELECT * FORM demo.tpch.nation', USER);
  assert.equal(syntax.error?.errorName, 'SYNTAX_ERROR');
  assert.equal(syntax.error?.errorCode, 1);
  assert.equal(syntax.error?.errorType, 'USER_ERROR');
  assert.ok(syntax.error?.errorLocation, 'syntax errors carry a location');
  const failureInfo = syntax.error?.failureInfo as { type: string; suppressed: unknown[]; stack: unknown[] };
  assert.deepEqual([typeof failureInfo.type, failureInfo.suppressed, failureInfo.stack], ['string', [], []]);
  assert.equal(syntax.last.nextUri, undefined);

  const table = await runQuery(gateway.url, 'SELECT * FROM demo.tpch.nope', USER);
  assert.equal(table.error?.errorName, 'TABLE_NOT_FOUND');
  const twoStatements = await runQuery(gateway.url, 'SELECT 1; SELECT 2', USER);
  assert.equal(twoStatements.error?.errorName, 'SYNTAX_ERROR');
});

test('cancel stops the query and later polls report it canceled', async () => {
  const first = await post(gateway.url, 'SELECT count(*) FROM demo.tpch.lineitem a, demo.tpch.lineitem b, demo.tpch.lineitem c', USER);
  const next = first.json.nextUri as string;
  const page = await get(next, USER);
  assert.equal(page.status, 200);
  const cancel = await get(page.json.nextUri as string, USER, 'DELETE');
  assert.equal(cancel.status, 204);
  const after = await get(page.json.nextUri as string, USER);
  assert.equal((after.json.error as { errorName: string }).errorName, 'USER_CANCELED');
  // The gateway keeps serving.
  assert.equal((await runQuery(gateway.url, 'SELECT 1', USER)).rowsText, '[1]');
});

test('the last poll can be retried and returns the same document', async () => {
  const first = await post(gateway.url, 'SELECT n_name FROM demo.tpch.nation ORDER BY 1', USER);
  const next = first.json.nextUri as string;
  const a = await get(next, USER);
  const b = await get(next, USER);
  assert.equal(a.text, b.text);
});

test('bad requests get clear answers and the gateway keeps serving', async () => {
  const cases: Array<{ name: string; body: string | Buffer; headers: Record<string, string>; status: number; text: RegExp }> = [
    { name: 'mixed families', body: 'SELECT 1', headers: { 'X-Trino-User': 'a', 'X-Presto-Catalog': 'x' }, status: 400, text: /Both Trino and Presto headers detected/ },
    { name: 'malformed session header', body: 'SELECT 1', headers: { ...USER, 'X-Trino-Session': 'novalue' }, status: 400, text: /Invalid X-Trino-Session header/ },
    { name: 'no user', body: 'SELECT 1', headers: {}, status: 401, text: /X-Trino-User must be sent/ },
    { name: 'empty body', body: '  ', headers: USER, status: 400, text: /SQL statement is empty/ },
    { name: 'not UTF-8', body: Buffer.from([0x53, 0x45, 0xff, 0xfe]), headers: USER, status: 400, text: /not valid UTF-8/ },
    { name: 'huge body', body: `SELECT '${'x'.repeat(70 * 1024)}'`, headers: USER, status: 413, text: /too large/ },
    { name: 'bad prepared header', body: 'EXECUTE p', headers: { ...USER, 'X-Trino-Prepared-Statement': 'p=$zstd:@@' }, status: 400, text: /Invalid X-Trino-Prepared-Statement header/ },
  ];
  for (const c of cases) {
    const response = await post(gateway.url, c.body, c.headers);
    assert.equal(response.status, c.status, c.name);
    assert.match(response.text, c.text, c.name);
    assert.doesNotMatch(response.text, /at .*\.js:\d+/, `${c.name}: no stack traces`);
  }
  const password = await post(gateway.url, 'SELECT 1', { Authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` });
  assert.equal(password.status, 401);
  assert.equal(password.headers.get('www-authenticate'), 'Basic realm="Trino"');

  const first = await post(gateway.url, 'SELECT 1', USER);
  const next = first.json.nextUri as string;
  const token = next.slice(next.lastIndexOf('/') + 1);
  const unknown = await get(`${gateway.url}/v1/statement/executing/20200101_000000_00000_xxxxx/garbage.token`, USER);
  assert.equal(unknown.status, 404);
  const forgedSigner = new QueryTokenSigner('someone-else-entirely-0123456789abcdef', 60_000);
  const forged = forgedSigner.sign({ backend: 'embedded', user: 'alice', issuedAt: Math.floor(Date.now() / 1000), queryId: first.json.id as string, phase: 'queued', target: '1' });
  assert.equal((await get(next.replace(token, forged), USER)).status, 404);
  const expired = new QueryTokenSigner(TEST_SECRET, 1).sign({ backend: 'embedded', user: 'alice', issuedAt: 1, queryId: first.json.id as string, phase: 'queued', target: '1' });
  assert.equal((await get(next.replace(token, expired), USER)).status, 410);
  assert.equal((await runQuery(gateway.url, 'SELECT 1', USER)).rowsText, '[1]');

  // Methods the statement protocol does not use get 405; HEAD's answer has no body.
  for (const method of ['HEAD', 'OPTIONS', 'PUT']) {
    const response = await fetch(`${gateway.url}/v1/statement`, { method, headers: USER });
    assert.equal(response.status, 405, method);
    assert.equal(await response.text(), method === 'HEAD' ? '' : 'Method not allowed', method);
  }
});

const perWorkerConnections = unlessWorkers('server.maxConnections holds per worker (each worker has its own listener), so the host takes workers × maxConnections');
test('past server.maxConnections, further connections are closed unanswered until one closes', perWorkerConnections, async () => {
  const small = await startTestGateway({ server: { port: 0, host: '127.0.0.1', maxConnections: 3 } });
  const port = Number(new URL(small.url).port);
  const sockets: Socket[] = [];
  /** Opens a connection and asks for /v1/info on it: the status line, or 'closed'. */
  const ask = async (): Promise<string> => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    await once(socket, 'connect');
    socket.write('GET /v1/info HTTP/1.1\r\nHost: gw\r\n\r\n');
    await new Promise<void>((resolve) => {
      socket.on('data', () => text.includes('\r\n\r\n') && resolve());
      socket.on('close', () => resolve());
    });
    return text === '' ? 'closed' : text.slice(0, text.indexOf('\r\n'));
  };
  try {
    assert.deepEqual([await ask(), await ask(), await ask()], ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    assert.equal(await ask(), 'closed');
    sockets[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await ask(), 'HTTP/1.1 200 OK');
  } finally {
    for (const socket of sockets) socket.destroy();
    await small.close();
  }
});

test('/v1/info answers like a coordinator', async () => {
  const info = await get(`${gateway.url}/v1/info`);
  assert.equal(info.json.starting, false);
  assert.equal(info.json.coordinator, true);
  assert.equal(typeof (info.json.nodeVersion as { version: string }).version, 'string');
});

/** A backend that accepts the statement, then dies in the middle of a result page. */
async function dyingBackend(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host}`;
    if (req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '20240101_000000_00001_abcde', infoUri: `${base}/ui`, nextUri: `${base}/v1/statement/executing/20240101_000000_00001_abcde/y1/1`, stats: { state: 'QUEUED' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"id":"20240101_000000_00001_abcde","data":[[1],[2],');
    setTimeout(() => res.destroy(), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('a backend that dies mid-query or is unreachable yields a clean failure, never a hang', async () => {
  const dying = await dyingBackend();
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const gw = await startTestGateway({
    backends: [
      { name: 'dying', engine: 'trino', url: dying.url },
      { name: 'gone', engine: 'trino', url: `http://127.0.0.1:${closedPort}`, group: 'elsewhere' },
    ],
  });
  const gw2 = await startTestGateway({ backends: [{ name: 'gone', engine: 'trino', url: `http://127.0.0.1:${closedPort}` }] });
  try {
    const first = await post(gw.url, 'SELECT 1', USER);
    assert.ok((first.json.nextUri as string).startsWith(gw.url));
    assert.ok(!first.text.includes(dying.url), 'backend address hidden');
    // The page broke off before its end: the client gets a clean error document, never half a page.
    const broken = await get(first.json.nextUri as string, USER);
    assert.equal(broken.status, 200);
    assert.equal((broken.json.error as { errorName: string }).errorName, 'BACKEND_UNAVAILABLE');
    assert.equal(broken.json.nextUri, undefined);

    const refused = await runQuery(gw2.url, 'SELECT 1', USER);
    assert.equal(refused.error?.errorName, 'BACKEND_UNAVAILABLE');
    assert.match(refused.error?.message as string, /connection refused/);
    assert.ok(!JSON.stringify(refused.last).includes(String(closedPort)), 'backend address hidden');
  } finally {
    await gw.close();
    await gw2.close();
    dying.server.close();
  }
});

test('/metrics counts queries by outcome and exposes backend, latency and runtime figures', async () => {
  const metric = async (pattern: RegExp) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const match = pattern.exec(text);
    return match ? Number(match[1]) : 0;
  };
  const finished = /querygate_queries_total\{group="default",backend="embedded",engine="duckdb",outcome="finished"\} (\d+)/;
  const failed = /querygate_queries_total\{group="default",backend="embedded",engine="duckdb",outcome="failed"\} (\d+)/;
  const [finishedBefore, failedBefore] = [await metric(finished), await metric(failed)];
  await runQuery(gateway.url, 'SELECT 1', USER);
  await runQuery(gateway.url, 'SELECT 2', USER);
  await runQuery(gateway.url, 'SELECT * FROM demo.tpch.nope', USER);
  await post(gateway.url, 'SELECT 1', {});
  assert.equal(await metric(finished), finishedBefore + 2);
  assert.equal(await metric(failed), failedBefore + 1);
  assert.ok((await metric(/querygate_requests_rejected_total\{status_code="401",reason="unauthenticated"\} (\d+)/)) >= 1);
  assert.ok((await metric(/querygate_query_duration_seconds_count\{group="default",outcome="finished"\} (\d+)/)) >= 2);
  assert.equal(await metric(/querygate_backend_healthy\{backend="embedded",group="default",engine="duckdb"\} (\d+)/), 1);
  assert.ok((await metric(/querygate_gateway_overhead_seconds_count\{kind="submit"\} (\d+)/)) >= 3);
  assert.ok((await metric(/querygate_gateway_overhead_seconds_count\{kind="followup"\} (\d+)/)) >= 3);
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(text, /querygate_nodejs_eventloop_lag_seconds/);
  assert.match(text, /querygate_history_backlog_records\{where="queue"\} \d+/);
  // Prometheus conventions: `_total` on counters and only on counters; history totals are counters.
  // prom-client's own Node figures keep their usual names (nodejs_active_handles_total is a gauge there).
  for (const [, name, type] of text.matchAll(/^# TYPE (querygate_(?!nodejs_|process_)\S+) (\S+)$/gm)) {
    assert.equal(name!.endsWith('_total'), type === 'counter', `${name} is a ${type}`);
  }
  assert.match(text, /^# TYPE querygate_history_records_total counter$/m);
});
