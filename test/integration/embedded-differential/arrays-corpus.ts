/**
 * Arrays and lambdas of the embedded-engine differential beyond shapes-corpus.ts: array_agg (nulls
 * kept, ORDER BY inside, FILTER, DISTINCT, empty input), sequence (integers and dates, steps, the
 * errors of a zero or wrong-direction step and of too many entries), reduce, zip_with and
 * array_sort with a comparator, nested arrays (constructors, subscripts, flatten, cardinality,
 * array-typed aggregates and CTE columns), the matching functions stopping at the deciding
 * element, and window frames of RANGE with offsets and of GROUPS.
 */
import type { Case } from './corpus.js';

/** Argument lists of the scalar array functions added here, for the corpus's one-statement-per-mapped-function check. */
export const NESTED_ARRAY_FUNCTION_ARGUMENTS: Record<string, string[]> = {
  sequence: ['1, 5', '5, 1', '1, 10, 3', "DATE '2024-02-27', DATE '2024-03-02'"],
  flatten: ['ARRAY[ARRAY[1, 2], NULL, ARRAY[3]]', "ARRAY[ARRAY['a'], ARRAY[NULL, 'b']]"],
};

const VALUES = '(VALUES (1, 3, \'c\'), (1, 1, NULL), (2, NULL, \'a\'), (2, 2, \'b\'), (3, NULL, NULL)) t(g, x, s)';

function arrayAggCases(): string[] {
  return [
    `SELECT array_agg(x ORDER BY x) FROM ${VALUES}`,
    `SELECT array_agg(x ORDER BY x DESC) FROM ${VALUES}`,
    `SELECT array_agg(x ORDER BY x NULLS FIRST), array_agg(s ORDER BY s DESC NULLS FIRST) FROM ${VALUES}`,
    `SELECT array_agg(s ORDER BY x, s) FROM ${VALUES}`,
    `SELECT g, array_agg(x ORDER BY x), array_agg(s ORDER BY s) FROM ${VALUES} GROUP BY g ORDER BY g`,
    `SELECT g, array_agg(x ORDER BY x) FILTER (WHERE x > 1) FROM ${VALUES} GROUP BY g ORDER BY g`,
    `SELECT array_agg(x ORDER BY x) FILTER (WHERE s IS NOT NULL) FROM ${VALUES}`,
    `SELECT array_sort(array_agg(DISTINCT x)), array_agg(DISTINCT s ORDER BY s) FROM ${VALUES}`,
    `SELECT array_agg(x ORDER BY x) FROM ${VALUES} WHERE false`,
    `SELECT g, array_agg(x) FROM ${VALUES} WHERE g = 3 GROUP BY g`,
    'SELECT array_agg(x) FROM (VALUES 7) t(x)',
    'SELECT n_regionkey, array_agg(n_name ORDER BY n_name) FROM nation GROUP BY n_regionkey ORDER BY 1',
    'SELECT array_agg(n_nationkey ORDER BY n_nationkey DESC) FILTER (WHERE n_regionkey = 1) FROM nation',
    "SELECT array_agg(d ORDER BY d), array_agg(b ORDER BY b), array_agg(m ORDER BY m) FROM (VALUES (DATE '2024-02-29', true, 1.5), (DATE '1970-01-01', NULL, -0.25)) t(d, b, m)",
    'SELECT array_agg(o_orderkey ORDER BY o_totalprice DESC, o_orderkey) FROM orders WHERE o_custkey = 1',
    'SELECT cardinality(array_agg(l_orderkey)), cardinality(array_agg(DISTINCT l_orderkey)) FROM lineitem',
    'SELECT x, array_agg(x) OVER (ORDER BY x) FROM (VALUES 3, 1, NULL, 2) t(x)',
    'SELECT array_agg(ARRAY[x, x + 1] ORDER BY x) FROM (VALUES 1, 5) t(x)',
    'SELECT array_agg(x, x) FROM (VALUES 1) t(x)',
    'SELECT array_agg(NULL)',
    'SELECT count(x ORDER BY x) FROM (VALUES 1) t(x)',
    'SELECT array_agg(x ORDER BY x) OVER () FROM (VALUES 3, 1) t(x)',
  ];
}

function sequenceCases(): string[] {
  const integers = [
    '1, 5', '5, 1', '1, 1', '1, 5, 2', '5, 1, -2', '1, 5, -1', '5, 1, 1', '1, 5, 0', '1, 5, 10', '-3, 3, 3', "BIGINT '9223372036854775806', 9223372036854775807",
    '9223372036854775807, 9223372036854775807', "TINYINT '1', SMALLINT '3'", '1, 10000', '1, 10001', '-9223372036854775807, 9223372036854775807', '0, 20000, 2', '0, 20000, 3',
    'NULL, 3', '1, CAST(NULL AS integer)', '1, 3, NULL', '1, 5, 2.0', '1e0, 5e0', "'a', 'b'",
  ];
  const dates = [
    "DATE '2024-02-27', DATE '2024-03-02'", "DATE '2024-03-02', DATE '2024-02-27'", "DATE '2024-01-01', DATE '2024-01-10', INTERVAL '3' DAY",
    "DATE '2024-01-10', DATE '2024-01-01', INTERVAL -'3' DAY", "DATE '2024-01-10', DATE '2024-01-01', INTERVAL '3' DAY", "DATE '2024-01-01', DATE '2024-01-02', INTERVAL '12' HOUR",
    "DATE '2024-01-01', DATE '2024-01-05', INTERVAL '48' HOUR", "DATE '2024-01-01', DATE '2024-01-05', INTERVAL '0' DAY", "DATE '2024-01-31', DATE '2024-05-01', INTERVAL '1' MONTH",
    "DATE '2024-01-31', DATE '2024-03-30', INTERVAL '1' MONTH", "DATE '2024-03-31', DATE '2024-01-30', INTERVAL -'1' MONTH", "DATE '2024-02-29', DATE '2028-02-28', INTERVAL '1' YEAR",
    "DATE '2024-01-01', DATE '2025-01-01', INTERVAL '1-2' YEAR TO MONTH", "DATE '2024-01-01', DATE '2023-01-01', INTERVAL '1' MONTH", "DATE '2024-01-01', DATE '2024-06-01', INTERVAL '0' MONTH",
    "DATE '2000-01-01', DATE '2900-01-01', INTERVAL '1' MONTH", "DATE '2000-01-01', DATE '2027-05-18'", "DATE '2000-01-01', DATE '2027-05-19'", "DATE '2024-01-01', CAST(NULL AS date)",
    "DATE '2024-01-01', DATE '2024-01-03', CAST(NULL AS interval day to second)",
  ];
  return [
    ...integers.map((args) => `SELECT sequence(${args})`),
    ...dates.map((args) => `SELECT sequence(${args})`),
    'SELECT cardinality(sequence(1, 10000)), cardinality(sequence(DATE \'2000-01-01\', DATE \'2027-05-18\'))',
    "SELECT sequence(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 03:00:00', INTERVAL '1' HOUR)",
    'SELECT array_sort(array_agg(DISTINCT x) FILTER (WHERE x > 1)) FROM (VALUES 1, 2, 2, 3, NULL) t(x)',
    'SELECT n_nationkey, sequence(n_regionkey, n_nationkey, 2) FROM nation WHERE n_nationkey < 6 ORDER BY 1',
    'SELECT n_nationkey, sequence(n_nationkey, n_regionkey) FROM nation WHERE n_nationkey < 6 ORDER BY 1',
    'SELECT x FROM UNNEST(sequence(1, 4)) t(x) WHERE x % 2 = 0',
    "SELECT count(*) FROM UNNEST(sequence(DATE '1992-01-01', DATE '1992-12-31')) t(d) JOIN orders ON o_orderdate = d",
  ];
}

function lambdaCases(): string[] {
  return [
    'SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s)',
    'SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10)',
    'SELECT reduce(ARRAY[1, NULL, 3], 0, (s, x) -> s + x, s -> s), reduce(ARRAY[1, NULL, 3], 0, (s, x) -> s + coalesce(x, 10), s -> s)',
    'SELECT reduce(CAST(NULL AS array(integer)), 0, (s, x) -> s + x, s -> coalesce(s, 5))',
    'SELECT reduce(ARRAY[2147483647, 1], 0, (s, x) -> s + x, s -> s)',
    'SELECT reduce(ARRAY[2147483647, 1], BIGINT \'0\', (s, x) -> s + x, s -> s)',
    'SELECT reduce(ARRAY[1, 2], 0, (s, x) -> s + x, s -> s / 0)',
    'SELECT reduce(ARRAY[1, 2], NULL, (s, x) -> s + x, s -> s)',
    "SELECT reduce(ARRAY['a', 'b', 'ü'], '', (s, x) -> s || x, s -> s), reduce(ARRAY['a'], 'x', (s, x) -> 'abc', s -> s)",
    'SELECT reduce(ARRAY[1, 2], 0, (s, x) -> s + x, s -> CAST(s AS varchar))',
    'SELECT reduce(ARRAY[1, 2], 0, (s, x) -> 1e0, s -> s), reduce(ARRAY[5, 3], 0, (s, x) -> BIGINT \'1\' + s, s -> s)',
    'SELECT reduce(ARRAY[1.5, 2.25], 0.00, (s, x) -> s, s -> s)',
    'SELECT reduce(ARRAY[1], 0e0, (s, x) -> 1, s -> s)',
    'SELECT reduce(ARRAY[1.5], 0, (s, x) -> s + x, s -> s)',
    'SELECT n_regionkey, reduce(array_agg(n_nationkey ORDER BY n_nationkey), 0, (s, x) -> s * 2 + x, s -> s) FROM nation GROUP BY n_regionkey ORDER BY 1',
    'SELECT zip_with(ARRAY[1, 2, 3], ARRAY[10, 20], (x, y) -> x + y)',
    "SELECT zip_with(ARRAY['a', 'b'], ARRAY[1, 2], (x, y) -> x || CAST(y AS varchar))",
    'SELECT zip_with(ARRAY[1, 2], ARRAY[1.5], (x, y) -> x + y), zip_with(ARRAY[1], ARRAY[NULL, 2], (x, y) -> coalesce(x, y))',
    'SELECT zip_with(ARRAY[1], CAST(NULL AS array(integer)), (x, y) -> x)',
    'SELECT zip_with(ARRAY[1, 0], ARRAY[5, 5], (x, y) -> y / x)',
    'SELECT zip_with(ARRAY[2147483647], ARRAY[1], (x, y) -> x + y)',
    'SELECT zip_with(ARRAY[ARRAY[1], ARRAY[2, 3]], ARRAY[10, 20], (a, y) -> cardinality(a) * y)',
    'SELECT n_name, zip_with(ARRAY[n_nationkey], ARRAY[n_regionkey, 9], (x, y) -> x * 100 + y) FROM nation WHERE n_nationkey < 3 ORDER BY 1',
    'SELECT zip_with(ARRAY[1], ARRAY[2], x -> x)',
    'SELECT array_sort(ARRAY[3, 1, 2], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1)))',
    'SELECT array_sort(ARRAY[3, 1, NULL, 2], (x, y) -> IF(x IS NULL, -1, IF(y IS NULL, 1, IF(x < y, 1, IF(x = y, 0, -1)))))',
    "SELECT array_sort(ARRAY['bb', 'a', 'ccc', 'dd', 'ü'], (x, y) -> IF(length(x) < length(y), -1, IF(length(x) = length(y), 0, 1)))",
    'SELECT array_sort(sequence(1, 40), (x, y) -> IF(x % 3 < y % 3, -1, IF(x % 3 = y % 3, 0, 1)))',
    'SELECT array_sort(ARRAY[2, 1, 3], (x, y) -> 0), array_sort(ARRAY[1], (x, y) -> 5), array_sort(CAST(NULL AS array(integer)), (x, y) -> 0)',
    'SELECT array_sort(ARRAY[3, 1, 2], (x, y) -> 2)',
    'SELECT array_sort(ARRAY[3, 1, 2], (x, y) -> CAST(NULL AS integer))',
    'SELECT array_sort(ARRAY[3, 1, 2], (x, y) -> NULL)',
    'SELECT array_sort(ARRAY[2, 1], (x, y) -> BIGINT \'1\'), array_sort(ARRAY[2, 1], (x, y) -> 0e0)',
    'SELECT array_sort(ARRAY[ARRAY[3, 1], ARRAY[2]], (a, b) -> IF(cardinality(a) < cardinality(b), -1, IF(cardinality(a) = cardinality(b), 0, 1)))',
    'SELECT array_sort(ARRAY[3, 1, 2], (x, y) -> -1)',
    // The matching functions stop at the deciding element: a later element that would fail is never evaluated.
    'SELECT any_match(ARRAY[1, 0], x -> 10 / x = 10)',
    'SELECT any_match(ARRAY[0, 1], x -> 10 / x = 10)',
    'SELECT all_match(ARRAY[1, 0], x -> 10 / x = 5), none_match(ARRAY[1, 0], x -> 10 / x = 10)',
    'SELECT all_match(ARRAY[2, 0], x -> 10 / x = 5)',
    'SELECT any_match(ARRAY[NULL, 1, 0], x -> 10 / x = 10), any_match(ARRAY[NULL, 2], x -> x = 1), all_match(ARRAY[NULL, 2], x -> x = 2), none_match(ARRAY[NULL, 2], x -> x = 1)',
    'SELECT any_match(ARRAY[], x -> true)',
    "SELECT any_match(ARRAY['1', 'x'], s -> CAST(s AS integer) = 1), all_match(ARRAY['2', 'x'], s -> CAST(s AS integer) = 1)",
    'SELECT n_name FROM nation WHERE all_match(ARRAY[n_nationkey, n_regionkey], k -> k > 1) AND none_match(ARRAY[n_name], s -> s LIKE \'%A%\') ORDER BY 1',
    'SELECT any_match(ARRAY[2147483647, 1], x -> x + 1 > 0)',
    'SELECT transform(ARRAY[1], (x, y) -> x)',
  ];
}

function nestedCases(): string[] {
  const arrays = ['ARRAY[ARRAY[1, 2], NULL, ARRAY[3, NULL]]', "ARRAY[ARRAY['a', 'ü'], ARRAY[CAST(NULL AS varchar)]]", 'ARRAY[ARRAY[1.5], ARRAY[2, 3.25]]', 'ARRAY[ARRAY[ARRAY[1e0, nan()]], NULL]', "ARRAY[ARRAY[DATE '2024-02-29'], ARRAY[true = false]]", 'CAST(NULL AS array(array(integer)))'];
  return [
    ...arrays.flatMap((a) => [`SELECT ${a}, cardinality(${a})`, `SELECT ${a}[1], element_at(${a}, -1), element_at(${a}, 9), cardinality(${a}[1])`]),
    'SELECT ARRAY[ARRAY[1, 2], ARRAY[3]][2][1], ARRAY[ARRAY[1, 2], ARRAY[3]][1][3]',
    'SELECT ARRAY[ARRAY[1, 2], ARRAY[3]][3]',
    'SELECT ARRAY[ARRAY[1], ARRAY[2.5]], ARRAY[ARRAY[1], NULL, ARRAY[BIGINT \'2\']]',
    "SELECT ARRAY[ARRAY[1], ARRAY['a']]",
    'SELECT ARRAY[ARRAY[1, 2], NULL, ARRAY[]]',
    'SELECT CAST(NULL AS array(array(varchar))), CAST(NULL AS array(array(array(bigint))))',
    'SELECT flatten(ARRAY[ARRAY[1, 2], NULL, ARRAY[3]]), flatten(ARRAY[ARRAY[CAST(NULL AS integer)], ARRAY[4]]), flatten(CAST(NULL AS array(array(integer))))',
    'SELECT flatten(ARRAY[ARRAY[ARRAY[1], ARRAY[2]], ARRAY[ARRAY[3]]]), flatten(ARRAY[CAST(NULL AS array(integer))])',
    'SELECT flatten(ARRAY[1, 2])',
    'SELECT cardinality(flatten(transform(sequence(1, 4), x -> sequence(1, x))))',
    'SELECT transform(ARRAY[ARRAY[1, 2], ARRAY[3], NULL], a -> cardinality(a)), filter(ARRAY[ARRAY[1, 2], ARRAY[3], NULL], a -> cardinality(a) > 1)',
    'SELECT transform(ARRAY[1, 2], x -> ARRAY[x, x * 10]), transform(ARRAY[ARRAY[1, 2]], a -> transform(a, x -> x + 1))',
    'SELECT slice(ARRAY[ARRAY[1], ARRAY[2], ARRAY[3]], 2, 2)',
    'SELECT contains(ARRAY[ARRAY[1]], ARRAY[1])',
    'SELECT array_sort(ARRAY[ARRAY[2], ARRAY[1]])',
    'SELECT ARRAY[ARRAY[1]] = ARRAY[ARRAY[1]]',
    'SELECT x, cardinality(x) FROM (VALUES ARRAY[ARRAY[1, 2]], ARRAY[NULL], NULL) t(x)',
    'SELECT a FROM UNNEST(ARRAY[ARRAY[1, 2], ARRAY[3], NULL]) t(a)',
    'SELECT a, n FROM UNNEST(ARRAY[ARRAY[\'x\'], ARRAY[]]) WITH ORDINALITY t(a, n)',
    'WITH r AS (SELECT n_regionkey, array_agg(n_name ORDER BY n_name) AS names FROM nation GROUP BY n_regionkey) SELECT n_regionkey, names, cardinality(names), names[1] FROM r ORDER BY 1',
    'WITH r AS (SELECT array_agg(n_nationkey ORDER BY n_nationkey) a FROM nation GROUP BY n_regionkey) SELECT array_agg(a ORDER BY a[1]) FROM r',
    'WITH r AS (SELECT array_agg(n_nationkey ORDER BY n_nationkey) a FROM nation GROUP BY n_regionkey) SELECT cardinality(flatten(array_agg(a))) FROM r',
    'WITH c(a) AS (SELECT ARRAY[ARRAY[1], ARRAY[2, 3]]) SELECT a, a[2], flatten(a) FROM c',
    'SELECT n_regionkey, array_agg(ARRAY[n_nationkey] ORDER BY n_nationkey) FROM nation WHERE n_nationkey < 7 GROUP BY n_regionkey ORDER BY 1',
    'SELECT count(a), count(*) FROM (SELECT array_agg(x) a FROM (VALUES 1, 2) t(x) GROUP BY x) s',
    'SELECT ARRAY[n_name] FROM nation UNION ALL SELECT ARRAY[r_name] FROM region',
    'SELECT ARRAY[n_name] FROM nation UNION SELECT ARRAY[r_name] FROM region',
    // Recursion is refused (Trino's depth limit and its errors are not modelled).
    'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT n FROM t',
  ];
}

const KEYS = '(VALUES (1, 1, 1.5, DATE \'2024-01-01\'), (2, 2, 2.0, DATE \'2024-01-03\'), (3, 4, NULL, DATE \'2024-01-31\'), (4, NULL, 2.25, NULL), (5, NULL, 9.5, DATE \'2024-02-29\'), (6, 7, -1.0, DATE \'2024-03-30\'), (7, 7, 2.0, DATE \'2024-01-03\')) t(i, x, m, d)';

function frameCases(): string[] {
  const frames = [
    'RANGE BETWEEN 2 PRECEDING AND CURRENT ROW', 'RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING', 'RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING', 'RANGE 2 PRECEDING',
    'RANGE BETWEEN 0 PRECEDING AND 0 FOLLOWING', 'RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING', 'RANGE BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING', 'RANGE BETWEEN 5 PRECEDING AND 2 PRECEDING',
    'GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW', 'GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING', 'GROUPS 2 PRECEDING', 'GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', 'GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING',
  ];
  const cases: string[] = [];
  for (const frame of frames) {
    for (const order of ['x', 'x DESC', 'x NULLS FIRST']) cases.push(`SELECT i, x, sum(x) OVER (ORDER BY ${order} ${frame}), count(*) OVER (ORDER BY ${order} ${frame}) FROM ${KEYS} ORDER BY i`);
  }
  return [
    ...cases,
    `SELECT i, m, sum(m) OVER (ORDER BY m RANGE BETWEEN 0.5 PRECEDING AND CURRENT ROW), count(*) OVER (ORDER BY m DESC RANGE BETWEEN 1 PRECEDING AND 0.25 FOLLOWING) FROM ${KEYS} ORDER BY i`,
    `SELECT i, d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '3' DAY PRECEDING AND CURRENT ROW), count(*) OVER (ORDER BY d DESC RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND INTERVAL '1' DAY FOLLOWING) FROM ${KEYS} ORDER BY i`,
    `SELECT i, d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1' MONTH PRECEDING AND CURRENT ROW), min(i) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND INTERVAL '1' YEAR FOLLOWING) FROM ${KEYS} ORDER BY i`,
    `SELECT i, x, first_value(i) OVER (PARTITION BY x > 2 ORDER BY x RANGE BETWEEN 3 PRECEDING AND CURRENT ROW), last_value(i) OVER (ORDER BY x GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM ${KEYS} ORDER BY i`,
    'SELECT o_orderdate, count(*) OVER (ORDER BY o_orderdate RANGE BETWEEN INTERVAL \'7\' DAY PRECEDING AND CURRENT ROW) FROM orders WHERE o_custkey < 20 ORDER BY o_orderkey',
    'SELECT l_orderkey, l_linenumber, sum(l_quantity) OVER (PARTITION BY l_orderkey ORDER BY l_linenumber RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM lineitem WHERE l_orderkey < 40 ORDER BY 1, 2',
    'SELECT n_nationkey, sum(n_nationkey) OVER (ORDER BY n_regionkey GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM nation ORDER BY 1',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES -2147483648, -2147483647, 0, 2147483647) t(x)',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 100 PRECEDING AND 100 FOLLOWING) FROM (VALUES TINYINT \'-128\', TINYINT \'0\', TINYINT \'127\') t(x)',
    'SELECT m, count(*) OVER (ORDER BY m RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING), count(*) OVER (ORDER BY m DESC RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM (VALUES 9.5, 8.0, -9.9) t(m)',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM (VALUES BIGINT \'9223372036854775807\', BIGINT \'0\') t(x)',
    "SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND INTERVAL '1' DAY FOLLOWING) FROM (VALUES DATE '9999-12-31', DATE '2024-01-01') t(d)",
    // Refused: other keys and offsets, and what Trino rejects.
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM (VALUES 1e0, 2e0, nan()) t(x)',
    `SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM ${KEYS}`,
    `SELECT sum(x) OVER (ORDER BY x, i RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM ${KEYS}`,
    `SELECT sum(x) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM ${KEYS}`,
    `SELECT sum(x) OVER (GROUPS 1 PRECEDING) FROM ${KEYS}`,
    `SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM ${KEYS}`,
  ];
}

export function arraysCorpus(): Case[] {
  return [...arrayAggCases(), ...sequenceCases(), ...lambdaCases(), ...nestedCases(), ...frameCases()].map((sql) => ({ sql }));
}
