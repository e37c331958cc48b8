/**
 * The row filter and column mask result differential: Trino 483 enforcing
 * test/governance/filter-mask-rules.json itself (a second oracle, trino-fm, started by
 * scripts/trino/start-oracle.sh) versus Querygate enforcing the same file by rewriting statements
 * in front of the allow-all test Trino. Every statement of the corpus runs as every user of the
 * rules file; both sides must return the same columns (names and types) and the same rows (in
 * order when the statement orders them completely, as multisets otherwise), or both refuse with
 * the same error. Doubles are compared to 12 significant digits (two clusters may sum in
 * different orders). The agreement count is printed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunningGateway } from '../../src/gateway.js';
import { runStatement, type HeaderLines, type Outcome } from '../governance/client.js';
import { FILTER_MASK_CORPUS, FILTER_MASK_FIXTURES, FILTER_MASK_USERS } from '../governance/filter-mask-corpus.js';
import { REPO, ensureTrino, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const ORACLE_PORT = Number(process.env.QUERYGATE_FILTER_MASK_ORACLE_PORT ?? 18190);
const ORACLE = `http://127.0.0.1:${ORACLE_PORT}`;
const RULES = join(REPO, 'test', 'governance', 'filter-mask-rules.json');

let backend: string;
let gateway: RunningGateway;
let gatewayUrl: string;

before(async () => {
  backend = await ensureTrino();
  await exec('bash', [join(REPO, 'scripts', 'trino', 'start-oracle.sh')], {
    timeout: 900_000,
    env: { ...process.env, QUERYGATE_ORACLE_PORT: String(ORACLE_PORT), QUERYGATE_ORACLE_NAME: 'trino-fm', QUERYGATE_ORACLE_RULES: RULES },
  });
  gateway = await startTestGateway({
    accessControl: { rulesFile: RULES },
    backends: [{ name: 'trino1', engine: 'trino', url: backend, group: 'cluster' }],
    routing: { defaultGroup: 'cluster' },
  });
  gatewayUrl = gateway.url;
  for (const sql of FILTER_MASK_FIXTURES) {
    for (const base of [ORACLE, backend]) {
      const outcome = await runStatement(base, sql, [['X-Trino-User', 'admin']]);
      assert.ok(outcome.ok, `fixture ${sql} on ${base}: ${outcome.errorName}: ${outcome.message}`);
    }
  }
});
after(async () => gateway?.close());

function headers(user: string): HeaderLines {
  return [
    ['X-Trino-User', user],
    ['X-Trino-Catalog', 'tpch'],
    ['X-Trino-Schema', 'tiny'],
  ];
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(normalizeValue);
  return v;
}

/** What must agree: the columns and rows of an answer, or the error of a refusal. */
function comparable(outcome: Outcome, ordered: boolean): unknown {
  if (!outcome.ok) return { error: outcome.errorName, message: outcome.message?.replace(/^line \d+:\d+: /, '') };
  const rows = (outcome.rows ?? []).map((r) => JSON.stringify(normalizeValue(r)));
  return { columns: outcome.columns, rows: ordered ? rows : rows.sort() };
}

test(`results agree on every statement × user pair (${FILTER_MASK_CORPUS.length * FILTER_MASK_USERS.length} pairs)`, { timeout: 1_800_000 }, async () => {
  const disagreements: string[] = [];
  let agreed = 0;
  let answered = 0;
  for (const c of FILTER_MASK_CORPUS) {
    for (const user of FILTER_MASK_USERS) {
      const [oracle, ours] = await Promise.all([runStatement(ORACLE, c.sql, headers(user)), runStatement(gatewayUrl, c.sql, headers(user))]);
      const expected = comparable(oracle, c.ordered === true);
      const actual = comparable(ours, c.ordered === true);
      try {
        assert.deepEqual(actual, expected);
        agreed++;
        if (oracle.ok) answered++;
      } catch {
        disagreements.push(`${user}: ${c.sql}\n  trino: ${JSON.stringify(expected).slice(0, 400)}\n  gateway: ${JSON.stringify(actual).slice(0, 400)}`);
      }
    }
  }
  const total = FILTER_MASK_CORPUS.length * FILTER_MASK_USERS.length;
  console.log(`filter/mask result differential: ${agreed}/${total} pairs agree (${answered} with results, ${agreed - answered} refused alike)`);
  assert.deepEqual(disagreements, []);
});
