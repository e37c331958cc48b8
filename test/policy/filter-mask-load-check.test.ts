/**
 * Filters and masks checked against the catalogs at load (filter-mask/load-check.ts): a rule
 * naming one existing table has its expressions analyzed and typed over it, so a missing column or
 * a wrong type refuses the rules file naming the rule; a reload that fails the check keeps the last
 * good rules (config/reloading-file.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReloadingFile } from '../../src/config/reloading-file.js';
import { ruleExpressionErrors } from '../../src/policy/filter-mask/load-check.js';
import type { QualifiedName } from '../../src/sql/analyzer/index.js';
import { rules } from './support.js';

const NATION = [
  { name: 'n_nationkey', type: 'bigint' },
  { name: 'n_name', type: 'varchar(25)' },
  { name: 'n_regionkey', type: 'bigint' },
];

const metadata = {
  async columnTypesOf(t: QualifiedName) {
    return t.catalog === 'tpch' && t.schema === 'tiny' && t.name === 'nation' ? NATION : undefined;
  },
  async columnsOf(t: QualifiedName) {
    return (await this.columnTypesOf(t))?.map((c) => c.name);
  },
};

const nation = { catalog: 'tpch', schema: 'tiny', table: 'nation', privileges: ['SELECT'] };

test('a filter naming a missing column and a mask of the wrong type are configuration errors naming the rule', async () => {
  const errors = await ruleExpressionErrors(
    rules({
      tables: [
        { ...nation, user: 'a', filter: 'n_nosuch = 1' },
        { ...nation, user: 'b', columns: [{ name: 'n_name', mask: 'length(n_name)' }] },
        { ...nation, user: 'c', filter: 'n_regionkey + 1' },
        // Fine, or not checkable at load: a valid rule, a pattern, a table that does not exist.
        { ...nation, user: 'd', filter: "n_regionkey = 1 OR current_user = 'x'", columns: [{ name: 'n_name', mask: "'***'" }] },
        { ...nation, user: 'e', table: 'nat.*', filter: 'n_nosuch = 1' },
        { ...nation, user: 'f', table: 'no_such_table', filter: 'n_nosuch = 1' },
      ],
    }),
    metadata,
  );
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0]!, /^tables\[0\]: Invalid row filter of tables\[0\] for table tpch\.tiny\.nation: .*'n_nosuch' cannot be resolved/);
  assert.equal(errors[1], "tables[1]: Expected column mask for 'tpch.tiny.nation.n_name' to be of type varchar(25), but was bigint");
  assert.equal(errors[2], 'tables[2]: Invalid row filter of tables[2] for table tpch.tiny.nation: the filter has type bigint, not boolean');
});

test('a reload whose check fails keeps the last good version in force, and says why', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'qg-fm-check-')), 'rules.txt');
  writeFileSync(path, 'good 1');
  const errors: string[] = [];
  const file = new ReloadingFile(
    path,
    (text) => text,
    (m) => errors.push(m),
    () => undefined,
    async (value) => {
      if (value.startsWith('bad')) throw new Error(`tables[0]: ${value}`);
    },
  );
  const change = async (text: string, seconds: number) => {
    writeFileSync(path, text);
    const later = new Date(Date.now() + seconds * 1000);
    utimesSync(path, later, later);
    file.reload();
    await new Promise((resolve) => setImmediate(resolve));
  };
  await change('bad column', 5);
  assert.equal(file.value, 'good 1');
  assert.match(errors[0]!, /not reloaded, keeping the previous version: tables\[0\]: bad column$/);
  await change('good 2', 10);
  assert.equal(file.value, 'good 2');
  await assert.doesNotReject(file.checkCurrent());
});
