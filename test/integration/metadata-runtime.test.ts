/**
 * system.runtime.queries through the gateway (issue 20): the gateway's own queries in Trino 483's
 * column shape, filtered by the `queries` rules of rules.json. The oracle is Trino running its own
 * file-based access control over the same rules (scripts/trino/start-oracle.sh): the same users
 * run the same statements on the oracle and through the gateway (in front of an allow-all Trino),
 * then every viewer asks which of those users' queries it sees; both answers must be equal.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runStatement, type HeaderLines, type Outcome } from '../governance/client.js';
import { REPO, ensureTrino, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const ORACLE_PORT = Number(process.env.QUERYGATE_ORACLE_PORT ?? 18186);
const ORACLE = `http://127.0.0.1:${ORACLE_PORT}`;
const GOVERNANCE = join(REPO, 'test', 'governance');

/** Users who run queries: the queries rules give each viewer a different subset of them. */
const OWNERS = ['admin', 'alice', 'bob', 'carol', 'erin', 'mallory', 'frank'];
/** admin reads everything; erin (auditors) reads system information and views alice|bob|mallory; the others may not read system information. */
const VIEWERS = ['admin', 'erin', 'alice', 'mallory', 'frank', 'olga'];
/** A marker in every statement of this run, so that earlier runs' queries on the oracle do not count. */
const MARK = `qg_runtime_${process.pid}_${Date.now()}`;

let gateway: RunningGateway;

before(async () => {
  const backend = await ensureTrino();
  await exec('bash', [join(REPO, 'scripts', 'trino', 'start-oracle.sh')], { timeout: 600_000, env: { ...process.env, QUERYGATE_ORACLE_PORT: String(ORACLE_PORT) } });
  gateway = await startTestGateway({
    authentication: { groupFile: join(GOVERNANCE, 'groups.txt') },
    accessControl: { rulesFile: join(GOVERNANCE, 'rules.json') },
    backends: [{ name: 'trino1', engine: 'trino', url: backend }],
  });
});
after(async () => gateway?.close());

const as = (user: string, capabilities?: string): HeaderLines => [['X-Trino-User', user], ...(capabilities ? [['X-Trino-Client-Capabilities', capabilities] as const] : [])];

/** The answer as compared: rows, or the error (name and message). */
function answer(o: Outcome): string {
  return o.ok ? JSON.stringify(o.rows) : `${o.errorName}: ${o.message}`;
}

test('system.runtime.queries lists what the queries rules let each user see, as Trino with file access control does', { timeout: 300_000 }, async () => {
  for (const owner of OWNERS) {
    for (const base of [ORACLE, gateway.url]) {
      const ran = await runStatement(base, `SELECT '${MARK}'`, as(owner));
      assert.ok(ran.ok, `${owner} on ${base}: ${ran.errorName}: ${ran.message}`);
    }
  }
  const sql = `SELECT DISTINCT "user" FROM system.runtime.queries WHERE query LIKE '%${MARK}''' ORDER BY 1`;
  let agree = 0;
  const seen: Record<string, string> = {};
  for (const viewer of VIEWERS) {
    const [oracle, via] = [await runStatement(ORACLE, sql, as(viewer)), await runStatement(gateway.url, sql, as(viewer))];
    seen[viewer] = answer(via);
    if (answer(oracle) === answer(via)) agree++;
    else console.log(`${viewer}: oracle ${answer(oracle)}; gateway ${answer(via)}`);
  }
  console.log(`system.runtime.queries visibility: ${agree}/${VIEWERS.length} viewers agree with the oracle`, seen);
  assert.equal(agree, VIEWERS.length);
  // The rules make the subsets differ: a comparison of empty answers would prove nothing.
  assert.equal(seen.admin, JSON.stringify([...OWNERS].sort().map((u) => [u])));
  assert.equal(seen.erin, JSON.stringify([['alice'], ['bob'], ['erin'], ['mallory']]));
});

test('system.runtime.queries has Trino 483’s columns and types, for clients with and without parametric datetimes', async () => {
  for (const capabilities of [undefined, 'PARAMETRIC_DATETIME']) {
    const sql = `SELECT * FROM system.runtime.queries WHERE query LIKE '%${MARK}''' LIMIT 1`;
    const [oracle, via] = [await runStatement(ORACLE, sql, as('admin', capabilities)), await runStatement(gateway.url, sql, as('admin', capabilities))];
    assert.ok(oracle.ok && via.ok, `${via.errorName}: ${via.message}`);
    assert.deepEqual(via.columns, oracle.columns);
    assert.equal(via.rows?.length, 1);
  }
});

test('a row describes the gateway’s query: state, user, text, times and errors as Trino reports them', async () => {
  const cases = [`SELECT '${MARK}_ok'`, `SELECT 1 / 0, '${MARK}_div'`, `SELECT * FROM tpch.tiny.no_such_table_${MARK}`];
  for (const statement of cases) {
    for (const base of [ORACLE, gateway.url]) await runStatement(base, statement, as('carol'));
    const sql = `SELECT state, "user", query, error_type, error_code, created <= "end", last_heartbeat >= created FROM system.runtime.queries WHERE query = '${statement.replaceAll("'", "''")}'`;
    const [oracle, via] = [await runStatement(ORACLE, sql, as('admin')), await runStatement(gateway.url, sql, as('admin'))];
    assert.equal(answer(via), answer(oracle), statement);
    assert.equal(via.rows?.length, 1, statement);
  }
});
