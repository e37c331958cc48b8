/**
 * The rules, fixtures and statements of the metadata filtering tests
 * (test/integration/governance-metadata.test.ts), shared with the comparison against Trino 483
 * running access-control.name=file on the same rules.
 */
import assert from 'node:assert/strict';
import { runQuery } from './protocol-client.js';

export const SCHEMA = 'qg_gov_meta';

export const RULES = {
  catalogs: [{ allow: 'all' }],
  tables: [
    { user: 'admin', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP', 'GRANT_SELECT'] },
    { user: 'ann', catalog: 'memory', schema: SCHEMA, table: 'v_.*', privileges: ['SELECT'] },
    { user: 'ann', catalog: 'memory', schema: SCHEMA, table: 'out.*', privileges: ['SELECT', 'INSERT', 'OWNERSHIP'] },
    { user: 'ann', catalog: 'tpch', schema: 'tiny', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'n_comment', allow: false }] },
    { user: 'ann', catalog: 'tpch', schema: 'tiny', table: 'region', privileges: [] },
    { user: 'bob', catalog: 'tpch', schema: 'sf1', table: 'orders', privileges: ['SELECT'] },
  ],
  schemas: [{ user: 'admin', owner: true }],
  // Present, so a catalog is listed only where some rule grants something (Trino's checkAnyCatalogAccess).
  catalog_session_properties: [{ user: 'admin', allow: true }],
};

/** [user, statement] pairs; each answer is compared row for row. */
export const CASES: Array<[string, string]> = [
  ...['ann', 'bob', 'olaf', 'admin'].flatMap((user): Array<[string, string]> => [
    [user, 'SHOW CATALOGS'],
    [user, "SHOW CATALOGS LIKE 't%'"],
    [user, 'SHOW SCHEMAS FROM tpch'],
    [user, 'SHOW TABLES FROM tpch.tiny'],
    [user, `SHOW TABLES FROM memory.${SCHEMA}`],
    [user, "SHOW TABLES FROM tpch.tiny LIKE 'n%'"],
    [user, 'SHOW COLUMNS FROM tpch.tiny.nation'],
    [user, 'DESCRIBE tpch.tiny.nation'],
    [user, 'SHOW COLUMNS FROM tpch.sf1.orders'],
    [user, 'SELECT table_schema, table_name FROM tpch.information_schema.tables ORDER BY 1, 2'],
    [user, "SELECT table_name, column_name FROM tpch.information_schema.columns WHERE table_schema = 'tiny' ORDER BY 1, 2"],
    [user, 'SELECT schema_name FROM tpch.information_schema.schemata ORDER BY 1'],
    [user, 'SELECT count(*) FROM tpch.information_schema.tables'],
    [user, `SELECT t.table_name FROM memory.information_schema.tables t WHERE t.table_schema = '${SCHEMA}' ORDER BY 1`],
    [user, `SELECT table_name FROM memory.information_schema.views WHERE table_schema = '${SCHEMA}' ORDER BY 1`],
    [user, "SELECT c.column_name FROM tpch.information_schema.columns AS c JOIN tpch.information_schema.tables AS t ON c.table_schema = t.table_schema AND c.table_name = t.table_name WHERE t.table_name = 'nation' ORDER BY 1"],
  ]),
];

export async function createFixtures(trinoUrl: string): Promise<void> {
  for (const sql of [
    `CREATE SCHEMA IF NOT EXISTS memory.${SCHEMA}`,
    `CREATE TABLE IF NOT EXISTS memory.${SCHEMA}.secret AS SELECT 1 AS a`,
    `CREATE TABLE IF NOT EXISTS memory.${SCHEMA}.out_x AS SELECT 1 AS a`,
    `CREATE OR REPLACE VIEW memory.${SCHEMA}.v_a AS SELECT 1 AS a`,
  ]) {
    const result = await runQuery(trinoUrl, sql, { 'X-Trino-User': 'admin' });
    assert.equal(result.error, undefined, `${sql}: ${JSON.stringify(result.error)}`);
  }
}

