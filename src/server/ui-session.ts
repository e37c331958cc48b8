/**
 * Web UI sessions: a signed cookie holding who logged in, until when, and a session id. Any
 * gateway instance with the same `security.tokenSecret` verifies it without a shared store. The
 * CSRF token is derived from the session id with the same key, so it needs no storage either.
 * Logout revokes the session id in memory until the session would have expired, here and, through
 * `announceRevoked` (the message bus), in the other instances and workers.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'querygate_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Sent by the web UI on every request. */
export const UI_HEADER = 'x-querygate-ui';

export interface UiSession {
  id: string;
  user: string;
  groups: string[];
  /** Epoch ms. */
  expiresAt: number;
}

const VERSION = 1;
const MAC_BYTES = 32;
const MAX_REVOKED = 100_000;

export class UiSessions {
  private readonly key: Buffer;
  private readonly revoked = new Map<string, number>();

  constructor(
    secret: string | undefined,
    readonly ttlMs: number,
    private readonly announceRevoked?: (id: string, expiresAt: number) => void,
  ) {
    // A key of its own, derived from the shared secret: a follow-up token never verifies as a session.
    this.key = createHmac('sha256', secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8')).update('querygate ui session v1').digest();
  }

  issue(user: string, groups: string[], now = Date.now()): { session: UiSession; cookie: string } {
    const session: UiSession = { id: randomBytes(18).toString('base64url'), user, groups, expiresAt: now + this.ttlMs };
    const payload = Buffer.from(JSON.stringify({ v: VERSION, id: session.id, u: user, g: groups, e: session.expiresAt }), 'utf8').toString('base64url');
    return { session, cookie: `${payload}.${this.mac(`session\n${payload}`).toString('base64url')}` };
  }

  /** The session in a cookie value, or undefined when it is forged, malformed, expired or logged out. */
  verify(value: string, now = Date.now()): UiSession | undefined {
    const dot = value.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = value.slice(0, dot);
    const signature = Buffer.from(value.slice(dot + 1), 'base64url');
    if (signature.length !== MAC_BYTES || !timingSafeEqual(signature, this.mac(`session\n${payload}`))) return undefined;
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const d = decoded as { v?: unknown; id?: unknown; u?: unknown; g?: unknown; e?: unknown };
    if (d.v !== VERSION || typeof d.id !== 'string' || typeof d.u !== 'string' || typeof d.e !== 'number' || !Array.isArray(d.g)) return undefined;
    if (!d.g.every((g): g is string => typeof g === 'string')) return undefined;
    if (d.e <= now || this.revoked.has(d.id)) return undefined;
    return { id: d.id, user: d.u, groups: d.g, expiresAt: d.e };
  }

  csrfToken(session: UiSession): string {
    return this.mac(`csrf\n${session.id}`).toString('base64url');
  }

  csrfMatches(session: UiSession, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const expected = this.mac(`csrf\n${session.id}`);
    const given = Buffer.from(presented, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  revoke(session: UiSession, now = Date.now()): void {
    this.revokedElsewhere(session.id, session.expiresAt, now);
    this.announceRevoked?.(session.id, session.expiresAt);
  }

  /** A logout another instance or worker announced (or this one's own). */
  revokedElsewhere(id: string, expiresAt: number, now = Date.now()): void {
    for (const [revokedId, until] of this.revoked) if (until <= now) this.revoked.delete(revokedId);
    // Bounded: past the limit the oldest revocations go first (they expire first too).
    if (this.revoked.size >= MAX_REVOKED) this.revoked.delete(this.revoked.keys().next().value!);
    this.revoked.set(id, expiresAt);
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }
}

/** The session cookie's value, when the request carries one. */
export function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * `SameSite=Strict`: the UI is only ever entered by typing or bookmarking its address, so no
 * cross-site navigation needs the cookie. `Secure` whenever the login came over TLS.
 */
export function setCookieHeader(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
