/**
 * Signed follow-up tokens. Every nextUri the gateway hands out carries one: it names the backend
 * (and, for pass-through engines, the backend's own follow-up path), the user who started the
 * query and when the token was issued. Any gateway instance holding the same secret can route
 * the follow-up from the token alone, without a shared lookup, and nobody can forge or alter one.
 *
 * Paged tokens (signPaged) leave the page number at the end of a backend path outside the
 * signature: `payload.mac.page`. The signed part then stays the same for every page of a query
 * phase, so it is signed once and verified once per instance (both cached), instead of an HMAC
 * per poll each way. Changing the page gains nothing: the signed part still fixes the backend,
 * the query's path and its user, and the backend answers a page it is not at with 410 as it
 * would to that user directly.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCodes, HttpFailure, QueryFailure } from './errors.js';

export interface FollowUp {
  /** Backend that owns the query. */
  backend: string;
  /** User who started the query; follow-ups by anyone else are refused. */
  user: string;
  /** Seconds since the epoch when the token was issued. */
  issuedAt: number;
  /** Pass-through engines: the backend's own follow-up path and query. Local engines: the page token. */
  target: string;
}

const VERSION = '1';
const PAGED_VERSION = '2';
const SIGNATURE_BYTES = 16;
/** A page number as Trino writes it: no sign, no leading zeros (one spelling per page). */
const PAGE = /^(?:0|[1-9]\d{0,17})$/;
/** Longer tokens are refused before any decoding (a real one is a few hundred characters). */
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Entries per cache (signed prefixes, verified prefixes); the oldest goes first. */
const CACHE_ENTRIES = 10_000;
/** A cached paged signature is reused while it is younger than this (and a tenth of the TTL). */
const REUSE_SECONDS = 60;

interface VerifiedPrefix {
  backend: string;
  user: string;
  issuedAt: number;
  prefix: string;
}

export class QueryTokenSigner {
  private readonly key: Buffer;
  /** backend, user and path prefix -> the signed part of a paged token, with its issue time. */
  private readonly signedPrefixes = new Map<string, { signed: string; issuedAt: number }>();
  /** Signed part of a paged token -> what it says (only ever filled with verified or own tokens). */
  private readonly verifiedPrefixes = new Map<string, VerifiedPrefix>();
  private readonly reuseSeconds: number;

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
  ) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
    this.reuseSeconds = Math.min(REUSE_SECONDS, Math.floor(ttlMs / 10_000));
  }

  sign(followUp: FollowUp): string {
    return this.signFields(VERSION, followUp.backend, followUp.user, followUp.issuedAt, followUp.target);
  }

  /** Like sign, for a target whose last path segment is a page number (see the file comment). */
  signPaged(followUp: FollowUp): string {
    const slash = followUp.target.lastIndexOf('/');
    const page = followUp.target.slice(slash + 1);
    if (slash === -1 || !PAGE.test(page)) return this.sign(followUp);
    const prefix = followUp.target.slice(0, slash);
    const key = `${followUp.backend}\n${followUp.user}\n${prefix}`;
    const cached = this.signedPrefixes.get(key);
    if (cached !== undefined && followUp.issuedAt - cached.issuedAt <= this.reuseSeconds) return `${cached.signed}.${page}`;
    const signed = this.signFields(PAGED_VERSION, followUp.backend, followUp.user, followUp.issuedAt, prefix);
    remember(this.signedPrefixes, key, { signed, issuedAt: followUp.issuedAt });
    remember(this.verifiedPrefixes, signed, { backend: followUp.backend, user: followUp.user, issuedAt: followUp.issuedAt, prefix });
    return `${signed}.${page}`;
  }

  /**
   * Verifies and decodes a token. A malformed or forged token is "not found" (404), an expired
   * one is "gone" (410), as Trino answers for unknown and purged queries.
   */
  verify(token: string, nowMs = Date.now()): FollowUp {
    if (token.length > MAX_TOKEN_LENGTH) throw notIssuedHere();
    const first = token.indexOf('.');
    if (first <= 0) throw notIssuedHere();
    const second = token.indexOf('.', first + 1);
    let followUp: FollowUp;
    if (second === -1) {
      followUp = this.verifyFields(token, VERSION);
    } else {
      const page = token.slice(second + 1);
      if (!PAGE.test(page)) throw notIssuedHere();
      const signed = token.slice(0, second);
      const cached = this.verifiedPrefixes.get(signed);
      const prefix = cached ?? toPrefix(this.verifyFields(signed, PAGED_VERSION));
      followUp = { backend: prefix.backend, user: prefix.user, issuedAt: prefix.issuedAt, target: `${prefix.prefix}/${page}` };
      // Only live tokens are kept; verifyFields accepts one spelling per token, so one entry each.
      if (cached === undefined && !this.expired(followUp, nowMs)) remember(this.verifiedPrefixes, signed, prefix);
    }
    if (this.expired(followUp, nowMs)) {
      throw new HttpFailure(410, 'Query token expired: the query is gone or its client stopped polling');
    }
    return followUp;
  }

  private expired(followUp: FollowUp, nowMs: number): boolean {
    return nowMs - followUp.issuedAt * 1000 > this.ttlMs;
  }

  private signFields(version: string, backend: string, user: string, issuedAt: number, target: string): string {
    const payload = Buffer.from([version, backend, user, issuedAt.toString(36), target].join('\n'), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * Checks `payload.mac` and decodes it; the version must be the one its form implies. Both parts
   * must be canonical base64url (Node's decoder would also take padding, stray characters and
   * other spellings of the last bits), so each token has exactly one accepted spelling.
   */
  private verifyFields(signed: string, version: string): FollowUp {
    const dot = signed.indexOf('.');
    const payload = signed.slice(0, dot);
    const mac = signed.slice(dot + 1);
    if (!BASE64URL.test(payload) || !BASE64URL.test(mac)) throw notIssuedHere();
    const signature = Buffer.from(mac, 'base64url');
    if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== mac) throw notIssuedHere();
    if (!timingSafeEqual(signature, this.mac(payload))) throw notIssuedHere();
    const decoded = Buffer.from(payload, 'base64url');
    if (decoded.toString('base64url') !== payload) throw notIssuedHere();
    const fields = decoded.toString('utf8').split('\n');
    if (fields.length !== 5 || fields[0] !== version) throw notIssuedHere();
    const [, backend, user, issued, target] = fields as [string, string, string, string, string];
    const issuedAt = parseInt(issued, 36);
    if (!Number.isFinite(issuedAt)) throw notIssuedHere();
    return { backend, user, issuedAt, target };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}

function toPrefix(fields: FollowUp): VerifiedPrefix {
  return { backend: fields.backend, user: fields.user, issuedAt: fields.issuedAt, prefix: fields.target };
}

/** Sets a cache entry, dropping the oldest beyond CACHE_ENTRIES (Map keeps insertion order). */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

function notIssuedHere(): HttpFailure {
  return new HttpFailure(404, 'Query not found: this follow-up URI was not issued by this gateway or was altered');
}

/** The error a client sees when it follows up on a query that belongs to another user. */
export function wrongUser(): QueryFailure {
  return new QueryFailure(ErrorCodes.PERMISSION_DENIED, 'Access Denied: Cannot access a query started by another user');
}
