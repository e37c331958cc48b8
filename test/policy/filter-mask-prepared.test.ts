/**
 * Filters and masks analyzed once and kept between statements (filter-mask/prepared.ts): a kept
 * analysis is reused only under the same rules version and while every table it read has the same
 * columns and types; what depends on the reader is decided for every statement.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreparedExpressionCache } from '../../src/policy/filter-mask/prepared.js';
import { rewriteForFiltersAndMasks } from '../../src/policy/filter-mask/rewrite.js';
import type { AccessRules } from '../../src/policy/file-rules.js';
import { QueryFailure } from '../../src/protocol/errors.js';
import { analyze, type MetadataProvider, type QualifiedName } from '../../src/sql/analyzer/index.js';
import { SESSION, rules, who } from './support.js';

type Columns = Array<{ name: string; type: string }>;

/** tpch.tiny.nation and region whose columns the test changes, counting the analyzer's lookups. */
function schema() {
  const tables: Record<string, Columns> = {
    nation: [
      { name: 'n_nationkey', type: 'bigint' },
      { name: 'n_name', type: 'varchar' },
      { name: 'n_regionkey', type: 'bigint' },
    ],
    region: [
      { name: 'r_regionkey', type: 'bigint' },
      { name: 'r_name', type: 'varchar' },
    ],
  };
  const lookups = { count: 0 };
  const metadata: MetadataProvider = {
    async columnsOf(t: QualifiedName) {
      lookups.count++;
      return t.catalog === 'tpch' && t.schema === 'tiny' ? tables[t.name]?.map((c) => c.name) : undefined;
    },
  };
  const columnTypes = async (t: QualifiedName) => (t.catalog === 'tpch' && t.schema === 'tiny' ? tables[t.name] : undefined);
  return { tables, lookups, metadata, columnTypes };
}

const RULES = {
  tables: [
    { user: 'ann|hidden', table: 'nation', privileges: ['SELECT'], filter: "n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name < 'M')", columns: [{ name: 'n_nationkey', mask: 'n_nationkey * 10 + 1' }] },
    { user: 'hidden', table: 'region', privileges: [] },
    { privileges: ['SELECT'] },
  ],
};

async function rewrite(s: ReturnType<typeof schema>, r: AccessRules, cache: PreparedExpressionCache, user: string, sql: string) {
  const request = await analyze(sql, SESSION, s.metadata);
  return rewriteForFiltersAndMasks({ rules: r, identity: who(user), request, sql, columnTypes: s.columnTypes, metadata: s.metadata, preparedExpressions: cache });
}

const DERIVED = `(SELECT CAST((n_nationkey * 10 + 1) AS bigint) AS "n_nationkey", "n_name", "n_regionkey" FROM "tpch"."tiny"."nation" WHERE n_regionkey IN (SELECT r_regionkey FROM "tpch"."tiny"."region" WHERE r_name < 'M')) AS nation`;

test('a filter and a mask are analyzed once and reused by later statements, with the same rewrite', async () => {
  const s = schema();
  const r = rules(RULES);
  const cache = new PreparedExpressionCache();
  assert.equal((await rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'))?.sql, `SELECT n_name FROM ${DERIVED}`);
  assert.equal(cache.size, 2);
  const before = s.lookups.count;
  const second = await rewrite(s, r, cache, 'ann', 'SELECT count(*) FROM nation');
  // The statement's own analysis looks up nation once; the filter and mask are not analyzed again.
  assert.equal(s.lookups.count - before, 1);
  assert.equal(second?.sql, `SELECT count(*) FROM ${DERIVED}`);
});

test('what depends on the reader is still decided per statement: the same filter denies a user who may not read its subquery', async () => {
  const s = schema();
  const r = rules(RULES);
  const cache = new PreparedExpressionCache();
  assert.ok(await rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'));
  await assert.rejects(rewrite(s, r, cache, 'hidden', 'SELECT n_name FROM nation'), (err: unknown) => err instanceof QueryFailure && err.errorCode.name === 'PERMISSION_DENIED' && /Cannot select from table tpch\.tiny\.region/.test(err.message));
});

test('a kept analysis is dropped when a table it read changes, its subquery tables included', async () => {
  const s = schema();
  const r = rules(RULES);
  const cache = new PreparedExpressionCache();
  assert.ok(await rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'));
  // region is read only by the filter's subquery: dropping r_name makes the filter invalid.
  s.tables.region = s.tables.region!.filter((c) => c.name !== 'r_name');
  await assert.rejects(rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'), (err: unknown) => err instanceof QueryFailure && err.errorCode.name === 'COLUMN_NOT_FOUND' && /row filter of tables\[0\].*'r_name' cannot be resolved/.test(err.message));
  s.tables.region!.push({ name: 'r_name', type: 'varchar' });
  assert.ok(await rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'));
  // A changed type is a change too: the mask's arithmetic no longer types over a varchar.
  s.tables.nation![0] = { name: 'n_nationkey', type: 'varchar' };
  await assert.rejects(rewrite(s, r, cache, 'ann', 'SELECT n_name FROM nation'), (err: unknown) => err instanceof QueryFailure && /mask of column n_nationkey of tables\[0\]/.test(err.message));
});

test('a rules reload empties the kept analyses; an analysis under older rules is not kept', async () => {
  const s = schema();
  const cache = new PreparedExpressionCache();
  const older = rules(RULES);
  const newer = rules(RULES);
  assert.ok(await rewrite(s, newer, cache, 'ann', 'SELECT n_name FROM nation'));
  assert.equal(cache.size, 2);
  const before = s.lookups.count;
  assert.ok(await rewrite(s, older, cache, 'ann', 'SELECT n_name FROM nation'));
  assert.ok(s.lookups.count - before > 1, 'analyzed again under the older rules');
  assert.equal(cache.size, 2);
  const newest = rules(RULES);
  const atReload = s.lookups.count;
  assert.ok(await rewrite(s, newest, cache, 'ann', 'SELECT n_name FROM nation'));
  assert.ok(s.lookups.count - atReload > 1, 'analyzed again under the new rules');
  assert.equal(cache.size, 2);
});
