/**
 * Row filters and column masks on the embedded DuckDB engine, compared with Trino's own
 * enforcement on the same data: the tpch.tiny tables the corpus reads are copied from the test
 * Trino into a DuckDB file served as catalog `tpch` (schema `tiny`), the gateway enforces
 * filter-mask-rules.json over it, and trino-fm enforces the same file over Trino's tpch
 * connector. Every corpus statement (except those over views, which exist only on Trino) runs as
 * every user. A pair agrees when both return the same columns and rows or both refuse with the
 * same error. Engine differences that do not depend on the rules are set aside: varchar(n) is
 * compared as varchar (DuckDB has no lengths), the name of a column Trino leaves unnamed (`_col1`)
 * is not compared (the embedded engine names it after the expression), and a statement the engine
 * answers differently for admin (who has no filter or mask: a construct the engine refuses or
 * reads otherwise) is reported, not compared. A rule whose expression the embedded translator
 * cannot run exactly (a function it does not map, a regular expression outside the subset both
 * engines read alike) refuses the read as a configuration error naming the rule: those pairs are
 * counted apart, and must be refused, never answered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { isDeepStrictEqual } from 'node:util';
import { runStatement, type Outcome } from '../governance/client.js';
import { FILTER_MASK_CORPUS, FILTER_MASK_RULES, FILTER_MASK_USERS, comparable, ensureFilterMaskOracle, sessionHeaders } from '../governance/filter-mask-corpus.js';
import { ensureTrino, startTestGateway } from '../support/services.js';
import { copyTpchTiny } from '../support/tpch-duckdb.js';

const TABLES = ['nation', 'region', 'customer', 'orders', 'supplier'];
const CASES = FILTER_MASK_CORPUS.filter((c) => !c.sql.includes('memory.'));

let oracle: string;
let gateway: RunningGateway;

before(async () => {
  const trino = await ensureTrino();
  oracle = await ensureFilterMaskOracle();
  const path = join(mkdtempSync(join(tmpdir(), 'qg-fm-embedded-')), 'tpch.duckdb');
  await copyTpchTiny(trino, path, TABLES);
  gateway = await startTestGateway({
    accessControl: { rulesFile: FILTER_MASK_RULES },
    backends: [{ name: 'embedded', engine: 'duckdb', group: 'local', catalogs: [{ name: 'tpch', path, readOnly: true }] }],
    routing: { defaultGroup: 'local' },
  });
});
after(async () => gateway?.close());

const varchar = (type: string) => type.replace(/varchar\(\d+\)/g, 'varchar');

/** The two answers in comparable form, the names of the columns Trino leaves unnamed set aside. */
function compared(trino: Outcome, ours: Outcome, ordered: boolean): [unknown, unknown] {
  const unnamed = new Set((trino.columns ?? []).flatMap((col, i) => (/^_col\d+$/.test(col.name) ? [i] : [])));
  const names = (o: Outcome) => (o.columns ? { ...o, columns: o.columns.map((col, i) => (unnamed.has(i) ? { ...col, name: '_col' } : col)) } : o);
  return [comparable(names(trino), ordered, varchar), comparable(names(ours), ordered, varchar)];
}

test(`the embedded engine answers as Trino enforces the rules (${CASES.length * FILTER_MASK_USERS.length} pairs)`, { timeout: 1_800_000 }, async () => {
  const disagreements: string[] = [];
  const engineDifferences: string[] = [];
  // Pairs whose rule uses a function the embedded translator cannot map exactly: refused as a
  // configuration error naming the rule, never answered differently.
  let refusedByDesign = 0;
  let agreed = 0;
  let answered = 0;
  for (const c of CASES) {
    const answers = await Promise.all(FILTER_MASK_USERS.map((user) => Promise.all([runStatement(oracle, c.sql, sessionHeaders(user)), runStatement(gateway.url, c.sql, sessionHeaders(user))])));
    // admin has no filter or mask: a difference there is the engine's, not the rules'.
    const [adminTrino, adminOurs] = compared(...answers[FILTER_MASK_USERS.indexOf('admin')]!, c.ordered === true);
    if (!isDeepStrictEqual(adminTrino, adminOurs)) {
      engineDifferences.push(`${c.sql}\n    trino: ${JSON.stringify(adminTrino).slice(0, 200)}\n    embedded: ${JSON.stringify(adminOurs).slice(0, 200)}`);
      continue;
    }
    FILTER_MASK_USERS.forEach((user, i) => {
      const [trino, ours] = answers[i]!;
      const [expected, actual] = compared(trino, ours, c.ordered === true);
      if (!ours.ok && ours.errorName === 'NOT_SUPPORTED' && /^Configuration error: the .* of tables\[\d+\] cannot be applied to .*the translator refuses it/.test(ours.message ?? '')) {
        refusedByDesign++;
        if (trino.ok) return;
      }
      if (isDeepStrictEqual(expected, actual)) {
        agreed++;
        if (trino.ok) answered++;
      } else disagreements.push(`${user}: ${c.sql}\n  trino: ${JSON.stringify(expected).slice(0, 400)}\n  embedded: ${JSON.stringify(actual).slice(0, 400)}`);
    });
  }
  console.log(
    `filter/mask embedded differential: ${agreed} pairs agree (${answered} with results, ${agreed - answered} refused alike), ${disagreements.length} disagree, ` +
      `${refusedByDesign} refused as a configuration error naming the rule (a function the translator cannot map); ` +
      `${engineDifferences.length} statements set aside because the engine answers admin (no filter, no mask) differently:\n  ${engineDifferences.join('\n  ')}`,
  );
  assert.deepEqual(disagreements, []);
  assert.ok(agreed >= 250, `only ${agreed} pairs compared`);
});
