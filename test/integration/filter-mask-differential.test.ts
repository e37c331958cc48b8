/**
 * The row filter and column mask result differential: Trino 483 enforcing
 * test/governance/filter-mask-rules.json itself (a second oracle, trino-fm, started by
 * scripts/trino/start-oracle.sh) versus Querygate enforcing the same file by rewriting statements
 * in front of the allow-all test Trino. Every statement of the corpus runs as every user of the
 * rules file; both sides must return the same columns (names and types) and the same rows (in
 * order when the statement orders them completely, as multisets otherwise), or both refuse with
 * the same error (see comparable). The agreement count is printed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { RunningGateway } from '../../src/gateway.js';
import { runStatement } from '../governance/client.js';
import { FILTER_MASK_CORPUS, FILTER_MASK_FIXTURES, FILTER_MASK_OWNED_FIXTURES, FILTER_MASK_RULES, FILTER_MASK_USERS, comparable, ensureFilterMaskOracle, sessionHeaders } from '../governance/filter-mask-corpus.js';
import { ensureTrino, startTestGateway } from '../support/services.js';

let oracle: string;
let backend: string;
let gateway: RunningGateway;

before(async () => {
  backend = await ensureTrino();
  oracle = await ensureFilterMaskOracle();
  gateway = await startTestGateway({
    accessControl: { rulesFile: FILTER_MASK_RULES },
    backends: [{ name: 'trino1', engine: 'trino', url: backend, group: 'cluster' }],
    routing: { defaultGroup: 'cluster' },
    admin: { users: ['ops'] },
  });
  for (const { sql, user, schema } of [...FILTER_MASK_FIXTURES.map((sql) => ({ sql, user: 'admin', schema: undefined })), ...FILTER_MASK_OWNED_FIXTURES]) {
    for (const base of [oracle, backend]) {
      const session: Array<[string, string]> = schema === undefined ? [] : [['X-Trino-Catalog', schema[0]], ['X-Trino-Schema', schema[1]]];
      const outcome = await runStatement(base, sql, [['X-Trino-User', user], ...session]);
      assert.ok(outcome.ok, `fixture ${sql} on ${base}: ${outcome.errorName}: ${outcome.message}`);
    }
  }
});
after(async () => gateway?.close());

test(`results agree on every statement × user pair (${FILTER_MASK_CORPUS.length * FILTER_MASK_USERS.length} pairs)`, { timeout: 1_800_000 }, async () => {
  const disagreements: string[] = [];
  let agreed = 0;
  let answered = 0;
  for (const c of FILTER_MASK_CORPUS) {
    // The users of one statement at once: each pair is independent of the others.
    const answers = await Promise.all(FILTER_MASK_USERS.map((user) => Promise.all([runStatement(oracle, c.sql, sessionHeaders(user)), runStatement(gateway.url, c.sql, sessionHeaders(user))])));
    FILTER_MASK_USERS.forEach((user, i) => {
      const [trino, ours] = answers[i]!;
      const expected = comparable(trino, c.ordered === true);
      const actual = comparable(ours, c.ordered === true);
      if (isDeepStrictEqual(actual, expected)) {
        agreed++;
        if (trino.ok) answered++;
      } else disagreements.push(`${user}: ${c.sql}\n  trino: ${JSON.stringify(expected).slice(0, 400)}\n  gateway: ${JSON.stringify(actual).slice(0, 400)}`);
    });
  }
  const total = FILTER_MASK_CORPUS.length * FILTER_MASK_USERS.length;
  console.log(`filter/mask result differential: ${agreed}/${total} pairs agree (${answered} with results, ${agreed - answered} refused alike)`);
  assert.deepEqual(disagreements, []);
});

test('the rewritten statement is shown by the access simulator (explain-access) and kept in history', async () => {
  const sql = `SELECT count(*) FROM nation WHERE n_nationkey < ${Date.now() % 1000 + 100}`;
  const rewritten = `SELECT count(*) FROM (SELECT "n_nationkey", "n_name", "n_regionkey", "n_comment" FROM "tpch"."tiny"."nation" WHERE n_regionkey = 1) AS nation WHERE`;
  const ops = { 'X-Trino-User': 'ops', 'content-type': 'application/json' };
  const simulated = await fetch(`${gateway.url}/api/access/simulate`, { method: 'POST', headers: ops, body: JSON.stringify({ user: 'ann', sql, catalog: 'tpch', schema: 'tiny' }) });
  const explained = JSON.stringify(await simulated.json());
  assert.ok(explained.includes(`Rewritten statement: ${rewritten}`.replaceAll('"', '\\"')), explained.slice(0, 2000));
  assert.ok((await runStatement(gateway.url, sql, sessionHeaders('ann'))).ok);
  let history = '';
  for (let i = 0; i < 50 && !history.includes('rewritten statement'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    history = JSON.stringify(await (await fetch(`${gateway.url}/api/queries?user=ann&text=${encodeURIComponent(sql.slice(-30))}`, { headers: ops })).json());
  }
  assert.ok(history.includes(`rewritten statement: ${rewritten}`.replaceAll('"', '\\"')), history.slice(0, 2000));
  assert.ok(history.includes(JSON.stringify(sql)), 'the statement as the client sent it');
});
