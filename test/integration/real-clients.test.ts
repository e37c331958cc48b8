/**
 * The real clients (npm trino-client, the trino CLI, the JDBC driver, the Python client) talk to
 * the gateway unchanged, on the embedded engine and on a real Trino behind it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BasicAuth, Trino } from 'trino-client';
import type { RunningGateway } from '../../src/gateway.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

let env: Record<string, string>;
let trinoUrl: string;
const gateways: Record<string, RunningGateway> = {};

before(async () => {
  env = await clientEnv();
  trinoUrl = await ensureTrino();
  gateways.embedded = await startTestGateway({});
  gateways.trino = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: trinoUrl }] });
});
after(async () => {
  for (const gateway of Object.values(gateways)) await gateway.close();
});

const TARGETS = [
  { name: 'embedded DuckDB', gateway: 'embedded', catalog: 'demo', schema: 'tpch' },
  { name: 'real Trino', gateway: 'trino', catalog: 'tpch', schema: 'tiny' },
] as const;

function cli(args: string[]) {
  return run(env.QUERYGATE_CLIENT_JAVA!, ['-jar', env.TRINO_CLI_JAR!, ...args], { timeout: 60_000 });
}

function jdbc(args: string[]) {
  return run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcQuery', ...args], { timeout: 60_000 });
}

function python(args: string[]) {
  return run(env.QUERYGATE_PYTHON!, [`${REPO}test/clients/py_query.py`, ...args], { timeout: 60_000 });
}

for (const target of TARGETS) {
  describe(`through the gateway to ${target.name}`, () => {
    const url = () => gateways[target.gateway]!.url;
    const port = () => String(gateways[target.gateway]!.port);
    const table = `${target.catalog}.${target.schema}.nation`;

    test('npm trino-client', async () => {
      const client = Trino.create({ server: url(), catalog: target.catalog, schema: target.schema, auth: new BasicAuth('alice') });
      const rows: unknown[][] = [];
      for await (const result of await client.query('SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey')) {
        assert.equal(result.error, undefined, JSON.stringify(result.error));
        rows.push(...(result.data ?? []));
      }
      assert.equal(rows.length, 25);
      assert.deepEqual(rows[0], [0, 'ALGERIA']);
      assert.deepEqual(rows[24], [24, 'UNITED STATES']);
      const failing = await client.query('SELECT * FROM no_such_table');
      let errorName: string | undefined;
      for await (const result of failing) errorName ??= result.error?.errorName;
      assert.equal(errorName, 'TABLE_NOT_FOUND');
    });

    test('trino CLI in --execute mode', async () => {
      const ok = await cli(['--server', url(), '--user', 'alice', '--execute', `SELECT count(*) FROM ${table}`]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout.trim(), '"25"');
      const use = await cli(['--server', url(), '--user', 'alice', '--execute', `USE ${target.catalog}.${target.schema}; SELECT n_name FROM nation WHERE n_nationkey = 7`]);
      assert.equal(use.code, 0, use.stderr);
      assert.equal(use.stdout.trim(), '"GERMANY"');
      const bad = await cli(['--server', url(), '--user', 'alice', '--execute', `SELECT * FORM ${table}`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Query \S+ failed: line 1:\d+: /);
      assert.match(bad.stderr, /LINE 1: SELECT \* FORM/);
    });

    test('JDBC driver, plain and prepared', async () => {
      const jdbcUrl = `jdbc:trino://127.0.0.1:${port()}/${target.catalog}/${target.schema}?user=alice`;
      const plain = await jdbc([jdbcUrl, 'SELECT n_name, n_regionkey FROM nation WHERE n_nationkey < 3 ORDER BY n_nationkey']);
      assert.equal(plain.code, 0, plain.stderr + plain.stdout);
      const result = JSON.parse(plain.stdout) as { rows: string[][]; columns: Array<{ name: string; type: string }> };
      assert.deepEqual(result.rows, [['ALGERIA', '0'], ['ARGENTINA', '1'], ['BRAZIL', '1']]);
      assert.match(result.columns[0]!.type, /^varchar/);
      assert.equal(result.columns[1]!.type, 'bigint');
      const prepared = await jdbc(['--prepared', jdbcUrl, 'SELECT n_name FROM nation WHERE n_nationkey = ? OR n_name = ?', 'i:3', 's:PERU']);
      assert.equal(prepared.code, 0, prepared.stderr + prepared.stdout);
      assert.deepEqual((JSON.parse(prepared.stdout) as { rows: string[][] }).rows, [['CANADA'], ['PERU']]);
      const failing = await jdbc([jdbcUrl, 'SELECT * FROM no_such_table']);
      assert.equal(failing.code, 2);
      assert.match(failing.stdout, /Query failed \(#\S+\): .*no_such_table/);
    });

    test('Python client, with parameters and error locations', async () => {
      const base = ['--host', '127.0.0.1', '--port', port(), '--user', 'alice', '--catalog', target.catalog, '--schema', target.schema];
      const ok = await python([...base, '--sql', 'SELECT n_name FROM nation WHERE n_nationkey = ? OR n_name = ?', '--param', 'i:3', '--param', 's:PERU']);
      assert.equal(ok.code, 0, ok.stderr + ok.stdout);
      assert.deepEqual((JSON.parse(ok.stdout) as { rows: string[][] }).rows, [['CANADA'], ['PERU']]);
      const bad = await python([...base, '--sql', 'SELECT * FORM nation']);
      assert.equal(bad.code, 2, bad.stderr + bad.stdout);
      const error = (JSON.parse(bad.stdout) as { error: { name: string; location: number[] } }).error;
      assert.equal(error.name, 'SYNTAX_ERROR');
      assert.equal(error.location[0], 1);
    });
  });
}
