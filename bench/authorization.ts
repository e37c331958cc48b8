/**
 * Authorization cost per statement over the analyzer bench corpus (not a test):
 *   node dist/bench/authorization.js
 * Reports analysis + decision (cold: first time in the process; warm: repeated, uncached),
 * decision alone, cache key computation, and a cached lookup (key + LRU hit).
 */
import { analyze, type AccessRequest } from '../src/sql/analyzer/index.js';
import { authorize, type AccessIdentity, type Decision } from '../src/policy/decision.js';
import { DecisionCache, decisionKey } from '../src/policy/decision-cache.js';
import { parseAccessRules } from '../src/policy/file-rules.js';
import { BENCH_SESSION, BENCH_STATEMENTS, benchMetadata } from '../test/sql/bench-data.js';

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const f = (ms: number) => `${(ms * 1000).toFixed(1)}µs`;
const report = (label: string, xs: number[]) => console.log(`${label.padEnd(44)} p50 ${f(pct(xs, 50)).padStart(9)}  p99 ${f(pct(xs, 99)).padStart(9)}  max ${f(Math.max(...xs)).padStart(9)}`);

// A realistic policy: ~30 rules across sections, the catch-alls last (worst case for first-match scans).
const tables: unknown[] = [{ user: 'banned', privileges: [] }];
for (let i = 0; i < 20; i++) tables.push({ group: `team_${i}`, catalog: 'hive', schema: `s${i}`, privileges: ['SELECT', 'INSERT'] });
tables.push({ catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_comment', allow: false }] });
tables.push({ catalog: 'tpch|memory', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] });
const rules = parseAccessRules(
  JSON.stringify({
    catalogs: [{ group: 'admins', allow: 'all' }, { catalog: 'hive', allow: 'read-only' }, { catalog: 'tpch|memory', allow: 'all' }],
    schemas: [{ group: 'admins', owner: true }, { catalog: 'memory', owner: true }],
    tables,
    functions: [{ catalog: 'hive', schema: 'udf', privileges: ['EXECUTE'] }],
    system_session_properties: [{ allow: true }],
  }),
  'bench-rules.json',
);
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
