/**
 * Follow-up tokens. Every nextUri the gateway hands out carries one: it names the backend (and,
 * for pass-through engines, the backend's own follow-up path), the user who started the query,
 * the query id and phase the URI's path must show, and when the token was issued. Any gateway
 * instance holding the same secret can route the follow-up from the token alone, without a
 * shared lookup; nobody can forge, alter or read one.
 *
 * Tokens are sealed with AES-256-GCM under a key derived from `security.tokenSecret` by HKDF:
 * the client sees opaque bytes (no backend name, path or user, whatever exposeBackendDetails
 * says). The nonce is an HMAC of the plaintext (a synthetic IV), so no two different tokens share
 * one however many are issued, and sealing the same fields twice gives the same token.
 *
 * Spooled-segment URIs (`/v1/spooled/{download|ack}/{queryId}/{token}`, uris.ts) carry the same
 * tokens, with the action as their phase and the coordinator's own segment path as their target:
 * a segment token opens for no follow-up path and a follow-up token for no segment path.
 *
 * The path `/v1/statement/{phase}/{queryId}/{token}` must agree with the query id and phase
 * sealed in its token (verifyFollowUp); a path that does not is refused as a token not issued
 * here, before anything is looked up, so a guessed query id answers exactly as a random one.
 *
 * Paged tokens (signPaged) leave the page number at the end of a target (a backend path, or the
 * bare page token of the embedded engine and the gateway queue) outside the seal: `sealed.page`. The sealed part then stays the same for every page of a query phase, so it is
 * sealed once and opened once per instance (both cached), instead of once per poll each way.
 * Changing the page gains nothing: the sealed part still fixes the backend, the query's path, its
 * id and its user, and the backend answers a page it is not at with 410 as it would to that user.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { ErrorCodes, HttpFailure, QueryFailure } from './errors.js';
import type { TokenPhase } from './uris.js';

export interface FollowUp {
  /** Backend that owns the query. */
  backend: string;
  /** User who started the query; follow-ups by anyone else are refused. */
  user: string;
  /** Seconds since the epoch when the token was issued. */
  issuedAt: number;
  /** The query id the follow-up path must carry (the gateway's id for the query). */
  queryId: string;
  /** The phase the follow-up path must carry (for a spooled segment's URI: its action). */
  phase: TokenPhase;
  /** Pass-through engines: the backend's own follow-up path and query. Local engines and the queue: the page token. */
  target: string;
}

const VERSION = '3';
const PAGED_VERSION = '4';
const FIELDS = 7;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PHASES: ReadonlySet<string> = new Set<TokenPhase>(['queued', 'executing', 'partialCancel', 'download', 'ack']);
/** A page number as Trino writes it: no sign, no leading zeros (one spelling per page). */
const PAGE = /^(?:0|[1-9]\d{0,17})$/;
/** Longer tokens are refused before any decoding (a real one is a few hundred characters). */
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Entries per cache (sealed prefixes, opened prefixes); the oldest goes first. */
const CACHE_ENTRIES = 10_000;
/** A cached paged seal is reused while it is younger than this (and a tenth of the TTL). */
const REUSE_SECONDS = 60;

interface VerifiedPrefix {
  backend: string;
  user: string;
  issuedAt: number;
  queryId: string;
  phase: TokenPhase;
  prefix: string;
}

export class QueryTokenSigner {
  private readonly encryptionKey: Buffer;
  private readonly nonceKey: Buffer;
  /** backend, user, query, phase and path prefix -> the sealed part of a paged token, with its issue time. */
  private readonly signedPrefixes = new Map<string, { signed: string; issuedAt: number }>();
  /** Sealed part of a paged token -> what it says (only ever filled with opened or own tokens). */
  private readonly verifiedPrefixes = new Map<string, VerifiedPrefix>();
  private readonly reuseSeconds: number;
  /** Marks the messages of the fleet's guardrail kills (see killMessage): the same for every instance sharing the secret. */
  readonly killTag: string;

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
  ) {
    const keys = Buffer.from(hkdfSync('sha256', secret ?? randomBytes(32), 'querygate', 'follow-up token keys: aes-256-gcm, nonce', 64));
    this.encryptionKey = keys.subarray(0, 32);
    this.nonceKey = keys.subarray(32);
    this.killTag = createHmac('sha256', this.nonceKey).update('guardrail kill').digest('base64url').slice(0, 22);
    this.reuseSeconds = Math.min(REUSE_SECONDS, Math.floor(ttlMs / 10_000));
  }

  sign(followUp: FollowUp): string {
    return this.seal(VERSION, followUp, followUp.target);
  }

  /** Like sign, for a target that is a page number or ends in one after a `/` (see the file comment). */
  signPaged(followUp: FollowUp): string {
    const slash = followUp.target.lastIndexOf('/');
    const page = followUp.target.slice(slash + 1);
    if (!PAGE.test(page)) return this.sign(followUp);
    // With its slash, so that a bare page number and `/page` stay apart.
    const prefix = followUp.target.slice(0, slash + 1);
    const key = `${followUp.backend}\n${followUp.user}\n${followUp.queryId}\n${followUp.phase}\n${prefix}`;
    const cached = this.signedPrefixes.get(key);
    if (cached !== undefined && followUp.issuedAt - cached.issuedAt <= this.reuseSeconds) return `${cached.signed}.${page}`;
    const signed = this.seal(PAGED_VERSION, followUp, prefix);
    remember(this.signedPrefixes, key, { signed, issuedAt: followUp.issuedAt });
    const { backend, user, issuedAt, queryId, phase } = followUp;
    remember(this.verifiedPrefixes, signed, { backend, user, issuedAt, queryId, phase, prefix });
    return `${signed}.${page}`;
  }

  /**
   * Opens the token of a follow-up path and checks that the path's query id and phase are the
   * ones sealed in it. A path that disagrees is refused exactly as a malformed or forged token,
   * "not found" (404); an expired token is "gone" (410), as Trino answers for unknown and purged
   * queries.
   */
  verifyFollowUp(path: { queryId: string; phase: TokenPhase; token: string }, nowMs = Date.now()): FollowUp {
    const followUp = this.open(path.token, nowMs);
    if (followUp.queryId !== path.queryId || followUp.phase !== path.phase) throw notIssuedHere();
    if (this.expired(followUp.issuedAt, nowMs)) {
      throw new HttpFailure(410, 'Query token expired: the query is gone or its client stopped polling');
    }
    return followUp;
  }

  private expired(issuedAt: number, nowMs: number): boolean {
    return nowMs - issuedAt * 1000 > this.ttlMs;
  }

  private open(token: string, nowMs: number): FollowUp {
    if (token.length > MAX_TOKEN_LENGTH) throw notIssuedHere();
    const dot = token.indexOf('.');
    if (dot === -1) return this.unseal(token, VERSION);
    const page = token.slice(dot + 1);
    if (!PAGE.test(page)) throw notIssuedHere();
    const signed = token.slice(0, dot);
    const cached = this.verifiedPrefixes.get(signed);
    const prefix = cached ?? toPrefix(this.unseal(signed, PAGED_VERSION));
    // Only live tokens are kept; unseal accepts one spelling per token, so one entry each.
    if (cached === undefined && !this.expired(prefix.issuedAt, nowMs)) remember(this.verifiedPrefixes, signed, prefix);
    const { backend, user, issuedAt, queryId, phase } = prefix;
    return { backend, user, issuedAt, queryId, phase, target: prefix.prefix + page };
  }

  private seal(version: string, followUp: FollowUp, target: string): string {
    const { backend, user, issuedAt, queryId, phase } = followUp;
    const plaintext = Buffer.from([version, backend, user, issuedAt.toString(36), queryId, phase, target].join('\n'), 'utf8');
    const nonce = createHmac('sha256', this.nonceKey).update(plaintext).digest().subarray(0, NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString('base64url');
  }

  /**
   * Opens `nonce | ciphertext | tag` and decodes its fields; the version must be the one the
   * token's form implies. The text must be canonical base64url (Node's decoder would also take
   * padding, stray characters and other spellings of the last bits), so each token has exactly
   * one accepted spelling.
   */
  private unseal(sealed: string, version: string): FollowUp {
    if (!BASE64URL.test(sealed)) throw notIssuedHere();
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length <= NONCE_BYTES + TAG_BYTES || bytes.toString('base64url') !== sealed) throw notIssuedHere();
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw notIssuedHere();
    }
    const fields = plaintext.toString('utf8').split('\n');
    if (fields.length !== FIELDS || fields[0] !== version || !PHASES.has(fields[5]!)) throw notIssuedHere();
    const [, backend, user, issued, queryId, phase, target] = fields as [string, string, string, string, string, TokenPhase, string];
    const issuedAt = parseInt(issued, 36);
    if (!Number.isFinite(issuedAt)) throw notIssuedHere();
    return { backend, user, issuedAt, queryId, phase, target };
  }
}

function toPrefix(fields: FollowUp): VerifiedPrefix {
  const { backend, user, issuedAt, queryId, phase, target } = fields;
  return { backend, user, issuedAt, queryId, phase, prefix: target };
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
