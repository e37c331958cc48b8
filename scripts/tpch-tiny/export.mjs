// Regenerates assets/tpch-tiny/*.parquet from a running Trino's tpch.tiny (default http://127.0.0.1:18080):
//   node scripts/tpch-tiny/export.mjs [trino-url]
// The embedded engine loads these files as its `demo.tpch` schema; the checksum test in
// test/engines/tpch-tiny.test.ts compares them with Trino again.
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const trino = process.argv[2] ?? 'http://127.0.0.1:18080';
const out = fileURLToPath(new URL('../../assets/tpch-tiny/', import.meta.url));
const TABLES = ['region', 'nation', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem'];
/** DuckDB column types for Trino's tpch types (varchar lengths are kept in src/engines/duckdb/demo-data.ts). */
const duckType = (t) => (t.startsWith('varchar') ? 'VARCHAR' : t.toUpperCase());

async function query(sql) {
  let doc = await (await fetch(`${trino}/v1/statement`, { method: 'POST', body: sql, headers: { 'X-Trino-User': 'export', 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' } })).json();
  const rows = [];
  let columns;
  for (;;) {
    if (doc.columns) columns = doc.columns;
    if (doc.data) rows.push(...doc.data);
    if (doc.error) throw new Error(doc.error.message);
    if (!doc.nextUri) return { columns, rows };
    doc = await (await fetch(doc.nextUri)).json();
  }
}

mkdirSync(out, { recursive: true });
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (const table of TABLES) {
  const { columns, rows } = await query(`SELECT * FROM ${table}`);
  await connection.run(`CREATE TABLE ${table} (${columns.map((c) => `${c.name} ${duckType(c.type)}`).join(', ')})`);
  const appender = await connection.createAppender(table);
  for (const row of rows) {
    row.forEach((value, i) => {
      const type = columns[i].type;
      if (type === 'bigint') appender.appendBigInt(BigInt(value));
      else if (type === 'integer') appender.appendInteger(value);
      else if (type === 'double') appender.appendDouble(value);
      else appender.appendVarchar(value);
    });
    appender.endRow();
  }
  appender.closeSync();
  const file = `${out}${table}.parquet`;
  rmSync(file, { force: true });
  // Sorted by key as Trino serves it; dates travel as text and are cast on the way out.
  const select = columns.map((c) => (c.type === 'date' ? `CAST(${c.name} AS DATE) AS ${c.name}` : c.name)).join(', ');
  await connection.run(`COPY (SELECT ${select} FROM ${table}) TO '${file}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 19)`);
  console.log(`${table}: ${rows.length} rows`);
}
