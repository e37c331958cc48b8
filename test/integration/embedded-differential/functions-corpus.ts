/**
 * The embedded-engine differential's statements for the json type and its functions: canonical
 * texts (key order, duplicate keys, number forms, escapes, unicode), casts to and from json with
 * nulls, overflow and the forms Trino rejects, and the refusals (computed texts, values whose Java
 * text is not modelled).
 */
import type { Case } from './corpus.js';

const lit = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Texts whose canonical form tests one rule each: sorting, duplicates, BigDecimal and BigInteger printing, Jackson's escapes. */
const CANONICAL_TEXTS = [
  '{"b":1,"a":2}',
  '{"a":1,"a":2}',
  '{"b":{"z":1,"y":[3,{"d":1,"c":2}]},"a":[]}',
  '{"B":1,"a":2,"_":3,"é":4,"10":5,"9":6}',
  '[1.50, 1e2, 1E+2, 1e-7, 0.0000001, 0.000001, -0, -0.0, 0e5, 100e0, 1.5E300, 1e400, -12]',
  '[12345678901234567890, -9223372036854775809, 0.1e1, 123.456e-2, 5E-324]',
  '["a\\nb\\t\\r\\b\\f\\u001f\\"\\\\\\/", "\\u00e9é", "😀", "\\ud83d\\ude00", "\\u2028", "\\u007f", "日本"]',
  '  {"a" : [ 1 , 2 ] }  ',
  'null',
  'true',
  '"s"',
  '[]',
  '{}',
  '""',
  '[[[[]]]]',
];

const INVALID_TEXTS = ['', '  ', 'abc', '[1,]', '[1] x', '1 2', 'NaN', '"x', '[01]', "['a']", '{a:1}', '/*c*/1', '[1.]', '[.5]', '[+1]', '["\\x"]', 'truex', '{"a":1,}', '[-]'];

function canonicalCases(): string[] {
  return [
    ...CANONICAL_TEXTS.map((t) => `SELECT json_parse(${lit(t)}), JSON ${lit(t)}`),
    ...CANONICAL_TEXTS.map((t) => `SELECT json_format(json_parse(${lit(t)}))`),
    ...INVALID_TEXTS.map((t) => `SELECT json_parse(${lit(t)})`),
    ...INVALID_TEXTS.slice(0, 6).map((t) => `SELECT JSON ${lit(t)}`),
    'SELECT json_parse(NULL), json_format(CAST(NULL AS json)), json_format(json_parse(NULL))',
    'SELECT json_parse(CAST(NULL AS varchar))',
    'SELECT json_parse(n_name) FROM nation',
    `SELECT json_parse('{"a":1}') FROM nation WHERE false`,
    `SELECT json_parse('[1,]') FROM nation WHERE false`,
    `SELECT n_name, JSON '{"k":[1,2]}' FROM nation WHERE n_nationkey < 3`,
    `SELECT coalesce(CAST(NULL AS json), JSON '[1]'), CASE WHEN true THEN JSON '{"b":1,"a":0}' END`,
    `SELECT j FROM (VALUES JSON '1', JSON '"x"', NULL) t(j)`,
    `SELECT json_format(JSON '{"b":[1, 2.50],"a":null}')`,
    // The varchar functions also read json values.
    `SELECT json_array_length(JSON '[1,2]'), json_extract_scalar(JSON '{"a":"x"}', '$.a'), json_size(JSON '[1,2]', '$'), is_json_scalar(JSON '1'), json_extract_scalar(JSON '{"a":7}', '$.a')`,
  ];
}

function castCases(): string[] {
  return [
    "SELECT CAST('x' AS json), CAST('' AS json), CAST('a\"\\b' AS json), CAST('é日本' AS json), CAST('a\tb\nc\rd' AS json)",
    "SELECT CAST('😀' AS json)",
    'SELECT CAST(1 AS json), CAST(-7 AS json), CAST(9223372036854775807 AS json), CAST(CAST(3 AS tinyint) AS json), CAST(CAST(-3 AS smallint) AS json), CAST(true AS json), CAST(false AS json), CAST(NULL AS json)',
    "SELECT CAST(DECIMAL '1.50' AS json), CAST(DECIMAL '-0.05' AS json), CAST(DECIMAL '0.00' AS json), CAST(DECIMAL '12345678901234567890123' AS json), CAST(DECIMAL '0.000001' AS json)",
    "SELECT CAST(DECIMAL '0.0000001' AS json)",
    "SELECT CAST(DECIMAL '1.0000001' AS json), CAST(DECIMAL '-12.5000000' AS json)",
    "SELECT CAST(DATE '2024-02-29' AS json), CAST(DATE '0001-01-01' AS json)",
    'SELECT CAST(1.5e0 AS json)',
    "SELECT CAST(ARRAY[1, 2, NULL] AS json), CAST(ARRAY['a', NULL, 'b\"'] AS json), CAST(ARRAY[true] AS json), CAST(ARRAY[ARRAY[1], NULL, ARRAY[2, NULL]] AS json), CAST(CAST(NULL AS array(integer)) AS json)",
    "SELECT CAST(ARRAY[DECIMAL '1.5', NULL] AS json), CAST(ARRAY[DATE '2024-01-01'] AS json), CAST(ARRAY[DECIMAL '0.5'] AS json), CAST(DECIMAL '0.00000005' AS json)",
    'SELECT CAST(x AS json), CAST(CAST(x AS varchar) AS json) FROM (VALUES 1, -1, NULL) t(x)',
    'SELECT n_name, CAST(n_name AS json), CAST(n_nationkey AS json), CAST(ARRAY[n_regionkey, n_nationkey] AS json) FROM nation ORDER BY n_nationkey',
    'SELECT CAST(array_agg(n_nationkey ORDER BY n_nationkey) AS json) FROM nation',
    'SELECT CAST(JSON \'{"b":1}\' AS json)',
    // From json.
    `SELECT CAST(JSON '"abc"' AS varchar), CAST(JSON 'true' AS varchar), CAST(JSON 'null' AS varchar), CAST(JSON '12345678901234567890' AS varchar), CAST(JSON '-0' AS varchar), CAST(JSON '"a\\nb\\u00e9\\ud83d\\ude00"' AS varchar), CAST(JSON '""' AS varchar)`,
    `SELECT CAST(JSON '1.50' AS varchar)`,
    `SELECT CAST(JSON '[1]' AS varchar)`,
    `SELECT CAST(JSON '{"a":1}' AS varchar)`,
    `SELECT TRY_CAST(JSON '[1]' AS varchar), TRY_CAST(JSON '{}' AS bigint), TRY_CAST(JSON '300' AS tinyint)`,
    `SELECT CAST(JSON '12' AS bigint), CAST(JSON '-12' AS integer), CAST(JSON 'true' AS bigint), CAST(JSON 'false' AS smallint), CAST(JSON 'null' AS bigint), CAST(JSON '127' AS tinyint), CAST(JSON '-9223372036854775808' AS bigint)`,
    `SELECT CAST(JSON '12345678901234567890' AS bigint)`,
    `SELECT CAST(JSON '300' AS tinyint)`,
    `SELECT CAST(JSON '2147483648' AS integer)`,
    `SELECT CAST(JSON '[1]' AS bigint)`,
    `SELECT CAST(JSON '{"a":1}' AS integer)`,
    `SELECT CAST(JSON '1.5' AS bigint)`,
    `SELECT CAST(JSON '"12"' AS bigint)`,
    `SELECT CAST(JSON '1.5' AS double), CAST(JSON '12' AS double), CAST(JSON 'true' AS double), CAST(JSON 'false' AS double), CAST(JSON '1E+400' AS double), CAST(JSON '-1E+400' AS double), CAST(JSON '1E-400' AS double), CAST(JSON 'null' AS double), CAST(JSON '0.1' AS double), CAST(JSON '-0.0' AS double)`,
    `SELECT CAST(JSON '[1.5]' AS double)`,
    `SELECT CAST(JSON '"1.5"' AS double)`,
    `SELECT CAST(JSON 'true' AS boolean), CAST(JSON 'false' AS boolean), CAST(JSON '0' AS boolean), CAST(JSON '2' AS boolean), CAST(JSON '-1' AS boolean), CAST(JSON 'null' AS boolean)`,
    `SELECT CAST(JSON '[]' AS boolean)`,
    `SELECT CAST(JSON '"true"' AS boolean)`,
    `SELECT CAST(JSON '0.0' AS boolean)`,
    `SELECT CAST(j AS varchar), CAST(j AS bigint) FROM (VALUES JSON '1', JSON 'true', JSON 'null', NULL) t(j)`,
    `SELECT CAST(CAST(n_name AS json) AS varchar) = n_name, CAST(CAST(n_nationkey AS json) AS bigint) = n_nationkey FROM nation`,
    `SELECT CAST(JSON '[1,2]' AS array(bigint))`,
    `SELECT CAST(JSON '1' AS date)`,
    `SELECT CAST(JSON '1' AS varchar(3))`,
    // Trino has no cast from varbinary to json.
    `SELECT CAST(X'00' AS json)`,
  ];
}

function functionCases(): string[] {
  const doc = '{"a":null,"b":[1,{"y":1,"x":2.50}],"c":"s","d":{"e":[10,20,30]},"f":1e2,"g":-0,"h":true,"a b":5}';
  const paths = ['$', '$.a', '$.b', '$.b[1]', '$.b[1].x', '$.b[5]', '$.c', '$.d.e[2]', '$.f', '$.g', '$.h', '$.zz', '$.c.x', '$["a b"]', '$["d"]["e"][0]'];
  return [
    `SELECT ${paths.map((p) => `json_extract(${lit(doc)}, '${p}')`).join(', ')}`,
    `SELECT ${paths.map((p) => `json_extract(JSON ${lit(doc)}, '${p}')`).join(', ')}`,
    `SELECT json_extract('[-0.0, 1e-3, 0.00099, 1e7, 9999999.5, 1.5e-320, 12345678.5, 1e400, 0.1, 100]', '$')`,
    `SELECT json_extract('{"a":1,"a":2}', '$'), json_extract('{"a":"x\\u00e9\\/😀\\n"}', '$.a'), json_extract('[[1],[2]]', '$[1][0]')`,
    `SELECT json_extract('{"a":1,"a":2}', '$.a')`,
    `SELECT json_extract('{"a":1}', 'a')`,
    `SELECT json_extract('{"a":1}', '$[*]')`,
    `SELECT json_extract('{"a":1}', '$..a')`,
    `SELECT json_extract('[1,2', '$[0]')`,
    `SELECT json_extract(NULL, '$.a')`,
    `SELECT json_extract(CAST(NULL AS json), '$.a')`,
    `SELECT json_extract(n_name, '$') FROM nation`,
    `SELECT json_extract('{"a":1}', n_name) FROM nation`,
    `SELECT json_extract('{"a":1}', '$.a', 1)`,
    // json_array_get: a scalar's own text, a structure copied.
    `SELECT json_array_get(JSON '[1,"a",null,[2]]', 1), json_array_get(JSON '[1,2]', -1), json_array_get(JSON '[1,2]', 5), json_array_get(JSON '{"a":1}', 0), json_array_get('[1,2]', 0), json_array_get(JSON '[1,2]', -3), json_array_get(JSON '[1,{"b":1,"a":2}]', 1)`,
    `SELECT json_array_get(JSON '[2.50, 1E+2, [2.50], "a\\nb", true, null, -0]', 0), json_array_get(JSON '[2.50, 1E+2, [2.50]]', 1), json_array_get(JSON '[2.50, 1E+2, [2.50]]', 2), json_array_get('["a\\nb"]', 0), json_array_get(JSON '[true,null]', 0), json_array_get(JSON '[true,null]', 1), json_array_get('[-0, 1e2]', 0), json_array_get('[-0, 1e2]', 1)`,
    `SELECT json_array_get(JSON '[]', 0), json_array_get(JSON '[1]', -1), json_array_get(JSON '[1]', NULL), json_array_get(NULL, 0), json_array_get('{"a":[1]}', 0), json_array_get('"x"', 0), json_array_get('["😀é"]', 0)`,
    `SELECT json_array_get(JSON '[1,2]', 9223372036854775807), json_array_get(JSON '[1,2]', -9223372036854775807)`,
    `SELECT json_array_get(JSON '[1,2]', n_regionkey) FROM nation`,
    `SELECT json_array_get('[1,]', 0)`,
    // json_array_contains: the element's JSON kind must match the value's type.
    `SELECT json_array_contains(JSON '[1,2]', 2), json_array_contains(JSON '[1,2.0]', 2), json_array_contains(JSON '[1,2.5]', 2.5e0), json_array_contains(JSON '["a"]', 'a'), json_array_contains(JSON '[true]', true), json_array_contains(JSON '{"a":1}', 1), json_array_contains('[1,null]', 3), json_array_contains(JSON '[[1]]', 1), json_array_contains(JSON '["1"]', 1)`,
    `SELECT json_array_contains(JSON '[2]', 2e0), json_array_contains(JSON '[2.0]', 2e0), json_array_contains('[1e0]', 1e0), json_array_contains(JSON '["a\\nb"]', 'a\nb'), json_array_contains(JSON '[1]', CAST(NULL AS bigint)), json_array_contains(NULL, 1), json_array_contains(JSON '[1,2]', 2e0), json_array_contains(JSON '[]', 1)`,
    `SELECT json_array_contains(JSON '[-0.0]', 0e0), json_array_contains(JSON '[0.1]', nan()), json_array_contains(JSON '[false, null]', false), json_array_contains(JSON '[1,2]', CAST(2 AS tinyint))`,
    `SELECT n_nationkey, json_array_contains(JSON '[1,3,5,24]', n_nationkey), json_array_contains('["ALGERIA","PERU"]', n_name) FROM nation ORDER BY 1`,
    `SELECT count(*) FROM nation WHERE json_array_contains(JSON '[0,1]', n_regionkey)`,
    `SELECT json_array_contains(JSON '[1,2]', 2.0)`,
    `SELECT json_array_contains(JSON '[1]', DATE '2024-01-01')`,
    `SELECT json_array_contains(CAST(n_nationkey AS json), 1) FROM nation`,
    `SELECT json_array_contains('[1,', 1)`,
    `SELECT json_array_contains(JSON '[123456789012345678901]', 1)`,
    `SELECT json_array_contains(JSON '[1E+400]', infinity())`,
  ];
}

/** Decimal division and modulus: Trino's result types (scale at least 6), rounding half away from zero, signs, zero divisors, nulls, 38 digits. */
function decimalCases(): string[] {
  const values = ["DECIMAL '1.0'", "DECIMAL '-10'", "DECIMAL '2.00'", "DECIMAL '0.05'", "DECIMAL '-0.5'", "DECIMAL '123.45'", '7', 'CAST(-3 AS bigint)', "DECIMAL '0.3'", "DECIMAL '2.25'"];
  const pairs = values.flatMap((a) => values.map((b) => [a, b] as const));
  return [
    ...[0, 1, 2, 3, 4].map((i) => `SELECT ${pairs.slice(i * 20, i * 20 + 20).map(([a, b]) => `${a} / ${b}`).join(', ')}`),
    ...[0, 1, 2, 3, 4].map((i) => `SELECT ${pairs.slice(i * 20, i * 20 + 20).map(([a, b]) => `${a} % ${b}`).join(', ')}`),
    "SELECT DECIMAL '1.5' / DECIMAL '0'",
    "SELECT DECIMAL '1.5' % DECIMAL '0.0'",
    "SELECT CAST(NULL AS decimal(3,1)) / DECIMAL '0', DECIMAL '1.5' / CAST(NULL AS decimal(2,1)), NULL % DECIMAL '2.5', DECIMAL '2.5' / NULL",
    "SELECT DECIMAL '2' / DECIMAL '3', DECIMAL '-2' / DECIMAL '3', DECIMAL '1' / DECIMAL '6', DECIMAL '-1' / DECIMAL '6', DECIMAL '5' / DECIMAL '1000000', DECIMAL '-5' / DECIMAL '10000000'",
    "SELECT DECIMAL '9999999999999999999999.9999' / DECIMAL '0.0001', DECIMAL '99999999999999999999999999999.99' / DECIMAL '3'",
    "SELECT DECIMAL '99999999999999999999999999999999999999' / DECIMAL '0.1'",
    "SELECT DECIMAL '99999999999999999999999999999999999999' % DECIMAL '7', DECIMAL '-12345678901234567890.123456' % DECIMAL '0.000007'",
    'SELECT l_orderkey, l_partkey, CAST(l_partkey AS decimal(12,2)) / CAST(l_linenumber AS decimal(3,1)), CAST(l_partkey AS decimal(12,2)) % CAST(l_suppkey AS decimal(6,1)), l_partkey / DECIMAL \'0.07\' FROM lineitem WHERE l_orderkey < 40 ORDER BY l_orderkey, l_linenumber',
    'SELECT avg(CAST(l_suppkey AS decimal(10,3))) / 3, CAST(count(*) AS decimal(10,0)) / 7, max(CAST(l_partkey AS decimal(12,2))) % 1000 FROM lineitem',
    // sum() of a decimal is a decimal(38, s): its quotient would need more than 38 digits (refused).
    'SELECT sum(CAST(l_partkey AS decimal(12,2))) / count(*) FROM lineitem',
    "SELECT x / y, x % y FROM (VALUES (DECIMAL '10.5', DECIMAL '2.0'), (DECIMAL '-10.5', DECIMAL '0.0'), (NULL, DECIMAL '1.0')) t(x, y) WHERE y <> 0 OR x IS NULL",
    "SELECT x / y FROM (VALUES (DECIMAL '10.5', DECIMAL '0.0')) t(x, y)",
  ];
}

/** try(): null for the errors Trino's try catches, in projections, filters and nested; refused where DuckDB could answer otherwise. */
function tryCases(): string[] {
  return [
    'SELECT try(1 / 0), try(7 % 0), try(2147483647 + 1), try(9223372036854775807 * 2), try(-(-9223372036854775807 - 1)), try(CAST(300 AS tinyint)), try(CAST(infinity() AS integer))',
    "SELECT try(DECIMAL '1.5' / DECIMAL '0'), try(json_parse('abc')), try(json_parse('[1]')), try(10 / 2), try(NULL), try(CAST(NULL AS integer) / 0)",
    'SELECT try(coalesce(1 / 0, 5)), try(coalesce(5, 1 / 0)), try(if(false, 1 / 0, 2)), try(CASE WHEN 1 > 0 THEN 3 ELSE 1 / 0 END), try(try(1 / 0) + 1), try(abs(-9223372036854775807 - 1))',
    'SELECT x, try(10 / x), try(x * 1000000000), try(x * 2147483647 + 1), try(CAST(x AS tinyint) * x) FROM (VALUES 0, 2, -3, NULL) t(x)',
    'SELECT x, try(x * 1000000000 * 1000000000) FROM (VALUES 0, 2, -3, NULL) t(x)',
    'SELECT n_nationkey, try(100 / (n_regionkey - 1)) FROM nation ORDER BY n_nationkey',
    'SELECT count(*) FROM nation WHERE try(10 / (n_regionkey - 2)) IS NULL',
    'SELECT sum(try(10 / (n_regionkey - 2))) FROM nation',
    'SELECT try(1 / 0) + 1, try(upper(n_name)) FROM nation WHERE n_nationkey = 3',
    "SELECT try(CAST('abc' AS integer))",
    'SELECT try(x = 0 OR 10 / x = 10) FROM (VALUES 0, 1) t(x)',
    'SELECT try(10 / x > 1 AND x > 0) FROM (VALUES 0, 1) t(x)',
    'SELECT try(x > 0 AND x < 10) FROM (VALUES 0, 1) t(x)',
    'SELECT try(sum(n_nationkey)) FROM nation',
    'SELECT try((SELECT 1 / 0))',
    "SELECT try(DATE '2024-02-30')",
    'SELECT try(1, 2)',
  ];
}

/** date_format's %I, %v (ISO week), %x (its year) at year ends and leap days, and other characters after % written as themselves. */
function dateFormatCases(): string[] {
  const dates = ["DATE '2021-01-03'", "DATE '2024-12-30'", "DATE '2024-02-29'", "DATE '2020-12-31'", "DATE '0099-01-03'", "DATE '2027-01-01'", 'CAST(NULL AS date)'];
  return [
    ...dates.map((d) => `SELECT date_format(${d}, '%x-%v %I'), date_format(${d}, '%Q%z%% %A%1 %é|%Y')`),
    "SELECT date_format(TIMESTAMP '2024-12-30 00:05:00', '%I %x %v'), date_format(TIMESTAMP '2024-06-15 13:05:00.123', '%I:%i %p %v %x'), date_format(TIMESTAMP '2023-01-01 12:00:00', '%I %v %x')",
    "SELECT o_orderdate, date_format(o_orderdate, '%x/%v') FROM orders WHERE o_orderkey < 100 ORDER BY o_orderkey",
    "SELECT date_format(DATE '2024-01-01', '%D')",
    "SELECT date_format(DATE '2024-01-01', '%w')",
    "SELECT date_format(DATE '2024-01-01', 'x%')",
  ];
}

export function functionsCorpus(): Case[] {
  return [...canonicalCases(), ...castCases(), ...functionCases(), ...decimalCases(), ...tryCases(), ...dateFormatCases()].map((sql) => ({ sql }));
}
