/**
 * The gateway's metadata service on its own, over a described catalog: what it answers, how it
 * filters for access control, and what it refuses rather than evaluate differently from Trino.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { MetadataService } from '../../src/catalogs/metadata-service.js';
import type { CatalogDescription } from '../../src/catalogs/model.js';
import type { Backend } from '../../src/engines/backend.js';
import type { MetadataVisibility } from '../../src/policy/decision.js';
import { QueryFailure } from '../../src/protocol/errors.js';
import { parseSession } from '../../src/protocol/session.js';

const DEMO: CatalogDescription = {
  name: 'demo',
  connector: 'duckdb',
  schemas: ['shop'],
  tables: [
    {
      schema: 'shop',
      name: 'orders',
      kind: 'TABLE',
      comment: 'all orders',
      viewDefinition: null,
      columns: [
        { name: 'id', type: 'bigint', nullable: false, comment: null },
        { name: 'secret', type: 'varchar(10)', nullable: true, comment: 'do not show' },
      ],
    },
    { schema: 'shop', name: 'v_orders', kind: 'VIEW', comment: null, viewDefinition: 'SELECT id FROM orders', columns: [{ name: 'id', type: 'bigint', nullable: true, comment: null }] },
  ],
};

const embedded = {
  name: 'embedded',
  engine: 'duckdb',
  describeCatalogs: async () => [DEMO],
  catalogs: async () => ['demo'],
} as unknown as Backend;

const service = new MetadataService([embedded], pino({ level: 'silent' }));
const session = parseSession({ 'x-trino-user': 'ann', 'x-trino-catalog': 'demo', 'x-trino-schema': 'shop' });

async function answer(sql: string, visible?: MetadataVisibility): Promise<{ columns: string[]; rows: unknown[][] }> {
  const planned = await service.plan(sql, session, visible);
  assert.ok(planned, `${sql} is answered by the gateway`);
  const execution = await planned.execute(new AbortController().signal);
  const rows: unknown[][] = [];
  for (let page = await execution.nextPage(65536); page !== null; page = await execution.nextPage(65536)) rows.push(...(JSON.parse(`[${page.rowsJson}]`) as unknown[][]));
  return { columns: execution.columns.map((c) => `${c.name} ${c.type}`), rows };
}

async function refusal(sql: string): Promise<string> {
  try {
    await answer(sql);
  } catch (err) {
    assert.ok(err instanceof QueryFailure, String(err));
    return `${err.errorCode.name}: ${err.message}`;
  }
  assert.fail(`${sql} must be refused`);
}

test('SHOW statements are answered as Trino rewrites them, with its column names and types', async () => {
  assert.deepEqual(await answer('SHOW CATALOGS'), { columns: ['Catalog varchar(6)'], rows: [['demo'], ['system']] });
  assert.deepEqual((await answer('SHOW TABLES')).rows, [['orders'], ['v_orders']]);
  assert.deepEqual(await answer("SHOW COLUMNS FROM orders LIKE 's%'"), {
    columns: ['Column varchar', 'Type varchar', 'Extra varchar', 'Comment varchar'],
    rows: [['secret', 'varchar(10)', '', 'do not show']],
  });
  const created = "CREATE TABLE demo.shop.orders (\n   id bigint NOT NULL,\n   secret varchar(10) COMMENT 'do not show'\n)\nCOMMENT 'all orders'";
  // Typed varchar(length of the text), as Trino types it.
  assert.deepEqual(await answer('SHOW CREATE TABLE orders'), { columns: [`Create Table varchar(${created.length})`], rows: [[created]] });
});

test('queries over metadata tables keep Trino output names: as written, or _colN for expressions', async () => {
  const result = await answer("SELECT TABLE_NAME, upper(table_type), count(*) OVER () AS n FROM system.jdbc.tables WHERE table_cat = 'demo' AND table_schem = 'shop' ORDER BY 1");
  assert.deepEqual(result.columns, ['TABLE_NAME varchar', '_col1 varchar', 'n bigint']);
  assert.deepEqual(result.rows, [['orders', 'TABLE', 2], ['v_orders', 'VIEW', 2]]);
  assert.deepEqual((await answer("SELECT column_name, comment FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position")).rows, [['id', null], ['secret', 'do not show']]);
});

test('only what the user may see is listed, on every path', async () => {
  const visible: MetadataVisibility = {
    catalog: () => true,
    schema: () => true,
    table: (t) => t.name !== 'v_orders',
    column: (_t, c) => c !== 'secret',
  };
  assert.deepEqual((await answer('SHOW TABLES', visible)).rows, [['orders']]);
  assert.deepEqual((await answer('DESCRIBE orders', visible)).rows, [['id', 'bigint', '', '']]);
  assert.deepEqual((await answer("SELECT table_name, column_name FROM system.jdbc.columns WHERE table_schem = 'shop'", visible)).rows, [['orders', 'id']]);
  await assert.rejects(answer('DESCRIBE v_orders', visible), /TABLE_NOT_FOUND|does not exist/);
});

test('what the scratch engine might evaluate differently from Trino is refused', async () => {
  assert.match(await refusal('SELECT regexp_like(table_name, \'o\') FROM information_schema.tables'), /^NOT_SUPPORTED: Function regexp_like/);
  assert.match(await refusal('SELECT * FROM information_schema.tables CROSS JOIN UNNEST(ARRAY[1])'), /^NOT_SUPPORTED: unnest/);
  assert.match(await refusal('SELECT * FROM information_schema.tables t JOIN demo.shop.orders o ON true'), /^NOT_SUPPORTED: A query over metadata tables cannot also read demo\.shop\.orders/);
  assert.match(await refusal('SELECT *, comment FROM information_schema.columns'), /^NOT_SUPPORTED: SELECT \* together with the hidden columns/);
  assert.match(await refusal('SHOW FUNCTIONS'), /^NOT_SUPPORTED: SHOW FUNCTIONS is not supported on the embedded engine/);
  assert.match(await refusal('SHOW SCHEMAS FROM nowhere'), /^CATALOG_NOT_FOUND: Catalog 'nowhere' not found/);
});

test('statements that are not metadata are not the service’s', async () => {
  assert.equal(await service.plan('SELECT * FROM demo.shop.orders', session, undefined), undefined);
  assert.equal(await service.plan('SET SESSION a = 1', session, undefined), undefined);
});
