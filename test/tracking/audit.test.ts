/** The audit trail: JSON lines (file and stdout) and the database, searchable; plus the metrics. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { JsonLinesAuditSink } from '../../src/audit/jsonl-sink.js';
import { AuditTrail, StoreAuditSink } from '../../src/audit/trail.js';
import { validateAuditSearch } from '../../src/audit/validation.js';
import { BufferedHistoryWriter } from '../../src/tracking/buffered-writer.js';
import { LocalLeaseStore } from '../../src/cluster/leases.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';
import { registerTrackingMetrics } from '../../src/tracking/metrics.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite-store.js';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'qg-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('events go to the JSON-lines file and the database, with the same id and timestamp', async () => {
  const store = SqliteTrackingStore.open({ file: join(dir, 'db', 'tracking.db') });
  const writer = new BufferedHistoryWriter({ store, spillFile: join(dir, 'db', 'spill.jsonl') });
  const file = join(dir, 'log', 'audit.jsonl');
  let t = Date.UTC(2024, 0, 1);
  const trail = new AuditTrail([new JsonLinesAuditSink({ target: file }), new StoreAuditSink(writer)], () => (t += 1000));
  const login = trail.record({ actor: 'alice', action: 'login', target: 'gateway', outcome: 'success', details: { method: 'ldap' } });
  trail.record({ actor: 'mallory', action: 'login', target: 'gateway', outcome: 'failure', details: { reason: 'bad password' } });
  trail.record({ actor: 'alice', action: 'query.deny', target: 'q-17', outcome: 'denied', details: { rule: 'no-pii', tables: ['hr.people'] } });
  assert.match(login.id, /^[0-9a-f-]{36}$/);

  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], { ...login, time: '2024-01-01T00:00:01.000Z' });
  assert.equal(statSync(file).mode & 0o777, 0o600);

  await writer.drain();
  const search = async (params: Record<string, unknown>) => (await store.searchAuditEvents(validateAuditSearch(params))).items;
  assert.deepEqual((await search({ actor: 'alice' })).map((e) => e.action), ['query.deny', 'login']);
  assert.deepEqual(await search({ outcome: 'failure' }), [{ id: lines[1].id, timestamp: lines[1].timestamp, actor: 'mallory', action: 'login', target: 'gateway', outcome: 'failure', details: { reason: 'bad password' } }]);
  assert.deepEqual((await search({ action: 'login', from: Date.UTC(2024, 0, 1) + 1500 })).map((e) => e.actor), ['mallory']);
  assert.deepEqual((await search({})).find((e) => e.id === login.id), login);

  // Append-only: a second trail on the same file adds to it.
  const again = new JsonLinesAuditSink({ target: file });
  again.append({ ...login, id: 'x' });
  await again.close();
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4);

  await trail.close();
  await writer.close();
  await store.close();
});

test('JSON lines to stdout', async () => {
  const module = fileURLToPath(new URL('../../src/audit/jsonl-sink.js', import.meta.url));
  const script = `
    const { JsonLinesAuditSink } = await import(${JSON.stringify(module)});
    const sink = new JsonLinesAuditSink({ target: '-' });
    sink.append({ id: 'e1', timestamp: 0, actor: 'system', action: 'config.reload', target: 'querygate.yaml', outcome: 'success' });
  `;
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script]);
  assert.deepEqual(JSON.parse(stdout), { id: 'e1', timestamp: 0, actor: 'system', action: 'config.reload', target: 'querygate.yaml', outcome: 'success', time: '1970-01-01T00:00:00.000Z' });
});

test('a failing sink does not keep the event from the others', () => {
  const seen: string[] = [];
  const trail = new AuditTrail([
    { append: () => { throw new Error('disk full'); }, close: async () => undefined },
    { append: (e) => void seen.push(e.action), close: async () => undefined },
  ]);
  trail.record({ actor: 'a', action: 'login', target: 't', outcome: 'success' });
  assert.deepEqual(seen, ['login']);
});

test('prom-client metrics read the writer and the counters at scrape time', async () => {
  const store = SqliteTrackingStore.open({ file: join(dir, 'm.db') });
  const writer = new BufferedHistoryWriter({ store, spillFile: join(dir, 'm.spill'), flushIntervalMs: 60_000 });
  const counters = new ClusterLoad(new LocalLeaseStore(), { adoptIdleMs: 60_000 });
  const registry = new Registry();
  registerTrackingMetrics(registry, { writer, counters });
  writer.writeQuery({ id: 'm1', user: 'u', statement: 'SELECT 1', state: 'QUEUED', createdAt: 1 });
  counters.queuedAdded('etl', 'q1');
  counters.queuedAdded('etl', 'q2');
  await counters.refresh();
  let text = await registry.metrics();
  assert.match(text, /querygate_history_backlog_records\{where="queue"\} 1/);
  assert.match(text, /querygate_live_queries\{scope="group",name="etl",metric="queued"\} 2/);
  assert.match(text, /querygate_history_store_degraded 0/);
  await writer.drain();
  text = await registry.metrics();
  assert.match(text, /querygate_history_records_total\{outcome="written"\} 1/);
  assert.match(text, /querygate_history_records_total\{outcome="dropped"\} 0/);
  await writer.close();
  await counters.close();
  await store.close();
});
