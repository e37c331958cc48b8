/**
 * The embedded engine's write differential: sequences of writes run on Trino's memory connector
 * (schema memory.default) and on the embedded engine (schema demo.writes), each followed by
 * read-backs. `{s}` stands for the schema. Trino's memory connector has no DELETE or UPDATE, so
 * those are checked against a query Trino answers with the rows the write must leave.
 */

export interface WriteStep {
  sql: string;
  /**
   * A DELETE (`set` empty) or UPDATE, which Trino's memory connector refuses: Trino answers the
   * query of the rows the write must leave in `table` (the rows failing `where` for a DELETE;
   * every row with `set`'s values cast to the columns' types where `where` holds for an UPDATE),
   * which the embedded engine's read-back of the table must equal.
   */
  emulate?: { table: string; where: string; set: Record<string, string> };
}

export interface WriteScenario {
  name: string;
  steps: WriteStep[];
}

const TYPES_TABLE = '{s}.typed (ti tinyint, si smallint, i integer, bi bigint, dc decimal(5,2), wide decimal(38,10), d double, v5 varchar(5), v varchar, dt date, b boolean)';
const READ_TYPED = 'SELECT * FROM {s}.typed ORDER BY i, bi, v5, dc, d';

/** Values for each column of the typed table, edge values first: each becomes a one-column INSERT. */
const COLUMN_VALUES: Record<string, string[]> = {
  ti: ['127', '-128', '128', '1.5', '-2.5e0', 'NULL', "'1'"],
  si: ['32767', '-32769', '2.5', 'BIGINT \'7\''],
  i: ['2147483647', '2147483648', '-0.5', '1.7', '1e0', 'nan()', 'DATE \'2024-02-29\'', 'true'],
  bi: ['9223372036854775807', '1.5e0', '-1.5e0', '12345678901234567.5', 'infinity()'],
  dc: ['1.234', '1.235', '-1.235', '999.995', '1234.5', '0.001', '-0.005', '7', 'CAST(NULL AS decimal(3,1))'],
  wide: ['1.23456789012', 'DECIMAL \'1234567890123456789012345678.0123456789\'', '-0.00000000005'],
  d: ['1', '-0e0', '1.5', 'nan()', '123456789012345678', 'DECIMAL \'0.1\''],
  v5: ["'abc'", "''", "'abcde'", "'abcdefg'", "'abc    '", "'abcde   '", "'abcde' || '\t'", "'ünïcö'", "'ünïcöd'", "'😀😀😀😀😀 '", 'CAST(\'x\' AS varchar(3))', '1'],
  v: ["'Hello World'", "''", "'日本語テキスト'", 'CAST(NULL AS varchar)', '5'],
  dt: ["DATE '2024-02-29'", "DATE '1900-01-01'", "'2024-01-01'"],
  b: ['true', 'false', 'NULL', '1'],
};

function typedScenarios(): WriteScenario[] {
  const steps: WriteStep[] = [{ sql: `CREATE TABLE ${TYPES_TABLE}` }];
  for (const [column, values] of Object.entries(COLUMN_VALUES)) {
    for (const value of values) steps.push({ sql: `INSERT INTO {s}.typed (${column}) VALUES (${value})` });
  }
  steps.push(
    { sql: "INSERT INTO {s}.typed VALUES (1, 2, 3, 4, 5.5, 6.25, 7e0, 'abc', 'def', DATE '2000-02-29', true)" },
    { sql: 'INSERT INTO {s}.typed VALUES (1, 2, 3)' },
    { sql: 'INSERT INTO {s}.typed (i, i) VALUES (1, 2)' },
    { sql: 'INSERT INTO {s}.typed (nope) VALUES (1)' },
    { sql: 'INSERT INTO {s}.typed (i, bi) VALUES (1, 2), (3, 4), (NULL, NULL)' },
    { sql: 'INSERT INTO {s}.typed (i, v5) SELECT n_nationkey, n_name FROM nation WHERE length(n_name) <= 5' },
    { sql: 'INSERT INTO {s}.typed (i, v5) SELECT n_nationkey, n_name FROM nation' },
    { sql: 'INSERT INTO {s}.typed (i, v5) SELECT n_nationkey, substr(n_name, 1, 5) FROM nation WHERE n_regionkey = 1' },
    { sql: 'INSERT INTO {s}.typed (i) SELECT 1 WHERE false' },
    { sql: 'INSERT INTO {s}.typed (i, dc) SELECT o_orderkey, CAST(o_orderkey AS decimal(6,1)) * 0.15 FROM orders WHERE o_orderkey < 40' },
    { sql: 'INSERT INTO {s}.typed (bi, d) SELECT sum(l_quantity), avg(l_discount) FROM lineitem WHERE l_orderkey < 100' },
    { sql: 'INSERT INTO {s}.typed (i) VALUES (7 / 0)' },
    { sql: 'INSERT INTO nation VALUES (1)' },
    { sql: 'INSERT INTO {s}.missing VALUES (1)' },
    { sql: READ_TYPED },
    { sql: 'SELECT count(*), count(v5), sum(i), max(v5), min(dc) FROM {s}.typed' },
    { sql: "SELECT v5 || '|', length(v5) FROM {s}.typed WHERE v5 IS NOT NULL ORDER BY 1" },
    { sql: 'SELECT i, dc FROM {s}.typed WHERE dc > 1 ORDER BY i, dc' },
    { sql: 'CREATE TABLE {s}.typed (a integer)' },
    { sql: 'CREATE TABLE IF NOT EXISTS {s}.typed (a integer)' },
    { sql: 'DROP TABLE {s}.typed' },
    { sql: 'DROP TABLE {s}.typed' },
    { sql: 'DROP TABLE IF EXISTS {s}.typed' },
  );
  return [{ name: 'typed columns', steps }];
}

function ctasScenarios(): WriteScenario[] {
  const shapes = [
    'SELECT 7/2 AS x, 1.5 AS y, \'ab\' AS z, DATE \'2024-02-29\' AS d, 1e0 / 0 AS inf, nan() AS n, -0e0 AS nz',
    'SELECT * FROM nation',
    'SELECT n_regionkey, count(*) AS c, sum(n_nationkey) AS s, max(n_name) AS m FROM nation GROUP BY n_regionkey',
    'SELECT o_orderstatus, sum(o_totalprice) AS total, avg(o_totalprice) AS mean FROM orders WHERE o_orderkey < 1000 GROUP BY o_orderstatus',
    "SELECT CAST(n_name AS varchar(3)) AS short, n_comment || '' AS long FROM nation",
    'SELECT l_orderkey, l_extendedprice * (1 - l_discount) AS revenue FROM lineitem WHERE l_orderkey < 50',
    "SELECT x, upper(x) AS u FROM (VALUES 'ünïcödé', '', 'a b', NULL) t(x)",
    'SELECT CAST(NULL AS integer) AS n, CAST(NULL AS varchar(4)) AS v',
    'SELECT c_custkey, c_acctbal FROM customer WHERE c_acctbal < 0',
  ];
  // Failing statements get no read-back: Trino's memory connector keeps the table a failed CREATE TABLE AS created (a connector's choice; the embedded engine rolls back).
  const failing = ['SELECT 2147483647 + 1 AS overflow', 'SELECT 1 AS a, 2 AS a', 'SELECT 1', 'SELECT NULL AS n', 'SELECT * FROM nowhere', "SELECT CAST('x' AS integer) AS x"];
  const failures = failing.map((query, i) => ({
    name: `failing CREATE TABLE AS #${i}`,
    steps: [{ sql: `CREATE TABLE {s}.failed${i} AS ${query}` }, { sql: `DROP TABLE IF EXISTS {s}.failed${i}` }],
  }));
  return [...failures, ...shapes.map((query, i) => ({
    name: `CREATE TABLE AS #${i}`,
    steps: [
      { sql: `CREATE TABLE {s}.ctas${i} AS ${query}` },
      { sql: `SELECT * FROM {s}.ctas${i}` },
      { sql: `SELECT count(*) FROM {s}.ctas${i}` },
      { sql: `INSERT INTO {s}.ctas${i} SELECT * FROM {s}.ctas${i}` },
      { sql: `SELECT count(*) FROM {s}.ctas${i}` },
      { sql: `CREATE TABLE {s}.ctas${i} AS ${query}` },
      { sql: `CREATE TABLE {s}.ctas${i}_empty AS SELECT * FROM {s}.ctas${i} WITH NO DATA` },
      { sql: `SELECT * FROM {s}.ctas${i}_empty` },
      { sql: `CREATE TABLE {s}.ctas${i}_named (p, q) AS SELECT 1, 'x'` },
      { sql: `SELECT p, q FROM {s}.ctas${i}_named` },
      { sql: `DROP TABLE IF EXISTS {s}.ctas${i}_named` },
      { sql: `DROP TABLE IF EXISTS {s}.ctas${i}_empty` },
      { sql: `DROP TABLE IF EXISTS {s}.ctas${i}` },
    ],
  }))];
}

/** DELETE and UPDATE, checked against the rows they must leave (Trino's memory connector cannot run them). */
function modifyScenarios(): WriteScenario[] {
  const setup = 'CREATE TABLE {s}.m AS SELECT n_nationkey AS k, n_name AS name, n_regionkey AS r, CAST(n_nationkey AS decimal(5,2)) * 1.25 AS dv FROM nation';
  const deletes = ['k < 5', "r = 1 OR name LIKE '%A%'", 'k / 0 = 1', 'k IN (SELECT n_nationkey FROM nation WHERE n_regionkey = 2)', 'NULL', 'dv > 2.5', "name = 'x'", 'true'];
  const updates: Array<[Record<string, string>, string]> = [
    [{ name: 'upper(name)' }, 'k > 20'],
    [{ name: "name || 'xyz'" }, 'k = 3'],
    [{ r: 'r + 10', dv: 'dv * 2' }, 'r = 0'],
    [{ r: '9223372036854775807 + r' }, 'k = 1'],
    [{ dv: '1.235' }, 'k < 3'],
    [{ dv: '-7' }, 'name LIKE \'%N%\''],
    [{ k: 'k * 2', r: 'NULL' }, 'dv IS NOT NULL'],
  ];
  const scenarios: WriteScenario[] = deletes.map((where, i) => ({
    name: `DELETE #${i}`,
    steps: [{ sql: setup }, { sql: `DELETE FROM {s}.m WHERE ${where}`, emulate: { table: '{s}.m', where, set: {} } }, { sql: 'DROP TABLE {s}.m' }],
  }));
  for (const [i, [set, where]] of updates.entries()) {
    const assignments = Object.entries(set).map(([c, v]) => `${c} = ${v}`).join(', ');
    scenarios.push({
      name: `UPDATE #${i}`,
      steps: [{ sql: setup }, { sql: `UPDATE {s}.m SET ${assignments} WHERE ${where}`, emulate: { table: '{s}.m', where, set } }, { sql: 'DROP TABLE {s}.m' }],
    });
  }
  return scenarios;
}

function viewScenarios(): WriteScenario[] {
  return [
    {
      name: 'views',
      steps: [
        { sql: 'CREATE VIEW {s}.v1 AS SELECT n_nationkey AS k, n_regionkey * 2 AS r2, 7 / 2 AS half FROM nation' },
        { sql: 'SELECT * FROM {s}.v1 ORDER BY k' },
        { sql: 'CREATE VIEW {s}.v2 AS SELECT 1' },
        { sql: 'CREATE OR REPLACE VIEW {s}.v1 AS SELECT sum(o_orderkey) AS total, max(o_totalprice) AS top FROM orders' },
        { sql: 'SELECT * FROM {s}.v1' },
        { sql: 'DROP VIEW {s}.v1' },
        { sql: 'DROP VIEW {s}.v1' },
      ],
    },
  ];
}

/** Statement kinds the embedded engine refuses: Trino's answer is not compared, the refusal is checked. */
export const REFUSED_WRITES = [
  'MERGE INTO {s}.t USING nation ON true WHEN MATCHED THEN DELETE',
  'ALTER TABLE {s}.t ADD COLUMN c integer',
  'TRUNCATE TABLE {s}.t',
  'COMMENT ON TABLE {s}.t IS \'x\'',
  'EXPLAIN SELECT 1',
  'ANALYZE nation',
  'CREATE FUNCTION f() RETURNS integer RETURN 1',
  'CALL system.runtime.kill_query(\'x\')',
  'CREATE TABLE {s}.t (a integer NOT NULL)',
  "CREATE TABLE {s}.t (a integer COMMENT 'x')",
  "CREATE TABLE {s}.t (a integer) WITH (format = 'ORC')",
  'CREATE TABLE {s}.t (a timestamp(3))',
  'CREATE TABLE {s}.t (a char(3))',
  'CREATE TABLE {s}.t (a varbinary)',
  'CREATE TABLE IF NOT EXISTS {s}.t AS SELECT 1 AS a',
  'CREATE OR REPLACE TABLE {s}.t AS SELECT 1 AS a',
  'CREATE TABLE {s}.t AS SELECT CAST(1.5e0 AS decimal(3,1)) AS a',
];

export function writeScenarios(): WriteScenario[] {
  return [...typedScenarios(), ...ctasScenarios(), ...modifyScenarios(), ...viewScenarios()];
}
