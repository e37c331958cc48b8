/**
 * SQL shapes of the embedded-engine differential: IS [NOT] DISTINCT FROM, quantified
 * comparisons, aggregate FILTER, ROLLUP/CUBE/GROUPING SETS with grouping(), JOIN ... USING,
 * window frames, named windows and the offset and distribution window functions, and the TRIM
 * forms, each with nulls, empty inputs, duplicates, NaN and -0 where they matter.
 */
import type { Case } from './corpus.js';

const NUMBERS = "(VALUES (1, 10e0, 'a'), (2, nan(), 'b'), (2, -0e0, NULL), (3, CAST(NULL AS double), 'ü'), (CAST(NULL AS integer), 0e0, 'a')) t(k, d, s)";
const SERIES = '(VALUES (1, 5), (2, 3), (3, NULL), (4, 3), (5, 8), (6, -1)) t(i, v)';

function distinctCases(): string[] {
  const pairs = [
    ['1', '1'], ['1', '2'], ['1', 'NULL'], ['NULL', 'NULL'], ['CAST(NULL AS integer)', '1'], ['nan()', 'nan()'], ['nan()', '1e0'],
    ['0e0', '-0e0'], ["'a'", "'a'"], ["'a'", "'ü'"], ["''", 'NULL'], ['1', '1.0'], ['2147483647', '2147483647e0'],
    ["DATE '2024-02-29'", "DATE '2024-02-29'"], ['true', 'NULL'], ["X'00'", "X'0000'"], ["INTERVAL '1' MONTH", "INTERVAL '1' MONTH"],
  ];
  return [
    ...pairs.map(([a, b]) => `SELECT ${a} IS DISTINCT FROM ${b}, ${a} IS NOT DISTINCT FROM ${b}`),
    `SELECT k, d, d IS DISTINCT FROM 0e0, s IS NOT DISTINCT FROM 'a' FROM ${NUMBERS}`,
    'SELECT count(*) FROM nation a JOIN nation b ON a.n_regionkey IS NOT DISTINCT FROM b.n_regionkey',
    "SELECT n_name FROM nation WHERE n_regionkey IS DISTINCT FROM 1 AND n_name < 'C' ORDER BY 1",
    "SELECT 1 IS DISTINCT FROM 'a'",
  ];
}

function quantifiedCases(): string[] {
  const cases: string[] = [];
  for (const op of ['=', '<>', '<', '>=']) {
    for (const q of ['ANY', 'SOME', 'ALL']) {
      for (const list of ['VALUES 1, 2, 3', 'VALUES 1, NULL', 'SELECT 1 WHERE false', 'SELECT r_regionkey FROM region']) cases.push(`SELECT x, x ${op} ${q} (${list}) FROM (VALUES 0, 1, 2, 5, NULL) t(x)`);
    }
  }
  cases.push(
    "SELECT count(*) FROM orders WHERE o_totalprice > ALL (SELECT o_totalprice FROM orders WHERE o_orderpriority = '1-URGENT' AND o_orderkey < 100)",
    'SELECT n_name FROM nation WHERE n_regionkey = ANY (SELECT r_regionkey FROM region WHERE r_name LIKE \'A%\') ORDER BY 1',
    "SELECT 'b' < ALL (VALUES 'c', 'ü'), DATE '2024-01-01' = ANY (VALUES DATE '2024-01-01')",
    "SELECT 1 = ANY (VALUES 'a')",
    'SELECT 1e0 = ANY (VALUES 1e0)',
  );
  return cases;
}

function filterCases(): string[] {
  return [
    "SELECT l_shipmode, count(*) FILTER (WHERE l_returnflag = 'R'), sum(l_quantity) FILTER (WHERE l_discount > 0.05) FROM lineitem GROUP BY l_shipmode",
    `SELECT count(*) FILTER (WHERE k > 1), count(d) FILTER (WHERE s = 'a'), max(d) FILTER (WHERE k = 2), min(s) FILTER (WHERE d IS NULL), sum(k) FILTER (WHERE false), avg(k) FILTER (WHERE NULL) FROM ${NUMBERS}`,
    `SELECT count(DISTINCT k) FILTER (WHERE d IS NOT NULL), count_if(k > 1) FILTER (WHERE s IS NOT NULL), bool_and(k > 0) FILTER (WHERE k IS NOT NULL) FROM ${NUMBERS}`,
    'SELECT n_regionkey, count(*) FILTER (WHERE n_nationkey % 2 = 0), avg(n_nationkey) FILTER (WHERE n_name > \'J\') FROM nation GROUP BY n_regionkey ORDER BY 1',
    'SELECT sum(x) FILTER (WHERE x > 0) FROM (VALUES 1) t(x) WHERE false',
    "SELECT abs(1) FILTER (WHERE true)",
    'SELECT count(*) FILTER (WHERE n_regionkey = 1) OVER () FROM nation',
    'SELECT count(*) FILTER (WHERE 1) FROM nation',
  ];
}

function groupingCases(): string[] {
  return [
    'SELECT n_regionkey, count(*) FROM nation GROUP BY ROLLUP (n_regionkey) ORDER BY 1',
    'SELECT grouping(n_regionkey), n_regionkey, count(*) FROM nation GROUP BY ROLLUP (n_regionkey) ORDER BY 2',
    "SELECT o_orderstatus, o_orderpriority, grouping(o_orderstatus, o_orderpriority) AS g, count(*), sum(o_totalprice) FROM orders GROUP BY ROLLUP (o_orderstatus, o_orderpriority) ORDER BY 1, 2",
    'SELECT l_returnflag, l_linestatus, grouping(l_linestatus, l_returnflag), count(*) FROM lineitem GROUP BY CUBE (l_returnflag, l_linestatus) ORDER BY 1, 2',
    'SELECT n_regionkey, n_name < \'M\' AS early, count(*) FROM nation GROUP BY GROUPING SETS ((n_regionkey), (n_name < \'M\'), ()) ORDER BY 1, 2',
    'SELECT c_mktsegment, c_nationkey % 3 AS b, count(*) FROM customer GROUP BY c_mktsegment, ROLLUP (c_nationkey % 3) ORDER BY 1, 2',
    'SELECT k, s, count(*), grouping(k, s) FROM (VALUES (1, \'a\'), (1, NULL), (NULL, \'a\')) t(k, s) GROUP BY CUBE (k, s) ORDER BY 1, 2, 4',
    'SELECT k, count(*) FROM (VALUES 1) t(k) WHERE false GROUP BY ROLLUP (k)',
    'SELECT k, count(*) FROM (VALUES 1) t(k) WHERE false GROUP BY GROUPING SETS ((k), ())',
    'SELECT n_regionkey, grouping(n_regionkey) FROM nation GROUP BY n_regionkey ORDER BY 1',
    'SELECT r_name, count(*) FROM region GROUP BY GROUPING SETS ((r_name), (r_name)) ORDER BY 1',
    'SELECT n_regionkey, count(*) FROM nation GROUP BY ROLLUP (n_regionkey) HAVING grouping(n_regionkey) = 1',
  ];
}

function usingCases(): string[] {
  const a = "(VALUES (1, 'a'), (2, 'b'), (NULL, 'n')) a(k, x)";
  const b = "(VALUES (BIGINT '1', 'p'), (3, 'q'), (NULL, 'm')) b(k, y)";
  const cases = ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'].flatMap((join) => [`SELECT * FROM ${a} ${join} ${b} USING (k)`, `SELECT k, x, y FROM ${a} ${join} ${b} USING (k)`]);
  cases.push(
    'SELECT n_name, r_name FROM nation JOIN (SELECT r_regionkey AS n_regionkey, r_name FROM region) r USING (n_regionkey) ORDER BY 1',
    'SELECT * FROM region JOIN (SELECT r_regionkey, count(*) AS c FROM region GROUP BY r_regionkey) c USING (r_regionkey) ORDER BY 1',
    `SELECT a.* FROM ${a} JOIN ${b} USING (k)`,
    `SELECT * FROM ${a} JOIN ${b} USING (K)`,
    `SELECT a.k FROM ${a} JOIN ${b} USING (k)`,
    'SELECT * FROM (VALUES (1, 1)) a(k, k2) JOIN (VALUES (1, 1)) b(k, k2) USING (k2, k)',
    "SELECT * FROM (VALUES (1, 'a')) a(k, x) LEFT JOIN (VALUES (1, 'b')) b(k, y) USING (k) JOIN (VALUES 1) c(k) USING (k)",
    'SELECT * FROM (VALUES 1) a(k) JOIN (VALUES 1) b(k) USING (k, k)',
    'SELECT * FROM (VALUES 1) a(k) JOIN (VALUES \'x\') b(k) USING (k)',
    'SELECT * FROM nation JOIN region USING (n_regionkey)',
    'SELECT * FROM (VALUES nan(), -0e0, 1e0) a(d) JOIN (VALUES nan(), 0e0) b(d) USING (d)',
    'SELECT * FROM (VALUES 1) a(k) NATURAL JOIN (VALUES 1) b(k)',
  );
  return cases;
}

function windowCases(): string[] {
  const frames = [
    'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING', 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
    'ROWS 2 PRECEDING', 'ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING', 'ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING', 'ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING',
    'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING', 'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', 'RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
    'RANGE UNBOUNDED PRECEDING', 'ROWS BETWEEN 5 PRECEDING AND 2 PRECEDING',
  ];
  const cases = frames.map(
    (frame) => `SELECT i, v, sum(v) OVER (ORDER BY i ${frame}), count(v) OVER (ORDER BY i ${frame}), min(v) OVER (ORDER BY i ${frame}), first_value(v) OVER (ORDER BY i ${frame}), last_value(v) OVER (ORDER BY i ${frame}), nth_value(v, 2) OVER (ORDER BY i ${frame}) FROM ${SERIES} ORDER BY i`,
  );
  cases.push(
    `SELECT i, v, sum(v) OVER (ORDER BY v RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), count(*) OVER (ORDER BY v RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM ${SERIES} ORDER BY i`,
    `SELECT i, lag(v) OVER (ORDER BY i), lag(v, 2) OVER (ORDER BY i), lag(v, 0) OVER (ORDER BY i), lag(v, 1, -100) OVER (ORDER BY i), lead(v) OVER (ORDER BY i), lead(v, 3, 0) OVER (ORDER BY i), lead(v, 1, 1.5) OVER (ORDER BY i) FROM ${SERIES} ORDER BY i`,
    `SELECT i, ntile(4) OVER (ORDER BY i), ntile(1) OVER (ORDER BY i), ntile(10) OVER (ORDER BY i), percent_rank() OVER (ORDER BY v), cume_dist() OVER (ORDER BY v) FROM ${SERIES} ORDER BY i`,
    'SELECT n_name, lag(n_name) OVER (PARTITION BY n_regionkey ORDER BY n_name), lead(n_nationkey, 1, -1) OVER (PARTITION BY n_regionkey ORDER BY n_name), ntile(2) OVER (PARTITION BY n_regionkey ORDER BY n_name), percent_rank() OVER (PARTITION BY n_regionkey ORDER BY n_name), cume_dist() OVER (PARTITION BY n_regionkey ORDER BY n_name) FROM nation ORDER BY n_name',
    'SELECT n_name, first_value(n_name) OVER w, last_value(n_name) OVER w, nth_value(n_name, 3) OVER w, count(*) OVER w FROM nation WINDOW w AS (PARTITION BY n_regionkey ORDER BY n_name ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY n_name',
    'SELECT n_name, rank() OVER w, sum(n_nationkey) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM nation WINDOW w AS (PARTITION BY n_regionkey ORDER BY n_name) ORDER BY n_name',
    'SELECT n_name, row_number() OVER (w ORDER BY n_name DESC) FROM nation WINDOW w AS (PARTITION BY n_regionkey) ORDER BY n_name',
    'SELECT o_custkey, o_orderdate, sum(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderdate, o_orderkey ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM orders WHERE o_custkey < 20 ORDER BY o_custkey, o_orderdate, o_orderkey',
    'SELECT c_nationkey, c_custkey, avg(c_acctbal) OVER (PARTITION BY c_nationkey ORDER BY c_custkey ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM customer WHERE c_custkey < 200 ORDER BY 1, 2',
    'SELECT x, first_value(x) OVER (ORDER BY y), last_value(x) OVER (ORDER BY y), lag(x) OVER (ORDER BY y) FROM (VALUES (nan(), 1), (-0e0, 2), (NULL, 3), (1e0, 4)) t(x, y) ORDER BY y',
    "SELECT s, lag(s, 1, 'none') OVER (ORDER BY s), first_value(s) OVER (ORDER BY s DESC) FROM (VALUES 'ü', 'a', '日本', '') t(s) ORDER BY s",
    'SELECT rank() OVER w FROM nation',
    'SELECT rank() OVER w FROM nation WINDOW w AS (ORDER BY n_name), w AS (ORDER BY n_name)',
    'SELECT lag(n_name, -1) OVER (ORDER BY n_name) FROM nation',
    'SELECT ntile(0) OVER (ORDER BY n_name) FROM nation',
    'SELECT nth_value(n_name, 0) OVER (ORDER BY n_name) FROM nation',
    'SELECT lag(n_name) FROM nation',
    'SELECT sum(n_nationkey) OVER (ORDER BY n_nationkey RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM nation',
    'SELECT sum(n_nationkey) OVER (ORDER BY n_nationkey ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM nation',
    'SELECT sum(n_nationkey) OVER (ORDER BY n_nationkey GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM nation',
  );
  return cases;
}

function trimCases(): string[] {
  const values = ["'abcba'", "'  x  '", "''", "'xxaxx'", "'ünü'", 'CAST(NULL AS varchar)', "'\taa\t'"];
  const cases = values.flatMap((v) => [
    `SELECT trim(BOTH 'ab' FROM ${v}), trim(LEADING 'ab' FROM ${v}), trim(TRAILING 'ab' FROM ${v}), trim('ab' FROM ${v})`,
    `SELECT trim(BOTH FROM ${v}), trim(LEADING FROM ${v}), trim(TRAILING FROM ${v}), trim(FROM ${v})`,
    `SELECT trim(${v}, 'xü'), ltrim(${v}, ' '), rtrim(${v}, ''), trim(${v}, CAST(NULL AS varchar))`,
  ]);
  cases.push("SELECT trim(BOTH 'ab' FROM n_name) FROM nation ORDER BY 1", 'SELECT trim(BOTH 1 FROM n_name) FROM nation');
  return cases;
}

function textCastCases(): string[] {
  // Texts Java and DuckDB read alike, texts Trino rejects, and texts only Java reads (refused: Unicode digits, suffixes, hexadecimal).
  const texts = [
    '12', ' 12', '12 ', '\t5', '+12', '-0', '012', '-2147483648', '2147483648', '-129', '32767', '9223372036854775807', '9223372036854775808', '1e2', '1.0',
    '', '+', '-', '1 2', 'abc', 'true', 'TRUE', 'tRuE', 't', 'F', '1', '0', 'yes', ' false', 'NaN', 'nan', '-NaN', 'Infinity', '+Infinity', ' -Infinity ', 'inf',
    '1.5', '.5', '5.', '-.5e-3', '1E+2', '1e', '2.2250738585072014e-308', '0.1', '123456789012345678901234567890',
    '٣', '1d', '0x10', 'ü', '1e400',
  ];
  const literal = (t: string): string => `'${t.replace(/'/g, "''")}'`;
  const types = ['tinyint', 'smallint', 'integer', 'bigint', 'double', 'boolean'];
  // Texts Java reads and the translation refuses are kept out of the multi-row statements, which they would refuse whole.
  const javaOnly = new Set(['٣', '1d', '0x10', 'ü', '1 2', '1e']);
  const decided = texts.filter((t) => !javaOnly.has(t));
  const failing = ['abc', '', '+', '1 2', '9223372036854775808', '1e2', 'yes', ' false', 'nan', '1e', '٣', '1d', '0x10', 'ü'];
  return [
    ...types.map((type) => `SELECT s, try_cast(s AS ${type}), TRY_CAST(s AS ${type}) IS NULL FROM (VALUES ${decided.map(literal).join(', ')}, CAST(NULL AS varchar)) t(s)`),
    // One statement per failing text (the multi-row statements above hold the values): Trino's error, or the refusal.
    ...['bigint', 'double', 'boolean'].flatMap((type) => failing.map((t) => `SELECT CAST(${literal(t)} AS ${type})`)),
    "SELECT CAST(n_nationkey AS varchar) || '0' AS t, CAST(CAST(n_nationkey AS varchar) || '0' AS integer) FROM nation ORDER BY 2",
    "SELECT sum(CAST(substr(c_phone, 1, 2) AS integer)), count(*) FILTER (WHERE CAST(substr(c_phone, 1, 2) AS double) > 20) FROM customer",
  ];
}

/** Argument lists of the array functions, for the corpus's one-statement-per-mapped-function check (more in arrayCases). */
export const ARRAY_FUNCTION_ARGUMENTS: Record<string, string[]> = {
  cardinality: ['ARRAY[1, NULL, 3]', "ARRAY['']"],
  element_at: ['ARRAY[1, 2], 2', "ARRAY['x'], -1"],
  contains: ['ARRAY[1, 2], 2', "ARRAY['x', NULL], 'y'"],
  array_join: ["ARRAY['x', 'y'], '+'", "ARRAY[7, NULL], '', '?'"],
  array_sort: ['ARRAY[2, 1, 2]', "ARRAY['z', NULL, 'y']"],
  slice: ['ARRAY[1, 2, 3], 2, 5', "ARRAY['a', 'b'], -1, 1"],
};

function arrayCases(): string[] {
  const arrays = ['ARRAY[1, 2, NULL]', 'ARRAY[3, 1, 3]', "ARRAY['a', 'bcd', 'ü', '日本']", 'ARRAY[1, 2.5]', 'ARRAY[1e0, nan(), -0e0, infinity()]', "ARRAY[DATE '2024-02-29']", 'ARRAY[true, NULL]', 'ARRAY[CAST(NULL AS integer)]', 'CAST(NULL AS array(integer))'];
  const cases = arrays.flatMap((a) => [`SELECT ${a}, cardinality(${a})`, `SELECT element_at(${a}, 1), element_at(${a}, -1), element_at(${a}, 5), element_at(${a}, -5), element_at(${a}, NULL)`]);
  for (const index of ['1', '3', '4', '0', '-1', 'NULL', 'BIGINT \'2\'']) cases.push(`SELECT ARRAY[10, 20, 30][${index}]`);
  cases.push(
    'SELECT ARRAY[]', 'SELECT ARRAY[NULL]', "SELECT ARRAY[1, 'a']", 'SELECT ARRAY[ARRAY[1]]', "SELECT ARRAY[1][1.5]", 'SELECT element_at(ARRAY[1, 2, 3], 0)',
    'SELECT ARRAY[n_nationkey, n_regionkey] FROM nation ORDER BY n_nationkey LIMIT 3',
    'SELECT ARRAY[n_name, r_name][2], cardinality(ARRAY[n_name]) FROM nation JOIN region ON n_regionkey = r_regionkey ORDER BY n_name LIMIT 5',
    'SELECT x[2] FROM (VALUES ARRAY[1, 2], ARRAY[3]) t(x)',
    'SELECT x FROM (VALUES ARRAY[1, 2], ARRAY[3, NULL], NULL) t(x)',
    'SELECT ARRAY[1] = ARRAY[1]',
    'SELECT ARRAY[1] IN (ARRAY[1])',
  );
  for (const [a, x] of [['ARRAY[1, NULL]', '2'], ['ARRAY[1, NULL]', '1'], ['ARRAY[1]', 'NULL'], ['ARRAY[1, 2]', '2.0'], ["ARRAY['a', 'ü']", "'ü'"], ["ARRAY['a']", "'A'"], ['CAST(NULL AS array(integer))', '1'], ['ARRAY[1e0, nan()]', 'nan()'], ["ARRAY[DATE '2024-02-29']", "DATE '2024-02-29'"]]) {
    cases.push(`SELECT contains(${a}, ${x})`);
  }
  cases.push(
    "SELECT array_join(ARRAY[1, NULL, 3], ','), array_join(ARRAY['a', NULL], '-', 'x'), array_join(ARRAY['ü', '日本', ''], ''), array_join(CAST(NULL AS array(integer)), ',')",
    "SELECT array_join(ARRAY[1, 2], CAST(NULL AS varchar)), array_join(ARRAY[NULL, NULL, 5], ', ', 'n')",
    "SELECT array_join(ARRAY[1.5, 2], ';')",
    "SELECT array_sort(ARRAY[3, NULL, 1, 2]), array_sort(ARRAY['b', 'a', 'ü', 'B', '']), array_sort(ARRAY[DATE '2024-02-29', DATE '1970-01-01']), array_sort(ARRAY[true, false, NULL])",
    'SELECT array_sort(ARRAY[2e0, nan(), -0e0])',
  );
  cases.push(
    'SELECT * FROM UNNEST(ARRAY[1, 2, NULL])',
    'SELECT * FROM UNNEST(ARRAY[3, 1, 3]) AS t',
    "SELECT * FROM UNNEST(ARRAY['a', 'ü', NULL]) WITH ORDINALITY AS t(x, n)",
    'SELECT x, n FROM UNNEST(ARRAY[2.5, 1]) WITH ORDINALITY t(x, n) ORDER BY n DESC',
    'SELECT * FROM UNNEST(CAST(NULL AS array(integer))) t(x)',
    'SELECT count(*), sum(x) FROM UNNEST(ARRAY[1, 2, 3]) t(x)',
    'SELECT n_name, x FROM nation CROSS JOIN UNNEST(ARRAY[n_nationkey, n_regionkey]) AS t(x) WHERE n_nationkey < 3 ORDER BY n_name, x',
    'SELECT n_name, x, i FROM nation, UNNEST(ARRAY[n_name, n_comment]) WITH ORDINALITY u(x, i) WHERE n_nationkey = 1',
    'SELECT r_name, x FROM region JOIN UNNEST(ARRAY[r_regionkey, 7]) t(x) ON x = r_regionkey ORDER BY 1',
    'SELECT s, count(*) FROM (VALUES ARRAY[1, 2], ARRAY[2], NULL) v(a) CROSS JOIN UNNEST(a) t(s) GROUP BY s ORDER BY s',
    'SELECT n_name, x FROM nation LEFT JOIN UNNEST(ARRAY[1]) AS t(x) ON true',
    'SELECT n_name, x FROM nation JOIN UNNEST(ARRAY[1]) AS t(x) ON true WHERE n_nationkey < 2',
    'SELECT * FROM UNNEST(ARRAY[1], ARRAY[2, 3])',
    'SELECT * FROM UNNEST(1)',
  );
  const lambdaArrays = ['ARRAY[1, NULL, 3]', 'ARRAY[-2, 0]', 'ARRAY[CAST(NULL AS integer)]', 'CAST(NULL AS array(integer))', 'ARRAY[5]'];
  for (const a of lambdaArrays) {
    cases.push(
      `SELECT transform(${a}, x -> x * 2), transform(${a}, x -> x > 0), transform(${a}, x -> coalesce(x, -1) / 2), filter(${a}, x -> x > 0), filter(${a}, x -> x IS NULL)`,
      `SELECT any_match(${a}, x -> x > 0), all_match(${a}, x -> x > 0), none_match(${a}, x -> x > 0), any_match(${a}, x -> x IS NULL), all_match(${a}, x -> x IS NOT NULL)`,
    );
  }
  cases.push(
    "SELECT transform(ARRAY['a', 'ü', NULL], s -> upper(s) || '!'), filter(ARRAY['ab', '', 'c'], s -> length(s) > 0), transform(ARRAY[1.5, 2], d -> d * 2)",
    'SELECT n_name, transform(ARRAY[n_nationkey, n_regionkey], x -> x + n_regionkey) FROM nation WHERE n_nationkey < 4 ORDER BY n_name',
    'SELECT n_name FROM nation WHERE any_match(ARRAY[n_nationkey, n_regionkey], k -> k = 3) ORDER BY 1',
    'SELECT transform(ARRAY[2147483647], x -> x + 1)',
    'SELECT transform(ARRAY[1, 0], x -> 10 / x)',
    'SELECT transform(ARRAY[1], x -> NULL)',
    'SELECT filter(ARRAY[1], x -> 1)',
    'SELECT transform(ARRAY[1], (x, y) -> x)',
    'SELECT zip_with(ARRAY[1], ARRAY[2], (x, y) -> x + y)',
    'SELECT reduce(ARRAY[1, 2], 0, (s, x) -> s + x, s -> s)',
    'SELECT cardinality(filter(ARRAY[1, 2, 3], x -> x > n_regionkey)) FROM nation ORDER BY n_nationkey LIMIT 5',
    'SELECT transform(transform(ARRAY[1, 2], x -> x + 1), y -> y * y)',
  );
  for (const [start, length] of [['2', '2'], ['-2', '5'], ['5', '1'], ['1', '0'], ['-4', '2'], ['-5', '2'], ['0', '1'], ['1', '-1'], ['NULL', '1'], ['2', '9223372036854775807']]) {
    cases.push(`SELECT slice(ARRAY[1, 2, 3, 4], ${start}, ${length})`);
  }
  return cases;
}

export function shapesCorpus(): Case[] {
  return [...distinctCases(), ...quantifiedCases(), ...filterCases(), ...groupingCases(), ...usingCases(), ...windowCases(), ...trimCases(), ...textCastCases(), ...arrayCases()].map((sql) => ({
    sql,
    // Sums of doubles whose last bits depend on the order of addition.
    ...(/o_totalprice|c_acctbal/.test(sql) ? { floatOrder: true } : {}),
  }));
}
