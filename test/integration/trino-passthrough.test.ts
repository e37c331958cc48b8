/**
 * The gateway in front of a real Trino: what a client sees through the gateway must equal what
 * it sees from Trino directly (rows byte for byte, errors, session headers), with every URI
 * pointing at the gateway.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

let trino: string;
let gateway: RunningGateway;
const USER = { 'X-Trino-User': 'alice' };

before(async () => {
  trino = await ensureTrino();
  gateway = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: trino }] });
});
after(async () => gateway?.close());

function assertThroughGateway(run: Awaited<ReturnType<typeof runQuery>>): void {
  for (const response of run.responses) {
    for (const key of ['nextUri', 'partialCancelUri', 'infoUri']) {
      const uri = response.json[key] as string | undefined;
      if (uri !== undefined) assert.ok(uri.startsWith(gateway.url), `${key} ${uri} must point at the gateway`);
    }
    assert.ok(!response.text.includes(trino), 'the backend address must not leak');
  }
}

test('a multi-page result equals the direct result value for value', async () => {
  const sql = 'SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, l_discount, l_shipdate, l_comment, CAST(l_tax AS double) AS tax FROM tpch.tiny.lineitem ORDER BY l_orderkey, l_linenumber';
  const direct = await runQuery(trino, sql, USER);
  const through = await runQuery(gateway.url, sql, USER);
  assert.equal(through.last.stats && (through.last.stats as { state: string }).state, 'FINISHED');
  assert.equal(direct.rowCount, 60175);
  assert.equal(through.rowCount, direct.rowCount);
  assert.ok(through.responses.filter((r) => r.json.data).length > 1, 'the result spans several pages');
  assert.equal(through.rowsText, direct.rowsText);
  assert.deepEqual(through.columns, direct.columns);
  assertThroughGateway(through);
});

test("a submission follows Trino's waiting documents itself: fewer client round trips, the same answer", async () => {
  // How many round trips Trino takes varies with timing, so the comparison is over several queries.
  let directTrips = 0;
  let gatewayTrips = 0;
  for (let i = 0; i < 8; i++) {
    const direct = await runQuery(trino, 'SELECT 42', USER);
    const through = await runQuery(gateway.url, 'SELECT 42', USER);
    assert.equal(through.rowsText, direct.rowsText);
    directTrips += direct.responses.length;
    gatewayTrips += through.responses.length;
    // The answer to the POST is still a waiting document, as Trino's is (trino-client ignores anything else in it).
    const first = through.responses[0]!.json;
    assert.ok(typeof first.nextUri === 'string' && first.data === undefined && first.columns === undefined && first.error === undefined, JSON.stringify(first));
  }
  assert.ok(gatewayTrips < directTrips, `gateway ${gatewayTrips} round trips, direct ${directTrips}`);
});

test('every type family passes through unchanged', async () => {
  const sql = `SELECT true AS b, TINYINT '1' AS ti, SMALLINT '2' AS si, 3 AS i, 9223372036854775807 AS big,
    REAL '1.5' AS r, 1.0E0 AS d, nan() AS dnan, infinity() AS dinf, -infinity() AS dninf, DECIMAL '12345678901234567890.123456789' AS dec,
    'héllo "q"' AS v, CAST('ab' AS char(4)) AS c, X'00ff10' AS vb, JSON '{"a":[1,2]}' AS j, DATE '1969-12-31' AS dt,
    TIME '01:02:03.456' AS t, TIME '01:02:03.456 +05:45' AS ttz, TIMESTAMP '2001-08-22 03:04:05.321' AS ts,
    TIMESTAMP '2001-08-22 03:04:05.123456' AS ts6, TIMESTAMP '2001-08-22 03:04:05.321 America/Los_Angeles' AS tstz,
    INTERVAL '1-2' YEAR TO MONTH AS iym, INTERVAL '2 03:04:05.678' DAY TO SECOND AS ids,
    ARRAY[1, NULL, 3] AS arr, MAP(ARRAY['k1', 'nextUri'], ARRAY[1.5E0, 2.0E0]) AS m, CAST(ROW(1, 'x') AS ROW(a bigint, b varchar)) AS rw,
    UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59' AS u, IPADDRESS '10.0.0.1' AS ip, NULL AS nothing`;
  for (const capabilities of ['', 'PARAMETRIC_DATETIME']) {
    const headers = { ...USER, ...(capabilities ? { 'X-Trino-Client-Capabilities': capabilities } : {}) };
    const direct = await runQuery(trino, sql, headers);
    const through = await runQuery(gateway.url, sql, headers);
    assert.equal(direct.error, undefined, JSON.stringify(direct.error));
    assert.equal(through.rowsText, direct.rowsText);
    assert.deepEqual(through.columns, direct.columns);
    assert.match(through.rowsText, /"NaN","Infinity","-Infinity"/);
    assert.match(through.rowsText, /9223372036854775807/);
  }
});

test('USE and session properties come back as set headers, in both header families', async () => {
  const use = await runQuery(gateway.url, 'USE tpch.tiny', USER);
  const last = use.responses[use.responses.length - 1]!;
  assert.equal(last.headers.get('x-trino-set-catalog'), 'tpch');
  assert.equal(last.headers.get('x-trino-set-schema'), 'tiny');
  assert.equal(use.last.updateType, 'USE');

  const set = await runQuery(gateway.url, "SET SESSION query_max_run_time = '2h'", USER);
  assert.equal(set.responses[set.responses.length - 1]!.headers.get('x-trino-set-session'), 'query_max_run_time=2h');

  // Session state then travels in the request headers.
  const counted = await runQuery(gateway.url, 'SELECT count(*) FROM nation', { ...USER, 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny', 'X-Trino-Session': 'query_max_run_time=2h' });
  assert.equal(counted.rowsText, '[25]');

  const presto = await runQuery(gateway.url, 'USE tpch.sf1', { 'X-Presto-User': 'bob' });
  const prestoLast = presto.responses[presto.responses.length - 1]!;
  assert.equal(prestoLast.headers.get('x-presto-set-catalog'), 'tpch');
  assert.equal(prestoLast.headers.get('x-presto-set-schema'), 'sf1');
  assert.equal(prestoLast.headers.get('x-trino-set-catalog'), null);
});

test('prepared statements with parameters, including the header round trip', async () => {
  const prepare = await runQuery(gateway.url, 'PREPARE q FROM SELECT n_name FROM tpch.tiny.nation WHERE n_nationkey = ? OR n_name = ?', USER);
  const added = prepare.responses[prepare.responses.length - 1]!.headers.get('x-trino-added-prepare');
  assert.ok(added?.startsWith('q='), String(added));
  const executed = await runQuery(gateway.url, "EXECUTE q USING 3, 'PERU'", { ...USER, 'X-Trino-Prepared-Statement': added! });
  assert.equal(executed.error, undefined, JSON.stringify(executed.error));
  assert.equal(executed.rowsText, '["CANADA"],["PERU"]');
  const immediate = await runQuery(gateway.url, "EXECUTE IMMEDIATE 'SELECT ? + 1' USING 41", USER);
  assert.equal(immediate.rowsText, '[42]');
});

test('syntax errors and missing tables are the same error documents as from Trino', async () => {
  for (const sql of ['SELECT * FORM nation', 'SELECT * FROM tpch.tiny.no_such_table']) {
    const direct = await runQuery(trino, sql, USER);
    const through = await runQuery(gateway.url, sql, USER);
    assert.ok(through.error, 'an error is reported');
    for (const key of ['errorName', 'errorCode', 'errorType', 'message', 'errorLocation']) {
      assert.deepEqual(through.error![key], direct.error![key], key);
    }
    assert.equal(through.last.nextUri, undefined);
  }
  const syntax = await runQuery(gateway.url, 'SELECT * FORM nation', USER);
  assert.equal(syntax.error!.errorName, 'SYNTAX_ERROR');
  assert.deepEqual(syntax.error!.errorLocation, { lineNumber: 1, columnNumber: 10 });
  const missing = await runQuery(gateway.url, 'SELECT * FROM tpch.tiny.no_such_table', USER);
  assert.equal(missing.error!.errorName, 'TABLE_NOT_FOUND');
});

test('cancel through the gateway stops the query on Trino', async () => {
  const first = await post(gateway.url, 'SELECT count(*) FROM tpch.sf1000.lineitem a CROSS JOIN tpch.sf1000.lineitem b', USER);
  const queryId = first.json.id as string;
  let next = first.json.nextUri as string;
  // Poll until Trino runs it, then cancel with DELETE on nextUri.
  for (let i = 0; i < 20; i++) {
    const page = await get(next, USER);
    next = page.json.nextUri as string;
    if ((page.json.stats as { state: string }).state === 'RUNNING') break;
  }
  const cancel = await get(next, USER, 'DELETE');
  assert.equal(cancel.status, 204);
  let state = '';
  for (let i = 0; i < 50 && state !== 'FAILED'; i++) {
    const info = await get(`${trino}/v1/query/${queryId}`, USER);
    state = info.json.state as string;
    if (state !== 'FAILED') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state, 'FAILED');
  const info = await get(`${trino}/v1/query/${queryId}`, USER);
  assert.equal((info.json.errorCode as { name: string }).name, 'USER_CANCELED');
});

test('DELETE /v1/query/{id} and GET /v1/query/{id} reach the owning backend', async () => {
  const first = await post(gateway.url, 'SELECT count(*) FROM tpch.sf1000.orders a CROSS JOIN tpch.sf1000.orders b', USER);
  const queryId = first.json.id as string;
  await get(first.json.nextUri as string, USER);
  const info = await get(`${gateway.url}/v1/query/${queryId}`, USER);
  assert.equal(info.status, 200);
  assert.equal(info.json.queryId, queryId);
  assert.ok(!info.text.includes(trino), 'query info must not leak backend addresses');
  const cancel = await get(`${gateway.url}/v1/query/${queryId}`, USER, 'DELETE');
  assert.equal(cancel.status, 204);
  const unknown = await get(`${gateway.url}/v1/query/20200101_000000_00000_xxxxx`, USER);
  assert.equal(unknown.status, 410);
});

test('another user cannot follow up on a query', async () => {
  const first = await post(gateway.url, 'SELECT 1', USER);
  const stolen = await get(first.json.nextUri as string, { 'X-Trino-User': 'mallory' });
  assert.equal(stolen.status, 200);
  assert.equal((stolen.json.error as { errorName: string }).errorName, 'PERMISSION_DENIED');
  const cancel = await get(first.json.nextUri as string, { 'X-Trino-User': 'mallory' }, 'DELETE');
  assert.equal(cancel.status, 403);
});

test('a client speaking one header family reaches a backend configured for the other', async () => {
  // The test Trino accepts X-Presto-* as well (alternate header name), so it can play a Presto server.
  const presto = await startTestGateway({ backends: [{ name: 'presto', engine: 'trino', url: trino, dialect: 'presto' }] });
  try {
    const use = await runQuery(presto.url, 'USE tpch.tiny', USER);
    const last = use.responses.at(-1)!;
    assert.equal(last.headers.get('x-trino-set-schema'), 'tiny');
    assert.equal(last.headers.get('x-presto-set-schema'), null);
    const counted = await runQuery(presto.url, 'SELECT count(*) FROM nation', { ...USER, 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' });
    assert.equal(counted.rowsText, '[25]');
  } finally {
    await presto.close();
  }
});

test('transactions pass through with their headers', async () => {
  const start = await runQuery(gateway.url, 'START TRANSACTION', { ...USER, 'X-Trino-Transaction-Id': 'NONE' });
  const transactionId = start.responses.at(-1)!.headers.get('x-trino-started-transaction-id');
  assert.ok(transactionId, 'a transaction id is started');
  const inside = await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.region', { ...USER, 'X-Trino-Transaction-Id': transactionId! });
  assert.equal(inside.rowsText, '[5]');
  const commit = await runQuery(gateway.url, 'COMMIT', { ...USER, 'X-Trino-Transaction-Id': transactionId! });
  assert.equal(commit.responses.at(-1)!.headers.get('x-trino-clear-transaction-id'), 'true');
});

test("Trino's compressed prepared statements ($zstd:) are understood by the gateway's own engine", async () => {
  // Trino compresses prepared statements above a length threshold; a long one comes back as $zstd:.
  const padding = Array.from({ length: 150 }, (_, i) => `n_nationkey <> ${1000 + i}`).join(' AND ');
  const prepare = await runQuery(trino, `PREPARE big FROM SELECT n_name FROM nation WHERE n_nationkey = ? AND ${padding}`, USER);
  const added = prepare.responses.at(-1)!.headers.get('x-trino-added-prepare')!;
  assert.match(added, /^big=%24zstd%3A/, 'Trino sent the compressed form');
  const embedded = await startTestGateway({});
  try {
    const session = { 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch', 'X-Trino-Prepared-Statement': added };
    const executed = await runQuery(embedded.url, 'EXECUTE big USING 7', { ...USER, ...session });
    assert.equal(executed.error, undefined, JSON.stringify(executed.error));
    assert.equal(executed.rowsText, '["GERMANY"]');
  } finally {
    await embedded.close();
  }
});
