/**
 * Turns a request into an identity: the authenticated principal (with groups) and the session
 * user it acts as. It follows Trino's rules:
 *  - no authenticator configured: the user header is trusted (a Basic header without password
 *    also names the user; one with a password is refused);
 *  - authenticators configured: over HTTPS (or HTTP marked https by a trusted load balancer)
 *    they are tried in order; over plain HTTP the request is refused, unless the operator allows
 *    insecure HTTP, in which case HTTP requests get the no-authenticator behaviour;
 *  - a session user other than the principal is impersonation, allowed only by the rules file.
 * Successful authentications are cached briefly by a hash of the credentials; failures are
 * throttled per user name and client address, and per client address (see authenticate).
 */
import { createHash } from 'node:crypto';
import type { ClientRequest } from '../http1/exchange.js';
import type { ReloadingFile } from '../config/reloading-file.js';
import { HttpFailure } from '../protocol/errors.js';
import { headerName, type Dialect } from '../protocol/session.js';
import { checkImpersonation, type AccessRules } from '../policy/rules-file.js';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.js';
import type { GroupFile } from './group-file.js';
import { LocalLoginThrottle, type LoginThrottle } from './login-throttle.js';

export interface Identity {
  principal: Principal;
  /** The user the query runs as (the principal unless it impersonates someone). */
  user: string;
  /**
   * The groups of `user`, as Trino's group provider gives them for the session user: the
   * principal's when it acts as itself, else the group file's for the impersonated user.
   */
  groups: string[];
}

export interface IdentityOptions {
  authenticators: Authenticator[];
  groupFile?: GroupFile;
  rules?: ReloadingFile<AccessRules>;
  cacheTtlMs: number;
  maxFailures: number;
  maxFailuresPerClient: number;
  failureWindowMs: number;
  /** Where the failure counters are kept: this instance's own unless shared (the host's workers share the primary's). */
  throttle?: LoginThrottle;
  allowInsecureOverHttp: boolean;
  trustForwardedProto: boolean;
  onEvent?: (event: AuthenticationEvent) => void;
  onCacheLookup?: (hit: boolean) => void;
  /** Every impersonation decided (a user acting as another), allowed or not. */
  onImpersonation?: (from: string, to: string, allowed: boolean, rule: number | undefined) => void;
}

/**
 * `trusted-user`: no authenticator applies (none configured, or insecure HTTP allowed), a user
 * name is taken as is; `refused`: credentials may not travel over this plain-HTTP connection.
 */
export type LoginMode = 'trusted-user' | 'password' | 'token' | 'password-or-token' | 'refused';

export interface AuthenticationEvent {
  outcome: 'success' | 'failure' | 'throttled';
  /** Time spent deciding. */
  seconds: number;
  user?: string;
  authenticator?: string;
  client: string;
  reason?: string;
}

const MAX_CACHE_ENTRIES = 10_000;
/** Distinct credential checks one client address may have under way at once. */
const MAX_CHECKS_IN_FLIGHT_PER_CLIENT = 8;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * A refused impersonation. A new statement answers it as Trino does, as a query that fails
 * with PERMISSION_DENIED; elsewhere (follow-ups, the admin API) it stays an HTTP 403.
 */
export class ImpersonationDenied extends HttpFailure {
  constructor(from: string, to: string) {
    super(403, `Access Denied: User ${from} cannot impersonate user ${to}`);
    this.name = 'ImpersonationDenied';
  }
}

export class IdentityResolver {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly throttle: LoginThrottle;
  /** Checks under way, by credential hash, and how many distinct ones per client address. */
  private readonly checking = new Map<string, Promise<Principal>>();
  private readonly checksInFlight = new Map<string, number>();
  private readonly challenges: string;

  constructor(private readonly options: IdentityOptions) {
    this.throttle = options.throttle ?? new LocalLoginThrottle(options);
    const kinds = new Set(options.authenticators.map((a) => a.accepts));
    const list: string[] = [];
    if (kinds.has('basic') || kinds.size === 0) list.push('Basic realm="Trino"');
    if (kinds.has('bearer')) list.push('Bearer realm="Trino", token_type="JWT"');
    this.challenges = list.join(', ');
  }

  get authenticationEnabled(): boolean {
    return this.options.authenticators.length > 0;
  }

  /** Over TLS, directly or (when trusted) through a load balancer that says so. */
  isSecure(req: ClientRequest, tls: boolean): boolean {
    return tls || (this.options.trustForwardedProto && forwardedProto(req) === 'https');
  }

  async resolve(req: ClientRequest, dialect: Dialect, tls: boolean): Promise<Identity> {
    const secure = this.isSecure(req, tls);
    let principal: Principal;
    if (!this.authenticationEnabled || !secure) {
      if (this.authenticationEnabled && !this.options.allowInsecureOverHttp) throw new HttpFailure(403, 'Authentication over HTTP is not enabled');
      // As Trino's insecure authentication: the original user (Basic, else X-Trino-Original-User,
      // else X-Trino-User) is who asks, and acting as X-Trino-User is an impersonation it checks.
      principal = this.withGroups(this.insecurePrincipal(req, dialect));
      return this.identity(principal, this.sessionUser(req, dialect, principal));
    }
    const credentials = parseAuthorization(req.headers.authorization, this.challenges);
    principal = this.withGroups(await this.authenticate(credentials, req.socket.remoteAddress ?? 'unknown'));
    return this.identity(principal, this.sessionUser(req, dialect, principal));
  }

  /** How the web UI's login form works for a request arriving over TLS (or not). */
  loginMode(secure: boolean): LoginMode {
    if (!this.authenticationEnabled) return 'trusted-user';
    if (!secure) return this.options.allowInsecureOverHttp ? 'trusted-user' : 'refused';
    const kinds = new Set(this.options.authenticators.map((a) => a.accepts));
    return kinds.has('basic') && kinds.has('bearer') ? 'password-or-token' : kinds.has('basic') ? 'password' : 'token';
  }

  /**
   * The web UI's login: the same authenticators, throttling and over-HTTP rules as a query's
   * Authorization header, with the credentials taken from the login form instead.
   */
  async login(credentials: Credentials, client: string, secure: boolean): Promise<Principal> {
    const mode = this.loginMode(secure);
    if (mode === 'refused') throw new HttpFailure(403, 'Authentication over HTTP is not enabled: use the gateway\'s HTTPS address');
    if (mode === 'trusted-user') {
      // As with a Basic header and no authenticator: a name is trusted, a password is refused.
      if (credentials.kind !== 'basic' || credentials.password !== '') throw this.unauthorized('This gateway checks no passwords or tokens: sign in with a user name only');
      if (CONTROL_CHARS.test(credentials.user) || credentials.user === '') throw new HttpFailure(400, 'Invalid user name');
      return this.withGroups({ user: credentials.user, groups: [], authenticatedBy: 'none' });
    }
    return this.withGroups(await this.authenticate(credentials, client));
  }

  private async authenticate(credentials: Credentials, client: string): Promise<Principal> {
    const now = Date.now();
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    const hit = cached !== undefined && cached.expiresAt > now;
    this.options.onCacheLookup?.(hit);
    if (hit) return cached.principal;
    // The same credentials already being checked (a client opening many connections at once)
    // share that check's answer: one check, one failure at most.
    const running = this.checking.get(key);
    if (running !== undefined) return running;
    const check = this.check(credentials, client, key, now, seconds);
    this.checking.set(key, check);
    try {
      return await check;
    } finally {
      this.checking.delete(key);
    }
  }

  private async check(credentials: Credentials, client: string, key: string, now: number, seconds: () => number): Promise<Principal> {
    const user = credentials.kind === 'basic' ? credentials.user : undefined;
    const attempt = await this.throttle.begin(user, client);
    if (attempt === undefined) {
      this.emit({ outcome: 'throttled', seconds: seconds(), client, ...(user !== undefined ? { user } : {}) });
      throw this.unauthorized('Too many failed authentication attempts; try again later');
    }
    // One address may not fill the password checks' queue; users known there are exempt.
    const inFlight = this.checksInFlight.get(client) ?? 0;
    if (!attempt.knownPair && inFlight >= MAX_CHECKS_IN_FLIGHT_PER_CLIENT) {
      this.throttle.end(attempt, { failed: false, signedIn: false });
      this.emit({ outcome: 'throttled', seconds: seconds(), client, ...(user !== undefined ? { user } : {}) });
      throw this.unauthorized('Too many authentication attempts in progress from this address; try again later');
    }
    this.checksInFlight.set(client, inFlight + 1);
    const settle = (failed: boolean, signedIn = false) => {
      this.throttle.end(attempt, { failed, signedIn });
      const left = this.checksInFlight.get(client)! - 1;
      if (left === 0) this.checksInFlight.delete(client);
      else this.checksInFlight.set(client, left);
    };

    const reasons: string[] = [];
    // Only refusals count as failures: an authenticator that could not decide (a directory
    // unreachable, password checks saturated) says nothing about the credentials.
    let refused = false;
    for (const authenticator of this.options.authenticators) {
      if (authenticator.accepts !== credentials.kind) continue;
      try {
        const principal = await authenticator.authenticate(credentials);
        if (CONTROL_CHARS.test(principal.user)) throw new AuthenticationError('Invalid user name');
        settle(false, true);
        this.remember(key, principal, now);
        this.emit({ outcome: 'success', seconds: seconds(), user: principal.user, authenticator: authenticator.name, client });
        return principal;
      } catch (err) {
        if (!(err instanceof AuthenticationError && err.unavailable)) refused = true;
        reasons.push(err instanceof AuthenticationError ? err.message : 'Authentication failed');
      }
    }
    settle(refused || reasons.length === 0);
    const reason = reasons.length === 0 ? `No authenticator accepts ${credentials.kind === 'basic' ? 'passwords' : 'bearer tokens'}` : [...new Set(reasons)].join('; ');
    this.emit({ outcome: 'failure', seconds: seconds(), client, reason, ...(user !== undefined ? { user } : {}) });
    throw this.unauthorized(reason);
  }

  /** The session user, checking impersonation (and SET SESSION AUTHORIZATION's original user) against the rules. */
  private sessionUser(req: ClientRequest, dialect: Dialect, principal: Principal): string {
    const requested = firstHeader(req, headerName(dialect, 'User'));
    const original = firstHeader(req, headerName(dialect, 'Original-User'));
    const user = requested ?? principal.user;
    if (CONTROL_CHARS.test(user) || (original !== undefined && CONTROL_CHARS.test(original))) {
      throw new HttpFailure(400, `Invalid ${headerName(dialect, 'User')} header`);
    }
    const acting = original ?? principal.user;
    this.assertMayImpersonate(principal.user, acting);
    this.assertMayImpersonate(acting, user);
    return user;
  }

  private identity(principal: Principal, user: string): Identity {
    return { principal, user, groups: user === principal.user ? principal.groups : (this.options.groupFile?.groupsOf(user) ?? []) };
  }

  private assertMayImpersonate(from: string, to: string): void {
    if (from === to) return;
    const rules = this.options.rules?.value ?? {};
    // Roles are not established by any authenticator yet, so original_role rules cannot match (fail closed).
    const decision = checkImpersonation(rules, from, [], to);
    this.options.onImpersonation?.(from, to, decision.allowed, decision.rule);
    if (!decision.allowed) throw new ImpersonationDenied(from, to);
  }

  private insecurePrincipal(req: ClientRequest, dialect: Dialect): Principal {
    const header = firstHeader(req, headerName(dialect, 'User'));
    let basicUser: string | undefined;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const credentials = parseAuthorization(authorization, this.challenges);
      if (credentials.kind !== 'basic') throw this.unauthorized('Unsupported authentication for insecure authentication');
      if (credentials.password !== '') throw this.unauthorized('Password not allowed for insecure authentication');
      basicUser = credentials.user;
    }
    const user = basicUser ?? firstHeader(req, headerName(dialect, 'Original-User')) ?? header;
    if (user === undefined || user === '') throw this.unauthorized(`Basic authentication or ${headerName(dialect, 'Original-User')} or ${headerName(dialect, 'User')} must be sent`);
    if (CONTROL_CHARS.test(user)) throw new HttpFailure(400, `Invalid ${headerName(dialect, 'User')} header`);
    return { user, groups: [], authenticatedBy: 'none' };
  }

  private withGroups(principal: Principal): Principal {
    const extra = this.options.groupFile?.groupsOf(principal.user) ?? [];
    if (extra.length === 0) return principal;
    return { ...principal, groups: [...new Set([...principal.groups, ...extra])].sort() };
  }

  private remember(key: string, principal: Principal, now: number): void {
    if (this.options.cacheTtlMs <= 0) return;
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      for (const [k, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(k);
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, { principal, expiresAt: now + this.options.cacheTtlMs });
  }

  private unauthorized(message: string): HttpFailure {
    return new HttpFailure(401, message, { 'WWW-Authenticate': this.challenges });
  }

  private emit(event: AuthenticationEvent): void {
    this.options.onEvent?.(event);
  }
}

function parseAuthorization(header: string | undefined, challenges: string): Credentials {
  const unauthorized = (message: string) => new HttpFailure(401, message, { 'WWW-Authenticate': challenges });
  if (header === undefined || header.trim() === '') throw unauthorized('Unauthorized: credentials required');
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const value = space === -1 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw unauthorized('Malformed Basic authorization header');
    const decoded = Buffer.from(value, 'base64').toString('latin1');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthorized('Malformed Basic authorization header');
    return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme === 'bearer') {
    if (!/^[A-Za-z0-9._~+/-]+=*$/.test(value)) throw unauthorized('Malformed Bearer authorization header');
    return { kind: 'bearer', token: value };
  }
  throw unauthorized(`Unsupported authorization scheme '${scheme.replace(/[^a-z0-9-]/g, '')}'`);
}

/** Cache key: a hash of the whole credential, so the plain secret is never kept. */
function cacheKey(credentials: Credentials): string {
  const text = credentials.kind === 'basic' ? `basic\0${credentials.user}\0${credentials.password}` : `bearer\0${credentials.token}`;
  return createHash('sha256').update(text).digest('base64');
}

function forwardedProto(req: ClientRequest): string | undefined {
  const value = req.headers['x-forwarded-proto'];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim().toLowerCase();
}

/**
 * The first line of a header, as Trino reads identity headers (two X-Trino-User lines: the first
 * counts). The front door keeps only the first line of these; node:http joins repeated lines, so
 * for requests it parsed the separate lines are read from headersDistinct.
 */
export function firstHeader(req: ClientRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  const distinct = (req as { headersDistinct?: Record<string, string[] | undefined> }).headersDistinct?.[lower];
  const value = distinct ?? req.headers[lower];
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed === '' ? undefined : trimmed;
}
