/**
 * Policy as code through the real command: `querygate policy diff|apply|export` on a YAML file
 * against the SQLite store of a configuration, readable refusals (exit 2) that change nothing,
 * `explain-access` naming the tag grant that decided, and a gateway (embedded DuckDB) deciding
 * with the applied policy while refusing edits through the admin API (the file is the truth),
 * and `policy sync` reading tags from a real Trino's table and column comments.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, REPO, run, startTestGateway } from '../support/services.js';

const CLI = join(REPO, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'qg-tags-cli-'));
const dataDir = join(dir, 'data');
const policyFile = join(dir, 'policy.yaml');
const configFile = join(dir, 'querygate.yaml');

const POLICY = `tags:
  domain: [sales, hr]
  pii: [true, false]
assignments:
  demo.tpch: { domain: sales, pii: false }
  demo.tpch.customer.c_phone: { pii: true }
grants:
  - name: sales-readers
    privileges: [SELECT]
    to: { groups: [sales] }
    expression: { domain: [sales], pii: [false] }
`;

writeFileSync(join(dir, 'groups.txt'), 'sales:sue\n');
writeFileSync(configFile, `dataDir: ${dataDir}\nbackends:\n  - { name: embedded, engine: duckdb, group: local }\naccessControl:\n  tags: { mode: all, file: ${policyFile} }\n`);

function querygate(...args: string[]) {
  return run(process.execPath, [CLI, ...args]);
}

test('diff shows what apply would change; apply applies it once; export writes it back', async () => {
  writeFileSync(policyFile, POLICY);
  const diff = await querygate('policy', 'diff', '--config', configFile);
  assert.equal(diff.code, 0, diff.stderr);
  assert.deepEqual(diff.stdout.trim().split('\n'), [
    '+ tag domain: sales, hr',
    '+ tag pii: true, false',
    '+ assignment demo.tpch domain: sales',
    '+ assignment demo.tpch pii: false',
    '+ assignment demo.tpch.customer.c_phone pii: true',
    '+ grant sales-readers: SELECT on domain=sales AND pii=false to group sales',
    '6 change(s) against stored version 0',
  ]);
  const apply = await querygate('policy', 'apply', '--config', configFile);
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /applied 6 change\(s\) from .*policy\.yaml: version 1/);
  const again = await querygate('policy', 'diff', '--config', configFile);
  assert.match(again.stdout, /no changes \(stored version 1\)/);
  const out = join(dir, 'exported.yaml');
  const exported = await querygate('policy', 'export', '--config', configFile, '--out', out);
  assert.equal(exported.code, 0, exported.stderr);
  // The export is a policy document that differs from the source in layout only.
  const roundTrip = await querygate('policy', 'diff', '--config', configFile, '--file', out);
  assert.match(roundTrip.stdout, /no changes/);
  assert.match(readFileSync(out, 'utf8'), /demo\.tpch\.customer\.c_phone:\n {4}pii: "true"/);
});

test('a changed file shows as changes; a bad file is refused with exit 2 and changes nothing', async () => {
  writeFileSync(policyFile, POLICY.replace('demo.tpch.customer.c_phone: { pii: true }', 'demo.tpch.customer.c_phone: { pii: false }'));
  const diff = await querygate('policy', 'diff', '--config', configFile);
  assert.match(diff.stdout, /^~ assignment demo\.tpch\.customer\.c_phone pii: true -> false$/m);
  const bad: Array<[string, RegExp]> = [
    [POLICY.replace('{ pii: true }', '{ region: eu }'), /assignments\.demo\.tpch\.customer\.c_phone\.region: unknown tag key 'region' \(known: domain, pii\)/],
    [POLICY.replace('{ pii: true }', '{ pii: [true, false] }'), /a resource holds one value per key, not 2/],
    [POLICY.replace('expression: { domain: [sales], pii: [false] }', 'expression: { region: [eu] }'), /grants\[0\]\.expression\.region: unknown tag key 'region'/],
    ['tags: [', /not valid YAML/],
  ];
  for (const [text, message] of bad) {
    writeFileSync(policyFile, text);
    const result = await querygate('policy', 'apply', '--config', configFile);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, message);
  }
  const usage = await querygate('policy', 'show', '--config', configFile);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /policy needs one of diff, apply, export, sync, not 'show'/);
  writeFileSync(policyFile, POLICY);
  assert.match((await querygate('policy', 'diff', '--config', configFile)).stdout, /no changes \(stored version 1\)/);
});

test('explain-access names the tags and the grant that decided', async () => {
  const allowed = await querygate('explain-access', '--config', configFile, '--user', 'sue', '--group', 'sales', '--catalog', 'demo', '--schema', 'tpch', '--sql', 'SELECT c_name FROM customer');
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.match(allowed.stdout, /Tag policy: version 1, mode all/);
  assert.match(allowed.stdout, /allow {2}TagSelect +demo\.tpch\.customer \[c_name\]\n +decided by tag grant 'sales-readers' \(domain=sales AND pii=false\) for \[c_name\]/);
  const denied = await querygate('explain-access', '--config', configFile, '--user', 'sue', '--group', 'sales', '--catalog', 'demo', '--schema', 'tpch', '--sql', 'SELECT c_name, c_phone FROM customer');
  assert.equal(denied.code, 3);
  assert.match(denied.stdout, /decided by tags: no tag grant covers pii=true \(effective tags: c_phone \{domain=sales, pii=true\}\)/);
});

test('a gateway on the embedded DuckDB decides with the applied policy and refuses API edits', async () => {
  const gateway = await startTestGateway({
    dataDir,
    backends: [{ name: 'embedded', engine: 'duckdb', group: 'local' }],
    authentication: { groupFile: join(dir, 'groups.txt') },
    accessControl: { tags: { mode: 'all', file: policyFile } },
    admin: { users: ['ops'] },
  });
  try {
    const sue = { 'X-Trino-User': 'sue', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };
    const ok = await runQuery(gateway.url, 'SELECT c_name FROM customer ORDER BY c_custkey LIMIT 2', sue);
    assert.equal(ok.error, undefined, JSON.stringify(ok.error));
    assert.equal(ok.rowCount, 2);
    const pii = await runQuery(gateway.url, 'SELECT * FROM customer', sue);
    assert.equal(pii.error?.message, 'Access Denied: Cannot select from columns [c_phone] in table or view demo.tpch.customer: no tag grant covers pii=true');
    const edit = await fetch(`${gateway.url}/api/policy/grants/sales-readers`, { method: 'DELETE', headers: { 'X-Trino-User': 'ops' } });
    assert.equal(edit.status, 409);
    assert.match(((await edit.json()) as { error: string }).error, /managed as code in .*policy\.yaml: change that file and run 'querygate policy apply'/);
  } finally {
    await gateway.close();
  }
});

test('mode any and mode all with a rules file, end to end on the embedded DuckDB', async () => {
  // The applied policy lets group sales read demo.tpch except pii=true columns (c_phone); the rules
  // file lets sales read nation and customer except c_name.
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(
    rulesFile,
    JSON.stringify({
      catalogs: [{ group: 'sales', catalog: 'demo', allow: 'read-only' }],
      tables: [{ group: 'sales', catalog: 'demo', schema: 'tpch', table: 'nation|customer', privileges: ['SELECT'], columns: [{ name: 'c_name', allow: false }] }],
    }),
  );
  const cases: Array<[string, string, boolean, boolean]> = [
    // user, statement, allowed in mode any, allowed in mode all
    ['sue', 'SELECT n_name FROM nation', true, true],
    ['sue', 'SELECT c_name FROM customer', true, false], // tags allow, the rules do not
    ['sue', 'SELECT c_phone FROM customer', true, false], // the rules allow, tags do not
    ['sue', 'SELECT c_name, c_phone FROM customer', true, false], // mode any: each column allowed by one of them
    ['sue', 'SELECT c_name, c_phone FROM customer WHERE c_custkey IN (SELECT s_suppkey FROM supplier)', true, false],
    ['sue', 'SELECT s_name FROM supplier', true, false],
    ['olaf', 'SELECT n_name FROM nation', false, false],
  ];
  for (const mode of ['any', 'all'] as const) {
    const gateway = await startTestGateway({
      dataDir,
      backends: [{ name: 'embedded', engine: 'duckdb', group: 'local' }],
      authentication: { groupFile: join(dir, 'groups.txt') },
      accessControl: { rulesFile, tags: { mode } },
    });
    try {
      for (const [user, sql, any, all] of cases) {
        const result = await runQuery(gateway.url, sql, { 'X-Trino-User': user, 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });
        const expected = mode === 'any' ? any : all;
        assert.equal(result.error === undefined, expected, `mode ${mode}, ${user}: ${sql} -> ${JSON.stringify(result.error?.message)}`);
      }
      if (mode === 'all') {
        const tagDenial = await runQuery(gateway.url, 'SELECT c_phone FROM customer', { 'X-Trino-User': 'sue', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });
        assert.equal(tagDenial.error?.message, 'Access Denied: Cannot select from columns [c_phone] in table or view demo.tpch.customer: no tag grant covers pii=true');
      } else {
        const neither = await runQuery(gateway.url, 'SELECT n_name FROM nation', { 'X-Trino-User': 'olaf', 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });
        assert.equal(neither.error?.message, 'Access Denied: Cannot access catalog demo (tags: no tag grant gives SELECT on {domain=sales, pii=false})');
      }
    } finally {
      await gateway.close();
    }
  }
});

test('policy sync reads tags from Trino table and column comments (memory catalog), and refuses unknown values', async () => {
  const trinoUrl = await ensureTrino();
  const trino = async (sql: string) => {
    const result = await runQuery(trinoUrl, sql, { 'X-Trino-User': 'setup' });
    assert.equal(result.error, undefined, `${sql}: ${JSON.stringify(result.error)}`);
  };
  await trino('CREATE SCHEMA IF NOT EXISTS memory.mesh_comments');
  await trino('DROP TABLE IF EXISTS memory.mesh_comments.invoices');
  await trino('CREATE TABLE memory.mesh_comments.invoices (id bigint, card varchar)');
  await trino("COMMENT ON TABLE memory.mesh_comments.invoices IS 'Invoices of the billing domain. tags: domain=billing, pii=false'");
  await trino("COMMENT ON COLUMN memory.mesh_comments.invoices.card IS 'Card number; tags: pii=true'");
  const syncConfig = join(dir, 'sync.yaml');
  writeFileSync(syncConfig, `dataDir: ${join(dir, 'sync-data')}\nbackends:\n  - { name: trino1, engine: trino, url: "${trinoUrl}", group: cluster }\nroutingGroups: [{ name: cluster }]\nrouting: { defaultGroup: cluster }\naccessControl:\n  tags: {}\n`);
  const tagsOnly = join(dir, 'sync-policy.yaml');
  writeFileSync(tagsOnly, 'tags: { domain: [billing, sales], pii: [true, false] }\n');
  assert.equal((await querygate('policy', 'apply', '--config', syncConfig, '--file', tagsOnly)).code, 0);
  const listed = await querygate('policy', 'sync', '--config', syncConfig, '--catalog', 'memory');
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trim().split('\n'), [
    '+ assignment memory.mesh_comments.invoices domain: billing',
    '+ assignment memory.mesh_comments.invoices pii: false',
    '+ assignment memory.mesh_comments.invoices.card pii: true',
    '3 change(s) from the comments of catalog memory; run with --apply to apply them',
  ]);
  const applied = await querygate('policy', 'sync', '--config', syncConfig, '--catalog', 'memory', '--apply');
  assert.match(applied.stdout, /applied 3 change\(s\) from the comments of catalog memory: version 2/);
  assert.match((await querygate('policy', 'sync', '--config', syncConfig, '--catalog', 'memory')).stdout, /the comments add no tags \(stored version 2\)/);
  await trino("COMMENT ON COLUMN memory.mesh_comments.invoices.card IS 'tags: pii=maybe'");
  const refused = await querygate('policy', 'sync', '--config', syncConfig, '--catalog', 'memory', '--apply');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /tags in the comments of catalog memory: assignments\.memory\.mesh_comments\.invoices\.card\.pii: 'maybe' is not an allowed value of tag 'pii'/);
  await trino('DROP TABLE memory.mesh_comments.invoices');
});
