/**
 * The analyzer corpus for benchmarks: every differential statement with `{mem}` bound to
 * `memory.bench`, a static metadata provider that answers for it, and the largest statement.
 */
import { corpus } from './corpus.js';
import { StaticMetadata, TPCH_COLUMNS } from './support.js';

export const BENCH_SESSION = { catalog: 'tpch', schema: 'tiny' };

export const BENCH_STATEMENTS: string[] = corpus().map((e) => e.sql.replaceAll('{mem}', 'memory.bench'));

const extra: Record<string, string[]> = {};
for (const [table, cols] of Object.entries(TPCH_COLUMNS)) {
  extra[`memory.bench.${table}`] = cols;
  extra[`memory.bench.v_${table}`] = cols.slice(0, 2);
}

export function benchMetadata(): StaticMetadata {
  return new StaticMetadata(extra);
}

/** A ~300-line TPC-DS-style statement: many CTEs, joins, correlated subqueries, window functions. */
export function largeStatement(ctes = 24): string {
  const parts: string[] = [];
  for (let i = 0; i < ctes; i++) {
    parts.push(`  cte_${i} AS (
    SELECT c.c_custkey AS ck_${i},
           n.n_name AS nation_${i},
           sum(l.l_extendedprice * (1 - l.l_discount)) AS revenue_${i},
           count(DISTINCT o.o_orderkey) AS orders_${i},
           rank() OVER (PARTITION BY n.n_regionkey ORDER BY sum(l.l_quantity) DESC) AS rk_${i}
    FROM customer c
    JOIN orders o ON o.o_custkey = c.c_custkey
    JOIN lineitem l ON l.l_orderkey = o.o_orderkey
    JOIN nation n ON n.n_nationkey = c.c_nationkey
    WHERE o.o_orderdate >= DATE '1995-01-01' + INTERVAL '${i}' DAY
      AND l.l_shipmode IN ('AIR', 'MAIL', 'SHIP')
      AND EXISTS (SELECT 1 FROM supplier s WHERE s.s_nationkey = n.n_nationkey AND s.s_acctbal > ${i})
    GROUP BY c.c_custkey, n.n_name, n.n_regionkey
    HAVING sum(l.l_quantity) > ${i * 10}
  )`);
  }
  const joins = Array.from({ length: ctes - 1 }, (_, i) => `  LEFT JOIN cte_${i + 1} ON cte_${i + 1}.ck_${i + 1} = cte_0.ck_0`).join('\n');
  const cols = Array.from({ length: ctes }, (_, i) => `cte_${i}.revenue_${i}`).join(' + ');
  return `WITH\n${parts.join(',\n')}\nSELECT cte_0.nation_0, ${cols} AS total\nFROM cte_0\n${joins}\nWHERE cte_0.rk_0 <= 10\nORDER BY total DESC\nLIMIT 100`;
}
