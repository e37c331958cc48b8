/**
 * Guardrails against a real Trino: runaway queries killed on the backend (checked in Trino's own
 * system.runtime.queries) with Trino's EXCEEDED_* error reaching the client, duplicates refused,
 * a concurrency rate limit, and pre-flight checks; each action in history, the audit trail and
 * the metrics.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { loadConfigFile } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { TRINO_URL, ensureTrino, startTestGateway, unlessWorkers } from '../support/services.js';

const LONG = 'SELECT * FROM tpch.sf1.lineitem';
const ADMIN = { 'X-Trino-User': 'ops' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: RunningGateway;

/** Team members share one resource group, gr-cpu has a CPU quota; everyone else has their own group. */
const RESOURCE_GROUPS = {
  // 300 ms of CPU an hour: 1 ms regained per second (Trino's minimum rate).
  cpuQuotaPeriod: '1h',
  rootGroups: [
    {
      name: 'global',
      hardConcurrencyLimit: 100,
      maxQueued: 100,
      subGroups: [
        { name: 'team', hardConcurrencyLimit: 10, maxQueued: 10 },
        { name: 'cpu', hardConcurrencyLimit: 10, maxQueued: 10, hardCpuLimit: '300ms' },
        { name: '${USER}', hardConcurrencyLimit: 10, maxQueued: 10 },
      ],
    },
  ],
  selectors: [{ user: 'gr-team-.*', group: 'global.team' }, { user: 'gr-cpu', group: 'global.cpu' }, { group: 'global.${USER}' }],
};

before(async () => {
  await ensureTrino();
  const resourceGroupsFile = join(mkdtempSync(join(tmpdir(), 'qg-guardrails-')), 'resource-groups.json');
  writeFileSync(resourceGroupsFile, JSON.stringify(RESOURCE_GROUPS));
  gateway = await startTestGateway({
    backends: [{ name: 'trino1', engine: 'trino', url: TRINO_URL, group: 'cluster' }],
    admin: { users: ['ops'] },
    resourceGroups: { file: resourceGroupsFile },
    guardrails: {
      checkInterval: '500ms',
      rules: [
        { name: 'runaway-elapsed', action: 'kill', user: 'gr-runaway', runaway: { elapsed: '3s' } },
        { name: 'runaway-scan', action: 'kill', user: 'gr-scan', runaway: { scannedRows: 100_000 } },
        { name: 'no-duplicates', action: 'deny', user: 'gr-dup', duplicates: { per: 'user' } },
        { name: 'team-duplicates', action: 'deny', resourceGroup: 'global.te*', duplicates: { per: 'resourceGroup' } },
        { name: 'one-at-a-time', action: 'deny', user: 'gr-rate', rateLimit: { per: 'user', concurrent: 1 } },
        { name: 'lineitem-needs-limit', action: 'deny', user: 'gr-pre', routingGroup: 'cluster', preflight: { requireLimit: ['tpch.sf1.lineitem'], maxJoins: 1 } },
      ],
    },
  });
});

after(async () => {
  await gateway?.close();
});

interface Doc {
  id: string;
  nextUri?: string;
  error?: { errorName: string; errorType: string; message: string };
}

/** Starts a query through the gateway and reads documents until it runs on Trino (it then stays RUNNING: its results are not read). */
async function started(user: string, sql = LONG): Promise<Doc> {
  let doc = (await post(gateway.url, sql, { 'X-Trino-User': user })).json as unknown as Doc;
  while (doc.error === undefined && doc.nextUri !== undefined && !doc.nextUri.includes('/executing/')) {
    doc = (await get(doc.nextUri, { 'X-Trino-User': user })).json as unknown as Doc;
  }
  return doc;
}

async function cancel(doc: Doc, user: string): Promise<void> {
  if (doc.nextUri !== undefined) await get(doc.nextUri, { 'X-Trino-User': user }, 'DELETE');
}

/** Follows a query slowly (one poll a second) until it ends; its last document. */
async function followSlowly(doc: Doc, user: string, limitMs = 30_000): Promise<Doc> {
  const deadline = Date.now() + limitMs;
  while (doc.nextUri !== undefined && doc.error === undefined && Date.now() < deadline) {
    await sleep(1_000);
    doc = (await get(doc.nextUri, { 'X-Trino-User': user })).json as unknown as Doc;
  }
  return doc;
}

/** Trino's own record of a query: state and error code, from system.runtime.queries. */
async function trinoRecord(queryId: string): Promise<{ state: string; errorCode: string | null }> {
  const run = await runQuery(TRINO_URL, `SELECT state, error_code FROM system.runtime.queries WHERE query_id = '${queryId}'`, { 'X-Trino-User': 'gr-check' });
  const [state, errorCode] = JSON.parse(`[${run.rowsText}]`)[0] as [string, string | null];
  return { state, errorCode };
}

interface History {
  state: string;
  errorName?: string;
  errorMessage?: string;
  resourceGroup?: string;
  guardrails?: Array<Record<string, string>>;
}

async function historyOf(queryId: string): Promise<History> {
  // History is written off the response path: wait for the end record.
  for (let i = 0; i < 40; i++) {
    const res = await get(`${gateway.url}/api/queries/${queryId}`, ADMIN);
    if (res.status === 200 && (res.json as { endedAt?: number }).endedAt !== undefined) return res.json as never;
    await sleep(250);
  }
  throw new Error(`no history end record for ${queryId}`);
}

test('a query over its elapsed time limit is killed on Trino, and its client gets EXCEEDED_TIME_LIMIT', async () => {
  const first = await started('gr-runaway');
  assert.equal(first.error, undefined);
  const last = await followSlowly(first, 'gr-runaway');
  assert.equal(last.error?.errorName, 'EXCEEDED_TIME_LIMIT');
  assert.equal(last.error?.errorType, 'INSUFFICIENT_RESOURCES');
  assert.match(last.error!.message, /^Query exceeded the elapsed time limit of 3\.00s of guardrail 'runaway-elapsed' \(measured \d+\.\d+s\)$/);
  assert.deepEqual(await trinoRecord(first.id), { state: 'FAILED', errorCode: 'ADMINISTRATIVELY_KILLED' });
  const history = await historyOf(first.id);
  assert.equal(history.state, 'FAILED');
  assert.equal(history.errorName, 'EXCEEDED_TIME_LIMIT');
  assert.equal(history.resourceGroup, 'global.gr-runaway');
  assert.equal(history.guardrails?.length, 1);
  const { measured, ...kill } = history.guardrails![0]!;
  assert.deepEqual(kill, { guardrail: 'runaway-elapsed', kind: 'runaway', check: 'elapsed', action: 'kill', limit: '3.00s' });
  assert.match(measured!, /^\d+\.\d\ds$/);
  const audit = (await get(`${gateway.url}/api/audit?action=guardrail.kill`, ADMIN)).json as { items: Array<{ target: string; details: { guardrail: string; limit: string } }> };
  assert.ok(audit.items.some((e) => e.target === first.id && e.details.guardrail === 'runaway-elapsed' && e.details.limit === '3.00s'), JSON.stringify(audit));
  const metrics = (await get(`${gateway.url}/metrics`)).text;
  assert.match(metrics, /querygate_guardrail_actions_total\{guardrail="runaway-elapsed",kind="runaway",check="elapsed",action="kill",routing_group="cluster"\} 1/);
});

test('a query scanning more rows than allowed is killed on Trino with EXCEEDED_SCAN_LIMIT', async () => {
  const first = await started('gr-scan');
  const last = await followSlowly(first, 'gr-scan');
  assert.equal(last.error?.errorName, 'EXCEEDED_SCAN_LIMIT');
  assert.match(last.error!.message, /scanned rows limit of 100000 of guardrail 'runaway-scan' \(measured \d+\)/);
  assert.deepEqual(await trinoRecord(first.id), { state: 'FAILED', errorCode: 'ADMINISTRATIVELY_KILLED' });
});

test('a duplicate of a running statement is refused; another statement, or the same once the first ended, is not', async () => {
  const first = await started('gr-dup');
  assert.equal(first.error, undefined);
  try {
    // Same statement, other spacing, case of keywords and a comment: the same statement.
    const duplicate = (await post(gateway.url, 'select *  FROM tpch.sf1.lineitem -- again', { 'X-Trino-User': 'gr-dup' })).json as unknown as Doc;
    assert.equal(duplicate.error?.errorName, 'QUERY_REJECTED');
    assert.equal(duplicate.error?.message, "An identical statement of user gr-dup is already running (guardrail 'no-duplicates')");
    const refused = await historyOf(duplicate.id);
    assert.deepEqual([refused.state, refused.errorName, refused.guardrails], ['FAILED', 'QUERY_REJECTED', [{ guardrail: 'no-duplicates', kind: 'duplicates', check: 'per user', action: 'deny', limit: '0 identical running', measured: '1 running' }]]);
    const other = await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.nation', { 'X-Trino-User': 'gr-dup' });
    assert.equal(other.error, undefined);
    // Another user's identical statement is not a duplicate of this user's.
    const elsewhere = await started('gr-other');
    assert.equal(elsewhere.error, undefined);
    await cancel(elsewhere, 'gr-other');
  } finally {
    await cancel(first, 'gr-dup');
  }
  await sleep(300);
  const again = await started('gr-dup');
  assert.equal(again.error, undefined);
  await cancel(again, 'gr-dup');
});

test('duplicates per resource group: two members of one team share it, a user of another group does not', async () => {
  const first = await started('gr-team-a');
  try {
    const duplicate = (await post(gateway.url, LONG, { 'X-Trino-User': 'gr-team-b' })).json as unknown as Doc;
    assert.equal(duplicate.error?.message, "An identical statement of resource group global.team is already running (guardrail 'team-duplicates')");
    const outsider = await started('gr-outsider');
    assert.equal(outsider.error, undefined);
    await cancel(outsider, 'gr-outsider');
  } finally {
    await cancel(first, 'gr-team-a');
  }
  assert.equal((await historyOf(first.id)).resourceGroup, 'global.team');
});

const cpuPerInstance = unlessWorkers("a resource group's CPU usage is counted per instance, and each worker is one: the next query may reach a worker that charged nothing");
test("a resource group over its hard CPU limit (Trino's CPU of its queries) queues the next query", cpuPerInstance, async () => {
  const heavy = await runQuery(gateway.url, 'SELECT count(*), sum(o_totalprice) FROM tpch.sf1.orders', { 'X-Trino-User': 'gr-cpu' });
  assert.equal(heavy.error, undefined);
  const reported = (heavy.last.stats as { cpuTimeMillis: number }).cpuTimeMillis;
  const groups = (await get(`${gateway.url}/api/resource-groups`, ADMIN)).json as { items: Array<{ id: string; cpuUsageMs: number; running: number }> };
  const cpu = groups.items.find((g) => g.id === 'global.cpu');
  // Charged from the statistics read while it ran: at most what Trino reported at its end.
  assert.ok(cpu !== undefined && cpu.cpuUsageMs > 300 && cpu.cpuUsageMs <= reported, `usage ${cpu?.cpuUsageMs}, Trino reported ${reported}`);
  let next = (await post(gateway.url, 'SELECT 1', { 'X-Trino-User': 'gr-cpu' })).json as unknown as Doc & { stats: { state: string } };
  for (let poll = 0; poll < 3; poll++) {
    assert.equal(next.stats.state, 'QUEUED');
    assert.match(next.nextUri!, /\/v1\/statement\/queued\//);
    next = (await get(next.nextUri!, { 'X-Trino-User': 'gr-cpu' })).json as never;
  }
  await cancel(next, 'gr-cpu');
  // Another group is not held back.
  assert.equal((await runQuery(gateway.url, 'SELECT 1', { 'X-Trino-User': 'gr-other-cpu' })).error, undefined);
});

test('a user at its concurrency limit is refused until its running query ends', async () => {
  const first = await started('gr-rate');
  try {
    const second = (await post(gateway.url, 'SELECT 1', { 'X-Trino-User': 'gr-rate' })).json as unknown as Doc;
    assert.equal(second.error?.errorName, 'QUERY_REJECTED');
    assert.equal(second.error?.message, "Too many queries running for user gr-rate: 1, at most 1 at once (guardrail 'one-at-a-time')");
  } finally {
    await cancel(first, 'gr-rate');
  }
  await sleep(300);
  const after = await runQuery(gateway.url, 'SELECT 1', { 'X-Trino-User': 'gr-rate' });
  assert.equal(after.error, undefined);
});

test('pre-flight checks refuse a read of lineitem without LIMIT and a statement with too many joins', async () => {
  const unbounded = (await post(gateway.url, LONG, { 'X-Trino-User': 'gr-pre' })).json as unknown as Doc;
  assert.equal(unbounded.error?.errorName, 'QUERY_REJECTED');
  assert.equal(unbounded.error?.message, "A query reading tpch.sf1.lineitem needs a LIMIT (guardrail 'lineitem-needs-limit')");
  // What EXECUTE and EXECUTE IMMEDIATE run is checked.
  const prepared = (await post(gateway.url, 'EXECUTE unbounded', { 'X-Trino-User': 'gr-pre', 'X-Trino-Prepared-Statement': `unbounded=${encodeURIComponent(LONG)}` })).json as unknown as Doc;
  assert.equal(prepared.error?.message, "A query reading tpch.sf1.lineitem needs a LIMIT (guardrail 'lineitem-needs-limit')");
  const immediate = (await post(gateway.url, `EXECUTE IMMEDIATE '${LONG}'`, { 'X-Trino-User': 'gr-pre' })).json as unknown as Doc;
  assert.equal(immediate.error?.message, "A query reading tpch.sf1.lineitem needs a LIMIT (guardrail 'lineitem-needs-limit')");
  const bounded = await runQuery(gateway.url, `${LONG} LIMIT 5`, { 'X-Trino-User': 'gr-pre' });
  assert.equal(bounded.error, undefined);
  assert.equal(bounded.rowCount, 5);
  const joins = (await post(gateway.url, 'SELECT count(*) FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey JOIN tpch.tiny.customer c ON c.c_nationkey = n.n_nationkey', { 'X-Trino-User': 'gr-pre' })).json as unknown as Doc;
  assert.equal(joins.error?.message, "The statement has 2 joins, more than the 1 allowed (guardrail 'lineitem-needs-limit')");
  const oneJoin = await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey', { 'X-Trino-User': 'gr-pre' });
  assert.equal(oneJoin.error, undefined);
  const preparedJoins = (await post(gateway.url, 'EXECUTE joins', { 'X-Trino-User': 'gr-pre', 'X-Trino-Prepared-Statement': `joins=${encodeURIComponent('SELECT count(*) FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey JOIN tpch.tiny.customer c ON c.c_nationkey = n.n_nationkey')}` })).json as unknown as Doc;
  assert.equal(preparedJoins.error?.message, "The statement has 2 joins, more than the 1 allowed (guardrail 'lineitem-needs-limit')");
});

test('on the embedded engine a runaway query is killed with its own accounting (elapsed time, output rows)', async () => {
  const embedded = await startTestGateway({
    backends: [{ name: 'embedded', engine: 'duckdb', demo: true }],
    guardrails: {
      checkInterval: '200ms',
      rules: [
        { name: 'embedded-elapsed', action: 'kill', user: 'gr-slow', runaway: { elapsed: '2s' } },
        { name: 'embedded-output', action: 'kill', user: 'gr-big', runaway: { outputRows: 1000 } },
      ],
    },
  });
  try {
    const slow = await followSlowly((await post(embedded.url, 'SELECT * FROM demo.tpch.lineitem', { 'X-Trino-User': 'gr-slow' })).json as unknown as Doc, 'gr-slow');
    assert.equal(slow.error?.errorName, 'EXCEEDED_TIME_LIMIT');
    assert.match(slow.error!.message, /elapsed time limit of 2\.00s of guardrail 'embedded-elapsed'/);
    const big = await followSlowly((await post(embedded.url, 'SELECT * FROM demo.tpch.lineitem', { 'X-Trino-User': 'gr-big' })).json as unknown as Doc, 'gr-big');
    assert.equal(big.error?.errorName, 'GENERIC_INSUFFICIENT_RESOURCES');
    assert.match(big.error!.message, /output rows limit of 1000 of guardrail 'embedded-output' \(measured \d+\)/);
  } finally {
    await embedded.close();
  }
});

test('guardrails follow the configuration file on reload; a bad value is refused with its path and the last good rules stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-guardrails-reload-'));
  const path = join(dir, 'gateway.yaml');
  const write = (maxTables: number) =>
    writeFileSync(
      path,
      `server: { host: 127.0.0.1, port: 0 }\nlogging: { level: silent }\ndataDir: "${dir}"\nadmin: { users: [ops] }\n` +
        `backends:\n  - { name: embedded, engine: duckdb, demo: true }\n` +
        `guardrails:\n  rules:\n    - { name: few-tables, action: deny, preflight: { maxTables: ${maxTables} } }\n`,
    );
  write(1);
  const reloading = await startGateway(loadConfigFile(path), pino({ level: 'silent' }), { configPath: path });
  const twoTables = async () => (await runQuery(reloading.url, 'SELECT count(*) FROM demo.tpch.nation, demo.tpch.region', { 'X-Trino-User': 'gr-reload' })).error as Doc['error'];
  try {
    assert.equal((await twoTables())?.message, "The statement reads 2 tables, more than the 1 allowed (guardrail 'few-tables')");
    write(5);
    reloading.reload();
    assert.equal(await twoTables(), undefined, 'the new limit applies');
    write(0);
    reloading.reload();
    assert.equal(await twoTables(), undefined, 'a refused file keeps the last good rules');
    let refusal: { details: { message: string } } | undefined;
    for (let i = 0; i < 40 && refusal === undefined; i++) {
      const audit = (await get(`${reloading.url}/api/audit?action=config.reload&outcome=failure`, ADMIN)).json as { items: Array<{ details: { message: string } }> };
      refusal = audit.items[0];
      if (refusal === undefined) await sleep(250);
    }
    assert.match(refusal!.details.message, /guardrails\.rules\[0\]\.preflight\.maxTables/);
  } finally {
    await reloading.close();
  }
});
