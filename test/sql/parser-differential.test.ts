/**
 * Parser differential (issue 16, "What to build" 2): statements mutated at every kind of position
 * (token insertions, deletions, duplications and swaps; comments of every form and terminator;
 * every white space and line terminator code point Unicode knows; quotes and string prefixes of
 * both dialects) are read by the gateway's analyzer and by the engines themselves:
 * - Trino's own parser (trino-parser 483, test/sql/TrinoParse.java): when Trino accepts a
 *   statement the gateway allows, the gateway's tokens must be Trino's tokens and its tables the
 *   tables Trino's tree names;
 * - DuckDB (json_serialize_sql, SELECT statements): when DuckDB parses a statement the gateway
 *   allows, the tables it names must be the gateway's.
 * Any difference is a failure. A sample of the SELECTs both accept also runs on the real Trino
 * (QUERYGATE_PARSER_DIFF_SERVER, default 20): every table and column its QueryInfo records as read
 * must be among the gateway's. The default run (npm test) is a smoke of QUERYGATE_PARSER_DIFF
 * mutations (default 2,000); the long run sets it to 100000 or more.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { analyze } from '../../src/sql/analyzer/index.js';
import { tokenize } from '../../src/sql/lexer.js';
import { corpus, setupStatements } from './corpus.js';
import { SESSION, StaticMetadata, TPCH_COLUMNS } from './support.js';
import { trinoParserUnavailable, trinoRead, type TrinoReading } from './trino-parser.js';
import { queryInfo, run, trinoUp } from './trino.js';
import { seededRandom } from '../support/random.js';

const COUNT = Number(process.env.QUERYGATE_PARSER_DIFF ?? 2000);
const SEED = Number(process.env.QUERYGATE_PARSER_DIFF_SEED ?? 16);
/** How many statements both parsers accept and the gateway allows also run on the real Trino server, comparing columns too. */
const SERVER = Number(process.env.QUERYGATE_PARSER_DIFF_SERVER ?? 20);
const MEM = 'memory.pdiff';
const unavailable = trinoParserUnavailable();

const extra: Record<string, string[]> = {};
for (const [t, cols] of Object.entries(TPCH_COLUMNS)) {
  extra[`${MEM}.${t}`] = cols;
  extra[`${MEM}.v_${t}`] = cols.slice(0, 2);
}
const metadata = new StaticMetadata(extra);

/** Every code point Unicode classes as white space or a line/paragraph separator, plus the zero-width ones DuckDB or editors treat as such. */
const WHITE = [
  ...'\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
  '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\r\n', '\u001c', '\u001d', '\u001e', '\u001f',
];
const PIECES = [
  ...WHITE,
  '--', '--x\r', '--x\n', '--x\r\n', '--x\u2028', '--x\u0085', '--x\u000b', '--x\u000c', '/**/', '/* x */', '/* /* */', '/*/*/', '/*', '*/', '/* -- */', '-- /*\n',
  "'", '"', '`', "''", '""', "E'", "e'", "U&'", 'U&"', "X'", "N'", "B'", '$$', '$a$', '$1', '\\', '\\\'', ';', '\0', '?', '::', ':', '.', ',', '(', ')', '[', ']', '{', '}', '@', '#', '&', '~', '!',
  'ſ', 'ı', 'K', 'é', '\u0301', '0x', '1e', '1_', '_1', '.5',
  ' UNION ALL SELECT o_comment FROM orders ', ' FROM orders ', ', o_comment ', ' orders ', ' "orders" ', ' tpch.tiny.orders ',
];

const BENIGN = [...WHITE, '--x\r', '--x\n', '--x\r\n', '/**/', '/* x */', '/* -- */', '-- /*\n', ' /* \u2028 */ ', ' --\u00a0\n'];

function mutate(sql: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let out = sql;
  const steps = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < steps; s++) {
    let spans: Array<{ start: number; end: number }>;
    try {
      spans = tokenize(out).filter((t) => t.kind !== 'eof');
    } catch {
      spans = [];
    }
    const op = rnd();
    if (spans.length >= 2 && op < 0.35) {
      // White space or a comment at a token boundary: the statement usually stays valid.
      const t = pick(spans);
      const at = rnd() < 0.5 ? t.start : t.end;
      out = out.slice(0, at) + pick(BENIGN) + out.slice(at);
    } else if (spans.length < 2 || op < 0.5) {
      // A piece at any character position, inside tokens too.
      const at = Math.floor(rnd() * (out.length + 1));
      out = out.slice(0, at) + pick(PIECES) + out.slice(at);
    } else if (op < 0.7) {
      // A piece at a token boundary.
      const t = pick(spans);
      const at = rnd() < 0.5 ? t.start : t.end;
      out = out.slice(0, at) + pick(PIECES) + out.slice(at);
    } else if (op < 0.77) {
      const t = pick(spans);
      out = out.slice(0, t.start) + out.slice(t.end);
    } else if (op < 0.84) {
      const t = pick(spans);
      out = out.slice(0, t.end) + ' ' + out.slice(t.start, t.end) + out.slice(t.end);
    } else if (op < 0.9) {
      const i = Math.floor(rnd() * (spans.length - 1));
      const a = spans[i]!;
      const b = spans[i + 1]!;
      out = out.slice(0, a.start) + out.slice(b.start, b.end) + out.slice(a.end, b.start) + out.slice(a.start, a.end) + out.slice(b.end);
    } else {
      // The gap between two tokens becomes another white space or a comment.
      const i = Math.floor(rnd() * (spans.length - 1));
      out = out.slice(0, spans[i]!.end) + pick([...WHITE, '--x\r', '/**/']) + out.slice(spans[i + 1]!.start);
    }
  }
  return out;
}

type Gateway = { tables: string[]; tokens: string[]; kind: string; reads: Record<string, string[]> } | { error: string };

async function gatewayReading(sql: string): Promise<Gateway> {
  try {
    const request = await analyze(sql, SESSION, metadata);
    const tables = [...new Set(request.tables.map((t) => `${t.table.catalog}.${t.table.schema}.${t.table.name}`))].sort();
    const reads: Record<string, string[]> = {};
    for (const t of request.tables) if (t.privilege === 'SELECT') reads[`${t.table.catalog}.${t.table.schema}.${t.table.name}`] = t.columns;
    return { tables, tokens: tokenize(sql).filter((t) => t.kind !== 'eof').map((t) => t.text), kind: request.kind, reads };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Table names as Trino's tree names them, resolved against the session; CTE names are left to `withoutCtes`. */
function trinoTables(r: TrinoReading): string[] {
  const names = (r.tables ?? []).map((parts) => [...[SESSION.catalog, SESSION.schema].slice(0, Math.max(0, 3 - parts.length)), ...parts].join('.'));
  return [...new Set(names)].sort();
}

/**
 * A CTE shadows a table of its name only within its scope; the oracles do not resolve scopes, so
 * tables named like a CTE of the statement are left out on both sides.
 */
function withoutCtes(tables: string[], ctes: Set<string>): string[] {
  return tables.filter((t) => !ctes.has(t.slice(t.lastIndexOf('.') + 1)));
}

/** Table names (last part, lower case) DuckDB's parse tree references, and its CTE names. */
function duckTables(json: string): { tables: string[]; ctes: Set<string> } | undefined {
  const doc = JSON.parse(json) as { error?: boolean; statements?: unknown[] };
  if (doc.error || !doc.statements || doc.statements.length !== 1) return undefined;
  const tables = new Set<string>();
  const ctes = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'BASE_TABLE' && typeof o.table_name === 'string') tables.add(o.table_name.toLowerCase());
    if (o.cte_map && typeof o.cte_map === 'object') for (const e of (o.cte_map as { map?: Array<{ key: string }> }).map ?? []) ctes.add(e.key.toLowerCase());
    Object.values(o).forEach(walk);
  };
  walk(doc.statements);
  return { tables: [...tables].sort(), ctes };
}

/** Runs a sample of the candidates on the real Trino; a table or column Trino read that the gateway did not report is a failure. */
async function serverCheck(candidates: Array<{ sql: string; reads: Record<string, string[]> }>, failures: unknown[]): Promise<{ ran: number; trinoErrors: number } | string> {
  if (SERVER <= 0) return 'not asked';
  if (!(await trinoUp())) return 'no Trino on 127.0.0.1:18080';
  const pick = seededRandom(SEED + 1);
  const sample: typeof candidates = [];
  const pool = candidates.slice();
  while (sample.length < SERVER && pool.length > 0) sample.push(pool.splice(Math.floor(pick() * pool.length), 1)[0]!);
  await run(`DROP SCHEMA IF EXISTS ${MEM} CASCADE`);
  for (const s of setupStatements(MEM)) {
    const r = await run(s);
    if (r.error) throw new Error(`setup failed: ${s}: ${r.error}`);
  }
  const result = { ran: 0, trinoErrors: 0 };
  try {
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let c = sample.shift(); c; c = sample.shift()) {
          const ran = await run(c.sql, SESSION);
          result.ran++;
          if (ran.error) {
            result.trinoErrors++;
            continue;
          }
          for (const r of (await queryInfo(ran.id)).referencedTables) {
            if (!r.directlyReferenced) continue;
            const mine = c.reads[`${r.catalog}.${r.schema}.${r.table}`];
            // Hidden columns (the tpch connector's row_number) are a documented difference (corpus.ts, HIDDEN): only visible ones count.
            const visible = (await metadata.columnsOf({ catalog: r.catalog, schema: r.schema, name: r.table })) ?? [];
            const missing = r.columns.map((col) => col.column).filter((col) => visible.includes(col) && !mine?.includes(col));
            if (mine === undefined || missing.length > 0) failures.push({ engine: 'trino-server', sql: c.sql, table: `${r.catalog}.${r.schema}.${r.table}`, missing, gateway: c.reads });
          }
        }
      }),
    );
  } finally {
    await run(`DROP SCHEMA IF EXISTS ${MEM} CASCADE`);
  }
  return result;
}

test(`parser differential: ${COUNT} mutated statements against Trino's parser and DuckDB`, { skip: unavailable ?? false, timeout: 6 * 3600_000 }, async () => {
  const seeds = corpus().map((e) => e.sql.replaceAll('{mem}', MEM));
  seeds.push(
    `INSERT INTO ${MEM}.nation SELECT * FROM nation`,
    `DELETE FROM ${MEM}.orders WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem)`,
    `CREATE TABLE ${MEM}.x AS SELECT n_name FROM nation`,
    `DROP TABLE ${MEM}.region`,
    `SHOW COLUMNS FROM ${MEM}.part`,
    `EXPLAIN SELECT c_name FROM customer`,
    `SELECT U&'\\0041' UESCAPE '#', X'00ff', 1_000, 0x1F, .5e3, "n_name" FROM nation -- c\r`,
  );
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const serialize = await duck.prepare('SELECT json_serialize_sql($1::VARCHAR)');
  const rnd = seededRandom(SEED);
  const stats = { mutations: 0, trinoAccepts: 0, gatewayAllows: 0, bothAccept: 0, gatewayStricter: 0, trinoStricter: 0, duckdbCompared: 0, failures: 0 };
  const failures: unknown[] = [];
  // Not failures, kept for reading: what only one side accepts.
  const samples: { gatewayStricter: unknown[]; trinoStricter: unknown[] } = { gatewayStricter: [], trinoStricter: [] };
  const candidates: Array<{ sql: string; reads: Record<string, string[]> }> = [];
  const BATCH = 5000;
  for (let done = 0; done < COUNT; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, COUNT - done) }, () => mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd));
    const trino = await trinoRead(batch);
    for (let i = 0; i < batch.length; i++) {
      const sql = batch[i]!;
      const t = trino[i]!;
      const g = await gatewayReading(sql);
      stats.mutations++;
      if (t.ok) stats.trinoAccepts++;
      if ('error' in g) {
        if (t.ok && ++stats.gatewayStricter <= 50) samples.gatewayStricter.push({ sql, gateway: g.error });
        continue;
      }
      stats.gatewayAllows++;
      if (!t.ok) {
        if (++stats.trinoStricter <= 50) samples.trinoStricter.push({ sql, trino: t.error });
      } else {
        stats.bothAccept++;
        const ctes = new Set(t.ctes ?? []);
        const tt = withoutCtes(trinoTables(t), ctes);
        const gt = withoutCtes(g.tables, ctes);
        if (JSON.stringify(t.tokens) !== JSON.stringify(g.tokens) || JSON.stringify(tt) !== JSON.stringify(gt)) {
          failures.push({ engine: 'trino', index: done + i, sql, trino: { tables: tt, tokens: t.tokens }, gateway: g });
        }
        if (g.kind === 'query') candidates.push({ sql, reads: g.reads });
      }
      serialize.bind([sql]);
      const d = duckTables(String((await serialize.runAndReadAll()).getRows()[0]![0]));
      if (d !== undefined) {
        stats.duckdbCompared++;
        const theirs = withoutCtes(d.tables, d.ctes);
        const mine = withoutCtes([...new Set(g.tables.map((n) => n.slice(n.lastIndexOf('.') + 1)))].sort(), d.ctes);
        if (JSON.stringify(theirs) !== JSON.stringify(mine)) failures.push({ engine: 'duckdb', index: done + i, sql, duckdb: theirs, gateway: mine });
      }
    }
  }
  const server = await serverCheck(candidates, failures);
  stats.failures = failures.length;
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync(`test-artifacts/parser-differential-${SEED}-${COUNT}.json`, JSON.stringify({ seed: SEED, stats, server, failures: failures.slice(0, 200), samples }, null, 2));
  console.log(`parser differential (seed ${SEED}): ${JSON.stringify(stats)}; on the Trino server: ${JSON.stringify(server)}`);
  assert.ok(stats.bothAccept > COUNT / 20, `too few statements both accept to prove anything: ${stats.bothAccept}`);
  assert.deepEqual(failures.slice(0, 10), []);
});
