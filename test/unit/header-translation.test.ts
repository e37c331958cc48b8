import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendRequestHeaders } from '../../src/engines/trino/header-translation.js';

test('a client W3C trace context is passed to the backend; other non-protocol headers are not', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const headers = backendRequestHeaders(
    { 'x-trino-user': 'alice', 'x-presto-catalog': 'tpch', traceparent, tracestate: 'vendor=abc', cookie: 'session=1', authorization: 'Basic eA==' },
    'trino',
    'querygate',
  );
  assert.equal(headers.traceparent, traceparent);
  assert.equal(headers.tracestate, 'vendor=abc');
  assert.equal(headers['x-trino-catalog'], 'tpch');
  assert.equal(headers.cookie, undefined);
  assert.equal(headers.authorization, undefined);
});
