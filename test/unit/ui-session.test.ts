/**
 * UI sessions: signed cookies any instance with the same secret accepts, expiry, sign-out,
 * tampering, and CSRF tokens bound to the session.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UiSessions, setCookieHeader } from '../../src/server/ui-session.js';

const SECRET = 'ui-session-test-secret-0123456789abcdef';

test('a session issued by one instance verifies on another sharing the secret, not with another secret', () => {
  const { cookie } = new UiSessions(SECRET, 60_000).issue('ops', ['admins']);
  const other = new UiSessions(SECRET, 60_000).verify(cookie);
  assert.deepEqual([other?.user, other?.groups], ['ops', ['admins']]);
  assert.equal(new UiSessions('another-secret-0123456789abcdef-xyz', 60_000).verify(cookie), undefined);
  assert.equal(new UiSessions(undefined, 60_000).verify(cookie), undefined);
});

test('expired, altered, truncated or garbage cookies are refused', () => {
  const sessions = new UiSessions(SECRET, 60_000);
  const now = Date.now();
  const { cookie } = sessions.issue('ops', [], now);
  assert.ok(sessions.verify(cookie, now + 59_000));
  assert.equal(sessions.verify(cookie, now + 60_000), undefined);
  const [payload, mac] = cookie.split('.') as [string, string];
  const altered = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('"ops"', '"eve"')).toString('base64url');
  assert.equal(sessions.verify(`${altered}.${mac}`), undefined);
  assert.equal(sessions.verify(`${payload}.${mac.slice(0, 20)}`), undefined);
  for (const garbage of ['', '.', 'abc', `${payload}`, `.${mac}`, 'x'.repeat(5000)]) assert.equal(sessions.verify(garbage), undefined, garbage);
});

test('sign-out revokes the session; other sessions of the user stay valid', () => {
  const sessions = new UiSessions(SECRET, 60_000);
  const first = sessions.issue('ops', []);
  const second = sessions.issue('ops', []);
  sessions.revoke(first.session);
  assert.equal(sessions.verify(first.cookie), undefined);
  assert.ok(sessions.verify(second.cookie));
});

test('the CSRF token belongs to one session', () => {
  const sessions = new UiSessions(SECRET, 60_000);
  const a = sessions.issue('ops', []).session;
  const b = sessions.issue('ops', []).session;
  assert.equal(sessions.csrfMatches(a, sessions.csrfToken(a)), true);
  assert.equal(sessions.csrfMatches(a, sessions.csrfToken(b)), false);
  assert.equal(sessions.csrfMatches(a, undefined), false);
  assert.equal(sessions.csrfMatches(a, ''), false);
  assert.equal(sessions.csrfMatches(a, 'not base64 at all!'), false);
});

test('cookie attributes', () => {
  assert.equal(setCookieHeader('v', 3600, true), 'querygate_session=v; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure');
  assert.equal(setCookieHeader('v', 3600, false), 'querygate_session=v; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict');
});
