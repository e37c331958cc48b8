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
import type { QueryRecord } from '../../src/tracking/types.js';

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

const HISTORY: QueryRecord[] = [
  { id: 'q_done', user: 'ann', statement: 'SELECT 1', state: 'FINISHED', createdAt: 1_000, startedAt: 1_250, endedAt: 2_000, routingGroup: 'bi', source: 'jdbc' },
  { id: 'q_gone', user: 'bob', statement: 'SELECT 2', state: 'CANCELED', createdAt: 3_000, startedAt: 3_000, endedAt: 4_000 },
  { id: 'q_left', user: 'bob', statement: 'SELECT 3', state: 'ABANDONED', createdAt: 5_000, endedAt: 6_000 },
  { id: 'q_bad', user: 'cy', statement: 'SELECT x', state: 'FAILED', createdAt: 7_000, endedAt: 7_500, errorName: 'COLUMN_NOT_FOUND' },
];
const LIVE: QueryRecord = { id: 'q_live', user: 'ann', statement: 'SELECT 4', state: 'RUNNING', createdAt: 8_000, startedAt: 8_001 };

const service = new MetadataService([embedded], pino({ level: 'silent' }), { live: () => [LIVE], recent: async () => [{ ...LIVE, state: 'QUEUED' }, ...HISTORY] });
const session = parseSession({ 'x-trino-user': 'ann', 'x-trino-catalog': 'demo', 'x-trino-schema': 'shop', 'x-trino-session': 'query_priority=7' });

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
    query: () => true,
  };
  assert.deepEqual((await answer('SHOW TABLES', visible)).rows, [['orders']]);
  assert.deepEqual((await answer('DESCRIBE orders', visible)).rows, [['id', 'bigint', '', '']]);
  assert.deepEqual((await answer("SELECT table_name, column_name FROM system.jdbc.columns WHERE table_schem = 'shop'", visible)).rows, [['orders', 'id']]);
  await assert.rejects(answer('DESCRIBE v_orders', visible), /TABLE_NOT_FOUND|does not exist/);
});

test('queries over metadata run with Trino\'s semantics, as the embedded engine translates them', async () => {
  const typed = await answer("SELECT 7/2, DECIMAL '1.50', count(*) > 0, current_user FROM information_schema.schemata");
  assert.deepEqual(typed, { columns: ['_col0 integer', '_col1 decimal(3, 2)', '_col2 boolean', '_col3 varchar'], rows: [[3, '1.50', true, 'ann']] });
  assert.match(await refusal('SELECT 1/0 FROM information_schema.schemata'), /^DIVISION_BY_ZERO: Division by zero/);
});

test('what the translation cannot render exactly is refused', async () => {
  assert.match(await refusal('SELECT approx_percentile(length(table_name), 0.5) FROM information_schema.tables'), /^NOT_SUPPORTED: line 1:8: Function approx_percentile is not supported/);
  assert.match(await refusal('SELECT * FROM information_schema.tables LEFT JOIN UNNEST(ARRAY[1]) u(x) ON true'), /^NOT_SUPPORTED: line 1:\d+: LEFT JOIN UNNEST is not supported/);
  assert.match(await refusal('SELECT query_id FROM system.runtime.queries ORDER BY resource_group_id'), /^NOT_SUPPORTED: line 1:\d+: Ordering by a value of type array\(varchar\) is not supported/);
  assert.match(await refusal("SELECT query_id FROM system.runtime.queries WHERE resource_group_id = resource_group_id"), /^NOT_SUPPORTED: line 1:\d+: Comparing values of type array\(varchar\) is not supported/);
  assert.match(await refusal('SELECT * FROM information_schema.tables t JOIN demo.shop.orders o ON true'), /^NOT_SUPPORTED: A query over metadata tables cannot also read demo\.shop\.orders/);
  assert.match(await refusal('SELECT *, comment FROM information_schema.columns'), /^NOT_SUPPORTED: SELECT \* together with the hidden columns/);
  assert.match(await refusal('SHOW FUNCTIONS FROM demo.shop'), /^NOT_SUPPORTED: SHOW FUNCTIONS FROM a schema is not supported on the embedded engine/);
  assert.match(await refusal('SHOW SCHEMAS FROM nowhere'), /^CATALOG_NOT_FOUND: Catalog 'nowhere' not found/);
});

test('SHOW FUNCTIONS and SHOW SESSION on the embedded engine: Trino’s rows for what it runs and honours', async () => {
  const abs = await answer("SHOW FUNCTIONS LIKE 'ab_'");
  assert.deepEqual(abs.columns.map((c) => c.replace(/\(\d+\)$/, '')), ['Function varchar', 'Return Type varchar', 'Argument Types varchar', 'Function Type varchar', 'Deterministic boolean', 'Description varchar']);
  // Trino's abs(real) and abs(number) are left out: the mapping table does not take them.
  assert.deepEqual(abs.rows.map((r) => r[2]), ['bigint', 'decimal(p,s)', 'double', 'integer', 'smallint', 'tinyint']);
  assert.deepEqual((await answer("SHOW FUNCTIONS LIKE 'regexp%'")).rows, []);
  assert.deepEqual((await answer('SHOW SESSION')).rows, [['query_priority', '7', '1', 'integer', 'The priority of queries. Larger numbers are higher priority']], 'the session’s value');
  assert.deepEqual((await answer("SHOW SESSION LIKE 'join%'")).rows, []);
});

test('statements that are not metadata are not the service’s', async () => {
  assert.equal(await service.plan('SELECT * FROM demo.shop.orders', session, undefined), undefined);
  assert.equal(await service.plan('SET SESSION a = 1', session, undefined), undefined);
});

test('system.runtime.queries: the gateway’s queries in Trino’s shape, filtered by the queries rules', async () => {
  const all = await answer('SELECT query_id, state, "user", source, query, resource_group_id, queued_time_ms, analysis_time_ms, created, started, "end", error_type, error_code FROM system.runtime.queries ORDER BY created');
  assert.deepEqual(all.columns, [
    'query_id varchar', 'state varchar', 'user varchar', 'source varchar', 'query varchar', 'resource_group_id array(varchar)', 'queued_time_ms bigint', 'analysis_time_ms bigint',
    'created timestamp with time zone', 'started timestamp with time zone', 'end timestamp with time zone', 'error_type varchar', 'error_code varchar',
  ]);
  assert.deepEqual(all.rows, [
    ['q_done', 'FINISHED', 'ann', 'jdbc', 'SELECT 1', ['bi'], 250, null, '1970-01-01 00:00:01.000 UTC', '1970-01-01 00:00:01.250 UTC', '1970-01-01 00:00:02.000 UTC', null, null],
    // Trino has no CANCELED or ABANDONED state: such queries failed, with the error Trino reports.
    ['q_gone', 'FAILED', 'bob', null, 'SELECT 2', null, 0, null, '1970-01-01 00:00:03.000 UTC', '1970-01-01 00:00:03.000 UTC', '1970-01-01 00:00:04.000 UTC', 'USER_ERROR', 'USER_CANCELED'],
    ['q_left', 'FAILED', 'bob', null, 'SELECT 3', null, null, null, '1970-01-01 00:00:05.000 UTC', null, '1970-01-01 00:00:06.000 UTC', 'USER_ERROR', 'ABANDONED_QUERY'],
    ['q_bad', 'FAILED', 'cy', null, 'SELECT x', null, null, null, '1970-01-01 00:00:07.000 UTC', null, '1970-01-01 00:00:07.500 UTC', 'USER_ERROR', 'COLUMN_NOT_FOUND'],
    // Live and in history: listed once, as live.
    ['q_live', 'RUNNING', 'ann', null, 'SELECT 4', null, 1, null, '1970-01-01 00:00:08.000 UTC', '1970-01-01 00:00:08.001 UTC', null, null, null],
  ]);
  const parametric = parseSession({ 'x-trino-user': 'ann', 'x-trino-client-capabilities': 'PARAMETRIC_DATETIME' });
  const planned = await service.plan('SELECT created FROM system.runtime.queries', parametric, undefined);
  assert.deepEqual((await planned!.execute(new AbortController().signal)).columns.map((c) => c.type), ['timestamp(3) with time zone']);
  const onlyBob: MetadataVisibility = { catalog: () => true, schema: () => true, table: () => true, column: () => true, query: (owner) => owner === 'bob' };
  assert.deepEqual((await answer('SELECT query_id FROM system.runtime.queries ORDER BY 1', onlyBob)).rows, [['q_gone'], ['q_left']]);
});
