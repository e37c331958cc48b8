/**
 * LDAP authentication: a user name and password from HTTP basic authentication are checked with
 * an LDAP simple bind, either directly as a DN built from a pattern, or as the entry found by a
 * search made with a service account. Group names come from a search of group entries or from
 * the user's memberOf values.
 *
 * Every authentication opens its own connection (plain, ldaps:// or upgraded with StartTLS),
 * runs within one deadline, and closes the connection whatever happens. A refusal (wrong
 * password, unknown user) and a failure to decide (server unreachable, timeout, TLS failure,
 * unexpected answer) are both AuthenticationErrors, so nobody gets in when the directory cannot
 * be asked. Error messages never carry the password; details for operators are in `cause`.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Client, FilterParser, ResultCodeError, type Entry } from 'ldapts';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.js';

export type LdapGroupsOptions =
  | {
      /** Search group entries: `filter` may use `${USER}` (the login name) and `${USER_DN}` (the user's DN). */
      mode: 'search';
      baseDn: string;
      filter: string;
      /** The attribute holding the group name (default `cn`). */
      nameAttribute?: string;
    }
  | {
      /** Read group DNs from an attribute of the user's entry (OpenLDAP's memberof overlay, Active Directory). */
      mode: 'memberOf';
      /** Default `memberOf`. */
      attribute?: string;
      /** The RDN attribute of each group DN whose value is the group name (default `cn`). */
      nameAttribute?: string;
    };

export interface LdapAuthenticatorOptions {
  /** `ldap://host[:port]` or `ldaps://host[:port]`. */
  url: string;
  /** Upgrade an ldap:// connection with StartTLS before anything is sent. */
  startTls?: boolean;
  /** PEM file of the CAs trusted for ldaps:// and StartTLS (instead of the system store); read once here. */
  caFile?: string;
  /** Bind directly as the user: `uid=${USER},ou=people,dc=example,dc=com` (the name is escaped as a DN value). */
  userBindPattern?: string;
  /** Or search-then-bind: the service account… */
  bindDn?: string;
  bindPassword?: string;
  /** …searches this subtree with this filter (`(uid=${USER})`, the name escaped as a filter value). */
  userBaseDn?: string;
  userFilter?: string;
  groups?: LdapGroupsOptions;
  /** LDAP attribute of the user's entry → principal attribute key, for tag grants (read with the same rights as memberOf). */
  attributes?: Record<string, string>;
  /** Upper bound for one whole authentication (connect, TLS, binds, searches); default 5000 ms. */
  timeoutMs?: number;
  /** Upper bound for the TCP connect plus TLS handshake; default min(3000, timeoutMs). */
  connectTimeoutMs?: number;
}

const INVALID = 'Invalid credentials';
const UNAVAILABLE = 'LDAP server unavailable';

/** Longest user name and password passed to the server; anything longer is refused outright. */
const MAX_USER_LENGTH = 512;
const MAX_PASSWORD_LENGTH = 4096;

/**
 * LDAP result codes that, on the user's own bind, mean "these credentials do not get in":
 * invalidCredentials (49), noSuchObject (32), invalidDNSyntax (34), inappropriateAuthentication
 * (48) and unwillingToPerform (53, e.g. OpenLDAP's refusal of unauthenticated binds). Anything
 * else (busy, unavailable, confidentialityRequired, …) means the server could not decide.
 */
const REFUSAL_CODES = new Set([49, 32, 34, 48, 53]);

type Mode =
  | { kind: 'bind'; pattern: string }
  | { kind: 'search'; bindDn: string; bindPassword: string; baseDn: string; filter: string };

type Groups =
  | { kind: 'none' }
  | { kind: 'search'; baseDn: string; filter: string; nameAttribute: string }
  | { kind: 'memberOf'; attribute: string; nameAttribute: string };

export class LdapAuthenticator implements Authenticator {
  readonly name = 'ldap';
  readonly accepts = 'basic' as const;

  private readonly url: string;
  private readonly host: string;
  private readonly secure: boolean;
  private readonly startTls: boolean;
  private readonly tlsOptions: tls.ConnectionOptions;
  private readonly mode: Mode;
  private readonly groups: Groups;
  private readonly attributeMap: ReadonlyArray<[ldapAttribute: string, key: string]>;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;

  constructor(options: LdapAuthenticatorOptions) {
    const where = 'ldap authenticator';
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error(`${where}: url must be ldap://host[:port] or ldaps://host[:port]`);
    }
    if (
      (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') ||
      !parsed.hostname ||
      (parsed.pathname !== '' && parsed.pathname !== '/') ||
      parsed.search ||
      parsed.hash ||
      parsed.username ||
      parsed.password
    ) {
      throw new Error(`${where}: url must be ldap://host[:port] or ldaps://host[:port] (no DN, query or credentials)`);
    }
    this.secure = parsed.protocol === 'ldaps:';
    this.url = `${parsed.protocol}//${parsed.host}`;
    this.host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
    this.startTls = options.startTls === true;
    if (this.startTls && this.secure) throw new Error(`${where}: startTls is for ldap:// URLs; ldaps:// is already TLS`);

    this.tlsOptions = { minVersion: 'TLSv1.2', host: this.host };
    if (net.isIP(this.host) === 0) this.tlsOptions.servername = this.host;
    if (options.caFile !== undefined) {
      if (!this.secure && !this.startTls) {
        throw new Error(`${where}: caFile is only used with ldaps:// or startTls, and this connection would be plain ldap://`);
      }
      let ca: Buffer;
      try {
        ca = readFileSync(options.caFile);
      } catch (err) {
        throw new Error(`${where}: cannot read caFile ${options.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (!ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`${where}: caFile ${options.caFile} holds no PEM certificate`);
      }
      this.tlsOptions.ca = ca;
    }

    const searchKeys = (['bindDn', 'bindPassword', 'userBaseDn', 'userFilter'] as const).filter((k) => options[k] !== undefined);
    if (options.userBindPattern !== undefined) {
      if (searchKeys.length > 0) {
        throw new Error(`${where}: give either userBindPattern, or bindDn + bindPassword + userBaseDn + userFilter, not both (found ${searchKeys.join(', ')})`);
      }
      checkTemplate(where, 'userBindPattern', options.userBindPattern, ['USER'], 'USER');
      this.mode = { kind: 'bind', pattern: options.userBindPattern };
    } else {
      const missing = (['bindDn', 'bindPassword', 'userBaseDn', 'userFilter'] as const).filter((k) => !options[k]);
      if (missing.length > 0) {
        throw new Error(`${where}: give either userBindPattern, or bindDn + bindPassword + userBaseDn + userFilter (missing or empty: ${missing.join(', ')})`);
      }
      const { bindDn, bindPassword, userBaseDn, userFilter } = options as Required<LdapAuthenticatorOptions>;
      checkDn(where, 'bindDn', bindDn);
      checkDn(where, 'userBaseDn', userBaseDn);
      checkTemplate(where, 'userFilter', userFilter, ['USER'], 'USER');
      checkFilter(where, 'userFilter', userFilter);
      this.mode = { kind: 'search', bindDn, bindPassword, baseDn: userBaseDn, filter: userFilter };
    }

    const g = options.groups;
    if (g === undefined) {
      this.groups = { kind: 'none' };
    } else if (g.mode === 'search') {
      if (!g.baseDn) throw new Error(`${where}: groups.baseDn is required for groups.mode 'search'`);
      if (!g.filter) throw new Error(`${where}: groups.filter is required for groups.mode 'search'`);
      checkDn(where, 'groups.baseDn', g.baseDn);
      checkTemplate(where, 'groups.filter', g.filter, ['USER', 'USER_DN']);
      checkFilter(where, 'groups.filter', g.filter);
      this.groups = { kind: 'search', baseDn: g.baseDn, filter: g.filter, nameAttribute: checkAttribute(where, 'groups.nameAttribute', g.nameAttribute ?? 'cn') };
    } else if (g.mode === 'memberOf') {
      this.groups = {
        kind: 'memberOf',
        attribute: checkAttribute(where, 'groups.attribute', g.attribute ?? 'memberOf'),
        nameAttribute: checkAttribute(where, 'groups.nameAttribute', g.nameAttribute ?? 'cn'),
      };
    } else {
      throw new Error(`${where}: groups.mode must be 'search' or 'memberOf'`);
    }

    this.attributeMap = Object.entries(options.attributes ?? {}).map(([attribute, key]) => [checkAttribute(where, `attributes.${attribute}`, attribute), key]);
    this.timeoutMs = checkMillis(where, 'timeoutMs', options.timeoutMs ?? 5_000);
    this.connectTimeoutMs = Math.min(this.timeoutMs, checkMillis(where, 'connectTimeoutMs', options.connectTimeoutMs ?? 3_000));
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.kind !== 'basic') throw new AuthenticationError(INVALID);
    const { user, password } = credentials;
    // An LDAP simple bind with a DN and an empty password is an "unauthenticated bind", which
    // many servers answer with success: never let such a request reach the server.
    if (typeof user !== 'string' || typeof password !== 'string' || user.length === 0 || password.length === 0) {
      throw failure(INVALID, false, 'empty user name or password');
    }
    if (user.length > MAX_USER_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw failure(INVALID, false, 'user name or password too long');
    }
    // LDAP matching ignores leading and trailing spaces (" alice" finds alice), so such a name
    // would log in as someone else under a different principal name; control characters have no
    // business in a user name either.
    if (/^\s|\s$|[\u0000-\u001f\u007f-\u009f]/u.test(user)) {
      throw failure(INVALID, false, 'user name with surrounding spaces or control characters');
    }
    const { groups, attributes } = await this.withConnection((client) => this.run(client, user, password));
    return { user, groups, authenticatedBy: 'ldap', ...(attributes ? { attributes } : {}) };
  }

  async close(): Promise<void> {
    // No pooled connections: each authentication closes its own.
  }

  /** The steps of one authentication on an open client; resolves to the group names and the mapped attributes. */
  private async run(client: Client, user: string, password: string): Promise<{ groups: string[]; attributes?: Record<string, string[]> }> {
    if (this.startTls) {
      await step('StartTLS', () => client.startTLS({ ...this.tlsOptions }));
    }
    let userDn: string;
    let memberOfValues: string[] = [];
    let userEntry: Entry | undefined;
    const mode = this.mode;
    const groups = this.groups;
    // What to read from the user's entry: memberOf and the mapped attributes.
    const entryAttributes = [...(groups.kind === 'memberOf' ? [groups.attribute] : []), ...this.attributeMap.map(([attribute]) => attribute)];
    if (mode.kind === 'bind') {
      const dn = fillTemplate(mode.pattern, { USER: escapeDnValue(user) });
      userDn = dn;
      await this.bindUser(client, dn, password);
      if (entryAttributes.length > 0) {
        // Read as the user: a user may read their own entry.
        const result = await step('reading the user entry', () => client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: entryAttributes, derefAliases: 'never' }));
        userEntry = result.searchEntries.length === 1 ? result.searchEntries[0] : undefined;
        if (groups.kind === 'memberOf' && userEntry) memberOfValues = attributeValues(userEntry, groups.attribute);
      }
    } else {
      await step('service account bind', () => client.bind(mode.bindDn, mode.bindPassword));
      const attributes = entryAttributes.length > 0 ? entryAttributes : ['1.1'];
      const filter = fillTemplate(mode.filter, { USER: escapeFilterValue(user) });
      const found = await step('user search', () =>
        client.search(mode.baseDn, { scope: 'sub', filter, attributes, sizeLimit: 2, derefAliases: 'never' }),
      );
      if (found.searchEntries.length !== 1) {
        throw failure(INVALID, false, found.searchEntries.length === 0 ? 'no entry matches the user filter' : 'more than one entry matches the user filter');
      }
      const entry = found.searchEntries[0]!;
      userEntry = entry;
      userDn = entry.dn;
      await this.bindUser(client, userDn, password);
      if (groups.kind === 'memberOf') memberOfValues = attributeValues(entry, groups.attribute);
      if (groups.kind === 'search') {
        // Search the groups with the service account's rights, not the user's.
        await step('service account bind', () => client.bind(mode.bindDn, mode.bindPassword));
      }
    }

    const names: string[] = [];
    if (groups.kind === 'memberOf') {
      for (const dn of memberOfValues) {
        const name = rdnValue(dn, groups.nameAttribute);
        if (name) names.push(name);
      }
    } else if (groups.kind === 'search') {
      const g = groups;
      const filter = fillTemplate(g.filter, { USER: escapeFilterValue(user), USER_DN: escapeFilterValue(userDn) });
      const result = await step('group search', () => client.search(g.baseDn, { scope: 'sub', filter, attributes: [g.nameAttribute], derefAliases: 'never' }));
      for (const entry of result.searchEntries) names.push(...attributeValues(entry, g.nameAttribute).filter((n) => n.length > 0));
    }
    return { groups: [...new Set(names)].sort(), ...(this.attributeMap.length > 0 ? { attributes: this.mappedAttributes(userEntry) } : {}) };
  }

  private mappedAttributes(entry: Entry | undefined): Record<string, string[]> {
    const attributes: Record<string, string[]> = {};
    for (const [attribute, key] of this.attributeMap) {
      const values = entry ? attributeValues(entry, attribute).filter((v) => v.length > 0) : [];
      if (values.length > 0) attributes[key] = [...(attributes[key] ?? []), ...values];
    }
    return attributes;
  }

  private async bindUser(client: Client, dn: string, password: string): Promise<void> {
    try {
      await client.bind(dn, password);
    } catch (err) {
      if (err instanceof ResultCodeError && REFUSAL_CODES.has(err.code)) throw failure(INVALID, false, `user bind refused (LDAP result ${err.code})`);
      throw unavailable('user bind', err);
    }
  }

  /**
   * Opens a client, runs `work` within the deadline, and always closes the connection. Every
   * socket the client creates is tracked, so that a deadline can end even a TLS handshake that
   * the client itself does not time out (the StartTLS upgrade).
   */
  private async withConnection<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const sockets: net.Socket[] = [];
    const track = <S extends net.Socket>(socket: S): S => {
      sockets.push(socket);
      return socket;
    };
    const client = new Client({
      url: this.url,
      timeout: this.timeoutMs,
      connectTimeout: this.connectTimeoutMs,
      // Only for ldaps://: ldapts treats any tlsOptions as "connect with TLS", even for ldap://.
      ...(this.secure ? { tlsOptions: { ...this.tlsOptions } } : {}),
      createConnection: ((...args: unknown[]) => track((net.connect as (...a: unknown[]) => net.Socket)(...args))) as unknown as typeof net.connect,
      createSecureConnection: ((...args: unknown[]) => track((tls.connect as (...a: unknown[]) => tls.TLSSocket)(...args))) as unknown as typeof tls.connect,
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(failure(UNAVAILABLE, true, `no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([work(client), deadline]);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      throw unavailable('connection', err);
    } finally {
      clearTimeout(timer);
      await closeClient(client, sockets);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

function failure(message: string, isUnavailable: boolean, detail: string): AuthenticationError {
  const err = new AuthenticationError(message, isUnavailable);
  err.cause = new Error(detail);
  return err;
}

/** "Could not decide": the server is unreachable, timed out, failed TLS or answered unexpectedly. */
function unavailable(phase: string, err: unknown): AuthenticationError {
  if (err instanceof AuthenticationError) return err;
  let detail: string;
  if (err instanceof ResultCodeError) detail = `LDAP result ${err.code} (${err.name})`;
  else if (err instanceof Error) detail = [(err as NodeJS.ErrnoException).code, firstLine(err.message)].filter(Boolean).join(': ');
  else detail = 'unknown error';
  return failure(UNAVAILABLE, true, `${phase}: ${detail}`);
}

/** Runs one step that, if it fails, means the server could not decide. */
async function step<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unavailable(phase, err);
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function closeClient(client: Client, sockets: net.Socket[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // A polite unbind when the connection is up; never wait for it long.
    await Promise.race([
      client.unbind().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 250);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Templates, escaping and DN parsing

const PLACEHOLDER = /\$\{([A-Za-z_]+)\}/g;

/** Replaces `${NAME}` in one pass, so that a substituted value is never scanned again. */
function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

function checkTemplate(where: string, option: string, template: string, allowed: string[], required?: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(match[1]!)) {
      throw new Error(`${where}: ${option} uses unknown placeholder \${${match[1]}} (allowed: ${allowed.map((a) => `\${${a}}`).join(', ')})`);
    }
  }
  if (required !== undefined && !template.includes(`\${${required}}`)) throw new Error(`${where}: ${option} must contain \${${required}}`);
}

function checkFilter(where: string, option: string, template: string): void {
  const sample = fillTemplate(template, { USER: 'sample', USER_DN: 'cn=sample' });
  try {
    FilterParser.parseString(sample);
  } catch {
    throw new Error(`${where}: ${option} is not a valid LDAP filter: ${template}`);
  }
}

function checkDn(where: string, option: string, dn: string): void {
  try {
    if (parseDn(dn).length === 0) throw new Error('empty');
  } catch {
    throw new Error(`${where}: ${option} is not a valid DN: ${dn}`);
  }
}

function checkAttribute(where: string, option: string, name: string): string {
  if (!/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/.test(name)) throw new Error(`${where}: ${option} is not an attribute name: ${name}`);
  return name;
}

function checkMillis(where: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 600_000) throw new Error(`${where}: ${option} must be a number of milliseconds between 1 and 600000`);
  return Math.ceil(value);
}

const hex2 = (code: number): string => code.toString(16).padStart(2, '0');

/**
 * Escapes a string for use as an attribute value in a DN (RFC 4514 section 2.4): the special
 * characters `" + , ; < > \` (and `=`) get a backslash, a leading space or `#` and a trailing
 * space too, and control characters become `\XX`.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = ch.charCodeAt(0);
    if ('"+,;<>\\='.includes(ch)) out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${hex2(code)}`;
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === value.length - 1 && ch === ' ')) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/**
 * Escapes a string for use as an assertion value in a search filter (RFC 4515 section 3):
 * `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c` and `\00`.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (ch) => `\\${hex2(ch.charCodeAt(0))}`);
}

export interface DnAttribute {
  type: string;
  value: string;
  /** True when the value was written as `#` and hex digits (a BER encoding, kept as written). */
  ber?: true;
}

/**
 * Parses a DN string (RFC 4514) into its RDNs, leftmost first, each a list of attribute/value
 * pairs with escapes resolved (`\,`, `\2C`, UTF-8 byte escapes). A `#hex` (BER) value is kept as
 * written. Throws on malformed input.
 */
export function parseDn(dn: string): DnAttribute[][] {
  const rdns: DnAttribute[][] = [];
  if (dn.trim() === '') return rdns;
  let rdn: DnAttribute[] = [];
  let i = 0;
  const n = dn.length;
  const isSpace = (c: string | undefined): boolean => c === ' ';
  for (;;) {
    while (isSpace(dn[i])) i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new Error('attribute type without "="');
    const type = dn.slice(i, eq).trim();
    if (!/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/.test(type)) throw new Error('invalid attribute type');
    i = eq + 1;
    while (isSpace(dn[i])) i++;
    let value: string;
    let ber = false;
    if (dn[i] === '#') {
      ber = true;
      const start = i;
      i++;
      while (i < n && /[0-9A-Fa-f]/.test(dn[i]!)) i++;
      value = dn.slice(start, i);
      while (isSpace(dn[i])) i++;
    } else {
      const bytes: number[] = [];
      let trailingSpaces = 0; // unescaped spaces at the end are not part of the value
      while (i < n && dn[i] !== ',' && dn[i] !== ';' && dn[i] !== '+') {
        const ch = dn[i]!;
        if (ch === '\\') {
          const next = dn.slice(i + 1, i + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(next)) {
            bytes.push(Number.parseInt(next, 16));
            i += 3;
          } else if (i + 1 < n) {
            bytes.push(...Buffer.from(dn[i + 1]!, 'utf8'));
            i += 2;
          } else {
            throw new Error('dangling escape');
          }
          trailingSpaces = 0;
        } else {
          const cp = dn.codePointAt(i)!;
          const text = String.fromCodePoint(cp);
          bytes.push(...Buffer.from(text, 'utf8'));
          trailingSpaces = ch === ' ' ? trailingSpaces + 1 : 0;
          i += text.length;
        }
      }
      value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
    }
    rdn.push(ber ? { type, value, ber } : { type, value });
    if (i >= n) break;
    if (dn[i] === '+') {
      i++;
      continue;
    }
    rdns.push(rdn);
    rdn = [];
    i++; // ',' or ';'
  }
  rdns.push(rdn);
  return rdns;
}

/** The value of the leftmost `attribute=` in a DN (case-insensitive type), or undefined. */
function rdnValue(dn: string, attribute: string): string | undefined {
  let rdns: DnAttribute[][];
  try {
    rdns = parseDn(dn);
  } catch {
    return undefined;
  }
  const wanted = attribute.toLowerCase();
  for (const rdn of rdns) {
    for (const ava of rdn) if (ava.type.toLowerCase() === wanted && !ava.ber) return ava.value;
  }
  return undefined;
}

/** The string values of an attribute of a search entry (attribute names are case-insensitive). */
function attributeValues(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn' || key.toLowerCase() !== wanted) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  }
  return [];
}
