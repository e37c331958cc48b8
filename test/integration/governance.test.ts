/**
 * Governance through the gateway: statements are analysed and checked against Trino's rules
 * format before any engine sees them, on the embedded DuckDB (which has no access control of its
 * own) and on a real Trino; the known bypass shapes stay blocked, legitimate look-alikes run,
 * denials land in history and the audit trail, and a changed rules file applies at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { formEncode } from '../../src/protocol/session.js';
import { runQuery } from '../support/protocol-client.js';
import { REPO, ensureTrino, run, startTestGateway } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-governance-'));
const rulesPath = join(dir, 'rules.json');
let gateway: RunningGateway;

function writeRules(phoneAllowed: boolean): void {
  const phone = phoneAllowed ? [] : [{ name: 'c_phone', allow: false }];
  writeFileSync(
    rulesPath,
    JSON.stringify({
      catalogs: [{ catalog: 'demo|tpch', allow: 'all' }],
      tables: [
        { group: 'analysts', catalog: 'demo|tpch', schema: 'tpch|tiny', table: 'customer', privileges: ['SELECT'], columns: phone },
        { group: 'analysts', catalog: 'demo|tpch', schema: 'tpch|tiny', table: '.*', privileges: ['SELECT'] },
        { user: 'etl', catalog: 'demo', schema: 'tpch', table: '.*', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP'] },
      ],
    }),
  );
}

const ANALYST = { 'X-Trino-User': 'ann', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };
const OUTSIDER = { 'X-Trino-User': 'olaf', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };

async function denied(sql: string, headers: Record<string, string> = ANALYST): Promise<string> {
  const result = await runQuery(gateway.url, sql, headers);
  assert.ok(result.error, `${sql} must be refused`);
  return `${result.error.errorName}: ${result.error.message}`;
}

before(async () => {
  writeRules(false);
  const groupFile = join(dir, 'groups.txt');
  writeFileSync(groupFile, 'analysts:ann\n');
  const trino = await ensureTrino();
  gateway = await startTestGateway({
    authentication: { groupFile },
    accessControl: { rulesFile: rulesPath },
    backends: [
      { name: 'embedded', engine: 'duckdb', group: 'local' },
      { name: 'trino1', engine: 'trino', url: trino, group: 'cluster' },
    ],
    routing: { defaultGroup: 'local', rules: [{ name: 'tpch-on-trino', match: { catalog: 'tpch' }, routeTo: 'cluster' }] },
    admin: { users: ['ops'] },
  });
});
after(async () => gateway?.close());

describe('decisions', () => {
  test('allowed columns run; a protected column is refused with Trino’s message, also through SELECT *', async () => {
    const ok = await runQuery(gateway.url, 'SELECT c_name FROM customer ORDER BY c_custkey LIMIT 1', ANALYST);
    assert.equal(ok.error, undefined, JSON.stringify(ok.error));
    assert.equal(ok.rowCount, 1);
    assert.equal(await denied('SELECT * FROM customer'), 'PERMISSION_DENIED: Access Denied: Cannot select from table demo.tpch.customer');
    assert.equal(await denied('SELECT count(*) FROM nation', OUTSIDER), 'PERMISSION_DENIED: Access Denied: Cannot select from table demo.tpch.nation');
  });

  test('look-alikes run: string literals and aliases named like a protected column', async () => {
    const result = await runQuery(gateway.url, "SELECT 'c_phone' AS label, c_name AS c_phone FROM customer WHERE c_custkey = 1", ANALYST);
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.rowCount, 1);
  });

  test('the same rules govern a real Trino, with its own metadata', async () => {
    const trino = { 'X-Trino-User': 'ann', 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' };
    const ok = await runQuery(gateway.url, 'SELECT count(*) FROM nation', trino);
    assert.equal(ok.rowsText, '[25]');
    assert.equal(await denied('SELECT * FROM customer', trino), 'PERMISSION_DENIED: Access Denied: Cannot select from table tpch.tiny.customer');
  });
});

describe('bypass attempts stay blocked', () => {
  const cases: Array<[string, string, Record<string, string>?]> = [
    ['a CTE named like the table', 'WITH customer AS (SELECT * FROM demo.tpch.customer) SELECT c_name FROM customer'],
    ['the column read only in WHERE', "SELECT c_name FROM customer WHERE c_phone LIKE '1%'"],
    ['a correlated subquery', 'SELECT n_name FROM nation n WHERE EXISTS (SELECT 1 FROM customer c WHERE c.c_nationkey = n.n_nationkey AND c.c_phone IS NOT NULL)'],
    ['a set operation', 'SELECT c_name FROM customer UNION ALL SELECT c_phone FROM customer'],
    ['quoting and case', 'SELECT "C_PHONE" FROM "DEMO"."TPCH"."CUSTOMER"'],
    ['comments around the dot', 'SELECT customer/**/./**/c_phone FROM customer'],
    ['EXPLAIN ANALYZE', 'EXPLAIN ANALYZE SELECT c_phone FROM customer'],
    ['EXECUTE IMMEDIATE', "EXECUTE IMMEDIATE 'SELECT c_phone FROM customer'"],
    ['a prepared statement in the header', 'EXECUTE p', { 'X-Trino-Prepared-Statement': `p=${formEncode('SELECT c_phone FROM customer')}` }],
    ['a pass-through table function', "SELECT * FROM TABLE(demo.system.query(query => 'SELECT c_phone FROM customer'))"],
    ['a write by someone with read rights', "INSERT INTO customer (c_custkey, c_name) VALUES (999999, 'x')"],
  ];
  for (const [name, sql, extra] of cases) {
    test(name, async () => {
      const message = await denied(sql, { ...ANALYST, ...(extra ?? {}) });
      assert.match(message, /^PERMISSION_DENIED: Access Denied: /, message);
    });
  }

  test('what cannot be parsed or classified is refused, never forwarded', async () => {
    assert.match(await denied('SELEKT c_phone FROM customer'), /^(SYNTAX_ERROR|NOT_SUPPORTED): line 1:1: /);
    assert.match(await denied('SELECT 1; SELECT c_phone FROM customer'), /^SYNTAX_ERROR: /);
    assert.match(await denied('SELECT * FROM customer MATCH_RECOGNIZE (MEASURES A.c_phone AS p PATTERN (A) DEFINE A AS true)'), /^(NOT_SUPPORTED|SYNTAX_ERROR): /);
    assert.match(await denied(`SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`), /^SYNTAX_ERROR: .*(too deeply nested|stack overflow while parsing)/);
  });
});

describe('operations', () => {
  test('denials are in history and in the audit trail', async () => {
    await denied('SELECT c_phone FROM customer WHERE c_custkey = 42');
    const find = async (path: string, predicate: (item: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 50; i++) {
        const body = (await (await fetch(`${gateway.url}${path}`, { headers: { 'X-Trino-User': 'ops' } })).json()) as { items: Array<Record<string, unknown>> };
        const hit = body.items.find(predicate);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`nothing matched in ${path}`);
    };
    const record = await find('/api/queries?user=ann&state=FAILED', (q) => q.statement === 'SELECT c_phone FROM customer WHERE c_custkey = 42');
    assert.equal(record.errorName, 'PERMISSION_DENIED');
    const event = await find('/api/audit?action=query.authorize', (e) => (e.details as { statement?: string }).statement === 'SELECT c_phone FROM customer WHERE c_custkey = 42');
    assert.equal(event.actor, 'ann');
    assert.equal(event.outcome, 'denied');
    assert.match(String((event.details as { rule: string }).rule), /tables\[0\]/);
  });

  test('decision cache hits and misses are on /metrics', async () => {
    const read = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const value = (result: string) => Number(new RegExp(`^querygate_decision_cache_lookups_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      return { hit: value('hit'), miss: value('miss') };
    };
    const before = await read();
    const sql = `SELECT n_name FROM nation WHERE n_nationkey = ${Date.now() % 1000}`;
    for (let i = 0; i < 3; i++) assert.equal((await runQuery(gateway.url, sql, ANALYST)).error, undefined);
    const after = await read();
    assert.equal(after.miss - before.miss, 1, 'the first is decided');
    assert.equal(after.hit - before.hit, 2, 'the repeats are cache hits');
  });

  test('denials and analysis refusals are counted on /metrics by reason', async () => {
    const read = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
      return {
        denied: value(/^querygate_access_denials_total\{check="SelectFromColumns"\} (\d+)$/m),
        syntax: value(/^querygate_analysis_refusals_total\{error_name="SYNTAX_ERROR"\} (\d+)$/m),
      };
    };
    const before = await read();
    assert.match(await denied('SELECT c_phone FROM customer'), /PERMISSION_DENIED/);
    assert.match(await denied('SELECT 1 +'), /SYNTAX_ERROR/);
    const after = await read();
    assert.equal(after.denied - before.denied, 1);
    assert.equal(after.syntax - before.syntax, 1);
  });

  test('a changed rules file applies at once, and a broken one keeps the last good rules', async () => {
    writeRules(true);
    await new Promise((r) => setTimeout(r, 1200));
    const allowed = await runQuery(gateway.url, 'SELECT c_phone FROM customer WHERE c_custkey = 1', ANALYST);
    assert.equal(allowed.error, undefined, JSON.stringify(allowed.error));
    writeFileSync(rulesPath, '{ "tables": [ { "table": "(" } ] }');
    await new Promise((r) => setTimeout(r, 1200));
    const still = await runQuery(gateway.url, 'SELECT c_phone FROM customer WHERE c_custkey = 1', ANALYST);
    assert.equal(still.error, undefined, 'the last good rules stay in force');
    writeRules(false);
    await new Promise((r) => setTimeout(r, 1200));
    assert.match(await denied('SELECT c_phone FROM customer WHERE c_custkey = 1'), /PERMISSION_DENIED/);
    // Each version, good or refused, is in the audit trail (written off the request path).
    type Events = { items: Array<{ outcome: string; target: string; details?: { message?: string } }> };
    let audit: Events = { items: [] };
    for (let i = 0; i < 50 && audit.items.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      audit = (await (await fetch(`${gateway.url}/api/audit?action=rules.reload`, { headers: { 'X-Trino-User': 'ops' } })).json()) as Events;
    }
    assert.deepEqual(audit.items.map((e) => e.outcome), ['success', 'failure', 'success'], 'newest first');
    assert.ok(audit.items.every((e) => e.target === rulesPath));
    assert.match(String(audit.items[1]!.details?.message), /not reloaded, keeping the previous version/);
  });

  test('querygate explain-access prints the request, the decision and the deciding rules', async () => {
    const result = await run(process.execPath, [join(REPO, 'dist/src/cli.js'), 'explain-access', '--rules', rulesPath, '--user', 'ann', '--group', 'analysts', '--catalog', 'demo', '--schema', 'tpch', '--sql', 'SELECT * FROM customer'], { timeout: 60_000 });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /table demo\.tpch\.customer {2}SELECT {2}columns \[c_acctbal, c_address, c_comment, c_custkey, c_mktsegment, c_name, c_nationkey, c_phone\]/);
    assert.match(result.stdout, /Decision: DENIED/);
    assert.match(result.stdout, /decided by tables\[0\]: columns \[c_phone\] have allow: false/);
    const ok = await run(process.execPath, [join(REPO, 'dist/src/cli.js'), 'explain-access', '--rules', rulesPath, '--user', 'ann', '--group', 'analysts', '--sql', 'SELECT n_name FROM demo.tpch.nation'], { timeout: 60_000 });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /Decision: ALLOWED/);
    assert.match(ok.stdout, /Routing: group default \(default group\)/);
  });
});
