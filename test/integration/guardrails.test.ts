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
import { withRedis } from '../tracking/services.js';

const LONG = 'SELECT * FROM tpch.sf1.lineitem';
const ADMIN = { 'X-Trino-User': 'ops' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: RunningGateway;
let resourceGroupsFile: string;

/** Team members share one resource group, gr-cpu has a CPU quota, gr-mem a soft memory limit; everyone else has their own group. */
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
        { name: 'mem', hardConcurrencyLimit: 10, maxQueued: 10, softMemoryLimit: '10MB' },
        { name: '${USER}', hardConcurrencyLimit: 10, maxQueued: 10 },
      ],
    },
  ],
  selectors: [{ user: 'gr-team-.*', group: 'global.team' }, { user: 'gr-cpu', group: 'global.cpu' }, { user: 'gr-mem', group: 'global.mem' }, { group: 'global.${USER}' }],
};

before(async () => {
  await ensureTrino();
  resourceGroupsFile = join(mkdtempSync(join(tmpdir(), 'qg-guardrails-')), 'resource-groups.json');
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
        { name: 'scan-estimate', action: 'deny', user: 'gr-explain', preflight: { explain: { maxScanRows: 1_000_000 } } },
        { name: 'scan-estimate-strict', action: 'deny', user: 'gr-explain-strict', preflight: { explain: { maxScanBytes: '100MB', unknown: 'fail' } } },
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

/**
 * Follows a query slowly (one poll a second) until it ends; its last document. The bound only
 * keeps a broken guardrail from hanging the file: generous, since a loaded machine delays the
 * engine's statistics and so the kill.
 */
async function followSlowly(doc: Doc, user: string, limitMs = 300_000): Promise<Doc> {
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
  for (let i = 0; i < 240; i++) {
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

test("two gateways sharing Redis: the CPU one's query used holds the group on the other at its hard CPU limit", () =>
  withRedis(async (redisUrl) => {
    const keyPrefix = `qg-cpu-fleet-${process.pid}-${Date.now()}:`;
    const fleet = async () =>
      startTestGateway({
        backends: [{ name: 'trino1', engine: 'trino', url: TRINO_URL, group: 'cluster' }],
        admin: { users: ['ops'] },
        resourceGroups: { file: resourceGroupsFile },
        guardrails: { checkInterval: '500ms' },
        redis: { url: redisUrl, keyPrefix },
      });
    const [first, second] = [await fleet(), await fleet()];
    try {
      const heavy = await runQuery(first.url, 'SELECT count(*), sum(o_totalprice) FROM tpch.sf1.orders', { 'X-Trino-User': 'gr-cpu' });
      assert.equal(heavy.error, undefined);
      // The other gateway reads the group's usage from Redis before admitting its first query there.
      let next = (await post(second.url, 'SELECT 1', { 'X-Trino-User': 'gr-cpu' })).json as unknown as Doc & { stats: { state: string } };
      for (let poll = 0; poll < 3; poll++) {
        assert.equal(next.stats.state, 'QUEUED');
        next = (await get(next.nextUri!, { 'X-Trino-User': 'gr-cpu' })).json as never;
      }
      const groups = (await get(`${second.url}/api/resource-groups`, ADMIN)).json as { items: Array<{ id: string; cpuUsageMs: number; hardCpuLimitMs?: number }> };
      const cpu = groups.items.find((g) => g.id === 'global.cpu');
      assert.ok(cpu !== undefined && cpu.cpuUsageMs >= 300 && cpu.hardCpuLimitMs === 300, JSON.stringify(cpu));
      await cancel(next, 'gr-cpu');
    } finally {
      await first.close();
      await second.close();
    }
  }));

/** A join whose build side (customer, about 65 MB in Trino's hash table) stays in memory while its results are not read. */
const MEMORY_HEAVY = 'SELECT * FROM tpch.sf1.orders o JOIN tpch.sf1.customer c ON o.o_custkey = c.c_custkey';

test("a resource group over its soft memory limit (Trino's memory of its running queries) holds new queries QUEUED until the heavy one ends", async () => {
  const heavy = await started('gr-mem', MEMORY_HEAVY);
  assert.equal(heavy.error, undefined);
  type Polled = Doc & { stats: { state: string }; data?: unknown[] };
  let waiting: Polled | undefined;
  try {
    // The gateway reads the query's memory every check interval; Trino builds the hash table meanwhile.
    let group: { memoryBytes: number; softMemoryLimitBytes?: number } | undefined;
    for (let i = 0; i < 240 && !(group !== undefined && group.memoryBytes > 10 * 1024 * 1024); i++) {
      if (i > 0) await sleep(500);
      const groups = (await get(`${gateway.url}/api/resource-groups`, ADMIN)).json as { items: Array<{ id: string; memoryBytes: number; softMemoryLimitBytes?: number }> };
      group = groups.items.find((g) => g.id === 'global.mem');
    }
    assert.ok(group !== undefined && group.memoryBytes > 10 * 1024 * 1024, `memory read: ${JSON.stringify(group)}`);
    assert.equal(group.softMemoryLimitBytes, 10 * 1024 * 1024);
    waiting = (await post(gateway.url, 'SELECT 42', { 'X-Trino-User': 'gr-mem' })).json as unknown as Polled;
    for (let poll = 0; poll < 3; poll++) {
      assert.equal(waiting.stats.state, 'QUEUED');
      assert.match(waiting.nextUri!, /\/v1\/statement\/queued\//);
      waiting = (await get(waiting.nextUri!, { 'X-Trino-User': 'gr-mem' })).json as unknown as Polled;
    }
    // Another group is not held back.
    assert.equal((await runQuery(gateway.url, 'SELECT 1', { 'X-Trino-User': 'gr-other-mem' })).error, undefined);
  } finally {
    await cancel(heavy, 'gr-mem');
  }
  // The heavy query ended: its memory leaves the group and the waiting query starts and finishes.
  const rows: unknown[] = [];
  let doc = waiting!;
  while (doc.nextUri !== undefined && doc.error === undefined) {
    doc = (await get(doc.nextUri, { 'X-Trino-User': 'gr-mem' })).json as unknown as Polled;
    rows.push(...(doc.data ?? []));
  }
  assert.equal(doc.error, undefined);
  assert.deepEqual(rows, [[42]]);
  const history = (await historyOf(doc.id)) as History & { routingSteps?: string[] };
  assert.equal(history.resourceGroup, 'global.mem');
  assert.match(history.routingSteps?.[0] ?? '', /^resource group global\.mem: waited \d+ ms$/);
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

/** Statements reading tpch tables of different sizes, joins, a predicate, a table Trino has no statistics for (NaN), none (the allowed ones are cheap: they run). */
const ESTIMATED = [
  'SELECT count(*) FROM tpch.sf1.lineitem',
  'SELECT count(*) FROM tpch.sf1.orders',
  'SELECT count(*) FROM tpch.sf1.customer',
  'SELECT count(*) FROM tpch.tiny.lineitem',
  'SELECT count(*) FROM tpch.sf1.orders WHERE o_orderkey < 1000',
  'SELECT count(*) FROM tpch.sf1.supplier s JOIN tpch.tiny.nation n ON s.s_nationkey = n.n_nationkey',
  'SELECT count(*) FROM tpch.sf1.orders o JOIN tpch.sf1.lineitem l ON o.o_orderkey = l.l_orderkey',
  'SELECT count(*) FROM tpch.tiny.orders o JOIN tpch.tiny.customer c ON o.o_custkey = c.c_custkey',
  'SELECT count(*) FROM system.runtime.nodes',
  'SELECT 1',
];

test("the EXPLAIN estimate pre-flight check refuses what Trino estimates reads more rows than allowed (differential against Trino's own EXPLAIN, as the user)", async (t) => {
  let agree = 0;
  let refusedCount = 0;
  for (const sql of ESTIMATED) {
    // Trino's own estimate: the sum of its input tables' row estimates ("NaN" when unknown).
    const plan = await runQuery(TRINO_URL, `EXPLAIN (TYPE IO, FORMAT JSON) ${sql}`, { 'X-Trino-User': 'gr-check' });
    const tables = (JSON.parse((JSON.parse(`[${plan.rowsText}]`) as string[][])[0]![0]!) as { inputTableColumnInfos: Array<{ estimate: { outputRowCount: number | string } }> }).inputTableColumnInfos;
    const known = tables.every((t) => typeof t.estimate.outputRowCount === 'number');
    const rows = tables.reduce((sum, t) => sum + Number(t.estimate.outputRowCount), 0);
    const expected = known && rows > 1_000_000 ? `The statement is estimated to read ${Math.round(rows)} rows, more than the 1000000 rows allowed (guardrail 'scan-estimate')` : undefined;
    const run = await runQuery(gateway.url, sql, { 'X-Trino-User': 'gr-explain' });
    const got = run.error === undefined ? undefined : String(run.error.message);
    if (expected !== undefined) refusedCount++;
    if (got === expected) agree++;
    else assert.fail(`${sql}: Trino estimates ${known ? rows : 'NaN'} rows; expected ${expected ?? 'allowed'}, got ${got ?? 'allowed'}`);
  }
  assert.equal(agree, ESTIMATED.length);
  t.diagnostic(`EXPLAIN estimate differential: ${agree} of ${ESTIMATED.length} agree with Trino's own EXPLAIN (${refusedCount} refused, ${ESTIMATED.length - refusedCount} allowed)`);
  // The estimate was asked as the user.
  const asked = await runQuery(TRINO_URL, "SELECT count(*) FROM system.runtime.queries WHERE \"user\" = 'gr-explain' AND query LIKE 'EXPLAIN (TYPE IO, FORMAT JSON) SELECT%'", { 'X-Trino-User': 'gr-check' });
  assert.ok(Number(JSON.parse(`[${asked.rowsText}]`)[0][0]) >= ESTIMATED.length - 1, asked.rowsText);
  // A refusal is in history with the guardrail, the limit and Trino's estimate.
  const refused = (await post(gateway.url, ESTIMATED[0]!, { 'X-Trino-User': 'gr-explain' })).json as unknown as Doc;
  assert.equal(refused.error?.errorName, 'QUERY_REJECTED');
  assert.deepEqual((await historyOf(refused.id)).guardrails, [{ guardrail: 'scan-estimate', kind: 'preflight', check: 'explainScanRows', action: 'deny', limit: '1000000', measured: '6001215' }]);
});

test('the EXPLAIN estimate check on bytes, with unknown estimates failing it when so configured', async () => {
  const wide = await runQuery(gateway.url, 'SELECT * FROM tpch.sf1.orders', { 'X-Trino-User': 'gr-explain-strict' });
  assert.match(String(wide.error?.message), /^The statement is estimated to read [\d.]+(MB|GB), more than the 100\.00MB allowed \(guardrail 'scan-estimate-strict'\)$/);
  const narrow = await runQuery(gateway.url, 'SELECT * FROM tpch.tiny.orders', { 'X-Trino-User': 'gr-explain-strict' });
  assert.equal(narrow.error, undefined);
  assert.equal(narrow.rowCount, 15_000);
  const unknown = await runQuery(gateway.url, 'SELECT * FROM system.runtime.nodes', { 'X-Trino-User': 'gr-explain-strict' });
  assert.equal(unknown.error?.message, "The bytes the statement reads cannot be estimated: the engine estimates it as unknown (NaN) (guardrail 'scan-estimate-strict')");
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
