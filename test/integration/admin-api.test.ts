/**
 * The admin API's doors: who gets in (401, 403), what bad input gets back (400 naming the field
 * and the reason), the UI session cookie's flags, CSRF and cross-site refusals, logout, the
 * OpenAPI document, and the UI's login rules on plain HTTP.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { Agent } from 'undici';
import type { RunningGateway } from '../../src/gateway.js';
import { basic, startAdminGateway, type AdminGateway } from '../support/admin-gateway.js';
import { startTestGateway } from '../support/services.js';
import { createTestPki } from '../support/tls.js';

let admin: AdminGateway;

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}, base = admin.url): Promise<Answer> {
  const headers = { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const response = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, body, ...(base.startsWith('https') ? { dispatcher: admin.dispatcher } : {}) } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Signs in through the UI's login; returns the cookie pair and the CSRF token. */
async function login(user: string, password: string, base = admin.url): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const answer = await call('/api/session', { method: 'POST', body: password === '' ? { user } : { user, password } }, base);
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  const setCookie = answer.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, csrf: answer.json.csrfToken as string, setCookie };
}

/** The newest audit event matching the filters; the trail is written off the request path, so wait for it. */
async function auditEvent(filters: string): Promise<{ target: string; details?: Record<string, unknown> }> {
  for (let i = 0; i < 100; i++) {
    const items = (await call(`/api/audit?${filters}`, { headers: { authorization: basic('ops') } })).json.items as Array<{ target: string; details?: Record<string, unknown> }>;
    if (items.length > 0) return items[0]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit event with ${filters}`);
}

before(async () => {
  admin = await startAdminGateway();
});
after(async () => admin?.close());

describe('who may call', () => {
  test('no credentials: 401 with a challenge; wrong password: 401; a non-administrator: 403', async () => {
    const anonymous = await call('/api/backends');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal(typeof anonymous.json.error, 'string');
    assert.equal((await call('/api/backends', { headers: { authorization: basic('ops', 'wrong') } })).status, 401);
    const hanna = await call('/api/backends', { headers: { authorization: basic('hanna') } });
    assert.equal(hanna.status, 403);
    assert.match(String(hanna.json.error), /hanna is not an administrator/);
    // The UI's own requests get no challenge, so the browser shows the login page instead of its dialog.
    const fromUi = await call('/api/overview', { headers: { 'x-querygate-ui': '1' } });
    assert.equal(fromUi.status, 401);
    assert.equal(fromUi.headers.get('www-authenticate'), null);
  });

  test('administrators by name and by group; Basic clients need no cookie and no CSRF token', async () => {
    const ops = await call('/api/backends', { headers: { authorization: basic('ops') } });
    assert.equal(ops.status, 200);
    assert.deepEqual((ops.json.backends as Array<{ name: string }>).map((b) => b.name), ['trino1', 'embedded']);
    const drained = await call('/api/backends/embedded/drain', { method: 'POST', headers: { authorization: basic('carol') } });
    assert.equal(drained.status, 200);
    assert.equal(drained.json.state, 'draining');
    assert.match(String(drained.json.effect), /takes no new queries; queries already running finish normally/);
    assert.equal((await call('/api/backends/embedded/activate', { method: 'POST', headers: { authorization: basic('carol') } })).json.state, 'active');
    const event = await auditEvent('action=backend.drain&actor=carol');
    assert.equal(event.target, 'embedded');
    assert.deepEqual(event.details, { from: 'active', to: 'draining', inFlight: 0 });
  });

  test('the UI login: only administrators get a session', async () => {
    const hanna = await call('/api/session', { method: 'POST', body: { user: 'hanna', password: 'hanna-secret' } });
    assert.equal(hanna.status, 403);
    assert.equal(hanna.headers.get('set-cookie'), null);
    const wrong = await call('/api/session', { method: 'POST', headers: { 'x-querygate-ui': '1' }, body: { user: 'ops', password: 'nope' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal(wrong.headers.get('www-authenticate'), null, 'no challenge to the UI: the browser would show its own dialog');
    assert.equal((await auditEvent('action=ui.login&outcome=denied&actor=hanna')).target, 'admin ui');
  });
});

describe('invalid input', () => {
  const ops = { authorization: basic('ops') };
  const simulate = (body: unknown, headers: Record<string, string> = {}) => call('/api/access/simulate', { method: 'POST', headers: { ...ops, ...headers }, body });

  test('400 names the field and says why', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ user: 5, sql: 'SELECT 1' }, 'user', /expected string/i],
      [{ user: 'ann', sql: '' }, 'sql', /type a statement/],
      [{ user: 'ann', sql: 'SELECT 1', groups: 'analysts' }, 'groups', /expected array/i],
      [{ user: 'ann', sql: 'SELECT 1', colour: 'blue' }, 'colour', /unrecognized key/i],
      ['{not json', 'body', /not valid JSON/],
    ];
    for (const [body, field, reason] of cases) {
      const answer = await simulate(body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.json.field, field, JSON.stringify(answer.json));
      assert.match(String(answer.json.error), reason);
    }
    const noType = await call('/api/access/simulate', { method: 'POST', headers: { ...ops, 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(noType.status, 400);
    assert.equal(noType.json.field, 'body');
    const badAction = await call('/api/backends/trino1/explode', { method: 'POST', headers: ops });
    assert.deepEqual([badAction.status, badAction.json.field], [400, 'action']);
    const badFilter = await call('/api/queries?state=DONE', { headers: ops });
    assert.deepEqual([badFilter.status, badFilter.json.field], [400, 'state']);
    const login = await call('/api/session', { method: 'POST', body: { password: 'x' } });
    assert.deepEqual([login.status, login.json.field], [400, 'user']);
    assert.equal((await call('/api/nothing-here', { headers: ops })).status, 404);
    assert.equal((await call('/api/overview', { method: 'DELETE', headers: ops })).status, 405);
  });

  test('the simulator answers as explain-access, with the decision and the rule', async () => {
    const denied = await simulate({ user: 'analyst', groups: ['analysts'], sql: 'SELECT * FROM tpch.tiny.orders' });
    assert.equal(denied.status, 200);
    assert.equal(denied.json.allowed, false);
    assert.match(String(denied.json.message), /Access Denied: Cannot select from/);
    assert.match(String(denied.json.text), /tpch\.tiny\.orders/);
    const allowed = await simulate({ user: 'analyst', groups: ['analysts'], sql: 'SELECT n_name FROM nation', catalog: 'tpch', schema: 'tiny' });
    assert.equal(allowed.json.allowed, true);
    const checks = allowed.json.checks as Array<{ decidedBy: string; allowed: boolean }>;
    assert.ok(checks.some((c) => c.decidedBy.startsWith('tables[0]') && c.allowed), JSON.stringify(checks));
    assert.deepEqual(allowed.json.route, { group: 'main', reason: 'default group', fallback: [] });
    assert.match(String(allowed.json.text), /Routing: group main/);
  });
});

describe('UI sessions', () => {
  test('the cookie is HttpOnly, SameSite=Strict and Secure over TLS, and works on the API', async () => {
    const { cookie, setCookie } = await login('ops', 'ops-secret');
    assert.match(setCookie, /^querygate_session=[^;]+; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure$/);
    const session = await call('/api/session', { headers: { cookie } });
    assert.equal(session.json.authenticated, true);
    assert.equal(session.json.user, 'ops');
    assert.equal((await call('/api/overview', { headers: { cookie } })).status, 200);
  });

  test('changes with the cookie need the CSRF token and the same origin', async () => {
    const { cookie, csrf } = await login('carol', 'carol-secret');
    const drain = (headers: Record<string, string>) => call('/api/backends/embedded/drain', { method: 'POST', headers: { cookie, ...headers } });
    const noToken = await drain({});
    assert.equal(noToken.status, 403);
    assert.match(String(noToken.json.error), /x-csrf-token/);
    assert.equal((await drain({ 'x-csrf-token': 'A'.repeat(43) })).status, 403);
    const crossOrigin = await drain({ 'x-csrf-token': csrf, origin: 'https://evil.example' });
    assert.equal(crossOrigin.status, 403);
    assert.match(String(crossOrigin.json.error), /Cross-site request refused/);
    assert.equal((await drain({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await call('/api/backends/embedded', { headers: { cookie } })).json.state, 'active', 'no refused request changed anything');
    const ok = await drain({ 'x-csrf-token': csrf, origin: admin.url, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.state, 'draining');
    await call('/api/backends/embedded/activate', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    // A login from another site is refused too (login CSRF).
    assert.equal((await call('/api/session', { method: 'POST', headers: { origin: 'https://evil.example' }, body: { user: 'ops', password: 'ops-secret' } })).status, 403);
  });

  test('a forged or altered cookie is refused; after logout the cookie no longer works', async () => {
    const { cookie, csrf } = await login('ops', 'ops-secret');
    const [name, value] = cookie.split('=') as [string, string];
    const payload = JSON.parse(Buffer.from(value.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, u: 'mallory' })).toString('base64url');
    assert.equal((await call('/api/overview', { headers: { cookie: `${name}=${forged}.${value.split('.')[1]}` } })).status, 401);
    assert.equal((await call('/api/session', { method: 'DELETE', headers: { cookie } })).status, 403, 'logout needs the CSRF token');
    const logout = await call('/api/session', { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(logout.status, 204);
    assert.match(logout.headers.get('set-cookie') ?? '', /^querygate_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict; Secure$/);
    assert.equal((await call('/api/overview', { headers: { cookie } })).status, 401);
    assert.equal((await call('/api/session', { headers: { cookie } })).json.authenticated, false);
  });
});

describe('the OpenAPI document', () => {
  test('describes every endpoint, with the schemas that validate bodies', async () => {
    const doc = await call('/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.json.openapi, '3.1.0');
    const paths = doc.json.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>>;
    for (const [path, method] of [
      ['/api/session', 'post'],
      ['/api/session', 'delete'],
      ['/api/overview', 'get'],
      ['/api/backends/{name}/{action}', 'post'],
      ['/api/queries', 'get'],
      ['/api/queries/live', 'get'],
      ['/api/queries/{id}', 'get'],
      ['/api/queries/{id}/cancel', 'post'],
      ['/api/audit', 'get'],
      ['/api/access/rules', 'get'],
      ['/api/access/simulate', 'post'],
    ] as const) {
      assert.ok(paths[path]?.[method], `${method} ${path}`);
    }
    const schema = paths['/api/access/simulate']!.post!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(Object.keys(schema.properties).sort(), ['catalog', 'groups', 'schema', 'sql', 'user']);
  });
});

describe('the web UI is served by the gateway', () => {
  const raw = (path: string) => fetch(`${admin.url}${path}`, { redirect: 'manual', dispatcher: admin.dispatcher } as RequestInit);

  test('redirects, the app for any page, cached assets, a strict content policy', async () => {
    assert.equal((await raw('/')).headers.get('location'), '/ui/');
    assert.equal((await raw('/ui/query.html?20261124_000000_00001_abcde')).headers.get('location'), '/ui/queries/20261124_000000_00001_abcde');
    const page = await raw('/ui/queries/some-id');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    assert.doesNotMatch(html, /https?:\/\//, 'nothing is loaded from elsewhere');
    const asset = await raw(script);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await raw('/ui/assets/missing.js')).status, 404);
    assert.equal((await raw('/ui/%2e%2e/package.json')).status, 404);
    assert.equal((await fetch(`${admin.url}/ui/`, { method: 'POST', dispatcher: admin.dispatcher } as RequestInit)).status, 405);
  });
});

describe('login rules on plain HTTP', () => {
  let insecure: RunningGateway;
  before(async () => {
    insecure = await startTestGateway({ admin: { users: ['ops'] } });
  });
  after(async () => insecure?.close());

  test('with authenticators, credentials over plain HTTP are refused', async () => {
    const plain = admin.gateway.url;
    const options = await call('/api/session', {}, plain);
    assert.equal(options.json.loginMode, 'refused');
    assert.equal((await call('/api/session', { method: 'POST', body: { user: 'ops', password: 'ops-secret' } }, plain)).status, 403);
  });

  test('without authenticators the name is trusted (and said so); passwords are refused; no Secure flag', async () => {
    const options = await call('/api/session', {}, insecure.url);
    assert.equal(options.json.loginMode, 'trusted-user');
    assert.match(String(options.json.hint), /trusts the user name you type/);
    assert.equal((await call('/api/session', { method: 'POST', body: { user: 'ops', password: 'x' } }, insecure.url)).status, 401);
    assert.equal((await call('/api/session', { method: 'POST', body: { user: 'hanna' } }, insecure.url)).status, 403);
    const { setCookie, cookie } = await login('ops', '', insecure.url);
    assert.match(setCookie, /HttpOnly; SameSite=Strict$/);
    assert.equal((await call('/api/backends', { headers: { cookie } }, insecure.url)).status, 200);
  });
});

describe('login with a JWT', () => {
  let jwtGateway: RunningGateway;
  let jwks: Server;
  let dispatcher: Agent;
  let key: CryptoKey;
  const sign = (subject: string) =>
    new SignJWT({ sub: subject }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer('https://idp.test').setAudience('querygate').setIssuedAt().setExpirationTime('5m').sign(key);

  before(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const pki = createTestPki();
    dispatcher = new Agent({ connect: { ca: readFileSync(pki.caFile) } });
    jwtGateway = await startTestGateway({
      server: { port: 0, host: '127.0.0.1', httpEnabled: false, tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile } },
      authentication: { authenticators: [{ type: 'jwt', jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, issuer: 'https://idp.test', audience: 'querygate' }] },
      admin: { users: ['ops'] },
    });
  });
  after(async () => {
    await jwtGateway?.close();
    jwks?.close();
    await dispatcher?.close();
  });

  test('the JWT authenticator decides; a password is not accepted where only tokens are', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${jwtGateway.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), dispatcher } as RequestInit);
      return { status: response.status, json: (await response.json()) as Record<string, unknown>, cookie: response.headers.get('set-cookie') };
    };
    const options = await fetch(`${jwtGateway.url}/api/session`, { dispatcher } as RequestInit);
    assert.equal(((await options.json()) as { loginMode: string }).loginMode, 'token');
    const ok = await post({ token: await sign('ops') });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.user, 'ops');
    assert.match(ok.cookie ?? '', /HttpOnly; SameSite=Strict; Secure$/);
    assert.equal((await post({ token: await sign('hanna') })).status, 403);
    assert.equal((await post({ token: 'not.a.jwt' })).status, 401);
    assert.equal((await post({ user: 'ops', password: 'whatever' })).status, 401);
    const both = await post({ user: 'ops', token: 'x' });
    assert.deepEqual([both.status, both.json.field], [400, 'token']);
  });
});
