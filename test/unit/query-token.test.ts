import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpFailure } from '../../src/protocol/errors.js';
import { QueryTokenSigner, type FollowUp } from '../../src/protocol/query-token.js';

const SECRET = 'x'.repeat(40);
const now = () => Math.floor(Date.now() / 1000);
const notFound = (err: unknown) => err instanceof HttpFailure && err.status === 404;

/** The path a token is handed out with. */
const pathOf = (followUp: FollowUp, token: string) => ({ queryId: followUp.queryId, phase: followUp.phase, token });

function trinoFollowUp(page: number | string, overrides: Partial<FollowUp> = {}): FollowUp {
  return { backend: 'trino1', user: 'alice', issuedAt: now(), queryId: '20261207_010203_00007_abcde', phase: 'executing', target: `/v1/statement/executing/20261207_010203_00007_abcde/y1/${page}`, ...overrides };
}

test('a token round-trips with its own path; any alteration is refused', () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const followUp = trinoFollowUp('2?x=1');
  const token = signer.sign(followUp);
  assert.match(token, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(signer.verifyFollowUp(pathOf(followUp, token)), followUp);

  const bytes = Buffer.from(token, 'base64url');
  const flipped = (i: number) => {
    const copy = Buffer.from(bytes);
    copy[i] = copy[i]! ^ 1;
    return copy.toString('base64url');
  };
  for (const bad of [flipped(0), flipped(20), flipped(bytes.length - 1), token.slice(0, -4), 'garbage', '', `${token}.`]) {
    assert.throws(() => signer.verifyFollowUp(pathOf(followUp, bad)), notFound, bad);
  }
  assert.throws(() => new QueryTokenSigner('y'.repeat(40), 60_000).verifyFollowUp(pathOf(followUp, token)), notFound);
});

test('tokens are opaque: neither the backend, its path, the query id nor the user can be read from them', () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const followUp = trinoFollowUp(3);
  for (const token of [signer.sign(followUp), signer.signPaged(followUp)]) {
    for (const part of token.split('.')) {
      const decoded = Buffer.from(part, 'base64url').toString('latin1');
      for (const secret of ['trino1', 'alice', '/v1/statement', 'abcde', 'executing']) assert.ok(!decoded.includes(secret), `${token} shows ${secret}`);
    }
  }
});

test("the path's query id and phase must be the token's: a guessed id answers like a random one", () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const mallory = trinoFollowUp(1, { user: 'mallory' });
  for (const token of [signer.sign(mallory), signer.signPaged(mallory), signer.signPaged(mallory)]) {
    const answers = ['20261207_010203_00006_abcde', '20200101_000000_00042_zzzzz'].map((queryId) => {
      try {
        signer.verifyFollowUp({ ...pathOf(mallory, token), queryId });
        return 'accepted';
      } catch (err) {
        assert.ok(err instanceof HttpFailure);
        return `${err.status} ${err.message}`;
      }
    });
    assert.match(answers[0]!, /^404 /);
    assert.equal(answers[0], answers[1], 'an existing id and a random one get the same answer');
    for (const phase of ['queued', 'partialCancel'] as const) {
      assert.throws(() => signer.verifyFollowUp({ ...pathOf(mallory, token), phase }), notFound, phase);
    }
  }
  // Expiry is only told for the token's own path.
  const old = trinoFollowUp(1, { issuedAt: now() - 3600 });
  const expired = signer.sign(old);
  assert.throws(() => signer.verifyFollowUp(pathOf(old, expired)), (err: unknown) => err instanceof HttpFailure && err.status === 410);
  assert.throws(() => signer.verifyFollowUp({ ...pathOf(old, expired), queryId: '20200101_000000_00042_zzzzz' }), notFound);
});

test('an expired token is gone (410)', () => {
  const signer = new QueryTokenSigner(SECRET, 1_000);
  const followUp: FollowUp = { backend: 'b', user: 'u', issuedAt: now() - 10, queryId: 'q', phase: 'queued', target: '1' };
  assert.throws(() => signer.verifyFollowUp(pathOf(followUp, signer.sign(followUp))), (err: unknown) => err instanceof HttpFailure && err.status === 410);
});

test('paged tokens: the page travels outside the seal, everything else is sealed once and checked', () => {
  const signer = new QueryTokenSigner(SECRET, 3_600_000);
  const issuedAt = now();
  const page = (n: number) => trinoFollowUp(n, { issuedAt });
  const first = signer.signPaged(page(1));
  const second = signer.signPaged(page(2));
  assert.match(first, /^[A-Za-z0-9_-]+\.1$/);
  // One seal serves every page of the phase; each token still names its own page.
  assert.equal(first.slice(0, first.lastIndexOf('.')), second.slice(0, second.lastIndexOf('.')));
  assert.deepEqual(signer.verifyFollowUp(pathOf(page(2), second)), page(2));
  // Another instance with the same secret (no caches) accepts it too.
  assert.deepEqual(new QueryTokenSigner(SECRET, 3_600_000).verifyFollowUp(pathOf(page(1), first)), page(1));
  // Another query or phase gets its own seal.
  assert.notEqual(signer.signPaged(trinoFollowUp(1, { issuedAt, queryId: 'other' })).split('.')[0], first.split('.')[0]);
  assert.notEqual(signer.signPaged(trinoFollowUp(1, { issuedAt, phase: 'partialCancel' })).split('.')[0], first.split('.')[0]);

  const sealed = first.slice(0, first.lastIndexOf('.'));
  const altered = Buffer.from(sealed, 'base64url');
  altered[altered.length - 1] = altered[altered.length - 1]! ^ 1;
  for (const bad of [`${sealed}.x1`, `${sealed}.`, `${sealed}.1.2`, `${altered.toString('base64url')}.1`]) {
    assert.throws(() => signer.verifyFollowUp(pathOf(page(1), bad)), notFound, bad);
  }
  // A plain token cannot be read as a paged one, nor the sealed part of a paged one as plain.
  const plain = signer.sign(page(3));
  assert.throws(() => signer.verifyFollowUp(pathOf(page(3), `${plain}.3`)), notFound);
  assert.throws(() => new QueryTokenSigner(SECRET, 3_600_000).verifyFollowUp(pathOf(page(1), sealed)), notFound);
  // Targets without a page number at the end are sealed whole.
  assert.match(signer.signPaged(trinoFollowUp('1?x=1')), /^[A-Za-z0-9_-]+$/);
  // A bare page number (the embedded engine's and the queue's targets) is paged too, apart from `/page`.
  const bare = (target: string): FollowUp => ({ backend: 'embedded', user: 'alice', issuedAt, queryId: 'q', phase: 'executing', target });
  const seven = signer.signPaged(bare('7'));
  assert.match(seven, /^[A-Za-z0-9_-]+\.7$/);
  assert.equal(seven.split('.')[0], signer.signPaged(bare('8')).split('.')[0]);
  assert.deepEqual(new QueryTokenSigner(SECRET, 3_600_000).verifyFollowUp(pathOf(bare('7'), seven)), bare('7'));
  assert.deepEqual(signer.verifyFollowUp(pathOf(bare('/7'), signer.signPaged(bare('/7')))), bare('/7'));
});

test('paged tokens expire like plain ones, cached or not', () => {
  const signer = new QueryTokenSigner(SECRET, 60_000);
  const followUp: FollowUp = { backend: 'b', user: 'u', issuedAt: now(), queryId: 'q', phase: 'queued', target: '/v1/statement/queued/q/y/1' };
  const token = signer.signPaged(followUp);
  assert.equal(signer.verifyFollowUp(pathOf(followUp, token)).target, '/v1/statement/queued/q/y/1');
  assert.throws(() => signer.verifyFollowUp(pathOf(followUp, token), Date.now() + 120_000), (err: unknown) => err instanceof HttpFailure && err.status === 410);
});

/** Another spelling of the same bytes (the last character's unused bits set), when the text has unused bits. */
function otherSpelling(text: string): string | undefined {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const unusedBits = [0, 4, 2][Buffer.from(text, 'base64url').length % 3]!;
  if (unusedBits === 0) return undefined;
  const last = alphabet.indexOf(text.at(-1)!);
  const mask = (1 << unusedBits) - 1;
  return text.slice(0, -1) + alphabet[(last & ~mask) | ((last + 1) & mask)]!;
}

test('each token has one accepted spelling: padding, stray characters, other spellings of the last bits, leading zeros and oversized tokens are refused', () => {
  const signer = new QueryTokenSigner(SECRET, 3_600_000);
  // Users of growing length until both forms end in a character with unused bits.
  let followUp = trinoFollowUp(5);
  while (otherSpelling(signer.sign(followUp)) === undefined || otherSpelling(signer.signPaged(followUp).split('.')[0]!) === undefined) {
    followUp = { ...followUp, user: `${followUp.user}x` };
  }
  const paged = signer.signPaged(followUp);
  const plain = signer.sign(followUp);
  assert.deepEqual(signer.verifyFollowUp(pathOf(followUp, paged)), followUp);
  const sealed = paged.slice(0, paged.indexOf('.'));
  const samePaged = otherSpelling(sealed)!;
  const samePlain = otherSpelling(plain)!;
  assert.deepEqual(Buffer.from(samePaged, 'base64url'), Buffer.from(sealed, 'base64url'));
  assert.deepEqual(Buffer.from(samePlain, 'base64url'), Buffer.from(plain, 'base64url'));
  for (const bad of [`${samePaged}.5`, samePlain, `${sealed}==.5`, `${sealed}!.5`, `${sealed}.05`, `${sealed}.+5`, `${plain}==`, `${sealed}.5${'0'.repeat(5000)}`]) {
    assert.throws(() => signer.verifyFollowUp(pathOf(followUp, bad)), notFound, bad.slice(0, 80));
  }
});
