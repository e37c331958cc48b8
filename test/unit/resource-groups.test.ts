import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseResourceGroupsFile } from '../../src/admission/resource-groups-file.js';
import { ResourceGroupAdmission, queryTypeOf, resourceEstimates, selectGroup, type GroupTicket, type SelectionCriteria } from '../../src/admission/resource-groups.js';
import { pino } from 'pino';
import { ReloadingFile } from '../../src/config/reloading-file.js';
import { checkFiles } from '../../src/config/check.js';
import { validateConfig } from '../../src/config/load.js';
import { explainStatement } from '../../src/gateway.js';
import { LocalLeaseStore, type LeaseStore } from '../../src/cluster/leases.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';
import { connectedLeaseStore, withRedis } from '../tracking/services.js';

const parse = (value: unknown) => parseResourceGroupsFile(JSON.stringify(value), 'rg.json');
const leaf = (name: string, extra: Record<string, unknown> = {}) => ({ name, hardConcurrencyLimit: 1, maxQueued: 10, ...extra });
const who = (user: string, extra: Partial<SelectionCriteria> = {}): SelectionCriteria => ({ user, groups: [], clientTags: [], estimates: {}, ...extra });

test('bad resource groups files are refused with the JSON path of the mistake', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ rootGroups: [], selectors: [], extra: 1 }, /rg\.json: \(top level\): unknown key 'extra'/],
    [{ rootGroups: [leaf('a', { maxQueud: 3 })], selectors: [] }, /rootGroups\[0\]: unknown key 'maxQueud'/],
    [{ rootGroups: [leaf('a', { subGroups: [{ name: 'b', hardConcurrencyLimit: 1 }] })], selectors: [] }, /rootGroups\[0\]\.subGroups\[0\]: missing required key 'maxQueued'/],
    [{ rootGroups: [leaf('a', { hardConcurrencyLimit: '5' })], selectors: [] }, /rootGroups\[0\]\.hardConcurrencyLimit: must be an integer >= 0/],
    [{ rootGroups: [leaf('a', { maxQueued: -1 })], selectors: [] }, /rootGroups\[0\]\.maxQueued: must be an integer >= 0/],
    [{ rootGroups: [leaf('a.b')], selectors: [] }, /rootGroups\[0\]\.name: invalid resource group name 'a\.b': it contains a '\.'/],
    [{ rootGroups: [leaf('${USER')], selectors: [] }, /rootGroups\[0\]\.name: invalid resource group name '\$\{USER'/],
    [{ rootGroups: [leaf('a'), leaf('a')], selectors: [] }, /rootGroups\[1\]\.name: duplicated group 'a'/],
    [{ rootGroups: [leaf('a', { softMemoryLimit: '120%' })], selectors: [] }, /rootGroups\[0\]\.softMemoryLimit: percentage is over 100%/],
    [{ rootGroups: [leaf('a', { softMemoryLimit: '1 gigabyte' })], selectors: [] }, /rootGroups\[0\]\.softMemoryLimit: '1 gigabyte' is not a data size/],
    [{ rootGroups: [leaf('a', { schedulingPolicy: 'random' })], selectors: [] }, /rootGroups\[0\]\.schedulingPolicy: must be one of fair, weighted, weighted_fair, query_priority/],
    [{ rootGroups: [leaf('a', { hardCpuLimit: '1h' })], selectors: [] }, /rootGroups\[0\]: cpuQuotaPeriod must be specified/],
    [{ cpuQuotaPeriod: '1h', rootGroups: [leaf('a', { softCpuLimit: '1h' })], selectors: [] }, /rootGroups\[0\]\.softCpuLimit: must specify hardCpuLimit/],
    [{ rootGroups: [leaf('a', { softConcurrencyLimit: 2 })], selectors: [] }, /rootGroups\[0\]\.softConcurrencyLimit: hardConcurrencyLimit must be greater than or equal to softConcurrencyLimit/],
    [{ rootGroups: [leaf('a', { subGroups: [leaf('b', { schedulingWeight: 2 }), leaf('c')] })], selectors: [] }, /rootGroups\[0\]\.subGroups: must specify schedulingWeight for all sub-groups of 'a' or none/],
    [{ rootGroups: [leaf('a', { subGroups: [leaf('b', { schedulingWeight: 2 })] })], selectors: [] }, /rootGroups\[0\]\.schedulingPolicy: must be 'weighted' or 'weighted_fair'/],
    [{ rootGroups: [leaf('a', { schedulingPolicy: 'query_priority', subGroups: [leaf('b', { schedulingPolicy: 'fair' })] })], selectors: [] }, /rootGroups\[0\]\.subGroups\[0\]\.schedulingPolicy: the parent group uses query_priority/],
    [{ rootGroups: [leaf('a')], selectors: [{ group: 'b' }] }, /selectors\[0\]\.group: selector refers to nonexistent group 'b'/],
    [{ rootGroups: [leaf('a', { subGroups: [leaf('b')] })], selectors: [{ group: 'a' }] }, /selectors\[0\]\.group: 'a' has sub-groups/],
    [{ rootGroups: [leaf('${TEAM}')], selectors: [{ group: '${TEAM}' }] }, /selectors\[0\]\.group: unresolved variable 'TEAM' in resource group id '\$\{TEAM\}', available: USER, SOURCE/],
    [{ rootGroups: [leaf('a')], selectors: [{ user: '(', group: 'a' }] }, /selectors\[0\]\.user: invalid regular expression/],
    [{ rootGroups: [leaf('a')], selectors: [{ queryType: 'SHOW', group: 'a' }] }, /selectors\[0\]\.queryType: selector specifies an invalid query type 'SHOW'/],
    [{ rootGroups: [leaf('a')], selectors: [{ clientTags: [1], group: 'a' }] }, /selectors\[0\]\.clientTags\[0\]: must be a string/],
    [{ rootGroups: [leaf('a')], selectors: [{ selectorResourceEstimate: { executionTime: { min: '1h', max: '1m' } }, group: 'a' }] }, /selectors\[0\]\.selectorResourceEstimate\.executionTime: min is greater than max/],
    [{ rootGroups: [leaf('a')] }, /\(top level\): missing required key 'selectors'/],
  ];
  for (const [file, error] of cases) assert.throws(() => parse(file), error, JSON.stringify(file));
  assert.throws(() => parseResourceGroupsFile('{"rootGroups": [', 'rg.json'), /rg\.json is not valid JSON/);
});

test('selectors: first match wins, templates expand from USER, SOURCE and named groups, as in Trino', () => {
  const file = parse({
    rootGroups: [
      leaf('global', {
        hardConcurrencyLimit: 10,
        subGroups: [leaf('user-${USER}'), leaf('team-${team}'), leaf('${toLowerCase(USER)}'), leaf('pipeline-${SOURCE}'), leaf('other')],
      }),
    ],
    selectors: [
      { source: 'pipeline-.*', queryType: 'insert', group: 'global.pipeline-${SOURCE}' },
      { user: '(?<team>[a-z]+)_bot', group: 'global.team-${team}' },
      { userGroup: 'admins', group: 'global.user-${USER}' },
      { clientTags: ['loud', 'big'], group: 'global.${toLowerCase(USER)}' },
      { selectorResourceEstimate: { executionTime: { max: '10m' }, peakMemory: { min: '1GB' } }, group: 'global.other' },
    ],
  });
  const id = (criteria: SelectionCriteria) => selectGroup(file, criteria)?.segments.join('.');
  assert.equal(id(who('x', { source: 'pipeline-7', queryType: 'INSERT' })), 'global.pipeline-pipeline-7');
  assert.equal(id(who('x', { source: 'pipeline-7', queryType: 'SELECT' })), undefined);
  assert.equal(id(who('sales_bot')), 'global.team-sales');
  assert.equal(id(who('Ann', { groups: ['users', 'admins'] })), 'global.user-Ann');
  assert.equal(id(who('Ann', { clientTags: ['big', 'loud', 'x'] })), 'global.ann');
  assert.equal(id(who('Ann', { clientTags: ['big'] })), undefined);
  assert.equal(id(who('Ann', { estimates: resourceEstimates(new Map([['EXECUTION_TIME', '5m'], ['PEAK_MEMORY', '2GB']])) })), 'global.other');
  assert.equal(id(who('Ann', { estimates: resourceEstimates(new Map([['EXECUTION_TIME', '5m']])) })), undefined);
  assert.equal(queryTypeOf('query'), 'SELECT');
  assert.equal(queryTypeOf('showTables'), 'DESCRIBE');
  assert.equal(queryTypeOf('createTableAsSelect'), 'INSERT');
  assert.equal(queryTypeOf('createTable'), 'DATA_DEFINITION');
});

/** Admits queries in order and returns the admission, the tickets and the order in which queries started. */
function run(fileJson: unknown, arrivals: Array<{ user: string; source?: string; priority?: number }>) {
  const file = parse(fileJson);
  const admission = new ResourceGroupAdmission();
  const started: string[] = [];
  const tickets = new Map<string, GroupTicket>();
  const refused: string[] = [];
  arrivals.forEach((a, i) => {
    const name = `q${i}`;
    try {
      const ticket = admission.admit(name, selectGroup(file, who(a.user, a.source !== undefined ? { source: a.source } : {}))!, a.priority ?? 1);
      tickets.set(name, ticket);
      if (ticket.state === 'running') started.push(name);
    } catch (err) {
      refused.push(`${name}: ${(err as Error).message}`);
    }
  });
  /** Ends running queries one at a time (oldest first) until none runs, noting what starts. */
  const drain = () => {
    for (;;) {
      const next = [...tickets.entries()].find(([, t]) => t.state === 'running');
      if (!next) return;
      admission.release(next[1]);
      for (const [name, t] of tickets) if (t.state === 'running' && !started.includes(name)) started.push(name);
    }
  };
  return { admission, tickets, started, refused, drain };
}

test('admission: hard limits on the whole path, queue limits, QUERY_QUEUE_FULL with Trino\'s text', () => {
  const { started, refused, tickets, drain } = run(
    { rootGroups: [leaf('root', { hardConcurrencyLimit: 2, maxQueued: 3, subGroups: [leaf('${USER}', { hardConcurrencyLimit: 1, maxQueued: 2 })] })], selectors: [{ group: 'root.${USER}' }] },
    [{ user: 'a' }, { user: 'a' }, { user: 'a' }, { user: 'a' }, { user: 'b' }, { user: 'c' }, { user: 'c' }],
  );
  // a: one runs, two wait, the fourth finds a full queue; b runs (root 2/2); c waits (root's queue 3/3); c's second: root full and root queue full.
  assert.deepEqual(started, ['q0', 'q4']);
  assert.deepEqual(refused, ['q3: Too many queued queries for "root.a"', 'q6: Too many queued queries for "root.c"']);
  assert.deepEqual([...tickets].filter(([, t]) => t.state === 'queued').map(([n]) => n), ['q1', 'q2', 'q5']);
  drain();
  // fair: sub-groups take turns in the order they became eligible: c when q5 arrived (it had room, root had none),
  // a only when q0 ended (a was at its own limit), so c's q5 starts before a's q1.
  assert.deepEqual(started, ['q0', 'q4', 'q5', 'q1', 'q2']);
});

test('scheduling policies order the queue: fair, query_priority, weighted_fair', () => {
  const fair = run({ rootGroups: [leaf('g', { maxQueued: 10 })], selectors: [{ group: 'g' }] }, [{ user: 'a' }, { user: 'b' }, { user: 'c' }, { user: 'd' }]);
  fair.drain();
  assert.deepEqual(fair.started, ['q0', 'q1', 'q2', 'q3']);

  const priority = run({ rootGroups: [leaf('g', { schedulingPolicy: 'query_priority' })], selectors: [{ group: 'g' }] }, [
    { user: 'a', priority: 1 },
    { user: 'b', priority: 1 },
    { user: 'c', priority: 5 },
    { user: 'd', priority: 3 },
    { user: 'e', priority: 5 },
  ]);
  priority.drain();
  assert.deepEqual(priority.started, ['q0', 'q2', 'q4', 'q3', 'q1']);

  const weighted = run(
    { rootGroups: [leaf('root', { hardConcurrencyLimit: 3, schedulingPolicy: 'weighted_fair', subGroups: [leaf('heavy', { hardConcurrencyLimit: 3, schedulingWeight: 2 }), leaf('light', { hardConcurrencyLimit: 3, schedulingWeight: 1 })] })], selectors: [{ user: 'h', group: 'root.heavy' }, { group: 'root.light' }] },
    [{ user: 'h' }, { user: 'h' }, { user: 'h' }, { user: 'h' }, { user: 'h' }, { user: 'l' }, { user: 'l' }, { user: 'l' }],
  );
  // Three heavy queries run; when one ends, light (0 running, weight 1) is furthest below its share, then heavy again at 2:1.
  assert.deepEqual(weighted.started, ['q0', 'q1', 'q2']);
  weighted.admission.release(weighted.tickets.get('q0')!);
  weighted.admission.release(weighted.tickets.get('q1')!);
  assert.deepEqual(weighted.started.length, 3);
  const running = [...weighted.tickets].filter(([, t]) => t.state === 'running').map(([n]) => n);
  assert.deepEqual(running, ['q2', 'q3', 'q5']);
});

/** Instances `a` and `b`: each its admission over its lease rounds with the store. */
async function twoInstances(storeA: LeaseStore, storeB: LeaseStore) {
  const clusterA = new ClusterLoad(storeA, { adoptIdleMs: 60_000, instanceId: 'a' });
  const clusterB = new ClusterLoad(storeB, { adoptIdleMs: 60_000, instanceId: 'b' });
  await clusterA.refresh();
  await clusterB.refresh();
  return { clusterA, clusterB, a: new ResourceGroupAdmission(clusterA), b: new ResourceGroupAdmission(clusterB) };
}

/** Two instances' admissions sharing one store: one hard limit for both; room made on A starts B's waiting query. */
async function fleetWide(storeA: LeaseStore, storeB: LeaseStore): Promise<void> {
  const file = parse({ rootGroups: [leaf('g', { hardConcurrencyLimit: 2, maxQueued: 10 })], selectors: [{ group: 'g' }] });
  const { clusterA, clusterB, a, b } = await twoInstances(storeA, storeB);
  const selection = selectGroup(file, who('u'))!;
  await a.prepare(selection);
  const first = a.admit('1', selection, 1);
  const second = a.admit('2', selection, 1);
  await clusterA.refresh();
  await b.prepare(selection);
  await clusterB.refresh();
  const third = b.admit('3', selection, 1);
  assert.deepEqual([first.state, second.state, third.state], ['running', 'running', 'queued']);
  a.release(first);
  await clusterA.refresh();
  await clusterB.refresh();
  // B learns of the room in its next round and starts its waiting query.
  assert.equal(third.state, 'running');
  await clusterA.close();
  await clusterB.close();
}

test('fleet-wide: two admissions sharing the in-process lease store hold one hard limit', async () => {
  const store = new LocalLeaseStore();
  await fleetWide(store, store);
});

test('fleet-wide through a real Redis; with Redis gone each instance admits only its share', () =>
  withRedis(async (redisUrl) => {
    const prefix = `qg-rg-test-${process.pid}-${Date.now()}:`;
    const connect = (part: string) => connectedLeaseStore(redisUrl, `${prefix}${part}:`);
    await fleetWide(await connect('limit'), await connect('limit'));
    const file = parse({ rootGroups: [leaf('g', { hardConcurrencyLimit: 4, maxQueued: 10 })], selectors: [{ group: 'g' }] });
    // A fleet of its own (the instances above are still alive in the store for a TTL).
    const stores = [await connect('share'), await connect('share')];
    const clusters = stores.map((store, i) => new ClusterLoad(store, { adoptIdleMs: 60_000, instanceId: `i${i}` }));
    for (const c of clusters) await c.refresh();
    await clusters[0]!.refresh();
    assert.equal(clusters[0]!.instances, 2);
    // Redis gone for instance 0 (its connection closed): it falls back to its share, 4 / 2 instances.
    await stores[0]!.close();
    await clusters[0]!.refresh();
    assert.equal(clusters[0]!.degraded, true);
    const admission = new ResourceGroupAdmission(clusters[0]);
    const selection = selectGroup(file, who('u'))!;
    const states = [1, 2, 3].map((n) => admission.admit(String(n), selection, 1).state);
    assert.deepEqual(states, ['running', 'running', 'queued']);
    for (const c of clusters) await c.close();
  }));

test("fleet-wide order: room made on the instance holding the later waiting query starts the earlier one, on the other instance; query_priority across instances", async () => {
  const store = new LocalLeaseStore();
  for (const policy of ['fair', 'query_priority']) {
    const file = parse({ rootGroups: [leaf('g', { hardConcurrencyLimit: 1, maxQueued: 10, schedulingPolicy: policy })], selectors: [{ group: 'g' }] });
    const { clusterA, clusterB, a, b } = await twoInstances(store, store);
    const selection = selectGroup(file, who('u'))!;
    await a.prepare(selection);
    await b.prepare(selection);
    const running = a.admit(`${policy}-0`, selection, 1);
    await clusterA.refresh();
    await clusterB.refresh();
    // B's waits first (fair) or with the higher priority (query_priority); A's after it.
    const onB = b.admit(`${policy}-1`, selection, 5);
    await clusterB.refresh();
    const onA = a.admit(`${policy}-2`, selection, policy === 'fair' ? 9 : 1);
    await clusterA.refresh();
    assert.deepEqual([running.state, onB.state, onA.state], ['running', 'queued', 'queued']);
    a.release(running);
    assert.equal(onA.state, 'queued', `${policy}: A does not start its own, B's is ahead of it`);
    await clusterA.refresh();
    await clusterB.refresh();
    assert.equal(onB.state, 'running', `${policy}: B starts its query once it reads the room`);
    b.release(onB);
    await clusterB.refresh();
    await clusterA.refresh();
    assert.equal(onA.state, 'running', `${policy}: then A's`);
    a.release(onA);
    await clusterA.close();
    await clusterB.close();
  }
});

test('a broken resource groups file keeps the last good version in force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-rg-'));
  const path = join(dir, 'rg.json');
  writeFileSync(path, JSON.stringify({ rootGroups: [leaf('a')], selectors: [{ group: 'a' }] }));
  const errors: string[] = [];
  const file = new ReloadingFile(path, parseResourceGroupsFile, (m) => errors.push(m));
  writeFileSync(path, JSON.stringify({ rootGroups: [leaf('a')], selectors: [{ group: 'missing' }] }));
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  file.reload();
  assert.equal(file.value.selectors[0]!.groupText, 'a');
  assert.match(errors[0]!, /not reloaded, keeping the previous version: .*selectors\[0\]\.group: selector refers to nonexistent group 'missing'/);
});

test('check-config reports a broken resource groups file by setting and path; explain-access names the selected group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-rg-config-'));
  const groups = join(dir, 'rg.json');
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ catalogs: [{ allow: 'all' }] }));
  writeFileSync(groups, JSON.stringify({ rootGroups: [leaf('a')], selectors: [{ group: 'b' }] }));
  const config = validateConfig({ backends: [{ name: 'embedded', engine: 'duckdb' }], accessControl: { rulesFile: rules }, resourceGroups: { file: groups } }, 'test');
  assert.deepEqual(checkFiles(config), [`resourceGroups.file: ${groups}: selectors[0].group: selector refers to nonexistent group 'b'`]);
  // A memory percentage needs the total it is a share of.
  writeFileSync(groups, JSON.stringify({ rootGroups: [leaf('a', { softMemoryLimit: '10%' })], selectors: [{ group: 'a' }] }));
  assert.deepEqual(checkFiles(config), [`resourceGroups.file: ${groups}: rootGroups[0].softMemoryLimit: a percentage needs resourceGroups.clusterMemory in the configuration (the memory it is a share of)`]);
  const withMemory = validateConfig({ backends: [{ name: 'embedded', engine: 'duckdb' }], resourceGroups: { file: groups, clusterMemory: '64GB' } }, 'test');
  assert.deepEqual(checkFiles(withMemory), []);
  writeFileSync(groups, JSON.stringify({ rootGroups: [leaf('adhoc-${USER}')], selectors: [{ user: 'ann|bob', group: 'adhoc-${USER}' }] }));
  assert.deepEqual(checkFiles(config), []);
  const log = pino({ level: 'silent' });
  const ann = await explainStatement(config, { user: 'ann', groups: [], sql: 'SELECT 1' }, log);
  assert.match(ann.text, /\nResource group: adhoc-ann \(selectors\[0\]\)$/);
  const carol = await explainStatement(config, { user: 'carol', groups: [], sql: 'SELECT 1' }, log);
  assert.match(carol.text, /\nResource group: none \(No matching resource group found with the configured selection rules: QUERY_REJECTED\)$/);
});

test("CPU quotas as Trino's: a group at its hard CPU limit queues new queries until its usage is regained; over the soft limit its concurrency shrinks", () => {
  // hardCpuLimit 10s per minute: 166 ms of CPU regained per second (Trino's floor(1000 * 10000 / 60000)).
  const file = parse({ cpuQuotaPeriod: '1m', rootGroups: [leaf('g', { hardConcurrencyLimit: 3, softCpuLimit: '5s', hardCpuLimit: '10s' })], selectors: [{ group: 'g' }] });
  const admission = new ResourceGroupAdmission();
  // Taken after the admission's own clock starts: whole seconds are counted from then (a slow machine may take milliseconds between).
  const start = Date.now();
  const admit = (id: string) => admission.admit(id, selectGroup(file, who('alice'))!, 1);
  const first = admit('q1');
  assert.equal(first.cpuLimited, true);
  admission.chargeCpu(first, 4_000);
  // Under the soft limit: all three slots.
  assert.equal(admit('q2').state, 'running');
  admission.chargeCpu(first, 12_000);
  const waiting = admit('q3');
  assert.equal(waiting.state, 'queued', 'at its hard CPU limit, a group with room queues');
  admission.generateCpuQuota(start + 500);
  assert.equal(waiting.state, 'queued', 'quota is regained per whole second');
  // 13 s regain 13 * 166 = 2158 ms: 9842 ms used, under the hard limit but over the soft one, where
  // the limit is max(1, min(3 - 1, floor(3 * (1 - 4842 / 5000)))) = 1, and two run.
  admission.generateCpuQuota(start + 13_000);
  assert.equal(waiting.state, 'queued');
  assert.equal(admission.snapshot()[0]!.cpuUsageMs, 9_842);
  admission.release(first);
  admission.generateCpuQuota(start + 60_000);
  // 47 s more: usage 9842 - 47 * 166 = 2040, under the soft limit: three may run again.
  assert.equal(waiting.state, 'running');
  // CPU reported again for the same query is charged once.
  admission.chargeCpu(waiting, 100);
  admission.chargeCpu(waiting, 100);
  assert.equal(admission.snapshot()[0]!.cpuUsageMs, 2_140);
});

test("soft memory limits as Trino's: a group over its limit starts no query until its running queries' memory goes down; a percentage is of resourceGroups.clusterMemory", () => {
  const file = parse({ rootGroups: [leaf('g', { hardConcurrencyLimit: 5, softMemoryLimit: '100MB', subGroups: [leaf('a', { hardConcurrencyLimit: 5 })] })], selectors: [{ group: 'g.a' }] });
  const admission = new ResourceGroupAdmission();
  const admit = (id: string) => admission.admit(id, selectGroup(file, who('alice'))!, 1);
  const heavy = admit('q1');
  assert.equal(heavy.memoryLimited, true);
  // At the limit exactly, a query may still start (Trino: usage <= softMemoryLimitBytes).
  admission.reportMemory(heavy, 100 * 1024 * 1024);
  assert.equal(admit('q2').state, 'running');
  admission.reportMemory(heavy, 100 * 1024 * 1024 + 1);
  const waiting = admit('q3');
  assert.equal(waiting.state, 'queued', 'over its soft memory limit, a group with room queues');
  assert.deepEqual(
    admission.snapshot().map((g) => [g.id, g.memoryBytes, g.softMemoryLimitBytes]),
    [
      ['g', 104_857_601, 104_857_600],
      ['g.a', 104_857_601, undefined],
    ],
  );
  // The memory is what the query holds now: less of it lets the waiting query start.
  admission.reportMemory(heavy, 50 * 1024 * 1024);
  assert.equal(waiting.state, 'running');
  admission.reportMemory(heavy, 200 * 1024 * 1024);
  const next = admit('q4');
  assert.equal(next.state, 'queued');
  // An ended query holds no memory.
  admission.release(heavy);
  assert.equal(next.state, 'running');
  assert.equal(admission.snapshot()[0]!.memoryBytes, 0);

  const percent = { rootGroups: [leaf('p', { softMemoryLimit: '10%' })], selectors: [{ group: 'p' }] };
  assert.throws(() => parse(percent), /rg\.json: rootGroups\[0\]\.softMemoryLimit: a percentage needs resourceGroups\.clusterMemory in the configuration/);
  const ofCluster = new ResourceGroupAdmission(undefined, Math.random, 1024 ** 3);
  ofCluster.admit('q', selectGroup(parseResourceGroupsFile(JSON.stringify(percent), 'rg.json', 1024 ** 3), who('bob'))!, 1);
  // Trino's Math.round(pool bytes * fraction) once it knows its pool.
  assert.equal(ofCluster.snapshot()[0]!.softMemoryLimitBytes, 107_374_182);
});

/**
 * Two instances' admissions sharing one store: the CPU one charges counts against the other's
 * quota, regained in the store by the quota rate every whole second; the memory one's query holds
 * keeps the other's group from starting queries until it goes down.
 */
async function fleetUsage(storeA: LeaseStore, storeB: LeaseStore, advance: (ms: number) => Promise<void>): Promise<void> {
  // 1s per 10s: 100 ms regained per second.
  const file = parse({ cpuQuotaPeriod: '10s', rootGroups: [leaf('cpu', { hardConcurrencyLimit: 5, hardCpuLimit: '1s' }), leaf('mem', { hardConcurrencyLimit: 5, softMemoryLimit: '1MB' })], selectors: [{ source: 'cpu', group: 'cpu' }, { group: 'mem' }] });
  const { clusterA, clusterB, a, b } = await twoInstances(storeA, storeB);
  const cpu = selectGroup(file, who('u', { source: 'cpu' }))!;
  await a.prepare(cpu);
  const busy = a.admit('1', cpu, 1);
  a.chargeCpu(busy, 1_500);
  await clusterA.refresh();
  await b.prepare(cpu);
  const held = b.admit('2', cpu, 1);
  assert.equal(held.state, 'queued', "over the hard CPU limit through A's query");
  assert.equal(b.snapshot().find((g) => g.id === 'cpu')?.cpuUsageMs, 1_500, "B reads A's charge");
  // 6 whole seconds regain 600 ms in the store: 900 ms, under the limit; B starts its query.
  await advance(6_000);
  await clusterB.refresh();
  assert.equal(held.state, 'running');
  assert.equal(b.snapshot().find((g) => g.id === 'cpu')?.cpuUsageMs, 900);

  const mem = selectGroup(file, who('u'))!;
  await a.prepare(mem);
  const heavy = a.admit('3', mem, 1);
  a.reportMemory(heavy, 2 * 1024 * 1024);
  await clusterA.refresh();
  await b.prepare(mem);
  const waiting = b.admit('4', mem, 1);
  assert.equal(waiting.state, 'queued', "A's query holds more than the group's soft memory limit");
  a.release(heavy);
  await clusterA.refresh();
  await clusterB.refresh();
  assert.equal(waiting.state, 'running');
  await clusterA.close();
  await clusterB.close();
}

test('fleet-wide CPU and memory: two admissions sharing the in-process lease store', async () => {
  let now = Date.now();
  const store = new LocalLeaseStore(() => now);
  await fleetUsage(store, store, async (ms) => {
    now += ms;
  });
});

test('fleet-wide CPU and memory through a real Redis (its own clock regains the quota)', () =>
  withRedis(async (redisUrl) => {
    const prefix = `qg-rg-usage-${process.pid}-${Date.now()}:`;
    const connect = () => connectedLeaseStore(redisUrl, prefix);
    // Redis's clock cannot be moved: the test waits the seconds out (no limit on how long a step takes).
    await fleetUsage(await connect(), await connect(), (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }));
