/**
 * Authorization cost per statement over the analyzer bench corpus (not a test):
 *   node dist/bench/authorization.js [--baseline <built checkout>]...
 * Reports analysis + decision (cold: first time in the process; warm: repeated, uncached),
 * decision alone, cache key computation, and a cached lookup (key + LRU hit); then the same policy
 * with row filters and column masks on nation, customer and orders: analysis + decision + rewrite,
 * cold and warm, over the statements that read those tables. `--baseline` runs the same bench of
 * an earlier build first (its own process, one after the other) and prints both, for a before/after
 * in one run.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, type AccessRequest } from '../src/sql/analyzer/index.js';
import { authorize, type AccessIdentity, type Decision } from '../src/policy/decision.js';
import { DecisionCache, decisionKey } from '../src/policy/decision-cache.js';
import { parseAccessRules } from '../src/policy/file-rules.js';
import { PreparedExpressionCache } from '../src/policy/filter-mask/prepared.js';
import { rewriteForFiltersAndMasks, withFilterMaskReads } from '../src/policy/filter-mask/rewrite.js';
import { QueryFailure } from '../src/protocol/errors.js';
import { BENCH_SESSION, BENCH_STATEMENTS, benchMetadata } from '../test/sql/bench-data.js';

const { values: flags } = parseArgs({ options: { baseline: { type: 'string', multiple: true } } });
for (const checkout of flags.baseline ?? []) {
  console.log(`--- baseline: ${checkout}`);
  console.log(execFileSync(process.execPath, [join(checkout, 'dist', 'bench', 'authorization.js')], { cwd: checkout, encoding: 'utf8' }));
}
if (flags.baseline !== undefined) console.log(`--- this build: ${process.cwd()}`);

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const f = (ms: number) => `${(ms * 1000).toFixed(1)}µs`;
const report = (label: string, xs: number[]) => console.log(`${label.padEnd(48)} p50 ${f(pct(xs, 50)).padStart(9)}  p99 ${f(pct(xs, 99)).padStart(9)}  max ${f(Math.max(...xs)).padStart(9)}`);

// A realistic policy: ~30 rules across sections, the catch-alls last (worst case for first-match scans).
const tables: unknown[] = [{ user: 'banned', privileges: [] }];
for (let i = 0; i < 20; i++) tables.push({ group: `team_${i}`, catalog: 'hive', schema: `s${i}`, privileges: ['SELECT', 'INSERT'] });
tables.push({ catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_comment', allow: false }] });
tables.push({ catalog: 'tpch|memory', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] });
const policy = (tableRules: unknown[]) =>
  parseAccessRules(
    JSON.stringify({
      catalogs: [{ group: 'admins', allow: 'all' }, { catalog: 'hive', allow: 'read-only' }, { catalog: 'tpch|memory', allow: 'all' }],
      schemas: [{ group: 'admins', owner: true }, { catalog: 'memory', owner: true }],
      tables: tableRules,
      functions: [{ catalog: 'hive', schema: 'udf', privileges: ['EXECUTE'] }],
      system_session_properties: [{ allow: true }],
    }),
    'bench-rules.json',
  );
const rules = policy(tables);
const filteredRules = policy([
  ...tables.slice(0, -2),
  { catalog: 'tpch', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey IN (1, 2)' },
  { catalog: 'tpch', table: 'customer', privileges: ['SELECT'], filter: "c_mktsegment <> 'AUTOMOBILE'", columns: [{ name: 'c_comment', allow: false }, { name: 'c_phone', mask: "'***'" }] },
  { catalog: 'tpch', table: 'orders', privileges: ['SELECT'], filter: "o_orderpriority = '1-URGENT' OR current_user = 'analyst'", columns: [{ name: 'o_clerk', mask: "CASE WHEN o_orderstatus = 'F' THEN o_clerk ELSE 'unknown' END" }] },
  ...tables.slice(-1),
]);
const identity: AccessIdentity = { user: 'analyst', groups: ['team_3', 'analysts', 'everyone'] };
const meta = benchMetadata();
const prepared = new Map<string, string>();

async function once(sql: string): Promise<{ request: AccessRequest; decision: Decision }> {
  const request = await analyze(sql, BENCH_SESSION, meta, prepared);
  return { request, decision: authorize(rules, identity, request, BENCH_SESSION) };
}

const cold: number[] = [];
let allowed = 0;
for (const sql of BENCH_STATEMENTS) {
  const t = performance.now();
  const { decision } = await once(sql);
  cold.push(performance.now() - t);
  if (decision.allowed) allowed++;
}
for (let r = 0; r < 20; r++) for (const sql of BENCH_STATEMENTS) await once(sql);
const warm: number[] = [];
const decisionOnly: number[] = [];
const requests: AccessRequest[] = [];
for (const sql of BENCH_STATEMENTS) {
  const t = performance.now();
  const { request } = await once(sql);
  warm.push(performance.now() - t);
  requests.push(request);
}
for (let r = 0; r < 50; r++) for (const req of requests) authorize(rules, identity, req, BENCH_SESSION);
for (const req of requests) {
  const t = performance.now();
  for (let i = 0; i < 100; i++) authorize(rules, identity, req, BENCH_SESSION);
  decisionOnly.push((performance.now() - t) / 100);
}

const cache = new DecisionCache<{ request: AccessRequest; decision: Decision }>({ maxEntries: 10_000 });
const keyOf = (sql: string) =>
  decisionKey({ policyVersion: rules.version, user: identity.user, groups: identity.groups, catalog: BENCH_SESSION.catalog, schema: BENCH_SESSION.schema, preparedStatements: prepared, sql });
for (const sql of BENCH_STATEMENTS) cache.set(keyOf(sql), await once(sql));
for (let r = 0; r < 50; r++) for (const sql of BENCH_STATEMENTS) cache.get(keyOf(sql));
const keyOnly: number[] = [];
const cached: number[] = [];
for (const sql of BENCH_STATEMENTS) {
  let t = performance.now();
  for (let i = 0; i < 100; i++) keyOf(sql);
  keyOnly.push((performance.now() - t) / 100);
  t = performance.now();
  for (let i = 0; i < 100; i++) cache.get(keyOf(sql));
  cached.push((performance.now() - t) / 100);
}
const sizes = BENCH_STATEMENTS.map((s) => s.length);

console.log(`statements: ${BENCH_STATEMENTS.length} (${allowed} allowed), text ${Math.min(...sizes)}-${Math.max(...sizes)} chars, policy ${tables.length} table rules`);
report('analysis + decision, cold (first in process)', cold);
report('analysis + decision, warm (uncached)', warm);
report('decision only (authorize)', decisionOnly);
report('cache key (sha256 of all inputs)', keyOnly);
report('cached lookup (key + LRU hit)', cached);
console.log(`cache: ${JSON.stringify(cache.stats())}`);

// ------------------------------------------------------------------ row filters and column masks

const columnTypes = async (t: { catalog: string; schema: string; name: string }) =>
  (await meta.columnsOf(t))?.map((name) => ({ name, type: name.endsWith('key') ? 'bigint' : 'varchar(100)' }));

// Filters and masks analyzed over their tables, kept between statements as the gateway keeps them.
let preparedExpressions = new PreparedExpressionCache();

async function rewritten(sql: string): Promise<'rewritten' | 'unchanged' | 'refused'> {
  const request = withFilterMaskReads(filteredRules, identity, await analyze(sql, BENCH_SESSION, meta, prepared));
  if (!authorize(filteredRules, identity, request, BENCH_SESSION).allowed) return 'refused';
  try {
    return (await rewriteForFiltersAndMasks({ rules: filteredRules, identity, request, sql, columnTypes, metadata: meta, preparedExpressions })) === undefined ? 'unchanged' : 'rewritten';
  } catch (err) {
    if (err instanceof QueryFailure) return 'refused';
    throw err;
  }
}

const outcomes = new Map<string, string>();
const filteredCold: number[] = [];
for (const sql of BENCH_STATEMENTS) {
  const t = performance.now();
  outcomes.set(sql, await rewritten(sql));
  filteredCold.push(performance.now() - t);
}
const restricted = BENCH_STATEMENTS.filter((sql) => outcomes.get(sql) === 'rewritten');
for (let r = 0; r < 20; r++) for (const sql of restricted) await rewritten(sql);
const filteredWarm: number[] = [];
for (const sql of restricted) {
  const t = performance.now();
  await rewritten(sql);
  filteredWarm.push(performance.now() - t);
}
// Every filter and mask analyzed again (an empty expression cache for each statement).
const unprepared: number[] = [];
for (const sql of restricted) {
  preparedExpressions = new PreparedExpressionCache();
  const t = performance.now();
  await rewritten(sql);
  unprepared.push(performance.now() - t);
}
const coldRestricted = BENCH_STATEMENTS.flatMap((sql, i) => (outcomes.get(sql) === 'rewritten' ? [filteredCold[i]!] : []));
const count = (o: string) => [...outcomes.values()].filter((x) => x === o).length;
console.log(`\nwith row filters and column masks: ${count('rewritten')} statements rewritten, ${count('unchanged')} unchanged, ${count('refused')} refused`);
report('analysis + decision + rewrite, cold', coldRestricted);
report('analysis + decision + rewrite, warm (uncached)', filteredWarm);
report('  the same, filters and masks analyzed again', unprepared);
// The decision cache holds the rewritten text with the decision: a hit is the same lookup.
const cachedRestricted = restricted.map((sql) => {
  const t = performance.now();
  for (let i = 0; i < 100; i++) cache.get(keyOf(sql));
  return (performance.now() - t) / 100;
});
report('cached lookup of those (key + LRU hit)', cachedRestricted);
