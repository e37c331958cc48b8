/**
 * Signed follow-up tokens. Every nextUri the gateway hands out carries one: it names the backend
 * (and, for pass-through engines, the backend's own follow-up path), the user who started the
 * query and when the token was issued. Any gateway instance holding the same secret can route
 * the follow-up from the token alone, without a shared lookup, and nobody can forge or alter one.
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
const SIGNATURE_BYTES = 16;

export class QueryTokenSigner {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
  ) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  sign(followUp: FollowUp): string {
    const payload = Buffer.from(
      [VERSION, followUp.backend, followUp.user, followUp.issuedAt.toString(36), followUp.target].join('\n'),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * Verifies and decodes a token. A malformed or forged token is "not found" (404), an expired
   * one is "gone" (410), as Trino answers for unknown and purged queries.
   */
  verify(token: string, nowMs = Date.now()): FollowUp {
    const dot = token.indexOf('.');
    if (dot <= 0) throw notIssuedHere();
    const payload = token.slice(0, dot);
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    if (signature.length !== SIGNATURE_BYTES || !timingSafeEqual(signature, this.mac(payload))) throw notIssuedHere();
    const fields = Buffer.from(payload, 'base64url').toString('utf8').split('\n');
    if (fields.length !== 5 || fields[0] !== VERSION) throw notIssuedHere();
    const [, backend, user, issued, target] = fields as [string, string, string, string, string];
    const issuedAt = parseInt(issued, 36);
    if (!Number.isFinite(issuedAt)) throw notIssuedHere();
    if (nowMs - issuedAt * 1000 > this.ttlMs) {
      throw new HttpFailure(410, 'Query token expired: the query is gone or its client stopped polling');
    }
    return { backend, user, issuedAt, target };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}

function notIssuedHere(): HttpFailure {
  return new HttpFailure(404, 'Query not found: this follow-up URI was not issued by this gateway or was altered');
}

/** The error a client sees when it follows up on a query that belongs to another user. */
export function wrongUser(): QueryFailure {
  return new QueryFailure(ErrorCodes.PERMISSION_DENIED, 'Access Denied: Cannot access a query started by another user');
}
