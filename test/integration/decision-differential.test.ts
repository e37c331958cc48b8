/**
 * The decision differential: Trino 483 with its own file-based access control (rules.json and
 * groups.txt under test/governance, groups through a test-only group provider plugin) is the
 * oracle; the same statements, users and headers go to it directly and through Querygate (in front
 * of the allow-all test Trino, so every refusal is the gateway's). Decisions are compared (allowed
 * or denied) and, when both deny, the messages. Any statement the gateway lets through while Trino
 * denies it fails the test, and so does any other disagreement not in the allow-list of deliberate
 * stricter differences (test/governance/allow-list.ts, also in the README). The agreement rate is
 * printed and every disagreement is written to test-artifacts/decision-differential.json.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunningGateway } from '../../src/gateway.js';
import { ALLOW_LIST, type AllowListEntry, type DisagreementKind } from '../governance/allow-list.js';
import { runStatement, type HeaderLines, type Outcome } from '../governance/client.js';
import { CORPUS, FIXTURES, USERS, type Case, type Victims } from '../governance/corpus.js';
import { REPO, ensureTrino, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const ORACLE_PORT = Number(process.env.QUERYGATE_ORACLE_PORT ?? 18186);
const ORACLE = `http://127.0.0.1:${ORACLE_PORT}`;
const GOVERNANCE = join(REPO, 'test', 'governance');

let backend: string;
let gateway: RunningGateway;

before(async () => {
  backend = await ensureTrino();
  await exec('bash', [join(REPO, 'scripts', 'trino', 'start-oracle.sh')], { timeout: 600_000, env: { ...process.env, QUERYGATE_ORACLE_PORT: String(ORACLE_PORT) } });
  gateway = await startTestGateway({
    authentication: { groupFile: join(GOVERNANCE, 'groups.txt') },
    accessControl: { rulesFile: join(GOVERNANCE, 'rules.json') },
    backends: [{ name: 'trino1', engine: 'trino', url: backend, group: 'cluster' }],
    routing: { defaultGroup: 'cluster' },
  });
});
after(async () => gateway?.close());

const asAdmin: HeaderLines = [['X-Trino-User', 'admin']];

/** Runs fixture statements as admin on the oracle and directly on the backend; both must succeed. */
async function onBoth(statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    for (const base of [ORACLE, backend]) {
      const outcome = await runStatement(base, sql, asAdmin);
      assert.ok(outcome.ok, `fixture ${sql} on ${base}: ${outcome.errorName}: ${outcome.message}`);
    }
  }
}

/** A query left running (not read) on each engine, owned by `owner`, for kill_query. */
async function startVictims(): Promise<{ oracle: Victims; backend: Victims; all: Array<[string, string]> }> {
  const all: Array<[string, string]> = [];
  const start = async (base: string, owner: string) => {
    const outcome = await runStatement(base, 'SELECT * FROM tpch.sf1.lineitem', [['X-Trino-User', owner]], 3);
    assert.ok(outcome.id, `victim on ${base}: ${outcome.errorName}: ${outcome.message}`);
    all.push([base, outcome.id]);
    return outcome.id;
  };
  return {
    oracle: { admin: await start(ORACLE, 'admin'), alice: await start(ORACLE, 'alice') },
    backend: { admin: await start(backend, 'admin'), alice: await start(backend, 'alice') },
    all,
  };
}

async function cancel(victims: Array<[string, string]>): Promise<void> {
  for (const [base, id] of victims) await fetch(`${base}/v1/query/${id}`, { method: 'DELETE', headers: { 'X-Trino-User': 'admin' } });
}

interface Pair {
  case: string;
  user: string;
  sql: string;
  oracle: Outcome;
  gateway: Outcome;
  kind?: DisagreementKind;
  allowedBy?: AllowListEntry;
}

const denial = (o: Outcome) => o.errorName === 'PERMISSION_DENIED' || (o.errorName?.startsWith('HTTP 4') ?? false);

/** How the two answers differ, or undefined when they agree. */
function compare(oracle: Outcome, via: Outcome): DisagreementKind | undefined {
  const oracleDenied = denial(oracle);
  if (!via.refusedAtSubmit) return oracleDenied ? 'bypass' : undefined;
  if (oracleDenied) return via.message === oracle.message && via.errorName === oracle.errorName ? undefined : 'message';
  if (oracle.ok || via.errorName === 'PERMISSION_DENIED') return 'false-denial';
  // Both rejected the statement for a reason other than access (syntax, missing object, unsupported).
  return via.errorName === oracle.errorName ? undefined : 'error-differs';
}

function headersFor(c: Case, user: string): HeaderLines {
  const base = c.headers ? c.headers(user) : [['X-Trino-User', user] as const];
  const session: Array<readonly [string, string]> = [];
  if (c.session) session.push(['X-Trino-Catalog', c.session.catalog]);
  if (c.session?.schema) session.push(['X-Trino-Schema', c.session.schema]);
  return [...base, ...session];
}

test('the gateway decides as Trino does on the corpus (decision differential)', { timeout: 900_000 }, async (t) => {
  await onBoth(FIXTURES);
  const pairs: Pair[] = [];
  for (const c of CORPUS) {
    for (const user of c.users ?? USERS) {
      const headers = [...headersFor(c, user), ['X-Trino-Source', `querygate-decision-differential ${c.id} ${user}`] as const];
      const victims = c.kills ? await startVictims() : undefined;
      const sqlFor = (v: Victims | undefined) => (typeof c.sql === 'string' ? c.sql : c.sql(v!));
      const [oracle, via] = await Promise.all([runStatement(ORACLE, sqlFor(victims?.oracle), headers), runStatement(gateway.url, sqlFor(victims?.backend), headers)]);
      if (victims) await cancel(victims.all);
      if (c.reset && (oracle.ok || via.ok)) await onBoth(c.reset);
      const pair: Pair = { case: c.id, user, sql: sqlFor(victims?.oracle), oracle, gateway: via };
      const kind = compare(oracle, via);
      if (kind) {
        pair.kind = kind;
        const entry = ALLOW_LIST.find((e) => e.cases.includes(c.id) && (e.users === undefined || e.users.includes(user)) && e.kinds.includes(kind));
        if (entry) pair.allowedBy = entry;
      }
      pairs.push(pair);
    }
  }

  const disagreements = pairs.filter((p) => p.kind !== undefined);
  const unexplained = disagreements.filter((p) => p.allowedBy === undefined);
  const bypasses = disagreements.filter((p) => p.kind === 'bypass');
  const agreed = pairs.length - disagreements.length;
  const rate = ((100 * agreed) / pairs.length).toFixed(1);
  const byKind = (k: DisagreementKind) => disagreements.filter((p) => p.kind === k).length;
  const summary =
    `decision differential: ${pairs.length} statement × user pairs (${CORPUS.length} statements, ${USERS.length} users), ` +
    `agreement ${agreed}/${pairs.length} (${rate} %); disagreements: ${byKind('bypass')} gateway allows what Trino denies, ` +
    `${byKind('false-denial')} false denials, ${byKind('message')} different messages, ${byKind('error-differs')} different errors; ` +
    `${disagreements.length - unexplained.length} in the allow-list, ${unexplained.length} unexplained`;
  console.log(summary);
  t.diagnostic(summary);
  const stale = ALLOW_LIST.filter((e) => !disagreements.some((p) => p.allowedBy === e));
  const out = join(REPO, 'test-artifacts');
  mkdirSync(out, { recursive: true });
  const entry = (p: Pair) => ({
    case: p.case,
    user: p.user,
    kind: p.kind,
    sql: p.sql,
    trino: p.oracle.ok ? 'ok' : `${p.oracle.errorName}: ${p.oracle.message}`,
    gateway: p.gateway.refusedAtSubmit ? `refused: ${p.gateway.errorName}: ${p.gateway.message}` : p.gateway.ok ? 'forwarded: ok' : `forwarded: ${p.gateway.errorName}: ${p.gateway.message}`,
    ...(p.allowedBy ? { allowedBy: p.allowedBy.pending ?? p.allowedBy.why } : {}),
  });
  writeFileSync(
    join(out, 'decision-differential.json'),
    JSON.stringify({ summary, pairs: pairs.length, agreed, rate: Number(rate), unexplained: unexplained.map(entry), allowListed: disagreements.filter((p) => p.allowedBy).map(entry), staleAllowListEntries: stale }, null, 2),
  );

  assert.ok(pairs.length >= 1000, `the corpus must have at least 1,000 pairs, has ${pairs.length}`);
  const unlistedBypasses = bypasses.filter((p) => p.allowedBy?.pending === undefined);
  assert.deepEqual(unlistedBypasses.map(entry), [], 'the gateway lets through statements Trino denies');
  assert.deepEqual(unexplained.map(entry), [], 'disagreements with Trino that are not in the allow-list (see test-artifacts/decision-differential.json)');
});
