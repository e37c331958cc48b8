/**
 * The tag store on SQLite and on a real PostgreSQL: round trips, the version row, optimistic
 * concurrency, an import that fails halfway (a database error after thousands of rows were
 * written) changing nothing, and two services sharing PostgreSQL without Redis converging by
 * polling the version row.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { validatePolicy, type TagPolicyDocument } from '../../src/policy/tags/document.js';
import { TagService } from '../../src/policy/tags/service.js';
import { PolicyConflictError, PostgresTagStore, SqliteTagStore, type StoredPolicy, type TagStore } from '../../src/policy/tags/store.js';
import { waitFor } from '../tracking/services.js';
import { pino } from 'pino';
import { isolatedPostgres, type IsolatedPostgres } from './tag-support.js';

function sample(grants: string[], assignmentCount: number): TagPolicyDocument {
  const assignments: Record<string, Record<string, string>> = { 'lake.sales': { domain: 'sales', pii: 'false' } };
  for (let i = 0; i < assignmentCount; i++) assignments[`lake.sales.t${i}.email`] = { pii: 'true' };
  return validatePolicy({
    tags: { domain: ['sales', 'hr'], pii: [true, false] },
    assignments,
    grants: grants.map((name) => ({ name, privileges: ['SELECT'], to: { groups: ['analysts'] }, expression: { domain: ['sales'], pii: ['false'] }, withGrantOption: true })),
    principals: { users: { ann: { clearance: ['pii'] } }, groups: { analysts: { domain: ['sales', 'hr'] } } },
  });
}

/** The same contract on both databases; `injectFailure` makes inserting a grant named 'boom' fail inside the database. */
function contract(name: string, open: () => Promise<TagStore>, injectFailure: () => Promise<void>) {
  describe(name, () => {
    let store: TagStore;
    before(async () => {
      store = await open();
    });
    after(async () => store?.close());

    test('a replaced policy loads back equal, and every change increments the version', async () => {
      const start = await store.version();
      const doc = sample(['a', 'b'], 10);
      assert.equal(await store.replace(doc), start + 1);
      const loaded = await store.load();
      assert.deepEqual(loaded, { document: doc, version: start + 1 });
    });

    test('a change based on an older version is refused (another administrator changed it meanwhile)', async () => {
      const current = await store.version();
      await assert.rejects(store.replace(sample(['c'], 1), current - 1), PolicyConflictError);
      assert.equal(await store.version(), current);
    });

    test('an import failing halfway (after thousands of rows) changes nothing', async () => {
      const before = await store.load();
      await injectFailure();
      // 5000 assignments are written before the grants; the second grant fails.
      await assert.rejects(store.replace(sample(['ok', 'boom'], 5000)), /injected failure/);
      assert.deepEqual(await store.load(), before);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'qg-tag-store-'));
const sqliteFile = join(dir, 'history.db');
contract(
  'SQLite',
  async () => SqliteTagStore.open(sqliteFile),
  async () => {
    const db = new Database(sqliteFile);
    db.exec("CREATE TRIGGER fail_boom BEFORE INSERT ON querygate_tag_grants WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    db.close();
  },
);

let postgres: IsolatedPostgres;
before(async () => {
  postgres = await isolatedPostgres();
}, { timeout: 600_000 });
after(async () => postgres?.close());

contract(
  'PostgreSQL',
  async () => PostgresTagStore.open(postgres.url),
  async () => {
    await postgres.admin.query(`CREATE FUNCTION fail_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await postgres.admin.query(`CREATE TRIGGER fail_boom BEFORE INSERT ON querygate_tag_grants FOR EACH ROW WHEN (NEW.name = 'boom') EXECUTE FUNCTION fail_boom()`);
  },
);

test('two instances opening PostgreSQL at once migrate once', async () => {
  const [a, b] = await Promise.all([PostgresTagStore.open(postgres.url), PostgresTagStore.open(postgres.url)]);
  const { rows } = await postgres.admin.query('SELECT version FROM querygate_tag_migrations');
  assert.deepEqual(rows, [{ version: 1 }]);
  await Promise.all([a.close(), b.close()]);
});

test('without Redis, two instances sharing PostgreSQL converge within the poll interval', async () => {
  const log = pino({ level: 'silent' });
  const stores = await Promise.all([PostgresTagStore.open(postgres.url), PostgresTagStore.open(postgres.url)]);
  const [a, b] = await Promise.all(stores.map((store) => TagService.start({ store, pollIntervalMs: 100, log })));
  try {
    await a!.replace(sample(['base'], 1));
    const changed = await a!.update((doc) => ({ ...doc, grants: [...doc.grants, { name: 'polled', privileges: ['SELECT'], to: { users: ['u'] }, expression: { pii: ['false'] } }] }));
    const started = Date.now();
    await waitFor('instance B to see the change', async () => (await b!.policy()).version === changed.version, 2000);
    assert.ok(Date.now() - started < 1000, `converged after ${Date.now() - started} ms`);
    assert.ok((await b!.policy()).document.grants.some((g) => g.name === 'polled'));
  } finally {
    await Promise.all([a!.close(), b!.close()]);
    await Promise.all(stores.map((store) => store.close()));
  }
});

test('a newer policy that cannot be loaded refuses decisions (fail closed) until it can', async () => {
  // A database that, once the change is written, answers the version but fails every read.
  let stored: StoredPolicy = { document: sample(['g'], 1), version: 1 };
  let readable = true;
  const flaky: TagStore = {
    load: async () => {
      if (!readable) throw new Error('connection refused');
      return structuredClone(stored);
    },
    version: async () => stored.version,
    replace: async (document) => {
      stored = { document, version: stored.version + 1 };
      return stored.version;
    },
    close: async () => undefined,
  };
  const service = await TagService.start({ store: flaky, pollIntervalMs: 50, log: pino({ level: 'silent' }) });
  try {
    assert.equal((await service.policy()).version, 1);
    // Another instance revokes the grant; this one cannot read it.
    stored = { document: sample([], 1), version: 2 };
    readable = false;
    await waitFor('the poll to see version 2', async () => service.policy().then(() => false, () => true), 2000);
    await assert.rejects(service.policy(), /the tag policy changed \(version 2\) and could not be reloaded/);
    readable = true;
    assert.deepEqual((await service.policy()).document.grants, []);
  } finally {
    await service.close();
  }
});
