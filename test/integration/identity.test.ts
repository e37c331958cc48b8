/**
 * Identity through the gateway with real clients: TLS with a test CA, password file, JWT,
 * impersonation rules, follow-ups bound to the principal, throttling, and refusals that real
 * clients understand.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Agent } from 'undici';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { BasicAuth, Trino } from 'trino-client';
import type { RunningGateway } from '../../src/gateway.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';
import { createTestPki, type TestPki } from '../support/tls.js';
import { htpasswdLine } from '../support/admin-gateway.js';

let pki: TestPki;
let env: Record<string, string>;
let gateway: RunningGateway;
let jwks: Server;
let privateKey: CryptoKey;
let otherKey: CryptoKey;
let dispatcher: Agent;
const ISSUER = 'https://idp.querygate.test';
const AUDIENCE = 'querygate';

async function token(claims: Record<string, unknown>, options: { key?: CryptoKey; expiresIn?: string; audience?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(options.key ?? privateKey);
}

/** HTTPS request to the gateway trusting the test CA. */
async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${gateway.tlsUrl}${path}`, { ...init, dispatcher } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

before(async () => {
  pki = createTestPki();
  env = await clientEnv();
  const trino = await ensureTrino();
  dispatcher = new Agent({ connect: { ca: readFileSync(pki.caFile) } });
  writeFileSync(join(pki.dir, 'password.db'), [htpasswdLine('alice', 'alice-pw'), htpasswdLine('bob', 'bob-pw'), htpasswdLine('carol', 'carol-pw'), htpasswdLine('dave', 'dave-pw')].join('\n') + '\n');
  writeFileSync(join(pki.dir, 'group.txt'), 'analysts:alice,bob\nadmins:carol\n');
  writeFileSync(join(pki.dir, 'rules.json'), JSON.stringify({ impersonation: [{ original_user: 'carol', new_user: '.*' }, { original_user: '(.*)', new_user: '$1_batch' }] }));

  const keys = await generateKeyPair('RS256');
  privateKey = keys.privateKey as CryptoKey;
  otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));

  gateway = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile } },
    authentication: {
      authenticators: [
        { type: 'password-file', file: join(pki.dir, 'password.db') },
        { type: 'jwt', jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE, groupsClaim: 'groups' },
      ],
      groupFile: join(pki.dir, 'group.txt'),
      maxFailures: 5,
      maxFailuresPerClient: 1000,
      failureWindow: '1m',
    },
    accessControl: { rulesFile: join(pki.dir, 'rules.json') },
    backends: [
      { name: 'trino1', engine: 'trino', url: trino },
      // A group of its own: in one group, the least-loaded choice could send a tpch query to DuckDB.
      { name: 'embedded', engine: 'duckdb', group: 'local' },
    ],
    routing: { defaultGroup: 'default' },
  });
});
after(async () => {
  await gateway?.close();
  jwks?.close();
  await dispatcher?.close();
});

async function runAs(headers: Record<string, string>, sql: string): Promise<{ rows: unknown[][]; error?: Record<string, unknown>; status: number; text: string }> {
  const rows: unknown[][] = [];
  let response = await call('/v1/statement', { method: 'POST', headers, body: sql });
  for (;;) {
    if (response.status !== 200) return { rows, status: response.status, text: response.text };
    if (response.json.data) rows.push(...(response.json.data as unknown[][]));
    if (response.json.error) return { rows, error: response.json.error as Record<string, unknown>, status: 200, text: response.text };
    const next = response.json.nextUri as string | undefined;
    if (!next) return { rows, status: 200, text: response.text };
    response = await call(new URL(next).pathname, { headers });
  }
}

describe('real clients authenticate over HTTPS', () => {
  test('trino CLI with --password and with --access-token, trusting the test CA', async () => {
    const java = env.QUERYGATE_CLIENT_JAVA!;
    const base = ['-jar', env.TRINO_CLI_JAR!, '--server', gateway.tlsUrl!, '--truststore-path', pki.caFile];
    const withPassword = await run(java, [...base, '--user', 'alice', '--password', '--execute', 'SELECT current_user'], { env: { TRINO_PASSWORD: 'alice-pw' } });
    assert.equal(withPassword.code, 0, withPassword.stderr);
    assert.equal(withPassword.stdout.trim(), '"alice"');
    const jwt = await token({ sub: 'bob', groups: ['analysts'] });
    // The CLI sends the OS user name unless --user is given; naming the token's subject avoids impersonation.
    const withToken = await run(java, [...base, '--access-token', jwt, '--user', 'bob', '--execute', 'SELECT current_user']);
    assert.equal(withToken.code, 0, withToken.stderr);
    assert.equal(withToken.stdout.trim(), '"bob"');
    const wrong = await run(java, [...base, '--user', 'alice', '--password', '--execute', 'SELECT 1'], { env: { TRINO_PASSWORD: 'nope' } });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Authentication failed/);
  });

  test('JDBC driver with SSL, password and access token', async () => {
    const url = (extra: string) => `jdbc:trino://127.0.0.1:${new URL(gateway.tlsUrl!).port}/tpch/tiny?SSL=true&SSLTrustStorePath=${encodeURIComponent(pki.caFile)}&${extra}`;
    const jdbc = (jdbcUrl: string) => run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcQuery', jdbcUrl, 'SELECT current_user']);
    const withPassword = await jdbc(url('user=carol&password=carol-pw'));
    assert.equal(withPassword.code, 0, withPassword.stdout + withPassword.stderr);
    assert.deepEqual((JSON.parse(withPassword.stdout) as { rows: string[][] }).rows, [['carol']]);
    const withToken = await jdbc(url(`accessToken=${await token({ sub: 'alice' })}`));
    assert.equal(withToken.code, 0, withToken.stdout + withToken.stderr);
    assert.deepEqual((JSON.parse(withToken.stdout) as { rows: string[][] }).rows, [['alice']]);
  });

  test('Python client with BasicAuthentication and JWTAuthentication', async () => {
    const port = new URL(gateway.tlsUrl!).port;
    const base = ['--host', '127.0.0.1', '--port', port, '--http-scheme', 'https', '--ca-file', pki.caFile, '--sql', 'SELECT current_user'];
    // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's CA, so point them at the test CA too.
    const caEnv = { REQUESTS_CA_BUNDLE: pki.caFile, CURL_CA_BUNDLE: pki.caFile };
    const py = (args: string[]) => run(env.QUERYGATE_PYTHON!, [`${REPO}test/clients/py_query.py`, ...args], { env: caEnv });
    const withPassword = await py(['--user', 'bob', '--password', 'bob-pw', ...base]);
    assert.equal(withPassword.code, 0, withPassword.stdout + withPassword.stderr);
    assert.deepEqual((JSON.parse(withPassword.stdout) as { rows: string[][] }).rows, [['bob']]);
    const withToken = await py(['--user', 'carol', '--access-token', await token({ sub: 'carol' }), ...base]);
    assert.equal(withToken.code, 0, withToken.stdout + withToken.stderr);
    assert.deepEqual((JSON.parse(withToken.stdout) as { rows: string[][] }).rows, [['carol']]);
  });

  test('npm trino-client with basic authentication', async () => {
    const client = Trino.create({ server: gateway.tlsUrl!, catalog: 'tpch', schema: 'tiny', auth: new BasicAuth('alice', 'alice-pw'), ssl: { ca: readFileSync(pki.caFile) } });
    const rows: unknown[][] = [];
    for await (const result of await client.query('SELECT current_user')) {
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      rows.push(...(result.data ?? []));
    }
    assert.deepEqual(rows, [['alice']]);
  });
});

describe('what must be refused', () => {
  test('credentials over plain HTTP are refused as Trino refuses them', async () => {
    const response = await fetch(`${gateway.url}/v1/statement`, { method: 'POST', headers: { Authorization: basic('alice', 'alice-pw') }, body: 'SELECT 1' });
    assert.equal(response.status, 403);
    assert.equal(await response.text(), 'Authentication over HTTP is not enabled');
  });

  test('missing, malformed and wrong credentials get 401 with the challenges clients understand', async () => {
    const cases: Array<Record<string, string>> = [{}, { Authorization: 'Basic !!!' }, { Authorization: 'Negotiate abc' }, { Authorization: basic('alice', 'wrong') }, { Authorization: basic('nobody', 'x') }, { Authorization: basic('alice', '') }];
    for (const headers of cases) {
      const response = await call('/v1/statement', { method: 'POST', headers, body: 'SELECT 1' });
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.equal(response.headers.get('www-authenticate'), 'Basic realm="Trino", Bearer realm="Trino", token_type="JWT"');
      assert.doesNotMatch(response.text, /wrong|alice-pw/, 'no secret echoed');
    }
  });

  test('bad tokens: unsigned, expired, other audience, other key', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'carol', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const cases: Array<[string, string]> = [
      [`${header}.${body}.`, 'unsigned'],
      [await token({ sub: 'carol' }, { expiresIn: '-5m' }), 'expired'],
      [await token({ sub: 'carol' }, { audience: 'someone-else' }), 'audience'],
      [await token({ sub: 'carol' }, { key: otherKey }), 'other key'],
    ];
    for (const [jwt, name] of cases) {
      const response = await call('/v1/statement', { method: 'POST', headers: { Authorization: `Bearer ${jwt}` }, body: 'SELECT 1' });
      assert.equal(response.status, 401, name);
    }
  });

  test('spoofing: naming another user is impersonation, allowed only by the rules', async () => {
    const rejected = async () => Number(/^querygate_requests_rejected_total\{status_code="403",reason="forbidden"\} (\d+)$/m.exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1] ?? 0);
    const rejectedBefore = await rejected();
    // As Trino (checkCanSetUser when it creates the session): a query that fails, not an HTTP error.
    // The statement would be a syntax error if it were read: the refusal comes before that.
    const spoof = await call('/v1/statement', { method: 'POST', headers: { Authorization: basic('alice', 'alice-pw'), 'X-Trino-User': 'carol' }, body: 'SELEC nonsense' });
    assert.equal(spoof.status, 200);
    assert.equal(spoof.json.nextUri, undefined);
    assert.equal((spoof.json.stats as { state: string }).state, 'FAILED');
    const { failureInfo, ...error } = spoof.json.error as Record<string, unknown>;
    assert.deepEqual(error, { message: 'Access Denied: User alice cannot impersonate user carol', errorCode: 4, errorName: 'PERMISSION_DENIED', errorType: 'USER_ERROR' });
    assert.equal((failureInfo as { type: string }).type, 'io.trino.spi.security.AccessDeniedException');
    assert.equal(await rejected(), rejectedBefore + 1, 'still counted as a refused request');
    const allowed = await runAs({ Authorization: basic('alice', 'alice-pw'), 'X-Trino-User': 'alice_batch' }, 'SELECT current_user');
    assert.deepEqual(allowed.rows, [['alice_batch']]);
    const admin = await runAs({ Authorization: basic('carol', 'carol-pw'), 'X-Trino-User': 'bob' }, 'SELECT current_user');
    assert.deepEqual(admin.rows, [['bob']]);
    const originalUser = await runAs({ Authorization: basic('alice', 'alice-pw'), 'X-Trino-Original-User': 'carol', 'X-Trino-User': 'bob' }, 'SELECT 1');
    assert.equal(originalUser.error?.message, 'Access Denied: User alice cannot impersonate user carol');
  });

  test("replay: another user cannot poll or cancel someone else's query", async () => {
    const first = await call('/v1/statement', { method: 'POST', headers: { Authorization: basic('alice', 'alice-pw') }, body: 'SELECT count(*) FROM tpch.tiny.lineitem' });
    const next = new URL(first.json.nextUri as string).pathname;
    const stolen = await call(next, { headers: { Authorization: basic('bob', 'bob-pw'), 'X-Trino-User': 'alice' } });
    assert.equal(stolen.status, 403, 'bob cannot even claim to be alice');
    const asBob = await call(next, { headers: { Authorization: basic('bob', 'bob-pw') } });
    assert.equal((asBob.json.error as { errorName: string }).errorName, 'PERMISSION_DENIED');
    const cancel = await call(next, { method: 'DELETE', headers: { Authorization: basic('bob', 'bob-pw') } });
    assert.equal(cancel.status, 403);
    const unauthenticated = await call(next, {});
    assert.equal(unauthenticated.status, 401);
    const owner = await call(next, { headers: { Authorization: basic('alice', 'alice-pw') } });
    assert.equal(owner.status, 200);
    assert.equal(owner.json.error, undefined);
  });

  test('brute force: repeated failures lock the user out for the window, others keep working', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await call('/v1/statement', { method: 'POST', headers: { Authorization: basic('dave', `guess-${i}`) }, body: 'SELECT 1' })).status, 401);
    }
    const locked = await call('/v1/statement', { method: 'POST', headers: { Authorization: basic('dave', 'dave-pw') }, body: 'SELECT 1' });
    assert.equal(locked.status, 401);
    assert.match(locked.text, /Too many failed authentication attempts/);
    const other = await runAs({ Authorization: basic('alice', 'alice-pw') }, 'SELECT 1');
    assert.deepEqual(other.rows, [[1]]);
  });
});

describe('operator options', () => {
  test('behind a TLS-terminating proxy, X-Forwarded-Proto: https is trusted only when configured', async () => {
    const trusting = await startTestGateway({
      authentication: { authenticators: [{ type: 'password-file', file: join(pki.dir, 'password.db') }], trustForwardedProto: true },
    });
    try {
      const post = (headers: Record<string, string>) => fetch(`${trusting.url}/v1/statement`, { method: 'POST', headers, body: 'SELECT 1' });
      assert.equal((await post({ Authorization: basic('alice', 'alice-pw'), 'X-Forwarded-Proto': 'https' })).status, 200);
      assert.equal((await post({ Authorization: basic('alice', 'alice-pw') })).status, 403);
    } finally {
      await trusting.close();
    }
  });

  test('allowInsecureOverHttp serves plain HTTP like Trino: user header trusted, passwords refused', async () => {
    const insecure = await startTestGateway({
      authentication: { authenticators: [{ type: 'password-file', file: join(pki.dir, 'password.db') }], allowInsecureOverHttp: true },
    });
    try {
      const post = (headers: Record<string, string>) => fetch(`${insecure.url}/v1/statement`, { method: 'POST', headers, body: 'SELECT 1' });
      assert.equal((await post({ 'X-Trino-User': 'alice' })).status, 200);
      const password = await post({ Authorization: basic('alice', 'alice-pw') });
      assert.equal(password.status, 401);
      assert.equal(await password.text(), 'Password not allowed for insecure authentication');
    } finally {
      await insecure.close();
    }
  });

  test('JWT verified against a key file, with the user taken from a configured claim', async () => {
    const keys = await generateKeyPair('ES256');
    const keyFile = join(pki.dir, 'jwt-public.pem');
    writeFileSync(keyFile, await exportSPKI(keys.publicKey));
    const fileGateway = await startTestGateway({
      server: { port: 0, host: '127.0.0.1', tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile } },
      authentication: { authenticators: [{ type: 'jwt', keyFile, principalClaim: 'preferred_username' }] },
    });
    try {
      const signed = await new SignJWT({ preferred_username: 'erin' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(keys.privateKey);
      const response = await fetch(`${fileGateway.tlsUrl}/v1/statement`, { method: 'POST', headers: { Authorization: `Bearer ${signed}` }, body: 'SELECT 1', dispatcher } as RequestInit);
      assert.equal(response.status, 200);
      const noClaim = await new SignJWT({ sub: 'erin' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('5m').sign(keys.privateKey);
      const refused = await fetch(`${fileGateway.tlsUrl}/v1/statement`, { method: 'POST', headers: { Authorization: `Bearer ${noClaim}` }, body: 'SELECT 1', dispatcher } as RequestInit);
      assert.equal(refused.status, 401);
      assert.match(await refused.text(), /no 'preferred_username' claim/);
    } finally {
      await fileGateway.close();
    }
  });
});
