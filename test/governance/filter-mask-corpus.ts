/**
 * The result differential's corpus for row filters and column masks
 * (test/governance/filter-mask-rules.json): statements over filtered and masked tables reading a
 * column in every position (select list, WHERE, JOIN, GROUP BY, HAVING, ORDER BY, window
 * specifications, nested calls, CASE), joins of two filtered tables, self-joins, definer views
 * (one with its own filter and mask), subqueries, CTEs, aggregates and count(*), run as every user
 * of the rules file. The session catalog and schema are tpch.tiny.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../support/services.js';
import type { HeaderLines, Outcome } from './client.js';

export const FILTER_MASK_RULES = join(REPO, 'test', 'governance', 'filter-mask-rules.json');

/** The oracle: a Trino enforcing filter-mask-rules.json itself (trino-fm; started unless it runs). */
export async function ensureFilterMaskOracle(): Promise<string> {
  const port = Number(process.env.QUERYGATE_FILTER_MASK_ORACLE_PORT ?? 18190);
  await promisify(execFile)('bash', [join(REPO, 'scripts', 'trino', 'start-oracle.sh')], {
    timeout: 900_000,
    env: { ...process.env, QUERYGATE_ORACLE_PORT: String(port), QUERYGATE_ORACLE_NAME: process.env.QUERYGATE_FILTER_MASK_ORACLE_NAME ?? 'trino-fm', QUERYGATE_ORACLE_RULES: FILTER_MASK_RULES },
  });
  return `http://127.0.0.1:${port}`;
}

/**
 * Users of filter-mask-rules.json: each a different mix of filters and masks (gus and hal: functions,
 * arithmetic, CASE, if, date_trunc, regexp, subqueries in filters); admin has none; zed has no rule.
 */
export const FILTER_MASK_USERS = ['ann', 'bob', 'carl', 'dora', 'eve', 'gus', 'hal', 'admin', 'zed'] as const;

/** Views both engines get (created as admin, so SECURITY DEFINER views read as admin, unless made by another user: FILTER_MASK_OWNED_FIXTURES). */
export const FILTER_MASK_FIXTURES = [
  'CREATE SCHEMA IF NOT EXISTS memory.fm',
  'CREATE OR REPLACE VIEW memory.fm.v_cust AS SELECT c_custkey, c_name, c_phone, c_nationkey FROM tpch.tiny.customer',
  'CREATE OR REPLACE VIEW memory.fm.v_nat_definer AS SELECT n_name, n_regionkey FROM tpch.tiny.nation',
  // SECURITY INVOKER views: the caller's filters and masks apply to the tables inside.
  'CREATE OR REPLACE VIEW memory.fm.v_inv SECURITY INVOKER AS SELECT c_custkey, c_name, c_phone, c_acctbal, c_nationkey FROM tpch.tiny.customer',
  'CREATE OR REPLACE VIEW memory.fm.v_inv_join SECURITY INVOKER AS SELECT n.n_name, r.r_name, r.r_comment, n.n_comment FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey',
  // A table named like one of the session's (tpch.tiny.region), other rows: read by v_inv_bare by its bare name.
  'CREATE TABLE IF NOT EXISTS memory.fm.region AS SELECT r_regionkey, upper(r_name) AS r_name FROM tpch.tiny.region WHERE r_regionkey < 3',
  "CREATE OR REPLACE VIEW memory.fm.v_inv_agg SECURITY INVOKER AS SELECT n_regionkey, count(*) AS nations, max(n_comment) AS last_comment, upper(n_name) AS \"Upper_Name\" FROM tpch.tiny.nation WHERE n_nationkey <> 7 GROUP BY n_regionkey, n_name",
];

/**
 * Views made by another user or in a session of their own: a SECURITY DEFINER view of carl's reads
 * customer with carl's filter and masks (his c_name mask tests current_user); v_inv_bare, made in
 * memory.fm, names its second table bare (memory.fm.region, not the caller's tpch.tiny.region).
 */
export const FILTER_MASK_OWNED_FIXTURES: ReadonlyArray<{ user: string; sql: string; schema?: [catalog: string, schema: string] }> = [
  { user: 'carl', sql: 'CREATE OR REPLACE VIEW memory.fm.v_def_carl SECURITY DEFINER AS SELECT c_custkey, c_name, c_acctbal, c_nationkey FROM tpch.tiny.customer' },
  { user: 'admin', sql: 'CREATE OR REPLACE VIEW memory.fm.v_inv_bare SECURITY INVOKER AS SELECT n.n_name, r.r_name FROM tpch.tiny.nation n JOIN region r ON n.n_regionkey = r.r_regionkey', schema: ['memory', 'fm'] },
];

export interface FilterMaskCase {
  sql: string;
  /** The statement orders its rows completely: compare in order. */
  ordered?: boolean;
}

export const FILTER_MASK_CORPUS: readonly FilterMaskCase[] = [
  // nation: filtered for ann and bob, n_comment and n_regionkey masked for bob
  { sql: 'SELECT * FROM nation' },
  { sql: 'SELECT n_name, n_comment FROM nation ORDER BY n_nationkey', ordered: true },
  { sql: 'SELECT count(*) FROM nation' },
  { sql: 'SELECT n_regionkey, count(*) FROM nation GROUP BY n_regionkey' },
  { sql: "SELECT n_name FROM nation WHERE n_comment = 'redacted'" },
  { sql: 'SELECT n_name FROM nation WHERE n_regionkey IS NULL' },
  { sql: 'SELECT n_name FROM nation ORDER BY n_comment, n_name', ordered: true },
  { sql: 'SELECT n_name, rank() OVER (PARTITION BY n_regionkey ORDER BY n_comment, n_name) FROM nation' },
  { sql: 'SELECT upper(substr(n_comment, 1, 8)), length(n_name) FROM nation' },
  { sql: "SELECT CASE WHEN n_comment = 'redacted' THEN 'hidden' ELSE n_name END FROM nation" },
  { sql: 'SELECT n.n_name, r.r_name, r.r_comment FROM nation n JOIN region r ON n.n_regionkey = r.r_regionkey' },
  { sql: 'SELECT a.n_name, b.n_name FROM nation a JOIN nation b ON a.n_regionkey = b.n_regionkey' },
  { sql: 'SELECT count(*) FROM nation a, nation b' },
  { sql: 'SELECT * FROM (SELECT n_name FROM nation WHERE n_regionkey < 3) t' },
  { sql: 'WITH x AS (SELECT * FROM nation) SELECT count(*), max(n_comment) FROM x' },
  { sql: 'WITH x AS (SELECT n_regionkey FROM nation) SELECT r_name FROM region WHERE r_regionkey IN (SELECT n_regionkey FROM x)' },
  { sql: 'TABLE nation' },
  { sql: 'SELECT n_name FROM nation UNION ALL SELECT r_name FROM region' },
  { sql: 'SELECT n_name FROM nation INTERSECT SELECT n_name FROM tpch.tiny.nation WHERE n_nationkey < 10' },
  { sql: 'SELECT x, y FROM nation AS t(x, y, z, w) WHERE z > 0' },
  { sql: 'SELECT "N_NAME", Nation.N_COMMENT FROM "NATION"' },
  { sql: 'SELECT nation.n_name FROM tpch.tiny.nation ORDER BY 1', ordered: true },
  { sql: 'SELECT n_regionkey, array_agg(n_name ORDER BY n_name) FROM nation GROUP BY n_regionkey' },
  { sql: 'SELECT DISTINCT n_regionkey FROM nation' },
  { sql: 'SELECT (SELECT count(*) FROM nation), (SELECT count(*) FROM customer)' },
  { sql: "EXECUTE IMMEDIATE 'SELECT n_name, n_comment FROM nation WHERE n_nationkey < ?' USING 20" },
  { sql: 'SELECT * FROM TABLE(exclude_columns(input => TABLE(nation), columns => DESCRIPTOR(n_name)))' },
  // region: r_comment masked for ann and bob
  { sql: 'SELECT r_name, r_comment FROM region' },
  { sql: 'SELECT r_name FROM region WHERE r_comment IS NULL' },
  { sql: 'SELECT count(r_comment), count(*) FROM region' },
  // customer: filtered and masked differently for ann, bob, carl, dora; eve's filter reads a denied column
  { sql: 'SELECT c_custkey, c_name, c_phone, c_acctbal FROM customer ORDER BY c_custkey LIMIT 20', ordered: true },
  { sql: 'SELECT count(*), sum(c_acctbal), min(c_phone), max(c_name) FROM customer' },
  { sql: 'SELECT c_mktsegment, count(*), avg(c_acctbal) FROM customer GROUP BY c_mktsegment' },
  { sql: 'SELECT c_nationkey, count(*) FROM customer GROUP BY c_nationkey HAVING count(*) > 50' },
  { sql: 'SELECT c_phone, count(*) FROM customer GROUP BY c_phone ORDER BY 2 DESC, 1 LIMIT 5', ordered: true },
  { sql: "SELECT c_custkey FROM customer WHERE c_phone = '***' ORDER BY c_custkey LIMIT 10", ordered: true },
  { sql: 'SELECT c_custkey FROM customer WHERE c_acctbal = 0 ORDER BY c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT c_address, count(*) FROM customer GROUP BY c_address ORDER BY 2 DESC, 1 LIMIT 3', ordered: true },
  { sql: 'SELECT c.c_name, n.n_name FROM customer c JOIN nation n ON c.c_nationkey = n.n_nationkey ORDER BY c.c_custkey LIMIT 15', ordered: true },
  { sql: 'SELECT n.n_name, count(*) FROM customer c JOIN nation n ON c.c_nationkey = n.n_nationkey GROUP BY n.n_name' },
  { sql: 'SELECT c_name FROM customer WHERE c_nationkey IN (SELECT n_nationkey FROM nation) ORDER BY c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT count(*) FROM customer c WHERE EXISTS (SELECT 1 FROM nation n WHERE n.n_nationkey = c.c_nationkey)' },
  { sql: 'SELECT c_custkey, row_number() OVER (PARTITION BY c_phone ORDER BY c_acctbal DESC, c_custkey) FROM customer ORDER BY c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT a.c_custkey, b.c_custkey FROM customer a JOIN customer b ON a.c_phone = b.c_phone AND a.c_custkey < b.c_custkey ORDER BY 1, 2 LIMIT 10', ordered: true },
  // orders: filtered (with current_user and ||) and o_clerk masked for carl
  { sql: 'SELECT o_orderstatus, o_orderpriority, count(*) FROM orders GROUP BY 1, 2' },
  { sql: 'SELECT o_clerk, count(*) FROM orders GROUP BY o_clerk ORDER BY 2 DESC, 1 LIMIT 5', ordered: true },
  { sql: 'SELECT count(*) FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey' },
  { sql: 'SELECT max(o_totalprice) FROM orders WHERE o_custkey IN (SELECT c_custkey FROM customer WHERE c_acctbal > 100)' },
  // masked columns inside arithmetic and functions (gus: arithmetic and CASE masks, hal: regexp masks)
  { sql: 'SELECT n_regionkey * 2, n_name FROM nation ORDER BY n_nationkey', ordered: true },
  { sql: 'SELECT o_orderkey, o_totalprice, o_comment FROM orders ORDER BY o_orderkey LIMIT 10', ordered: true },
  { sql: 'SELECT sum(c_acctbal), count(DISTINCT c_name), max(length(c_phone)) FROM customer WHERE c_nationkey < 20' },
  // definer views: v_cust has its own filter and mask; v_nat_definer reads nation as admin
  { sql: 'SELECT c_phone, count(*) FROM memory.fm.v_cust GROUP BY c_phone' },
  { sql: 'SELECT v.c_name, n.n_name FROM memory.fm.v_cust v JOIN nation n ON v.c_nationkey = n.n_nationkey ORDER BY v.c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT count(*) FROM memory.fm.v_nat_definer' },
  // invoker views over filtered and masked tables (customer; nation and region joined; an aggregate)
  { sql: 'SELECT c_custkey, c_name, c_phone, c_acctbal FROM memory.fm.v_inv ORDER BY c_custkey LIMIT 20', ordered: true },
  { sql: 'SELECT count(*), sum(c_acctbal), min(c_phone) FROM memory.fm.v_inv' },
  { sql: "SELECT v_inv.c_name FROM memory.fm.v_inv WHERE c_phone = '***' ORDER BY c_custkey LIMIT 5", ordered: true },
  { sql: 'SELECT v.c_name, n.n_name FROM memory.fm.v_inv v JOIN nation n ON v.c_nationkey = n.n_nationkey ORDER BY v.c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT * FROM memory.fm.v_inv_join' },
  // Expanded in the caller's statement, the view's bare `region` must stay memory.fm.region.
  { sql: 'SELECT * FROM memory.fm.v_inv_bare' },
  { sql: 'SELECT r_name, count(*) FROM memory.fm.v_inv_bare GROUP BY r_name' },
  { sql: 'WITH x AS (SELECT * FROM memory.fm.v_inv_join) SELECT r_name, count(*), max(n_comment) FROM x GROUP BY r_name' },
  { sql: 'SELECT * FROM memory.fm.v_inv_agg' },
  // a definer view of carl's: carl's filter and masks for every reader, current_user the reader
  { sql: 'SELECT c_custkey, c_name, c_acctbal FROM memory.fm.v_def_carl ORDER BY c_custkey LIMIT 10', ordered: true },
  { sql: 'SELECT count(*), count(DISTINCT c_name), sum(c_acctbal) FROM memory.fm.v_def_carl' },
  { sql: 'SELECT d.c_name, i.c_phone FROM memory.fm.v_def_carl d JOIN memory.fm.v_inv i ON d.c_custkey = i.c_custkey ORDER BY d.c_custkey LIMIT 10', ordered: true },
];

export function sessionHeaders(user: string): HeaderLines {
  return [
    ['X-Trino-User', user],
    ['X-Trino-Catalog', 'tpch'],
    ['X-Trino-Schema', 'tiny'],
  ];
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(normalizeValue);
  return v;
}

/**
 * What must agree: the columns and rows of an answer (doubles to 12 significant digits: two
 * engines may sum in different orders; rows sorted unless the statement orders them), or the error
 * of a refusal. `types` maps a column type before comparing (the embedded engine has no varchar(n)).
 */
export function comparable(outcome: Outcome, ordered: boolean, types: (type: string) => string = (t) => t): unknown {
  if (!outcome.ok) return { error: outcome.errorName, message: outcome.message?.replace(/^line \d+:\d+: /, '') };
  const rows = (outcome.rows ?? []).map((r) => JSON.stringify(normalizeValue(r)));
  return { columns: outcome.columns?.map((c) => ({ name: c.name, type: types(c.type) })), rows: ordered ? rows : rows.sort() };
}
