/** TPC-H data for the embedded engine: Trino's tpch.tiny tables copied into a DuckDB file (schema tiny). */
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteString } from '../../src/sql/quoting.js';
import { runStatement } from '../governance/client.js';

const DUCKDB_TYPES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^(bigint|integer|double|date|boolean)$/, (m) => m[1]!.toUpperCase()],
  [/^varchar(\(\d+\))?$/, () => 'VARCHAR'],
  [/^decimal\((\d+),\s*(\d+)\)$/, (m) => `DECIMAL(${m[1]}, ${m[2]})`],
];

function duckdbType(trinoType: string): string {
  for (const [re, to] of DUCKDB_TYPES) {
    const m = re.exec(trinoType);
    if (m) return to(m);
  }
  throw new Error(`no DuckDB type for ${trinoType}`);
}

function literal(value: unknown, type: string): string {
  if (value === null) return 'NULL';
  if (type === 'date') return `DATE ${quoteString(String(value))}`;
  return typeof value === 'string' ? quoteString(value) : String(value);
}

/** Copies Trino's tpch.tiny tables into a DuckDB file (schema tiny), types mapped one to one. */
export async function copyTpchTiny(trino: string, path: string, tables: readonly string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA tiny');
  for (const table of tables) {
    const answer = await runStatement(trino, `SELECT * FROM tpch.tiny.${table}`, [['X-Trino-User', 'admin']]);
    assert.ok(answer.ok && answer.columns, `reading tpch.tiny.${table}: ${answer.message}`);
    const columns = answer.columns;
    await connection.run(`CREATE TABLE tiny.${table} (${columns.map((c) => `${c.name} ${duckdbType(c.type)}`).join(', ')})`);
    const rows = answer.rows ?? [];
    for (let i = 0; i < rows.length; i += 1000) {
      const values = rows.slice(i, i + 1000).map((r) => `(${r.map((v, j) => literal(v, columns[j]!.type)).join(', ')})`);
      await connection.run(`INSERT INTO tiny.${table} VALUES ${values.join(', ')}`);
    }
  }
  connection.closeSync();
  instance.closeSync();
}

