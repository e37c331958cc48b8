/**
 * Metadata is filtered at the gateway (issue 16, bypass class 7): SHOW CATALOGS / SCHEMAS /
 * TABLES / COLUMNS and DESCRIBE through the gateway list only what Trino's file-based access
 * control would list for the user (filterCatalogs, filterSchemas, filterTables, filterColumns),
 * although the Trino behind the gateway allows everything. The expected lists follow from the
 * rules below; the same statements were compared with Trino 483 running access-control.name=file
 * on these rules (see the report in README, Governance).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startGovernedTrinoGateway } from '../support/services.js';
import { RULES, SCHEMA, createFixtures } from '../support/metadata-rules.js';

let gateway: RunningGateway;
let trino: string;

async function rows(user: string, sql: string): Promise<unknown> {
  const result = await runQuery(gateway.url, sql, { 'X-Trino-User': user });
  if (result.error) return `${result.error.errorName}: ${result.error.message}`;
  return JSON.parse(`[${result.rowsText}]`);
}

before(async () => {
  trino = await ensureTrino();
  await createFixtures(trino);
  gateway = await startGovernedTrinoGateway(trino, RULES);
});
after(async () => {
  await gateway?.close();
  if (trino) await runQuery(trino, `DROP SCHEMA IF EXISTS memory.${SCHEMA} CASCADE`, { 'X-Trino-User': 'admin' });
});

test('SHOW CATALOGS lists only catalogs where a rule grants the user something (and system, as Trino does)', async () => {
  assert.deepEqual(await rows('bob', 'SHOW CATALOGS'), [['system'], ['tpch']]);
  assert.deepEqual(await rows('ann', "SHOW CATALOGS LIKE 'm%'"), [['memory']]);
  assert.deepEqual(await rows('olaf', 'SHOW CATALOGS'), [['system']]);
  const typed = await runQuery(gateway.url, "SHOW CATALOGS LIKE 't%'", { 'X-Trino-User': 'ann' });
  assert.deepEqual(typed.columns?.map((c) => c.type), ['varchar(6)'], 'the type of the unfiltered list, as Trino reports it');
});

test('SHOW SCHEMAS and SHOW TABLES list only what the user may see', async () => {
  assert.deepEqual(await rows('ann', 'SHOW SCHEMAS FROM tpch'), [['tiny']]);
  assert.deepEqual(await rows('bob', 'SHOW SCHEMAS FROM tpch'), [['sf1']]);
  // region: a rule with no privileges hides the table; the other tpch tables have no rule.
  assert.deepEqual(await rows('ann', 'SHOW TABLES FROM tpch.tiny'), [['nation']]);
  assert.deepEqual(await rows('ann', `SHOW TABLES FROM memory.${SCHEMA}`), [['out_x'], ['v_a']]);
});

test('SHOW COLUMNS and DESCRIBE hide denied columns, with the engine’s column names and types', async () => {
  const expected = [
    ['n_nationkey', 'bigint', '', ''],
    ['n_name', 'varchar(25)', '', ''],
    ['n_regionkey', 'bigint', '', ''],
  ];
  assert.deepEqual(await rows('ann', 'SHOW COLUMNS FROM tpch.tiny.nation'), expected);
  assert.deepEqual(await rows('ann', 'DESCRIBE tpch.tiny.nation'), expected);
  const described = await runQuery(gateway.url, 'DESCRIBE tpch.tiny.nation', { 'X-Trino-User': 'ann' });
  assert.deepEqual(described.columns?.map((c) => [c.name, c.type]), [['Column', 'varchar'], ['Type', 'varchar'], ['Extra', 'varchar'], ['Comment', 'varchar']]);
  assert.equal((await rows('admin', 'SHOW COLUMNS FROM tpch.tiny.nation') as unknown[]).length, 4);
});

test('SHOW inside EXECUTE IMMEDIATE is refused rather than answered unfiltered', async () => {
  assert.match(String(await rows('ann', "EXECUTE IMMEDIATE 'SHOW TABLES FROM tpch.tiny'")), /^NOT_SUPPORTED/);
});

test('information_schema lists only what the user may see, also through aliases, joins and aggregates', async () => {
  assert.deepEqual(await rows('ann', 'SELECT schema_name FROM tpch.information_schema.schemata ORDER BY 1'), [['tiny']]);
  assert.deepEqual(await rows('ann', "SELECT table_name FROM tpch.information_schema.tables WHERE table_schema <> 'information_schema'"), [['nation']]);
  assert.deepEqual(await rows('ann', "SELECT column_name FROM tpch.information_schema.columns WHERE table_name = 'nation' ORDER BY 1"), [['n_name'], ['n_nationkey'], ['n_regionkey']]);
  assert.deepEqual(await rows('ann', `SELECT t.table_name FROM memory.information_schema.tables t WHERE t.table_schema = '${SCHEMA}' ORDER BY 1`), [['out_x'], ['v_a']]);
  assert.deepEqual(
    await rows('ann', "SELECT count(*) FROM tpch.information_schema.columns c JOIN tpch.information_schema.tables t ON c.table_name = t.table_name WHERE t.table_schema = 'tiny'"),
    [[3]],
  );
  // A catalog where no rule grants the user anything lists nothing at all.
  assert.deepEqual(await rows('olaf', 'SELECT count(*) FROM tpch.information_schema.tables'), [[0]]);
});
