/**
 * LDAP through the gateway, end to end: a real slapd (scripts/ldap/start.sh), the gateway on
 * HTTPS with an LDAP authenticator, and real clients logging in with directory passwords.
 * Ports: QUERYGATE_LDAP_PORT (default 13389) and QUERYGATE_LDAPS_PORT (13636).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { BasicAuth, Trino } from 'trino-client';
import type { RunningGateway } from '../../src/gateway.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';
import { createTestPki, type TestPki } from '../support/tls.js';

const exec = promisify(execFile);
// The directory's ports, as test/auth/ldap.test.ts reads them (several engineers' slapds side by side).
const LDAP_PORT = process.env.QUERYGATE_LDAP_PORT ?? '13389';
const LDAPS_PORT = process.env.QUERYGATE_LDAPS_PORT ?? '13636';
let pki: TestPki;
let ldapCa: string;
let env: Record<string, string>;
let gateway: RunningGateway;
let unreachable: RunningGateway;

before(async () => {
  pki = createTestPki();
  env = await clientEnv();
  const { stdout } = await exec('bash', [`${REPO}scripts/ldap/start.sh`, '--port', LDAP_PORT, '--tls-port', LDAPS_PORT], { timeout: 180_000 });
  ldapCa = stdout.trim().split('\n').at(-1)!;
  const trino = await ensureTrino();
  const tls = { port: 0, certFile: pki.certFile, keyFile: pki.keyFile };
  gateway = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', tls },
    authentication: {
      authenticators: [
        {
          type: 'ldap',
          url: `ldaps://127.0.0.1:${LDAPS_PORT}`,
          caFile: ldapCa,
          bindDn: 'uid=svc-gateway,ou=people,dc=querygate,dc=test',
          bindPassword: 'svc-pw',
          userBaseDn: 'ou=people,dc=querygate,dc=test',
          userFilter: '(uid=${USER})',
          groups: { mode: 'search', baseDn: 'ou=groups,dc=querygate,dc=test', filter: '(member=${USER_DN})' },
        },
      ],
    },
    backends: [{ name: 'trino1', engine: 'trino', url: trino }],
  });
  unreachable = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', tls },
    authentication: { authenticators: [{ type: 'ldap', url: 'ldap://127.0.0.1:9', userBindPattern: 'uid=${USER},ou=people,dc=querygate,dc=test', timeout: '2s' }] },
  });
});
after(async () => {
  await gateway?.close();
  await unreachable?.close();
  if (!process.env.QUERYGATE_LDAP_KEEP) await exec('bash', [`${REPO}scripts/ldap/stop.sh`]).catch(() => undefined);
});

test('the trino CLI logs in with a directory password', async () => {
  const base = ['-jar', env.TRINO_CLI_JAR!, '--server', gateway.tlsUrl!, '--truststore-path', pki.caFile, '--user', 'alice', '--password'];
  const ok = await run(env.QUERYGATE_CLIENT_JAVA!, [...base, '--execute', 'SELECT current_user'], { env: { TRINO_PASSWORD: 'alice-pw' } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), '"alice"');
  const wrong = await run(env.QUERYGATE_CLIENT_JAVA!, [...base, '--execute', 'SELECT 1'], { env: { TRINO_PASSWORD: 'bob-pw' } });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /Authentication failed: Invalid credentials/);
});

test('the Python and npm clients log in with directory passwords', async () => {
  const port = new URL(gateway.tlsUrl!).port;
  const py = await run(env.QUERYGATE_PYTHON!, [`${REPO}test/clients/py_query.py`, '--host', '127.0.0.1', '--port', port, '--http-scheme', 'https', '--ca-file', pki.caFile, '--user', 'bob', '--password', 'bob-pw', '--sql', 'SELECT current_user'], {
    env: { REQUESTS_CA_BUNDLE: pki.caFile, CURL_CA_BUNDLE: pki.caFile },
  });
  assert.equal(py.code, 0, py.stdout + py.stderr);
  assert.deepEqual((JSON.parse(py.stdout) as { rows: string[][] }).rows, [['bob']]);
  const client = Trino.create({ server: gateway.tlsUrl!, auth: new BasicAuth('carol', 'carol-pw'), ssl: { ca: readFileSync(pki.caFile) } });
  const rows: unknown[][] = [];
  for await (const result of await client.query('SELECT current_user')) rows.push(...(result.data ?? []));
  assert.deepEqual(rows, [['carol']]);
});

test('an unreachable directory lets nobody in, and the gateway keeps answering', async () => {
  const client = Trino.create({ server: unreachable.tlsUrl!, auth: new BasicAuth('alice', 'alice-pw'), ssl: { ca: readFileSync(pki.caFile) } });
  const started = Date.now();
  await assert.rejects(async () => {
    for await (const _ of await client.query('SELECT 1')) void _;
  }, /401/);
  assert.ok(Date.now() - started < 5_000, 'refused within the configured timeout');
  const info = await fetch(`${unreachable.url}/v1/info`);
  assert.equal(info.status, 200);
});
