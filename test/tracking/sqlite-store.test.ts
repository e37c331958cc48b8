/** The SQLite store: the shared contract, plus its file handling (WAL, reopen, migrations). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/tracking/schema.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';
import { record, storeContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-sqlite-'));
const file = join(dir, 'data', 'history.db');
let store: SqliteTrackingStore;

before(() => {
  store = SqliteTrackingStore.open({ file });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

storeContract('SQLite', () => store, async () => {
  const db = new Database(file);
  db.exec('DELETE FROM query_history; DELETE FROM query_tables; DELETE FROM audit_events;');
  db.close();
});

test('the file is in WAL mode at the latest schema version, and survives a reopen', async () => {
  await store.upsertQueries([record('keep', { state: 'FINISHED' })]);
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.at(-1)!.version);
  db.close();
  await store.close();
  store = SqliteTrackingStore.open({ file });
  assert.equal((await store.getQuery('keep'))?.state, 'FINISHED');
});
