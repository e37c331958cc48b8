/**
 * Data filters on tag grants end to end: a data mesh where the sales domain's grant filters
 * customer rows to the principal's segment, masks PII-tagged columns for principals without
 * clearance and excludes secret-tagged ones, decided by two gateway instances in front of trino1
 * and two on the embedded engine (the same tpch.tiny data copied into DuckDB), all sharing one
 * stored policy (PostgreSQL) and its change messages (Redis), with a rules file adding its own
 * filter and mask for one user (mode all).
 *
 * Every expected answer is a hand-written query run directly on trino1 (the filter written out,
 * each masked column replaced by its mask), never the gateway's rewrite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runStatement, type Outcome } from '../governance/client.js';
import { comparable } from '../governance/filter-mask-corpus.js';
import { isolatedPostgres, SALES_GRANT, type IsolatedPostgres } from '../policy/tag-support.js';
import { ensureTrino, startTestGateway } from '../support/services.js';
import { copyTpchTiny } from '../support/tpch-duckdb.js';
import { startRedis, stopRedis, waitFor, type Service } from '../tracking/services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-tag-data-filters-'));
const INJECTION = "BUILDING' OR '1'='1";

const POLICY = {
  tags: { domain: ['sales', 'reference'], pii: ['true', 'false'], secret: ['true'] },
  assignments: {
    'tpch.tiny.customer': { domain: 'sales', pii: 'false' },
    'tpch.tiny.customer.c_phone': { pii: 'true' },
    'tpch.tiny.customer.c_acctbal': { pii: 'true' },
    'tpch.tiny.customer.c_comment': { secret: 'true' },
    'tpch.tiny.nation': { domain: 'reference' },
  },
  grants: [
    SALES_GRANT,
    { name: 'reference', privileges: ['SELECT'], to: { groups: ['sales'] }, expression: { domain: ['reference'] } },
  ],
  principals: {
    users: {
      sue: { segment: ['BUILDING'] },
      cleo: { segment: ['MACHINERY'], clearance: ['pii'] },
      quinn: { segment: [INJECTION] },
      rita: { segment: ['AUTOMOBILE'] },
    },
  },
};

const RULES = {
  tables: [
    { user: 'rita', catalog: 'tpch', schema: 'tiny', table: 'customer', privileges: ['SELECT'], filter: 'c_nationkey < 10', columns: [{ name: 'c_phone', mask: "'rules'" }] },
    { privileges: ['SELECT'] },
  ],
};

/** What each user may see of tpch.tiny.customer, written out by hand: the rows kept and each masked column's value. */
interface Visible {
  where: string;
  phone: string;
  acctbal: string;
}
const MASKED_PHONE = "CAST('****' AS varchar(15))";
const MASKED_ACCTBAL = 'CAST(0 AS double)';
const VISIBLE: Record<string, Visible> = {
  sue: { where: "c_mktsegment = 'BUILDING'", phone: MASKED_PHONE, acctbal: MASKED_ACCTBAL },
  cleo: { where: "c_mktsegment = 'MACHINERY'", phone: 'c_phone', acctbal: 'c_acctbal' },
  // The whole attribute is one literal: no row has that segment.
  quinn: { where: "c_mktsegment = 'BUILDING'' OR ''1''=''1'", phone: MASKED_PHONE, acctbal: MASKED_ACCTBAL },
  // The rules file's filter AND the tag grant's; the rules file's mask wins on c_phone, the tag mask applies to c_acctbal.
  rita: { where: "c_nationkey < 10 AND c_mktsegment = 'AUTOMOBILE'", phone: "CAST('rules' AS varchar(15))", acctbal: MASKED_ACCTBAL },
};

const QUERIES: Array<{ name: string; sql: string; expected: (v: Visible) => string }> = [
  {
    name: 'filter and masks in the select list',
    sql: 'SELECT c_custkey, c_name, c_phone, c_acctbal FROM tpch.tiny.customer',
    expected: (v) => `SELECT c_custkey, c_name, ${v.phone} AS c_phone, ${v.acctbal} AS c_acctbal FROM tpch.tiny.customer WHERE ${v.where}`,
  },
  {
    name: 'a masked column in WHERE and GROUP BY',
    sql: "SELECT c_phone, count(*) AS n FROM tpch.tiny.customer WHERE c_phone LIKE '1%' OR c_phone = '****' GROUP BY c_phone",
    expected: (v) => `SELECT ${v.phone} AS c_phone, count(*) AS n FROM tpch.tiny.customer WHERE (${v.where}) AND (${v.phone} LIKE '1%' OR ${v.phone} = '****') GROUP BY 1`,
  },
  {
    name: 'a join with an unfiltered table, the mask in the join query',
    sql: 'SELECT n.n_name, count(*) AS n FROM tpch.tiny.customer c JOIN tpch.tiny.nation n ON c.c_nationkey = n.n_nationkey WHERE c.c_acctbal > 5000 GROUP BY n.n_name',
    expected: (v) => `SELECT n.n_name, count(*) AS n FROM tpch.tiny.customer c JOIN tpch.tiny.nation n ON c.c_nationkey = n.n_nationkey WHERE (${v.where}) AND ${v.acctbal} > 5000 GROUP BY n.n_name`,
  },
  { name: 'count(*)', sql: 'SELECT count(*) AS n FROM tpch.tiny.customer', expected: (v) => `SELECT count(*) AS n FROM tpch.tiny.customer WHERE ${v.where}` },
];

let trino: string;
let postgres: IsolatedPostgres;
let redis: Service;
const gateways: Record<string, RunningGateway> = {};

const headers = (user: string) => [['X-Trino-User', user]] as const;
/** Names and rows, order-insensitive; types differ between engines (DuckDB has no varchar lengths) and are not what is tested. */
const answer = (o: Outcome) => comparable(o, false, () => '');

async function admin(gateway: RunningGateway, body: unknown): Promise<void> {
  const response = await fetch(`${gateway.url}/api/policy`, { method: 'PUT', headers: { 'X-Trino-User': 'ops', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  trino = await ensureTrino();
  postgres = await isolatedPostgres();
  redis = await startRedis();
  const groupFile = join(dir, 'groups.txt');
  writeFileSync(groupFile, 'sales:sue,cleo,quinn,rita\n');
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(RULES));
  const shared = {
    authentication: { groupFile },
    accessControl: { rulesFile, tags: { mode: 'all', pollInterval: '60s' } },
    admin: { users: ['ops'] },
    history: { store: 'postgres', connectionString: postgres.url },
    redis: { url: redis.url, keyPrefix: `qg-tag-data-filters-${process.pid}:` },
  };
  const onTrino = { ...shared, backends: [{ name: 'trino1', engine: 'trino', url: trino, group: 'cluster' }], routing: { defaultGroup: 'cluster' } };
  for (const name of ['trinoA', 'trinoB']) gateways[name] = await startTestGateway(onTrino);
  for (const name of ['embeddedA', 'embeddedB']) {
    // One file per instance: each opens its own DuckDB.
    const path = join(dir, `${name}.duckdb`);
    await copyTpchTiny(trino, path, ['customer', 'nation']);
    gateways[name] = await startTestGateway({ ...shared, backends: [{ name: 'embedded', engine: 'duckdb', group: 'local', catalogs: [{ name: 'tpch', path, readOnly: true }] }], routing: { defaultGroup: 'local' } });
  }
  await admin(gateways.trinoA!, POLICY);
}, { timeout: 600_000 });

after(async () => {
  for (const g of Object.values(gateways)) await g.close();
  await postgres?.close();
  if (redis?.started) await stopRedis();
});

describe('every user and query, on both engines and both instances of each', () => {
  for (const [user, visible] of Object.entries(VISIBLE)) {
    for (const q of QUERIES) {
      test(`${user}: ${q.name}`, async () => {
        const expected = await runStatement(trino, q.expected(visible), headers('admin'));
        assert.ok(expected.ok, `${q.expected(visible)}: ${expected.message}`);
        for (const [name, gateway] of Object.entries(gateways)) {
          const actual = await runStatement(gateway.url, q.sql, headers(user));
          assert.deepEqual(answer(actual), answer(expected), `${name}`);
        }
      });
    }
  }

  test('the filter is not vacuous: every user but quinn sees some rows and fewer than all', async () => {
    const all = await runStatement(trino, 'SELECT count(*) FROM tpch.tiny.customer', headers('admin'));
    for (const user of ['sue', 'cleo', 'rita']) {
      const seen = await runStatement(gateways.embeddedA!.url, 'SELECT count(*) FROM tpch.tiny.customer', headers(user));
      const n = Number(seen.rows![0]![0]);
      assert.ok(n > 0 && n < Number(all.rows![0]![0]), `${user} sees ${n}`);
    }
    // Had the attribute been pasted in unquoted, quinn would see every row.
    const injected = await runStatement(trino, `SELECT count(*) FROM tpch.tiny.customer WHERE c_mktsegment = '${INJECTION}'`, headers('admin'));
    assert.deepEqual(injected.rows, all.rows);
  });

  test('an excluded column is refused to everyone, cleared or not', async () => {
    for (const user of Object.keys(VISIBLE)) {
      for (const [name, gateway] of Object.entries(gateways)) {
        const result = await runStatement(gateway.url, 'SELECT c_name, c_comment FROM tpch.tiny.customer', headers(user));
        assert.equal(result.errorName, 'PERMISSION_DENIED', `${user} on ${name}: ${JSON.stringify(result)}`);
        assert.match(result.message ?? '', /Cannot select from columns \[c_comment\] in table or view tpch.tiny.customer/);
      }
    }
  });
});

describe('a change on one instance reaches the others', () => {
  test('clearance withdrawn through an embedded instance masks the next read on a Trino instance, and restored unmasks it', { timeout: 60_000 }, async () => {
    const sql = "SELECT count(*) FROM tpch.tiny.customer WHERE c_phone = '****'";
    const maskedRows = async (gateway: RunningGateway) => Number((await runStatement(gateway.url, sql, headers('cleo'))).rows![0]![0]);
    assert.equal(await maskedRows(gateways.trinoB!), 0);
    const withdrawn = structuredClone(POLICY);
    withdrawn.principals.users.cleo = { segment: ['MACHINERY'] } as typeof withdrawn.principals.users.cleo;
    await admin(gateways.embeddedB!, withdrawn);
    const visible = await runStatement(trino, `SELECT count(*) FROM tpch.tiny.customer WHERE ${VISIBLE.cleo!.where}`, headers('admin'));
    const all = Number(visible.rows![0]![0]);
    await waitFor('the mask on instance trinoB', async () => (await maskedRows(gateways.trinoB!)) === all, 2000);
    await admin(gateways.embeddedB!, POLICY);
    await waitFor('raw values again on instance trinoA', async () => (await maskedRows(gateways.trinoA!)) === 0, 2000);
  });
});
