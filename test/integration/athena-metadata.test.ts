/**
 * The metadata statements of an Athena backend answered by the gateway from the Glue Data Catalog
 * (emulated by moto; no real AWS), not run in Athena: SHOW SCHEMAS / TABLES / COLUMNS, DESCRIBE,
 * information_schema, and a BI tool's JDBC DatabaseMetaData calls through the real Trino JDBC
 * driver, whose answers have the columns and types Trino gives the same calls; with access
 * control, hidden tables and denied columns are absent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, athenaBackend, athenaView, createGlueSchema, useEmulatorCredentials } from '../support/athena-emulator.js';
import { runQuery } from '../support/protocol-client.js';
import { clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

/** Unique per run: moto keeps its Glue catalog while it runs. */
const SCHEMA = `bi_${Date.now().toString(36)}`;
const SESSION = { 'X-Trino-Catalog': 'awsdatacatalog', 'X-Trino-Schema': SCHEMA };

interface ResultSet {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Array<string | null>>;
}

describe('Athena metadata answered from Glue (emulated, no real AWS)', () => {
  let emulator: AthenaEmulator;
  let gateway: RunningGateway;
  let governed: RunningGateway;
  let env: Record<string, string>;
  let trinoPort: string;

  /** Several DatabaseMetaData calls on one JDBC connection. */
  async function jdbc(port: string | number, user: string, calls: string[][]): Promise<ResultSet[]> {
    const args = calls.flatMap((call, i) => (i === 0 ? call : ['--', ...call]));
    const result = await run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcMetadata', `jdbc:trino://127.0.0.1:${port}`, user, ...args], { timeout: 120_000 });
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as ResultSet | ResultSet[];
    return calls.length === 1 ? [parsed as ResultSet] : (parsed as ResultSet[]);
  }
  const column = (set: ResultSet, name: string) => set.rows.map((r) => r[set.columns.findIndex((c) => c.name.toLowerCase() === name)]);
  const starts = () => emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length;

  before(async () => {
    useEmulatorCredentials();
    env = await clientEnv();
    trinoPort = new URL(await ensureTrino()).port;
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['bi-wg']);
    await createGlueSchema(SCHEMA, [
      {
        Name: 'orders',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { comment: 'all orders' },
        StorageDescriptor: {
          Columns: [
            { Name: 'id', Type: 'bigint', Comment: 'order id' },
            { Name: 'amount', Type: 'decimal(10,2)' },
            { Name: 'tags', Type: 'array<string>' },
            { Name: 'info', Type: 'struct<a:int,b:string>' },
            { Name: 'created', Type: 'timestamp' },
          ],
        },
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      },
      { Name: 'secrets', TableType: 'EXTERNAL_TABLE', StorageDescriptor: { Columns: [{ Name: 'x', Type: 'string' }] } },
      athenaView(SCHEMA, 'order_ids', 'SELECT id FROM orders', [['id', 'bigint']]),
    ]);
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-athena-metadata-')), 'rules.json');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        catalogs: [{ catalog: 'awsdatacatalog|system', allow: 'all' }],
        schemas: [{ user: 'admin', owner: true }],
        tables: [
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, table: 'secrets', privileges: [] },
          { user: 'ann', catalog: 'awsdatacatalog', schema: SCHEMA, table: 'orders', privileges: ['SELECT'], columns: [{ name: 'amount', allow: false }] },
          { catalog: 'awsdatacatalog|system', privileges: ['SELECT'] },
        ],
      }),
    );
    gateway = await startTestGateway({ backends: [athenaBackend(emulator, 'athena1', 'bi-wg')] });
    governed = await startTestGateway({ accessControl: { rulesFile }, backends: [athenaBackend(emulator, 'athena1', 'bi-wg')] });
  });

  after(async () => {
    await gateway?.close();
    await governed?.close();
    await emulator?.close();
  });

  it('answers SHOW and DESCRIBE from Glue, in Trino\'s form, without starting an Athena query', async () => {
    const before = starts();
    const rows = async (sql: string, user = 'alice') => {
      const result = await runQuery((user === 'alice' ? gateway : governed).url, sql, { 'X-Trino-User': user, ...SESSION });
      assert.equal(result.error, undefined, `${sql}: ${JSON.stringify(result.error)}`);
      return JSON.parse(`[${result.rowsText}]`) as unknown[][];
    };
    assert.deepEqual(await rows('SHOW CATALOGS'), [['awsdatacatalog'], ['system']]);
    const schemas = (await rows('SHOW SCHEMAS FROM awsdatacatalog')).map((r) => r[0]);
    assert.ok(schemas.includes(SCHEMA) && schemas.includes('information_schema'), schemas.join(' '));
    assert.deepEqual(await rows('SHOW TABLES'), [['order_ids'], ['orders'], ['secrets']]);
    assert.deepEqual(await rows('DESCRIBE orders'), [
      ['id', 'bigint', '', 'order id'],
      ['amount', 'decimal(10,2)', '', ''],
      ['tags', 'array(varchar)', '', ''],
      ['info', 'row("a" integer, "b" varchar)', '', ''],
      ['created', 'timestamp(3)', '', ''],
      ['dt', 'varchar', 'partition key', ''],
    ]);
    assert.deepEqual(await rows('SHOW COLUMNS FROM order_ids'), [['id', 'bigint', '', '']]);
    assert.deepEqual(await rows(`SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = '${SCHEMA}' ORDER BY 1`), [
      ['order_ids', 'VIEW'],
      ['orders', 'BASE TABLE'],
      ['secrets', 'BASE TABLE'],
    ]);
    // Access control filters the answers: ann does not see the table she may not read, nor the column denied her.
    assert.deepEqual(await rows('SHOW TABLES', 'ann'), [['order_ids'], ['orders']]);
    assert.deepEqual((await rows('SHOW COLUMNS FROM orders', 'ann')).map((r) => r[0]), ['id', 'tags', 'info', 'created', 'dt']);
    assert.equal(starts(), before, 'no metadata statement ran in Athena');
  });

  it("answers a BI tool's JDBC DatabaseMetaData calls with the columns and types Trino answers them with", async () => {
    const calls = (catalog: string, schema: string, table: string) => [
      ['catalogs'],
      ['schemas', catalog, 'null'],
      ['tables', catalog, schema, 'null', 'null'],
      ['tables', catalog, schema, '%', 'TABLE,VIEW'],
      ['columns', catalog, schema, table, 'null'],
      ['tableTypes'],
    ];
    const ours = await jdbc(gateway.port, 'alice', calls('awsdatacatalog', SCHEMA, 'orders'));
    const trino = await jdbc(trinoPort, 'alice', calls('tpch', 'tiny', 'nation'));
    ours.forEach((set, i) => assert.deepEqual(set.columns, trino[i]!.columns, calls('', '', '')[i]!.join(' ')));
    const [catalogs, schemas, tables, , columns] = ours;
    assert.deepEqual(column(catalogs!, 'table_cat'), ['awsdatacatalog', 'system']);
    assert.ok(column(schemas!, 'table_schem').includes(SCHEMA));
    // getTables orders by type first.
    assert.deepEqual(column(tables!, 'table_name'), ['orders', 'secrets', 'order_ids']);
    assert.deepEqual(column(tables!, 'table_type'), ['TABLE', 'TABLE', 'VIEW']);
    assert.deepEqual(column(columns!, 'column_name'), ['id', 'amount', 'tags', 'info', 'created', 'dt']);
    assert.deepEqual(column(columns!, 'type_name'), ['bigint', 'decimal(10,2)', 'array(varchar)', 'row("a" integer, "b" varchar)', 'timestamp(3)', 'varchar']);

    const [annTables, annColumns] = await jdbc(governed.port, 'ann', [
      ['tables', 'awsdatacatalog', SCHEMA, 'null', 'null'],
      ['columns', 'awsdatacatalog', SCHEMA, 'orders', 'null'],
    ]);
    assert.deepEqual(column(annTables!, 'table_name'), ['orders', 'order_ids']);
    assert.deepEqual(column(annColumns!, 'column_name'), ['id', 'tags', 'info', 'created', 'dt']);
  });

  it("answers the other catalogs' metadata when Glue cannot be reached, and names the backend for Athena's", async () => {
    const cutOff = await startTestGateway({
      backends: [
        { name: 'embedded', engine: 'duckdb', group: 'local' },
        { ...athenaBackend(emulator, 'athena-down', 'bi-wg', { group: 'athena', maxAttempts: 1 }), endpoint: 'http://127.0.0.1:9' },
      ],
      routing: { defaultGroup: 'local' },
    });
    try {
      const embedded = await runQuery(cutOff.url, 'SHOW TABLES FROM demo.tpch', { 'X-Trino-User': 'alice' });
      assert.equal(embedded.error, undefined, JSON.stringify(embedded.error));
      assert.ok(embedded.rowsText.includes('"nation"'));
      const athena = await runQuery(cutOff.url, `SHOW TABLES FROM awsdatacatalog.${SCHEMA}`, { 'X-Trino-User': 'alice' });
      assert.equal(athena.error?.errorName, 'BACKEND_UNAVAILABLE');
      assert.match(String(athena.error?.message), /Backend athena-down serving catalog awsdatacatalog is unavailable \(Athena workgroup 'bi-wg' \(Glue GetDatabases\)/);
    } finally {
      await cutOff.close();
    }
  });
});
