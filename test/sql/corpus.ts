/**
 * Differential corpus: TPC-H's 22 queries, TPC-DS-style shapes over TPC-H tables generated per table,
 * and hand-written tricky shapes. `{mem}` is a memory-catalog schema created by the differential test
 * (it holds empty copies of the TPC-H tables and views `v_<table>` selecting the first two columns).
 *
 * `difference` documents a known, accepted disagreement with what Trino records in
 * QueryInfo.referencedTables (the differential test asserts that these still differ, so a fixed
 * difference gets noticed and the note removed).
 */
import { TPCH_COLUMNS } from './support.js';

export interface CorpusEntry {
  id: string;
  sql: string;
  /** Why the gateway legitimately reports something else than Trino for this statement. */
  difference?: string;
}

export const TPCH_QUERIES: string[] = [
  `select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price, sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge, avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order from lineitem where l_shipdate <= date '1998-12-01' - interval '90' day group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus`,
  `select s_acctbal, s_name, n_name, p_partkey, p_mfgr, s_address, s_phone, s_comment from part, supplier, partsupp, nation, region where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15 and p_type like '%BRASS' and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE' and ps_supplycost = (select min(ps_supplycost) from partsupp, supplier, nation, region where p_partkey = ps_partkey and s_suppkey = ps_suppkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE') order by s_acctbal desc, n_name, s_name, p_partkey limit 100`,
  `select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority from customer, orders, lineitem where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15' group by l_orderkey, o_orderdate, o_shippriority order by revenue desc, o_orderdate limit 10`,
  `select o_orderpriority, count(*) as order_count from orders where o_orderdate >= date '1993-07-01' and o_orderdate < date '1993-07-01' + interval '3' month and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate) group by o_orderpriority order by o_orderpriority`,
  `select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue from customer, orders, lineitem, supplier, nation, region where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey and c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'ASIA' and o_orderdate >= date '1994-01-01' and o_orderdate < date '1994-01-01' + interval '1' year group by n_name order by revenue desc`,
  `select sum(l_extendedprice * l_discount) as revenue from lineitem where l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year and l_discount between 0.06 - 0.01 and 0.06 + 0.01 and l_quantity < 24`,
  `select supp_nation, cust_nation, l_year, sum(volume) as revenue from (select n1.n_name as supp_nation, n2.n_name as cust_nation, extract(year from l_shipdate) as l_year, l_extendedprice * (1 - l_discount) as volume from supplier, lineitem, orders, customer, nation n1, nation n2 where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey and s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey and ((n1.n_name = 'FRANCE' and n2.n_name = 'GERMANY') or (n1.n_name = 'GERMANY' and n2.n_name = 'FRANCE')) and l_shipdate between date '1995-01-01' and date '1996-12-31') as shipping group by supp_nation, cust_nation, l_year order by supp_nation, cust_nation, l_year`,
  `select o_year, sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share from (select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation from part, supplier, lineitem, orders, customer, nation n1, nation n2, region where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = 'AMERICA' and s_nationkey = n2.n_nationkey and o_orderdate between date '1995-01-01' and date '1996-12-31' and p_type = 'ECONOMY ANODIZED STEEL') as all_nations group by o_year order by o_year`,
  `select nation, o_year, sum(amount) as sum_profit from (select n_name as nation, extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount from part, supplier, lineitem, partsupp, orders, nation where s_suppkey = l_suppkey and ps_suppkey = l_suppkey and ps_partkey = l_partkey and p_partkey = l_partkey and o_orderkey = l_orderkey and s_nationkey = n_nationkey and p_name like '%green%') as profit group by nation, o_year order by nation, o_year desc`,
  `select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name, c_address, c_phone, c_comment from customer, orders, lineitem, nation where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01' and o_orderdate < date '1993-10-01' + interval '3' month and l_returnflag = 'R' and c_nationkey = n_nationkey group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment order by revenue desc limit 20`,
  `select ps_partkey, sum(ps_supplycost * ps_availqty) as value from partsupp, supplier, nation where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY' group by ps_partkey having sum(ps_supplycost * ps_availqty) > (select sum(ps_supplycost * ps_availqty) * 0.0001 from partsupp, supplier, nation where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = 'GERMANY') order by value desc`,
  `select l_shipmode, sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end) as high_line_count, sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) as low_line_count from orders, lineitem where o_orderkey = l_orderkey and l_shipmode in ('MAIL', 'SHIP') and l_commitdate < l_receiptdate and l_shipdate < l_commitdate and l_receiptdate >= date '1994-01-01' and l_receiptdate < date '1994-01-01' + interval '1' year group by l_shipmode order by l_shipmode`,
  `select c_count, count(*) as custdist from (select c_custkey, count(o_orderkey) from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey) as c_orders (c_custkey, c_count) group by c_count order by custdist desc, c_count desc`,
  `select 100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount) else 0 end) / sum(l_extendedprice * (1 - l_discount)) as promo_revenue from lineitem, part where l_partkey = p_partkey and l_shipdate >= date '1995-09-01' and l_shipdate < date '1995-09-01' + interval '1' month`,
  `with revenue0 (supplier_no, total_revenue) as (select l_suppkey, sum(l_extendedprice * (1 - l_discount)) from lineitem where l_shipdate >= date '1996-01-01' and l_shipdate < date '1996-01-01' + interval '3' month group by l_suppkey) select s_suppkey, s_name, s_address, s_phone, total_revenue from supplier, revenue0 where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0) order by s_suppkey`,
  `select p_brand, p_type, p_size, count(distinct ps_suppkey) as supplier_cnt from partsupp, part where p_partkey = ps_partkey and p_brand <> 'Brand#45' and p_type not like 'MEDIUM POLISHED%' and p_size in (49, 14, 23, 45, 19, 3, 36, 9) and ps_suppkey not in (select s_suppkey from supplier where s_comment like '%Customer%Complaints%') group by p_brand, p_type, p_size order by supplier_cnt desc, p_brand, p_type, p_size`,
  `select sum(l_extendedprice) / 7.0 as avg_yearly from lineitem, part where p_partkey = l_partkey and p_brand = 'Brand#23' and p_container = 'MED BOX' and l_quantity < (select 0.2 * avg(l_quantity) from lineitem where l_partkey = p_partkey)`,
  `select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity) from customer, orders, lineitem where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > 300) and c_custkey = o_custkey and o_orderkey = l_orderkey group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice order by o_totalprice desc, o_orderdate limit 100`,
  `select sum(l_extendedprice* (1 - l_discount)) as revenue from lineitem, part where (p_partkey = l_partkey and p_brand = 'Brand#12' and p_container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG') and l_quantity >= 1 and l_quantity <= 1 + 10 and p_size between 1 and 5 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON') or (p_partkey = l_partkey and p_brand = 'Brand#23' and p_container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK') and l_quantity >= 10 and l_quantity <= 10 + 10 and p_size between 1 and 10 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON') or (p_partkey = l_partkey and p_brand = 'Brand#34' and p_container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG') and l_quantity >= 20 and l_quantity <= 20 + 10 and p_size between 1 and 15 and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON')`,
  `select s_name, s_address from supplier, nation where s_suppkey in (select ps_suppkey from partsupp where ps_partkey in (select p_partkey from part where p_name like 'forest%') and ps_availqty > (select 0.5 * sum(l_quantity) from lineitem where l_partkey = ps_partkey and l_suppkey = ps_suppkey and l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year)) and s_nationkey = n_nationkey and n_name = 'CANADA' order by s_name`,
  `select s_name, count(*) as numwait from supplier, lineitem l1, orders, nation where s_suppkey = l1.l_suppkey and o_orderkey = l1.l_orderkey and o_orderstatus = 'F' and l1.l_receiptdate > l1.l_commitdate and exists (select * from lineitem l2 where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey) and not exists (select * from lineitem l3 where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey and l3.l_receiptdate > l3.l_commitdate) and s_nationkey = n_nationkey and n_name = 'SAUDI ARABIA' group by s_name order by numwait desc, s_name limit 100`,
  `select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal from (select substring(c_phone from 1 for 2) as cntrycode, c_acctbal from customer where substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17') and c_acctbal > (select avg(c_acctbal) from customer where c_acctbal > 0.00 and substring(c_phone from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17')) and not exists (select * from orders where o_custkey = c_custkey)) as custsale group by cntrycode order by cntrycode`,
];

const HIDDEN =
  "Trino expands `TABLE t` to hidden columns too (the tpch connector's `row_number`); information_schema does not list hidden columns, so the gateway reports every visible column. Accepted: a policy can only name visible columns.";
const STATS =
  'Trino rewrites SHOW STATS into a query over table statistics and records no referencedTables; the gateway requires SELECT on the columns whose statistics (min/max/NDV) are disclosed, the stricter and safer reading (ACCESS-CONTROL.md 6.5).';

/** Per-table shapes; c0..c3 are the table's first columns, T the table, {mem} the memory schema. */
const TEMPLATES: Array<[string, string, string?]> = [
  ['star', 'SELECT * FROM T'],
  ['where', 'SELECT c1 FROM T WHERE c0 = 1'],
  ['group', 'SELECT c1, count(*) FROM T GROUP BY c1'],
  ['order-alias', 'SELECT c1 AS x FROM T ORDER BY x'],
  ['order-alias-shadow', 'SELECT c1 AS c2 FROM T ORDER BY c2'],
  ['count-star', 'SELECT count(*) FROM T'],
  ['cte-star', 'WITH w AS (SELECT * FROM T) SELECT c1 FROM w'],
  ['cte-cols', 'WITH w AS (SELECT c0, c1 FROM T) SELECT w.c1 FROM w WHERE c0 > 0'],
  ['exists-correlated', 'SELECT t.c1 FROM T t WHERE EXISTS (SELECT 1 FROM T u WHERE u.c0 = t.c0)'],
  ['in-subquery', 'SELECT c1 FROM T WHERE c0 IN (SELECT c0 FROM T WHERE c2 IS NOT NULL)'],
  ['scalar-subquery', 'SELECT (SELECT max(c1) FROM T) AS m'],
  ['union-ordinal', 'SELECT c0 FROM T UNION ALL SELECT c0 FROM T ORDER BY 1'],
  ['intersect', 'SELECT c0 FROM T INTERSECT SELECT c0 FROM T'],
  ['except', 'SELECT c0 FROM T EXCEPT SELECT c0 FROM T WHERE c1 IS NULL'],
  ['table', 'TABLE T', HIDDEN],
  ['qualified-star', 'SELECT x.* FROM T x'],
  ['column-aliases', 'SELECT a, b FROM T AS x(ALIASES)'],
  ['window', 'SELECT c1, row_number() OVER (PARTITION BY c2 ORDER BY c0) FROM T'],
  ['unnest', 'SELECT c1 FROM T CROSS JOIN UNNEST(ARRAY[1, 2]) AS u(v) WHERE v = 1'],
  ['lateral', 'SELECT c1, v FROM T CROSS JOIN LATERAL (SELECT c0 + 1 AS v) l'],
  ['lambda', 'SELECT transform(ARRAY[c0], e -> e + 1) FROM T'],
  ['string-literal', "SELECT 'c1' AS c1, 1 AS one FROM T"],
  ['grouping-sets', 'SELECT c1 FROM T GROUP BY GROUPING SETS ((c1), (c1, c2))'],
  ['rollup', 'SELECT c1, count(*) FROM T GROUP BY ROLLUP (c1, c2)'],
  ['filter', 'SELECT max(c1) FILTER (WHERE c2 IS NOT NULL) FROM T'],
  ['order-non-selected', 'SELECT c1 FROM T ORDER BY c2 LIMIT 3'],
  ['having', 'SELECT c1 FROM T GROUP BY c1 HAVING count(c2) > 1'],
  ['select-one', 'SELECT 1 FROM T LIMIT 1'],
  ['derived-star', 'SELECT c1 FROM (SELECT * FROM T) s ORDER BY 1'],
  ['values-join', 'SELECT c1 FROM (VALUES 1) v(x) JOIN T ON x = c0'],
  ['case', 'SELECT CASE WHEN c0 > 1 THEN c1 ELSE NULL END FROM T'],
  ['using', 'SELECT t1.c1 FROM T t1 JOIN T t2 USING (c0)'],
  ['left-join', 'SELECT count(*) FROM T t1 LEFT JOIN T t2 ON t1.c0 = t2.c0 AND t2.c1 IS NOT NULL'],
  ['any', 'SELECT c1 FROM T WHERE c0 = ANY (SELECT c0 FROM T)'],
  ['suffix-qualified', 'SELECT tiny.T.c1, T.c0 FROM tiny.T'],
  ['quoted-upper', 'SELECT "C1_UPPER" FROM "T_UPPER"'],
  ['insert', 'INSERT INTO {mem}.T SELECT * FROM T WHERE c0 < 0'],
  ['insert-columns', 'INSERT INTO {mem}.T (c1, c0) SELECT c1, c0 FROM T WHERE c2 IS NULL'],
  ['ctas', 'CREATE TABLE {mem}.ctas_T AS SELECT c0, c1 FROM T WHERE c0 < 0'],
  ['create-view', 'CREATE VIEW {mem}.cv_T AS SELECT c1, c2 FROM T'],
  ['view', 'SELECT c1 FROM {mem}.v_T'],
  ['view-star', 'SELECT * FROM {mem}.v_T WHERE c0 IS NOT NULL'],
];

const HANDWRITTEN: Array<[string, string, string?]> = [
  ['cte-shadow-table', 'WITH nation AS (SELECT n_name FROM nation) SELECT * FROM nation'],
  ['cte-nested-shadow', 'WITH x AS (SELECT n_name FROM nation) SELECT (WITH x AS (SELECT r_name FROM region) SELECT max(r_name) FROM x), n_name FROM x'],
  ['cte-unreferenced', 'WITH x AS (SELECT * FROM region) SELECT 1'],
  ['cte-chain', 'WITH a AS (SELECT * FROM region), b AS (SELECT r_name FROM a) SELECT * FROM b'],
  ['cte-shadow-in-subquery', 'SELECT (SELECT count(*) FROM (WITH region AS (SELECT 1 AS r_name) SELECT r_name FROM region)) FROM region'],
  ['recursive-cte', 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT sum(n) FROM t'],
  ['recursive-cte-table', 'WITH RECURSIVE t(k, name) AS (SELECT n_nationkey, n_name FROM nation WHERE n_nationkey = 0 UNION ALL SELECT k + 1, name FROM t WHERE k < 3) SELECT * FROM t'],
  ['order-alias-vs-column', 'SELECT n_name AS n_comment FROM nation ORDER BY n_comment'],
  ['order-expression-on-alias', 'SELECT n_nationkey AS k FROM nation ORDER BY k + 1'],
  ['order-qualified', 'SELECT n_name AS n_comment FROM nation n ORDER BY n.n_comment'],
  ['alias-looks-protected', 'SELECT n_name AS c_phone FROM nation'],
  ['string-looks-protected', "SELECT 'c_phone' AS x FROM customer"],
  ['correlated-select-list', 'SELECT n_name, (SELECT count(*) FROM customer c WHERE c.c_nationkey = n.n_nationkey) FROM nation n'],
  ['correlated-having', 'SELECT n_regionkey FROM nation n GROUP BY n_regionkey HAVING count(*) > (SELECT count(*) FROM region r WHERE r.r_regionkey = n.n_regionkey)'],
  ['correlated-order', 'SELECT n_name FROM nation n ORDER BY (SELECT r_name FROM region r WHERE r.r_regionkey = n.n_regionkey)'],
  ['lateral-join', 'SELECT n_name, x.cnt FROM nation n CROSS JOIN LATERAL (SELECT count(*) AS cnt FROM customer WHERE c_nationkey = n.n_nationkey) x'],
  ['lateral-left-join', 'SELECT n_name, x.r_name FROM nation n LEFT JOIN LATERAL (SELECT r_name FROM region WHERE r_regionkey = n.n_regionkey) x ON true'],
  ['unnest-column', 'SELECT n_name, s FROM nation CROSS JOIN UNNEST(split(n_comment, \' \')) AS t(s)'],
  ['unnest-ordinality', 'SELECT n_name, w, i FROM nation CROSS JOIN UNNEST(split(n_comment, \' \')) WITH ORDINALITY AS t(w, i) WHERE i = 1'],
  ['unnest-no-alias', 'SELECT count(*) FROM nation, UNNEST(ARRAY[n_regionkey])'],
  ['unnest-rows', 'SELECT a, b FROM UNNEST(ARRAY[ROW(1, \'x\')]) AS t(a, b)'],
  ['row-field', 'SELECT r.x FROM (SELECT CAST(ROW(n_nationkey) AS ROW(x bigint)) AS r FROM nation)'],
  ['row-field-qualified', 'SELECT t.r.x FROM (SELECT CAST(ROW(n_nationkey) AS ROW(x bigint)) AS r FROM nation) t'],
  ['row-star', 'SELECT t.r.* FROM (SELECT CAST(ROW(n_nationkey, n_name) AS ROW(x bigint, y varchar)) AS r FROM nation) t'],
  ['lambda-shadow', 'SELECT transform(ARRAY[1], n_name -> n_name + 1) FROM nation'],
  ['lambda-two-args', 'SELECT reduce(ARRAY[n_nationkey], 0, (s, x) -> s + x, s -> s) FROM nation'],
  ['lambda-capture', 'SELECT filter(ARRAY[1, 2], x -> x > n_regionkey) FROM nation'],
  ['set-op-three', 'SELECT n_name FROM nation UNION SELECT r_name FROM region EXCEPT SELECT c_name FROM customer'],
  ['set-op-order-name', 'SELECT n_name AS nm FROM nation UNION SELECT r_name FROM region ORDER BY nm'],
  ['parenthesized-set-op', '(SELECT n_name FROM nation) UNION ALL (SELECT r_name FROM region LIMIT 1)'],
  ['values', 'VALUES (1, \'a\'), (2, \'b\')'],
  ['values-subquery', 'SELECT * FROM (VALUES (1, 2)) AS t(a, b) WHERE a IN (SELECT n_nationkey FROM nation)'],
  ['exists-star', 'SELECT count(*) FROM nation WHERE EXISTS (SELECT * FROM region)'],
  ['not-in', 'SELECT n_name FROM nation WHERE n_regionkey NOT IN (SELECT r_regionkey FROM region WHERE r_name LIKE \'A%\')'],
  ['join-paren', 'SELECT n_name, r_name FROM (nation JOIN region ON n_regionkey = r_regionkey)'],
  ['three-way-join', 'SELECT c_name, n_name, r_name FROM customer JOIN nation ON c_nationkey = n_nationkey JOIN region ON n_regionkey = r_regionkey WHERE c_acctbal > 0'],
  ['full-join', 'SELECT coalesce(n_name, r_name) FROM nation FULL OUTER JOIN region ON n_regionkey = r_regionkey'],
  ['right-join', 'SELECT r_name FROM nation RIGHT JOIN region ON n_regionkey = r_regionkey'],
  ['using-unqualified', 'SELECT n_regionkey, n_name FROM nation JOIN (SELECT r_regionkey AS n_regionkey, r_name FROM region) r USING (n_regionkey)'],
  ['self-join', 'SELECT a.n_name, b.n_name FROM nation a, nation b WHERE a.n_regionkey = b.n_regionkey AND a.n_nationkey < b.n_nationkey'],
  ['window-frame', 'SELECT n_name, sum(n_nationkey) OVER (PARTITION BY n_regionkey ORDER BY n_name ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM nation'],
  ['named-window', 'SELECT n_name, rank() OVER w FROM nation WINDOW w AS (PARTITION BY n_regionkey ORDER BY n_comment)'],
  ['grouping-function', 'SELECT n_regionkey, grouping(n_regionkey), count(*) FROM nation GROUP BY CUBE (n_regionkey)'],
  ['group-ordinal', 'SELECT n_regionkey, count(*) FROM nation GROUP BY 1 ORDER BY 2 DESC'],
  ['distinct', 'SELECT DISTINCT n_regionkey FROM nation'],
  ['count-distinct', 'SELECT count(DISTINCT c_mktsegment) FROM customer'],
  ['agg-order-by', 'SELECT array_agg(n_name ORDER BY n_comment) FROM nation'],
  ['listagg', 'SELECT listagg(n_name, \',\') WITHIN GROUP (ORDER BY n_nationkey) FROM nation'],
  ['cast-extract', 'SELECT CAST(o_totalprice AS varchar), extract(month FROM o_orderdate) FROM orders LIMIT 1'],
  ['trim-substring-position', 'SELECT trim(BOTH \' \' FROM c_name), substring(c_phone, 1, 2), position(\'1\' IN c_address) FROM customer LIMIT 1'],
  ['at-time-zone', 'SELECT CAST(o_orderdate AS timestamp) AT TIME ZONE \'UTC\' FROM orders LIMIT 1'],
  ['is-distinct', 'SELECT count(*) FROM nation WHERE n_name IS DISTINCT FROM n_comment'],
  ['between-like-escape', 'SELECT count(*) FROM part WHERE p_size BETWEEN 1 AND 5 AND p_name LIKE \'a!%%\' ESCAPE \'!\''],
  ['subscript', 'SELECT split(n_comment, \' \')[1] FROM nation'],
  ['map-functions', 'SELECT map(ARRAY[n_name], ARRAY[n_nationkey])[n_name] FROM nation'],
  ['typed-literals', 'SELECT count(*) FROM orders WHERE o_orderdate > DATE \'1995-01-01\' AND o_totalprice > DECIMAL \'10.5\''],
  ['quoted-mixed-case', 'SELECT "N_Name", Nation.N_COMMENT FROM "NATION"'],
  ['comments-between-dots', 'SELECT n_name FROM tpch . /* x */ tiny . nation'],
  ['qualified-catalog', 'SELECT tpch.tiny.nation.n_name FROM tpch.tiny.nation'],
  ['other-schema', 'SELECT count(*) FROM sf1.region'],
  ['table-qualified', 'TABLE tpch.tiny.region', HIDDEN],
  [
    'table-function-exclude',
    'SELECT * FROM TABLE(exclude_columns(input => TABLE(nation), columns => DESCRIPTOR(n_comment)))',
    'Trino records only the columns the table function declares it needs (plus the hidden row_number); the gateway cannot know a table function\'s column requirements and requires SELECT on every column of a table argument (stricter).',
  ],
  ['table-function-sequence', 'SELECT * FROM TABLE(sequence(start => 1, stop => 3))'],
  ['information-schema', "SELECT column_name FROM information_schema.columns WHERE table_name = 'nation'"],
  ['show-stats-query', 'SHOW STATS FOR (SELECT n_name FROM nation WHERE n_regionkey = 1)', STATS],
  ['show-stats-table', 'SHOW STATS FOR region', STATS],
  ['ctas-with-cte', 'CREATE TABLE {mem}.ctas_cte AS WITH x AS (SELECT * FROM region) SELECT r_name FROM x'],
  ['insert-values', 'INSERT INTO {mem}.region VALUES (1, \'a\', \'b\')'],
  ['insert-cte', 'INSERT INTO {mem}.nation (n_nationkey, n_name) WITH s AS (SELECT n_nationkey, n_name FROM nation) SELECT * FROM s WHERE n_nationkey < 0'],
  ['view-join', 'SELECT v.n_name, r_name FROM {mem}.v_nation v JOIN region ON v.n_nationkey = r_regionkey'],
  ['create-view-star', 'CREATE VIEW {mem}.cv_star AS SELECT * FROM region'],
  ['deep-nesting', 'SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT n_name FROM nation) a) b) c'],
  ['subquery-in-join-on', 'SELECT n_name FROM nation JOIN region ON n_regionkey = r_regionkey AND r_name IN (SELECT r_name FROM region WHERE r_comment IS NOT NULL)'],
  ['tablesample', 'SELECT count(*) FROM lineitem TABLESAMPLE BERNOULLI (10)'],
  ['offset-fetch', 'SELECT n_name FROM nation ORDER BY n_nationkey OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY'],
  ['if-coalesce', 'SELECT if(n_nationkey > 1, n_name, n_comment), coalesce(NULL, n_regionkey), nullif(n_name, \'x\') FROM nation'],
  ['try', 'SELECT try(n_nationkey / 0) FROM nation'],
  ['current-functions', 'SELECT current_user, current_date, current_catalog FROM nation LIMIT 1'],
  ['case-simple', 'SELECT CASE n_regionkey WHEN 1 THEN n_name ELSE \'x\' END FROM nation'],
  ['group-by-expression', 'SELECT substr(c_phone, 1, 2), count(*) FROM customer GROUP BY substr(c_phone, 1, 2)'],
  ['in-list-columns', 'SELECT count(*) FROM nation WHERE n_regionkey IN (1, n_nationkey)'],
  ['exists-in-select', 'SELECT EXISTS (SELECT 1 FROM region WHERE r_regionkey = n_regionkey) FROM nation'],
  ['quantified-all', 'SELECT n_name FROM nation WHERE n_nationkey > ALL (SELECT r_regionkey FROM region)'],
  ['scalar-in-where', 'SELECT c_name FROM customer WHERE c_acctbal > (SELECT avg(c_acctbal) FROM customer)'],
  ['derived-column-aliases', 'SELECT k FROM (SELECT n_nationkey, n_name FROM nation) AS t(k, nm)'],
  ['table-column-aliases-where', 'SELECT a FROM nation AS n(a, b, c, d) WHERE c = 1'],
  ['cte-column-aliases', 'WITH t(a, b) AS (SELECT r_regionkey, r_name FROM region) SELECT b FROM t WHERE a = 1'],
  ['union-in-cte', 'WITH u AS (SELECT n_name AS nm FROM nation UNION ALL SELECT r_name FROM region) SELECT count(nm) FROM u'],
  ['intersect-subquery', 'SELECT count(*) FROM (SELECT n_regionkey FROM nation INTERSECT SELECT r_regionkey FROM region)'],
  ['in-aggregate-subquery', 'SELECT n_name FROM nation WHERE n_nationkey IN (SELECT max(c_nationkey) FROM customer)'],
  ['json-value-passing-default', "SELECT json_value(n_comment, 'lax $.a' PASSING n_name AS x DEFAULT n_regionkey ON EMPTY) FROM nation"],
  ['json-object-array', "SELECT json_object(KEY n_name VALUE n_regionkey), json_array(r_name) FROM nation JOIN region ON n_regionkey = r_regionkey"],
  ['json-exists-where', "SELECT count(*) FROM nation WHERE json_exists(n_comment, 'lax $.a')"],
  ['json-table-lateral', "SELECT j.x FROM nation n, JSON_TABLE(n.n_comment, 'lax $' COLUMNS (x varchar PATH 'lax $.x')) j"],
  ['with-function', 'WITH FUNCTION plus_one(x bigint) RETURNS bigint RETURN x + 1 SELECT plus_one(n_nationkey) FROM nation'],
];

function instantiate(template: string, table: string): string {
  const cols = TPCH_COLUMNS[table]!;
  const c = (i: number) => cols[Math.min(i, cols.length - 1)]!;
  const aliases = cols.map((_, i) => (i === 0 ? 'a' : i === 1 ? 'b' : `z${i}`)).join(', ');
  return template
    .replace(/\bALIASES\b/g, aliases)
    .replace(/"C1_UPPER"/g, `"${c(1).toUpperCase()}"`)
    .replace(/"T_UPPER"/g, `"${table.toUpperCase()}"`)
    .replace(/\bc0\b/g, c(0))
    .replace(/\bc1\b/g, c(1))
    .replace(/\bc2\b/g, c(2))
    .replace(/\bv_T\b/g, `v_${table}`)
    .replace(/\bctas_T\b/g, `ctas_${table}`)
    .replace(/\bcv_T\b/g, `cv_${table}`)
    .replace(/\bT\b/g, table);
}

/** The corpus with `{mem}` still in place. */
export function corpus(): CorpusEntry[] {
  const out: CorpusEntry[] = TPCH_QUERIES.map((sql, i) => ({ id: `tpch-q${i + 1}`, sql }));
  for (const table of Object.keys(TPCH_COLUMNS)) {
    for (const [name, template, difference] of TEMPLATES) out.push({ id: `${name}/${table}`, sql: instantiate(template, table), difference });
  }
  for (const [id, sql, difference] of HANDWRITTEN) out.push({ id, sql, difference });
  return out;
}

/** Memory-schema setup the corpus relies on: empty copies of every TPC-H table and v_<table> views. */
export function setupStatements(mem: string): string[] {
  const out = [`CREATE SCHEMA ${mem}`];
  for (const table of Object.keys(TPCH_COLUMNS)) {
    const cols = TPCH_COLUMNS[table]!;
    out.push(`CREATE TABLE ${mem}.${table} AS SELECT * FROM tpch.tiny.${table} WITH NO DATA`);
    out.push(`CREATE VIEW ${mem}.v_${table} AS SELECT ${cols[0]}, ${cols[1]} FROM tpch.tiny.${table}`);
  }
  return out;
}
