/** Shared helpers for the analyzer tests: a static TPC-H catalog and compact expectations. */
import type { MetadataProvider, QualifiedName } from '../../src/sql/analyzer/index.js';

export const TPCH_COLUMNS: Record<string, string[]> = {
  nation: ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
  region: ['r_regionkey', 'r_name', 'r_comment'],
  part: ['p_partkey', 'p_name', 'p_mfgr', 'p_brand', 'p_type', 'p_size', 'p_container', 'p_retailprice', 'p_comment'],
  supplier: ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'],
  partsupp: ['ps_partkey', 'ps_suppkey', 'ps_availqty', 'ps_supplycost', 'ps_comment'],
  customer: ['c_custkey', 'c_name', 'c_address', 'c_nationkey', 'c_phone', 'c_acctbal', 'c_mktsegment', 'c_comment'],
  orders: ['o_orderkey', 'o_custkey', 'o_orderstatus', 'o_totalprice', 'o_orderdate', 'o_orderpriority', 'o_clerk', 'o_shippriority', 'o_comment'],
  lineitem: [
    'l_orderkey', 'l_partkey', 'l_suppkey', 'l_linenumber', 'l_quantity', 'l_extendedprice', 'l_discount', 'l_tax',
    'l_returnflag', 'l_linestatus', 'l_shipdate', 'l_commitdate', 'l_receiptdate', 'l_shipinstruct', 'l_shipmode', 'l_comment',
  ],
};

/** tpch.<any schema>.<table> plus a few extra tables in memory.default for DML tests. */
export class StaticMetadata implements MetadataProvider {
  calls = 0;
  constructor(readonly extra: Record<string, string[]> = {}) {}
  async columnsOf(t: QualifiedName): Promise<string[] | undefined> {
    this.calls++;
    const full = `${t.catalog}.${t.schema}.${t.name}`;
    if (this.extra[full]) return this.extra[full];
    if (t.schema === 'information_schema' && t.name === 'columns')
      return ['table_catalog', 'table_schema', 'table_name', 'column_name', 'ordinal_position', 'column_default', 'is_nullable', 'data_type'];
    if (t.catalog === 'tpch' && t.schema !== 'information_schema') return TPCH_COLUMNS[t.name];
    return undefined;
  }
}

export const SESSION = { catalog: 'tpch', schema: 'tiny' };

export const MEMORY_TABLES: Record<string, string[]> = {
  'memory.default.t1': ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
  'memory.default.people': ['id', 'name', 'phone', 'address', 'tags'],
  'memory.default.v_nation': ['n_name', 'n_comment'],
};
