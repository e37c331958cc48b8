/**
 * Metadata statements the embedded engine answers beyond the catalog's objects (issue 20):
 * SHOW STATS, compared with Trino 483 over the same data (Trino's tpch.tiny, the embedded
 * engine's demo.tpch). Trino's values come from its tpch connector's precomputed statistics, the
 * embedded engine's are computed over the rows: the columns, their types, the row layout,
 * row_count and nulls_fraction must be equal; distinct counts, data sizes and low/high values
 * are counted and reported (the README gives the figures and why they differ).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

const TABLES = ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier'];
const QUERIES = ['SELECT * FROM {t}.nation', 'SELECT n_name, n_regionkey FROM {t}.nation WHERE n_regionkey > 2', 'SELECT * FROM {t}.orders WHERE o_orderstatus = \'F\''];
const FIELDS = ['column_name', 'data_size', 'distinct_values_count', 'nulls_fraction', 'row_count', 'low_value', 'high_value'];

/** ann reads demo.tpch.nation with n_name masked; everyone else reads everything. */
const MASKING_RULES = {
  catalogs: [{ allow: 'all' }],
  tables: [
    { user: 'ann', catalog: 'demo', schema: 'tpch', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'n_name', mask: "'masked'" }] },
    { privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP', 'GRANT_SELECT'] },
  ],
};

let trino: string;
let embedded: RunningGateway;
let governed: RunningGateway;

before(async () => {
  trino = await ensureTrino();
  embedded = await startTestGateway({ backends: [{ name: 'embedded', engine: 'duckdb' }] });
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-md-stats-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(MASKING_RULES));
  governed = await startTestGateway({ accessControl: { rulesFile }, backends: [{ name: 'embedded', engine: 'duckdb' }] });
});
after(async () => {
  await embedded?.close();
  await governed?.close();
});

interface Stats {
  columns: string;
  rows: unknown[][];
}

async function stats(url: string, sql: string): Promise<Stats> {
  const result = await runQuery(url, sql, { 'X-Trino-User': 'admin' });
  assert.equal(result.error, undefined, `${url}: ${sql}: ${JSON.stringify(result.error?.message)}`);
  return { columns: JSON.stringify(result.columns?.map((c) => [c.name, c.type])), rows: JSON.parse(`[${result.rowsText}]`) as unknown[][] };
}

test('SHOW STATS on the embedded engine: Trino’s columns, types and row layout; exact row counts and null fractions', { timeout: 300_000 }, async () => {
  const same: Record<string, number> = Object.fromEntries(FIELDS.map((f) => [f, 0]));
  let cells = 0;
  let statements = 0;
  const differences: string[] = [];
  const corpus = [...TABLES.map((t) => ({ template: `SHOW STATS FOR {t}.${t}`, exact: true })), ...QUERIES.map((q) => ({ template: `SHOW STATS FOR (${q})`, exact: false }))];
  for (const { template, exact } of corpus) {
    const expected = await stats(trino, template.replaceAll('{t}', 'tpch.tiny'));
    const ours = await stats(embedded.url, template.replaceAll('{t}', 'demo.tpch'));
    statements++;
    assert.equal(ours.columns, expected.columns, template);
    // One row per column in the same order, then the summary row.
    assert.deepEqual(ours.rows.map((r) => r[0]), expected.rows.map((r) => r[0]), template);
    expected.rows.forEach((row, i) => {
      FIELDS.forEach((field, f) => {
        cells++;
        if (JSON.stringify(ours.rows[i]![f]) === JSON.stringify(row[f])) same[field]!++;
        else differences.push(`${template} ${String(row[0] ?? '(summary)')}.${field}: trino ${JSON.stringify(row[f])}, embedded ${JSON.stringify(ours.rows[i]![f])}`);
      });
    });
    if (exact) {
      // What a table's statistics must say exactly: its row count and every column's null fraction.
      assert.deepEqual(ours.rows.map((r) => [r[3], r[4]]), expected.rows.map((r) => [r[3], r[4]]), template);
    }
  }
  const perField = FIELDS.map((f) => `${f} ${same[f]}/${cells / FIELDS.length}`).join(', ');
  console.log(`SHOW STATS: ${statements} statements, ${cells} cells; equal per field: ${perField}`);
  for (const d of differences.slice(0, 60)) console.log(d);
  if (differences.length > 60) console.log(`... ${differences.length - 60} more`);
});

test('SHOW STATS of what does not exist fails as on Trino', async () => {
  const cases = ['SHOW STATS FOR {t}.no_such_table', 'SHOW STATS FOR {c}.no_such_schema.t', 'SHOW STATS FOR (SELECT * FROM {t}.no_such_table)', 'SHOW STATS FOR (SELECT no_such_column FROM {t}.nation)'];
  for (const template of cases) {
    const expected = await runQuery(trino, template.replaceAll('{t}', 'tpch.tiny').replaceAll('{c}', 'tpch'), { 'X-Trino-User': 'admin' });
    const ours = await runQuery(embedded.url, template.replaceAll('{t}', 'demo.tpch').replaceAll('{c}', 'demo'), { 'X-Trino-User': 'admin' });
    console.log(`${template}: trino ${expected.error?.errorName}: ${expected.error?.message}; embedded ${ours.error?.errorName}: ${ours.error?.message}`);
    assert.equal(ours.error?.errorName, expected.error?.errorName, template);
    // Messages compared with the catalog names substituted (`demo` is one character shorter than `tpch.tiny` is after `demo.tpch`: positions before the name agree).
    assert.equal(String(ours.error?.message).replaceAll('demo.tpch', 'tpch.tiny').replace("'demo", "'tpch"), expected.error?.message, template);
  }
});

test('SHOW STATS FOR a query reading a masked column is refused on the embedded engine, not summarised unmasked', async () => {
  const sql = 'SHOW STATS FOR (SELECT n_name FROM demo.tpch.nation)';
  const masked = await runQuery(governed.url, sql, { 'X-Trino-User': 'ann' });
  assert.equal(masked.error?.errorName, 'NOT_SUPPORTED', JSON.stringify(masked.error?.message ?? masked.rowsText));
  const unmasked = await runQuery(governed.url, sql, { 'X-Trino-User': 'bob' });
  assert.equal(unmasked.error, undefined, JSON.stringify(unmasked.error?.message));
  assert.equal(unmasked.rowCount, 2);
});
