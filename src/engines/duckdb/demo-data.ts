/**
 * The `demo` catalog: schema `tpch` holds exactly the rows and column types of Trino's `tpch`
 * connector schema `tiny` (scale factor 0.01), so any query can be compared with Trino's answer
 * on the same data. The rows ship as Parquet files in assets/tpch-tiny/, exported from Trino by
 * scripts/tpch-tiny/export.mjs (DuckDB's own tpch extension cannot be loaded offline); loading
 * them takes a few hundred milliseconds. test/engines/tpch-tiny.test.ts checks them against a
 * real Trino by checksums.
 */
import { fileURLToPath } from 'node:url';
import { quoteString } from '../../sql/quoting.js';

export const DEMO_CATALOG = 'demo';
export const DEMO_SCHEMA = 'tpch';

/** Trino's column types of tpch.tiny, in column order, as its information_schema reports them. */
export const TPCH_COLUMNS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  region: [['r_regionkey', 'bigint'], ['r_name', 'varchar(25)'], ['r_comment', 'varchar(152)']],
  nation: [['n_nationkey', 'bigint'], ['n_name', 'varchar(25)'], ['n_regionkey', 'bigint'], ['n_comment', 'varchar(152)']],
  part: [
    ['p_partkey', 'bigint'], ['p_name', 'varchar(55)'], ['p_mfgr', 'varchar(25)'], ['p_brand', 'varchar(10)'], ['p_type', 'varchar(25)'],
    ['p_size', 'integer'], ['p_container', 'varchar(10)'], ['p_retailprice', 'double'], ['p_comment', 'varchar(23)'],
  ],
  supplier: [
    ['s_suppkey', 'bigint'], ['s_name', 'varchar(25)'], ['s_address', 'varchar(40)'], ['s_nationkey', 'bigint'],
    ['s_phone', 'varchar(15)'], ['s_acctbal', 'double'], ['s_comment', 'varchar(101)'],
  ],
  partsupp: [['ps_partkey', 'bigint'], ['ps_suppkey', 'bigint'], ['ps_availqty', 'integer'], ['ps_supplycost', 'double'], ['ps_comment', 'varchar(199)']],
  customer: [
    ['c_custkey', 'bigint'], ['c_name', 'varchar(25)'], ['c_address', 'varchar(40)'], ['c_nationkey', 'bigint'], ['c_phone', 'varchar(15)'],
    ['c_acctbal', 'double'], ['c_mktsegment', 'varchar(10)'], ['c_comment', 'varchar(117)'],
  ],
  orders: [
    ['o_orderkey', 'bigint'], ['o_custkey', 'bigint'], ['o_orderstatus', 'varchar(1)'], ['o_totalprice', 'double'], ['o_orderdate', 'date'],
    ['o_orderpriority', 'varchar(15)'], ['o_clerk', 'varchar(15)'], ['o_shippriority', 'integer'], ['o_comment', 'varchar(79)'],
  ],
  lineitem: [
    ['l_orderkey', 'bigint'], ['l_partkey', 'bigint'], ['l_suppkey', 'bigint'], ['l_linenumber', 'integer'], ['l_quantity', 'double'],
    ['l_extendedprice', 'double'], ['l_discount', 'double'], ['l_tax', 'double'], ['l_returnflag', 'varchar(1)'], ['l_linestatus', 'varchar(1)'],
    ['l_shipdate', 'date'], ['l_commitdate', 'date'], ['l_receiptdate', 'date'], ['l_shipinstruct', 'varchar(25)'], ['l_shipmode', 'varchar(10)'],
    ['l_comment', 'varchar(44)'],
  ],
};

/** The Trino columns of a demo table, or undefined when `catalog.schema.table` is not one (names compared case-insensitively). */
export function demoTableColumns(catalog: string, schema: string, table: string): ReadonlyArray<readonly [string, string]> | undefined {
  if (catalog.toLowerCase() !== DEMO_CATALOG || schema.toLowerCase() !== DEMO_SCHEMA) return undefined;
  return Object.hasOwn(TPCH_COLUMNS, table.toLowerCase()) ? TPCH_COLUMNS[table.toLowerCase()] : undefined;
}

const DATA_DIR = fileURLToPath(new URL('../../../../assets/tpch-tiny/', import.meta.url));

/** DuckDB's storage type for a tpch column type: the varchar lengths live in TPCH_COLUMNS. */
const storageType = (type: string): string => (type.startsWith('varchar') ? 'VARCHAR' : type.toUpperCase());

/** Statements run in order on one connection, before external access is switched off. */
export const DEMO_STATEMENTS: readonly string[] = [
  `ATTACH ':memory:' AS ${DEMO_CATALOG}`,
  `CREATE SCHEMA ${DEMO_CATALOG}.${DEMO_SCHEMA}`,
  ...Object.entries(TPCH_COLUMNS).map(
    ([table, columns]) =>
      `CREATE TABLE ${DEMO_CATALOG}.${DEMO_SCHEMA}.${table} AS SELECT ${columns.map(([name, type]) => `CAST(${name} AS ${storageType(type)}) AS ${name}`).join(', ')} FROM read_parquet(${quoteString(`${DATA_DIR}${table}.parquet`)})`,
  ),
];
