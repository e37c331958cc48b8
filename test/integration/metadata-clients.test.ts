/**
 * A BI tool's browse path through the gateway with real clients (issue 20): JDBC DatabaseMetaData
 * through the Trino JDBC driver, the SQLAlchemy inspector of the Python `trino` package and the
 * Trino CLI's SHOW statements, on the embedded engine, on a real Trino behind the gateway and on
 * both behind one gateway, with and without access control. Where Trino serves a catalog, each
 * answer is compared with the same call made directly against that Trino; on the embedded engine
 * the answer's shape (columns and their types) is compared with Trino's answer to the same call.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

let env: Record<string, string>;
let trinoUrl: string;
let trinoPort: string;
const gateways: Record<string, RunningGateway> = {};

const RULES = {
  catalogs: [{ catalog: 'demo|system', allow: 'all' }],
  // Without schema rules every user owns every schema (and sees all its tables): only admin owns them here.
  schemas: [{ user: 'admin', owner: true }],
  tables: [
    { user: 'ann', catalog: 'demo', schema: 'tpch', table: 'supplier', privileges: [] },
    { user: 'ann', catalog: 'demo', schema: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] },
    { catalog: 'demo|system', privileges: ['SELECT'] },
  ],
};

before(async () => {
  env = await clientEnv();
  trinoUrl = await ensureTrino();
  trinoPort = new URL(trinoUrl).port;
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-metadata-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(RULES));
  gateways.embedded = await startTestGateway({});
  gateways.trino = await startTestGateway({ backends: [{ name: 'trino1', engine: 'trino', url: trinoUrl }] });
  gateways.both = await startTestGateway({
    backends: [
      { name: 'embedded', engine: 'duckdb', group: 'local' },
      { name: 'trino1', engine: 'trino', url: trinoUrl, group: 'cluster' },
    ],
    routing: { defaultGroup: 'cluster' },
  });
  gateways.governed = await startTestGateway({ accessControl: { rulesFile } });
});
after(async () => {
  for (const gateway of Object.values(gateways)) await gateway.close();
});

interface ResultSet {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Array<string | null>>;
}

async function jdbcMetadata(port: string, user: string, call: string, ...args: string[]): Promise<ResultSet> {
  return (await jdbcBatch(port, user, [[call, ...args]]))[0]!;
}

/** Several DatabaseMetaData calls on one connection (one JVM: starting one is the slow part). */
async function jdbcBatch(port: string, user: string, calls: string[][]): Promise<ResultSet[]> {
  const args = calls.flatMap((call, i) => (i === 0 ? call : ['--', ...call]));
  const result = await run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcMetadata', `jdbc:trino://127.0.0.1:${port}`, user, ...args], { timeout: 120_000 });
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as ResultSet | ResultSet[];
  return calls.length === 1 ? [parsed as ResultSet] : (parsed as ResultSet[]);
}

async function inspector(port: string, user: string, catalog: string, call: string, schema?: string, table?: string): Promise<unknown> {
  const args = [`${REPO}test/clients/py_inspect.py`, '--host', '127.0.0.1', '--port', port, '--user', user, '--catalog', catalog, '--call', call];
  if (schema !== undefined) args.push('--schema', schema);
  if (table !== undefined) args.push('--table', table);
  const result = await run(env.QUERYGATE_PYTHON!, args, { timeout: 60_000 });
  assert.equal(result.code, 0, `${call}: ${result.stdout}${result.stderr}`);
  return (JSON.parse(result.stdout) as { result: unknown }).result;
}

async function cli(url: string, user: string, sql: string): Promise<string[]> {
  const result = await run(env.QUERYGATE_CLIENT_JAVA!, ['-jar', env.TRINO_CLI_JAR!, '--server', url, '--user', user, '--execute', sql], { timeout: 60_000 });
  assert.equal(result.code, 0, `${sql}: ${result.stderr}`);
  return result.stdout.trim().split('\n');
}

const port = (name: string) => String(gateways[name]!.port);
const first = (set: ResultSet, column: string) => set.rows.map((r) => r[set.columns.findIndex((c) => c.name.toLowerCase() === column)]);
const sortedRows = (set: ResultSet) => set.rows.map((r) => JSON.stringify(r)).sort();

/** The JDBC browse calls of a BI tool, for a catalog, schema and table. */
function browseCalls(catalog: string, schema: string, table: string): Array<[string, ...string[]]> {
  return [
    ['catalogs'],
    ['schemas', catalog, 'null'],
    ['schemas', catalog, `${schema.slice(0, 2)}%`],
    ['tables', catalog, schema, 'null', 'null'],
    ['tables', catalog, schema, '%', 'TABLE,VIEW'],
    ['columns', catalog, schema, table, 'null'],
    ['columns', catalog, schema, table, '%\\_name'],
    ['typeInfo'],
    ['tableTypes'],
    ['primaryKeys', catalog, schema, table],
  ];
}

describe('JDBC DatabaseMetaData', () => {
  test('on the embedded engine: every browse call answers, with the columns and types Trino answers them with', async () => {
    const embedded = browseCalls('demo', 'tpch', 'nation');
    const ours = await jdbcBatch(port('embedded'), 'alice', embedded);
    const trino = await jdbcBatch(trinoPort, 'alice', browseCalls('tpch', 'tiny', 'nation'));
    embedded.forEach((call, i) => assert.deepEqual(ours[i]!.columns, trino[i]!.columns, call.join(' ')));
    assert.deepEqual(first(await jdbcMetadata(port('embedded'), 'alice', 'catalogs'), 'table_cat'), ['demo', 'system']);
    assert.deepEqual((await jdbcMetadata(port('embedded'), 'alice', 'schemas', 'demo', 'null')).rows, [['information_schema', 'demo'], ['tpch', 'demo']]);
    const nodes = await runQuery(gateways.embedded!.url, 'SELECT node_id, coordinator, state FROM system.runtime.nodes', { 'X-Trino-User': 'alice' });
    assert.equal(nodes.rowsText, '["embedded",true,"active"]');
    const tables = await jdbcMetadata(port('embedded'), 'alice', 'tables', 'demo', 'tpch', 'null', 'null');
    assert.deepEqual(first(tables, 'table_name'), ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']);
    const columns = await jdbcMetadata(port('embedded'), 'alice', 'columns', 'demo', 'tpch', 'nation', 'null');
    assert.deepEqual(first(columns, 'column_name'), ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment']);
    assert.deepEqual(first(await jdbcMetadata(port('embedded'), 'alice', 'columns', 'demo', 'tpch', 'nation', '%\\_name'), 'column_name'), ['n_name']);
    // The type registry and table types are Trino's own.
    assert.deepEqual(sortedRows(await jdbcMetadata(port('embedded'), 'alice', 'typeInfo')), sortedRows(await jdbcMetadata(trinoPort, 'alice', 'typeInfo')));
  });

  test('through the gateway in front of Trino: the same answers as Trino gives directly', async () => {
    const calls = browseCalls('tpch', 'tiny', 'nation');
    const ours = await jdbcBatch(port('trino'), 'alice', calls);
    const trino = await jdbcBatch(trinoPort, 'alice', calls);
    calls.forEach((call, i) => assert.deepEqual(ours[i], trino[i], call.join(' ')));
  });

  test('with both engines behind one gateway: one namespace, and Trino catalogs answered as Trino answers them', async () => {
    const catalogs = first(await jdbcMetadata(port('both'), 'alice', 'catalogs'), 'table_cat');
    const trinoCatalogs = first(await jdbcMetadata(trinoPort, 'alice', 'catalogs'), 'table_cat');
    assert.deepEqual(catalogs, [...new Set(['demo', ...trinoCatalogs])].sort());
    const calls = browseCalls('tpch', 'tiny', 'nation').filter(([call]) => call !== 'catalogs');
    const ours = await jdbcBatch(port('both'), 'alice', calls);
    const trino = await jdbcBatch(trinoPort, 'alice', calls);
    calls.forEach((call, i) => {
      // getTypeInfo orders by DATA_TYPE only: Trino's order of equal codes is its hash order.
      if (call[0] === 'typeInfo') assert.deepEqual([ours[i]!.columns, sortedRows(ours[i]!)], [trino[i]!.columns, sortedRows(trino[i]!)]);
      else assert.deepEqual(ours[i], trino[i], call.join(' '));
    });
    const demo = await jdbcMetadata(port('both'), 'alice', 'columns', 'demo', 'tpch', 'region', 'null');
    assert.deepEqual(first(demo, 'column_name'), ['r_regionkey', 'r_name', 'r_comment']);
  });

  test('with access control: hidden tables and denied columns are absent from every call', async () => {
    const tables = first(await jdbcMetadata(port('governed'), 'ann', 'tables', 'demo', 'tpch', 'null', 'null'), 'table_name');
    assert.ok(tables.includes('nation') && !tables.includes('supplier'), tables.join(' '));
    const columns = first(await jdbcMetadata(port('governed'), 'ann', 'columns', 'demo', 'tpch', 'customer', 'null'), 'column_name');
    assert.ok(columns.includes('c_name') && !columns.includes('c_phone'), columns.join(' '));
    assert.equal((await jdbcMetadata(port('governed'), 'ann', 'columns', 'demo', 'tpch', 'supplier', 'null')).rows.length, 0);
    // admin owns every schema: nothing is hidden from it.
    assert.ok(first(await jdbcMetadata(port('governed'), 'admin', 'tables', 'demo', 'tpch', 'null', 'null'), 'table_name').includes('supplier'));
  });
});

describe('one namespace across engines', () => {
  const rowsOf = async (sql: string) => {
    const result = await runQuery(gateways.both!.url, sql, { 'X-Trino-User': 'alice' });
    return result.error ? `${String(result.error.errorName)}: ${String(result.error.message)}` : (JSON.parse(`[${result.rowsText}]`) as unknown[][]);
  };

  test('a statement goes where its catalog lives, whatever group the routing rules chose', async () => {
    assert.deepEqual(await rowsOf('SELECT count(*) FROM demo.tpch.nation'), [[25]]);
    assert.deepEqual(await rowsOf('SELECT count(*) FROM tpch.tiny.nation'), [[25]]);
    assert.deepEqual(await rowsOf("SELECT table_name FROM tpch.information_schema.tables WHERE table_schema = 'tiny' AND table_name = 'nation'"), [['nation']]);
  });

  test('a statement naming a missing schema or table of a Trino catalog gets Trino’s own error, not the embedded engine’s', async () => {
    // The analyzer cannot read such a statement, yet its catalog still decides which engine answers
    // (the embedded engine has a DuckDB database called memory of its own, and answered these
    // with SCHEMA_NOT_FOUND before).
    const answer = async (url: string, sql: string) => {
      const result = await runQuery(url, sql, { 'X-Trino-User': 'alice' });
      return result.error ? `${String(result.error.errorName)}: ${String(result.error.message)}` : (JSON.parse(`[${result.rowsText}]`) as unknown[][]);
    };
    const embeddedFirst = await startTestGateway({
      backends: [
        { name: 'embedded', engine: 'duckdb', group: 'local' },
        { name: 'trino1', engine: 'trino', url: trinoUrl, group: 'cluster' },
      ],
      routing: { defaultGroup: 'local' },
    });
    try {
      for (const sql of [
        'SELECT * FROM memory.default.missing_table',
        'SELECT * FROM memory.missing_schema.t',
        'SELECT n_name FROM tpch.tiny.missing_table',
        'SELECT * FROM tpch.missing_schema.nation',
        'SELECT missing_column FROM tpch.tiny.nation',
        'SELECT count(*) FROM tpch.tiny.nation n JOIN tpch.tiny.missing_table m ON true',
      ]) {
        const expected = await answer(trinoUrl, sql);
        assert.match(String(expected), /^(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|COLUMN_NOT_FOUND): /, sql);
        for (const gateway of [gateways.both!, embeddedFirst]) assert.deepEqual(await answer(gateway.url, sql), expected, sql);
      }
    } finally {
      await embeddedFirst.close();
    }
  });

  test('a statement joining catalogs on different engines is refused, naming the catalogs and engines', async () => {
    const refused = String(await rowsOf('SELECT count(*) FROM demo.tpch.nation d JOIN tpch.tiny.nation t ON d.n_nationkey = t.n_nationkey'));
    assert.match(refused, /^NOT_SUPPORTED: Catalogs on different engines cannot be used in one statement: /);
    assert.match(refused, /demo \(embedded engine backend embedded\)/);
    assert.match(refused, /tpch \(Trino backend trino1\)/);
  });

  test('the SQLAlchemy inspector on a Trino catalog answers as Trino does directly', async () => {
    for (const [call, schema, table] of [['get_schema_names'], ['get_table_names', 'tiny'], ['get_columns', 'tiny', 'nation']] as const) {
      assert.deepEqual(await inspector(port('both'), 'alice', 'tpch', call, schema, table), await inspector(trinoPort, 'alice', 'tpch', call, schema, table), call);
    }
    assert.deepEqual(await inspector(port('both'), 'alice', 'demo', 'get_schema_names'), ['information_schema', 'tpch']);
  });

  test('a Trino backend that is down: its catalogs are unavailable, the embedded ones keep working', async () => {
    const gateway = await startTestGateway({
      backends: [
        { name: 'embedded', engine: 'duckdb', group: 'local' },
        { name: 'gone', engine: 'trino', url: 'http://127.0.0.1:1', group: 'cluster' },
      ],
      routing: { defaultGroup: 'local' },
    });
    try {
      const ask = async (sql: string) => runQuery(gateway.url, sql, { 'X-Trino-User': 'alice' });
      assert.equal((await ask('SELECT count(*) FROM demo.tpch.nation')).rowsText, '[25]');
      const shown = await ask('SHOW CATALOGS');
      assert.equal(shown.error, undefined);
      assert.equal(shown.rowsText, '["demo"],["system"]');
    } finally {
      await gateway.close();
    }
  });
});

describe('SQLAlchemy inspector', () => {
  test('on the embedded engine', async () => {
    assert.deepEqual(await inspector(port('embedded'), 'alice', 'demo', 'get_schema_names'), ['information_schema', 'tpch']);
    assert.deepEqual(await inspector(port('embedded'), 'alice', 'demo', 'get_table_names', 'tpch'), ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']);
    assert.deepEqual(await inspector(port('embedded'), 'alice', 'demo', 'get_view_names', 'tpch'), []);
    const columns = (await inspector(port('embedded'), 'alice', 'demo', 'get_columns', 'tpch', 'nation')) as Array<{ name: string }>;
    assert.deepEqual(
      columns.map((c) => c.name),
      ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
    );
  });

  test('through the gateway in front of Trino: the same answers as Trino gives directly', async () => {
    for (const [call, schema, table] of [['get_schema_names'], ['get_table_names', 'tiny'], ['get_view_names', 'tiny'], ['get_columns', 'tiny', 'nation']] as const) {
      assert.deepEqual(await inspector(port('trino'), 'alice', 'tpch', call, schema, table), await inspector(trinoPort, 'alice', 'tpch', call, schema, table), call);
    }
  });

  test('with access control: hidden tables and denied columns are absent', async () => {
    const tables = (await inspector(port('governed'), 'ann', 'demo', 'get_table_names', 'tpch')) as string[];
    assert.ok(tables.includes('nation') && !tables.includes('supplier'), tables.join(' '));
    const columns = (await inspector(port('governed'), 'ann', 'demo', 'get_columns', 'tpch', 'customer')) as Array<{ name: string }>;
    assert.ok(!columns.some((c) => c.name === 'c_phone'));
  });
});

describe('Trino CLI SHOW statements', () => {
  test('on the embedded engine, without and with access control', async () => {
    const url = gateways.embedded!.url;
    assert.deepEqual(await cli(url, 'alice', 'SHOW CATALOGS'), ['"demo"', '"system"']);
    assert.deepEqual(await cli(url, 'alice', 'SHOW SCHEMAS FROM demo'), ['"information_schema"', '"tpch"']);
    assert.deepEqual(await cli(url, 'alice', "SHOW TABLES FROM demo.tpch LIKE 'n%'"), ['"nation"']);
    // demo.tpch is Trino's tpch.tiny, whose r_name Trino declares varchar(25).
    assert.deepEqual(await cli(url, 'alice', "SHOW COLUMNS FROM demo.tpch.region LIKE 'r\\_n%' ESCAPE '\\'"), ['"r_name","varchar(25)","",""']);
    assert.equal((await cli(url, 'alice', 'DESCRIBE demo.tpch.nation')).length, 4);
    const governed = gateways.governed!.url;
    assert.ok(!(await cli(governed, 'ann', 'SHOW TABLES FROM demo.tpch')).includes('"supplier"'));
    assert.ok(!(await cli(governed, 'ann', 'DESCRIBE demo.tpch.customer')).some((line) => line.startsWith('"c_phone"')));
  });

  test('SHOW statements through a gateway with both engines name the catalogs of both', async () => {
    const shown = await cli(gateways.both!.url, 'alice', 'SHOW CATALOGS');
    assert.ok(shown.includes('"demo"') && shown.includes('"tpch"') && shown.includes('"system"'), shown.join(' '));
    const typed = await runQuery(gateways.both!.url, 'SHOW CATALOGS', { 'X-Trino-User': 'alice' });
    assert.deepEqual(typed.columns?.map((c) => c.type), [`varchar(${Math.max(...shown.map((s) => s.length - 2))})`]);
  });
});
