import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { TPCH_COLUMNS } from '../../src/engines/duckdb/demo-data.js';
import { DuckDbEngine } from '../../src/engines/duckdb/duckdb-engine.js';
import type { LocalExecution, LocalStatement } from '../../src/engines/local-engine.js';
import { ErrorCodes, QueryFailure, type ErrorCode } from '../../src/protocol/errors.js';

interface Outcome {
  execution: LocalExecution;
  rowsJson: string;
  rows: unknown[][];
  pages: number[];
}

function statement(sql: string, extra: Partial<LocalStatement> = {}): LocalStatement {
  return { sql, parameters: [], parametricDatetime: true, catalog: 'demo', schema: 'tpch', ...extra };
}

async function run(engine: DuckDbEngine, sql: string, extra: Partial<LocalStatement> = {}, targetBytes = 1 << 20): Promise<Outcome> {
  const execution = await engine.execute(statement(sql, extra), new AbortController().signal);
  const parts: string[] = [];
  const pages: number[] = [];
  for (let page = await execution.nextPage(targetBytes); page !== null; page = await execution.nextPage(targetBytes)) {
    parts.push(page.rowsJson);
    pages.push(page.rowCount);
  }
  const rowsJson = parts.join(',');
  return { execution, rowsJson, rows: JSON.parse(`[${rowsJson}]`) as unknown[][], pages };
}

async function failure(promise: Promise<unknown>): Promise<QueryFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof QueryFailure, `expected a QueryFailure, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the statement to fail');
}

async function fails(engine: DuckDbEngine, sql: string, code: ErrorCode, extra: Partial<LocalStatement> = {}): Promise<QueryFailure> {
  const err = await failure(run(engine, sql, extra));
  assert.equal(err.errorCode.name, code.name, `${sql}: ${err.message}`);
  assert.doesNotMatch(err.message, /\n\s+at |node_modules|\/work\//, 'no stack traces or gateway paths');
  return err;
}

/** Trino's column types of tpch.tiny (test/engines/tpch-tiny.test.ts checks them against Trino itself). */
const TPCH_TYPES: Record<string, string[]> = Object.fromEntries(Object.entries(TPCH_COLUMNS).map(([table, columns]) => [table, columns.map(([name, type]) => `${name} ${type}`)]));

describe('DuckDB engine', () => {
  const engine = new DuckDbEngine({ demo: true, catalogs: [] });
  before(() => engine.start());
  after(() => engine.close());

  describe('demo catalog', () => {
    test('has the TPC-H tables with their columns and types', async () => {
      for (const [table, expected] of Object.entries(TPCH_TYPES)) {
        const { execution } = await run(engine, `SELECT * FROM ${table} LIMIT 0`);
        assert.deepEqual(execution.columns.map((c) => `${c.name} ${c.type}`), expected, table);
      }
      assert.deepEqual(await engine.columnsOf('demo', 'tpch', 'region'), [
        { name: 'r_regionkey', type: 'bigint' },
        { name: 'r_name', type: 'varchar(25)' },
        { name: 'r_comment', type: 'varchar(152)' },
      ]);
      assert.deepEqual(await engine.columnsOf('demo', 'tpch', 'no_such_table'), []);
      assert.deepEqual(await engine.columnsOf('no_such_catalog', 'tpch', 'region'), []);
    });

    test('has the standard regions and nations', async () => {
      const regions = await run(engine, 'SELECT r_regionkey, r_name FROM region ORDER BY 1');
      assert.equal(regions.rowsJson, '[0,"AFRICA"],[1,"AMERICA"],[2,"ASIA"],[3,"EUROPE"],[4,"MIDDLE EAST"]');
      const nations = await run(engine, 'SELECT n_nationkey, n_name, n_regionkey FROM nation ORDER BY 1');
      assert.equal(nations.rows.length, 25);
      assert.deepEqual(nations.rows[0], [0, 'ALGERIA', 0]);
      assert.deepEqual(nations.rows[18], [18, 'CHINA', 2]);
      assert.deepEqual(nations.rows[24], [24, 'UNITED STATES', 1]);
      const count = await run(engine, 'SELECT count(*) FROM nation');
      assert.equal(count.rowsJson, '[25]');
    });

    test('has TPC-H sized tables', async () => {
      const { rows } = await run(
        engine,
        `SELECT (SELECT count(*) FROM supplier), (SELECT count(*) FROM part), (SELECT count(*) FROM partsupp),
                (SELECT count(*) FROM customer), (SELECT count(*) FROM orders), (SELECT count(*) FROM lineitem)`,
      );
      assert.deepEqual(rows[0], [100, 2000, 8000, 1500, 15000, 60175]);
    });

    test('keeps referential integrity', async () => {
      const { rows } = await run(
        engine,
        `SELECT
           (SELECT count(*) FROM nation WHERE n_regionkey NOT IN (SELECT r_regionkey FROM region)),
           (SELECT count(*) FROM supplier WHERE s_nationkey NOT IN (SELECT n_nationkey FROM nation)),
           (SELECT count(*) FROM customer WHERE c_nationkey NOT IN (SELECT n_nationkey FROM nation)),
           (SELECT count(*) FROM partsupp WHERE ps_partkey NOT IN (SELECT p_partkey FROM part) OR ps_suppkey NOT IN (SELECT s_suppkey FROM supplier)),
           (SELECT count(*) FROM (SELECT ps_partkey, ps_suppkey FROM partsupp GROUP BY ps_partkey, ps_suppkey HAVING count(*) > 1)),
           (SELECT count(*) FROM orders WHERE o_custkey NOT IN (SELECT c_custkey FROM customer)),
           (SELECT count(*) FROM lineitem l WHERE NOT EXISTS (SELECT 1 FROM partsupp WHERE ps_partkey = l_partkey AND ps_suppkey = l_suppkey)),
           (SELECT count(*) FROM lineitem WHERE l_orderkey NOT IN (SELECT o_orderkey FROM orders)),
           (SELECT count(*) FROM orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM lineitem))`,
      );
      assert.deepEqual(rows[0], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    });

    test('answers TPC-H Q1', async () => {
      const { rows, execution } = await run(
        engine,
        `SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, count(*) AS count_order
         FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
         GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`,
      );
      // Trino's answer on tpch.tiny.
      assert.deepEqual(rows, [['A', 'F', 380456.0, 14876], ['N', 'F', 8971.0, 348], ['N', 'O', 742802.0, 29181], ['R', 'F', 381449.0, 14902]]);
      assert.deepEqual(execution.columns.map((c) => c.type), ['varchar(1)', 'varchar(1)', 'double', 'bigint']);
    });

    test('is identical in every engine instance', async () => {
      const checksum = async (e: DuckDbEngine): Promise<string> => {
        const execution = await e.execute(statement('SELECT * FROM lineitem ORDER BY l_orderkey, l_linenumber'), new AbortController().signal);
        const hash = createHash('sha256');
        for (let page = await execution.nextPage(1 << 20); page !== null; page = await execution.nextPage(1 << 20)) hash.update(page.rowsJson);
        return hash.digest('hex');
      };
      const other = new DuckDbEngine({ demo: true, catalogs: [], threads: 1 });
      await other.start();
      try {
        assert.equal(await checksum(other), await checksum(engine));
      } finally {
        await other.close();
      }
    });
  });

  describe('results', () => {
    test('are paged by target size', async () => {
      const total = (await run(engine, 'SELECT count(*) FROM lineitem')).rows[0]![0] as number;
      const targetBytes = 256 * 1024;
      const execution = await engine.execute(statement('SELECT * FROM lineitem'), new AbortController().signal);
      let rows = 0;
      let pages = 0;
      for (let page = await execution.nextPage(targetBytes); page !== null; page = await execution.nextPage(targetBytes)) {
        pages++;
        rows += page.rowCount;
        assert.ok(page.rowsJson.length <= targetBytes, `page of ${page.rowsJson.length} chars`);
        assert.ok(page.rowsJson.length > targetBytes / 2 || page.rowCount < 2000, 'pages are filled');
        assert.equal((JSON.parse(`[${page.rowsJson}]`) as unknown[]).length, page.rowCount);
      }
      assert.equal(rows, total);
      assert.ok(pages > 10, `${pages} pages`);
      assert.equal(await execution.nextPage(targetBytes), null);
    });

    test('carry at least one row per page', async () => {
      const { pages, rows } = await run(engine, 'SELECT * FROM region ORDER BY r_regionkey', {}, 1);
      assert.deepEqual(pages, [1, 1, 1, 1, 1]);
      assert.equal(rows[4]![1], 'MIDDLE EAST');
    });

    test('bind parameters given as SQL expressions', async () => {
      const { rowsJson, execution } = await run(engine, 'SELECT ?, ? + 1, ?, ?, n_name FROM nation WHERE n_nationkey = ?', {
        parameters: [`DATE '2020-01-01'`, '41', `'it''s'`, '-3.5', '7'],
      });
      assert.equal(rowsJson, '["2020-01-01",42,"it\'s","-3.5","GERMANY"]');
      assert.deepEqual(execution.columns.slice(0, 4).map((c) => c.type), ['date', 'integer', 'varchar(4)', 'decimal(2, 1)']);
      await fails(engine, 'SELECT ?', ErrorCodes.GENERIC_USER_ERROR);
      await fails(engine, 'SELECT ?', ErrorCodes.SYNTAX_ERROR, { parameters: ['1); SELECT (2'] });
      await fails(engine, 'SELECT ?', ErrorCodes.PERMISSION_DENIED, { parameters: [`(SELECT count(*) FROM enable_logging())`] });
    });

    test('refuse zones Trino would rename, and unknown session time zones', async () => {
      await fails(engine, `SELECT TIMESTAMP '2001-01-01 00:00:00 Etc/GMT+5'`, ErrorCodes.NOT_SUPPORTED, { timeZone: 'Asia/Tokyo' });
      assert.equal((await run(engine, 'SELECT 1', { timeZone: '-05:00' })).rowsJson, '[1]');
      await fails(engine, 'SELECT 1', ErrorCodes.GENERIC_USER_ERROR, { timeZone: 'Mars/Olympus' });
      // Offsets ICU has no zone for: the session clock is computed from the offset.
      const sessionClock = "SELECT current_timezone(), CAST(current_timestamp AS date) = current_date, CAST(current_timestamp AS timestamp(3)) = localtimestamp";
      assert.equal((await run(engine, sessionClock, { timeZone: '+05:30' })).rowsJson, '["+05:30",true,true]');
      assert.equal((await run(engine, sessionClock, { timeZone: '-09:30' })).rowsJson, '["-09:30",true,true]');
      await fails(engine, 'SELECT 1', ErrorCodes.GENERIC_USER_ERROR, { timeZone: '+25:30' });
    });

    test('resolve names against the session catalog and schema', async () => {
      assert.equal((await run(engine, 'SELECT count(*) FROM demo.tpch.region', { catalog: undefined, schema: undefined })).rowsJson, '[5]');
      assert.equal((await run(engine, 'SELECT count(*) FROM tpch.region', { schema: undefined })).rowsJson, '[5]');
      await fails(engine, 'SELECT 1', ErrorCodes.CATALOG_NOT_FOUND, { catalog: 'nowhere' });
      await fails(engine, 'SELECT 1', ErrorCodes.SCHEMA_NOT_FOUND, { schema: 'nowhere' });
    });
  });

  describe('statements without a result set', () => {
    test('report update types and counts', async () => {
      const expectations: Array<[string, string, number | undefined]> = [
        ['CREATE SCHEMA demo.scratch', 'CREATE SCHEMA', undefined],
        ['CREATE TABLE demo.scratch.t (a integer, b varchar)', 'CREATE TABLE', undefined],
        [`INSERT INTO demo.scratch.t VALUES (1, 'x'), (2, 'y'), (3, 'z')`, 'INSERT', 3],
        ['UPDATE demo.scratch.t SET b = upper(b) WHERE a >= 2', 'UPDATE', 2],
        ['DELETE FROM demo.scratch.t WHERE a = 1', 'DELETE', 1],
        ['CREATE TABLE demo.scratch.c AS SELECT * FROM nation WHERE n_regionkey = 1', 'CREATE TABLE', 5],
        ['CREATE OR REPLACE VIEW demo.scratch.v AS SELECT a FROM demo.scratch.t', 'CREATE VIEW', undefined],
        ['DROP VIEW demo.scratch.v', 'DROP VIEW', undefined],
        ['DROP TABLE demo.scratch.t', 'DROP TABLE', undefined],
        ['DROP SCHEMA demo.scratch CASCADE', 'DROP SCHEMA', undefined],
      ];
      for (const [sql, updateType, count] of expectations) {
        const { execution, rowsJson } = await run(engine, sql);
        assert.equal(execution.updateType, updateType, sql);
        assert.equal(execution.updateCount, count, sql);
        if (count === undefined) {
          assert.deepEqual(execution.columns, [], sql);
          assert.equal(rowsJson, '', sql);
        } else {
          assert.deepEqual(execution.columns.map((c) => `${c.name} ${c.type}`), ['rows bigint'], sql);
          assert.equal(rowsJson, `[${count}]`, sql);
        }
      }
      // Statement kinds without a translation are refused, never run as DuckDB SQL.
      await fails(engine, 'ALTER TABLE demo.tpch.nation ADD COLUMN c double', ErrorCodes.NOT_SUPPORTED);
      await fails(engine, 'EXPLAIN SELECT 1', ErrorCodes.NOT_SUPPORTED);
    });
  });

  describe('errors', () => {
    test('syntax errors carry a location', async () => {
      const err = await fails(engine, 'SELECT *\nFROM nation\nWHERE WHERE', ErrorCodes.SYNTAX_ERROR);
      assert.deepEqual(err.location, { lineNumber: 3, columnNumber: 7 });
      assert.match(err.message, /^line 3:7: mismatched input 'WHERE'/);
      // Offsets count UTF-16 code units, as Trino's do, not UTF-8 bytes.
      const wide = await fails(engine, `SELECT 'é😀' FRM x`, ErrorCodes.SYNTAX_ERROR);
      assert.deepEqual(wide.location, { lineNumber: 1, columnNumber: 18 });
      await fails(engine, 'SELECT 1; SELECT 2', ErrorCodes.SYNTAX_ERROR);
      await fails(engine, '  -- nothing\n', ErrorCodes.SYNTAX_ERROR);
    });

    test('missing objects', async () => {
      const table = await fails(engine, 'SELECT * FROM foo', ErrorCodes.TABLE_NOT_FOUND);
      assert.equal(table.message, "line 1:15: Table 'demo.tpch.foo' does not exist");
      assert.deepEqual(table.location, { lineNumber: 1, columnNumber: 15 });
      const qualified = await fails(engine, `SELECT 'é' AS x FROM demo.tpch."Bar"`, ErrorCodes.TABLE_NOT_FOUND);
      assert.equal(qualified.message, "line 1:22: Table 'demo.tpch.bar' does not exist");
      const schema = await fails(engine, 'SELECT * FROM nope.foo', ErrorCodes.SCHEMA_NOT_FOUND);
      assert.equal(schema.message, "line 1:15: Schema 'nope' does not exist");
      const catalog = await fails(engine, 'SELECT * FROM nope.tpch.foo', ErrorCodes.CATALOG_NOT_FOUND);
      assert.equal(catalog.message, "line 1:15: Catalog 'nope' not found");
      const columnErr = await fails(engine, 'SELECT\n  n_name, zzz FROM nation', ErrorCodes.COLUMN_NOT_FOUND);
      assert.equal(columnErr.message, "line 2:11: Column 'zzz' cannot be resolved");
      // A function outside the mapping table is refused, whether Trino has it or not.
      const fn = await fails(engine, 'SELECT no_such_function(1)', ErrorCodes.NOT_SUPPORTED);
      assert.equal(fn.message, 'line 1:8: Function no_such_function is not supported by the embedded engine');
      await fails(engine, `SELECT sum('a')`, ErrorCodes.NOT_SUPPORTED);
      await fails(engine, 'CREATE TABLE nation AS SELECT 1 AS x', ErrorCodes.TABLE_ALREADY_EXISTS);
    });

    test('type, cast and arithmetic errors', async () => {
      await fails(engine, `SELECT 'a' + 1`, ErrorCodes.TYPE_MISMATCH);
      await fails(engine, `SELECT CAST(nan() AS INTEGER)`, ErrorCodes.INVALID_CAST_ARGUMENT);
      await fails(engine, `SELECT CAST(n_nationkey * 1000 AS tinyint) FROM nation`, ErrorCodes.NUMERIC_VALUE_OUT_OF_RANGE);
      await fails(engine, 'SELECT 1 / (n_nationkey - n_nationkey) FROM nation', ErrorCodes.DIVISION_BY_ZERO);
      await fails(engine, 'SELECT 9223372036854775807 + n_nationkey + 1 FROM nation', ErrorCodes.NUMERIC_VALUE_OUT_OF_RANGE);
      await fails(engine, 'SELECT (SELECT n_name FROM nation)', ErrorCodes.SUBQUERY_MULTIPLE_ROWS);
      // DuckDB's error() is no Trino function.
      await fails(engine, `SELECT error('custom failure')`, ErrorCodes.NOT_SUPPORTED);
    });
  });

  describe('safety', () => {
    test('no file system access', async () => {
      // DuckDB's table functions are no Trino SQL: refused before DuckDB sees them.
      await fails(engine, `SELECT * FROM read_csv('/etc/passwd')`, ErrorCodes.SYNTAX_ERROR);
      await fails(engine, `SELECT * FROM read_text('/etc/hostname')`, ErrorCodes.SYNTAX_ERROR);
      await fails(engine, `CREATE TABLE demo.tpch.leak AS SELECT * FROM read_csv_auto('/etc/passwd')`, ErrorCodes.SYNTAX_ERROR);
      const target = join(tmpdir(), `querygate-duckdb-${process.pid}.csv`);
      await failure(run(engine, `COPY (SELECT 1) TO '${target}'`));
      assert.equal(existsSync(target), false);
      const database = join(tmpdir(), `querygate-duckdb-${process.pid}.duckdb`);
      await failure(run(engine, `ATTACH '${database}' AS other`));
      assert.equal(existsSync(database), false);
      await failure(run(engine, `ATTACH ':memory:' AS other`));
      await failure(run(engine, `EXPORT DATABASE '${tmpdir()}'`));
    });

    test('no extensions, settings or engine-wide switches', async () => {
      for (const sql of [
        'INSTALL httpfs',
        'LOAD httpfs',
        'SET enable_external_access = true',
        'SET threads = 1',
        `PRAGMA memory_limit = '1MB'`,
        'RESET lock_configuration',
        'DETACH demo',
        'CALL enable_logging()',
        `SELECT * FROM enable_logging(storage := 'file', storage_path := '/tmp')`,
        `SELECT * FROM "ENABLE_LOGGING" /* comment */ ()`,
        `SELECT * FROM query('SELECT 1')`,
        'PRAGMA database_list',
        'SELECT path FROM duckdb_databases()',
        'BEGIN TRANSACTION',
      ]) {
        await failure(run(engine, sql));
      }
      // The engine still works and is unchanged (its settings read on a connection of its own instance: no statement runs as written).
      assert.equal((await run(engine, 'SELECT count(*) FROM nation')).rowsJson, '[25]');
      const connection = await (engine as unknown as { instance: DuckDBInstance }).instance.connect();
      const settings = await connection.runAndReadAll(`SELECT current_setting('enable_external_access'), current_setting('lock_configuration')`);
      connection.disconnectSync();
      assert.deepEqual(settings.getRows(), [[false, true]]);
    });

    test('queries over the metadata schemas are refused: the gateway answers them, DuckDB would answer differently', async () => {
      for (const sql of ['SELECT count(*) FROM information_schema.schemata', 'SELECT 7/2 FROM demo.information_schema.tables', 'SELECT * FROM system.jdbc.catalogs', 'SELECT * FROM system.runtime.nodes']) {
        const err = await fails(engine, sql, ErrorCodes.NOT_SUPPORTED);
        assert.match(err.message, /Reading a metadata schema/);
      }
    });
  });

  describe('cancellation', () => {
    const slow = 'SELECT count(*) FROM lineitem a, lineitem b, lineitem c';

    test('an aborted signal interrupts a statement being started', async () => {
      const abort = new AbortController();
      const pending = engine.execute(statement(slow), abort.signal);
      setTimeout(() => abort.abort(), 200);
      const err = await failure(pending);
      assert.equal(err.errorCode.name, 'USER_CANCELED');
      assert.equal(err.message, 'Query was canceled');
    });

    test('cancel() stops a page being fetched and later pages', async () => {
      // An endless stream: the page keeps fetching chunks until the cancel lands.
      const execution = await engine.execute(statement('SELECT a.l_orderkey, b.l_comment FROM lineitem a, lineitem b'), new AbortController().signal);
      const pending = execution.nextPage(1 << 30);
      setTimeout(() => execution.cancel(), 150);
      const err = await failure(pending);
      assert.equal(err.errorCode.name, 'USER_CANCELED');
      assert.equal((await failure(execution.nextPage(1024))).errorCode.name, 'USER_CANCELED');
      execution.cancel();
      assert.equal((await run(engine, 'SELECT count(*) FROM region')).rowsJson, '[5]');
    });

    test('an already aborted signal runs nothing', async () => {
      const abort = new AbortController();
      abort.abort();
      const err = await failure(engine.execute(statement('CREATE TABLE demo.tpch.never AS SELECT 1 AS x'), abort.signal));
      assert.equal(err.errorCode.name, 'USER_CANCELED');
      await fails(engine, 'SELECT * FROM demo.tpch.never', ErrorCodes.TABLE_NOT_FOUND);
    });
  });

  test('runs statements concurrently', async () => {
    const abort = new AbortController();
    const long = failure(engine.execute(statement('SELECT count(*) FROM lineitem a, lineitem b, lineitem c'), abort.signal));
    try {
      const queries = Array.from({ length: 8 }, (_, i) => run(engine, `SELECT count(*), ${i} FROM lineitem WHERE l_linenumber > ${i % 7}`));
      const results = await Promise.all(queries);
      const direct = await run(engine, 'SELECT count_if(l_linenumber > 0), count_if(l_linenumber > 1) FROM lineitem');
      assert.equal(results[0]!.rows[0]![0], direct.rows[0]![0]);
      assert.equal(results[1]!.rows[0]![0], direct.rows[0]![1]);
      assert.deepEqual(results.map((r) => r.rows[0]![1]), [0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      abort.abort();
      assert.equal((await long).errorCode.name, 'USER_CANCELED');
    }
  });
});

describe('DuckDB engine with user catalogs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'querygate-duckdb-'));
  const file = join(dir, 'sales.duckdb');
  const engine = new DuckDbEngine({
    demo: false,
    catalogs: [
      { name: 'sales', path: file, readOnly: true },
      { name: 'scratch', path: join(dir, 'scratch.duckdb') },
    ],
    threads: 2,
  });

  before(async () => {
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE amounts AS SELECT range AS id, range * 1.5 AS amount FROM range(10)`);
    connection.disconnectSync();
    instance.closeSync();
    await engine.start();
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('attaches them as catalogs', async () => {
    const { rowsJson } = await run(engine, 'SELECT count(*), sum(amount) FROM amounts', { catalog: 'sales', schema: 'main' });
    assert.equal(rowsJson, '[10,"67.5"]');
    assert.deepEqual(await engine.columnsOf('sales', 'main', 'amounts'), [
      { name: 'id', type: 'bigint' },
      { name: 'amount', type: 'decimal(21, 1)' },
    ]);
    await fails(engine, 'SELECT 1', ErrorCodes.CATALOG_NOT_FOUND, { catalog: 'demo', schema: 'tpch' });
  });

  test('keeps read-only catalogs read-only without showing their paths', async () => {
    const err = await fails(engine, 'INSERT INTO sales.main.amounts VALUES (11, 1)', ErrorCodes.PERMISSION_DENIED, { catalog: 'sales', schema: 'main' });
    assert.ok(!err.message.includes(dir), err.message);
    const { execution } = await run(engine, 'CREATE TABLE scratch.main.t AS SELECT 1 AS x', { catalog: 'scratch', schema: 'main' });
    assert.equal(execution.updateCount, 1);
  });

  test('refuses reserved or duplicate catalog names', async () => {
    await assert.rejects(new DuckDbEngine({ demo: true, catalogs: [{ name: 'demo', path: file }] }).start(), /reserved or used twice/);
    await assert.rejects(new DuckDbEngine({ demo: false, catalogs: [{ name: 'system', path: file }] }).start(), /reserved or used twice/);
  });
});
