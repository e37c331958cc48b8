/**
 * Row filters and column masks inside SECURITY INVOKER views: the view's stored text replaces it,
 * with the caller's filters and masks applied to the tables it reads, when that text is exactly
 * the view (checked against the engine's expansion and columns); otherwise refused, naming why.
 * Results against Trino: test/integration/filter-mask-differential.test.ts (the v_inv views).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteForFiltersAndMasks } from '../../src/policy/filter-mask/rewrite.js';
import { QueryFailure } from '../../src/protocol/errors.js';
import { analyze, type MetadataProvider, type QualifiedName, type ViewDefinition, type ViewExpansion } from '../../src/sql/analyzer/index.js';
import { SESSION, rules, who } from './support.js';

const TYPES: Record<string, Array<{ name: string; type: string }>> = {
  'tpch.tiny.nation': [
    { name: 'n_nationkey', type: 'bigint' },
    { name: 'n_name', type: 'varchar(25)' },
    { name: 'n_regionkey', type: 'bigint' },
  ],
  'tpch.tiny.region': [
    { name: 'r_regionkey', type: 'bigint' },
    { name: 'r_name', type: 'varchar(25)' },
  ],
};

interface View {
  reads: ViewExpansion['reads'];
  definition: ViewDefinition;
}

const VIEW_COLUMNS = [
  { name: 'n_name', type: 'varchar(25)' },
  { name: 'r_name', type: 'varchar(25)' },
];

function view(sql: string, changes: Partial<ViewDefinition> = {}, reads: ViewExpansion['reads'] = [
  { table: { catalog: 'tpch', schema: 'tiny', name: 'nation' }, columns: ['n_name', 'n_regionkey'] },
  { table: { catalog: 'tpch', schema: 'tiny', name: 'region' }, columns: ['r_name', 'r_regionkey'] },
]): View {
  return { reads, definition: { sql, columns: VIEW_COLUMNS, bodyColumns: VIEW_COLUMNS, ...changes } };
}

const JOIN = 'SELECT n.n_name, r.r_name\nFROM\n  (tpch.tiny.nation n\nINNER JOIN tpch.tiny.region r ON (n.n_regionkey = r.r_regionkey))\n';

function metadataWith(views: Record<string, View>): MetadataProvider {
  const name = (t: QualifiedName) => `${t.catalog}.${t.schema}.${t.name}`;
  return {
    async columnsOf(t) {
      return (TYPES[name(t)] ?? views[name(t)]?.definition.columns)?.map((c) => c.name);
    },
    async viewOf(t) {
      const v = views[name(t)];
      return v === undefined ? undefined : { reads: v.reads };
    },
    async viewDefinitionOf(t) {
      return views[name(t)]?.definition;
    },
  };
}

const RULES = rules({
  tables: [
    { user: 'ann', catalog: 'tpch', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey = 1', columns: [{ name: 'n_name', mask: "'***'" }] },
    { user: 'ann', catalog: 'memory', table: 'v_own', privileges: ['SELECT'], filter: "n_name <> 'x'" },
    { privileges: ['SELECT'] },
  ],
});

async function rewrite(views: Record<string, View>, sql: string, user = 'ann') {
  const metadata = metadataWith(views);
  const request = await analyze(sql, SESSION, metadata);
  return rewriteForFiltersAndMasks({ rules: RULES, identity: who(user), request, sql, columnTypes: async (t) => TYPES[`${t.catalog}.${t.schema}.${t.name}`], metadata });
}

const NATION = `(SELECT "n_nationkey", CAST(('***') AS varchar(25)) AS "n_name", "n_regionkey" FROM "tpch"."tiny"."nation" WHERE n_regionkey = 1)`;

test('an invoker view over a filtered and masked table is read through its stored text, the filter and mask applied inside', async () => {
  const rewritten = await rewrite({ 'memory.fm.v': view(JOIN) }, 'SELECT r_name, v.n_name FROM memory.fm.v WHERE n_name IS NOT NULL');
  assert.equal(
    rewritten?.sql,
    `SELECT r_name, v.n_name FROM (SELECT n.n_name, r.r_name\nFROM\n  (${NATION} n\nINNER JOIN "tpch"."tiny"."region" r ON (n.n_regionkey = r.r_regionkey))\n) AS v WHERE n_name IS NOT NULL`,
  );
  assert.deepEqual(rewritten?.applied, [{ table: 'memory.fm.v', rule: 'view memory.fm.v: tables[0]' }]);
  // An alias is kept, and the table named alone inside the text gets its name back.
  const aliased = await rewrite({ 'memory.fm.v': view('SELECT n_name, r_name FROM tpch.tiny.nation, tpch.tiny.region') }, 'SELECT x.n_name FROM memory.fm.v x');
  assert.equal(aliased?.sql, `SELECT x.n_name FROM (SELECT n_name, r_name FROM ${NATION} AS nation, "tpch"."tiny"."region" AS region) x`);
});

test('a view whose text would not read exactly what the view reads is refused, saying why', async () => {
  const refused = async (v: View, why: RegExp) =>
    assert.rejects(rewrite({ 'memory.fm.v': v }, 'SELECT * FROM memory.fm.v'), (err: unknown) => {
      assert.ok(err instanceof QueryFailure);
      assert.equal(err.errorCode.name, 'NOT_SUPPORTED');
      assert.match(err.message, /^The view memory\.fm\.v reads tables with a row filter or column mask \(tables\[0\]\), and /);
      assert.match(err.message, why);
      return true;
    });
  // Created in another session schema: its text does not run in the view's own.
  await refused(view('SELECT n_name, r_name FROM nation, region', { bodyColumns: undefined }), /created in another catalog or schema, or stale/);
  // Stale: the tables changed since the view was made.
  await refused(view(JOIN, { bodyColumns: [VIEW_COLUMNS[0]!, { name: 'r_name', type: 'varchar' }] }), /does not give the view's columns/);
  await refused(view(JOIN.replace('n.n_name', 'concat(n.n_name, current_schema) n_name')), /calls a function of the session \(current_catalog, current_schema, current_path\)/);
  await refused(view('SELECT n_name, n_name r_name FROM tpch.tiny.nation'), /names other tables than the engine reads for it/);
  await refused(view(JOIN, {}, [{ table: { catalog: 'tpch', schema: 'tiny', name: 'nation' }, columns: ['n_name'] }, { table: { catalog: 'tpch', schema: 'tiny', name: 'region' }, columns: ['r_name'], viewOwner: 'owner' }]), /reads them as more than one identity/);
  await assert.rejects(rewrite({ 'memory.fm.v_own': view(JOIN) }, 'SELECT * FROM memory.fm.v_own'), /has a row filter or column mask of its own \(tables\[1\]\)/);
});

test("a SECURITY DEFINER view is read through its stored text with its owner's filters and masks, CURRENT_USER still the caller", async () => {
  const owned = rules({
    tables: [
      { user: 'owner', catalog: 'tpch', table: 'nation', privileges: ['SELECT', 'GRANT_SELECT'], filter: "n_regionkey = 1 OR current_user = 'boss'" },
      { user: 'owner', catalog: 'tpch', table: 'region', privileges: ['SELECT', 'GRANT_SELECT'] },
      { user: 'ann', catalog: 'tpch', table: 'nation', privileges: ['SELECT'], filter: 'n_regionkey = 2' },
      { privileges: ['SELECT'] },
    ],
  });
  const reads = [
    { table: { catalog: 'tpch', schema: 'tiny', name: 'nation' }, columns: ['n_name', 'n_regionkey'], viewOwner: 'owner' },
    { table: { catalog: 'tpch', schema: 'tiny', name: 'region' }, columns: ['r_name', 'r_regionkey'], viewOwner: 'owner' },
  ];
  const metadata = metadataWith({ 'memory.fm.v': view('SELECT n_name, r_name FROM tpch.tiny.nation, tpch.tiny.region', {}, reads) });
  const sql = 'SELECT * FROM memory.fm.v';
  const rewritten = await rewriteForFiltersAndMasks({ rules: owned, identity: who('ann'), request: await analyze(sql, SESSION, metadata), sql, columnTypes: async (t) => TYPES[`${t.catalog}.${t.schema}.${t.name}`], metadata });
  // The owner's filter, not ann's; current_user is ann.
  assert.equal(
    rewritten?.sql,
    `SELECT * FROM (SELECT n_name, r_name FROM (SELECT "n_nationkey", "n_name", "n_regionkey" FROM "tpch"."tiny"."nation" WHERE n_regionkey = 1 OR 'ann' = 'boss') AS nation, "tpch"."tiny"."region" AS region) AS v`,
  );
  assert.deepEqual(rewritten?.applied, [{ table: 'memory.fm.v', rule: 'view memory.fm.v (as its owner owner): tables[0]' }]);
  // Whose name current_user gives in a definer view's own text was not checked against Trino: refused.
  const naming = metadataWith({ 'memory.fm.v': view('SELECT n_name, current_user r_name FROM tpch.tiny.nation, tpch.tiny.region', {}, reads) });
  await assert.rejects(
    rewriteForFiltersAndMasks({ rules: owned, identity: who('ann'), request: await analyze(sql, SESSION, naming), sql, columnTypes: async (t) => TYPES[`${t.catalog}.${t.schema}.${t.name}`], metadata: naming }),
    /its text calls a function of the session \(current_catalog, current_schema, current_path, current_user, current_groups\)/,
  );
});
