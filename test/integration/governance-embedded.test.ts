/**
 * The embedded DuckDB engine under governance (issue 16, bypass class 6): the gateway reads each
 * statement as Trino SQL, DuckDB runs the same text with its own name binding. Every construct
 * found where the two bind a name differently is refused on the embedded engine, so a column the
 * rules deny (customer.c_phone here) cannot be read through it; the look-alikes that bind the same
 * way in both still run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { startTestGateway } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-embedded-'));
let gateway: RunningGateway;
const ANN = { 'X-Trino-User': 'ann', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };

before(async () => {
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(
    rulesFile,
    JSON.stringify({
      catalogs: [{ catalog: 'demo', allow: 'all' }],
      tables: [
        { user: 'ann', catalog: 'demo', schema: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] },
        { user: 'ann', catalog: 'demo', schema: 'tpch', privileges: ['SELECT'] },
        // A grant on every `main` schema, as for a user's own DuckDB files: it must not reach DuckDB's system catalog.
        { user: 'ann', schema: 'main', privileges: ['SELECT'] },
      ],
    }),
  );
  gateway = await startTestGateway({
    accessControl: { rulesFile },
    backends: [{ name: 'embedded', engine: 'duckdb', group: 'local' }],
    routing: { defaultGroup: 'local' },
  });
});
after(async () => gateway?.close());

async function refused(sql: string): Promise<string> {
  const result = await runQuery(gateway.url, sql, ANN);
  assert.ok(result.error, `${sql} must be refused, got ${result.rowsText.slice(0, 200)}`);
  return `${result.error.errorName}`;
}

test('DuckDB star expressions COLUMNS(*), COLUMNS(regex), COLUMNS(lambda) are refused, not taken for functions', async () => {
  for (const sql of [
    'SELECT COLUMNS(*) FROM customer',
    "SELECT COLUMNS('c_p.*') FROM customer",
    "SELECT COLUMNS(x -> x LIKE 'c_p%') FROM customer",
    'SELECT max(COLUMNS(*)) FROM customer',
  ]) {
    assert.equal(await refused(sql), 'NOT_SUPPORTED', sql);
  }
});

test('an alias inside an ORDER BY expression, which DuckDB binds to the FROM column, is refused', async () => {
  assert.equal(await refused("SELECT c_name AS c_phone FROM customer ORDER BY c_phone LIKE '31-%' DESC LIMIT 1"), 'NOT_SUPPORTED');
  assert.equal(await refused("SELECT c_name AS c_phone FROM customer ORDER BY coalesce(c_phone, '') LIMIT 1"), 'NOT_SUPPORTED');
  // A bare alias binds to the alias in both engines.
  const ok = await runQuery(gateway.url, 'SELECT c_name AS c_phone FROM customer ORDER BY c_phone LIMIT 1', ANN);
  assert.equal(ok.error, undefined, JSON.stringify(ok.error));
  assert.equal(ok.rowCount, 1);
});

test('a relation name used as a value (DuckDB: the whole row) is refused', async () => {
  assert.equal(await refused('SELECT c FROM customer c CROSS JOIN UNNEST(ARRAY[1])'), 'NOT_SUPPORTED');
  assert.equal(await refused('SELECT (SELECT customer FROM customer CROSS JOIN UNNEST(ARRAY[1]) LIMIT 1)'), 'NOT_SUPPORTED');
  const ok = await runQuery(gateway.url, 'SELECT n.* FROM nation n ORDER BY n_nationkey LIMIT 2', ANN);
  assert.equal(ok.error, undefined, JSON.stringify(ok.error));
  assert.equal(ok.rowCount, 2);
});

test("DuckDB's own metadata (system, temp, information_schema, pg_catalog) is refused: it lists every catalog and file path", async () => {
  for (const sql of [
    'SELECT table_catalog, table_name FROM system.information_schema.tables',
    'SELECT * FROM system.information_schema.schemata',
    'SELECT database_name, path FROM system.main.duckdb_databases',
    'SELECT sql FROM system.main.sqlite_master',
    'SELECT * FROM information_schema.tables',
  ]) {
    const answer = await refused(sql);
    assert.ok(answer === 'NOT_SUPPORTED' || answer === 'TABLE_NOT_FOUND', `${sql}: ${answer}`);
  }
});

test('ORDER BY ALL (DuckDB: every output column) is refused', async () => {
  // With an UNNEST of unknown columns in scope, `all` could be one of them for the gateway.
  assert.equal(await refused('SELECT n_name FROM nation CROSS JOIN UNNEST(ARRAY[1]) ORDER BY ALL'), 'NOT_SUPPORTED');
});

test('metadata listings the gateway cannot filter on the embedded engine are refused, not answered in full', async () => {
  for (const sql of ['SHOW TABLES FROM demo.tpch', 'SHOW SCHEMAS FROM demo', 'SHOW COLUMNS FROM demo.tpch.customer', 'DESCRIBE demo.tpch.customer']) {
    assert.equal(await refused(sql), 'NOT_SUPPORTED', sql);
  }
});
