/**
 * Maps and rows of the embedded-engine differential: constructors (null, duplicate and unicode keys,
 * nested values, lengths that differ), subscripts (a missing key fails), element_at, map_keys,
 * map_values, cardinality, map_concat (Trino's order of entries), map_agg (its maps compared as
 * sets of entries: Trino orders them by its hash table), the lambda functions map_filter,
 * transform_values and transform_keys, maps over the TPC-H tables, and the refusals (comparing,
 * grouping and DISTINCT over maps, keys of types not modelled); rows: constructors, casts to named
 * rows (field by field, with Trino's cast errors), field references and subscripts (Trino's errors
 * for a bad index or name), rows in arrays, maps, lambdas and VALUES, map_entries and
 * map_from_entries (null entries and keys, duplicates); arrays Trino types array(unknown),
 * array_distinct and UNNEST of several arrays.
 */
import type { Case } from './corpus.js';

/** Argument lists of the scalar array functions added here, for the corpus's one-statement-per-mapped-function check. */
export const STRUCT_FUNCTION_ARGUMENTS: Record<string, string[]> = {
  array_distinct: [
    'ARRAY[2, NULL, 1, 2, NULL, 3, 1]', 'ARRAY[NULL, NULL]', 'ARRAY[]', "ARRAY['b', 'a', 'b', 'é', 'é', '']", 'ARRAY[1.50, 1.5, 2.0]', 'ARRAY[true, false, true, NULL]',
    "ARRAY[DATE '2024-02-29', DATE '2024-02-29', NULL]", 'CAST(NULL AS array(integer))', 'ARRAY[1e0, 1e0]', 'ARRAY[ARRAY[1], ARRAY[1]]',
  ],
};

const KV = "(VALUES (1, 'a', 10), (2, 'b', NULL), (3, 'é', 30), (NULL, 'x', 40)) t(k, s, v)";

function mapConstructorCases(): string[] {
  return [
    "SELECT MAP(ARRAY['b', 'a', 'c', 'aa', 'zz', 'x1'], ARRAY[1, 2, 3, 4, 5, 6])",
    "SELECT MAP(ARRAY[3, 1, 2, 100, 17, -5], ARRAY['x', 'y', 'z', 'w', 'v', 'u'])",
    'SELECT map()',
    'SELECT MAP(ARRAY[1.50, 2], ARRAY[1, 2]), MAP(ARRAY[true, false], ARRAY[1, 2])',
    "SELECT MAP(ARRAY[DATE '2024-02-29', DATE '1970-01-01'], ARRAY[1, 2])",
    "SELECT MAP(ARRAY[BIGINT '9223372036854775807', -9223372036854775807], ARRAY['max', 'min'])",
    "SELECT MAP(ARRAY[TINYINT '1', SMALLINT '2'], ARRAY[1e0, -0e0])",
    "SELECT MAP(ARRAY['é', 'ü', '日本', '', ' '], ARRAY[1, 2, 3, 4, 5])",
    "SELECT MAP(ARRAY['a\"b', 'c\\d'], ARRAY[1, 2])",
    'SELECT MAP(ARRAY[1, 2], ARRAY[NULL, 5]), MAP(ARRAY[1], ARRAY[CAST(NULL AS varchar)])',
    'SELECT MAP(ARRAY[1, 2], ARRAY[ARRAY[1, NULL], NULL]), MAP(ARRAY[1], ARRAY[ARRAY[ARRAY[2]]])',
    "SELECT MAP(ARRAY[1, 2], ARRAY[DATE '2024-01-01', NULL]), MAP(ARRAY['x'], ARRAY[2.5]), MAP(ARRAY['t'], ARRAY[true])",
    'SELECT MAP(CAST(ARRAY[] AS array(integer)), CAST(ARRAY[] AS array(varchar)))',
    'SELECT MAP(ARRAY[1, 1], ARRAY[\'a\', \'b\'])',
    'SELECT MAP(ARRAY[1, 2, 2, 1], ARRAY[1, 2, 3, 4])',
    "SELECT MAP(ARRAY['a', 'b', 'a'], ARRAY[1, 2, 3])",
    "SELECT MAP(ARRAY['é', 'é'], ARRAY[1, 2])",
    "SELECT MAP(ARRAY[DATE '2024-01-01', DATE '2024-01-01'], ARRAY[1, 2])",
    'SELECT MAP(ARRAY[1.5, 1.50], ARRAY[1, 2])',
    'SELECT MAP(ARRAY[true, true], ARRAY[1, 2])',
    "SELECT MAP(ARRAY[1, NULL], ARRAY['a', 'b'])",
    'SELECT MAP(ARRAY[1, 1, NULL], ARRAY[1, 2, 3])',
    "SELECT MAP(ARRAY[CAST(NULL AS varchar)], ARRAY[1])",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a'])",
    "SELECT MAP(ARRAY[1, 1], ARRAY['a'])",
    'SELECT MAP(ARRAY[1], ARRAY[1, 2, 3])',
    'SELECT CAST(NULL AS map(integer, varchar)), CAST(NULL AS map(varchar, array(integer)))',
    'SELECT MAP(CAST(NULL AS array(integer)), ARRAY[1]), MAP(ARRAY[1], CAST(NULL AS array(integer)))',
    'SELECT MAP(ARRAY[1, 2], ARRAY[3, 4]) IS NULL, MAP(CAST(NULL AS array(integer)), ARRAY[1]) IS NULL',
    'SELECT MAP(ARRAY[x], ARRAY[x * 2]) FROM (VALUES 1, 2, NULL) t(x)',
    'SELECT MAP(ARRAY[x, 2], ARRAY[1, 2]) FROM (VALUES 1, 2, 3) t(x) ORDER BY x',
    'SELECT MAP(a, b) FROM (VALUES (ARRAY[1, 2], ARRAY[10, 20]), (ARRAY[3], ARRAY[30, 40]), (NULL, ARRAY[1])) t(a, b) WHERE cardinality(a) = 2 OR a IS NULL',
    'SELECT n_nationkey, MAP(ARRAY[n_name, \'region\'], ARRAY[n_comment, CAST(n_regionkey AS varchar)]) FROM nation WHERE n_nationkey < 4 ORDER BY n_nationkey',
    "SELECT MAP(ARRAY['a'], ARRAY[MAP(ARRAY[1], ARRAY[2])])",
  ];
}

function mapAccessCases(): string[] {
  return [
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])[2], MAP(ARRAY[1, 2], ARRAY['a', NULL])[2]",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])[3]",
    "SELECT MAP(ARRAY['k'], ARRAY['a'])['zz']",
    "SELECT MAP(ARRAY['é'], ARRAY['a'])['é'], MAP(ARRAY['é'], ARRAY['a'])['e']",
    "SELECT MAP(ARRAY[DATE '2024-02-29'], ARRAY['leap'])[DATE '2024-02-29'], MAP(ARRAY[DATE '2024-02-29'], ARRAY['leap'])[DATE '2024-03-01']",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])[NULL], MAP(ARRAY[1, 2], ARRAY['a', 'b'])[CAST(NULL AS integer)]",
    "SELECT CAST(NULL AS map(integer, varchar))[1]",
    "SELECT MAP(ARRAY[1.50], ARRAY['x'])[1.50], MAP(ARRAY[true], ARRAY['t'])[false]",
    "SELECT MAP(ARRAY['ab'], ARRAY[1])['ab'], MAP(ARRAY['a', 'bb'], ARRAY[1, 2])['bb']",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])['1']",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])[DATE '2024-01-01']",
    "SELECT MAP(ARRAY[1, 2], ARRAY['a', 'b'])[BIGINT '1']",
    "SELECT MAP(ARRAY[1, 2], ARRAY[ARRAY[1, 2], ARRAY[3]])[1][2], MAP(ARRAY['a'], ARRAY[MAP(ARRAY[1], ARRAY['deep'])])['a'][1]",
    'SELECT x, MAP(ARRAY[1, 2], ARRAY[10, 20])[x] FROM (VALUES 1, 2) t(x) ORDER BY x',
    'SELECT x, MAP(ARRAY[1, 2], ARRAY[10, 20])[x] FROM (VALUES 1, 2, 3) t(x)',
    "SELECT element_at(MAP(ARRAY[1, 2], ARRAY['a', 'b']), 3), element_at(MAP(ARRAY[1, 2], ARRAY['a', 'b']), 1), element_at(MAP(ARRAY[1, 2], ARRAY['a', 'b']), NULL)",
    "SELECT element_at(MAP(ARRAY['x', 'y'], ARRAY[ARRAY[1], NULL]), 'y'), element_at(CAST(NULL AS map(varchar, integer)), 'x'), element_at(map(), 1)",
    "SELECT element_at(MAP(ARRAY[1], ARRAY['a']), 'a')",
    "SELECT element_at(MAP(ARRAY[1], ARRAY['a']), BIGINT '1')",
    'SELECT x, element_at(MAP(ARRAY[1, 2], ARRAY[10, 20]), x) FROM (VALUES 1, 2, 3, NULL) t(x)',
    "SELECT map_keys(MAP(ARRAY[2, 1], ARRAY['a', 'b'])), map_values(MAP(ARRAY[2, 1], ARRAY['a', NULL]))",
    "SELECT map_keys(map()), map_values(map()), map_keys(CAST(NULL AS map(integer, integer))), map_values(CAST(NULL AS map(integer, integer)))",
    "SELECT map_keys(MAP(ARRAY['é', 'a'], ARRAY[ARRAY[1], ARRAY[2, 3]])), map_values(MAP(ARRAY['é', 'a'], ARRAY[ARRAY[1], ARRAY[2, 3]]))",
    "SELECT map_values(MAP(ARRAY['a'], ARRAY[MAP(ARRAY[1], ARRAY[2])]))",
    "SELECT cardinality(MAP(ARRAY[2, 1], ARRAY['a', 'b'])), cardinality(map()), cardinality(CAST(NULL AS map(integer, integer))), cardinality(MAP(ARRAY[1], ARRAY[NULL]))",
    "SELECT map_keys(MAP(ARRAY[n_name], ARRAY[n_nationkey]))[1], cardinality(MAP(ARRAY[n_name, n_comment], ARRAY[1, 2])) FROM nation WHERE n_nationkey IN (0, 5)",
    "SELECT contains(map_keys(MAP(ARRAY['a', 'b'], ARRAY[1, 2])), 'b'), array_sort(map_values(MAP(ARRAY['a', 'b', 'c'], ARRAY[3, 1, 2])))",
  ];
}

/** Maps inside arrays, subqueries, CTEs and aggregates. */
function nestedMapCases(): string[] {
  return [
    "SELECT ARRAY[MAP(ARRAY[1], ARRAY['a']), NULL, MAP(ARRAY[2, 3], ARRAY['b', NULL])]",
    "SELECT ARRAY[MAP(ARRAY[1], ARRAY['a'])][1][1], cardinality(ARRAY[map(), MAP(ARRAY[1], ARRAY[2])])",
    "SELECT transform(ARRAY[1, 2], x -> MAP(ARRAY[x], ARRAY[x * 10])), filter(ARRAY[MAP(ARRAY[1], ARRAY[1]), MAP(ARRAY[2], ARRAY[2])], m -> element_at(m, 1) IS NOT NULL)",
    "SELECT m FROM UNNEST(ARRAY[MAP(ARRAY['x'], ARRAY[1]), MAP(ARRAY['y', 'z'], ARRAY[2, 3])]) t(m)",
    "WITH t(m) AS (SELECT MAP(ARRAY[n_regionkey], ARRAY[n_name]) FROM nation WHERE n_nationkey < 3) SELECT m, m[1], element_at(m, 0) FROM t WHERE cardinality(m) = 1 AND element_at(m, 1) = 'ARGENTINA'",
    "SELECT array_agg(MAP(ARRAY[r_regionkey], ARRAY[r_name]) ORDER BY r_regionkey) FROM region",
    "SELECT (SELECT MAP(ARRAY['k'], ARRAY[1]))['k']",
    "SELECT MAP(ARRAY['a', 'b'], ARRAY[ARRAY[MAP(ARRAY[1], ARRAY[NULL])], NULL])",
    "SELECT coalesce(CAST(NULL AS map(integer, varchar)), MAP(ARRAY[1], ARRAY['x'])), CASE WHEN true THEN MAP(ARRAY[1], ARRAY['ab']) ELSE MAP(ARRAY[2], ARRAY['c']) END",
    "SELECT if(false, MAP(ARRAY[1], ARRAY[1]), map())",
  ];
}

function mapConcatCases(): string[] {
  return [
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']), MAP(ARRAY[3, 2], ARRAY['x', 'y']))",
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']), MAP(ARRAY[3, 2], ARRAY['x', 'y']), MAP(ARRAY[4, 1], ARRAY['p', 'q']))",
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']), MAP(ARRAY[5, 6], ARRAY['c', 'd']), MAP(ARRAY[2, 7], ARRAY['e', 'f']))",
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']), NULL), map_concat(NULL, MAP(ARRAY[1], ARRAY['a']))",
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']), CAST(NULL AS map(integer, varchar)))",
    "SELECT map_concat(map(), MAP(ARRAY[1, 2], ARRAY['a', 'b'])), map_concat(MAP(ARRAY[1], ARRAY[2]), map())",
    "SELECT map_concat(MAP(ARRAY['a'], ARRAY[1]), MAP(ARRAY['bb'], ARRAY[2.5]))",
    "SELECT map_concat(MAP(ARRAY['é'], ARRAY[NULL]), MAP(ARRAY['é'], ARRAY[1]))",
    "SELECT map_concat(MAP(ARRAY[1, 2], ARRAY['a', 'b']))",
    "SELECT map_concat(MAP(ARRAY[1], ARRAY['a']), MAP(ARRAY['x'], ARRAY['b']))",
    "SELECT map_concat(MAP(ARRAY[1], ARRAY[ARRAY[1]]), MAP(ARRAY[1], ARRAY[ARRAY[2, NULL]]))",
  ];
}

function mapAggCases(): Case[] {
  const unordered = [
    `SELECT map_agg(k, s) FROM ${KV}`,
    `SELECT map_agg(s, v) FROM ${KV}`,
    `SELECT map_agg(k, v) FROM ${KV} WHERE false`,
    `SELECT map_agg(k, s) FILTER (WHERE v IS NOT NULL) FROM ${KV}`,
    `SELECT map_agg(k, s) FILTER (WHERE false) FROM ${KV}`,
    'SELECT map_agg(n_nationkey, n_name) FILTER (WHERE n_regionkey = 1) FROM nation',
    'SELECT n_regionkey, map_agg(n_name, n_nationkey) FROM nation GROUP BY n_regionkey ORDER BY 1',
    'SELECT map_agg(r_name, r_regionkey) FROM region',
    "SELECT map_agg(d, x) FROM (VALUES (DATE '2024-02-29', ARRAY[1]), (DATE '1999-12-31', NULL)) t(d, x)",
    'SELECT map_agg(o_orderkey, o_totalprice) FROM orders WHERE o_custkey = 1',
    'SELECT cardinality(map_agg(l_orderkey * 10 + l_linenumber, l_quantity)) FROM lineitem',
  ].map((sql) => ({ sql, unorderedMap: true }));
  const others = [
    'SELECT map_agg(n_regionkey, n_name) FROM nation',
    'SELECT map_agg(k, v) FROM (VALUES (1, 1), (1, 1)) t(k, v)',
    'SELECT map_agg(k, v) OVER () FROM (VALUES (1, 1)) t(k, v)',
    'SELECT map_agg(x, x) FROM (VALUES 1e0) t(x)',
    'SELECT map_agg(k) FROM (VALUES 1) t(k)',
  ].map((sql) => ({ sql }));
  return [...unordered, ...others];
}

function mapLambdaCases(): string[] {
  return [
    "SELECT map_filter(MAP(ARRAY[3, 1, 2], ARRAY['a', 'b', NULL]), (k, v) -> v IS NOT NULL)",
    'SELECT map_filter(MAP(ARRAY[1, 2, 3], ARRAY[10, 20, 30]), (k, v) -> k > 1 AND v < 30), map_filter(MAP(ARRAY[1], ARRAY[1]), (k, v) -> false)',
    'SELECT map_filter(MAP(ARRAY[1, 2], ARRAY[NULL, 2]), (k, v) -> v > 1), map_filter(CAST(NULL AS map(integer, integer)), (k, v) -> true)',
    "SELECT map_filter(MAP(ARRAY['é', 'b'], ARRAY[1, 2]), (k, v) -> k = 'é')",
    'SELECT map_filter(MAP(ARRAY[1, 2], ARRAY[0, 1]), (k, v) -> k / v > 0)',
    'SELECT map_filter(MAP(ARRAY[1], ARRAY[1]), (k, v) -> v)',
    'SELECT map_filter(MAP(ARRAY[1], ARRAY[1]), k -> true)',
    'SELECT transform_values(MAP(ARRAY[3, 1], ARRAY[1, 2]), (k, v) -> k * v), transform_values(MAP(ARRAY[3, 1], ARRAY[1, 2]), (k, v) -> CAST(v AS varchar) || \'!\')',
    'SELECT transform_values(MAP(ARRAY[1, 2], ARRAY[NULL, 2]), (k, v) -> v + 1), transform_values(map(), (k, v) -> 1)',
    "SELECT transform_values(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> MAP(ARRAY[k], ARRAY[v])), transform_values(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> ARRAY[v, v])",
    'SELECT transform_values(MAP(ARRAY[1, 2], ARRAY[0, 1]), (k, v) -> k / v)',
    'SELECT transform_values(MAP(ARRAY[1], ARRAY[2147483647]), (k, v) -> v + 1)',
    'SELECT transform_values(CAST(NULL AS map(integer, integer)), (k, v) -> v)',
    'SELECT transform_keys(MAP(ARRAY[3, 1], ARRAY[1, 2]), (k, v) -> k + v), transform_keys(MAP(ARRAY[\'a\', \'b\'], ARRAY[1, 2]), (k, v) -> upper(k))',
    'SELECT transform_keys(MAP(ARRAY[3, 1], ARRAY[1, 3]), (k, v) -> k + v)',
    'SELECT transform_keys(MAP(ARRAY[3, 1], ARRAY[1, 3]), (k, v) -> NULLIF(k, 3))',
    'SELECT transform_keys(MAP(ARRAY[1, 2, 3], ARRAY[1, 1, 0]), (k, v) -> IF(k = 3, NULL, v))',
    'SELECT transform_keys(MAP(ARRAY[1, 2], ARRAY[5, 6]), (k, v) -> v), transform_keys(map(), (k, v) -> 1), transform_keys(CAST(NULL AS map(integer, integer)), (k, v) -> k)',
    "SELECT transform_keys(MAP(ARRAY[1, 2], ARRAY['a', 'b']), (k, v) -> date_add('day', k, DATE '2024-02-28'))",
    "SELECT transform_keys(MAP(ARRAY['a'], ARRAY[1]), (k, v) -> 1e0)",
    'SELECT n_regionkey, transform_values(MAP(ARRAY[n_regionkey], ARRAY[n_name]), (k, v) -> lower(v)) FROM nation WHERE n_nationkey < 3 ORDER BY n_nationkey',
    'SELECT map_filter(MAP(ARRAY[1, 2, 3], ARRAY[10, 20, 30]), (k, v) -> k IN (SELECT 2))',
  ];
}

function mapRefusalCases(): string[] {
  return [
    'SELECT MAP(ARRAY[1], ARRAY[1]) = MAP(ARRAY[1], ARRAY[1])',
    'SELECT DISTINCT MAP(ARRAY[1], ARRAY[2])',
    'SELECT m FROM (VALUES MAP(ARRAY[1], ARRAY[2])) t(m) GROUP BY m',
    'SELECT m FROM (VALUES MAP(ARRAY[1], ARRAY[2])) t(m) GROUP BY 1',
    'SELECT MAP(ARRAY[1], ARRAY[2]) UNION SELECT MAP(ARRAY[1], ARRAY[2])',
    'SELECT MAP(ARRAY[1], ARRAY[2]) UNION ALL SELECT MAP(ARRAY[2, 1], ARRAY[3, 2])',
    'SELECT m FROM (VALUES MAP(ARRAY[1], ARRAY[2])) t(m) ORDER BY m',
    'SELECT MAP(ARRAY[1e0], ARRAY[2])',
    'SELECT MAP(ARRAY[ARRAY[1]], ARRAY[2])',
    'SELECT ARRAY[MAP(ARRAY[1], ARRAY[2])]',
    'SELECT MAP(NULL, ARRAY[1])',
    'SELECT CAST(MAP(ARRAY[1], ARRAY[2]) AS map(bigint, bigint))',
  ];
}

function rowCases(): string[] {
  return [
    "SELECT ROW(1, 'a'), (1, 2.5), ROW(-0e0, true, DATE '2024-02-29', 'é')",
    "SELECT CAST(ROW(1, 'a') AS ROW(X integer, \"Y z\" varchar)), CAST(ROW(1, 2) AS ROW(\"a\"\"b\" integer, \"Y\" integer)), CAST(ROW(1) AS ROW(\"é\" integer))",
    "SELECT CAST(ROW(1, 'a') AS ROW(x bigint, y varchar)).x, ROW(1, 'a')[2], (1, 'b')[1]",
    "SELECT r.x, r[1], r.Y, r.y FROM (SELECT CAST(ROW(1, 'a') AS ROW(x integer, y varchar)) r)",
    "SELECT t.r.x, r.y FROM (SELECT CAST(ROW(1, 'a') AS ROW(x integer, y varchar)) r) t",
    "SELECT CAST(NULL AS ROW(a integer)), CAST(NULL AS ROW(a integer)).a, CAST(NULL AS ROW(a integer, b varchar))[2]",
    "SELECT ARRAY[ROW(1, 'a'), ROW(2, 'bb'), NULL], ARRAY[ROW(1, 'a')][1][2]",
    "SELECT ROW(ROW(1, 'x'), ARRAY[1, NULL], MAP(ARRAY['k'], ARRAY[2]))",
    "SELECT CAST(ROW(ROW(1, 'x'), 2) AS ROW(inner ROW(a bigint, b varchar), n double)).inner.b",
    "SELECT CAST(ROW(2.5e0, 'xyz', 1.25) AS ROW(a integer, b varchar(1), c decimal(2, 1)))",
    "SELECT CAST(ROW(-2.5e0) AS ROW(a integer)), CAST(ROW(nan()) AS ROW(a integer))",
    "SELECT CAST(ROW('12', 'x') AS ROW(a integer, b varchar))",
    "SELECT CAST(ROW(2147483648) AS ROW(a integer))",
    "SELECT CAST(CAST(NULL AS ROW(a integer, b varchar)) AS ROW(c bigint, d varchar))",
    "SELECT CAST(ROW(1, 'a') AS ROW(a integer))",
    "SELECT CAST(ROW(1, 'a') AS ROW(a integer, b date))",
    "SELECT CAST(ROW(1, NULL) AS ROW(a integer, b varchar))",
    'SELECT ROW(1, \'a\')[3]',
    'SELECT ROW(1, \'a\')[0]',
    'SELECT (1).x',
    'SELECT CAST(ROW(1, 2) AS ROW(a integer, b integer)).c',
    'SELECT CAST(ROW(1, 2) AS ROW(a integer, a integer)).a',
    'SELECT n_name, (n_nationkey, n_name).n_name FROM nation',
    'SELECT x.a, x.b FROM (SELECT CAST(ROW(n_nationkey, n_name) AS ROW(a bigint, b varchar)) x FROM nation WHERE n_nationkey < 3) ORDER BY 1',
    'SELECT x.c FROM (SELECT CAST(ROW(n_nationkey) AS ROW(a bigint)) x FROM nation)',
    "SELECT ROW(1, 'a') IS NULL, CAST(NULL AS ROW(a integer)) IS NULL, coalesce(CAST(NULL AS ROW(a integer)), ROW(5))",
    'SELECT array_agg(ROW(n_nationkey, n_name) ORDER BY n_nationkey) FROM nation WHERE n_regionkey = 0',
    'SELECT transform(ARRAY[1, 2], x -> ROW(x, x * 2)), transform(ARRAY[ROW(1, 2), ROW(3, 4)], r -> r[1] + r[2])',
    'SELECT filter(ARRAY[CAST(ROW(1, \'a\') AS ROW(n integer, s varchar)), CAST(ROW(2, NULL) AS ROW(n integer, s varchar))], r -> r.s IS NOT NULL)',
    'SELECT r, count(*) FROM (VALUES ROW(1, \'a\'), ROW(1, \'a\'), ROW(2, NULL)) t(x, y) CROSS JOIN UNNEST(ARRAY[(x, y)]) u(r) GROUP BY r',
    'SELECT x, y FROM (VALUES ROW(1, \'a\'), ROW(2, NULL)) t(x, y)',
    'SELECT * FROM (VALUES ((1, 2))) t(x)',
    'SELECT * FROM (VALUES ((1, 2)), ((3, 4))) t(x, y)',
    'SELECT n_regionkey, n_name, count(*) FROM nation GROUP BY (n_regionkey, n_name) ORDER BY 1, 2 LIMIT 3',
    'SELECT count(*) FROM nation WHERE (n_regionkey, n_nationkey) IN ((1, 1), (2, 2))',
    'SELECT DISTINCT r FROM (VALUES ROW(1, NULL), ROW(1, NULL)) t(r)',
    'SELECT CASE WHEN n_nationkey = 0 THEN ROW(n_name, 1) ELSE ROW(\'other\', 2) END FROM nation WHERE n_nationkey < 2',
    "SELECT map_entries(MAP(ARRAY[2, 1], ARRAY['a', NULL])), map_entries(MAP(ARRAY['é'], ARRAY[ARRAY[1]])), map_entries(CAST(NULL AS map(integer, integer)))",
    "SELECT map_from_entries(ARRAY[(1, 'a'), (2, 'b')]), map_from_entries(ARRAY[ROW('x', ARRAY[1])]), map_from_entries(CAST(NULL AS array(row(integer, integer))))",
    "SELECT map_from_entries(map_entries(MAP(ARRAY[3, 1, 2], ARRAY['c', 'a', 'b'])))",
    "SELECT map_from_entries(ARRAY[(1, 'a'), NULL])",
    "SELECT map_from_entries(ARRAY[(1, 'a'), (CAST(NULL AS integer), 'b'), NULL])",
    "SELECT map_from_entries(ARRAY[NULL, (CAST(NULL AS integer), 'b')])",
    "SELECT map_from_entries(ARRAY[(1, 'a'), (1, 'b')])",
    "SELECT map_from_entries(ARRAY[(1, 'a', 2)])",
    'SELECT map_from_entries(ARRAY[(n_name, n_nationkey)]) FROM nation WHERE n_nationkey IN (1, 2)',
  ];
}

/** Arrays Trino types array(unknown), several arrays in one UNNEST. */
function arrayCases(): string[] {
  return [
    'SELECT ARRAY[], ARRAY[NULL], ARRAY[NULL, NULL], cardinality(ARRAY[]), cardinality(ARRAY[NULL])',
    'SELECT ARRAY[NULL, 1], ARRAY[ARRAY[NULL], ARRAY[1, 2]], coalesce(ARRAY[], ARRAY[1]), CASE WHEN true THEN ARRAY[] ELSE ARRAY[\'a\'] END',
    'SELECT CAST(ARRAY[] AS array(integer)), CAST(ARRAY[NULL] AS array(varchar)), CAST(ARRAY[NULL, NULL] AS array(array(date)))',
    'SELECT filter(ARRAY[NULL, NULL], x -> x IS NULL), transform(ARRAY[NULL], x -> 1), slice(ARRAY[NULL, NULL, NULL], 2, 1), array_sort(ARRAY[NULL, NULL])',
    'SELECT ARRAY[][1]',
    'SELECT ARRAY[NULL][1]',
    'SELECT element_at(ARRAY[NULL], 1)',
    'SELECT ARRAY[ARRAY[]]',
    'SELECT a, b FROM UNNEST(ARRAY[1, 2, 3], ARRAY[\'x\']) t(a, b)',
    'SELECT a, b, n FROM UNNEST(ARRAY[1, 2], ARRAY[\'x\', \'y\', \'z\']) WITH ORDINALITY t(a, b, n)',
    'SELECT a, b FROM UNNEST(ARRAY[1, NULL], CAST(NULL AS array(varchar))) t(a, b)',
    'SELECT count(*) FROM UNNEST(CAST(NULL AS array(integer)), ARRAY[]) t(a, b)',
    'SELECT a, b, c FROM UNNEST(ARRAY[1], ARRAY[ARRAY[1, 2]], ARRAY[DATE \'2024-02-29\', NULL]) t(a, b, c)',
    'SELECT n_nationkey, a, b FROM nation CROSS JOIN UNNEST(ARRAY[n_name, n_comment], ARRAY[n_regionkey]) t(a, b) WHERE n_nationkey < 2',
    'SELECT x, a, b, n FROM (VALUES 1, 2) v(x) CROSS JOIN UNNEST(sequence(1, x), ARRAY[x * 10]) WITH ORDINALITY t(a, b, n)',
    'SELECT m, a FROM UNNEST(ARRAY[MAP(ARRAY[1], ARRAY[\'x\'])], ARRAY[1, 2]) t(m, a)',
  ];
}

function rowRefusalCases(): string[] {
  return [
    'SELECT ROW(1, NULL)',
    'SELECT ROW(1, 2) = ROW(1, 2)',
    'SELECT r FROM (VALUES 1) t(x) CROSS JOIN UNNEST(ARRAY[ROW(1, \'a\')]) u(r, s)',
    'SELECT TRY_CAST(ROW(1) AS ROW(a varchar))',
    'SELECT ROW(1, 2) UNION SELECT ROW(1, 2)',
    'SELECT r FROM (SELECT ROW(1, 2) r) ORDER BY r',
    'SELECT ROW(1, 2)[x] FROM (VALUES 1) t(x)',
    'SELECT ROW(TIMESTAMP \'2024-01-01 00:00:00\', 1)',
  ];
}

export function structsCorpus(): Case[] {
  return [
    ...[...mapConstructorCases(), ...mapAccessCases(), ...nestedMapCases(), ...mapConcatCases(), ...mapLambdaCases(), ...mapRefusalCases(), ...rowCases(), ...rowRefusalCases(), ...arrayCases()].map((sql) => ({ sql })),
    ...mapAggCases(),
  ];
}
