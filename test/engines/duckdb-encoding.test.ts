import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, SQLNULL, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { codecFor } from '../../src/engines/duckdb/codecs.js';
import { civilDate, formatDecimal, formatDouble, formatInterval, formatReal, formatTimestamp } from '../../src/engines/duckdb/format.js';
import { parseTypeSignature } from '../../src/protocol/types.js';

/**
 * The codecs encode what DuckDB computes; queries reach DuckDB translated from Trino SQL, so the
 * values here are produced with DuckDB's own SQL on a plain connection, and encoded as the
 * engine's execution does: one codec per column, value by value from the result's vectors.
 */
let instance: DuckDBInstance;
let connection: DuckDBConnection;

interface Encoded {
  types: string[];
  row: string;
}

/** Runs a one-row SELECT and returns its column types and the encoded row without brackets. */
async function encode(sql: string, parametricDatetime = true): Promise<Encoded> {
  const result = await connection.run(sql);
  const codecs = result.columnTypes().map((t) => codecFor(t, parametricDatetime));
  const chunk = await result.fetchChunk();
  assert.ok(chunk !== null && chunk.rowCount === 1, sql);
  const row = codecs.map((codec, i) => codec.vector(chunk.getColumnVector(i), 0)).join(',');
  JSON.parse(`[${row}]`);
  return { types: codecs.map((c) => c.type), row };
}

async function check(sql: string, types: string[], row: string, parametricDatetime = true): Promise<void> {
  const actual = await encode(sql, parametricDatetime);
  assert.deepEqual(actual.types, types, sql);
  assert.equal(actual.row, row, sql);
}

/** The shared types module cannot parse precision-less `... with time zone` types yet. */
const zonelessParseBroken = ((): boolean => {
  try {
    parseTypeSignature('timestamp with time zone');
    return false;
  } catch {
    return true;
  }
})();

describe('DuckDB value encoding', () => {
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  after(() => {
    connection.closeSync();
    instance.closeSync();
  });

  test('booleans and integers', async () => {
    await check(
      'SELECT true, false, 127::TINYINT, (-32768)::SMALLINT, 2147483647::INTEGER, 9223372036854775807::BIGINT, (-9223372036854775808)::BIGINT',
      ['boolean', 'boolean', 'tinyint', 'smallint', 'integer', 'bigint', 'bigint'],
      'true,false,127,-32768,2147483647,9223372036854775807,-9223372036854775808',
    );
    await check(
      'SELECT 255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 18446744073709551615::UBIGINT, -170141183460469231731687303715884105727::HUGEINT',
      ['smallint', 'integer', 'bigint', 'decimal(20, 0)', 'decimal(38, 0)'],
      '255,65535,4294967295,"18446744073709551615","-170141183460469231731687303715884105727"',
    );
  });

  test('floating point numbers are always float tokens', async () => {
    await check(
      `SELECT CAST(1 AS DOUBLE), 1e21::DOUBLE, 0.1::DOUBLE, -2.5e-10::DOUBLE, -0.0::DOUBLE, 'NaN'::DOUBLE, 'Infinity'::DOUBLE, '-Infinity'::DOUBLE`,
      ['double', 'double', 'double', 'double', 'double', 'double', 'double', 'double'],
      '1.0,1e+21,0.1,-2.5e-10,-0.0,"NaN","Infinity","-Infinity"',
    );
    await check(
      `SELECT 1::REAL, 0.1::REAL, 3.4028235e38::REAL, 16777217::REAL, 'NaN'::REAL`,
      ['real', 'real', 'real', 'real', 'real'],
      '1.0,0.1,3.4028235e+38,16777216.0,"NaN"',
    );
  });

  test('decimals are strings with exactly scale fraction digits', async () => {
    await check(
      'SELECT 123.45, CAST(-0.05 AS DECIMAL(4, 2)), CAST(5 AS DECIMAL(10, 0)), CAST(1 AS DECIMAL(4, 1)), CAST(0.001 AS DECIMAL(18, 3)), CAST(-12345678901234567890.1234567890 AS DECIMAL(38, 10))',
      ['decimal(5, 2)', 'decimal(4, 2)', 'decimal(10, 0)', 'decimal(4, 1)', 'decimal(18, 3)', 'decimal(38, 10)'],
      '"123.45","-0.05","5","1.0","0.001","-12345678901234567890.1234567890"',
    );
  });

  test('text, binary, json, uuid, enum', async () => {
    await check(
      `SELECT 'a"b\\c' || chr(10) || chr(1) || chr(127) || '😀é', '\\xAA\\xBB\\x00'::BLOB, ''::BLOB, '{"a": [1, 2]}'::JSON,
              '12345678-1234-1234-1234-123456789012'::UUID, CAST('b' AS ENUM('a', 'b'))`,
      ['varchar', 'varbinary', 'varbinary', 'json', 'uuid', 'varchar'],
      `${JSON.stringify('a"b\\c\n\u0001\u007f😀é')},"qrsA","","{\\"a\\": [1, 2]}","12345678-1234-1234-1234-123456789012","b"`,
    );
    // DuckDB only holds valid UTF-8, but the encoder must still never emit a lone surrogate.
    assert.equal(codecFor(VARCHAR, true).value('x\ud800y'), '"x\\ud800y"');
  });

  test('dates, including before 1970 and far from it', async () => {
    await check(
      `SELECT DATE '1969-12-31', DATE '1970-01-01', DATE '2001-08-22', DATE '0001-01-01', '0044-03-15 (BC)'::DATE, DATE '9999-12-31', DATE '12345-06-07', 'infinity'::DATE`,
      ['date', 'date', 'date', 'date', 'date', 'date', 'date', 'date'],
      '"1969-12-31","1970-01-01","2001-08-22","0001-01-01","-0043-03-15","9999-12-31","+12345-06-07","infinity"',
    );
  });

  test('timestamps at their precision with PARAMETRIC_DATETIME', async () => {
    await check(
      `SELECT TIMESTAMP '2001-08-22 03:04:05.321', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP '1900-01-01 00:00:00', TIMESTAMP '294000-01-01 12:00:00',
              '2001-08-22 03:04:05'::TIMESTAMP_S, '2001-08-22 03:04:05.123'::TIMESTAMP_MS, '2001-08-22 03:04:05.123456789'::TIMESTAMP_NS`,
      ['timestamp(6)', 'timestamp(6)', 'timestamp(6)', 'timestamp(6)', 'timestamp(0)', 'timestamp(3)', 'timestamp(9)'],
      '"2001-08-22 03:04:05.321000","1969-12-31 23:59:59.999999","1900-01-01 00:00:00.000000","+294000-01-01 12:00:00.000000",' +
        '"2001-08-22 03:04:05","2001-08-22 03:04:05.123","2001-08-22 03:04:05.123456789"',
    );
    await check(
      `SELECT TIMESTAMPTZ '2001-08-22 03:04:05.321+02', TIME '01:02:03.456', TIMETZ '01:02:03.456+05:45'`,
      ['timestamp(6) with time zone', 'time(6)', 'time(6) with time zone'],
      '"2001-08-22 01:04:05.321000 UTC","01:02:03.456000","01:02:03.456000+05:45"',
    );
  });

  test('timestamps rounded to milliseconds without PARAMETRIC_DATETIME', async () => {
    await check(
      `SELECT TIMESTAMP '2001-08-22 03:04:05.3215', TIMESTAMP '1969-12-31 23:59:59.9995', '2001-08-22 03:04:05'::TIMESTAMP_S,
              '2001-08-22 03:04:05.123456789'::TIMESTAMP_NS, TIME '01:02:03.4564'`,
      ['timestamp', 'timestamp', 'timestamp', 'timestamp', 'time'],
      '"2001-08-22 03:04:05.322","1970-01-01 00:00:00.000","2001-08-22 03:04:05.000","2001-08-22 03:04:05.123","01:02:03.456"',
      false,
    );
  });

  test('zoned timestamps without PARAMETRIC_DATETIME', { todo: zonelessParseBroken && 'parseTypeSignature rejects "timestamp with time zone"' }, async () => {
    await check(
      `SELECT TIMESTAMPTZ '2001-08-22 03:04:05.3216+02'`,
      ['timestamp with time zone'],
      '"2001-08-22 01:04:05.322 UTC"',
      false,
    );
  });

  test('intervals as day to second', async () => {
    await check(
      `SELECT INTERVAL '2 days 03:04:05.678', INTERVAL '-1 day -00:00:01', INTERVAL 1 MONTH, INTERVAL '36 hours'`,
      ['interval day to second', 'interval day to second', 'interval day to second', 'interval day to second'],
      '"2 03:04:05.678","-1 00:00:01.000","30 00:00:00.000","1 12:00:00.000"',
    );
  });

  test('arrays, maps and rows nest', async () => {
    await check(
      `SELECT [1, NULL, 3], [[1.5::DOUBLE], []], [1, 2]::INTEGER[2], [DATE '2001-01-01'], NULL::INTEGER[]`,
      ['array(integer)', 'array(array(double))', 'array(integer)', 'array(date)', 'array(integer)'],
      '[1,null,3],[[1.5],[]],[1,2],["2001-01-01"],null',
    );
    await check(
      `SELECT MAP {'k': [1, 2]}, MAP {1: 'a', 2: NULL}, MAP {DATE '2001-01-01': true}, MAP {1.5: {'x': 1}}`,
      ['map(varchar, array(integer))', 'map(integer, varchar)', 'map(date, boolean)', 'map(decimal(2, 1), row(x integer))'],
      '{"k":[1,2]},{"1":"a","2":null},{"2001-01-01":true},{"1.5":[1]}',
    );
    await check(
      `SELECT {'a': 1, 'b c': [{'d': 'x'}]}, ROW(1, 'x'), [ROW(1, 'a'), ROW(2, 'b')], {'x': NULL}::STRUCT(x INTEGER), NULL::STRUCT(x INTEGER)`,
      ['row(a integer, "b c" array(row(d varchar)))', 'row(integer, varchar)', 'array(row(integer, varchar))', 'row(x integer)', 'row(x integer)'],
      '[1,[["x"]]],[1,"x"],[[1,"a"],[2,"b"]],[null],null',
    );
  });

  test('NULLs of every kind', async () => {
    await check(
      'SELECT NULL::BOOLEAN, NULL::BIGINT, NULL::DOUBLE, NULL::DECIMAL(12, 2), NULL::VARCHAR, NULL::BLOB, NULL::DATE, NULL::TIMESTAMP, NULL::INTERVAL, NULL::MAP(VARCHAR, INTEGER)',
      ['boolean', 'bigint', 'double', 'decimal(12, 2)', 'varchar', 'varbinary', 'date', 'timestamp(6)', 'interval day to second', 'map(varchar, integer)'],
      'null,null,null,null,null,null,null,null,null,null',
    );
    assert.equal(codecFor(SQLNULL, true).type, 'unknown');
  });

  test('types without a Trino counterpart are sent as text', async () => {
    await check(`SELECT '101'::BIT, union_value(k := 'x')::UNION(k VARCHAR, n INTEGER)`, ['varchar', 'varchar'], '"101","x"');
  });
});

describe('DuckDB value formatting', () => {
  test('civil dates match the JavaScript calendar', () => {
    for (let day = -800_000; day <= 800_000; day += 997) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      if (/^\d{4}-/.test(iso)) assert.equal(civilDate(day), iso);
    }
  });

  test('numbers', () => {
    assert.equal(formatDouble(123456789012345680000), '123456789012345680000.0');
    assert.equal(formatDouble(5e-324), '5e-324');
    assert.equal(formatReal(Math.fround(0.3)), '0.3');
    assert.equal(formatReal(Math.fround(1 / 3)), '0.33333334');
    // Java's Float.toString prints at least two digits: the smallest subnormal float is 1.4E-45.
    assert.equal(formatReal(Math.fround(1.4e-45)), '1.4e-45');
    assert.equal(formatReal(Math.fround(3e-45)), '2.8e-45');
    assert.equal(formatDecimal(-7n, 3), '"-0.007"');
    assert.equal(formatDecimal(0n, 2), '"0.00"');
  });

  test('timestamps and intervals', () => {
    assert.equal(formatTimestamp(-1n, 6, 6), '1969-12-31 23:59:59.999999');
    assert.equal(formatTimestamp(-1500n, 6, 3), '1969-12-31 23:59:59.999');
    assert.equal(formatTimestamp(-1501n, 6, 3), '1969-12-31 23:59:59.998');
    assert.equal(formatTimestamp(1n, 0, 3), '1970-01-01 00:00:01.000');
    assert.equal(formatInterval(0, -3, -1_000n), '"-3 00:00:00.001"');
    assert.equal(formatInterval(0, 0, 86_399_999_999n), '"0 23:59:59.999"');
  });
});
