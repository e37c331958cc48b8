/**
 * LdapAuthenticator against a real OpenLDAP slapd started by scripts/ldap/start.sh (reused when
 * already running), plus fake servers on loopback for the failure cases: a closed port and a
 * server that accepts TCP connections and never answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { AuthenticationError, type Principal } from '../../src/auth/authenticator.js';
import { escapeDnValue, escapeFilterValue, LdapAuthenticator, parseDn, type LdapAuthenticatorOptions } from '../../src/auth/ldap.js';

const exec = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const PORT = Number(process.env.QUERYGATE_LDAP_PORT ?? 13389);
const TLS_PORT = Number(process.env.QUERYGATE_LDAPS_PORT ?? 13636);
const LDAP_URL = `ldap://127.0.0.1:${PORT}`;
const LDAPS_URL = `ldaps://127.0.0.1:${TLS_PORT}`;
const BASE = 'dc=querygate,dc=test';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;
const SVC_DN = `uid=svc-gateway,${PEOPLE}`;

let caFile = '';

const bindPattern = (extra: Partial<LdapAuthenticatorOptions> = {}): LdapAuthenticatorOptions => ({
  url: LDAP_URL,
  userBindPattern: `uid=\${USER},${PEOPLE}`,
  timeoutMs: 3000,
  ...extra,
});
const searchThenBind = (extra: Partial<LdapAuthenticatorOptions> = {}): LdapAuthenticatorOptions => ({
  url: LDAP_URL,
  bindDn: SVC_DN,
  bindPassword: 'svc-pw',
  userBaseDn: PEOPLE,
  userFilter: '(uid=${USER})',
  timeoutMs: 3000,
  ...extra,
});
const groupSearch = { mode: 'search', baseDn: GROUPS, filter: '(member=${USER_DN})' } as const;
const memberOf = { mode: 'memberOf' } as const;

const login = (auth: LdapAuthenticator, user: string, password: string): Promise<Principal> => auth.authenticate({ kind: 'basic', user, password });

/** Asserts that `promise` rejects with the given AuthenticationError and returns it. */
async function rejectsWith(promise: Promise<unknown>, message: string, unavailable: boolean): Promise<AuthenticationError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AuthenticationError, `expected an AuthenticationError, got ${String(caught)}`);
  assert.equal(caught.message, message);
  assert.equal(caught.unavailable, unavailable, `unavailable flag (cause: ${String((caught.cause as Error | undefined)?.message)})`);
  return caught;
}
const invalid = (p: Promise<unknown>) => rejectsWith(p, 'Invalid credentials', false);
const unavailable = (p: Promise<unknown>) => rejectsWith(p, 'LDAP server unavailable', true);

/** A TCP server on loopback that accepts connections and never says anything. */
async function silentServer(): Promise<{ port: number; accepted: () => number; open: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read and drop whatever comes, so that the client's close is seen
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

const socketHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap' || r === 'TLSWrap').length;

let startedHere = false;

before(async () => {
  // start.sh installs slapd when missing (apt-get: minutes on a fresh machine), else takes < 1 s.
  const { stdout, stderr } = await exec('bash', [`${REPO}scripts/ldap/start.sh`, '--port', String(PORT), '--tls-port', String(TLS_PORT)], { timeout: 600_000 });
  caFile = stdout.trim().split('\n').pop() ?? '';
  assert.match(caFile, /ca\.crt$/);
  startedHere = !stderr.includes('reusing slapd');
});

after(async () => {
  // Leave things as they were: stop the slapd this file started (QUERYGATE_LDAP_KEEP=1 keeps it).
  if (startedHere && !process.env.QUERYGATE_LDAP_KEEP) await exec('bash', [`${REPO}scripts/ldap/stop.sh`], { timeout: 60_000 });
});

describe('configuration', () => {
  test('needs exactly one of userBindPattern or bindDn + bindPassword + userBaseDn + userFilter', () => {
    assert.throws(() => new LdapAuthenticator({ url: LDAP_URL }), /either userBindPattern, or bindDn \+ bindPassword \+ userBaseDn \+ userFilter/);
    assert.throws(() => new LdapAuthenticator({ ...searchThenBind(), userBindPattern: `uid=\${USER},${PEOPLE}` }), /not both/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ bindDn: SVC_DN })), /not both \(found bindDn\)/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ bindPassword: undefined })), /missing or empty: bindPassword/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ bindPassword: '' })), /missing or empty: bindPassword/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ userFilter: undefined, userBaseDn: undefined })), /missing or empty: userBaseDn, userFilter/);
  });

  test('checks templates, filters, URLs, TLS options and timeouts', () => {
    assert.throws(() => new LdapAuthenticator(bindPattern({ userBindPattern: `uid=alice,${PEOPLE}` })), /userBindPattern must contain \$\{USER\}/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ userFilter: '(uid=${USER_DN})' })), /unknown placeholder \$\{USER_DN\}/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ userFilter: '(uid=${USER}' })), /userFilter is not a valid LDAP filter/);
    assert.throws(() => new LdapAuthenticator(searchThenBind({ userBaseDn: 'not a dn' })), /userBaseDn is not a valid DN/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ groups: { mode: 'search', baseDn: GROUPS, filter: '(member=${NAME})' } })), /unknown placeholder/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ groups: { mode: 'memberOf', attribute: 'member of' } })), /not an attribute name/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ url: 'http://127.0.0.1:389' })), /url must be ldap:\/\/host/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ url: `${LDAP_URL}/dc=x?uid` })), /url must be/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ url: LDAPS_URL, startTls: true })), /startTls is for ldap:\/\//);
    assert.throws(() => new LdapAuthenticator(bindPattern({ caFile })), /caFile is only used with ldaps:\/\/ or startTls/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ url: LDAPS_URL, caFile: '/nonexistent/ca.pem' })), /cannot read caFile \/nonexistent\/ca\.pem: ENOENT/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ timeoutMs: 0 })), /timeoutMs must be/);
    assert.throws(() => new LdapAuthenticator(bindPattern({ connectTimeoutMs: Number.NaN })), /connectTimeoutMs must be/);
    const ok = new LdapAuthenticator(bindPattern());
    assert.equal(ok.name, 'ldap');
    assert.equal(ok.accepts, 'basic');
  });
});

describe('escaping', () => {
  test('DN values (RFC 4514)', () => {
    assert.equal(escapeDnValue('alice'), 'alice');
    assert.equal(escapeDnValue('alice,ou=x'), 'alice\\,ou\\=x');
    assert.equal(escapeDnValue('a+b;c<d>e"f\\g'), 'a\\+b\\;c\\<d\\>e\\"f\\\\g');
    assert.equal(escapeDnValue('#lead'), '\\#lead');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(escapeDnValue('nul\0cr\r'), 'nul\\00cr\\0d');
    assert.equal(escapeDnValue('in#side sp'), 'in#side sp');
    for (const tricky of ['alice,ou=x', 'a+b', ' x ', '#x', 'back\\slash', 'Zoë 🦊', 'q"uote', 'x\0y', '*', 'alice)(uid=*']) {
      const [first] = parseDn(`uid=${escapeDnValue(tricky)},${PEOPLE}`);
      assert.deepEqual(first, [{ type: 'uid', value: tricky }], tricky);
      assert.equal(parseDn(`uid=${escapeDnValue(tricky)},${PEOPLE}`).length, 4, tricky);
    }
  });

  test('filter values (RFC 4515)', () => {
    assert.equal(escapeFilterValue('alice'), 'alice');
    assert.equal(escapeFilterValue('alice)(uid=*'), 'alice\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('*'), '\\2a');
    assert.equal(escapeFilterValue('a\\b\0'), 'a\\5cb\\00');
    assert.equal(escapeFilterValue('Zoë'), 'Zoë');
  });

  test('DN parsing', () => {
    assert.deepEqual(parseDn('cn=analysts,ou=groups,dc=querygate,dc=test')[0], [{ type: 'cn', value: 'analysts' }]);
    assert.deepEqual(parseDn('CN=Zo\\C3\\AB\\2C Jr , OU=x'), [[{ type: 'CN', value: 'Zoë, Jr' }], [{ type: 'OU', value: 'x' }]]);
    assert.deepEqual(parseDn('cn=a+uid=b,dc=x')[0], [
      { type: 'cn', value: 'a' },
      { type: 'uid', value: 'b' },
    ]);
    assert.deepEqual(parseDn('cn=#04024869,dc=x')[0], [{ type: 'cn', value: '#04024869', ber: true }]);
    assert.deepEqual(parseDn(''), []);
    assert.throws(() => parseDn('cn=a,'));
    assert.throws(() => parseDn('cn=a\\'));
    assert.throws(() => parseDn('no equals sign'));
  });
});

describe('against slapd', () => {
  test('user bind with memberOf groups', async () => {
    const auth = new LdapAuthenticator(bindPattern({ groups: memberOf }));
    assert.deepEqual(await login(auth, 'alice', 'alice-pw'), { user: 'alice', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
    assert.deepEqual(await login(auth, 'carol', 'carol-pw'), { user: 'carol', groups: ['admins'], authenticatedBy: 'ldap' });
    assert.deepEqual(await login(auth, 'svc-gateway', 'svc-pw'), { user: 'svc-gateway', groups: [], authenticatedBy: 'ldap' });
  });

  test('user bind with group search, and without groups', async () => {
    const auth = new LdapAuthenticator(bindPattern({ groups: groupSearch }));
    assert.deepEqual(await login(auth, 'bob', 'bob-pw'), { user: 'bob', groups: ['analysts'], authenticatedBy: 'ldap' });
    assert.deepEqual((await login(auth, 'alice', 'alice-pw')).groups, ['analysts', 'pii']);
    const bare = new LdapAuthenticator(bindPattern());
    assert.deepEqual(await login(bare, 'alice', 'alice-pw'), { user: 'alice', groups: [], authenticatedBy: 'ldap' });
  });

  test('search-then-bind with group search and with memberOf', async () => {
    const searching = new LdapAuthenticator(searchThenBind({ groups: groupSearch }));
    assert.deepEqual(await login(searching, 'alice', 'alice-pw'), { user: 'alice', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
    assert.deepEqual(await login(searching, 'carol', 'carol-pw'), { user: 'carol', groups: ['admins'], authenticatedBy: 'ldap' });
    const reading = new LdapAuthenticator(searchThenBind({ groups: { mode: 'memberOf', attribute: 'memberof', nameAttribute: 'CN' } }));
    assert.deepEqual(await login(reading, 'bob', 'bob-pw'), { user: 'bob', groups: ['analysts'], authenticatedBy: 'ldap' });
  });

  test('attributes of the user entry become principal attributes (for tag grants), in both modes', async () => {
    const attributes = { sn: 'role', mail: 'contact', description: 'unset' };
    const binding = new LdapAuthenticator(bindPattern({ groups: memberOf, attributes }));
    assert.deepEqual(await login(binding, 'alice', 'alice-pw'), {
      user: 'alice',
      groups: ['analysts', 'pii'],
      authenticatedBy: 'ldap',
      // An attribute the entry does not have (description) gives no key.
      attributes: { role: ['Analyst'], contact: ['alice@querygate.test'] },
    });
    const searching = new LdapAuthenticator(searchThenBind({ groups: groupSearch, attributes: { sn: 'role' } }));
    assert.deepEqual(await login(searching, 'carol', 'carol-pw'), { user: 'carol', groups: ['admins'], authenticatedBy: 'ldap', attributes: { role: ['Admin'] } });
    assert.throws(() => new LdapAuthenticator(bindPattern({ attributes: { 'not an attribute': 'x' } })), /not an attribute name/);
  });

  test('search-then-bind with a compound filter, and a filter that matches several entries', async () => {
    const byUidOrMail = new LdapAuthenticator(searchThenBind({ userFilter: '(&(objectClass=inetOrgPerson)(|(uid=${USER})(mail=${USER})))', groups: memberOf }));
    assert.deepEqual(await login(byUidOrMail, 'alice@querygate.test', 'alice-pw'), { user: 'alice@querygate.test', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
    assert.deepEqual((await login(byUidOrMail, 'carol', 'carol-pw')).groups, ['admins']);
    // A filter that is not specific enough must not pick "the first" entry.
    const ambiguous = new LdapAuthenticator(searchThenBind({ userFilter: '(|(uid=${USER})(objectClass=inetOrgPerson))' }));
    const err = await invalid(login(ambiguous, 'alice', 'alice-pw'));
    assert.match((err.cause as Error).message, /more than one entry/);
  });

  test('the principal carries the name as the client gave it', async () => {
    const auth = new LdapAuthenticator(searchThenBind({ groups: memberOf }));
    // uid matching is case-insensitive on the server; the name is not rewritten to the entry's.
    assert.deepEqual(await login(auth, 'ALICE', 'alice-pw'), { user: 'ALICE', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
  });

  test('wrong password and unknown user get the same refusal, in both modes', async () => {
    for (const options of [bindPattern({ groups: memberOf }), searchThenBind({ groups: groupSearch })]) {
      const auth = new LdapAuthenticator(options);
      const wrong = await invalid(login(auth, 'alice', 'bob-pw'));
      const unknown = await invalid(login(auth, 'mallory', 'alice-pw'));
      assert.equal(wrong.message, unknown.message);
      await invalid(login(auth, 'alice', 'alice-pw '));
      await invalid(login(auth, 'bob', 'alice-pw'));
    }
  });

  test('an empty password is refused without asking the server', async () => {
    // OpenLDAP itself answers such an "unauthenticated bind" with unwillingToPerform, but many
    // servers answer success: the authenticator must never send it.
    for (const options of [bindPattern(), searchThenBind()]) {
      await invalid(login(new LdapAuthenticator(options), 'alice', ''));
      await invalid(login(new LdapAuthenticator(options), '', 'alice-pw'));
    }
    const silent = await silentServer();
    try {
      const auth = new LdapAuthenticator(bindPattern({ url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 2000 }));
      const started = Date.now();
      await invalid(login(auth, 'alice', ''));
      await invalid(login(auth, 'carol', ''));
      assert.ok(Date.now() - started < 200, 'answered without any network round trip');
      assert.equal(silent.accepted(), 0, 'no connection was made');
    } finally {
      await silent.close();
    }
  });

  test('names that the directory would match to another user are refused before asking it', async () => {
    // LDAP matching ignores leading/trailing spaces: " alice" would bind as alice under another name.
    const silent = await silentServer();
    try {
      for (const options of [bindPattern(), searchThenBind(), bindPattern({ url: `ldap://127.0.0.1:${silent.port}` })]) {
        const auth = new LdapAuthenticator(options);
        for (const name of [' alice', 'alice ', 'alice\t', '\nalice', 'alice\0', 'ali\u0085ce', 'x'.repeat(513)]) {
          await invalid(login(auth, name, 'alice-pw'));
        }
      }
      assert.equal(silent.accepted(), 0);
    } finally {
      await silent.close();
    }
  });

  test('user names that try to inject into the filter or the DN are refused', async () => {
    // Without escaping, the filter (uid=al*) finds exactly alice: an attacker knowing alice's
    // password could log in as "al*". Check that the directory really behaves so…
    const raw = new Client({ url: LDAP_URL, timeout: 3000 });
    try {
      await raw.bind(SVC_DN, 'svc-pw');
      const { searchEntries } = await raw.search(PEOPLE, { filter: '(uid=al*)', attributes: ['uid'] });
      assert.deepEqual(
        searchEntries.map((e) => e.dn),
        [`uid=alice,${PEOPLE}`],
      );
    } finally {
      await raw.unbind();
    }
    // …and that escaped names do not get in.
    const names = ['alice)(uid=*', '*', 'al*', '*ice', 'alice,ou=x', `alice,${PEOPLE}`, 'uid=alice', 'alice\\', 'alice)', '(alice', 'alice+cn=x', '#alice', 'alice;x', 'alice"', 'a\\6cice'];
    for (const options of [bindPattern({ groups: groupSearch }), searchThenBind({ groups: groupSearch }), searchThenBind({ groups: memberOf })]) {
      const auth = new LdapAuthenticator(options);
      for (const name of names) {
        const err = await invalid(login(auth, name, 'alice-pw'));
        assert.ok(err instanceof AuthenticationError, name);
      }
      await invalid(login(auth, 'svc-gateway)(|(uid=*', 'svc-pw'));
    }
  });

  test('ldaps:// and StartTLS with the test CA', async () => {
    const ldaps = new LdapAuthenticator(searchThenBind({ url: LDAPS_URL, caFile, groups: groupSearch }));
    assert.deepEqual(await login(ldaps, 'alice', 'alice-pw'), { user: 'alice', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
    await invalid(login(ldaps, 'alice', 'wrong'));
    const byName = new LdapAuthenticator(bindPattern({ url: `ldaps://localhost:${TLS_PORT}`, caFile, groups: memberOf }));
    assert.deepEqual((await login(byName, 'carol', 'carol-pw')).groups, ['admins']);
    const startTls = new LdapAuthenticator(bindPattern({ startTls: true, caFile, groups: memberOf }));
    assert.deepEqual(await login(startTls, 'alice', 'alice-pw'), { user: 'alice', groups: ['analysts', 'pii'], authenticatedBy: 'ldap' });
    await invalid(login(startTls, 'alice', 'wrong'));
    const startTlsSearch = new LdapAuthenticator(searchThenBind({ startTls: true, caFile, groups: groupSearch }));
    assert.deepEqual((await login(startTlsSearch, 'bob', 'bob-pw')).groups, ['analysts']);
  });

  test('ldaps:// and StartTLS without the test CA fail as unavailable', async () => {
    for (const options of [bindPattern({ url: LDAPS_URL }), bindPattern({ startTls: true }), searchThenBind({ url: LDAPS_URL })]) {
      const err = await unavailable(login(new LdapAuthenticator(options), 'alice', 'alice-pw'));
      assert.match(String((err.cause as Error).message), /certificate/i);
    }
  });

  test('a service account that cannot bind makes the authenticator unavailable, not permissive', async () => {
    const auth = new LdapAuthenticator(searchThenBind({ bindPassword: 'not-the-svc-pw' }));
    const err = await unavailable(login(auth, 'alice', 'alice-pw'));
    assert.match((err.cause as Error).message, /service account bind: LDAP result 49/);
  });

  test('no password appears in errors', async () => {
    const secret = 'S3cr3t-P4ss)(*';
    const failures = [
      () => login(new LdapAuthenticator(bindPattern()), 'alice', secret),
      () => login(new LdapAuthenticator(searchThenBind()), secret, secret),
      () => login(new LdapAuthenticator(bindPattern({ url: LDAPS_URL })), 'alice', secret),
      () => login(new LdapAuthenticator(searchThenBind({ bindPassword: secret })), 'alice', 'alice-pw'),
    ];
    for (const attempt of failures) {
      const err = (await attempt().then(
        () => assert.fail('should not succeed'),
        (e: unknown) => e,
      )) as AuthenticationError;
      const text = `${err.message} ${String((err.cause as Error | undefined)?.message)} ${err.stack ?? ''}`;
      assert.ok(!text.includes(secret), text);
      assert.ok(!text.includes('alice-pw'), text);
    }
  });

  test('concurrent authentications each use and close their own connection', async () => {
    const auth = new LdapAuthenticator(searchThenBind({ groups: groupSearch }));
    await login(auth, 'alice', 'alice-pw');
    await new Promise((r) => setTimeout(r, 20));
    const baseline = socketHandles();
    const users = ['alice', 'bob', 'carol'];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const u = users[i % 3]!;
        return i % 5 === 4 ? invalid(login(auth, u, 'nope')).then(() => null) : login(auth, u, `${u}-pw`);
      }),
    );
    for (const [i, r] of results.entries()) {
      if (r !== null) assert.equal(r.user, users[i % 3]);
    }
    assert.ok(await waitFor(() => socketHandles() <= baseline, 2000), `sockets left open: ${socketHandles()} > ${baseline}`);
  });
});

describe('unreachable and silent servers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(async () => {
    await silent.close();
  });

  test('a closed port is unavailable at once', async () => {
    const port = await closedPort();
    for (const url of [`ldap://127.0.0.1:${port}`, `ldaps://127.0.0.1:${port}`]) {
      const started = Date.now();
      const err = await unavailable(login(new LdapAuthenticator(bindPattern({ url, ...(url.startsWith('ldaps') ? { caFile } : {}) })), 'alice', 'alice-pw'));
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      assert.match((err.cause as Error).message, /ECONNREFUSED/);
    }
    await unavailable(login(new LdapAuthenticator(searchThenBind({ url: `ldap://127.0.0.1:${port}` })), 'alice', 'alice-pw'));
  });

  test('a server that accepts but never answers is unavailable within the timeout, and the socket is closed', async () => {
    const cases: Array<[string, Partial<LdapAuthenticatorOptions>]> = [
      ['plain bind', { url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 400 }],
      ['StartTLS', { url: `ldap://127.0.0.1:${silent.port}`, startTls: true, caFile, timeoutMs: 400 }],
      ['ldaps handshake', { url: `ldaps://127.0.0.1:${silent.port}`, caFile, timeoutMs: 1000, connectTimeoutMs: 300 }],
    ];
    for (const [label, extra] of cases) {
      const before = silent.accepted();
      const budget = extra.connectTimeoutMs ?? extra.timeoutMs!;
      const started = Date.now();
      await unavailable(login(new LdapAuthenticator(bindPattern(extra)), 'alice', 'alice-pw'));
      const took = Date.now() - started;
      assert.ok(took >= budget - 50 && took < budget + 600, `${label}: took ${took} ms for a ${budget} ms budget`);
      assert.equal(silent.accepted(), before + 1, `${label}: one connection`);
      assert.ok(await waitFor(() => silent.open() === 0, 1000), `${label}: the client closed its connection`);
    }
    const started = Date.now();
    await unavailable(login(new LdapAuthenticator(searchThenBind({ url: `ldap://127.0.0.1:${silent.port}`, timeoutMs: 300 })), 'alice', 'alice-pw'));
    assert.ok(Date.now() - started < 900);
  });
});
