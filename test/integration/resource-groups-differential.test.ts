/**
 * Resource groups: the gateway against Trino's own resource group manager, given the same file
 * (test/resource-groups/differential.json) and the same arrival sequence.
 *
 * The oracle is a Trino 483 with `resource-groups.configuration-manager=file`
 * (scripts/trino/start-resource-groups-oracle.sh); the gateway stands in front of a plain Trino
 * (allow-all, no resource groups) with the same file as `resourceGroups.file`. Each scenario sends
 * long queries (`SELECT * FROM tpch.sf1.lineitem`, whose results are never read: Trino's output
 * buffer fills and the query waits, RUNNING, at no CPU cost) one after another as several users,
 * sources and tags, then cancels the running ones one at a time, oldest first. Compared per query:
 * the group selected, whether it started at once, waited or was refused (error name and message),
 * and the order in which waiting queries started.
 *
 * Ports: QUERYGATE_RG_TRINO_PORT (18680, the plain Trino, named QUERYGATE_RG_TRINO_NAME or
 * rg-trino1), QUERYGATE_RG_ORACLE_PORT (18686). The two sides share nothing, so each scenario runs
 * on both at once (most of the time is waiting for states to settle).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post } from '../support/protocol-client.js';
import { REPO, ensureTrino, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const TRINO_PORT = Number(process.env.QUERYGATE_RG_TRINO_PORT ?? 18680);
const TRINO_NAME = process.env.QUERYGATE_RG_TRINO_NAME ?? 'rg-trino1';
const ORACLE_PORT = Number(process.env.QUERYGATE_RG_ORACLE_PORT ?? 18686);
const ORACLE_NAME = process.env.QUERYGATE_RG_ORACLE_NAME ?? 'rg-oracle';
const FILE = `${REPO}test/resource-groups/differential.json`;
const LONG = 'SELECT * FROM tpch.sf1.lineitem';
/** How long nothing may change before a state is taken as settled. */
const QUIET_MS = 3_000;

interface Arrival {
  user: string;
  source?: string;
  tags?: string[];
  priority?: number;
}

/** What one side did with one query. */
interface Outcome {
  group: string | undefined;
  /** `running`, `queued`, or `ERROR_NAME: message`. */
  admitted: string;
}

interface SideResult {
  outcomes: Outcome[];
  /** Arrival indexes of the queued queries, in the order they started. */
  startOrder: number[];
}

const headersOf = (a: Arrival): Record<string, string> => ({
  'X-Trino-User': a.user,
  ...(a.source !== undefined ? { 'X-Trino-Source': a.source } : {}),
  ...(a.tags !== undefined ? { 'X-Trino-Client-Tags': a.tags.join(',') } : {}),
  ...(a.priority !== undefined ? { 'X-Trino-Session': `query_priority=${a.priority}` } : {}),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Doc {
  id: string;
  nextUri?: string;
  error?: { errorName: string; message: string };
}

/** Trino's own view: every query's state and resource group (`GET /v1/query`). */
async function trinoQueries(base: string): Promise<Map<string, { state: string; group: string | undefined }>> {
  const res = await get(`${base}/v1/query`, { 'X-Trino-User': 'querygate-start' });
  const list = JSON.parse(res.text) as Array<{ queryId: string; state: string; resourceGroupId?: string[] }>;
  return new Map(list.map((q) => [q.queryId, { state: q.state, group: q.resourceGroupId?.join('.') }]));
}

/** Polls `read` until its value has not changed for QUIET_MS. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let last = JSON.stringify(await read());
  let since = Date.now();
  for (;;) {
    await sleep(250);
    const value = await read();
    const text = JSON.stringify(value);
    if (text !== last) {
      last = text;
      since = Date.now();
    } else if (Date.now() - since >= QUIET_MS) {
      return value;
    }
  }
}

/** The arrival sequence sent to Trino directly (the oracle). */
async function runOnOracle(base: string, arrivals: Arrival[]): Promise<SideResult> {
  const ids: Array<string | undefined> = [];
  const outcomes: Outcome[] = [];
  for (const arrival of arrivals) {
    const first = JSON.parse((await post(base, LONG, headersOf(arrival))).text) as Doc;
    // Trino hands the query to its resource groups on the first poll of the queued URI.
    const polled = JSON.parse((await get(first.nextUri!, headersOf(arrival))).text) as Doc;
    if (polled.error) {
      ids.push(undefined);
      outcomes.push({ group: undefined, admitted: `${polled.error.errorName}: ${polled.error.message}` });
      continue;
    }
    const state = (await settled(() => trinoQueries(base))).get(first.id)!;
    if (state.state === 'FAILED') {
      // Refused after the first poll: the client reads why on its next polls.
      let doc = polled;
      while (doc.error === undefined && doc.nextUri !== undefined) doc = JSON.parse((await get(doc.nextUri, headersOf(arrival))).text) as Doc;
      ids.push(undefined);
      outcomes.push({ group: undefined, admitted: `${doc.error?.errorName}: ${doc.error?.message}` });
      continue;
    }
    ids.push(first.id);
    outcomes.push({ group: state.group, admitted: state.state === 'QUEUED' ? 'queued' : 'running' });
  }
  const startOrder: number[] = [];
  for (;;) {
    const states = await trinoQueries(base);
    const running = ids.findIndex((id) => id !== undefined && !['QUEUED', 'FAILED', 'FINISHED'].includes(states.get(id)?.state ?? 'FINISHED'));
    if (running === -1) break;
    await get(`${base}/v1/query/${ids[running]!}`, { 'X-Trino-User': arrivals[running]!.user }, 'DELETE');
    const after = await settled(() => trinoQueries(base));
    ids.forEach((id, i) => {
      if (id === undefined || outcomes[i]!.admitted !== 'queued' || startOrder.includes(i)) return;
      const state = after.get(id)?.state;
      if (state !== undefined && state !== 'QUEUED') startOrder.push(i);
    });
  }
  return { outcomes, startOrder };
}

/** A query through the gateway; one that waits in a resource group is polled in the background, as a client does. */
class GatewayQuery {
  doc: Doc;
  started: boolean;
  canceled = false;
  private polling: Promise<void> | undefined;

  constructor(
    first: Doc,
    /** The backend already runs it: the gateway forwarded the statement at once. */
    admitted: boolean,
    private readonly headers: Record<string, string>,
  ) {
    this.doc = first;
    this.started = admitted;
    if (!admitted) this.polling = this.pollWhileQueued(first.id);
  }

  /** Until the gateway forwards it: the queued id gives way to the backend's. */
  private async pollWhileQueued(queuedId: string): Promise<void> {
    while (!this.canceled && this.doc.nextUri !== undefined && this.doc.error === undefined) {
      this.doc = JSON.parse((await get(this.doc.nextUri, this.headers)).text) as Doc;
      if (this.doc.id !== queuedId && this.doc.error === undefined) {
        this.started = true;
        return;
      }
    }
  }

  async cancel(): Promise<void> {
    this.canceled = true;
    await this.polling;
    if (this.doc.nextUri !== undefined) await get(this.doc.nextUri, this.headers, 'DELETE');
  }
}

async function runOnGateway(gateway: RunningGateway, plain: string, arrivals: Arrival[]): Promise<SideResult> {
  const queries: Array<GatewayQuery | undefined> = [];
  const outcomes: Outcome[] = [];
  for (const arrival of arrivals) {
    const first = JSON.parse((await post(gateway.url, LONG, headersOf(arrival))).text) as Doc;
    if (first.error) {
      queries.push(undefined);
      outcomes.push({ group: undefined, admitted: `${first.error.errorName}: ${first.error.message}` });
      continue;
    }
    const admitted = (await trinoQueries(plain)).has(first.id);
    queries.push(new GatewayQuery(first, admitted, headersOf(arrival)));
    outcomes.push({ group: undefined, admitted: admitted ? 'running' : 'queued' });
  }
  const startOrder: number[] = [];
  for (;;) {
    const running = queries.findIndex((q) => q !== undefined && q.started && !q.canceled);
    if (running === -1) break;
    await queries[running]!.cancel();
    await settled(async () => queries.map((q) => q?.started));
    queries.forEach((q, i) => {
      if (q !== undefined && outcomes[i]!.admitted === 'queued' && q.started && !startOrder.includes(i)) startOrder.push(i);
    });
  }
  // The group each query ran in, from history.
  for (const [i, q] of queries.entries()) {
    if (!q?.started) continue;
    const record = JSON.parse((await get(`${gateway.url}/api/queries/${q.doc.id}`, { 'X-Trino-User': 'ops' })).text) as { resourceGroup?: string };
    outcomes[i]!.group = record.resourceGroup;
  }
  for (const q of queries) if (q && !q.started) await q.cancel();
  return { outcomes, startOrder };
}

const SCENARIOS: Array<{ name: string; arrivals: Arrival[] }> = [
  {
    name: 'fair: one user over its limit and queue, others under the root limit',
    arrivals: [{ user: 'rg-a' }, { user: 'rg-a' }, { user: 'rg-a' }, { user: 'rg-a' }, { user: 'rg-b' }, { user: 'rg-c' }, { user: 'rg-c' }, { user: 'rg-b' }],
  },
  {
    name: 'query_priority: etl sources ordered by query_priority',
    arrivals: [
      { user: 'rg-etl', source: 'etl-x', priority: 1 },
      { user: 'rg-etl', source: 'etl-x', priority: 1 },
      { user: 'rg-etl', source: 'etl-x', priority: 1 },
      { user: 'rg-etl', source: 'etl-x', priority: 9 },
      { user: 'rg-etl', source: 'etl-x', priority: 5 },
    ],
  },
  {
    name: 'weighted_fair: sub-groups started by their share of the weights (3:1)',
    arrivals: [
      { user: 'wf', source: 'wf-heavy' },
      { user: 'wf', source: 'wf-heavy' },
      { user: 'wf', source: 'wf-light' },
      { user: 'wf', source: 'wf-light' },
      { user: 'wf', source: 'wf-heavy' },
      { user: 'wf', source: 'wf-heavy' },
    ],
  },
  {
    name: 'client tags before users; no selector matches',
    arrivals: [{ user: 'rg-a', tags: ['rg-tagged'] }, { user: 'nobody', tags: ['rg-tagged', 'x'] }, { user: 'rg-a', tags: ['rg-tagged'] }, { user: 'nobody' }],
  },
];

let gateway: RunningGateway;
let oracle: string;
let plain: string;

before(async () => {
  plain = await ensureTrino(TRINO_NAME, TRINO_PORT);
  await exec('bash', [`${REPO}scripts/trino/start-resource-groups-oracle.sh`, FILE], { timeout: 600_000, env: { ...process.env, QUERYGATE_RG_ORACLE_PORT: String(ORACLE_PORT), QUERYGATE_RG_ORACLE_NAME: ORACLE_NAME } });
  oracle = `http://127.0.0.1:${ORACLE_PORT}`;
  gateway = await startTestGateway({
    backends: [{ name: 'plain', engine: 'trino', url: plain, group: 'cluster', maxRunning: 100 }],
    routing: { defaultGroup: 'cluster' },
    // The file's softMemoryLimit percentages are of the oracle's memory pool: its 1536 MB heap less
    // Trino's 30 % headroom (start-resource-groups-oracle.sh).
    resourceGroups: { file: FILE, clusterMemory: '1075MB' },
    admin: { users: ['ops'] },
  });
});

after(async () => {
  await gateway?.close();
});

test('the gateway selects, queues, refuses and starts queries as Trino\'s resource group manager does', { timeout: 900_000 }, async () => {
  let agreed = 0;
  let compared = 0;
  const report: string[] = [];
  for (const scenario of SCENARIOS) {
    const [expected, actual] = await Promise.all([runOnOracle(oracle, scenario.arrivals), runOnGateway(gateway, plain, scenario.arrivals)]);
    scenario.arrivals.forEach((_, i) => {
      compared++;
      const same = JSON.stringify(expected.outcomes[i]) === JSON.stringify(actual.outcomes[i]);
      if (same) agreed++;
      else report.push(`${scenario.name} #${i}: Trino ${JSON.stringify(expected.outcomes[i])}, gateway ${JSON.stringify(actual.outcomes[i])}`);
    });
    compared++;
    if (JSON.stringify(expected.startOrder) === JSON.stringify(actual.startOrder)) agreed++;
    else report.push(`${scenario.name}: start order Trino ${JSON.stringify(expected.startOrder)}, gateway ${JSON.stringify(actual.startOrder)}`);
    console.log(`${scenario.name}: Trino ${JSON.stringify(expected)}\n  gateway ${JSON.stringify(actual)}`);
  }
  console.log(`resource groups differential: ${agreed} of ${compared} comparisons agree`);
  assert.deepEqual(report, []);
});
