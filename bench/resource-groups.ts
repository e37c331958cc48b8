/**
 * Admission cost of resource groups with a large file (not a test):
 *   node dist/bench/resource-groups.js [--teams 300] [--users 2000] [--queries 20000]
 * The file has one root, `--teams` team groups each with a templated per-user sub-group
 * (`team-N.${USER}`) and one selector per team (user pattern `tN_.*`), the catch-all last: a
 * query of the last team scans every selector. Measured per query, in process: selection alone,
 * and selection + admission + release, cold (first query of each user: its groups are created)
 * and warm (the groups exist); the parse of the file; the memory of queued queries.
 */
import { parseResourceGroupsFile } from '../src/admission/resource-groups-file.js';
import { ResourceGroupAdmission, selectGroup, type GroupTicket, type SelectionCriteria } from '../src/admission/resource-groups.js';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { summarize, table } from './lib/stats.js';

const FLAGS = {
  teams: { kind: 'number', help: 'team groups (each with a templated per-user sub-group and a selector), default 300' },
  users: { kind: 'number', help: 'distinct users, spread over the teams, default 2000' },
  queries: { kind: 'number', help: 'warm queries measured, default 20000' },
  smoke: { kind: 'boolean', help: '20 teams, 50 users, 500 queries' },
} satisfies FlagSpec;

function fileText(teams: number): string {
  const subGroups = Array.from({ length: teams }, (_, t) => ({
    name: `team-${t}`,
    hardConcurrencyLimit: 50,
    maxQueued: 1_000_000,
    schedulingPolicy: 'fair',
    subGroups: [{ name: '${USER}', hardConcurrencyLimit: 2, maxQueued: 100_000 }],
  }));
  const selectors = Array.from({ length: teams }, (_, t) => ({ user: `t${t}_.*`, group: `global.team-${t}.\${USER}` }));
  return JSON.stringify({
    rootGroups: [{ name: 'global', hardConcurrencyLimit: 1_000_000, maxQueued: 10_000_000, subGroups }],
    selectors,
  });
}

const µs = (ms: number) => `${(ms * 1000).toFixed(1)}`;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const teams = flags.smoke ? 20 : (flags.teams ?? 300);
  const userCount = flags.smoke ? 50 : (flags.users ?? 2000);
  const queries = flags.smoke ? 500 : (flags.queries ?? 20_000);
  const text = fileText(teams);
  const parseStarted = performance.now();
  const file = parseResourceGroupsFile(text, 'bench.json');
  const parseMs = performance.now() - parseStarted;
  // Users of the last teams first: the worst case for first-match selector scans is measured too.
  const users: SelectionCriteria[] = Array.from({ length: userCount }, (_, i) => ({ user: `t${teams - 1 - (i % teams)}_user${i}`, groups: [], clientTags: [], estimates: {} }));
  const admission = new ResourceGroupAdmission();

  const cold: number[] = [];
  for (const criteria of users) {
    const t = performance.now();
    const ticket = admission.admit('q', selectGroup(file, criteria)!, 1);
    admission.release(ticket);
    cold.push(performance.now() - t);
  }
  // Warm: every user holds one running query, so its groups stay; each measured query starts and ends.
  const held = users.map((criteria, i) => admission.admit(`held-${i}`, selectGroup(file, criteria)!, 1));
  const selection: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < queries; i++) {
    const criteria = users[i % users.length]!;
    const t0 = performance.now();
    const selected = selectGroup(file, criteria)!;
    const t1 = performance.now();
    const ticket = admission.admit(`w-${i}`, selected, 1);
    admission.release(ticket);
    const t2 = performance.now();
    selection.push(t1 - t0);
    warm.push(t2 - t0);
  }
  // Memory per queued query: each user's limit (2) is taken, then queries wait.
  const second = users.map((criteria, i) => admission.admit(`second-${i}`, selectGroup(file, criteria)!, 1));
  const waiting: GroupTicket[] = [];
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < queries; i++) waiting.push(admission.admit(`queued-${i}`, selectGroup(file, users[i % users.length]!)!, 1));
  global.gc?.();
  const perQueued = (process.memoryUsage().heapUsed - before) / waiting.length;
  if (waiting.some((t) => t.state !== 'queued')) throw new Error('expected every further query to wait');

  const rows = [['per query (µs)', 'p50', 'p99', 'mean']];
  for (const [label, values] of [
    ['selection (warm)', selection],
    ['select + admit + release, cold (new user)', cold],
    ['select + admit + release, warm', warm],
  ] as const) {
    const s = summarize(values);
    rows.push([label, µs(s.p50), µs(s.p99), µs(s.mean)]);
  }
  console.log(`resource groups: ${teams} teams (${teams * 2 + 1} group templates, ${teams} selectors), ${userCount} users, ${queries} warm queries`);
  console.log(`file parse: ${parseMs.toFixed(1)} ms (${(text.length / 1024).toFixed(0)} KiB)`);
  console.log(table(rows));
  console.log(`memory per queued query: ${global.gc ? `${Math.round(perQueued)} bytes of heap` : 'run with --expose-gc to measure'} (${waiting.length} queued)`);
  for (const t of [...waiting, ...second, ...held]) admission.release(t);
  if (flags.smoke) console.log('smoke: OK');
}

await runMain('resource-groups', FLAGS, main);
