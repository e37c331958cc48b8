/**
 * Password checks under attack: how many bcrypt runs a flood of wrong passwords costs, how many
 * run at once, what an unknown user costs, and whom a lockout locks out. Real password files
 * (bcryptjs hashes) and real worker threads; every bound is a count, never a time.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { IdentityResolver, type AuthenticationEvent, type IdentityOptions } from '../../src/auth/identity.js';
import { PasswordFileAuthenticator } from '../../src/auth/password-file.js';
import { PasswordHashing } from '../../src/auth/password-hashing.js';
import { HttpFailure } from '../../src/protocol/errors.js';

/** A password file of `users` (name: password), hashed at `cost` as `htpasswd -B -C cost` would. */
function passwordFile(users: Record<string, string>, cost: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'qg-passwords-')), 'password.db');
  writeFileSync(path, Object.entries(users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, cost).replace(/^\$2b\$/, '$2y$')}\n`).join(''));
  return path;
}

function setup(options: Partial<IdentityOptions> & { cost?: number; hashing?: PasswordHashing } = {}) {
  const hashing = options.hashing ?? new PasswordHashing(2, 64);
  const events: AuthenticationEvent[] = [];
  const file = passwordFile({ alice: 'alice-pw', bob: 'bob-pw' }, options.cost ?? 4);
  const resolver = new IdentityResolver({
    authenticators: [new PasswordFileAuthenticator(file, () => undefined, hashing)],
    cacheTtlMs: 0,
    maxFailures: 10,
    maxFailuresPerClient: 100,
    failureWindowMs: 60_000,
    allowInsecureOverHttp: false,
    trustForwardedProto: false,
    onEvent: (event) => events.push(event),
    ...options,
  });
  const signIn = (user: string, password: string, address: string) =>
    resolver.resolve({ headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }, socket: { remoteAddress: address } } as unknown as IncomingMessage, 'trino', true);
  const count = (outcome: AuthenticationEvent['outcome']) => events.filter((e) => e.outcome === outcome).length;
  return { hashing, events, signIn, count };
}

const refused = (err: unknown) => err instanceof HttpFailure && err.status === 401;

test('floods of concurrent wrong passwords for one user run bcrypt at most maxFailures times, and lock out only that user from that address', async (t) => {
  const { hashing, signIn, count } = setup();
  t.after(() => hashing.close());
  for (let wave = 0; wave < 2; wave++) {
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => signIn('alice', `guess-${wave}-${i}`, '10.0.0.66')));
    assert.ok(results.every((r) => r.status === 'rejected' && refused(r.reason)));
  }
  // 8 checks at once from one address, and a slot reserved before each: never more than the limit.
  assert.equal(count('failure'), 10);
  assert.equal(count('throttled'), 390);
  assert.equal(hashing.stats.runs, 10);
  // The attacker's own pair is locked, even with the right password ...
  await assert.rejects(signIn('alice', 'alice-pw', '10.0.0.66'), /Too many failed authentication attempts/);
  // ... but not alice from her own address, nor another user behind the attacker's.
  assert.equal((await signIn('alice', 'alice-pw', '10.0.0.7')).user, 'alice');
  assert.equal((await signIn('bob', 'bob-pw', '10.0.0.66')).user, 'bob');
});

test('the same credentials arriving at once are checked once', async (t) => {
  const { hashing, signIn, count } = setup();
  t.after(() => hashing.close());
  const right = await Promise.all(Array.from({ length: 50 }, () => signIn('alice', 'alice-pw', '10.0.0.5')));
  assert.ok(right.every((identity) => identity.user === 'alice'));
  const wrong = await Promise.allSettled(Array.from({ length: 50 }, () => signIn('bob', 'guess', '10.0.0.5')));
  assert.ok(wrong.every((r) => r.status === 'rejected' && refused(r.reason)));
  assert.equal(hashing.stats.runs, 2);
  assert.equal(count('failure'), 1);
});

test('one address trying many user names is held to maxFailuresPerClient; users who signed in there before are not locked out', async (t) => {
  // Everyone arrives from the load balancer's address.
  const balancer = '10.0.0.1';
  const { hashing, signIn, count } = setup({ maxFailuresPerClient: 20 });
  t.after(() => hashing.close());
  assert.equal((await signIn('alice', 'alice-pw', balancer)).user, 'alice');
  const runsBefore = hashing.stats.runs;
  // Waves of 8, the checks one address may have under way at once.
  for (let wave = 0; wave < 8; wave++) {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => signIn(`user${wave}-${i}`, 'guess', balancer)));
    assert.ok(results.every((r) => r.status === 'rejected' && refused(r.reason)));
  }
  assert.equal(count('failure'), 20);
  // 20 compares, and one hash made once for unknown users.
  assert.ok(hashing.stats.runs - runsBefore <= 21, `${hashing.stats.runs - runsBefore} bcrypt runs`);
  assert.equal((await signIn('alice', 'alice-pw', balancer)).user, 'alice', 'a user known at this address keeps signing in');
  await assert.rejects(signIn('bob', 'bob-pw', balancer), /Too many failed authentication attempts/);
});

test('at most `size` hashes run at once; beyond the queue a check is refused at once and not counted as a failure', async (t) => {
  const hashing = new PasswordHashing(2, 8);
  t.after(() => hashing.close());
  const { signIn, count } = setup({ hashing, cost: 6 });
  // Distinct addresses: no throttle applies, only the pool's bound.
  const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => signIn('alice', `guess${i}`, `10.1.0.${i}`)));
  assert.ok(results.every((r) => r.status === 'rejected' && refused(r.reason)));
  assert.equal(hashing.stats.peakRunning, 2);
  assert.equal(hashing.stats.runs, 10, '2 running and 8 queued; the other 30 refused without hashing');
  const busy = results.filter((r) => r.status === 'rejected' && /Too many password checks in progress/.test((r.reason as Error).message)).length;
  assert.equal(busy, 30);
  // The refused ones did not use up the address's attempts: the right password works from there.
  assert.equal((await signIn('alice', 'alice-pw', '10.1.0.39')).user, 'alice');
  assert.equal(count('success'), 1);
});

test("an unknown user is checked against a hash of the file's own cost, not a fixed one", async (t) => {
  // htpasswd -B defaults to cost 5.
  const { hashing, signIn } = setup({ cost: 5 });
  t.after(() => hashing.close());
  await assert.rejects(signIn('mallory', 'guess', '10.0.0.9'), refused);
  await assert.rejects(signIn('alice', 'guess', '10.0.0.9'), refused);
  assert.deepEqual([...hashing.stats.comparesByCost], [[5, 2]], 'one compare each, both at cost 5');
});
