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
import { DuckDBInstance } from '@duckdb/node-api';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { startTestGateway, unlessWorkers } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-embedded-'));
let gateway: RunningGateway;
const ANN = { 'X-Trino-User': 'ann', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };

before(async () => {
  // A user's DuckDB file with views over a denied column, a denied table, and views over views.
  const filePath = join(dir, 'files.duckdb');
  const instance = await DuckDBInstance.create(filePath);
  const connection = await instance.connect();
  await connection.run(
    [
      'CREATE SCHEMA crm',
      "CREATE TABLE crm.accounts AS SELECT * FROM (VALUES (1, 'Acme', 'secret-a'), (2, 'Globex', 'secret-b')) t(id, name, secret)",
      "CREATE TABLE crm.hidden AS SELECT * FROM (VALUES (7, 'hidden-row')) t(x, label)",
      'CREATE TABLE crm.sink (x INTEGER)',
      'CREATE VIEW crm.v_ok AS SELECT id, name FROM accounts',
      'CREATE VIEW crm.v_col AS SELECT id, secret FROM accounts',
      "CREATE VIEW crm.v_filter AS SELECT id FROM accounts WHERE secret LIKE '%-a'",
      'CREATE VIEW crm.v_sub AS SELECT id, (SELECT max(label) FROM hidden) AS l FROM accounts',
      'CREATE VIEW crm.v_tab AS SELECT x, label FROM hidden',
      'CREATE VIEW crm.v_nested AS SELECT id FROM v_ok UNION ALL SELECT x FROM v_tab',
      'CREATE VIEW crm.v_nested_ok AS SELECT name FROM v_ok',
      'CREATE VIEW crm.v_fn AS SELECT * FROM range(3)',
      // DuckDB expands a table macro while binding: the view reads `hidden` with no table named in its text.
      'CREATE MACRO crm.everything() AS TABLE SELECT * FROM crm.hidden',
      'CREATE VIEW crm.v_macro AS SELECT x FROM crm.everything()',
    ].join('; '),
  );
  connection.closeSync();
  instance.closeSync();
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(
    rulesFile,
    JSON.stringify({
      catalogs: [
        { catalog: 'demo', allow: 'all' },
        { catalog: 'files', allow: 'all' },
      ],
      tables: [
        { user: 'ann', catalog: 'files', schema: 'crm', table: 'accounts', privileges: ['SELECT'], columns: [{ name: 'secret', allow: false }] },
        { user: 'ann', catalog: 'files', schema: 'crm', table: 'hidden', privileges: [] },
        { user: 'ann', catalog: 'files', schema: 'crm', privileges: ['SELECT', 'INSERT', 'OWNERSHIP'] },
        { user: 'bob', catalog: 'files', privileges: ['SELECT', 'INSERT', 'OWNERSHIP', 'GRANT_SELECT'] },
        { user: 'ann', catalog: 'demo', schema: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] },
        { user: 'ann', catalog: 'demo', schema: 'tpch', privileges: ['SELECT'] },
        // A grant on every `main` schema, as for a user's own DuckDB files: it must not reach DuckDB's system catalog.
        { user: 'ann', schema: 'main', privileges: ['SELECT'] },
      ],
    }),
  );
  gateway = await startTestGateway({
    accessControl: { rulesFile },
    backends: [{ name: 'embedded', engine: 'duckdb', group: 'local', catalogs: [{ name: 'files', path: filePath, readOnly: false }] }],
    routing: { defaultGroup: 'local' },
    admin: { users: ['ops'] },
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

test("DuckDB's own metadata (system, temp, information_schema, pg_catalog) is never read: it lists every catalog and file path", async () => {
  for (const sql of ['SELECT database_name, path FROM system.main.duckdb_databases', 'SELECT sql FROM system.main.sqlite_master']) {
    const answer = await refused(sql);
    assert.ok(answer === 'NOT_SUPPORTED' || answer === 'TABLE_NOT_FOUND', `${sql}: ${answer}`);
  }
  // `system` and information_schema are the gateway's (Trino's tables), filtered for the user.
  const system = await runQuery(gateway.url, "SELECT table_schema, table_name FROM system.information_schema.tables WHERE table_schema <> 'information_schema' ORDER BY 1, 2", ANN);
  assert.equal(system.error, undefined);
  const systemTables = (JSON.parse(`[${system.rowsText}]`) as string[][]).map((r) => r.join('.'));
  assert.ok(systemTables.includes('jdbc.columns') && systemTables.includes('runtime.nodes'), systemTables.join(' '));
  assert.ok(!systemTables.some((t) => t.includes('duckdb') || t.includes('sqlite')), systemTables.join(' '));
  const own = await runQuery(gateway.url, "SELECT table_catalog, table_schema, table_name FROM information_schema.tables WHERE table_schema <> 'information_schema' ORDER BY 3", ANN);
  assert.equal(own.error, undefined);
  assert.deepEqual(
    (JSON.parse(`[${own.rowsText}]`) as string[][]).map((r) => r.join('.')),
    ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier'].map((t) => `demo.tpch.${t}`),
  );
});

test('ORDER BY ALL (DuckDB: every output column) is refused', async () => {
  // With an UNNEST of unknown columns in scope, `all` could be one of them for the gateway.
  assert.equal(await refused('SELECT n_name FROM nation CROSS JOIN UNNEST(ARRAY[1]) ORDER BY ALL'), 'NOT_SUPPORTED');
});

test('metadata listings on the embedded engine list only what the user may see, as Trino filters them', async () => {
  const list = async (sql: string) => {
    const result = await runQuery(gateway.url, sql, ANN);
    assert.equal(result.error, undefined, `${sql}: ${result.error?.message}`);
    return (JSON.parse(`[${result.rowsText}]`) as string[][]).map((r) => r[0]);
  };
  // `hidden` has a rule with no privileges, but without schema rules every user owns every schema,
  // and Trino lists a schema owner's tables; `secret` and `c_phone` are denied columns.
  assert.deepEqual(await list('SHOW TABLES FROM files.crm'), ['accounts', 'hidden', 'sink', 'v_col', 'v_filter', 'v_fn', 'v_macro', 'v_nested', 'v_nested_ok', 'v_ok', 'v_sub', 'v_tab']);
  assert.deepEqual(await list('SHOW COLUMNS FROM files.crm.accounts'), ['id', 'name']);
  assert.ok(!(await list('DESCRIBE demo.tpch.customer')).includes('c_phone'));
  assert.deepEqual(await list('SHOW SCHEMAS FROM demo'), ['information_schema', 'tpch']);
  assert.deepEqual(await list("SELECT column_name FROM files.information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position"), ['id', 'name']);
  // No rule grants ann the system catalog: as in Trino, its jdbc tables are denied outright.
  assert.equal(await refused("SELECT column_name FROM system.jdbc.columns WHERE table_cat = 'files'"), 'PERMISSION_DENIED');
});

// Issue 16, class 2 on the embedded engine: DuckDB views have no owner or security mode, so they are
// read as SECURITY INVOKER views: the caller needs every table and column the view reads, as DuckDB binds it.
const ANN_FILES = { 'X-Trino-User': 'ann' };

async function deniedInFiles(sql: string): Promise<string> {
  const result = await runQuery(gateway.url, sql, ANN_FILES);
  assert.ok(result.error, `${sql} must be refused, got ${result.rowsText.slice(0, 200)}`);
  return `${result.error.errorName}: ${result.error.message}`;
}

test('a DuckDB view over a denied column or a denied table is checked as the caller reading them', async () => {
  assert.match(await deniedInFiles('SELECT * FROM files.crm.v_col'), /^PERMISSION_DENIED: Access Denied: Cannot select from table files\.crm\.accounts$/);
  assert.match(await deniedInFiles('SELECT id FROM files.crm.v_col'), /PERMISSION_DENIED: .*files\.crm\.accounts/);
  // A denied column read only in the view's WHERE still decides what the caller sees.
  assert.match(await deniedInFiles('SELECT id FROM files.crm.v_filter'), /^PERMISSION_DENIED: Access Denied: Cannot select from table files\.crm\.accounts$/);
  assert.match(await deniedInFiles('SELECT * FROM files.crm.v_tab'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  assert.match(await deniedInFiles('SELECT id FROM files.crm.v_sub'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  assert.match(await deniedInFiles('SELECT x FROM files.crm.v_macro'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  const ok = await runQuery(gateway.url, 'SELECT id, name FROM files.crm.v_ok ORDER BY id', ANN_FILES);
  assert.equal(ok.error, undefined, JSON.stringify(ok.error));
  assert.equal(ok.rowsText, '[1,"Acme"],[2,"Globex"]');
});

test('nested DuckDB views are expanded down to the tables they read', async () => {
  assert.match(await deniedInFiles('SELECT * FROM files.crm.v_nested'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  const ok = await runQuery(gateway.url, 'SELECT name FROM files.crm.v_nested_ok ORDER BY name', ANN_FILES);
  assert.equal(ok.error, undefined, JSON.stringify(ok.error));
  assert.equal(ok.rowsText, '["Acme"],["Globex"]');
});

test('CTAS and INSERT ... SELECT from a DuckDB view over a denied table are refused', async () => {
  assert.match(await deniedInFiles('CREATE TABLE files.crm.copied AS SELECT * FROM files.crm.v_tab'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  assert.match(await deniedInFiles('INSERT INTO files.crm.sink SELECT x FROM files.crm.v_tab'), /PERMISSION_DENIED: .*files\.crm\.hidden/);
  const copied = await runQuery(gateway.url, 'SELECT count(*) FROM files.crm.sink', ANN_FILES);
  assert.equal(copied.rowsText, '[0]');
});

/** Each worker has its own embedded engine: a write would reach one of them only, so it is refused. */
const embeddedWrites = unlessWorkers('writing through the embedded engine is refused (NOT_SUPPORTED) with several workers');

test('a view created through the gateway on a DuckDB catalog is checked for its later readers', embeddedWrites, async () => {
  const created = await runQuery(gateway.url, 'CREATE VIEW files.crm.v_bob AS SELECT name, secret FROM files.crm.accounts', { 'X-Trino-User': 'bob' });
  assert.equal(created.error, undefined, JSON.stringify(created.error));
  assert.match(await deniedInFiles('SELECT name FROM files.crm.v_bob'), /^PERMISSION_DENIED: Access Denied: Cannot select from table files\.crm\.accounts$/);
});

test('a DuckDB view over a table function is refused with a message naming the view', async () => {
  assert.match(await deniedInFiles('SELECT * FROM files.crm.v_fn'), /^NOT_SUPPORTED: View files\.crm\.v_fn reads table function range/);
});

test("history records the SQL the user sent, not the gateway's filtered rewrite of a SHOW", async () => {
  const shown = await runQuery(gateway.url, 'SHOW CATALOGS', ANN_FILES);
  assert.equal(shown.error, undefined, JSON.stringify(shown.error));
  let statements: unknown[] = [];
  for (let i = 0; i < 50 && statements.length === 0; i++) {
    const body = (await (await fetch(`${gateway.url}/api/queries?user=ann&state=FINISHED`, { headers: { 'X-Trino-User': 'ops' } })).json()) as { items: Array<{ statement: unknown }> };
    // The filtered answer the engine ran is a VALUES statement listing the visible catalogs.
    statements = body.items.map((q) => q.statement).filter((text) => text === 'SHOW CATALOGS' || /VALUES/i.test(String(text)));
    if (statements.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(statements, ['SHOW CATALOGS']);
});

test('a view replaced through the gateway is checked by its new definition at once, not a cached one', embeddedWrites, async () => {
  const bob = { 'X-Trino-User': 'bob' };
  const create = async (sql: string) => assert.equal((await runQuery(gateway.url, sql, bob)).error, undefined, sql);
  await create('CREATE OR REPLACE VIEW files.crm.v_swap AS SELECT id, name FROM files.crm.accounts');
  const before = await runQuery(gateway.url, 'SELECT name FROM files.crm.v_swap ORDER BY id', ANN_FILES);
  assert.equal(before.rowsText, '["Acme"],["Globex"]');
  await create('CREATE OR REPLACE VIEW files.crm.v_swap AS SELECT id, secret AS name FROM files.crm.accounts');
  assert.match(await deniedInFiles('SELECT name FROM files.crm.v_swap ORDER BY id'), /^PERMISSION_DENIED: Access Denied: Cannot select from table files\.crm\.accounts$/);
});
