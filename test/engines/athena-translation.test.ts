/**
 * Differential test of the Athena engine's result translation. No real Athena runs here: each
 * corpus statement runs on the real Trino 483 (trino1), Trino's answer is written in Athena's
 * exact GetQueryResults form (test/support/athena-results.ts) and served by the emulator (moto,
 * paged by its relay), and the gateway's answer through the Athena engine must equal Trino's
 * direct answer: same column names, same types, same values. Every statement is answered twice:
 * read with GetQueryResults, and read from the query's CSV result file in S3 (the relay writes
 * Trino's answer there in Athena's CSV form). Athena names array, map and row
 * columns without their element types, so the gateway reports them as varchar holding Athena's
 * text (README, "Athena"); for those the expected value is that text, computed from Trino's value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, RESULTS_LOCATION, athenaBackend, useEmulatorCredentials } from '../support/athena-emulator.js';
import { athenaText, parseRows, toAthenaResult } from '../support/athena-results.js';
import { runQuery, type QueryRun } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

const HEADERS = { 'X-Trino-User': 'alice', 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' };

/** Every type family Athena returns, nulls, empty results, and results of several GetQueryResults pages. */
const CORPUS: string[] = [
  'SELECT 1',
  'SELECT CAST(1 AS tinyint) AS t, CAST(-2 AS smallint) AS s, 2147483647 AS i, CAST(9223372036854775807 AS bigint) AS b, CAST(-9223372036854775808 AS bigint) AS bmin',
  'SELECT CAST(-128 AS tinyint), CAST(32767 AS smallint), -2147483648, CAST(NULL AS integer), CAST(NULL AS bigint)',
  'SELECT 1.5E0, 0.1E0, 1E20, 1E-5, -0E0, 123456789.125E0, 1E7, 9999999.5E0, 0.001E0, 0.0009E0',
  'SELECT nan(), infinity(), -infinity(), CAST(NULL AS double)',
  'SELECT CAST(1.1 AS real), CAST(nan() AS real), CAST(1e10 AS real), CAST(-3.4028235e38 AS real), CAST(1.4e-45 AS real), CAST(infinity() AS real)',
  "SELECT DECIMAL '123.45', DECIMAL '-0.01', CAST(0 AS decimal(38,10)), DECIMAL '12345678901234567890123456789012345678', CAST(NULL AS decimal(5,2)), DECIMAL '0.5', CAST(7 AS decimal(3,0))",
  'SELECT true, false, CAST(NULL AS boolean)',
  "SELECT 'abc', '', CAST(NULL AS varchar), 'ünïcödé ✓', 'with \"quotes\", commas, = and [brackets]', 'a' || chr(10) || 'b', 'null'",
  "SELECT CAST('ab' AS char(5)), CAST('x' AS varchar(10)), CAST(NULL AS char(3))",
  "SELECT DATE '2020-02-29', DATE '1970-01-01', DATE '0001-01-01', DATE '9999-12-31', CAST(NULL AS date)",
  "SELECT TIME '12:34:56.789', TIME '00:00:00', TIME '23:59:59.999999', CAST(NULL AS time)",
  "SELECT TIMESTAMP '2020-01-02 03:04:05.678', TIMESTAMP '2020-01-02 03:04:05', TIMESTAMP '1969-12-31 23:59:59.999', TIMESTAMP '2020-01-02 03:04:05.123456', CAST(NULL AS timestamp)",
  "SELECT TIMESTAMP '2020-01-02 03:04:05.678 UTC', TIMESTAMP '2020-01-02 03:04:05.678 America/New_York', TIMESTAMP '2020-01-02 03:04:05 +05:30', CAST(NULL AS timestamp with time zone)",
  "SELECT TIME '12:34:56.789 +02:00', TIME '01:02:03 -08:00'",
  "SELECT INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3 04:05:06.789' DAY TO SECOND, INTERVAL '-1' DAY, INTERVAL '-5' MONTH, CAST(NULL AS interval day to second)",
  "SELECT X'68656c6c6f', X'', X'00ff10', CAST(NULL AS varbinary)",
  "SELECT JSON '{\"a\":[1,2]}', JSON 'null', JSON '\"text\"', CAST(NULL AS json)",
  "SELECT UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59', IPADDRESS '10.0.0.1', IPADDRESS '2001:db8::1'",
  'SELECT NULL',
  "SELECT ARRAY[1, 2, 3], ARRAY['a', 'b c'], ARRAY[], ARRAY[NULL, 1], CAST(NULL AS array(integer))",
  "SELECT MAP(ARRAY['a', 'b'], ARRAY[1, 2]), MAP(ARRAY[1], ARRAY[ARRAY[1.5E0]]), MAP()",
  "SELECT CAST(ROW(1, 'x') AS ROW(a integer, b varchar)), CAST(ROW(ARRAY[1], ROW(2.5E0)) AS ROW(xs array(integer), r ROW(d double)))",
  'SELECT ARRAY[ARRAY[1], ARRAY[2, 3]], ARRAY[DATE \'2020-01-01\'], ARRAY[DECIMAL \'1.50\']',
  "SELECT 'x' AS x",
  "SELECT 'a' AS a UNION ALL SELECT 'a'",
  'SELECT 1 AS "Mixed Case", 2 AS "with space", 3 AS a, 4 AS a',
  'SELECT * FROM tpch.tiny.nation ORDER BY n_nationkey',
  'SELECT * FROM tpch.tiny.region ORDER BY r_regionkey',
  'SELECT * FROM tpch.tiny.nation WHERE false',
  'SELECT count(*) FROM tpch.tiny.nation WHERE false',
  'SELECT * FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 998',
  'SELECT * FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 999',
  'SELECT * FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 1000',
  'SELECT * FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 1001',
  'SELECT * FROM tpch.tiny.customer ORDER BY c_custkey',
  'SELECT * FROM tpch.tiny.part ORDER BY p_partkey',
  'SELECT * FROM tpch.tiny.supplier ORDER BY s_suppkey',
  'SELECT * FROM tpch.tiny.partsupp ORDER BY ps_partkey, ps_suppkey LIMIT 3000',
  'SELECT * FROM tpch.tiny.lineitem ORDER BY l_orderkey, l_linenumber LIMIT 2500',
  // Odin's case: a result of about 60 GetQueryResults pages, the header on the first only.
  'SELECT l_orderkey, l_linenumber, l_quantity, l_shipdate FROM tpch.tiny.lineitem ORDER BY l_orderkey, l_linenumber',
  'SELECT o_orderstatus, count(*), sum(o_totalprice), avg(o_totalprice), min(o_orderdate), max(o_orderdate) FROM tpch.tiny.orders GROUP BY o_orderstatus ORDER BY o_orderstatus',
  'SELECT n.n_name, r.r_name, CAST(n.n_nationkey AS double) / 3 FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey ORDER BY n.n_nationkey',
  'SELECT c_custkey, CAST(c_acctbal AS double), CAST(c_acctbal AS real), c_acctbal * 2 FROM tpch.tiny.customer ORDER BY c_custkey LIMIT 1200',
  "SELECT o_orderkey, CAST(o_orderdate AS timestamp), CAST(o_orderdate AS timestamp(3) with time zone), date_add('day', 1, o_orderdate) FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 1500",
  'SELECT n_nationkey, ARRAY[n_nationkey, n_regionkey], MAP(ARRAY[n_name], ARRAY[n_comment]), CAST(ROW(n_name, n_regionkey) AS ROW(n varchar, r bigint)) FROM tpch.tiny.nation ORDER BY n_nationkey',
  'SELECT x, CASE WHEN x % 3 = 0 THEN NULL ELSE x END, CAST(x AS varchar), x / 7.0E0 FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x',
  "SELECT to_utf8(r_name), from_hex('00'), json_parse('[1, {\"k\": null}]') FROM tpch.tiny.region ORDER BY r_regionkey",
  "SELECT approx_distinct(o_orderkey), stddev(o_totalprice) > 0, CAST(sum(o_totalprice) AS decimal(20,2)) FROM tpch.tiny.orders",
  'SELECT * FROM (VALUES (1, NULL), (NULL, \'b\'), (NULL, NULL)) AS t(a, b)',
];

/** Values compared as Trino's JSON decodes them (numbers as numbers, so `1.0E20` equals `100000000000000000000.0`). */
function expectedRows(trino: QueryRun): unknown[][] {
  const rows = parseRows(trino.rowsText);
  const composite = (trino.columns ?? []).map((c) => /^(array|map|row)\(/i.test(c.type));
  return rows.map((row) => row.map((v, i) => (composite[i] && v !== null ? athenaText(v, trino.columns![i]!.type) : v)));
}

function expectedColumns(trino: QueryRun): Array<{ name: string; type: string }> {
  return (trino.columns ?? []).map((c) => ({ name: c.name, type: /^(array|map|row)\(/i.test(c.type) ? 'varchar' : c.type }));
}

describe('Athena engine: result translation against Trino 483 (emulated Athena, no real AWS)', () => {
  let trinoUrl: string;
  let emulator: AthenaEmulator;
  /** Reads every result with GetQueryResults. */
  let gateway: RunningGateway;
  /** Reads every query result from its CSV file in S3. */
  let s3Gateway: RunningGateway;
  /** Chooses by the size of the result file. */
  let autoGateway: RunningGateway;

  before(async () => {
    useEmulatorCredentials();
    trinoUrl = await ensureTrino();
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['primary-wg']);
    gateway = await startTestGateway({ backends: [athenaBackend(emulator, 'athena1', 'primary-wg', { s3Results: 'never', outputLocation: RESULTS_LOCATION })] });
    s3Gateway = await startTestGateway({ backends: [athenaBackend(emulator, 'athena1', 'primary-wg', { s3Results: 'always', outputLocation: RESULTS_LOCATION })] });
    autoGateway = await startTestGateway({ backends: [athenaBackend(emulator, 'athena1', 'primary-wg', { s3Results: 'auto', s3ResultMinSize: '64kB', outputLocation: RESULTS_LOCATION })] });
  });

  after(async () => {
    await gateway?.close();
    await s3Gateway?.close();
    await autoGateway?.close();
    await emulator?.close();
  });

  it('answers clients without PARAMETRIC_DATETIME as Trino does (milliseconds), refusing values finer than that', async () => {
    const legacy = { 'X-Trino-User': 'alice' };
    const datetimes = CORPUS.filter((sql) => /TIME|timestamp/.test(sql));
    const disagreements: string[] = [];
    let refused = 0;
    for (const sql of datetimes) {
      // Athena's answer does not depend on the client: it is Trino's with precision.
      const athenaForm = await runQuery(trinoUrl, sql, HEADERS);
      emulator.serveResult(sql, toAthenaResult(athenaForm.columns ?? [], parseRows(athenaForm.rowsText)));
      const trino = await runQuery(trinoUrl, sql, legacy);
      const through = await runQuery(gateway.url, sql, legacy);
      if (through.error?.errorName === 'NOT_SUPPORTED' && /finer than milliseconds/.test(String(through.error.message))) {
        refused++;
        continue;
      }
      try {
        assert.equal(through.error?.message, undefined);
        assert.deepEqual((through.columns ?? []).map((c) => ({ name: c.name, type: c.type })), expectedColumns(trino));
        assert.deepEqual(parseRows(through.rowsText), expectedRows(trino));
      } catch (err) {
        disagreements.push(`${sql}\n  ${(err as Error).message.slice(0, 600)}`);
      }
    }
    process.stdout.write(`# athena translation without PARAMETRIC_DATETIME: ${datetimes.length - refused - disagreements.length}/${datetimes.length} agree, ${refused} refused (sub-millisecond values)\n`);
    assert.deepEqual(disagreements, []);
    assert.ok(refused <= 2, 'only the statements with sub-millisecond values are refused');
  });

  for (const path of ['GetQueryResults', 'the S3 result file'] as const) {
    it(`answers every corpus statement (${CORPUS.length}) exactly as Trino does, reading results with ${path}`, async () => {
      const through = path === 'GetQueryResults' ? gateway : s3Gateway;
      const disagreements: string[] = [];
      const count = (operation: string) => emulator.calls.filter((c) => c.operation === operation).length;
      const [pagesBefore, filesBefore] = [count('GetQueryResults'), count('GetObject')];
      for (const sql of CORPUS) {
        const trino = await runQuery(trinoUrl, sql, HEADERS);
        assert.equal(trino.error?.message, undefined, `Trino failed ${sql}`);
        emulator.serveResult(sql, toAthenaResult(trino.columns ?? [], parseRows(trino.rowsText)));
        const answer = await runQuery(through.url, sql, HEADERS);
        try {
          assert.equal(answer.error?.message, undefined);
          assert.deepEqual(
            (answer.columns ?? []).map((c) => ({ name: c.name, type: c.type })),
            expectedColumns(trino),
          );
          assert.deepEqual(parseRows(answer.rowsText), expectedRows(trino));
        } catch (err) {
          disagreements.push(`${sql}\n  ${(err as Error).message.slice(0, 600)}`);
        }
      }
      const [pages, files] = [count('GetQueryResults') - pagesBefore, count('GetObject') - filesBefore];
      process.stdout.write(`# athena translation via ${path}: ${CORPUS.length - disagreements.length}/${CORPUS.length} statements agree with Trino; ${pages} GetQueryResults calls, ${files} result files read\n`);
      assert.deepEqual(disagreements, []);
      if (path === 'GetQueryResults') {
        assert.ok(pages > CORPUS.length + 60, 'several statements span several GetQueryResults pages');
        assert.equal(files, 0);
      } else {
        assert.equal(files, CORPUS.length, 'every result is read from its file in S3');
        assert.equal(pages, CORPUS.length, 'one GetQueryResults call per query, for the column types only');
      }
    });
  }

  it('chooses the path by the size of the result file (s3Results: auto)', async () => {
    const count = (operation: string) => emulator.calls.filter((c) => c.operation === operation).length;
    for (const [sql, fromS3] of [
      ['SELECT * FROM tpch.tiny.nation ORDER BY n_nationkey', false],
      ['SELECT * FROM tpch.tiny.orders ORDER BY o_orderkey LIMIT 1500', true],
    ] as const) {
      const trino = await runQuery(trinoUrl, sql, HEADERS);
      emulator.serveResult(sql, toAthenaResult(trino.columns ?? [], parseRows(trino.rowsText)));
      const [heads, files] = [count('HeadObject'), count('GetObject')];
      const answer = await runQuery(autoGateway.url, sql, HEADERS);
      assert.equal(answer.error?.message, undefined);
      assert.deepEqual(parseRows(answer.rowsText), expectedRows(trino));
      assert.equal(count('HeadObject') - heads, 1, 'the size is asked once');
      assert.equal(count('GetObject') - files, fromS3 ? 1 : 0, `${sql} ${fromS3 ? 'is' : 'is not'} read from S3`);
    }
  });

  it('fails a query whose result file is not in Athena\'s CSV form, naming the file', async () => {
    emulator.serveResult("SELECT 'a' AS x", toAthenaResult([{ name: 'x', type: 'varchar' }], [['a']]));
    emulator.nextResultFile = '"x"\nunquoted\n';
    const answer = await runQuery(s3Gateway.url, "SELECT 'a' AS x", HEADERS);
    assert.equal(answer.error?.errorName, 'GENERIC_INTERNAL_ERROR');
    assert.match(String(answer.error?.message), /result file s3:\/\/.*\.csv is not an Athena CSV result \(line 2: an unquoted value/);
  });
});
