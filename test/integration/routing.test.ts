/**
 * Routing against real engines: two Trino coordinators in different groups plus the embedded
 * DuckDB, rules and hints, fallback when a group is full, the gateway queue, draining, a backend
 * killed mid-query, and a query started on one gateway instance polled through another.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadConfigFile } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery, type RawResponse } from '../support/protocol-client.js';
import { REPO, TRINO_NAME, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

const TRINO2_PORT = Number(process.env.QUERYGATE_TRINO2_PORT ?? 18081);
/** The second Trino's run directory name (the kill test reads its pid there). */
const TRINO2_NAME = process.env.QUERYGATE_TRINO2_NAME ?? 'trino2';
const WHERE = 'SELECT node_id FROM system.runtime.nodes';
/** Runs long enough to hold a slot while a test looks at what happens around it. */
const LONG = 'SELECT count(*) FROM tpch.sf100.lineitem a CROSS JOIN tpch.sf100.lineitem b';

let trino1: string;
let trino2: string;
let gateway: RunningGateway;
let second: RunningGateway;

const backends = () => [
  { name: 'trino1', engine: 'trino', url: trino1, group: 'reserved', maxRunning: 1 },
  { name: 'trino2', engine: 'trino', url: trino2, group: 'shared', maxRunning: 2 },
  { name: 'embedded', engine: 'duckdb', group: 'ondemand' },
];

const groupFile = join(mkdtempSync(join(tmpdir(), 'qg-routing-')), 'groups.txt');
writeFileSync(groupFile, 'bi-team:gina\n');

const config = () => ({
  authentication: { groupFile },
  backends: backends(),
  routingGroups: [
    { name: 'reserved', fallback: ['shared', 'ondemand'] },
    { name: 'shared', fallback: ['ondemand'] },
    { name: 'ondemand' },
  ],
  routing: {
    defaultGroup: 'shared',
    allowHints: ['shared', 'ondemand'],
    rules: [
      { name: 'bi-dashboards', match: { user: 'bi-.*' }, routeTo: 'reserved' },
      { name: 'bi-team', match: { group: 'bi-team' }, routeTo: 'reserved' },
      { name: 'nightly-etl', match: { source: 'airflow', clientTags: ['nightly'] }, routeTo: 'ondemand' },
      { name: 'analysts', match: { extraCredentials: { team: 'finance|risk' } }, routeTo: 'reserved', allowHints: ['reserved'] },
      { name: 'region-readers', match: { table: 'tpch\\.tiny\\.region' }, routeTo: 'ondemand' },
      { name: 'kinder-queries', match: { user: 'kinder', statementKind: 'query' }, routeTo: 'ondemand' },
    ],
  },
  healthCheck: { interval: '500ms', timeout: '1s', unhealthyThreshold: 1, healthyThreshold: 1 },
  admin: { users: ['ops'] },
});

/** Where a query ran: the Trino node id, or `embedded` for DuckDB (which has no system.runtime). */
async function whereRan(url: string, headers: Record<string, string>): Promise<string> {
  const result = await runQuery(url, WHERE, headers);
  if (result.error) return 'embedded';
  const node = (JSON.parse(`[${result.rowsText}]`) as string[][])[0]![0]!.replace('querygate-', '');
  // Trino's node id is its run directory's name: the backend it is configured as here.
  return node === TRINO_NAME ? 'trino1' : node === TRINO2_NAME ? 'trino2' : node;
}

/** Starts a long query and polls until Trino runs it; returns its last response. */
async function startLong(url: string, headers: Record<string, string>): Promise<RawResponse> {
  let response = await post(url, LONG, headers);
  for (let i = 0; i < 30 && (response.json.stats as { state: string }).state !== 'RUNNING'; i++) {
    response = await get(response.json.nextUri as string, headers);
  }
  return response;
}

before(async () => {
  trino1 = await ensureTrino();
  trino2 = await ensureTrino(TRINO2_NAME, TRINO2_PORT);
  gateway = await startTestGateway(config());
  second = await startTestGateway(config());
});
after(async () => {
  await gateway?.close();
  await second?.close();
  await run('bash', [`${REPO}scripts/trino/stop.sh`, '--name', TRINO2_NAME]);
});

describe('choosing a group', () => {
  test('rules route by user, group, source and client tags, extra credentials; the rest goes to the default group', async () => {
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'bi-tableau' }), 'trino1');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'gina' }), 'trino1', 'by group, from the group file');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'etl', 'X-Trino-Source': 'airflow', 'X-Trino-Client-Tags': 'nightly,daily' }), 'embedded');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'etl', 'X-Trino-Source': 'airflow' }), 'trino2', 'every tag of the rule must be present');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'ann', 'X-Trino-Extra-Credential': 'team=risk' }), 'trino1');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'someone' }), 'trino2');
  });

  test('rules route by what the statement touches: a table, the statement kind', async () => {
    // The rule sends tpch.tiny.region to the embedded engine, which has no tpch catalog: the statement goes where tpch lives.
    const touching = await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.region', { 'X-Trino-User': 'someone' });
    assert.equal(touching.error, undefined);
    assert.equal(touching.rowsText, '[5]');
    // A table of the embedded engine is read there, although the rules chose a Trino group for it.
    assert.equal((await runQuery(gateway.url, 'SELECT count(*) FROM demo.tpch.region', { 'X-Trino-User': 'someone' })).rowsText, '[5]');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'someone' }), 'trino2', 'other tables keep the default route');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'kinder' }), 'embedded');
    const show = await runQuery(gateway.url, 'SHOW CATALOGS', { 'X-Trino-User': 'kinder' });
    assert.equal(show.error, undefined, 'not a query: the default group (a Trino) answers');
    assert.match(show.rowsText, /"tpch"/);
  });

  test('hints choose among allowed groups only', async () => {
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'someone', 'X-Trino-Routing-Group': 'ondemand' }), 'embedded');
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'someone', 'X-Trino-Extra-Credential': 'routing=ondemand' }), 'embedded');
    const notAllowed = await runQuery(gateway.url, 'SELECT 1', { 'X-Trino-User': 'someone', 'X-Trino-Routing-Group': 'reserved' });
    assert.equal(notAllowed.error?.errorName, 'QUERY_REJECTED');
    assert.match(String(notAllowed.error?.message), /may not choose routing group 'reserved'/);
    const unknown = await runQuery(gateway.url, 'SELECT 1', { 'X-Trino-User': 'someone', 'X-Trino-Routing-Group': 'nope' });
    assert.match(String(unknown.error?.message), /Routing group 'nope' does not exist/);
    // A rule may widen the hints for its users.
    assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'ann', 'X-Trino-Extra-Credential': 'team=finance', 'X-Trino-Routing-Group': 'reserved' }), 'trino1');
  });
});

describe('capacity', () => {
  test('a full group falls back along its chain', async () => {
    const holder = await startLong(gateway.url, { 'X-Trino-User': 'bi-holder' });
    try {
      assert.equal(await whereRan(gateway.url, { 'X-Trino-User': 'bi-tableau' }), 'trino2', 'reserved is full: shared takes it');
    } finally {
      await get(holder.json.nextUri as string, { 'X-Trino-User': 'bi-holder' }, 'DELETE');
    }
  });

  test("inside a group the least-loaded backend wins, counting the backend's own report of its load", async () => {
    const pair = await startTestGateway({
      backends: [
        { name: 'trino1', engine: 'trino', url: trino1, group: 'pair' },
        { name: 'trino2', engine: 'trino', url: trino2, group: 'pair' },
      ],
      healthCheck: { interval: '300ms', timeout: '1s' },
    });
    const headers = { 'X-Trino-User': 'direct-user' };
    // Load trino1 directly, behind the gateway's back (two queries, so a probe that catches one of
    // the test's own short queries on trino2 cannot make the two look equal).
    const direct = [await startLong(trino1, headers), await startLong(trino1, headers)];
    try {
      await new Promise((r) => setTimeout(r, 1000));
      for (let i = 0; i < 3; i++) assert.equal(await whereRan(pair.url, { 'X-Trino-User': 'someone' }), 'trino2');
    } finally {
      for (const d of direct) await get(d.json.nextUri as string, headers, 'DELETE');
      await pair.close();
    }
  });

  test('when every choice is full, queries wait in the gateway in arrival order and all succeed', async () => {
    const queue = await startTestGateway({
      backends: [{ name: 'trino2', engine: 'trino', url: trino2, group: 'solo', maxRunning: 1 }],
      routingGroups: [{ name: 'solo', maxQueued: 50 }],
    });
    try {
      const headers = { 'X-Trino-User': 'many' };
      const firsts: RawResponse[] = [];
      for (let i = 0; i < 12; i++) firsts.push(await post(queue.url, `SELECT ${i}, count(*) FROM tpch.tiny.nation`, headers));
      const suffix = (r: RawResponse) => String(r.json.id).slice(-5);
      // The first runs under Trino's id; the others wait under the gateway's, whose suffix names the
      // instance (with QUERYGATE_TEST_WORKERS, the worker that took the statement).
      assert.ok(firsts.slice(1).every((r) => suffix(r) !== suffix(firsts[0]!)), 'all but the first wait in the gateway');
      const admittedAt: number[] = new Array(12).fill(0);
      const results = await Promise.all(
        firsts.map(async (first, i) => {
          let response = first;
          const rows: string[] = [];
          while (response.json.nextUri) {
            response = await get(response.json.nextUri as string, headers);
            assert.equal(response.status, 200);
            if (admittedAt[i] === 0 && !(response.json.id as string).endsWith(String(first.json.id).slice(-5))) admittedAt[i] = Date.now();
            if (response.json.data) rows.push(JSON.stringify(response.json.data));
          }
          return { error: response.json.error, rows };
        }),
      );
      results.forEach((r, i) => {
        assert.equal(r.error, undefined, JSON.stringify(r.error));
        assert.deepEqual(r.rows, [JSON.stringify([[i, 25]])]);
      });
      const order = admittedAt.slice(1);
      assert.deepEqual([...order].sort((a, b) => a - b), order, 'admitted first come, first served');
    } finally {
      await queue.close();
    }
  });

  test('the trino CLI and JDBC wait in the gateway queue and finish once a slot frees', async () => {
    const env = await clientEnv();
    const solo = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: trino1, group: 'solo', maxRunning: 1 }] });
    const headers = { 'X-Trino-User': 'holder' };
    const holder = await startLong(solo.url, headers);
    try {
      const cli = run(env.QUERYGATE_CLIENT_JAVA!, ['-jar', env.TRINO_CLI_JAR!, '--server', solo.url, '--user', 'cli', '--execute', 'SELECT count(*) FROM tpch.tiny.region']);
      const jdbc = run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcQuery', `jdbc:trino://127.0.0.1:${solo.port}/tpch/tiny?user=jdbc`, 'SELECT count(*) FROM nation']);
      await new Promise((r) => setTimeout(r, 3000));
      await get(holder.json.nextUri as string, headers, 'DELETE');
      const [cliResult, jdbcResult] = await Promise.all([cli, jdbc]);
      assert.equal(cliResult.code, 0, cliResult.stderr);
      assert.equal(cliResult.stdout.trim(), '"5"');
      assert.equal(jdbcResult.code, 0, jdbcResult.stdout + jdbcResult.stderr);
      assert.deepEqual((JSON.parse(jdbcResult.stdout) as { rows: string[][] }).rows, [['25']]);
    } finally {
      await get(holder.json.nextUri as string, headers, 'DELETE');
      await solo.close();
    }
  });

  test('a full queue refuses clearly and a queue timeout fails clearly', async () => {
    const tight = await startTestGateway({
      backends: [{ name: 'trino1', engine: 'trino', url: trino1, group: 'tight', maxRunning: 1 }],
      routingGroups: [{ name: 'tight', maxQueued: 1, queueTimeout: '1s' }],
    });
    const headers = { 'X-Trino-User': 'waiter' };
    const holder = await startLong(tight.url, headers);
    try {
      const waiting = await post(tight.url, 'SELECT 1', headers);
      assert.equal((waiting.json.stats as { state: string }).state, 'QUEUED');
      const refused = await post(tight.url, 'SELECT 2', headers);
      assert.equal((refused.json.error as { errorName: string }).errorName, 'QUERY_QUEUE_FULL');
      let response = waiting;
      while (response.json.nextUri) response = await get(response.json.nextUri as string, headers);
      assert.equal((response.json.error as { errorName: string }).errorName, 'EXCEEDED_TIME_LIMIT');
      assert.match((response.json.error as { message: string }).message, /waited longer than 1s in the gateway queue/);
    } finally {
      await get(holder.json.nextUri as string, headers, 'DELETE');
      await tight.close();
    }
  });
});

describe('operations', () => {
  const admin = (path: string, method = 'GET', user = 'ops') => fetch(`${gateway.url}/api/backends${path}`, { method, headers: { 'X-Trino-User': user } });

  test('the admin API lists backends and refuses non-admins and bad actions', async () => {
    const list = (await (await admin('')).json()) as { backends: Array<{ name: string; group: string; state: string; healthy: boolean }> };
    assert.deepEqual(list.backends.map((b) => [b.name, b.group, b.state, b.healthy]), [
      ['trino1', 'reserved', 'active', true],
      ['trino2', 'shared', 'active', true],
      ['embedded', 'ondemand', 'active', true],
    ]);
    assert.equal((await admin('', 'GET', 'mallory')).status, 403);
    assert.equal((await fetch(`${gateway.url}/api/backends`)).status, 401);
    const bad = await admin('/trino1/explode', 'POST');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /action: 'explode' is not one of activate, drain, deactivate/);
    assert.equal((await admin('/nope/drain', 'POST')).status, 404);
  });

  test('draining finishes in-flight queries and sends new ones elsewhere', async () => {
    const headers = { 'X-Trino-User': 'bi-report' };
    const inFlight = await post(gateway.url, 'SELECT count(*) FROM tpch.tiny.orders', headers);
    assert.equal((await admin('/trino1/drain', 'POST')).status, 200);
    try {
      assert.equal(await whereRan(gateway.url, headers), 'trino2');
      let response = inFlight;
      const rows: unknown[] = [];
      while (response.json.nextUri) {
        response = await get(response.json.nextUri as string, headers);
        if (response.json.data) rows.push(...(response.json.data as unknown[]));
      }
      assert.equal(response.json.error, undefined);
      assert.deepEqual(rows, [[15000]]);
    } finally {
      await admin('/trino1/activate', 'POST');
    }
    assert.equal(await whereRan(gateway.url, headers), 'trino1');
  });

  test('routing rules and backend states follow the configuration file without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qg-reload-'));
    const path = join(dir, 'gateway.yaml');
    const write = (rules: string, trino1State: string) =>
      writeFileSync(
        path,
        `server: { host: 127.0.0.1, port: 0 }\nlogging: { level: silent }\ndataDir: "${dir}"\nbackends:\n` +
          `  - { name: trino1, engine: trino, url: "${trino1}", group: main, state: ${trino1State} }\n` +
          `  - { name: embedded, engine: duckdb, group: side }\n` +
          `routingGroups:\n  - { name: main, fallback: [side] }\n  - { name: side }\nrouting:\n  defaultGroup: main\n  rules: ${rules}\n`,
      );
    write('[]', 'active');
    const reloading = await startGateway(loadConfigFile(path), pino({ level: 'silent' }), { configPath: path });
    const settle = () => new Promise((r) => setTimeout(r, 2500));
    try {
      const who = { 'X-Trino-User': 'carl' };
      assert.equal(await whereRan(reloading.url, who), 'trino1');
      write('[{ name: carl-side, match: { user: carl }, routeTo: side }]', 'active');
      await settle();
      assert.equal(await whereRan(reloading.url, who), 'embedded', 'the new rule applies');
      assert.equal(await whereRan(reloading.url, { 'X-Trino-User': 'dora' }), 'trino1');
      write('[]', 'draining');
      await settle();
      assert.equal(await whereRan(reloading.url, { 'X-Trino-User': 'dora' }), 'embedded', 'trino1 drained by the file');
      writeFileSync(path, 'backends: [ this is not valid');
      await settle();
      assert.equal(await whereRan(reloading.url, { 'X-Trino-User': 'dora' }), 'embedded', 'a broken file keeps the running configuration');
    } finally {
      await reloading.close();
    }
  });

  test('a query started through one gateway instance is polled to the end through another', async () => {
    const headers = { 'X-Trino-User': 'someone' };
    const first = await post(gateway.url, 'SELECT n_name FROM tpch.tiny.nation ORDER BY n_nationkey', headers);
    let response = first;
    const rows: unknown[] = [];
    while (response.json.nextUri) {
      const next = (response.json.nextUri as string).replace(gateway.url, second.url);
      response = await get(next, headers);
      assert.equal(response.status, 200);
      assert.ok(!response.json.nextUri || (response.json.nextUri as string).startsWith(second.url));
      if (response.json.data) rows.push(...(response.json.data as unknown[]));
    }
    assert.equal(rows.length, 25);
  });

  test('a backend killed mid-query: its queries fail cleanly, health marks it down, new queries go elsewhere', async () => {
    const headers = { 'X-Trino-User': 'someone' };
    const victim = await startLong(gateway.url, headers);
    const pid = readFileSync(join(process.env.QUERYGATE_CACHE ?? join(homedir(), '.cache/querygate'), 'run', TRINO2_NAME, 'trino.pid'), 'utf8').trim();
    process.kill(Number(pid), 'SIGKILL');
    let response = victim;
    const started = Date.now();
    while (response.json.nextUri) {
      response = await get(response.json.nextUri as string, headers);
      if (response.status === 503) await new Promise((r) => setTimeout(r, 200));
      assert.ok(Date.now() - started < 20_000, 'no hang');
    }
    assert.equal((response.json.error as { errorName: string }).errorName, 'BACKEND_UNAVAILABLE');
    // Health checks run every 500 ms with a threshold of one failure.
    await new Promise((r) => setTimeout(r, 1500));
    const list = (await (await admin('')).json()) as { backends: Array<{ name: string; healthy: boolean }> };
    assert.equal(list.backends.find((b) => b.name === 'trino2')!.healthy, false);
    assert.equal(await whereRan(gateway.url, headers), 'embedded', 'shared is down: its fallback takes the query');
  });
});
