/**
 * The date/time statements of the embedded-engine differential: `timestamp(p)` and `time(p)`
 * literals of every modelled precision and the ones refused (7 to 12, zones), `interval day to
 * second` literals and arithmetic, timestamp ± interval, casts between the date/time types and
 * from text, comparisons, ordering, aggregates, the date/time functions, and the session's
 * `current_date`, `localtimestamp` and `current_timezone()` under several session zones (compared
 * by consistency, not by value). Edge values: nulls, leap days, year boundaries, DST transitions
 * (a timestamp has no zone, so none applies), negative intervals, the years 1 and 9999.
 * Most run with the PARAMETRIC_DATETIME capability (Trino then shows every digit); some without,
 * where Trino shows milliseconds and types the column `timestamp`.
 */
import { DATETIME_FUNCTION_NAMES } from '../../../src/engines/duckdb/translation/datetime.js';
import type { Case } from './corpus.js';

const PARAMETRIC = { 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' };

const TIMESTAMPS = [
  "TIMESTAMP '2024-02-29 23:59:59'", "TIMESTAMP '2023-12-31 23:59:59.999'", "TIMESTAMP '1970-01-01 00:00:00.000001'", "TIMESTAMP '1969-12-31 23:59:59.5'",
  "TIMESTAMP '0001-01-01 00:00:00'", "TIMESTAMP '9999-12-31 23:59:59.999999'", "TIMESTAMP '2024-03-10 02:30:00.12'", "TIMESTAMP '2000-02-29'", 'CAST(NULL AS timestamp(3))',
];

function literals(): string[] {
  return [
    "SELECT TIMESTAMP '2024-01-01 00:00:00.123456', TIMESTAMP '2024-01-01 00:00', TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01 10:11:12.1'",
    "SELECT TIMESTAMP '2024-02-29 12:00:00.12', TIMESTAMP '2024-02-29 12:00:00.1234', TIMESTAMP '2024-02-29 12:00:00.12345'",
    ...TIMESTAMPS.map((t) => `SELECT ${t}`),
    "SELECT TIMESTAMP '2023-02-29 00:00:00'", "SELECT TIMESTAMP '2024-01-01 24:00:00'", "SELECT TIMESTAMP '2024-01-01 00:60:00'", "SELECT TIMESTAMP '2024-13-01 00:00:00'",
    // Precision 7 to 12, zones and other spellings: refused.
    "SELECT TIMESTAMP '2024-01-01 00:00:00.1234567'", "SELECT TIMESTAMP '2024-01-01 00:00:00.123456789012'", "SELECT TIMESTAMP '2024-01-01 00:00 UTC'",
    "SELECT TIMESTAMP '2024-01-01 00:00:00 Europe/Berlin'", "SELECT TIMESTAMP '2024-01-01 00:00:00+05:30'", "SELECT TIMESTAMP '2024-01-01T00:00:00'",
    "SELECT TIME '01:02:03', TIME '01:02:03.4', TIME '23:59:59.999999', TIME '00:00', TIME '12:34:56.789'", "SELECT TIME '24:00:00'", "SELECT TIME '01:02:03.1234567'",
    "SELECT TIME '01:02:03 +01:00'", 'SELECT CAST(NULL AS time(6))',
  ];
}

function intervals(): string[] {
  return [
    "SELECT INTERVAL '2' DAY, INTERVAL '-2 03:04:05.123' DAY TO SECOND, INTERVAL '25' HOUR, INTERVAL '90' MINUTE, INTERVAL '1.2345' SECOND",
    "SELECT INTERVAL '2 03' DAY TO HOUR, INTERVAL '2 03:04' DAY TO MINUTE, INTERVAL '03:04' HOUR TO MINUTE, INTERVAL '3:4:5.5' HOUR TO SECOND, INTERVAL '4:05' MINUTE TO SECOND",
    "SELECT INTERVAL '+2 3:4:5' DAY TO SECOND, INTERVAL -'1' DAY, INTERVAL -'-1' SECOND, INTERVAL '0' SECOND, INTERVAL '99999999' DAY, INTERVAL '0.001' SECOND",
    "SELECT INTERVAL '1' DAY * 2, 3 * INTERVAL '1' HOUR, INTERVAL '1' DAY - INTERVAL '1' SECOND, -INTERVAL '1' SECOND, -INTERVAL '-2' DAY, INTERVAL '1' DAY + INTERVAL '-36' HOUR",
    "SELECT INTERVAL '1' DAY * 9223372036854775807", "SELECT INTERVAL '106751991167' DAY", "SELECT INTERVAL '2147483648' SECOND", "SELECT INTERVAL '2147483647 23:59:59.999' DAY TO SECOND",
    "SELECT INTERVAL '2147483647' DAY * 40 + INTERVAL '2147483647' DAY * 40", "SELECT -(INTERVAL '2147483647' DAY * 40) - INTERVAL '2147483647' DAY * 40", "SELECT INTERVAL '1' DAY * CAST(NULL AS bigint)",
    "SELECT INTERVAL '1' DAY * 1.5", "SELECT INTERVAL '1' SECOND * 2e0", "SELECT INTERVAL '3' HOUR / 2", "SELECT INTERVAL '1' DAY + INTERVAL '1' MONTH", "SELECT INTERVAL '1' DAY + 1",
    "SELECT INTERVAL '1' DAY = INTERVAL '24' HOUR, INTERVAL '1' DAY < INTERVAL '86401' SECOND, INTERVAL '-1' SECOND > INTERVAL '0' SECOND, INTERVAL '1' DAY IN (INTERVAL '24' HOUR)",
    "SELECT x FROM (VALUES INTERVAL '1' DAY, INTERVAL '-1' SECOND, INTERVAL '2 00:00:00.001' DAY TO SECOND, NULL) t(x) ORDER BY x",
    "SELECT min(x), max(x), count(x) FROM (VALUES INTERVAL '1' DAY, INTERVAL '-1' SECOND, INTERVAL '23:59' HOUR TO MINUTE) t(x)",
    "SELECT CASE WHEN true THEN INTERVAL '1' DAY ELSE INTERVAL '2' HOUR END, coalesce(CAST(NULL AS interval day to second), INTERVAL '5' MINUTE)",
    "SELECT INTERVAL '2 24:00:00' DAY TO SECOND", "SELECT INTERVAL '1' SECOND TO MINUTE" /* refused as Trino's parser rejects it: a syntax error */,
    "SELECT CAST(INTERVAL '1' DAY AS varchar)", "SELECT NULL + INTERVAL '1' DAY",
  ];
}

function arithmetic(): string[] {
  return [
    "SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1' DAY, TIMESTAMP '2024-01-01 00:00:00.12' + INTERVAL '1.5' SECOND, TIMESTAMP '2024-01-01 00:00:00.123456' - INTERVAL '1' HOUR",
    "SELECT TIMESTAMP '2024-01-31 10:00:00' + INTERVAL '1' MONTH, TIMESTAMP '2024-02-29 10:00:00.5' + INTERVAL '1' YEAR, TIMESTAMP '2024-03-31 00:00:00' - INTERVAL '1' MONTH, INTERVAL '1-1' YEAR TO MONTH + TIMESTAMP '2023-01-31 23:59:59'",
    "SELECT TIMESTAMP '2023-12-31 23:59:59.999' + INTERVAL '0.001' SECOND, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '-0.001' SECOND, INTERVAL '2' DAY + TIMESTAMP '2024-02-28 12:00:00'",
    "SELECT TIMESTAMP '2024-03-10 01:59:59' + INTERVAL '1' SECOND, TIMESTAMP '2024-11-03 01:30:00' + INTERVAL '1' HOUR, TIMESTAMP '2024-10-27 02:30:00' - INTERVAL '1' DAY",
    "SELECT TIMESTAMP '2024-01-01 00:00:00' - TIMESTAMP '2023-12-30 12:00:00.5', TIMESTAMP '2024-03-01 00:00:00' - TIMESTAMP '2024-02-28 00:00:00', TIMESTAMP '1970-01-01 00:00:00' - TIMESTAMP '2000-01-01 00:00:00.001'",
    "SELECT TIMESTAMP '2024-01-01 00:00:00.000001' - TIMESTAMP '2024-01-01 00:00:00'", "SELECT TIMESTAMP '2024-01-01 00:00:00' + NULL",
    "SELECT TIMESTAMP '9999-12-31 23:59:59' + INTERVAL '1' SECOND", "SELECT TIMESTAMP '0001-01-01 00:00:00' - INTERVAL '1' DAY", "SELECT TIMESTAMP '2024-01-01 00:00:00' * 2",
    "SELECT TIMESTAMP '2024-01-01 00:00:00' + TIMESTAMP '2024-01-01 00:00:00'", "SELECT INTERVAL '1' DAY - TIMESTAMP '2024-01-01 00:00:00'", "SELECT TIME '01:00:00' + INTERVAL '1' HOUR",
    "SELECT DATE '2024-01-01' + INTERVAL '1' HOUR", "SELECT DATE '2024-02-28' + INTERVAL '1' DAY, DATE '2024-03-01' - INTERVAL '1' DAY",
    "SELECT CAST(NULL AS timestamp(3)) + INTERVAL '1' DAY, TIMESTAMP '2024-01-01 00:00:00' + CAST(NULL AS interval day to second)",
  ];
}

function casts(): string[] {
  const texts = [
    '2024-01-01', '24-01-01', '2024-1-1', ' 2024-01-01 ', '\t2024-01-01', '2024-001-01', '2024/01/01', '20240101', '2024-01-01x', '12024-01-01', '-0001-01-01', '0000-01-01', '2024-02-30', 'x', '',
    '2024-01-01 1:2:3', '2024-01-01 01:02:03.5', '2024-01-01 01:02:03.123456', '2024-01-01 01:02:03.1234567', '2024-01-01 01:02:60', '2024-01-01T01:02:03', '2024-01-01 01',
    '2024-01-01 01:02:03 +01:00', '2024-01-01 24:00:00', '2024-12-31 23:59:59.9995', '1969-12-31 23:59:59.9995', '2024-01-01 10:00', '2024-02-29 23:59:59.5',
  ];
  return [
    ...texts.map((t) => `SELECT CAST('${t}' AS date), TRY_CAST('${t}' AS date)`),
    ...texts.map((t) => `SELECT CAST('${t}' AS timestamp(6)), CAST('${t}' AS timestamp), CAST('${t}' AS timestamp(0)), TRY_CAST('${t}' AS timestamp(1))`),
    'SELECT CAST(CAST(NULL AS varchar) AS date), CAST(CAST(NULL AS varchar) AS timestamp)',
    ...TIMESTAMPS.map((t) => `SELECT CAST(${t} AS date), CAST(${t} AS timestamp(0)), CAST(${t} AS timestamp(3)), CAST(${t} AS timestamp(6)), CAST(${t} AS varchar), CAST(${t} AS time(3))`),
    "SELECT CAST(DATE '2024-02-29' AS timestamp), CAST(DATE '0001-01-01' AS timestamp(6)), CAST(CAST(NULL AS date) AS timestamp(0))",
    "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00.5' AS timestamp(0)), CAST(TIMESTAMP '2024-01-01 00:00:00.49' AS timestamp(0)), CAST(TIMESTAMP '2024-12-31 23:59:59.9996' AS timestamp(3))",
    "SELECT CAST(TIMESTAMP '1969-12-31 23:59:59.9995' AS timestamp(3)), CAST(TIMESTAMP '1969-12-31 23:59:59.5' AS timestamp(0)), CAST(TIMESTAMP '1969-12-31 23:59:59.4' AS timestamp(0))",
    "SELECT CAST(TIME '23:59:59.9996' AS time(3)), CAST(TIME '01:02:03.5' AS time(0)), CAST(TIME '01:02:03.456' AS varchar), CAST(TIME '01:02:03' AS time(6))",
    "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS bigint)", "SELECT CAST(1 AS timestamp)", "SELECT CAST(true AS time)", "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS varchar(5))",
    "SELECT CAST(TIME '01:02:03' AS timestamp)", "SELECT CAST(DATE '2024-01-01' AS time)", "SELECT CAST('01:02:03' AS time)", "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS timestamp(9))",
    "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS timestamp(3) with time zone)",
  ];
}

function comparisons(): string[] {
  return [
    "SELECT TIMESTAMP '2024-01-01 00:00:00' = DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00.1' < TIMESTAMP '2024-01-01 00:00:00.12', TIMESTAMP '2024-01-01 00:00:00.100' = TIMESTAMP '2024-01-01 00:00:00.1'",
    "SELECT DATE '2024-01-02' > TIMESTAMP '2024-01-01 23:59:59.999999', TIMESTAMP '2024-02-29 12:00:00' BETWEEN DATE '2024-02-29' AND DATE '2024-03-01', TIMESTAMP '2024-01-01 00:00:00' IN (DATE '2024-01-01', TIMESTAMP '2024-01-02 00:00:00.5')",
    "SELECT CAST(NULL AS timestamp(3)) = TIMESTAMP '2024-01-01 00:00:00', TIME '01:00:00' < TIME '01:00:00.001', TIME '23:59:59' > TIME '00:00:00'",
    "SELECT x FROM (VALUES TIMESTAMP '2024-01-01 00:00:00.5', TIMESTAMP '2023-12-31 23:59:59', NULL, TIMESTAMP '2024-02-29 00:00:00.123456') t(x) ORDER BY x DESC",
    "SELECT x FROM (VALUES DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00.5') t(x) ORDER BY 1",
    "SELECT min(x), max(x), count(DISTINCT x) FROM (VALUES TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '1999-12-31 23:59:59.999', TIMESTAMP '2024-01-01 00:00:00') t(x)",
    "SELECT min(x), max(x) FROM (VALUES TIME '01:02:03.5', TIME '23:00:00', TIME '00:00:00.25') t(x)",
    "SELECT CASE WHEN false THEN TIMESTAMP '2024-01-01 00:00:00' ELSE TIMESTAMP '2024-01-01 00:00:00.123' END, coalesce(CAST(NULL AS timestamp(0)), DATE '2024-02-29')",
    "SELECT greatest(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-02 00:00:00')",
    "SELECT TIMESTAMP '2024-01-01 00:00:00' = 1", "SELECT TIMESTAMP '2024-01-01 00:00:00' = TIME '00:00:00'",
    "SELECT x, count(*) FROM (VALUES TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:00:00.000', TIMESTAMP '2024-01-01 00:00:01') t(x) GROUP BY x ORDER BY x",
  ];
}

/** Arguments for each date/time function (every one the mapping table has, on timestamps, times and dates). */
const FUNCTION_ARGUMENTS: Record<string, string[]> = {
  hour: [...TIMESTAMPS, "TIME '23:59:59.999'", "DATE '2024-01-01'", "'10:00'"],
  minute: ["TIMESTAMP '2024-01-01 10:11:12.345'", "TIME '00:59:00'", 'CAST(NULL AS timestamp(6))'],
  second: ["TIMESTAMP '2024-01-01 10:11:12.999999'", "TIME '00:00:59.5'", "DATE '2024-01-01'"],
  millisecond: ["TIMESTAMP '2024-01-01 00:00:01.2345'", "TIMESTAMP '1969-12-31 23:59:59.999'", "TIME '01:02:03.456789'", "TIMESTAMP '2024-01-01 00:00:00'", 'CAST(NULL AS time(3))'],
  date_trunc: ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade'].flatMap((u) => [
    `'${u}', TIMESTAMP '2024-02-29 13:14:15.123456'`, `'${u}', TIMESTAMP '1969-12-31 23:59:59.5'`, `'${u}', TIMESTAMP '2024-01-01 00:00:00'`,
  ]).concat(["'day', CAST(NULL AS timestamp(3))", "'hour', DATE '2024-01-01'"]),
  date_add: ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].flatMap((u) => [
    `'${u}', 1, TIMESTAMP '2024-01-31 23:59:59.999'`, `'${u}', -3, TIMESTAMP '2024-02-29 00:00:00'`, `'${u}', 500, TIMESTAMP '2024-01-01 00:00:00.123456'`,
  ]).concat(["'millisecond', 500, TIMESTAMP '2024-01-01 00:00:00'", "'millisecond', 1500, TIMESTAMP '2024-01-01 00:00:00.1'", "'millisecond', 499, TIMESTAMP '2024-01-01 00:00:00'", "'day', CAST(NULL AS bigint), TIMESTAMP '2024-01-01 00:00:00'", "'hour', 1, DATE '2024-01-01'"]),
  date_diff: ['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].flatMap((u) => [
    `'${u}', TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP '2024-02-29 09:00:00'`, `'${u}', TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP '2025-03-01 11:00:00.5'`,
    `'${u}', TIMESTAMP '2024-01-02 00:00:00', TIMESTAMP '2024-01-01 00:00:01'`, `'${u}', TIMESTAMP '2024-02-29 00:00:00.001', TIMESTAMP '2023-02-28 00:00:00'`,
  ]).concat(["'second', TIMESTAMP '2024-01-01 00:00:00.9', TIMESTAMP '2024-01-01 00:00:01.1'", "'month', TIMESTAMP '2024-01-31 00:00:00', TIMESTAMP '2024-02-29 00:00:00'", "'second', TIMESTAMP '2024-01-01 00:00:00.123456', TIMESTAMP '2024-01-01 00:00:01'", "'day', CAST(NULL AS timestamp(3)), TIMESTAMP '2024-01-01 00:00:00'"]),
  date_format: [
    "TIMESTAMP '2024-02-29 13:04:05.123456', '%Y|%m|%d|%e|%c|%y|%j|%a|%b|%M|%W|%H|%i|%s|%S|%f|%p|%T|%r|%%|%h|%k|%l'",
    "TIMESTAMP '2024-01-01 00:00:00', '%H %k %h %l %p %r'", "TIMESTAMP '2024-01-01 12:30:00.5', '%r %T %f'", "TIMESTAMP '0099-12-31 23:59:59', 'ü %Y-%y'", "CAST(NULL AS timestamp(3)), '%Y'",
    "TIMESTAMP '2024-01-01 00:00:00', '%Q'", "TIMESTAMP '2024-01-01 00:00:00', '%D'", "TIMESTAMP '2024-01-01 00:00:00.1', '%f'",
    "TIMESTAMP '2024-01-01 00:00:59.9996', '%s %f'", "TIMESTAMP '1969-12-31 23:59:59.9996', '%Y %s %f'", "TIMESTAMP '2024-01-01 00:00:59.1235', '%f'",
  ],
  current_timezone: [''],
  date_parse: [
    "'2024-02-29 13:04:05', '%Y-%m-%d %H:%i:%s'", "'2024-2-9 1:2:3', '%Y-%m-%d %H:%i:%S'", "'02/29/2024', '%m/%d/%Y'", "'2024-02-29', '%Y-%m-%d'", "'29.02.2024, 23:59', '%d.%m.%Y, %H:%i'",
    "'2024-02-30', '%Y-%m-%d'", "'2023-02-29', '%Y-%m-%d'", "'2024-02-29 24:00:00', '%Y-%m-%d %H:%i:%s'", "'2024-02-29 23:60:00', '%Y-%m-%d %H:%i:%s'", "'2024-13-01', '%Y-%m-%d'",
    "'2024-02-29 ', '%Y-%m-%d'", "'x', '%Y-%m-%d'", "'12024-02-29', '%Y-%m-%d'", "'0001-01-01', '%Y-%m-%d'", 'CAST(NULL AS varchar), \'%Y-%m-%d\'',
    "'20240229', '%Y%m%d'", "'2024-02-29 01:02:03.123', '%Y-%m-%d %H:%i:%s.%f'", "'13:04', '%H:%i'", "'2024-02-29T01:02', '%Y-%m-%dT%H:%i'", "'2024-02-29', '%Y-%m-%e'",
  ],
  to_iso8601: [
    "DATE '2024-02-29'", "DATE '0099-01-01'", 'CAST(NULL AS date)', "TIMESTAMP '2024-02-29 01:02:03'", "TIMESTAMP '2024-02-29 01:02:03.123456'", "TIMESTAMP '2024-02-29 01:02:03.100'",
    "TIMESTAMP '2024-02-29 01:02:03.5 UTC'", "TIMESTAMP '2024-02-29 01:02:03 +05:30'", "TIMESTAMP '2024-02-29 01:02:03 America/New_York'", "TIMESTAMP '2024-07-01 01:02:03.25 America/New_York'",
    "TIMESTAMP '2024-07-01 00:00 Asia/Kathmandu'", "TIMESTAMP '1800-01-01 00:00 America/New_York'", 'CAST(NULL AS timestamp(3) with time zone)', "'2024-01-01'",
  ],
  from_iso8601_date: ["'2024-02-29'", "'2024-2-1'", "'2024-02-30'", "' 2024-02-01'", "'2024-W09-4'", "'2024-060'", "'2024-02'", "'2024'", "'x'", "'0000-01-01'", 'CAST(NULL AS varchar)'],
  from_iso8601_timestamp: [
    "'2024-02-29T01:02:03Z'", "'2024-02-29T01:02:03.5+05:30'", "'2024-02-29'", "'2024-02-29T01:02'", "'2024-02-29T01:02:03.123-08:00'", "'2024-11-03T01:30:00'", "'2024-02-30T00:00:00Z'",
    "'2024-02-29T01:02:03.1234Z'", "'2024-02-29 01:02:03Z'",
  ],
};

function functions(): string[] {
  const sql: string[] = [];
  // from_iso8601_timestamp takes the session's zone, so the translator maps it apart from the table.
  for (const name of [...DATETIME_FUNCTION_NAMES, 'from_iso8601_timestamp']) {
    // The date fields of a timestamp are DuckDB's date parts, as for dates (corpus.ts): a leap day, a year's end, before 1970, null.
    const args = FUNCTION_ARGUMENTS[name] ?? [TIMESTAMPS[0]!, TIMESTAMPS[1]!, TIMESTAMPS[3]!, TIMESTAMPS[8]!];
    for (const a of args) sql.push(`SELECT ${name}(${a})`);
  }
  for (const field of ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DAY_OF_MONTH', 'DAY_OF_WEEK', 'DOW', 'DAY_OF_YEAR', 'DOY', 'YEAR_OF_WEEK', 'YOW', 'HOUR', 'MINUTE', 'SECOND']) {
    sql.push(`SELECT EXTRACT(${field} FROM TIMESTAMP '2021-01-03 13:14:15.678'), EXTRACT(${field} FROM CAST(NULL AS timestamp(6)))`);
  }
  sql.push("SELECT EXTRACT(HOUR FROM TIME '13:14:15'), EXTRACT(MINUTE FROM TIME '13:14:15'), EXTRACT(SECOND FROM TIME '13:14:15.9')", "SELECT EXTRACT(HOUR FROM DATE '2024-01-01')", "SELECT EXTRACT(YEAR FROM TIME '01:02:03')");
  return sql;
}

/** timestamp(p) with time zone: literals in zones and offsets (DST gaps and overlaps), AT TIME ZONE, the zone functions, casts, comparisons. */
function zoned(): string[] {
  const zones = ['UTC', 'Z', '+00:00', '-00:00', '+05:30', '-08:00', '+14:00', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'US/Eastern', 'Asia/Calcutta', 'utc', 'GMT', 'Etc/GMT+5', 'Mars/Base', '+5'];
  return [
    ...zones.map((z) => `SELECT TIMESTAMP '2024-07-01 12:34:56.789 ${z}', TIMESTAMP '2024-01-01 00:00 ${z}'`),
    "SELECT TIMESTAMP '2024-03-10 02:30:00 America/New_York'", "SELECT TIMESTAMP '2024-11-03 01:30:00 America/New_York', to_unixtime(TIMESTAMP '2024-11-03 01:30:00 America/New_York')",
    "SELECT TIMESTAMP '2024-10-27 02:30:00 Europe/Berlin', TIMESTAMP '2024-03-31 02:30:00 Europe/Berlin'", "SELECT TIMESTAMP '2024-04-07 01:45:00 Australia/Lord_Howe'",
    "SELECT TIMESTAMP '1800-01-01 00:00:00 America/New_York', TIMESTAMP '0001-01-01 12:00:00 UTC', TIMESTAMP '9999-12-31 23:59:59.999999 UTC', TIMESTAMP '2024-02-29 23:59:59.5 +05:30'",
    "SELECT TIMESTAMP '0001-01-01 00:00:00 +05:00'", "SELECT TIMESTAMP '2024-01-01 00:00:00.1234567 UTC'", "SELECT TIMESTAMP '2024-01-01 00:00:00+05:30', TIMESTAMP '2024-01-01 UTC'",
    "SELECT TIMESTAMP '2024-01-01 00:00 UTC' AT TIME ZONE 'America/New_York', TIMESTAMP '2024-01-01 00:00 +05:30' AT TIME ZONE '-08:00', TIMESTAMP '2024-06-30 23:00 UTC' AT TIME ZONE 'Asia/Kathmandu'",
    "SELECT at_timezone(TIMESTAMP '2024-01-01 00:00:00.123456 UTC', 'Europe/Berlin'), at_timezone(CAST(NULL AS timestamp(3) with time zone), 'UTC')",
    "SELECT TIMESTAMP '2024-01-01 00:00:00' AT TIME ZONE 'UTC'", "SELECT TIMESTAMP '2024-01-01 00:00 UTC' AT TIME ZONE 'Mars/Base'",
    "SELECT with_timezone(TIMESTAMP '2024-01-01 00:00:00', 'Europe/Berlin'), with_timezone(TIMESTAMP '2024-11-03 01:30:00.5', 'America/New_York'), with_timezone(TIMESTAMP '2024-01-01 10:00:00', '+05:30')",
    "SELECT with_timezone(TIMESTAMP '2024-03-10 02:30:00', 'America/New_York')", "SELECT with_timezone(TIMESTAMP '2024-04-07 01:45:00', 'Australia/Lord_Howe'), with_timezone(CAST(NULL AS timestamp(0)), 'UTC')",
    "SELECT to_unixtime(TIMESTAMP '2024-01-01 00:00:00.5 UTC'), to_unixtime(TIMESTAMP '1969-12-31 23:59:59.999 UTC'), to_unixtime(TIMESTAMP '9999-12-31 23:59:59.999 +14:00'), to_unixtime(CAST(NULL AS timestamp(3) with time zone))",
    "SELECT to_unixtime(TIMESTAMP '2024-01-01 00:00:00.123456 UTC')",
    "SELECT from_unixtime(1700000000), from_unixtime(0), from_unixtime(-1), from_unixtime(1700000000, 'Asia/Kolkata'), from_unixtime(CAST(NULL AS bigint))", "SELECT from_unixtime(1.5e0)", "SELECT from_unixtime(253402300800)",
    "SELECT CAST(TIMESTAMP '2024-01-01 00:00 America/New_York' AS timestamp), CAST(TIMESTAMP '2024-01-01 00:00 America/New_York' AS date), CAST(TIMESTAMP '2024-01-01 23:30:00.25 +05:30' AS varchar), CAST(TIMESTAMP '2024-01-01 23:30:00.25 -08:00' AS timestamp(0))",
    "SELECT CAST(TIMESTAMP '2024-01-01 23:59:59.999 UTC' AS timestamp(0) with time zone)", "SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS timestamp(3) with time zone)",
    "SELECT TIMESTAMP '2024-01-01 00:00 UTC' = TIMESTAMP '2024-01-01 01:00 +01:00', TIMESTAMP '2024-01-01 00:00 UTC' < TIMESTAMP '2024-01-01 00:00 America/New_York', TIMESTAMP '2024-01-01 00:00:00.5 UTC' > TIMESTAMP '2024-01-01 00:00 UTC'",
    "SELECT TIMESTAMP '2024-01-01 00:00 UTC' = TIMESTAMP '2024-01-01 00:00:00'", "SELECT TIMESTAMP '2024-01-01 00:00 UTC' + INTERVAL '1' DAY",
    "SELECT x FROM (VALUES TIMESTAMP '2024-01-01 00:00 UTC', TIMESTAMP '2024-01-01 00:30 UTC', NULL) t(x) ORDER BY x DESC", "SELECT x FROM (VALUES TIMESTAMP '2024-01-01 00:00 UTC', TIMESTAMP '2024-01-01 00:00 +01:00') t(x)",
    "SELECT min(x), max(x), count(DISTINCT x) FROM (VALUES TIMESTAMP '2024-01-01 00:00 America/New_York', TIMESTAMP '2024-07-01 00:00 America/New_York', TIMESTAMP '2024-01-01 00:00 America/New_York') t(x)",
    "SELECT year(TIMESTAMP '2024-01-01 00:00 UTC')", "SELECT date_trunc('day', TIMESTAMP '2024-01-01 10:00 UTC')",
  ];
}

/** The TPC-H dates as timestamps: grouping, filtering and arithmetic over table rows. */
function tables(): string[] {
  return [
    "SELECT date_trunc('month', CAST(o_orderdate AS timestamp)) AS m, count(*) FROM orders WHERE o_orderdate < DATE '1992-06-01' GROUP BY 1 ORDER BY 1",
    "SELECT o_orderkey, CAST(o_orderdate AS timestamp(6)) + INTERVAL '12:30' HOUR TO MINUTE AS t FROM orders ORDER BY o_orderkey LIMIT 5",
    "SELECT count(*) FROM orders WHERE CAST(o_orderdate AS timestamp) + INTERVAL '36' HOUR > TIMESTAMP '1998-07-01 00:00:00'",
    "SELECT max(CAST(l_shipdate AS timestamp) - CAST(l_commitdate AS timestamp)), min(CAST(l_receiptdate AS timestamp) - CAST(l_shipdate AS timestamp)) FROM lineitem",
    "SELECT year(CAST(o_orderdate AS timestamp(3))) AS y, min(hour(CAST(o_orderdate AS timestamp))), count(*) FROM orders GROUP BY 1 ORDER BY 1",
    "SELECT date_format(CAST(o_orderdate AS timestamp), '%Y-%m-%d %H:%i') AS d FROM orders ORDER BY o_orderkey LIMIT 3",
  ];
}

/** The session's clock, compared by type and consistency under several session zones. */
function session(): Case[] {
  const zones = [undefined, 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Kiritimati', '+05:00', '-08:00', '+05:30', '-09:30', '+05:45'];
  return zones.flatMap((zone) => {
    const headers = { ...PARAMETRIC, ...(zone === undefined ? {} : { 'X-Trino-Time-Zone': zone }) };
    return [
      'SELECT current_timezone()',
      "SELECT current_timestamp > TIMESTAMP '2020-01-01 00:00 UTC', CAST(current_timestamp AS date) = current_date, now() = current_timestamp, CAST(current_timestamp AS timestamp(3)) = localtimestamp",
      "SELECT date_diff('minute', CAST(current_timestamp AS timestamp(3)), localtimestamp), CAST(current_timestamp AS varchar) LIKE '% ' || current_timezone(), current_timestamp AT TIME ZONE 'UTC' = current_timestamp",
      "SELECT current_date = CAST(localtimestamp AS date), current_date > DATE '2020-01-01', localtimestamp > TIMESTAMP '2020-01-01 00:00:00', date_diff('day', current_date, CAST(localtimestamp AS date))",
      "SELECT CAST(localtimestamp AS timestamp(3)) = localtimestamp, localtimestamp - localtimestamp, date_trunc('day', localtimestamp) = CAST(current_date AS timestamp)",
      "SELECT TIMESTAMP '2024-03-10 02:30:00' + INTERVAL '1' HOUR, CAST(TIMESTAMP '2024-11-03 01:30:00' AS date), hour(TIMESTAMP '2024-03-31 02:30:00')",
      "SELECT from_iso8601_timestamp('2024-11-03T01:30:00'), from_iso8601_timestamp('2024-07-01T12:00:00.5'), to_unixtime(TIMESTAMP '2024-07-01 12:00:00'), TIMESTAMP '2024-07-01 12:00:00' AT TIME ZONE 'Asia/Tokyo'",
    ].map((sql) => ({ sql, headers }));
  });
}

/** Without PARAMETRIC_DATETIME Trino shows milliseconds (rounded) and names the types without precision. */
function legacyClient(): Case[] {
  return [
    "SELECT TIMESTAMP '2024-01-01 00:00:00.123456', TIMESTAMP '2024-01-01 00:00', TIMESTAMP '2024-12-31 23:59:59.9996', TIMESTAMP '1969-12-31 23:59:59.9995'",
    "SELECT TIME '01:02:03.4', TIME '23:59:59.9996', INTERVAL '2 03:04:05' DAY TO SECOND, CAST(TIMESTAMP '2024-12-31 23:59:59.9996' AS varchar)",
    "SELECT localtimestamp > TIMESTAMP '2020-01-01 00:00:00', x FROM (VALUES TIMESTAMP '2024-02-29 12:00:00.5') t(x)",
    "SELECT TIMESTAMP '2024-01-01 00:00:00.123456 Europe/Berlin', TIMESTAMP '2024-12-31 23:59:59.9996 +05:30', from_unixtime(0)",
  ].map((sql) => ({ sql }));
}

export function datetimeCases(): Case[] {
  const parametric = [...literals(), ...intervals(), ...arithmetic(), ...casts(), ...comparisons(), ...functions(), ...zoned(), ...tables()].map((sql) => ({ sql, headers: PARAMETRIC }));
  return [...parametric, ...session(), ...legacyClient()];
}
