/**
 * The behaviour every TrackingStore must have, run against SQLite and PostgreSQL by
 * sqlite-store.test.ts and postgres-store.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditEvent } from '../../src/audit/events.js';
import { validateAuditSearch } from '../../src/audit/validation.js';
import { fingerprint } from '../../src/tracking/fingerprint.js';
import type { TrackingStore } from '../../src/tracking/store.js';
import type { QueryRecord, QueryState } from '../../src/tracking/types.js';
import { validateQuerySearch, validateTopQuery } from '../../src/tracking/validation.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const MIN = 60_000;

export function record(id: string, extra: Partial<QueryRecord> = {}): QueryRecord {
  return { id, user: 'alice', statement: 'SELECT 1', state: 'QUEUED', createdAt: T0, ...extra };
}

/** All ids of a search, following the cursors page by page. */
async function allPages(store: TrackingStore, params: Record<string, unknown>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.searchQueries(validateQuerySearch({ ...params, limit, cursor }));
    assert.ok(page.items.length <= limit);
    ids.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('too many pages');
}

const ids = async (store: TrackingStore, params: Record<string, unknown>) =>
  (await store.searchQueries(validateQuerySearch({ limit: 1000, ...params }))).items.map((r) => r.id);

export function storeContract(name: string, getStore: () => TrackingStore, reset: () => Promise<void>): void {
  describe(`${name} store contract`, () => {
    test('a start then an end make one row with everything; late duplicates change nothing', async () => {
      await reset();
      const store = getStore();
      await store.upsertQueries([
        record('q1', { principal: 'alice@corp', source: 'trino-cli', clientTags: ['etl', 'nightly'], statement: "SELECT * FROM hive.s.t WHERE x = 'a'", routingGroup: 'adhoc', backend: 'trino1', state: 'RUNNING', startedAt: T0 + 5, tables: ['hive.s.t'], access: { decision: 'ALLOW', rule: { name: 'analysts-read', index: 3 } } }),
      ]);
      const end = record('q1', {
        statement: "SELECT * FROM hive.s.t WHERE x = 'a'",
        state: 'FINISHED',
        endedAt: T0 + 900,
        rows: 42,
        bytes: 4096,
        columns: ['hive.s.t.x', 'hive.s.t.y'],
        stats: { cpuMs: 120, wallMs: 890, processedRows: 1000, processedBytes: 65536, peakMemoryBytes: 1_048_576, engineMs: 4321, engineQueuedMs: 765 },
      });
      await store.upsertQueries([end]);
      // A late duplicate end (another terminal state), a replayed end and a replayed start.
      await store.upsertQueries([{ ...end, state: 'CANCELED', endedAt: T0 + 5000, errorName: 'USER_CANCELED', rows: 1 }]);
      await store.upsertQueries([end, record('q1', { state: 'QUEUED', backend: 'other' })]);

      const got = await store.getQuery('q1');
      const fp = fingerprint("SELECT * FROM hive.s.t WHERE x = 'a'");
      assert.deepEqual(got, {
        id: 'q1',
        user: 'alice',
        principal: 'alice@corp',
        source: 'trino-cli',
        clientTags: ['etl', 'nightly'],
        statement: "SELECT * FROM hive.s.t WHERE x = 'a'",
        fingerprint: fp.text,
        fingerprintHash: fp.hash,
        routingGroup: 'adhoc',
        backend: 'trino1',
        state: 'FINISHED',
        createdAt: T0,
        startedAt: T0 + 5,
        endedAt: T0 + 900,
        errorName: 'USER_CANCELED', // only filled in: the stored row had none
        rows: 42,
        bytes: 4096,
        access: { decision: 'ALLOW', rule: { name: 'analysts-read', index: 3 } },
        tables: ['hive.s.t'],
        columns: ['hive.s.t.x', 'hive.s.t.y'],
        stats: { cpuMs: 120, wallMs: 890, processedRows: 1000, processedBytes: 65536, peakMemoryBytes: 1_048_576, engineMs: 4321, engineQueuedMs: 765 },
      });
      assert.equal((await ids(store, {})).length, 1, 'exactly one row');
      assert.equal(await store.getQuery('nope'), undefined);
    });

    test('an end arriving before its start, and both in one batch, give the same row', async () => {
      await reset();
      const store = getStore();
      const start = record('q2', { state: 'RUNNING', backend: 'b1', startedAt: T0 + 1 });
      const end = record('q2', { state: 'FAILED', endedAt: T0 + 2, errorName: 'SYNTAX_ERROR', errorMessage: 'line 1:1: oops' });
      await store.upsertQueries([end]);
      await store.upsertQueries([start]);
      await store.upsertQueries([record('q3', { state: 'RUNNING' }), record('q3', { state: 'FINISHED', endedAt: T0 + 3 }), record('q3', { state: 'RUNNING', backend: 'late' })]);
      const q2 = await store.getQuery('q2');
      assert.equal(q2?.state, 'FAILED');
      assert.equal(q2?.backend, 'b1');
      assert.equal(q2?.startedAt, T0 + 1);
      assert.equal(q2?.errorMessage, 'line 1:1: oops');
      const q3 = await store.getQuery('q3');
      assert.equal(q3?.state, 'FINISHED');
      assert.equal(q3?.backend, 'late', 'fills in what the row lacked');
      assert.deepEqual((await ids(store, {})).sort(), ['q2', 'q3']);
    });

    test('searches: each filter, newest first, keyset pagination with ties', async () => {
      await reset();
      const store = getStore();
      const states: QueryState[] = ['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED', 'ABANDONED'];
      const records: QueryRecord[] = [];
      for (let i = 0; i < 30; i++) {
        records.push(
          record(`s${String(i).padStart(2, '0')}`, {
            user: ['alice', 'bob', 'carol'][i % 3]!,
            state: states[i % 6]!,
            // Groups of three share a creation time: the id breaks ties.
            createdAt: T0 + Math.floor(i / 3) * MIN,
            backend: i % 2 === 0 ? 'trino1' : 'duckdb',
            routingGroup: i < 10 ? 'etl' : 'adhoc',
            tables: i % 5 === 0 ? ['hive.sales.orders', 'hive.sales.customers'] : ['demo.tpch.nation'],
            statement: i === 7 ? 'SELECT 100% FROM t WHERE name LIKE \'a_b\'' : `SELECT col_${i} FROM Orders WHERE id = ${i}`,
          }),
        );
      }
      await store.upsertQueries(records);
      const expected = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
      assert.deepEqual(await ids(store, {}), expected);
      for (const limit of [1, 4, 7, 30, 31]) assert.deepEqual(await allPages(store, {}, limit), expected, `pages of ${limit}`);

      const pick = (f: (r: QueryRecord) => boolean) => expected.filter((id) => f(records.find((r) => r.id === id)!));
      assert.deepEqual(await ids(store, { user: 'bob' }), pick((r) => r.user === 'bob'));
      assert.deepEqual(await ids(store, { state: 'FAILED' }), pick((r) => r.state === 'FAILED'));
      assert.deepEqual(await ids(store, { state: 'failed,canceled' }), pick((r) => r.state === 'FAILED' || r.state === 'CANCELED'));
      assert.deepEqual(await ids(store, { backend: 'duckdb' }), pick((r) => r.backend === 'duckdb'));
      assert.deepEqual(await ids(store, { group: 'etl' }), pick((r) => r.routingGroup === 'etl'));
      assert.deepEqual(await ids(store, { table: 'HIVE.sales.orders' }), pick((r) => r.tables!.includes('hive.sales.orders')));
      assert.deepEqual(await ids(store, { from: T0 + 2 * MIN, to: T0 + 4 * MIN }), pick((r) => r.createdAt >= T0 + 2 * MIN && r.createdAt < T0 + 4 * MIN));
      assert.deepEqual(await ids(store, { from: new Date(T0 + 8 * MIN).toISOString() }), pick((r) => r.createdAt >= T0 + 8 * MIN));
      assert.deepEqual(await ids(store, { text: 'col_1 ' }), ['s01']);
      assert.deepEqual(await ids(store, { text: 'orders where' }), pick((r) => r.id !== 's07'), 'case-insensitive');
      assert.deepEqual(await ids(store, { text: '100%' }), ['s07'], '% is literal');
      assert.deepEqual(await ids(store, { text: "'a_b'" }), ['s07'], '_ is literal');
      assert.deepEqual(await ids(store, { text: 'a%b' }), []);
      assert.deepEqual(await ids(store, { user: 'alice', backend: 'trino1', group: 'adhoc', state: 'QUEUED,RUNNING,FINISHED,FAILED,CANCELED,ABANDONED' }), pick((r) => r.user === 'alice' && r.backend === 'trino1' && r.routingGroup === 'adhoc'));
      assert.deepEqual(await allPages(store, { user: 'carol', table: 'demo.tpch.nation' }, 2), pick((r) => r.user === 'carol' && r.tables!.includes('demo.tpch.nation')));
      const page = await store.searchQueries(validateQuerySearch({ user: 'bob', limit: 2 }));
      assert.deepEqual(page.items[0]!.tables, records.find((r) => r.id === page.items[0]!.id)!.tables!.slice().sort());
    });

    test('top users, tables and fingerprints over a window', async () => {
      await reset();
      const store = getStore();
      const rs: QueryRecord[] = [];
      const add = (user: string, minute: number, statement: string, tables: string[]) =>
        rs.push(record(`t${rs.length}`, { user, createdAt: T0 + minute * MIN, statement, tables }));
      for (let i = 0; i < 5; i++) add('alice', i, `SELECT * FROM a WHERE id = ${i}`, ['c.s.a']);
      for (let i = 0; i < 3; i++) add('bob', i, `select * from A where ID in (${i}, ${i + 1})`, ['c.s.a', 'c.s.b']);
      add('carol', 1, 'SELECT 1', []);
      add('dave', 100, 'SELECT 2', ['c.s.z']); // outside the window
      await store.upsertQueries(rs);
      const window = { from: T0, to: T0 + 10 * MIN };
      assert.deepEqual(await store.top(validateTopQuery({ dimension: 'user', ...window })), [
        { key: 'alice', count: 5 },
        { key: 'bob', count: 3 },
        { key: 'carol', count: 1 },
      ]);
      assert.deepEqual(await store.top(validateTopQuery({ dimension: 'table', ...window, limit: 2 })), [
        { key: 'c.s.a', count: 8 },
        { key: 'c.s.b', count: 3 },
      ]);
      const fps = await store.top(validateTopQuery({ dimension: 'fingerprint', ...window }));
      assert.deepEqual(fps[0], { key: fingerprint('SELECT * FROM a WHERE id = 0').hash, label: 'SELECT * FROM a WHERE id = ?', count: 5 });
      assert.deepEqual(fps[1], { key: fingerprint('select * from A where ID in (1, 2)').hash, label: 'SELECT * FROM a WHERE id IN (?)', count: 3 });
      assert.equal(fps.length, 3);
    });

    test('retention deletes queries (and their tables) and audit events older than the cutoff', async () => {
      await reset();
      const store = getStore();
      await store.upsertQueries([record('old', { createdAt: T0 - 10 * MIN, tables: ['x.y.z'] }), record('new', { createdAt: T0, tables: ['x.y.z'] })]);
      await store.appendAuditEvents([audit('a-old', T0 - 10 * MIN), audit('a-new', T0)]);
      assert.deepEqual(await store.deleteOlderThan(T0 - MIN), { queries: 1, auditEvents: 1 });
      assert.deepEqual(await ids(store, {}), ['new']);
      assert.deepEqual(await store.top(validateTopQuery({ dimension: 'table', from: 0, to: T0 + MIN })), [{ key: 'x.y.z', count: 1 }]);
      assert.deepEqual((await store.searchAuditEvents(validateAuditSearch({}))).items.map((e) => e.id), ['a-new']);
      assert.deepEqual(await store.deleteOlderThan(T0 - MIN), { queries: 0, auditEvents: 0 });
    });

    test('audit events: append (idempotent per id), search by actor, action, outcome, time, pages', async () => {
      await reset();
      const store = getStore();
      const events: AuditEvent[] = [];
      for (let i = 0; i < 12; i++) {
        events.push({
          id: `e${String(i).padStart(2, '0')}`,
          timestamp: T0 + Math.floor(i / 2) * MIN,
          actor: i % 3 === 0 ? 'carol' : 'alice',
          action: i % 2 === 0 ? 'login' : 'query.deny',
          target: i % 2 === 0 ? 'gateway' : `q${i}`,
          outcome: i % 4 === 0 ? 'failure' : 'success',
          ...(i === 1 ? { details: { rule: 'no-pii', tables: ['hr.people'] } } : {}),
        });
      }
      await store.appendAuditEvents(events);
      await store.appendAuditEvents([events[1]!, { ...events[2]!, actor: 'mallory' }]); // replays: ignored
      const expected = [...events].sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1));
      const search = async (params: Record<string, unknown>) => (await store.searchAuditEvents(validateAuditSearch(params))).items.map((e) => e.id);
      assert.deepEqual(await search({}), expected.map((e) => e.id));
      assert.deepEqual(await search({ actor: 'carol' }), expected.filter((e) => e.actor === 'carol').map((e) => e.id));
      assert.deepEqual(await search({ action: 'query.deny', outcome: 'success' }), expected.filter((e) => e.action === 'query.deny' && e.outcome === 'success').map((e) => e.id));
      assert.deepEqual(await search({ from: T0 + MIN, to: T0 + 3 * MIN }), expected.filter((e) => e.timestamp >= T0 + MIN && e.timestamp < T0 + 3 * MIN).map((e) => e.id));
      assert.deepEqual(await search({ actor: 'mallory' }), []);
      const e1 = (await store.searchAuditEvents(validateAuditSearch({ action: 'query.deny', to: T0 + MIN }))).items[0];
      assert.deepEqual(e1, events[1]);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchAuditEvents(validateAuditSearch({ limit: 5, cursor }));
        paged.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(paged, expected.map((e) => e.id));
    });

    test('text is stored as given, except NUL characters; odd identifiers are fine', async () => {
      await reset();
      const store = getStore();
      const statement = 'SELECT \'ünïcødé ☃\', "Quoted ""Col""" FROM t -- comment\n/* block */';
      await store.upsertQueries([record('odd/id:1', { statement, user: "o'brien", errorMessage: 'bad\u0000byte' })]);
      const got = await store.getQuery('odd/id:1');
      assert.equal(got?.statement, statement);
      assert.equal(got?.user, "o'brien");
      assert.equal(got?.errorMessage, 'badbyte');
      assert.equal(got?.fingerprint, 'SELECT ?, "Quoted ""Col""" FROM t');
    });
  });
}

function audit(id: string, timestamp: number): AuditEvent {
  return { id, timestamp, actor: 'alice', action: 'login', target: 'gateway', outcome: 'success' };
}
