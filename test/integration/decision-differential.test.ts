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

/** A query left running (its results not read: Trino keeps it RUNNING) on each engine, for kill_query. */
async function startVictims(): Promise<{ oracle: Victims; backend: Victims; all: Array<[string, string]> }> {
  const all: Array<[string, string]> = [];
  const start = async (base: string, owner: string) => {
    const outcome = await runStatement(base, 'SELECT * FROM tpch.tiny.nation', [['X-Trino-User', owner]], 3);
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
  for (const [base, id] of victims) (await fetch(`${base}/v1/query/${id}`, { method: 'DELETE', headers: { 'X-Trino-User': 'admin' } })).body?.cancel();
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

function describe(o: Outcome): string {
  if (o.refusedAtSubmit) return `refused: ${o.errorName}: ${o.message}`;
  return o.ok ? 'forwarded: ok' : `forwarded: ${o.errorName}: ${o.message}`;
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

/** The gateway could not reach the backend: not a decision (retried once). */
const unreachable = (o: Outcome) => o.errorName === 'BACKEND_UNAVAILABLE';

async function runPair(c: Case, user: string): Promise<Pair> {
  const presto = headersFor(c, user).some(([name]) => /^x-presto-/i.test(name));
  const headers = [...headersFor(c, user), [presto ? 'X-Presto-Source' : 'X-Trino-Source', `querygate-decision-differential ${c.id} ${user}`] as const];
  const victims = c.kills ? await startVictims() : undefined;
  const sqlFor = (v: Victims | undefined) => (typeof c.sql === 'string' ? c.sql : c.sql(v!));
  const [oracle, first] = await Promise.all([runStatement(ORACLE, sqlFor(victims?.oracle), headers), runStatement(gateway.url, sqlFor(victims?.backend), headers)]);
  const via = unreachable(first) ? await runStatement(gateway.url, sqlFor(victims?.backend), headers) : first;
  if (victims) await cancel(victims.all);
  if (c.reset && (oracle.ok || via.ok)) await onBoth(c.reset);
  const pair: Pair = { case: c.id, user, sql: sqlFor(victims?.oracle), oracle, gateway: via };
  const kind = compare(oracle, via);
  if (kind) {
    pair.kind = kind;
    const answer = describe(via);
    const entry = ALLOW_LIST.find(
      (e) => (e.cases === undefined || e.cases.includes(c.id)) && (e.users === undefined || e.users.includes(user)) && e.kinds.includes(kind) && (e.gateway === undefined || e.gateway.test(answer)),
    );
    if (entry) pair.allowedBy = entry;
  }
  return pair;
}

/** Pairs that change nothing (no fixtures to restore, no victims) run a few at a time. */
const PARALLEL = 4;

test('the gateway decides as Trino does on the corpus (decision differential)', { timeout: 900_000 }, async (t) => {
  await onBoth(FIXTURES);
  const pairs: Pair[] = [];
  for (const c of CORPUS) {
    const users = [...(c.users ?? USERS)];
    if (c.reset || c.kills) {
      for (const user of users) pairs.push(await runPair(c, user));
      continue;
    }
    const results: Pair[] = new Array(users.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < users.length; i = next++) results[i] = await runPair(c, users[i]!);
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    pairs.push(...results);
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
  const stale = ALLOW_LIST.filter((e) => !disagreements.some((p) => p.allowedBy === e)).map((e) => e.pending ?? e.why);
  console.log(summary);
  t.diagnostic(summary);
  for (const e of stale) t.diagnostic(`allow-list entry that matched nothing (remove it?): ${e}`);
  const out = join(REPO, 'test-artifacts');
  mkdirSync(out, { recursive: true });
  const entry = (p: Pair) => ({
    case: p.case,
    user: p.user,
    kind: p.kind,
    sql: p.sql,
    trino: p.oracle.ok ? 'ok' : `${p.oracle.errorName}: ${p.oracle.message}`,
    gateway: describe(p.gateway),
    ...(p.allowedBy ? { allowedBy: p.allowedBy.pending ?? p.allowedBy.why } : {}),
  });
  writeFileSync(
    join(out, 'decision-differential.json'),
    JSON.stringify({ summary, pairs: pairs.length, agreed, rate: Number(rate), unexplained: unexplained.map(entry), allowListed: disagreements.filter((p) => p.allowedBy).map(entry), staleAllowListEntries: stale }, null, 2),
  );

  assert.ok(pairs.length >= 1000, `the corpus must have at least 1,000 pairs, has ${pairs.length}`);
  assert.deepEqual(
    ALLOW_LIST.filter((e) => e.pending === undefined && e.kinds.includes('bypass')),
    [],
    'only a pending entry may list a statement the gateway lets through while Trino denies it',
  );
  const unlistedBypasses = bypasses.filter((p) => p.allowedBy?.pending === undefined);
  assert.deepEqual(unlistedBypasses.map(entry), [], 'the gateway lets through statements Trino denies');
  assert.deepEqual(unexplained.map(entry), [], 'disagreements with Trino that are not in the allow-list (see test-artifacts/decision-differential.json)');
});
