/**
 * Metadata differential (issue 20): the same metadata statements and queries run against Trino
 * 483 directly, through the gateway in front of it, and against the embedded engine holding the
 * same tables (a DuckDB file with the same schema, tables, column names and types). The gateway
 * in front of Trino must answer exactly as Trino does; the embedded engine must answer with the
 * same columns, types and rows (its catalog name substituted). Disagreements are printed and
 * counted; the agreement rates are reported in the README (Connect your BI tool).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

const SCHEMA = `qg_meta_${process.pid}`;
const EMBEDDED_CATALOG = 'probes';

/** Each table in both engines' spelling of the same column types. */
const TABLES: Array<{ name: string; columns: Array<[name: string, trino: string, duckdb: string]> }> = [
  {
    name: 'all_types',
    columns: [
      ['c_boolean', 'boolean', 'BOOLEAN'],
      ['c_tinyint', 'tinyint', 'TINYINT'],
      ['c_smallint', 'smallint', 'SMALLINT'],
      ['c_integer', 'integer', 'INTEGER'],
      ['c_bigint', 'bigint', 'BIGINT'],
      ['c_real', 'real', 'REAL'],
      ['c_double', 'double', 'DOUBLE'],
      ['c_dec', 'decimal(12,2)', 'DECIMAL(12,2)'],
      ['c_dec38', 'decimal(38,0)', 'DECIMAL(38,0)'],
      ['c_varchar', 'varchar', 'VARCHAR'],
      ['c_varbinary', 'varbinary', 'BLOB'],
      ['c_date', 'date', 'DATE'],
      ['c_time', 'time(6)', 'TIME'],
      ['c_ts', 'timestamp(6)', 'TIMESTAMP'],
      ['c_tstz', 'timestamp(6) with time zone', 'TIMESTAMPTZ'],
      ['c_array', 'array(bigint)', 'BIGINT[]'],
      ['c_map', 'map(varchar, bigint)', 'MAP(VARCHAR, BIGINT)'],
      ['c_row', 'row(a bigint, b varchar)', 'STRUCT(a BIGINT, b VARCHAR)'],
      ['c_uuid', 'uuid', 'UUID'],
    ],
  },
  { name: 'nation', columns: [['n_nationkey', 'bigint', 'BIGINT'], ['n_name', 'varchar', 'VARCHAR'], ['n_regionkey', 'bigint', 'BIGINT'], ['n_comment', 'varchar', 'VARCHAR']] },
  { name: 'orders_x', columns: [['o_orderkey', 'bigint', 'BIGINT'], ['o_total', 'decimal(12,2)', 'DECIMAL(12,2)'], ['o_date', 'date', 'DATE'], ['o_flag', 'boolean', 'BOOLEAN']] },
  { name: 'under_score', columns: [['a_b', 'integer', 'INTEGER'], ['axb', 'integer', 'INTEGER'], ['a%b', 'varchar', 'VARCHAR']] },
  { name: 'underxscore', columns: [['id', 'bigint', 'BIGINT']] },
];

let trino: string;
let viaGateway: RunningGateway;
let embedded: RunningGateway;

before(async () => {
  trino = await ensureTrino();
  const admin = { 'X-Trino-User': 'admin' };
  await runQuery(trino, `CREATE SCHEMA memory.${SCHEMA}`, admin);
  for (const t of TABLES) {
    const created = await runQuery(trino, `CREATE TABLE memory.${SCHEMA}.${t.name} (${t.columns.map(([c, type]) => `"${c}" ${type}`).join(', ')})`, admin);
    assert.equal(created.error, undefined, JSON.stringify(created.error));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'qg-meta-diff-')), 'probe.duckdb');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(`CREATE SCHEMA ${SCHEMA}`);
  for (const t of TABLES) await connection.run(`CREATE TABLE ${SCHEMA}.${t.name} (${t.columns.map(([c, , type]) => `"${c}" ${type}`).join(', ')})`);
  connection.closeSync();
  instance.closeSync();
  viaGateway = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: trino }] });
  embedded = await startTestGateway({ backends: [{ name: 'embedded', engine: 'duckdb', demo: false, catalogs: [{ name: EMBEDDED_CATALOG, path: file }] }] });
});
after(async () => {
  await viaGateway?.close();
  await embedded?.close();
  if (trino) await runQuery(trino, `DROP SCHEMA IF EXISTS memory.${SCHEMA} CASCADE`, { 'X-Trino-User': 'admin' });
});

/** The statements compared, with `{c}` for the catalog and `{s}` for the schema. */
function statements(): string[] {
  const out = [
    "SHOW SCHEMAS FROM {c} LIKE 'qg\\_meta\\_%' ESCAPE '\\'",
    'SHOW TABLES FROM {c}.{s}',
    "SELECT schema_name FROM {c}.information_schema.schemata WHERE schema_name = '{s}'",
    "SELECT * FROM {c}.information_schema.tables WHERE table_schema = '{s}' ORDER BY table_name",
    "SELECT table_name, table_type FROM {c}.information_schema.tables WHERE table_schema = '{s}' AND table_type = 'BASE TABLE' ORDER BY 1",
    "SELECT data_type, count(*) FROM {c}.information_schema.columns WHERE table_schema = '{s}' GROUP BY data_type ORDER BY 1",
    "SELECT count(*), max(ordinal_position) FROM {c}.information_schema.columns WHERE table_schema = '{s}'",
    "SELECT * FROM {c}.information_schema.views WHERE table_schema = '{s}'",
    "SELECT * FROM {c}.information_schema.table_privileges WHERE table_schema = '{s}'",
    "SELECT table_cat, table_schem, table_name, table_type FROM system.jdbc.tables WHERE table_cat = '{c}' AND table_schem = '{s}' ORDER BY table_type, table_cat, table_schem, table_name",
    "SELECT TABLE_SCHEM, TABLE_CATALOG FROM system.jdbc.schemas WHERE TABLE_CATALOG = '{c}' AND TABLE_SCHEM LIKE 'qg\\_meta%' ESCAPE '\\' ORDER BY TABLE_CATALOG, TABLE_SCHEM",
    "SELECT upper(table_name) AS t, length(column_name) FROM system.jdbc.columns WHERE table_cat = '{c}' AND table_schem = '{s}' ORDER BY 1, 2",
    "SELECT * FROM system.jdbc.columns WHERE table_cat = '{c}' AND table_schem = '{s}' ORDER BY table_name, ordinal_position",
    'SELECT * FROM system.jdbc.table_types ORDER BY 1',
    "SELECT count(*) FROM system.jdbc.types WHERE data_type = 2000",
  ];
  const patterns = ['%', 'n%', '%\\_%', 'under\\_score', 'under_score', '%x%', 'N%', '_____', 'all%types'];
  for (const p of patterns) {
    out.push(`SHOW TABLES FROM {c}.{s} LIKE '${p}' ESCAPE '\\'`);
    out.push(`SELECT table_name FROM system.jdbc.tables WHERE table_cat = '{c}' AND table_schem = '{s}' AND table_name LIKE '${p}' ESCAPE '\\' ORDER BY 1`);
    out.push(`SELECT table_name FROM {c}.information_schema.tables WHERE table_schema = '{s}' AND table_name LIKE '${p}' ORDER BY table_name DESC`);
  }
  for (const t of TABLES) {
    out.push(`DESCRIBE {c}.{s}.${t.name}`, `SHOW COLUMNS FROM {c}.{s}.${t.name}`, `SHOW CREATE TABLE {c}.{s}.${t.name}`);
    out.push(`SELECT * FROM {c}.information_schema.columns WHERE table_schema = '{s}' AND table_name = '${t.name}' ORDER BY ordinal_position`);
    out.push(`SELECT column_name, data_type, column_default, upper(is_nullable) AS is_nullable, comment FROM {c}.information_schema.columns WHERE table_schema = '{s}' AND table_name = '${t.name}' ORDER BY ordinal_position ASC`);
    for (const p of ['%', 'a%', '%\\_%', 'c\\_%', '_\\_%', '%e']) {
      out.push(`SHOW COLUMNS FROM {c}.{s}.${t.name} LIKE '${p}' ESCAPE '\\'`);
      out.push(
        `SELECT TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, NUM_PREC_RADIX, NULLABLE, ORDINAL_POSITION, IS_NULLABLE ` +
          `FROM system.jdbc.columns WHERE TABLE_CAT = '{c}' AND TABLE_SCHEM LIKE '{s}' AND TABLE_NAME LIKE '${t.name.replace(/_/g, '\\_')}' ESCAPE '\\' AND COLUMN_NAME LIKE '${p}' ESCAPE '\\' ` +
          'ORDER BY TABLE_CAT, TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION',
      );
    }
  }
  return out;
}

interface Answer {
  columns?: Array<{ name: string; type: string }>;
  rows?: string;
  error?: string;
}

async function answer(url: string, sql: string): Promise<Answer> {
  const result = await runQuery(url, sql, { 'X-Trino-User': 'admin' });
  if (result.error) return { error: String(result.error.errorName) };
  return { columns: result.columns?.map((c) => ({ name: c.name, type: c.type })), rows: result.rowsText };
}

test('metadata statements: the gateway in front of Trino and the embedded engine answer as Trino does', { timeout: 600_000 }, async () => {
  const all = statements();
  let sameViaGateway = 0;
  let sameShapeEmbedded = 0;
  let sameEmbedded = 0;
  const disagreements: string[] = [];
  for (const template of all) {
    const onTrino = template.replaceAll('{c}', 'memory').replaceAll('{s}', SCHEMA);
    const onEmbedded = template.replaceAll('{c}', EMBEDDED_CATALOG).replaceAll('{s}', SCHEMA);
    const expected = await answer(trino, onTrino);
    assert.equal(expected.error, undefined, `${onTrino}: Trino failed (${expected.error})`);
    const gateway = await answer(viaGateway.url, onTrino);
    if (JSON.stringify(gateway) === JSON.stringify(expected)) sameViaGateway++;
    else disagreements.push(`via gateway: ${onTrino}\n  trino:   ${JSON.stringify(expected).slice(0, 300)}\n  gateway: ${JSON.stringify(gateway).slice(0, 300)}`);
    const ours = await answer(embedded.url, onEmbedded);
    // The catalog's name is the only difference between the two setups (`probes` and `memory` have the same length, so SHOW CREATE's varchar(n) compares too).
    const normalised = { ...ours, ...(ours.rows !== undefined ? { rows: ours.rows.replaceAll(`"${EMBEDDED_CATALOG}"`, '"memory"').replaceAll(`${EMBEDDED_CATALOG}.`, 'memory.') } : {}) };
    if (JSON.stringify(ours.columns) === JSON.stringify(expected.columns)) sameShapeEmbedded++;
    if (JSON.stringify(normalised) === JSON.stringify(expected)) sameEmbedded++;
    else disagreements.push(`embedded: ${onEmbedded}\n  trino:    ${JSON.stringify(expected).slice(0, 400)}\n  embedded: ${JSON.stringify(normalised).slice(0, 400)}`);
  }
  const rate = (n: number) => `${n}/${all.length} (${((100 * n) / all.length).toFixed(1)} %)`;
  console.log(`metadata differential: ${all.length} statements; via gateway same answer ${rate(sameViaGateway)}; embedded same columns ${rate(sameShapeEmbedded)}, same answer ${rate(sameEmbedded)}`);
  for (const d of disagreements) console.log(d);
  assert.equal(sameViaGateway, all.length, 'the gateway in front of Trino answers exactly as Trino');
  assert.equal(sameShapeEmbedded, all.length, 'the embedded engine answers with Trino’s columns and types');
  assert.equal(sameEmbedded, all.length, 'the embedded engine answers with Trino’s rows');
});
