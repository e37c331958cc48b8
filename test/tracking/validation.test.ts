import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateAuditSearch } from '../../src/audit/validation.js';
import { encodeCursor } from '../../src/tracking/cursor.js';
import { ValidationError, validateQuerySearch, validateTopQuery } from '../../src/tracking/validation.js';

function rejects(fn: () => unknown, field: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.field, field);
    assert.match(err.message, message);
    return true;
  });
}

test('a valid search from query-string values', () => {
  const cursor = encodeCursor({ createdAt: 1714564800000, id: 'q-9' });
  assert.deepEqual(
    validateQuerySearch({ user: ' alice ', state: 'running,Finished', from: '2024-05-01T00:00:00Z', to: '1714600000000', backend: 'trino1', group: 'etl', table: 'Hive.S.T', text: ' join ', cursor, limit: '25' }),
    { user: 'alice', states: ['RUNNING', 'FINISHED'], from: 1714521600000, to: 1714600000000, backend: 'trino1', group: 'etl', table: 'hive.s.t', text: ' join ', cursor: { createdAt: 1714564800000, id: 'q-9' }, limit: 25 },
  );
  assert.deepEqual(validateQuerySearch({}), { limit: 50 });
  assert.deepEqual(validateQuerySearch({ state: ['QUEUED', 'QUEUED'], user: '', limit: 1000 }), { states: ['QUEUED'], limit: 1000 });
});

test('invalid searches are rejected with the field and a clear message', () => {
  rejects(() => validateQuerySearch({ state: 'RUNNING,DONE' }), 'state', /^unknown state 'DONE' \(expected one of QUEUED, RUNNING, FINISHED, FAILED, CANCELED, ABANDONED\)$/);
  rejects(() => validateQuerySearch({ from: 2000, to: 1000 }), 'from', /^'from' \(1970-01-01T00:00:02.000Z\) is after 'to' \(1970-01-01T00:00:01.000Z\)$/);
  rejects(() => validateQuerySearch({ from: 'yesterday' }), 'from', /'from' must be epoch milliseconds or an ISO-8601 time/);
  rejects(() => validateQuerySearch({ to: -5 }), 'to', /'to' must be epoch milliseconds/);
  rejects(() => validateQuerySearch({ cursor: 'garbage!' }), 'cursor', /^invalid 'cursor' \(not a base64url token\)/);
  rejects(() => validateQuerySearch({ cursor: Buffer.from('v2:1:x').toString('base64url') }), 'cursor', /unknown cursor format/);
  rejects(() => validateQuerySearch({ cursor: Buffer.from('v1:abc:x').toString('base64url') }), 'cursor', /malformed cursor timestamp/);
  rejects(() => validateQuerySearch({ cursor: Buffer.from('v1:12:').toString('base64url') }), 'cursor', /malformed cursor id/);
  rejects(() => validateQuerySearch({ limit: 0 }), 'limit', /^'limit' must be an integer between 1 and 1000, got 0$/);
  rejects(() => validateQuerySearch({ limit: '1001' }), 'limit', /between 1 and 1000, got '1001'/);
  rejects(() => validateQuerySearch({ limit: '2.5' }), 'limit', /between 1 and 1000/);
  rejects(() => validateQuerySearch({ user: 42 }), 'user', /'user' must be a string/);
  rejects(() => validateQuerySearch({ text: 'x'.repeat(1001) }), 'text', /longer than 1000 characters/);
  rejects(() => validateQuerySearch({ usr: 'alice' }), 'usr', /^unknown filter 'usr' \(expected one of user, state, from, to, backend, group, table, text, cursor, limit\)$/);
});

test('top-N requests', () => {
  const now = 1_000_000_000;
  assert.deepEqual(validateTopQuery({ dimension: 'table' }, now), { dimension: 'table', from: now - 86_400_000, to: now, limit: 10 });
  assert.deepEqual(validateTopQuery({ dimension: 'user', from: 5, to: 10, limit: '3' }, now), { dimension: 'user', from: 5, to: 10, limit: 3 });
  rejects(() => validateTopQuery({ dimension: 'column' }), 'dimension', /unknown dimension 'column' \(expected one of user, table, fingerprint\)/);
  rejects(() => validateTopQuery({ dimension: 'user', limit: 101 }), 'limit', /between 1 and 100/);
  rejects(() => validateTopQuery({ dimension: 'user', from: 10, to: 5 }), 'from', /is after 'to'/);
});

test('audit searches', () => {
  assert.deepEqual(validateAuditSearch({ actor: 'carol', action: 'login', outcome: 'failure', from: 1, to: 2, limit: 5 }), { actor: 'carol', action: 'login', outcome: 'failure', from: 1, to: 2, limit: 5 });
  rejects(() => validateAuditSearch({ from: 3, to: 2 }), 'from', /is after 'to'/);
  rejects(() => validateAuditSearch({ cursor: '***' }), 'cursor', /invalid 'cursor'/);
  rejects(() => validateAuditSearch({ limit: 0 }), 'limit', /between 1 and 1000/);
  rejects(() => validateAuditSearch({ who: 'x' }), 'who', /unknown filter 'who'/);
});
