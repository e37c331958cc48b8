/**
 * Differential test against a real Trino (483): every corpus statement runs on Trino (tpch.tiny
 * session); the tables and columns Trino's analyzer recorded (QueryInfo.referencedTables, only
 * directly referenced objects — views are opaque to the gateway) are compared with the SELECT
 * entries of the gateway's AccessRequest. Statements Trino rejects must be rejected by the gateway.
 *
 * Skipped when no Trino answers on QUERYGATE_TRINO_URL / port 18080 (start one with
 * `bash scripts/trino/start.sh --name trino1 --port 18080`).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { analyze, type AccessRequest } from '../../src/sql/analyzer/index.js';
import { corpus, setupStatements, type CorpusEntry } from './corpus.js';
import { queryInfo, run, trinoUp, TrinoMetadata } from './trino.js';

const up = await trinoUp();
const MEM = `memory.qga_${process.pid}_${Date.now().toString(36)}`;
const SESSION = { catalog: 'tpch', schema: 'tiny' };

type Tables = Record<string, string[]>;

function fromTrino(refs: Awaited<ReturnType<typeof queryInfo>>['referencedTables']): Tables {
  const out: Tables = {};
  for (const r of refs) {
    if (!r.directlyReferenced) continue;
    const key = `${r.catalog}.${r.schema}.${r.table}`;
    out[key] = [...new Set([...(out[key] ?? []), ...r.columns.map((c) => c.column)])].sort();
  }
  return out;
}

function fromGateway(req: AccessRequest): Tables {
  const out: Tables = {};
  for (const t of req.tables) {
    if (t.privilege !== 'SELECT') continue;
    out[`${t.table.catalog}.${t.table.schema}.${t.table.name}`] = t.columns;
  }
  return out;
}

interface Outcome {
  entry: CorpusEntry;
  sql: string;
  trino: Tables | { error: string };
  gateway: Tables | { error: string };
  agree: boolean;
}

const outcomes: Outcome[] = [];

async function check(entry: CorpusEntry, metadata: TrinoMetadata): Promise<Outcome> {
  const sql = entry.sql.replaceAll('{mem}', MEM);
  const ran = await run(sql, SESSION);
  let trino: Outcome['trino'];
  if (ran.error) trino = { error: ran.error };
  else trino = fromTrino((await queryInfo(ran.id)).referencedTables);
  let gateway: Outcome['gateway'];
  try {
    gateway = fromGateway(await analyze(sql, SESSION, metadata));
  } catch (err) {
    gateway = { error: (err as Error).message };
  }
  const agree = 'error' in trino ? 'error' in gateway : !('error' in gateway) && JSON.stringify(sortKeys(trino)) === JSON.stringify(sortKeys(gateway));
  return { entry, sql, trino, gateway, agree };
}

function sortKeys(t: Tables): Tables {
  return Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : 1)));
}

before(async () => {
  if (!up) return;
  for (const s of setupStatements(MEM)) {
    const r = await run(s);
    if (r.error) throw new Error(`setup failed: ${s}: ${r.error}`);
  }
});

after(async () => {
  if (!up) return;
  await run(`DROP SCHEMA ${MEM} CASCADE`).catch(() => undefined);
});

test('differential: gateway tables and columns agree with Trino referencedTables', { skip: up ? false : 'no Trino on 127.0.0.1:18080' }, async () => {
  const metadata = new TrinoMetadata();
  const entries = corpus();
  assert.ok(entries.length >= 300, `corpus has ${entries.length} statements`);
  const queue = entries.slice();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) outcomes.push(await check(e, metadata));
    }),
  );
  outcomes.sort((a, b) => entries.indexOf(a.entry) - entries.indexOf(b.entry));
  const agreeing = outcomes.filter((o) => o.agree).length;
  const unexpected = outcomes.filter((o) => !o.agree && !o.entry.difference);
  const fixed = outcomes.filter((o) => o.agree && o.entry.difference);
  const report = {
    statements: outcomes.length,
    agreeing,
    rate: `${((100 * agreeing) / outcomes.length).toFixed(1)}%`,
    trinoErrors: outcomes.filter((o) => 'error' in o.trino).length,
    seconds: (Date.now() - started) / 1000,
    documentedDifferences: outcomes.filter((o) => !o.agree && o.entry.difference).map((o) => ({ id: o.entry.id, why: o.entry.difference, trino: o.trino, gateway: o.gateway })),
    unexpected: unexpected.map((o) => ({ id: o.entry.id, sql: o.sql, trino: o.trino, gateway: o.gateway })),
  };
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/sql-differential.json', JSON.stringify(report, null, 2));
  console.log(`differential: ${agreeing}/${outcomes.length} agree (${report.rate}); ${report.documentedDifferences.length} documented differences; ${unexpected.length} unexpected; ${report.seconds}s`);
  assert.deepEqual(unexpected.map((o) => ({ id: o.entry.id, trino: o.trino, gateway: o.gateway })), []);
  assert.deepEqual(fixed.map((o) => o.entry.id), [], 'documented differences that now agree: remove their notes');
});
