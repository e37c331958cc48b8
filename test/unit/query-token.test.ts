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

test('paged tokens: the page travels outside the signature, everything else is signed once and checked', () => {
  const signer = new QueryTokenSigner(SECRET, 3_600_000);
  const issuedAt = Math.floor(Date.now() / 1000);
  const page = (n: number) => ({ backend: 'trino1', user: 'alice', issuedAt, target: `/v1/statement/executing/q1/y1/${n}` });
  const first = signer.signPaged(page(1));
  const second = signer.signPaged(page(2));
  assert.match(first, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.1$/);
  // One signature serves every page of the phase; each token still names its own page.
  assert.equal(first.slice(0, first.lastIndexOf('.')), second.slice(0, second.lastIndexOf('.')));
  assert.deepEqual(signer.verify(second), page(2));
  // Another instance with the same secret (no caches) accepts it too.
  assert.deepEqual(new QueryTokenSigner(SECRET, 3_600_000).verify(first), page(1));

  const signed = first.slice(0, first.lastIndexOf('.'));
  const [payload, mac] = signed.split('.') as [string, string];
  const forgedPayload = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('alice', 'mallory')).toString('base64url');
  for (const bad of [`${signed}.x1`, `${signed}.`, `${signed}.1.2`, `${forgedPayload}.${mac}.1`, `${payload}.${mac.slice(1)}A.1`]) {
    assert.throws(() => signer.verify(bad), (err: unknown) => err instanceof HttpFailure && err.status === 404, bad);
  }
  // A plain token cannot be read as a paged one, nor the signed part of a paged one as plain.
  const plain = signer.sign(page(3));
  assert.throws(() => signer.verify(`${plain}.3`), (err: unknown) => err instanceof HttpFailure && err.status === 404);
  assert.throws(() => new QueryTokenSigner(SECRET, 3_600_000).verify(signed), (err: unknown) => err instanceof HttpFailure && err.status === 404);
  // Targets without a page number at the end are signed whole.
  assert.match(signer.signPaged({ ...page(1), target: '/v1/statement/executing/q1/y1/1?x=1' }), /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
});

test('paged tokens expire like plain ones, cached or not', () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const token = signer.signPaged({ backend: 'b', user: 'u', issuedAt: Math.floor(Date.now() / 1000), target: '/v1/statement/queued/q/y/1' });
  assert.equal(signer.verify(token).target, '/v1/statement/queued/q/y/1');
  assert.throws(() => signer.verify(token, Date.now() + 120_000), (err: unknown) => err instanceof HttpFailure && err.status === 410);
});

test('each token has one accepted spelling: padding, stray characters, other spellings of the last bits, leading zeros and oversized tokens are refused', () => {
  const signer = new QueryTokenSigner(SECRET, 3_600_000);
  const followUp = { backend: 'trino1', user: 'alice', issuedAt: Math.floor(Date.now() / 1000), target: '/v1/statement/executing/q1/y1/5' };
  const paged = signer.signPaged(followUp);
  const plain = signer.sign(followUp);
  assert.deepEqual(signer.verify(paged), followUp);
  const [payload, mac] = paged.split('.') as [string, string, string];
  // The MAC's last character carries 2 unused bits: 4 spellings decode to the same bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(mac.at(-1)!);
  const sameBytes = alphabet[(last & ~3) | ((last + 1) & 3)]!;
  assert.deepEqual(Buffer.from(mac.slice(0, -1) + sameBytes, 'base64url'), Buffer.from(mac, 'base64url'));
  for (const bad of [
    `${payload}.${mac.slice(0, -1)}${sameBytes}.5`,
    `${payload}.${mac}==.5`,
    `${payload}.${mac}!.5`,
    `${payload}=.${mac}.5`,
    `${payload}.${mac}.05`,
    `${payload}.${mac}.+5`,
    `${plain}==`,
    `${payload}.${mac}.5${'0'.repeat(5000)}`,
  ]) {
    assert.throws(() => signer.verify(bad), (err: unknown) => err instanceof HttpFailure && err.status === 404, bad.slice(0, 80));
  }
});
