/**
 * A user's DuckDB files served as catalogs through the gateway: readable, protected when
 * read-only, and no way out to the rest of the file system.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { startTestGateway } from '../support/services.js';

const USER = { 'X-Trino-User': 'alice' };
const dir = mkdtempSync(join(tmpdir(), 'qg-catalogs-'));
let gateway: RunningGateway;

before(async () => {
  const path = join(dir, 'sales.duckdb');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run("CREATE SCHEMA crm; CREATE TABLE crm.accounts AS SELECT * FROM (VALUES (1, 'Acme', 12.50::DECIMAL(10,2)), (2, 'Globex', 7.25::DECIMAL(10,2))) t(id, name, balance)");
  connection.closeSync();
  instance.closeSync();
  gateway = await startTestGateway({
    backends: [{ name: 'embedded', engine: 'duckdb', catalogs: [{ name: 'sales', path, readOnly: true }] }],
  });
});
after(async () => gateway?.close());

test('a configured DuckDB file is a catalog next to demo', async () => {
  const rows = await runQuery(gateway.url, 'SELECT id, name, balance FROM sales.crm.accounts ORDER BY id', USER);
  assert.equal(rows.error, undefined, JSON.stringify(rows.error));
  assert.equal(rows.rowsText, '[1,"Acme","12.50"],[2,"Globex","7.25"]');
  assert.deepEqual(rows.columns?.map((c) => c.type), ['integer', 'varchar', 'decimal(10, 2)']);
  const joined = await runQuery(gateway.url, 'SELECT count(*) FROM sales.crm.accounts a CROSS JOIN demo.tpch.region', USER);
  assert.equal(joined.rowsText, '[10]');
});

test('a read-only catalog refuses writes and the file system stays out of reach', async () => {
  const write = await runQuery(gateway.url, "INSERT INTO sales.crm.accounts VALUES (3, 'Initech', 1.00)", USER);
  assert.ok(write.error, 'the write is refused');
  for (const sql of ["SELECT * FROM read_csv('/etc/passwd')", "COPY (SELECT 1) TO '/tmp/querygate-escape.csv'", `ATTACH '${join(dir, 'other.duckdb')}' AS other`]) {
    const result = await runQuery(gateway.url, sql, USER);
    assert.ok(result.error, `${sql} must fail`);
    assert.doesNotMatch(String(result.error.message), /\n\s+at /);
  }
});
