/**
 * The PostgreSQL store against a real server (scripts/postgres/start.sh, reused when running):
 * the shared contract, migrations (versioned, idempotent, concurrent), and open errors.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/tracking/schema.js';
import { PostgresTrackingStore } from '../../src/tracking/postgres-store.js';
import { StoreOpenError } from '../../src/tracking/store.js';
import { PG_PORT, startPostgres, stopPostgres, type Service } from './services.js';
import { record, storeContract } from './store-contract.js';

let service: Service;
let store: PostgresTrackingStore;
let admin: pg.Client;

before(async () => {
  service = await startPostgres();
  admin = new pg.Client({ connectionString: service.url });
  await admin.connect();
  await admin.query('DROP TABLE IF EXISTS query_history, query_tables, audit_events, querygate_schema_migrations');
  // Two gateways starting at once: the advisory lock serialises their migrations.
  const [a, b] = await Promise.all([PostgresTrackingStore.open({ connectionString: service.url }), PostgresTrackingStore.open({ connectionString: service.url })]);
  await b.close();
  store = a;
}, { timeout: 600_000 });

after(async () => {
  await store?.close();
  await admin?.end();
  if (service?.started) await stopPostgres();
});

storeContract('PostgreSQL', () => store, async () => {
  await admin.query('TRUNCATE query_history, query_tables, audit_events');
});

test('migrations are recorded once per version, with the search indexes', async () => {
  const again = await PostgresTrackingStore.open({ connectionString: service.url });
  await again.close();
  const { rows } = await admin.query('SELECT version FROM querygate_schema_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r.version), POSTGRES_MIGRATIONS.map((m) => m.version));
  const indexes = (await admin.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('query_history', 'query_tables', 'audit_events')`)).rows.map((r) => r.indexname as string);
  for (const name of ['query_history_created', 'query_history_user', 'query_history_state', 'query_history_backend', 'query_history_group', 'query_tables_table', 'audit_events_actor', 'query_history_statement_trgm']) {
    assert.ok(indexes.includes(name), `index ${name} in ${indexes.join(', ')}`);
  }
});

test('a large batch with repeated ids (start and end of each query) in one call', async () => {
  await admin.query('TRUNCATE query_history, query_tables, audit_events');
  const batch = [];
  for (let i = 0; i < 1200; i++) batch.push(record(`big${i}`, { state: 'RUNNING', tables: ['a.b.c'] }));
  for (let i = 0; i < 1200; i++) batch.push(record(`big${i}`, { state: 'FINISHED', rows: i, tables: ['a.b.d'] }));
  await store.upsertQueries(batch);
  const { rows } = await admin.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'FINISHED')::int AS f FROM query_history`);
  assert.deepEqual(rows[0], { n: 1200, f: 1200 });
  assert.equal((await admin.query('SELECT count(*)::int AS n FROM query_tables')).rows[0].n, 2400);
  assert.deepEqual((await store.getQuery('big7'))?.tables, ['a.b.c', 'a.b.d']);
});

test('an unreachable server or wrong password is a StoreOpenError naming the server, not the password', async () => {
  const closed = `postgres://querygate:querygate@127.0.0.1:${PG_PORT + 7}/querygate`;
  await assert.rejects(PostgresTrackingStore.open({ connectionString: closed, connectTimeoutMs: 1000 }), (err: unknown) => {
    assert.ok(err instanceof StoreOpenError);
    assert.match(err.message, /cannot open the PostgreSQL history database at postgres:\/\/querygate:\*\*\*@127\.0\.0\.1:\d+\/querygate: .*ECONNREFUSED/);
    return true;
  });
  const wrong = service.url.replace('querygate:querygate@', 'querygate:wrong-secret@');
  await assert.rejects(PostgresTrackingStore.open({ connectionString: wrong }), (err: unknown) => {
    assert.ok(err instanceof StoreOpenError);
    assert.match(err.message, /password authentication failed/);
    assert.doesNotMatch(err.message, /wrong-secret/);
    return true;
  });
});
