/**
 * The shared part of the gateway queue (src/cluster/fleet-queue.ts) in one process: a queued
 * statement is taken exactly once, aliases expire, and no credential is shared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalFleetQueue, sharedHeaders, type QueuedStatement } from '../../src/cluster/fleet-queue.js';

const statement: QueuedStatement = {
  id: '20261207_120000_00001_abcde',
  user: 'alice',
  principal: 'alice',
  sql: 'SELECT 1',
  headers: { 'x-trino-user': 'alice' },
  receivedAt: 1,
  decision: { group: 'adhoc', fallback: [], reason: 'default group' },
  enqueuedAt: 2,
};

test('a queued statement is taken exactly once, then gone for every reader, and sharing it again does not revive it', async () => {
  const queue = new LocalFleetQueue();
  await queue.put(statement, 60_000);
  assert.deepEqual(await queue.get(statement.id), statement);
  const takes = await Promise.all([queue.take(statement.id), queue.take(statement.id)]);
  assert.deepEqual(takes.sort(), [false, true]);
  assert.equal(await queue.get(statement.id), undefined);
  // Shared again by an instance that could not share it before: a taken statement is not revived.
  await queue.put(statement, 60_000);
  assert.equal(await queue.get(statement.id), undefined);
  assert.equal(await queue.take(statement.id), false);
});

test('an expired statement or alias is gone', async () => {
  const queue = new LocalFleetQueue();
  await queue.put(statement, 0);
  assert.equal(await queue.get(statement.id), undefined);
  assert.equal(await queue.take(statement.id), false);
  await queue.alias(statement.id, { backend: 'trino1', queryId: '20261207_120001_00002_xyz12' }, 0);
  assert.equal(await queue.aliasOf(statement.id), undefined);
  await queue.alias(statement.id, { backend: 'trino1', queryId: '20261207_120001_00002_xyz12' }, 60_000);
  assert.deepEqual(await queue.aliasOf(statement.id), { backend: 'trino1', queryId: '20261207_120001_00002_xyz12' });
});

test('shared headers: the protocol headers and those an engine forwards, never credentials', () => {
  const shared = sharedHeaders({
    'x-trino-user': 'alice',
    'x-presto-catalog': 'tpch',
    'x-trino-extra-credential': 'team=risk',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'user-agent': 'trino-cli',
    authorization: 'Basic YWxpY2U6c2VjcmV0',
    cookie: 'session=1',
    host: 'gateway:8080',
  });
  assert.deepEqual(Object.keys(shared).sort(), ['traceparent', 'user-agent', 'x-presto-catalog', 'x-trino-extra-credential', 'x-trino-user']);
});
