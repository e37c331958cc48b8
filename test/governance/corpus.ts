/**
 * The decision differential's corpus: statements × users sent to Trino with file-based access
 * control (rules.json, groups.txt) and through Querygate. Every statement kind the analyzer knows,
 * with lexical variants, prepared statements in both header forms, EXECUTE IMMEDIATE, EXPLAIN,
 * views of both security modes, session and identity headers, and DDL/DML on the memory catalog
 * (fixtures recreated after any statement that changed them).
 *
 * Row filters and column masks (user fiona) are included: the gateway refuses them (fail closed)
 * until their own issue lands, so those pairs are listed in the allow-list as stricter.
 */
import { formEncode } from '../../src/protocol/session.js';
import type { HeaderLines } from './client.js';

export const USERS = [
  'admin', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'olga', 'fiona', 'alice_svc',
] as const;

/** Ids of queries kept running (not polled) on each engine, for CALL system.runtime.kill_query. */
export interface Victims {
  admin: string;
  alice: string;
}

export interface Case {
  id: string;
  sql: string | ((victims: Victims) => string);
  users?: readonly string[];
  /** All header lines for a user (default: X-Trino-User, plus `session`). */
  headers?: (user: string) => HeaderLines;
  /** X-Trino-Catalog / X-Trino-Schema. */
  session?: { catalog: string; schema?: string };
  /** Statements (run as admin on both engines) restoring the fixtures after a case that succeeded somewhere. */
  reset?: readonly string[];
  /** Needs running kill_query victims. */
  kills?: true;
}

/** Fixtures on the memory catalog, created as admin on both engines before the corpus runs. */
export const FIXTURES: readonly string[] = [
  'CREATE SCHEMA IF NOT EXISTS memory.dd_open',
  'CREATE SCHEMA IF NOT EXISTS memory.dd_secret',
  'CREATE SCHEMA IF NOT EXISTS memory.dd_work',
  'CREATE SCHEMA IF NOT EXISTS memory.dd_empty',
  'DROP VIEW IF EXISTS memory.dd_open.v_definer',
  'DROP VIEW IF EXISTS memory.dd_open.v_invoker',
  'DROP VIEW IF EXISTS memory.dd_open.v_inv_ok',
  'DROP TABLE IF EXISTS memory.dd_open.t_public',
  'DROP TABLE IF EXISTS memory.dd_secret.t_secret',
  'DROP TABLE IF EXISTS memory.dd_work.t_work',
  'CREATE TABLE memory.dd_open.t_public AS SELECT n_nationkey, n_name FROM tpch.tiny.nation',
  'CREATE TABLE memory.dd_secret.t_secret AS SELECT c_custkey, c_phone FROM tpch.tiny.customer WHERE c_custkey < 5',
  "CREATE TABLE memory.dd_work.t_work AS SELECT BIGINT '1' AS id, 'one' AS v",
  'CREATE VIEW memory.dd_open.v_definer SECURITY DEFINER AS SELECT c_custkey, c_phone FROM memory.dd_secret.t_secret',
  'CREATE VIEW memory.dd_open.v_invoker SECURITY INVOKER AS SELECT c_custkey, c_phone FROM memory.dd_secret.t_secret',
  'CREATE VIEW memory.dd_open.v_inv_ok SECURITY INVOKER AS SELECT n_name FROM memory.dd_open.t_public',
];

const RESET_WORK = ['DROP TABLE IF EXISTS memory.dd_work.t_work', "CREATE TABLE memory.dd_work.t_work AS SELECT BIGINT '1' AS id, 'one' AS v"];
const RESET_PUBLIC = ['DROP TABLE IF EXISTS memory.dd_open.t_public', 'CREATE TABLE memory.dd_open.t_public AS SELECT n_nationkey, n_name FROM tpch.tiny.nation'];

const TPCH = { catalog: 'tpch', schema: 'tiny' };

function prepared(name: string, sql: string): string {
  return `${name}=${formEncode(sql)}`;
}

const withHeaders =
  (...extra: Array<readonly [string, string]>) =>
  (user: string): HeaderLines => [['X-Trino-User', user], ...extra];

const reads: Case[] = [
  { id: 'count-nation', sql: 'SELECT count(*) FROM tpch.tiny.nation' },
  { id: 'nation-name', sql: 'SELECT n_name FROM tpch.tiny.nation' },
  { id: 'nation-session', sql: 'SELECT n_name FROM nation', session: TPCH },
  { id: 'customer-name', sql: 'SELECT c_name FROM tpch.tiny.customer' },
  { id: 'customer-phone', sql: 'SELECT c_phone FROM tpch.tiny.customer' },
  { id: 'customer-acctbal-rule-case', sql: 'SELECT c_acctbal FROM tpch.tiny.customer' },
  { id: 'customer-star', sql: 'SELECT * FROM tpch.tiny.customer' },
  { id: 'customer-count-star', sql: 'SELECT count(*) FROM tpch.tiny.customer' },
  { id: 'exclude-columns', sql: 'SELECT * FROM TABLE(exclude_columns(input => TABLE(tpch.tiny.customer), columns => DESCRIPTOR(c_phone, c_acctbal)))' },
  { id: 'exclude-columns-keeps-phone', sql: 'SELECT * FROM TABLE(exclude_columns(input => TABLE(tpch.tiny.customer), columns => DESCRIPTOR(c_name)))' },
  { id: 'orders-key', sql: 'SELECT o_orderkey FROM tpch.tiny.orders' },
  { id: 'orders-comment', sql: 'SELECT o_comment FROM tpch.tiny.orders' },
  { id: 'sf1-nation', sql: 'SELECT count(*) FROM tpch.sf1.nation' },
  { id: 'sf100-nation', sql: 'SELECT count(*) FROM tpch.sf100.nation' },
  { id: 'region', sql: 'SELECT r_name FROM tpch.tiny.region' },
  { id: 'cte-shadow', sql: 'WITH customer AS (SELECT * FROM tpch.tiny.customer) SELECT c_name FROM customer' },
  { id: 'where-only', sql: "SELECT c_name FROM tpch.tiny.customer WHERE c_phone LIKE '1%'" },
  { id: 'quoted-upper', sql: 'SELECT "C_PHONE" FROM "TPCH"."TINY"."CUSTOMER"' },
  { id: 'quoted-name', sql: 'SELECT "c_name" FROM "tpch"."tiny"."customer"' },
  { id: 'comment-dot', sql: 'SELECT customer/**/./**/c_name FROM tpch.tiny.customer' },
  { id: 'line-comment-lf', sql: 'SELECT n_name -- , c_phone\nFROM tpch.tiny.nation' },
  { id: 'line-comment-cr', sql: 'SELECT n_name FROM tpch.tiny.nation --\r UNION ALL SELECT o_comment FROM tpch.tiny.orders' },
  { id: 'line-comment-crlf', sql: 'SELECT n_name FROM tpch.tiny.nation --\r\n UNION ALL SELECT o_comment FROM tpch.tiny.orders' },
  { id: 'block-comment', sql: 'SELECT /* c_phone */ c_name FROM tpch.tiny.customer' },
  { id: 'block-comment-multiline', sql: 'SELECT n_name /* line one\nline two */ FROM tpch.tiny.nation' },
  { id: 'unicode-alias', sql: 'SELECT n_name AS "ñämé" FROM tpch.tiny.nation' },
  { id: 'unicode-escape-string', sql: "SELECT U&'\\0041\\00F1' AS s" },
  { id: 'unicode-escape-uescape', sql: "SELECT U&'#0041' UESCAPE '#' AS s" },
  { id: 'tab-whitespace', sql: 'SELECT\tn_name\tFROM\ttpch.tiny.nation' },
  { id: 'union-denied', sql: 'SELECT c_name FROM tpch.tiny.customer UNION ALL SELECT c_phone FROM tpch.tiny.customer' },
  { id: 'correlated', sql: 'SELECT n_name FROM tpch.tiny.nation n WHERE EXISTS (SELECT 1 FROM tpch.tiny.customer c WHERE c.c_nationkey = n.n_nationkey AND c.c_phone IS NOT NULL)' },
  { id: 'join', sql: 'SELECT n.n_name, r.r_name FROM tpch.tiny.nation n JOIN tpch.tiny.region r ON n.n_regionkey = r.r_regionkey' },
  { id: 'literal-only', sql: 'SELECT 1' },
  { id: 'values', sql: 'SELECT * FROM (VALUES (1, 2)) AS t (a, b)' },
  { id: 'builtin-function', sql: 'SELECT abs(-1), lower(n_name) FROM tpch.tiny.nation' },
  { id: 'json-query', sql: `SELECT json_query('{"a":[1,2]}', 'lax $.a')` },
  { id: 'json-value', sql: `SELECT json_value('{"a":1}', 'lax $.a')` },
  { id: 'json-table', sql: `SELECT * FROM JSON_TABLE('[1,2]', 'lax $[*]' COLUMNS (x integer PATH 'lax $'))` },
  { id: 'with-function', sql: 'WITH FUNCTION plus_one(x bigint) RETURNS bigint RETURN x + 1 SELECT plus_one(n_nationkey) FROM tpch.tiny.nation' },
  { id: 'sequence-table-function', sql: 'SELECT * FROM TABLE(sequence(start => 1, stop => 3))' },
  { id: 'deep-nesting', sql: `SELECT ${'('.repeat(250)}1${')'.repeat(250)}` },
  { id: 'view-definer', sql: 'SELECT * FROM memory.dd_open.v_definer' },
  { id: 'view-invoker', sql: 'SELECT * FROM memory.dd_open.v_invoker' },
  { id: 'view-invoker-ok', sql: 'SELECT * FROM memory.dd_open.v_inv_ok' },
  { id: 'table-public', sql: 'SELECT * FROM memory.dd_open.t_public' },
  { id: 'table-secret', sql: 'SELECT * FROM memory.dd_secret.t_secret' },
  { id: 'system-queries', sql: 'SELECT count(*) FROM system.runtime.queries' },
  { id: 'system-nodes', sql: 'SELECT count(*) FROM system.runtime.nodes' },
  { id: 'system-catalogs', sql: 'SELECT count(*) FROM system.metadata.catalogs' },
  { id: 'information-schema-tables', sql: "SELECT count(*) FROM tpch.information_schema.tables WHERE table_schema = 'tiny'" },
  { id: 'information-schema-columns', sql: "SELECT count(*) FROM tpch.information_schema.columns WHERE table_name = 'customer'" },
];

const wrappers: Case[] = [
  { id: 'explain-phone', sql: 'EXPLAIN SELECT c_phone FROM tpch.tiny.customer' },
  { id: 'explain-name', sql: 'EXPLAIN SELECT c_name FROM tpch.tiny.customer' },
  { id: 'explain-io', sql: 'EXPLAIN (TYPE IO, FORMAT JSON) SELECT n_name FROM tpch.tiny.nation' },
  { id: 'explain-analyze', sql: 'EXPLAIN ANALYZE SELECT n_name FROM tpch.tiny.nation' },
  { id: 'explain-analyze-phone', sql: 'EXPLAIN ANALYZE SELECT c_phone FROM tpch.tiny.customer' },
  { id: 'execute-immediate-phone', sql: "EXECUTE IMMEDIATE 'SELECT c_phone FROM tpch.tiny.customer'" },
  { id: 'execute-immediate-using', sql: "EXECUTE IMMEDIATE 'SELECT n_name FROM tpch.tiny.nation WHERE n_nationkey = ?' USING 1" },
  { id: 'execute-header', sql: 'EXECUTE p USING 1', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT n_name FROM tpch.tiny.nation WHERE n_nationkey = ?')]) },
  { id: 'execute-header-phone', sql: 'EXECUTE p', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT c_phone FROM tpch.tiny.customer')]) },
  {
    id: 'execute-header-list',
    sql: 'EXECUTE q',
    headers: withHeaders(['X-Trino-Prepared-Statement', `${prepared('p', 'SELECT 1')},${prepared('q', 'SELECT o_comment FROM tpch.tiny.orders')}`]),
  },
  {
    id: 'execute-header-two-lines',
    sql: 'EXECUTE q',
    headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT 1')], ['X-Trino-Prepared-Statement', prepared('q', 'SELECT r_name FROM tpch.tiny.region')]),
  },
  {
    id: 'execute-presto-headers',
    sql: 'EXECUTE p',
    headers: (user) => [['X-Presto-User', user], ['X-Presto-Prepared-Statement', prepared('p', 'SELECT c_phone FROM tpch.tiny.customer')]],
  },
  {
    id: 'execute-presto-headers-ok',
    sql: 'EXECUTE p',
    headers: (user) => [['X-Presto-User', user], ['X-Presto-Prepared-Statement', prepared('p', 'SELECT n_name FROM tpch.tiny.nation')]],
  },
  { id: 'execute-header-cr-comment', sql: 'EXECUTE p', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT n_name FROM tpch.tiny.nation --\r UNION ALL SELECT o_comment FROM tpch.tiny.orders')]) },
  { id: 'describe-input', sql: 'DESCRIBE INPUT p', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT c_phone FROM tpch.tiny.customer WHERE c_custkey = ?')]) },
  { id: 'describe-output', sql: 'DESCRIBE OUTPUT p', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT c_phone FROM tpch.tiny.customer')]) },
  { id: 'prepare', sql: 'PREPARE p FROM SELECT c_phone FROM tpch.tiny.customer' },
  { id: 'deallocate', sql: 'DEALLOCATE PREPARE p', headers: withHeaders(['X-Trino-Prepared-Statement', prepared('p', 'SELECT 1')]) },
];

const metadata: Case[] = [
  { id: 'show-catalogs', sql: 'SHOW CATALOGS' },
  { id: 'show-schemas-tpch', sql: 'SHOW SCHEMAS FROM tpch' },
  { id: 'show-schemas-memory', sql: 'SHOW SCHEMAS FROM memory' },
  { id: 'show-tables-tiny', sql: 'SHOW TABLES FROM tpch.tiny' },
  { id: 'show-tables-secret', sql: 'SHOW TABLES FROM memory.dd_secret' },
  { id: 'show-columns', sql: 'SHOW COLUMNS FROM tpch.tiny.customer' },
  { id: 'describe', sql: 'DESCRIBE tpch.tiny.orders' },
  { id: 'show-create-table', sql: 'SHOW CREATE TABLE memory.dd_open.t_public' },
  { id: 'show-create-view', sql: 'SHOW CREATE VIEW memory.dd_open.v_definer' },
  { id: 'show-create-schema', sql: 'SHOW CREATE SCHEMA memory.dd_open' },
  { id: 'show-stats', sql: 'SHOW STATS FOR tpch.tiny.nation' },
  { id: 'show-stats-query', sql: 'SHOW STATS FOR (SELECT c_phone FROM tpch.tiny.customer)' },
  { id: 'show-functions', sql: 'SHOW FUNCTIONS LIKE \'abs\'' },
  { id: 'show-session', sql: "SHOW SESSION LIKE 'query_max_run_time'" },
  { id: 'show-roles', sql: 'SHOW ROLES' },
  { id: 'show-current-roles', sql: 'SHOW CURRENT ROLES' },
  { id: 'show-role-grants', sql: 'SHOW ROLE GRANTS' },
  { id: 'show-grants', sql: 'SHOW GRANTS ON TABLE tpch.tiny.nation' },
  { id: 'show-create-mv', sql: 'SHOW CREATE MATERIALIZED VIEW memory.dd_work.mv' },
];

const session: Case[] = [
  { id: 'use-tiny', sql: 'USE tpch.tiny' },
  { id: 'use-sf100', sql: 'USE tpch.sf100' },
  { id: 'use-secret', sql: 'USE memory.dd_secret' },
  { id: 'use-schema-only', sql: 'USE sf100', session: { catalog: 'tpch' } },
  { id: 'set-session', sql: "SET SESSION query_max_run_time = '1h'" },
  { id: 'set-session-join', sql: "SET SESSION join_distribution_type = 'BROADCAST'" },
  { id: 'set-session-other', sql: 'SET SESSION optimize_hash_generation = true' },
  { id: 'set-catalog-session', sql: 'SET SESSION memory.some_property = 1' },
  { id: 'reset-session', sql: 'RESET SESSION query_max_run_time' },
  { id: 'session-header', sql: 'SELECT 1', headers: withHeaders(['X-Trino-Session', 'query_max_run_time=1h']) },
  { id: 'session-header-denied', sql: 'SELECT 1', headers: withHeaders(['X-Trino-Session', 'optimize_hash_generation=true']) },
  { id: 'set-role-none', sql: 'SET ROLE NONE' },
  { id: 'set-role-all', sql: 'SET ROLE ALL' },
  { id: 'set-role-named', sql: 'SET ROLE analysts' },
  { id: 'set-path', sql: 'SET PATH system.builtin' },
  { id: 'set-path-catalog', sql: 'SET PATH memory.dd_fn' },
  { id: 'path-header', sql: 'SELECT abs(-1)', headers: withHeaders(['X-Trino-Path', 'system.builtin']) },
  { id: 'path-header-catalog', sql: 'SELECT abs(-1)', headers: withHeaders(['X-Trino-Path', 'memory.dd_fn']) },
  { id: 'set-time-zone', sql: "SET TIME ZONE 'UTC'" },
  { id: 'start-transaction', sql: 'START TRANSACTION' },
  { id: 'commit', sql: 'COMMIT' },
  { id: 'rollback', sql: 'ROLLBACK' },
  { id: 'set-session-authorization', sql: 'SET SESSION AUTHORIZATION alice' },
  { id: 'set-session-authorization-admin', sql: "SET SESSION AUTHORIZATION 'admin'" },
  { id: 'reset-session-authorization', sql: 'RESET SESSION AUTHORIZATION' },
  { id: 'original-user-admin', sql: 'SELECT n_name FROM tpch.tiny.nation', headers: withHeaders(['X-Trino-Original-User', 'admin']) },
  { id: 'original-user-heidi', sql: 'SELECT n_name FROM tpch.tiny.nation', headers: withHeaders(['X-Trino-Original-User', 'heidi']) },
  { id: 'original-user-mallory', sql: 'SELECT n_name FROM tpch.tiny.nation', headers: withHeaders(['X-Trino-Original-User', 'mallory']) },
  { id: 'original-user-svc', sql: 'SELECT n_name FROM tpch.tiny.nation', headers: withHeaders(['X-Trino-Original-User', 'alice_svc']) },
  { id: 'two-user-lines', sql: 'SELECT c_phone FROM tpch.tiny.customer', headers: (user) => [['X-Trino-User', user], ['X-Trino-User', 'admin']] },
  { id: 'two-user-lines-admin-first', sql: 'SELECT c_phone FROM tpch.tiny.customer', headers: (user) => [['X-Trino-User', 'admin'], ['X-Trino-User', user]], users: ['alice', 'mallory'] },
];

const procedures: Case[] = [
  { id: 'kill-admin-query', sql: (v) => `CALL system.runtime.kill_query(query_id => '${v.admin}', message => 'differential')`, kills: true },
  { id: 'kill-alice-query', sql: (v) => `CALL system.runtime.kill_query(query_id => '${v.alice}', message => 'differential')`, kills: true },
  { id: 'kill-missing-query', sql: "CALL system.runtime.kill_query(query_id => '20200101_000000_00000_aaaaa', message => 'x')" },
];

const ddl: Case[] = [
  { id: 'create-schema', sql: 'CREATE SCHEMA memory.dd_new1', reset: ['DROP SCHEMA IF EXISTS memory.dd_new1'] },
  { id: 'create-schema-other', sql: 'CREATE SCHEMA memory.dd_other', reset: ['DROP SCHEMA IF EXISTS memory.dd_other'] },
  { id: 'drop-schema-missing', sql: 'DROP SCHEMA IF EXISTS memory.dd_new_missing' },
  { id: 'drop-schema', sql: 'DROP SCHEMA memory.dd_empty', reset: ['CREATE SCHEMA IF NOT EXISTS memory.dd_empty'] },
  { id: 'rename-schema', sql: 'ALTER SCHEMA memory.dd_empty RENAME TO dd_new2', reset: ['DROP SCHEMA IF EXISTS memory.dd_new2', 'CREATE SCHEMA IF NOT EXISTS memory.dd_empty'] },
  { id: 'schema-authorization-user', sql: 'ALTER SCHEMA memory.dd_work SET AUTHORIZATION USER carol' },
  { id: 'schema-authorization-role', sql: 'ALTER SCHEMA memory.dd_work SET AUTHORIZATION ROLE analysts' },
  { id: 'create-table', sql: 'CREATE TABLE memory.dd_work.t_new (x bigint)', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_new'] },
  { id: 'create-table-open', sql: 'CREATE TABLE memory.dd_open.t_new (x bigint)', reset: ['DROP TABLE IF EXISTS memory.dd_open.t_new'] },
  { id: 'ctas', sql: 'CREATE TABLE memory.dd_work.t_ctas AS SELECT n_name FROM tpch.tiny.nation', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_ctas'] },
  { id: 'ctas-phone', sql: 'CREATE TABLE memory.dd_work.t_ctas AS SELECT c_phone FROM tpch.tiny.customer', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_ctas'] },
  { id: 'ctas-invoker-view', sql: 'CREATE TABLE memory.dd_work.t_ctas AS SELECT * FROM memory.dd_open.v_invoker', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_ctas'] },
  { id: 'create-table-like', sql: 'CREATE TABLE memory.dd_work.t_like (LIKE memory.dd_work.t_work INCLUDING PROPERTIES)', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_like'] },
  { id: 'insert-values', sql: "INSERT INTO memory.dd_work.t_work VALUES (2, 'two')", reset: RESET_WORK },
  { id: 'insert-public', sql: "INSERT INTO memory.dd_open.t_public VALUES (99, 'x')", reset: RESET_PUBLIC },
  { id: 'insert-select-phone', sql: 'INSERT INTO memory.dd_work.t_work SELECT c_custkey, c_phone FROM tpch.tiny.customer', reset: RESET_WORK },
  { id: 'insert-select-invoker', sql: 'INSERT INTO memory.dd_work.t_work SELECT * FROM memory.dd_open.v_invoker', reset: RESET_WORK },
  { id: 'delete', sql: 'DELETE FROM memory.dd_work.t_work WHERE id = 1', reset: RESET_WORK },
  { id: 'update', sql: "UPDATE memory.dd_work.t_work SET v = 'x'", reset: RESET_WORK },
  { id: 'merge', sql: "MERGE INTO memory.dd_work.t_work t USING (VALUES (1)) s (id) ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 'm'", reset: RESET_WORK },
  { id: 'truncate', sql: 'TRUNCATE TABLE memory.dd_work.t_work', reset: RESET_WORK },
  { id: 'drop-table', sql: 'DROP TABLE memory.dd_work.t_work', reset: RESET_WORK },
  { id: 'drop-table-public', sql: 'DROP TABLE memory.dd_open.t_public', reset: RESET_PUBLIC },
  { id: 'rename-table', sql: 'ALTER TABLE memory.dd_work.t_work RENAME TO t_work2', reset: ['DROP TABLE IF EXISTS memory.dd_work.t_work2', ...RESET_WORK] },
  { id: 'add-column', sql: 'ALTER TABLE memory.dd_work.t_work ADD COLUMN z bigint', reset: RESET_WORK },
  { id: 'drop-column', sql: 'ALTER TABLE memory.dd_work.t_work DROP COLUMN v', reset: RESET_WORK },
  { id: 'rename-column', sql: 'ALTER TABLE memory.dd_work.t_work RENAME COLUMN v TO w', reset: RESET_WORK },
  { id: 'alter-column-type', sql: 'ALTER TABLE memory.dd_work.t_work ALTER COLUMN id SET DATA TYPE bigint', reset: RESET_WORK },
  { id: 'set-table-properties', sql: 'ALTER TABLE memory.dd_work.t_work SET PROPERTIES foo = 1', reset: RESET_WORK },
  { id: 'table-authorization', sql: 'ALTER TABLE memory.dd_work.t_work SET AUTHORIZATION carol', reset: RESET_WORK },
  { id: 'table-execute', sql: 'ALTER TABLE memory.dd_work.t_work EXECUTE optimize', reset: RESET_WORK },
  { id: 'comment-table', sql: "COMMENT ON TABLE memory.dd_work.t_work IS 'c'", reset: RESET_WORK },
  { id: 'comment-column', sql: "COMMENT ON COLUMN memory.dd_work.t_work.v IS 'c'", reset: RESET_WORK },
  { id: 'analyze', sql: 'ANALYZE memory.dd_work.t_work' },
  { id: 'create-view', sql: 'CREATE VIEW memory.dd_work.v_new AS SELECT n_name FROM tpch.tiny.nation', reset: ['DROP VIEW IF EXISTS memory.dd_work.v_new'] },
  { id: 'create-view-invoker-phone', sql: 'CREATE VIEW memory.dd_work.v_new SECURITY INVOKER AS SELECT c_phone FROM tpch.tiny.customer', reset: ['DROP VIEW IF EXISTS memory.dd_work.v_new'] },
  { id: 'create-view-definer-phone', sql: 'CREATE VIEW memory.dd_work.v_new SECURITY DEFINER AS SELECT c_phone FROM tpch.tiny.customer', reset: ['DROP VIEW IF EXISTS memory.dd_work.v_new'] },
  {
    id: 'drop-view',
    sql: 'DROP VIEW memory.dd_open.v_inv_ok',
    reset: ['DROP VIEW IF EXISTS memory.dd_open.v_inv_ok', 'CREATE VIEW memory.dd_open.v_inv_ok SECURITY INVOKER AS SELECT n_name FROM memory.dd_open.t_public'],
  },
  {
    id: 'rename-view',
    sql: 'ALTER VIEW memory.dd_open.v_inv_ok RENAME TO v_renamed',
    reset: ['DROP VIEW IF EXISTS memory.dd_open.v_renamed', 'DROP VIEW IF EXISTS memory.dd_open.v_inv_ok', 'CREATE VIEW memory.dd_open.v_inv_ok SECURITY INVOKER AS SELECT n_name FROM memory.dd_open.t_public'],
  },
  { id: 'view-authorization', sql: 'ALTER VIEW memory.dd_open.v_inv_ok SET AUTHORIZATION bob' },
  { id: 'create-mv', sql: 'CREATE MATERIALIZED VIEW memory.dd_work.mv AS SELECT 1 AS x' },
  { id: 'refresh-mv', sql: 'REFRESH MATERIALIZED VIEW memory.dd_work.mv' },
  { id: 'drop-mv', sql: 'DROP MATERIALIZED VIEW IF EXISTS memory.dd_work.mv' },
  { id: 'create-function', sql: 'CREATE FUNCTION memory.dd_work.f_new(x bigint) RETURNS bigint RETURN x + 1', reset: ['DROP FUNCTION IF EXISTS memory.dd_work.f_new(bigint)'] },
  { id: 'drop-function', sql: 'DROP FUNCTION IF EXISTS memory.dd_work.f_missing(bigint)' },
  { id: 'grant', sql: 'GRANT SELECT ON tpch.tiny.nation TO USER alice' },
  { id: 'revoke', sql: 'REVOKE SELECT ON tpch.tiny.nation FROM USER alice' },
  { id: 'deny', sql: 'DENY SELECT ON tpch.tiny.nation TO USER alice' },
  { id: 'grant-schema', sql: 'GRANT SELECT ON SCHEMA tpch.tiny TO USER alice' },
  { id: 'create-role', sql: 'CREATE ROLE dd_role' },
  { id: 'drop-role', sql: 'DROP ROLE dd_role' },
  { id: 'grant-role', sql: 'GRANT dd_role TO USER alice' },
  { id: 'revoke-role', sql: 'REVOKE dd_role FROM USER alice' },
];

export const CORPUS: readonly Case[] = [...reads, ...wrappers, ...metadata, ...session, ...procedures, ...ddl];
