/**
 * Governance of Athena tables with metadata from the Glue Data Catalog (emulated by moto; no real
 * AWS): a rules file's column restriction applies to `SELECT *` because the gateway reads the
 * table's columns (partition keys included) from Glue; an allowed query runs in Athena; a governed
 * read of an Athena view is refused because no API tells what the view reads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, MOTO_URL, REGION, athenaBackend, oneInteger, useEmulatorCredentials } from '../support/athena-emulator.js';
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
    const glue = new GlueClient({ region: REGION, endpoint: MOTO_URL });
    try {
      await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: SCHEMA } }));
      await glue.send(
        new CreateTableCommand({
          DatabaseName: SCHEMA,
          TableInput: {
            Name: 'customers',
            TableType: 'EXTERNAL_TABLE',
            StorageDescriptor: { Columns: [{ Name: 'id', Type: 'int' }, { Name: 'name', Type: 'string' }, { Name: 'ssn', Type: 'string' }] },
            PartitionKeys: [{ Name: 'dt', Type: 'string' }],
          },
        }),
      );
      await glue.send(
        new CreateTableCommand({
          DatabaseName: SCHEMA,
          TableInput: { Name: 'customer_names', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '/* Presto View: e30= */', StorageDescriptor: { Columns: [{ Name: 'name', Type: 'string' }] } },
        }),
      );
    } finally {
      glue.destroy();
    }
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-athena-rules-')), 'rules.json');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        catalogs: [{ catalog: 'awsdatacatalog', allow: 'all' }],
        tables: [
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, table: 'customers', privileges: ['SELECT'], columns: [{ name: 'ssn', allow: false }] },
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, privileges: ['SELECT'] },
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
    await emulator.registerResults([oneInteger('1')]);
    const run = await runQuery(gateway.url, 'SELECT count(*) AS x FROM customers WHERE dt = \'2024-01-01\' AND name <> \'\'', ANN);
    assert.equal(run.error, undefined, JSON.stringify(run.error));
    assert.equal(run.rowsText, '[1]');
  });

  it('refuses a governed read of an Athena view, whose reads no API reports', async () => {
    const run = await runQuery(gateway.url, 'SELECT name FROM customer_names', ANN);
    assert.equal(run.error?.errorName, 'NOT_SUPPORTED');
    assert.match(String(run.error?.message), /is an Athena view/);
  });
});
