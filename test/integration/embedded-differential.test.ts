/**
 * The result differential of the embedded engine (issue 19): every statement of the corpus runs
 * on Trino 483 (catalog tpch, schema tiny) and through the gateway on the embedded DuckDB engine
 * (catalog demo, schema tpch, which holds the same rows). Accepted statements must agree exactly:
 * the same column names and types, the same values in Trino's JSON encoding (doubles exactly,
 * except statements marked floatOrder, to a relative 1e-9; approx_distinct's estimates within three
 * times Trino's documented standard error; map_agg's maps, ordered by Trino's hash table, as sets of
 * entries), or the same error. A statement the
 * engine refuses with NOT_SUPPORTED counts as refused, never as agreeing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery, type QueryRun } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';
import { corpus, type Case } from './embedded-differential/corpus.js';
import { generatedCases } from './embedded-differential/generated.js';

/** Generated statements added to the hand-written corpus: QUERYGATE_EMBEDDED_GENERATED=<n> runs more (the long run), QUERYGATE_EMBEDDED_SEED=<s> another seed. */
const GENERATED = Number(process.env.QUERYGATE_EMBEDDED_GENERATED ?? 200);
const SEED = Number(process.env.QUERYGATE_EMBEDDED_SEED ?? 19);

const USER = 'differential';
let gateway: RunningGateway;
let trinoUrl: string;

before(async () => {
  trinoUrl = await ensureTrino();
  gateway = await startTestGateway({ backends: [{ name: 'embedded', engine: 'duckdb' }] });
});
after(async () => gateway?.close());

interface Outcome {
  columns?: Array<{ name: string; type: string }>;
  rows?: unknown[][];
  error?: string;
  message?: string;
}

function outcome(run: QueryRun): Outcome {
  if (run.error) return { error: String(run.error.errorName), message: String(run.error.message) };
  return { columns: (run.columns ?? []).map((c) => ({ name: c.name, type: c.type })), rows: JSON.parse(`[${run.rowsText}]`) as unknown[][] };
}

/** A statement whose last clause is a top-level ORDER BY: its rows are compared in order. */
function isOrdered(sql: string): boolean {
  return /ORDER BY[^()]*$/i.test(sql);
}

/** `relative`: numbers may differ by this fraction of the larger (0: exactly equal). */
function sameValue(a: unknown, b: unknown, relative: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    // -0 and 0 are different values (Object.is), as their JSON texts are.
    return Object.is(a, b) || (relative > 0 && a !== 0 && Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b)));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i], relative));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Trino documents approx_distinct's standard error as 2.3 %; its estimates are compared within three of them. */
const ESTIMATE_TOLERANCE = 3 * 0.023;

/** A value with the members of every JSON object (a map) sorted by name. */
function withSortedMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedMembers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, withSortedMembers(v)]));
}

function sortedRows(rows: unknown[][], ordered: boolean): unknown[][] {
  return ordered ? rows : [...rows].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

/** Why the two outcomes differ, or undefined when they agree. */
function difference(c: Case, trino: Outcome, embedded: Outcome): string | undefined {
  if (trino.error !== undefined || embedded.error !== undefined) {
    return trino.error === embedded.error ? undefined : `error ${trino.error ?? 'none'} (${trino.message ?? ''}) vs ${embedded.error ?? 'none'} (${embedded.message ?? ''})`;
  }
  if (JSON.stringify(trino.columns) !== JSON.stringify(embedded.columns)) return `columns ${JSON.stringify(trino.columns)} vs ${JSON.stringify(embedded.columns)}`;
  const ordered = isOrdered(c.sql);
  let expected = trino.rows!;
  // The session functions name the session's catalog and schema, which differ by design (tpch.tiny vs demo.tpch).
  if (/current_(catalog|schema)/.test(c.sql)) expected = expected.map((row) => row.map((v) => (v === 'tpch' ? 'demo' : v === 'tiny' ? 'tpch' : v)));
  const entries = (rows: unknown[][]): unknown[][] => (c.unorderedMap ? (withSortedMembers(rows) as unknown[][]) : rows);
  const a = sortedRows(entries(expected), ordered);
  const b = sortedRows(entries(embedded.rows!), ordered);
  if (!sameValue(a, b, c.estimate ? ESTIMATE_TOLERANCE : c.floatOrder ? 1e-9 : 0)) return `rows ${JSON.stringify(a).slice(0, 400)} vs ${JSON.stringify(b).slice(0, 400)}`;
  return undefined;
}

test('the embedded engine answers the corpus exactly as Trino does, or refuses', { timeout: 900_000 }, async () => {
  const written = corpus();
  assert.ok(written.length >= 500, `the corpus has ${written.length} statements`);
  const cases = [...written, ...generatedCases(SEED, GENERATED).map((c) => ({ ...c, generated: true }))];
  const results: Array<{ c: Case; trino: Outcome; embedded: Outcome }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      const [trino, embedded] = await Promise.all([
        runQuery(trinoUrl, c.sql, { 'X-Trino-User': USER, 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny', ...c.headers }),
        runQuery(gateway.url, c.sql, { 'X-Trino-User': USER, 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch', ...c.headers }),
      ]);
      results[i] = { c, trino: outcome(trino), embedded: outcome(embedded) };
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const refused = results.filter((r) => r.embedded.error === 'NOT_SUPPORTED' && r.trino.error !== 'NOT_SUPPORTED');
  const accepted = results.filter((r) => !refused.includes(r));
  const disagreements = accepted.flatMap((r) => {
    const why = difference(r.c, r.trino, r.embedded);
    return why === undefined ? [] : [{ generated: r.c.generated === true, text: `${r.c.sql.replace(/\s+/g, ' ')}\n    ${why}` }];
  });
  const leaked = results.filter((r) => /duckdb|binder error|catalog error|INT32|INT64/i.test(r.embedded.message ?? ''));
  for (const [part, generated] of [['hand-written', false], [`generated (seed ${SEED})`, true]] as const) {
    const all = results.filter((r) => (r.c.generated === true) === generated);
    const partRefused = all.filter((r) => refused.includes(r)).length;
    const partAccepted = all.length - partRefused;
    const partAgreeing = partAccepted - disagreements.filter((d) => d.generated === generated).length;
    // Agreeing on an error (the statement is wrong in Trino too) is reported apart from agreeing on a result.
    const partErrors = all.filter((r) => !refused.includes(r) && r.trino.error !== undefined && r.trino.error === r.embedded.error).length;
    console.log(
      `embedded differential, ${part}: ${all.length} statements, ${partAccepted} accepted, ${partAgreeing} agree with Trino ` +
        `(${((100 * partAgreeing) / Math.max(1, partAccepted)).toFixed(1)} % of accepted; ${partErrors} of them on the same error), ` +
        `${partRefused} refused (${((100 * partRefused) / Math.max(1, all.length)).toFixed(1)} %)`,
    );
  }
  if (process.env.QUERYGATE_DIFFERENTIAL_REFUSALS) for (const r of refused) console.log(`refused: ${r.c.sql.replace(/\s+/g, ' ')}\n    ${r.embedded.message}`);
  for (const d of disagreements) console.log(`disagrees: ${d.text}`);
  assert.deepEqual(disagreements.map((d) => d.text), []);
  assert.deepEqual(leaked.map((r) => r.embedded.message), []);
});
