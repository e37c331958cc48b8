/**
 * The update type a statement without a result set reports through the Athena engine. Trino names
 * each statement kind itself (`ADD COLUMN`, not `ALTER TABLE`); the gateway's names for the
 * statements its grammar parses are compared with the real Trino 483's, each statement run in a
 * schema of Trino's memory catalog made for the test, each to its end. Through the emulated Athena (moto; no real AWS) a
 * statement the grammar parses gets Trino's name, and Athena's Hive DDL its leading words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { trinoUpdateType } from '../../src/sql/analyzer/update-type.js';
import { AthenaEmulator, athenaBackend, useEmulatorCredentials } from '../support/athena-emulator.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

const SCHEMA = `athena_update_types_${Date.now().toString(36)}`;
const TRINO_SESSION = { 'X-Trino-User': 'alice', 'X-Trino-Catalog': 'memory', 'X-Trino-Schema': SCHEMA };

/** In order: each statement runs after the ones before it. */
const STATEMENTS = [
  'CREATE TABLE t1 (a integer, b varchar)',
  'CREATE TABLE IF NOT EXISTS t1 (a integer)',
  'CREATE TABLE t2 AS SELECT 1 AS x',
  'CREATE VIEW v1 AS SELECT a FROM t1',
  'CREATE OR REPLACE VIEW v1 AS SELECT a, b FROM t1',
  'ALTER TABLE t1 ADD COLUMN c bigint',
  'ALTER TABLE t1 ADD COLUMN IF NOT EXISTS c bigint',
  'ALTER TABLE t1 RENAME COLUMN c TO d',
  'ALTER TABLE t2 RENAME TO t3',
  'ALTER VIEW v1 RENAME TO v2',
  "COMMENT ON TABLE t3 IS 'x'",
  "COMMENT ON COLUMN t3.x IS 'x'",
  'INSERT INTO t3 VALUES (2)',
  "ALTER TABLE t1 ADD COLUMN e varchar COMMENT 'x'",
  'TRUNCATE TABLE t3',
  'DROP VIEW v2',
  'DROP TABLE t3',
  'DROP TABLE IF EXISTS t3',
  `CREATE SCHEMA memory.${SCHEMA}_x`,
  `ALTER SCHEMA memory.${SCHEMA}_x RENAME TO ${SCHEMA}_y`,
  `DROP SCHEMA memory.${SCHEMA}_y`,
  `CREATE FUNCTION memory.${SCHEMA}.f() RETURNS integer RETURN 1`,
  `DROP FUNCTION memory.${SCHEMA}.f()`,
  'DROP TABLE t1',
];

describe('update types of statements without a result set (Athena engine)', () => {
  let trinoUrl: string;

  before(async () => {
    trinoUrl = await ensureTrino();
    const created = await runQuery(trinoUrl, `CREATE SCHEMA memory.${SCHEMA}`, TRINO_SESSION);
    assert.equal(created.error, undefined, JSON.stringify(created.error));
  });

  after(async () => {
    await runQuery(trinoUrl, `DROP SCHEMA IF EXISTS memory.${SCHEMA} CASCADE`, TRINO_SESSION);
  });

  it("names every statement the gateway's grammar parses as Trino 483 does", async () => {
    const disagreements: string[] = [];
    for (const sql of STATEMENTS) {
      const trino = await runQuery(trinoUrl, sql, TRINO_SESSION);
      assert.equal(trino.error, undefined, `${sql}: ${JSON.stringify(trino.error)}`);
      const expected = trino.last.updateType;
      if (trinoUpdateType(sql) !== expected) disagreements.push(`${sql}: gateway ${trinoUpdateType(sql)}, Trino ${String(expected)}`);
    }
    process.stdout.write(`# update types: ${STATEMENTS.length - disagreements.length}/${STATEMENTS.length} statements named as Trino 483 names them\n`);
    assert.deepEqual(disagreements, []);
  });

  describe('through the emulated Athena', () => {
    let emulator: AthenaEmulator;
    let gateway: RunningGateway;

    before(async () => {
      useEmulatorCredentials();
      emulator = await AthenaEmulator.start();
      await emulator.createWorkgroups(['ddl-wg']);
      gateway = await startTestGateway({ backends: [athenaBackend(emulator, 'athena1', 'ddl-wg')] });
    });

    after(async () => {
      await gateway?.close();
      await emulator?.close();
    });

    for (const [sql, updateType] of [
      ['ALTER TABLE sales ADD COLUMN region varchar', 'ADD COLUMN'],
      ['ALTER TABLE sales RENAME TO sales_old', 'RENAME TABLE'],
      ['CREATE OR REPLACE VIEW recent AS SELECT 1 AS x', 'CREATE VIEW'],
      ["CREATE EXTERNAL TABLE logs (line string) LOCATION 's3://bucket/logs/'", 'CREATE EXTERNAL'],
      ['MSCK REPAIR TABLE logs', 'MSCK REPAIR'],
    ] as const) {
      it(`reports ${updateType} for ${sql.slice(0, 40)}`, async () => {
        const run = await runQuery(gateway.url, sql, { 'X-Trino-User': 'alice', 'X-Trino-Catalog': 'awsdatacatalog', 'X-Trino-Schema': 'default' });
        assert.equal(run.error, undefined, JSON.stringify(run.error));
        assert.equal(run.last.updateType, updateType);
      });
    }
  });
});
