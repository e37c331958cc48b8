import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpFailure } from '../../src/protocol/errors.js';
import { QueryTokenSigner } from '../../src/protocol/query-token.js';

const SECRET = 'x'.repeat(40);

test('a signed token round-trips and any alteration is refused', () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const followUp = { backend: 'trino1', user: 'alice', issuedAt: Math.floor(Date.now() / 1000), target: '/v1/statement/executing/q/y1/2?x=1' };
  const token = signer.sign(followUp);
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(signer.verify(token), followUp);

  const [payload, signature] = token.split('.') as [string, string];
  const forgedPayload = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('alice', 'mallory')).toString('base64url');
  for (const bad of [`${forgedPayload}.${signature}`, `${payload}.${signature.slice(1)}A`, 'garbage', '', `${payload}.`]) {
    assert.throws(() => signer.verify(bad), (err: unknown) => err instanceof HttpFailure && err.status === 404, bad);
  }
  const other = new QueryTokenSigner('y'.repeat(40), 60_000);
  assert.throws(() => other.verify(token), (err: unknown) => err instanceof HttpFailure && err.status === 404);
});

test('an expired token is gone (410)', () => {
  const signer = new QueryTokenSigner(SECRET, 1_000);
  const token = signer.sign({ backend: 'b', user: 'u', issuedAt: Math.floor(Date.now() / 1000) - 10, target: 't' });
  assert.throws(() => signer.verify(token), (err: unknown) => err instanceof HttpFailure && err.status === 410);
});
