/**
 * Tag-based decisions at scale (not a test): 10,050 tagged resources (50 schemas, 500 tables,
 * 9,500 columns) and 1,000 grants, decided through AccessControl exactly as the gateway does
 * (analysis, rules file `{}`, tag grants, mode all) for distinct statements:
 *
 * - cold: a statement seen for the first time (cache miss: analysis + rules + tags),
 * - tags only: TagPolicy.evaluate on an analysed request,
 * - cached: the same statement again (key + cache hit),
 * - reload: reading the whole policy back from a SQLite store and indexing it (what every
 *   instance does after a change).
 *
 *   node dist/bench/tag-authorization.js [--statements N] [--smoke]
 * See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { machineLine } from './lib/report.js';
import { fixed, percentile, sortedCopy, table } from './lib/stats.js';
import { AccessControl } from '../src/policy/access-control.js';
import { parseAccessRules } from '../src/policy/file-rules.js';
import { validatePolicy, type TagGrant } from '../src/policy/tags/document.js';
import { TagPolicy } from '../src/policy/tags/engine.js';
import { SqliteTagStore } from '../src/policy/tags/store.js';
import { parseSession } from '../src/protocol/session.js';
import { analyze } from '../src/sql/analyzer/index.js';
import { StaticMetadata } from '../test/sql/support.js';

const FLAGS = {
  statements: { kind: 'number', help: 'distinct statements (default 5000)' },
  smoke: { kind: 'boolean', help: '200 statements, a quick check that everything runs' },
} satisfies FlagSpec;

const SCHEMAS = 50;
const TABLES_PER_SCHEMA = 10;
const COLUMNS = 20;
const DOMAINS = Array.from({ length: 10 }, (_, i) => `d${i}`);
const TIERS = ['gold', 'silver', 'bronze'];
const REGIONS = ['eu', 'us', 'apac', 'latam', 'mea'];
const GROUPS = 100;

/** The column names of every table: c0 … c19. */
const columnNames = Array.from({ length: COLUMNS }, (_, i) => `c${i}`);

function buildPolicy() {
  const assignments: Record<string, Record<string, string>> = {};
  const metadata: Record<string, string[]> = {};
  for (let s = 0; s < SCHEMAS; s++) {
    assignments[`lake.s${s}`] = { domain: DOMAINS[s % DOMAINS.length]!, pii: 'false', region: REGIONS[s % REGIONS.length]! };
    for (let t = 0; t < TABLES_PER_SCHEMA; t++) {
      const table = `lake.s${s}.t${t}`;
      assignments[table] = { tier: TIERS[t % TIERS.length]! };
      metadata[table] = columnNames;
      // 19 of 20 columns carry their own tags: every fourth is PII, the others override the tier.
      for (let c = 1; c < COLUMNS; c++) assignments[`${table}.c${c}`] = c % 4 === 0 ? { pii: 'true' } : { tier: TIERS[(t + c) % TIERS.length]! };
    }
  }
  const grants: TagGrant[] = [];
  for (let g = 0; g < 1000; g++) {
    grants.push({
      name: `grant-${g}`,
      privileges: g % 5 === 0 ? ['SELECT', 'INSERT'] : ['SELECT'],
      to: g % 10 === 9 ? { attributes: { clearance: ['pii'], region: [REGIONS[g % REGIONS.length]!] } } : { groups: [`team_${g % GROUPS}`] },
      expression: {
        domain: [DOMAINS[g % DOMAINS.length]!, DOMAINS[(g + 3) % DOMAINS.length]!],
        ...(g % 10 === 9 ? {} : { pii: ['false'] }),
        tier: g % 3 === 0 ? TIERS : [TIERS[g % TIERS.length]!],
      },
    });
  }
  const document = validatePolicy({
    tags: { domain: DOMAINS, pii: ['true', 'false'], tier: TIERS, region: REGIONS },
    assignments,
    grants,
    principals: { users: { analyst: { clearance: ['pii'], region: ['eu'] } }, groups: {} },
  });
  return { document, metadata };
}

function statement(i: number): string {
  const schema = (i * 7) % SCHEMAS;
  const table = (i * 3) % TABLES_PER_SCHEMA;
  const a = i % COLUMNS;
  const b = (i * 11 + 5) % COLUMNS;
  // The literal makes every statement distinct (a cache miss the first time).
  return `SELECT c${a}, c${b} FROM lake.s${schema}.t${table} WHERE c0 > ${i}`;
}

function row(label: string, values: number[]): string[] {
  const sorted = sortedCopy(values);
  const us = (ms: number) => `${fixed(ms * 1000, 1)} µs`;
  return [label, us(percentile(sorted, 50)), us(percentile(sorted, 99)), us(sorted[sorted.length - 1]!)];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const count = flags.smoke ? 200 : (flags.statements ?? 5000);
  console.log(`tag-authorization: ${machineLine()}`);
  const { document, metadata } = buildPolicy();
  const resources = Object.keys(document.assignments).length;
  const policy = new TagPolicy(document, 1);
  const meta = new StaticMetadata(metadata);
  const access = new AccessControl({ value: parseAccessRules('{}', 'bench: no rules file') }, meta, () => undefined, { mode: 'all', policy: async () => policy });
  const principal = { user: 'analyst', groups: ['team_3', 'team_42', 'team_77'], authenticatedBy: 'bench' };
  const session = parseSession({ 'x-trino-user': 'analyst' });
  const check = async (sql: string) => {
    try {
      await access.check({ principal, user: 'analyst', session, sql });
      return true;
    } catch {
      return false;
    }
  };

  const cold: number[] = [];
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    if (await check(statement(i))) allowed++;
    cold.push(performance.now() - t);
  }
  const cached: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await check(statement(i));
    cached.push(performance.now() - t);
  }
  const tagsOnly: number[] = [];
  const subject = { user: 'analyst', groups: principal.groups };
  for (let i = 0; i < Math.min(count, 2000); i++) {
    const request = await analyze(statement(i), {}, meta, new Map());
    const t = performance.now();
    policy.evaluate(subject, request);
    tagsOnly.push(performance.now() - t);
  }

  const dir = mkdtempSync(join(tmpdir(), 'qg-bench-tags-'));
  const reload: number[] = [];
  let write = 0;
  try {
    const store = SqliteTagStore.open(join(dir, 'history.db'));
    const t = performance.now();
    await store.replace(document);
    write = performance.now() - t;
    for (let i = 0; i < (flags.smoke ? 2 : 10); i++) {
      const start = performance.now();
      const loaded = await store.load();
      new TagPolicy(loaded.document, loaded.version);
      reload.push(performance.now() - start);
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`policy: ${resources} tagged resources, ${document.grants.length} grants; ${count} distinct statements (${allowed} allowed, ${count - allowed} denied); cache ${JSON.stringify(access.cacheStats)}`);
  console.log(
    '\n' +
      table([
        ['per statement', 'p50', 'p99', 'max'],
        row('cold: analysis + rules + tag decision (cache miss)', cold),
        row('tag decision only (TagPolicy.evaluate)', tagsOnly),
        row('cached (key + hit)', cached),
      ]),
  );
  const ms = (v: number) => `${fixed(v, 1)} ms`;
  console.log(`\nstore (SQLite): write the whole policy ${ms(write)}; reload + index p50 ${ms(percentile(sortedCopy(reload), 50))}, max ${ms(Math.max(...reload))}`);
  if (flags.smoke) console.log('smoke: OK');
}

await runMain('tag-authorization', FLAGS, main);
