/**
 * A SQLite file that cannot be used is a clear error at start, and the file is left untouched:
 * garbage bytes, a lock held by another process, a newer schema.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/tracking/schema.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';
import { StoreOpenError } from '../../src/tracking/store.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-sqlite-err-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file of garbage bytes: a StoreOpenError saying it is not a database, file unchanged', () => {
  const file = join(dir, 'garbage.db');
  const garbage = Buffer.alloc(8192);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
  writeFileSync(file, garbage);
  assert.throws(
    () => SqliteTrackingStore.open({ file }),
    (err: unknown) => {
      assert.ok(err instanceof StoreOpenError, String(err));
      assert.match(err.message, /garbage\.db is not a valid SQLite database or is corrupt \(file is not a database\)/);
      assert.match(err.message, /does not overwrite it: move the file away/);
      return true;
    },
  );
  assert.deepEqual(readFileSync(file), garbage);
});

test('a SQLite file with a damaged header: same clear error', () => {
  const file = join(dir, 'damaged.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
  db.close();
  const bytes = readFileSync(file);
  bytes.write('NOT SQLITE AT ALL', 0);
  writeFileSync(file, bytes);
  assert.throws(() => SqliteTrackingStore.open({ file }), /is not a valid SQLite database or is corrupt/);
});

/** Another process holding an exclusive lock on the file until killed. */
async function holdExclusiveLock(file: string, mode: 'wal' | 'delete'): Promise<ChildProcess> {
  const require = createRequire(import.meta.url);
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Database(${JSON.stringify(file)});
    db.pragma('journal_mode = ${mode}');
    db.exec('CREATE TABLE IF NOT EXISTS held (x)');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('INSERT INTO held VALUES (1)');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

for (const mode of ['delete', 'wal'] as const) {
  test(`a file locked by another process (${mode} journal, BEGIN EXCLUSIVE): a StoreOpenError after the busy timeout`, async () => {
    const file = join(dir, `locked-${mode}.db`);
    const holder = await holdExclusiveLock(file, mode);
    try {
      const started = Date.now();
      assert.throws(
        () => SqliteTrackingStore.open({ file, busyTimeoutMs: 300 }),
        (err: unknown) => {
          assert.ok(err instanceof StoreOpenError, String(err));
          assert.match(err.message, /locked-\w+\.db is locked by another connection \(database is locked; waited 300 ms\)\. Is another querygate/);
          return true;
        },
      );
      assert.ok(Date.now() - started >= 250, 'waited for the lock');
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // Once the lock is gone the same file opens, and the other process's committed data is intact.
    const store = SqliteTrackingStore.open({ file, busyTimeoutMs: 300 });
    await store.upsertQueries([{ id: 'after-lock', user: 'u', statement: 'SELECT 1', state: 'QUEUED', createdAt: 1 }]);
    assert.equal((await store.getQuery('after-lock'))?.user, 'u');
    await store.close();
  });
}

test('a database with a newer schema version is refused', () => {
  const file = join(dir, 'future.db');
  const db = new Database(file);
  db.pragma('user_version = 99');
  db.close();
  assert.throws(() => SqliteTrackingStore.open({ file }), new RegExp(`has schema version 99, newer than this querygate knows \\(${SQLITE_MIGRATIONS.at(-1)!.version}\\)`));
});

test('an unwritable location is a clear error', () => {
  writeFileSync(join(dir, 'a-file'), 'x');
  assert.throws(() => SqliteTrackingStore.open({ file: join(dir, 'a-file', 'history.db') }), /cannot create the directory of the SQLite history database/);
});
