/**
 * Governance of Athena tables with metadata from the Glue Data Catalog (emulated by moto; no real
 * AWS): a rules file's column restriction applies to `SELECT *` because the gateway reads the
 * table's columns (partition keys included) from Glue; an allowed query runs in Athena. Athena
 * views, written to Glue as Athena writes them (`ViewOriginalText` = `/* Presto View: <base64
 * JSON> *\/`), are expanded through their stored text: the rules apply to the tables they read,
 * nested views included, as the caller; what cannot be read exactly is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, athenaBackend, athenaView, createGlueSchema, oneInteger, useEmulatorCredentials } from '../support/athena-emulator.js';
import { runQuery } from '../support/protocol-client.js';
import { startTestGateway } from '../support/services.js';

/** Unique per run: moto keeps its Glue catalog while it runs. */
const SCHEMA = `sales_${Date.now().toString(36)}`;
const ANN = { 'X-Trino-User': 'ann', 'X-Trino-Catalog': 'awsdatacatalog', 'X-Trino-Schema': SCHEMA };

describe('Athena tables governed with Glue metadata (emulated, no real AWS)', () => {
  let emulator: AthenaEmulator;
  let gateway: RunningGateway;

  before(async () => {
    useEmulatorCredentials();
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['governed-wg']);
    const view = (name: string, sql: string, columns: Array<[string, string]>, catalog?: string) => athenaView(SCHEMA, name, sql, columns, catalog);
    await createGlueSchema(SCHEMA, [
      {
        Name: 'customers',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: { Columns: [{ Name: 'id', Type: 'int' }, { Name: 'name', Type: 'string' }, { Name: 'ssn', Type: 'string' }] },
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      },
      { Name: 'orders', TableType: 'EXTERNAL_TABLE', StorageDescriptor: { Columns: [{ Name: 'customer_id', Type: 'int' }, { Name: 'total', Type: 'double' }] } },
      view('customer_names', 'SELECT name FROM customers', [['name', 'varchar']]),
      view('customer_totals', 'SELECT c.name, o.total FROM customers c JOIN orders o ON c.id = o.customer_id', [['name', 'varchar'], ['total', 'double']]),
      view('customer_ids', `SELECT c.id, upper(c.name) AS name FROM "${SCHEMA}"."customers" c WHERE c.dt > '2024'`, [['id', 'integer'], ['name', 'varchar']]),
      view('customer_ssns', 'SELECT id, ssn FROM customers', [['id', 'integer'], ['ssn', 'varchar']]),
      view('name_counts', 'SELECT name, count(*) AS n FROM customer_names GROUP BY name', [['name', 'varchar'], ['n', 'bigint']]),
      view('ssn_counts', 'SELECT count(ssn) AS n FROM customer_ssns', [['n', 'bigint']]),
      view('loop_a', 'SELECT * FROM loop_b', [['x', 'integer']]),
      view('loop_b', 'SELECT * FROM loop_a', [['x', 'integer']]),
      view('federated', 'SELECT 1 AS x FROM t', [['x', 'integer']], 'dynamodb'),
      { Name: 'hive_view', TableType: 'VIRTUAL_VIEW', ViewOriginalText: 'SELECT name FROM customers', StorageDescriptor: { Columns: [{ Name: 'name', Type: 'string' }] } },
      { Name: 'empty_definition', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '/* Presto View: e30= */', StorageDescriptor: { Columns: [{ Name: 'name', Type: 'string' }] } },
    ]);
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-athena-rules-')), 'rules.json');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        catalogs: [{ catalog: 'awsdatacatalog', allow: 'all' }],
        tables: [
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, table: 'customers', privileges: ['SELECT'], columns: [{ name: 'ssn', allow: false }] },
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, privileges: ['SELECT'] },
          { user: 'bob', catalog: 'awsdatacatalog', schema: SCHEMA, table: 'customers', privileges: ['SELECT'], filter: "dt = '2024-01-01'" },
          { user: 'bob', catalog: 'awsdatacatalog', schema: SCHEMA, privileges: ['SELECT'] },
        ],
      }),
    );
    gateway = await startTestGateway({ accessControl: { rulesFile }, backends: [athenaBackend(emulator, 'athena1', 'governed-wg')] });
  });

  after(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  it('denies SELECT * when a column read from Glue is restricted, and never starts the query in Athena', async () => {
    const starts = emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length;
    const run = await runQuery(gateway.url, 'SELECT * FROM customers', ANN);
    assert.equal(run.error?.errorName, 'PERMISSION_DENIED');
    // Trino names the table, not the column, when a column restriction denies a read.
    assert.equal(run.error?.message, `Access Denied: Cannot select from table awsdatacatalog.${SCHEMA}.customers`);
    assert.equal(emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length, starts);
    assert.ok(emulator.calls.some((c) => c.operation === 'GetTable'), 'the columns came from Glue');
  });

  it('runs an allowed query on Athena, the partition key a column like the others', async () => {
    emulator.serveResult('FROM customers WHERE dt', oneInteger('1'));
    const run = await runQuery(gateway.url, 'SELECT count(*) AS x FROM customers WHERE dt = \'2024-01-01\' AND name <> \'\'', ANN);
    assert.equal(run.error, undefined, JSON.stringify(run.error));
    assert.equal(run.rowsText, '[1]');
  });

  it('expands an Athena view through its stored text: reads of allowed columns run in Athena', async () => {
    for (const [sql, marker] of [
      ['SELECT name FROM customer_names /*plain*/', '/*plain*/'],
      ['SELECT id, name FROM customer_ids /*qualified*/', '/*qualified*/'],
      ['SELECT name, n FROM name_counts /*nested*/', '/*nested*/'],
    ] as const) {
      emulator.serveResult(marker, oneInteger('1'));
      const run = await runQuery(gateway.url, sql, ANN);
      assert.equal(run.error, undefined, `${sql}: ${JSON.stringify(run.error)}`);
      assert.equal(run.rowsText, '[1]');
    }
  });

  it('denies a view that reads a restricted column underneath, directly or through another view, before Athena runs it', async () => {
    const starts = emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length;
    for (const sql of ['SELECT id FROM customer_ssns', 'SELECT n FROM ssn_counts']) {
      const run = await runQuery(gateway.url, sql, ANN);
      assert.equal(run.error?.errorName, 'PERMISSION_DENIED', sql);
      assert.match(String(run.error?.message), new RegExp(`awsdatacatalog\\.${SCHEMA}\\.customers`), sql);
    }
    assert.equal(emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length, starts);
  });

  it('refuses, as NOT_SUPPORTED, the views it cannot read exactly', async () => {
    for (const [view, why] of [
      ['loop_a', /is recursive/],
      ['federated', /was created in catalog dynamodb/],
      ['hive_view', /is not an Athena \(Presto\) view/],
      ['empty_definition', /is not an Athena \(Presto\) view/],
    ] as const) {
      const run = await runQuery(gateway.url, `SELECT * FROM ${view}`, ANN);
      assert.equal(run.error?.errorName, 'NOT_SUPPORTED', view);
      assert.match(String(run.error?.message), why, view);
    }
  });

  it("applies a table's row filter inside an Athena view, read through the view's stored text", async () => {
    const BOB = { ...ANN, 'X-Trino-User': 'bob' };
    for (const [sql, marker] of [
      ['SELECT name FROM customer_names /*bob-plain*/', '/*bob-plain*/'],
      ['SELECT id, name FROM customer_ids /*bob-qualified*/', '/*bob-qualified*/'],
    ] as const) {
      emulator.serveResult(marker, oneInteger('1'));
      const run = await runQuery(gateway.url, sql, BOB);
      assert.equal(run.error, undefined, `${sql}: ${JSON.stringify(run.error)}`);
      const sent = emulator.calls.find((c) => c.operation === 'StartQueryExecution' && String(c.body.QueryString).includes(marker));
      assert.match(String(sent?.body.QueryString), /dt = '2024-01-01'/, 'the filter is in the text Athena runs');
      assert.doesNotMatch(String(sent?.body.QueryString), /FROM customer_(names|ids)\b/, 'the view is read through its text, not by name');
    }
    // From another schema: the view's bare names are written in full, or Athena would read default.orders.
    emulator.serveResult('/*bob-elsewhere*/', oneInteger('1'));
    const elsewhere = await runQuery(gateway.url, `SELECT name, total FROM ${SCHEMA}.customer_totals /*bob-elsewhere*/`, { ...BOB, 'X-Trino-Schema': 'default' });
    assert.equal(elsewhere.error, undefined, JSON.stringify(elsewhere.error));
    const sent = String(emulator.calls.find((c) => c.operation === 'StartQueryExecution' && String(c.body.QueryString).includes('/*bob-elsewhere*/'))?.body.QueryString);
    assert.match(sent, new RegExp(`JOIN "awsdatacatalog"\\."${SCHEMA}"\\."orders" o`));
    assert.match(sent, /WHERE dt = '2024-01-01'/);

    const nested = await runQuery(gateway.url, 'SELECT name FROM name_counts', BOB);
    assert.equal(nested.error?.errorName, 'NOT_SUPPORTED');
    assert.match(String(nested.error?.message), /reads another view/);
  });

});
