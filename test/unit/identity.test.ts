import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from '../../src/auth/authenticator.js';
import { GroupFile } from '../../src/auth/group-file.js';
import { IdentityResolver, type AuthenticationEvent } from '../../src/auth/identity.js';
import { HttpFailure } from '../../src/protocol/errors.js';

/** Accepts one bearer token; counts calls so caching can be observed. */
class CountingAuthenticator implements Authenticator {
  readonly name = 'counting';
  readonly accepts = 'bearer' as const;
  calls = 0;
  async authenticate(credentials: Credentials): Promise<Principal> {
    this.calls++;
    if (credentials.kind === 'bearer' && credentials.token === 'good-token') return { user: 'alice', groups: ['from-token'], authenticatedBy: this.name };
    throw new AuthenticationError('Token rejected');
  }
}

function request(headers: Record<string, string>): IncomingMessage {
  return { headers, socket: { remoteAddress: '10.0.0.7' } } as unknown as IncomingMessage;
}

test('groups from the authenticator and the group file are merged; successes are cached by credential hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qg-identity-'));
  writeFileSync(join(dir, 'groups'), 'analysts:alice\nfrom-token:alice\n');
  const authenticator = new CountingAuthenticator();
  const events: AuthenticationEvent[] = [];
  const resolver = new IdentityResolver({
    authenticators: [authenticator],
    groupFile: new GroupFile(join(dir, 'groups'), () => undefined),
    cacheTtlMs: 60_000,
    maxFailures: 3,
    maxFailuresPerClient: 100,
    failureWindowMs: 60_000,
    allowInsecureOverHttp: false,
    trustForwardedProto: false,
    onEvent: (e) => events.push(e),
  });
  const identity = await resolver.resolve(request({ authorization: 'Bearer good-token' }), 'trino', true);
  assert.deepEqual(identity, { principal: { user: 'alice', groups: ['analysts', 'from-token'], authenticatedBy: 'counting' }, user: 'alice', groups: ['analysts', 'from-token'] });
  await resolver.resolve(request({ authorization: 'Bearer good-token' }), 'trino', true);
  assert.equal(authenticator.calls, 1, 'the second request is served from the cache');
  await assert.rejects(resolver.resolve(request({ authorization: 'Bearer bad-token' }), 'trino', true), (err: unknown) => err instanceof HttpFailure && err.status === 401 && err.message === 'Token rejected');
  await assert.rejects(resolver.resolve(request({ authorization: 'Basic YWxpY2U6cHc=' }), 'trino', true), /No authenticator accepts passwords/);
  assert.deepEqual(events.map((e) => e.outcome), ['success', 'failure', 'failure']);
  assert.ok(!JSON.stringify(events).includes('bad-token'), 'events never carry the secret');
});
