/**
 * Liveness and readiness as an orchestrator calls them: no credentials, even where every other
 * request needs them; readiness false when no backend can take a query.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { htpasswdLine } from '../support/admin-gateway.js';
import { startTestGateway } from '../support/services.js';

async function probe(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('probes answer without credentials where statements need them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-probes-'));
  writeFileSync(join(dir, 'password.db'), `${htpasswdLine('alice', 'alice-pw')}\n`);
  const gateway = await startTestGateway({ authentication: { authenticators: [{ type: 'password-file', file: join(dir, 'password.db') }], allowInsecureOverHttp: true } });
  try {
    assert.equal((await fetch(`${gateway.url}/v1/statement`, { method: 'POST', body: 'SELECT 1' })).status, 401);
    assert.deepEqual(await probe(`${gateway.url}/livez`), { status: 200, body: { status: 'alive' } });
    assert.deepEqual(await probe(`${gateway.url}/healthz`), { status: 200, body: { status: 'alive' } });
    assert.deepEqual(await probe(`${gateway.url}/readyz`), {
      status: 200,
      body: { ready: true, status: 'ready', backends: { available: 1, total: 1 }, runningQueries: 0, queuedQueries: 0 },
    });
    assert.equal((await fetch(`${gateway.url}/readyz`, { method: 'POST' })).status, 405);
  } finally {
    await gateway.close();
  }
});

test('readiness is false while no backend of any group is healthy', async () => {
  const gateway = await startTestGateway({
    backends: [{ name: 'nowhere', engine: 'trino', url: 'http://127.0.0.1:9', group: 'remote' }],
    healthCheck: { unhealthyThreshold: 1, timeout: '1s' },
  });
  try {
    assert.deepEqual(await probe(`${gateway.url}/readyz`), {
      status: 503,
      body: { ready: false, status: 'no-backend-available', backends: { available: 0, total: 1 }, runningQueries: 0, queuedQueries: 0 },
    });
    assert.equal((await probe(`${gateway.url}/livez`)).status, 200);
  } finally {
    await gateway.close();
  }
});
