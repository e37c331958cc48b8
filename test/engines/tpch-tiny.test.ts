/**
 * The embedded engine's demo.tpch holds exactly Trino's tpch.tiny: the same column names and
 * types, and the same rows, checked per table by a row count and order-independent checksums
 * of every column computed by each engine itself over the same expressions.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDbEngine } from '../../src/engines/duckdb/duckdb-engine.js';
import { TPCH_COLUMNS } from '../../src/engines/duckdb/demo-data.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino } from '../support/services.js';

const engine = new DuckDbEngine({ demo: true });
let trinoUrl: string;

before(async () => {
  trinoUrl = await ensureTrino();
  await engine.start();
});
after(() => engine.close());

async function embedded(sql: string): Promise<unknown[][]> {
  const execution = await engine.execute({ sql, parameters: [], user: 'check', catalog: 'demo', schema: 'tpch', parametricDatetime: false }, new AbortController().signal);
  const parts: string[] = [];
  for (let page = await execution.nextPage(1 << 20); page !== null; page = await execution.nextPage(1 << 20)) parts.push(page.rowsJson);
  return JSON.parse(`[${parts.join(',')}]`) as unknown[][];
}

async function trino(sql: string): Promise<unknown[][]> {
  const run = await runQuery(trinoUrl, sql, { 'X-Trino-User': 'check', 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' });
  assert.equal(run.error, undefined, JSON.stringify(run.error));
  return JSON.parse(`[${run.rowsText}]`) as unknown[][];
}

/**
 * Per column, computed by each engine: the count of distinct values and exact aggregates (text
 * lengths, extremes, sums; a double enters as its value in hundredths, which the tpch values have
 * exactly, so every sum is an exact bigint whatever the order of addition).
 */
function checksumQuery(table: string): string {
  const parts = TPCH_COLUMNS[table]!.flatMap(([name, type]) => {
    if (type.startsWith('varchar')) return [`count(DISTINCT ${name})`, `sum(length(${name}))`, `min(${name})`, `max(${name})`];
    if (type === 'date') return [`count(DISTINCT ${name})`, `min(${name})`, `max(${name})`, `sum(year(${name}) * 10000 + month(${name}) * 100 + day(${name}))`];
    if (type === 'double') return [`count(DISTINCT CAST(round(${name} * 100) AS bigint))`, `sum(CAST(round(${name} * 100) AS bigint))`];
    return [`count(DISTINCT ${name})`, `sum(${name})`, `min(${name})`, `max(${name})`];
  });
  return `SELECT count(*), ${parts.join(', ')} FROM ${table}`;
}

test('demo.tpch has the tables, columns and types of Trino tpch.tiny', async () => {
  const rows = await trino("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'tiny' ORDER BY table_name, ordinal_position");
  const expected: Record<string, Array<[string, string]>> = {};
  for (const [table, column, type] of rows as string[][]) (expected[table!] ??= []).push([column!, type!]);
  assert.deepEqual(Object.fromEntries(Object.entries(TPCH_COLUMNS).map(([t, cols]) => [t, cols.map(([n, ty]) => [n, ty])])), expected);
  for (const table of Object.keys(TPCH_COLUMNS)) {
    const columns = await engine.columnsOf('demo', 'tpch', table);
    assert.deepEqual(columns.map((c) => [c.name, c.type]), expected[table], table);
  }
});

for (const table of Object.keys(TPCH_COLUMNS)) {
  test(`demo.tpch.${table} holds the rows of tpch.tiny.${table}`, async () => {
    const sql = checksumQuery(table);
    const [ours, theirs] = [await embedded(sql), await trino(sql)];
    assert.deepEqual(ours, theirs, table);
  });
}
