/**
 * The gateway queue's shared part, so that any instance can serve a poll of a query waiting in
 * the gateway queue, whichever instance accepted it:
 * - the queued statement (what was sent, by whom, its route, when it queued), written when it
 *   queues and taken out exactly once fleet-wide, by the instance that starts or cancels it;
 * - which backend query a gateway query id stands for: a query that waited in the queue keeps the
 *   id its client was given first, while its backend names it otherwise.
 *
 * The follow-up token binds a poll to the query id and user (query-token.ts); this store is only
 * looked up with a token's id, and the caller checks the stored principal against it.
 * `RedisFleetQueue` shares it between instances; `LocalFleetQueue` keeps it in this process (one
 * instance, or Redis not configured: then a queued query is served by the instance that queued it).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Redis } from 'ioredis';
import type { SubmissionAccess } from '../engines/backend.js';
import type { RouteDecision } from '../routing/router.js';

/** A statement waiting in the gateway queue, as any instance needs it to start the query. */
export interface QueuedStatement {
  id: string;
  user: string;
  principal: string;
  sql: string;
  originalSql?: string;
  /** The request's protocol headers (the session is read from them again): see `sharedHeaders`. */
  headers: IncomingHttpHeaders;
  receivedAt: number;
  access?: SubmissionAccess;
  decision: RouteDecision;
  enqueuedAt: number;
}

/** Headers an engine may use besides the protocol's own (header-translation.ts forwards no others). */
const SHARED_HEADERS = new Set(['user-agent', 'content-type', 'traceparent', 'tracestate']);

/**
 * The headers of a queued statement worth sharing: the protocol's (`X-Trino-*`, `X-Presto-*`)
 * and the few an engine forwards. Credentials (`Authorization`, cookies) never leave the instance
 * that authenticated the request.
 */
export function sharedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-trino-') || name.startsWith('x-presto-') || SHARED_HEADERS.has(name)));
}

/** The backend's own id of a query the gateway knows under another id. */
export interface BackendQuery {
  backend: string;
  queryId: string;
}

export interface FleetQueue {
  /**
   * Shares a queued statement for `ttlMs` (again after a failure: a statement already taken is
   * never brought back); rejects when the shared store is unreachable.
   */
  put(statement: QueuedStatement, ttlMs: number): Promise<void>;
  /** The queued statement, undefined once taken or expired; rejects when the store is unreachable. */
  get(id: string): Promise<QueuedStatement | undefined>;
  /** Takes the statement out of the queue: true for exactly one caller in the fleet. */
  take(id: string): Promise<boolean>;
  /** Records that the gateway's query `id` runs on its backend as `query`, for `ttlMs`. */
  alias(id: string, query: BackendQuery, ttlMs: number): Promise<void>;
  aliasOf(id: string): Promise<BackendQuery | undefined>;
  close(): Promise<void>;
}

/** Entries kept in this process (at most this many aliases: the oldest go first). */
const MAX_LOCAL_ALIASES = 100_000;

export class LocalFleetQueue implements FleetQueue {
  /** A taken statement stays as `taken` until it would have expired, so that sharing it again cannot revive it. */
  private readonly statements = new Map<string, { statement: QueuedStatement | 'taken'; until: number }>();
  private readonly aliases = new Map<string, { query: BackendQuery; until: number }>();

  async put(statement: QueuedStatement, ttlMs: number): Promise<void> {
    this.purge();
    if (!this.statements.has(statement.id)) this.statements.set(statement.id, { statement, until: Date.now() + ttlMs });
  }

  async get(id: string): Promise<QueuedStatement | undefined> {
    const entry = this.statements.get(id);
    return entry !== undefined && entry.until > Date.now() && entry.statement !== 'taken' ? entry.statement : undefined;
  }

  async take(id: string): Promise<boolean> {
    const entry = this.statements.get(id);
    if (entry === undefined || entry.until <= Date.now() || entry.statement === 'taken') return false;
    entry.statement = 'taken';
    return true;
  }

  async alias(id: string, query: BackendQuery, ttlMs: number): Promise<void> {
    this.purge();
    this.aliases.delete(id);
    this.aliases.set(id, { query, until: Date.now() + ttlMs });
    if (this.aliases.size > MAX_LOCAL_ALIASES) this.aliases.delete(this.aliases.keys().next().value!);
  }

  async aliasOf(id: string): Promise<BackendQuery | undefined> {
    const entry = this.aliases.get(id);
    return entry !== undefined && entry.until > Date.now() ? entry.query : undefined;
  }

  async close(): Promise<void> {}

  private purge(): void {
    const now = Date.now();
    for (const [id, entry] of this.statements) if (entry.until <= now) this.statements.delete(id);
    for (const [id, entry] of this.aliases) {
      // Insertion order is expiry order (one TTL for all): stop at the first live one.
      if (entry.until > now) break;
      this.aliases.delete(id);
    }
  }
}

/** Takes a statement: marks it taken (until it would have expired); 1 for the one caller that did. */
const TAKE_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value or value == 'taken' then return 0 end
redis.call('SET', KEYS[1], 'taken', 'KEEPTTL')
return 1
`;

/** Keys `<prefix>queued:<id>` (the statement as JSON, then `taken`) and `<prefix>alias:<id>`, both expiring. */
export class RedisFleetQueue implements FleetQueue {
  /** Aliases written or read here, so that polls and lookups of this instance's queries need no round trip. */
  private readonly local = new LocalFleetQueue();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async put(statement: QueuedStatement, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}queued:${statement.id}`, JSON.stringify(statement), 'PX', ttlMs, 'NX');
  }

  async get(id: string): Promise<QueuedStatement | undefined> {
    const text = await this.redis.get(`${this.prefix}queued:${id}`);
    return text === null || text === 'taken' ? undefined : parseStatement(text, id);
  }

  async take(id: string): Promise<boolean> {
    return (await this.redis.eval(TAKE_SCRIPT, 1, `${this.prefix}queued:${id}`)) === 1;
  }

  async alias(id: string, query: BackendQuery, ttlMs: number): Promise<void> {
    await this.local.alias(id, query, ttlMs);
    await this.redis.set(`${this.prefix}alias:${id}`, JSON.stringify(query), 'PX', ttlMs);
  }

  async aliasOf(id: string): Promise<BackendQuery | undefined> {
    const known = await this.local.aliasOf(id);
    if (known !== undefined) return known;
    const text = await this.redis.get(`${this.prefix}alias:${id}`);
    return text === null ? undefined : parseBackendQuery(text);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** A stored statement, or undefined when it is not one of ours for `id` (fail closed). */
function parseStatement(text: string, id: string): QueuedStatement | undefined {
  try {
    const value = JSON.parse(text) as Partial<QueuedStatement>;
    const strings = [value.id, value.user, value.principal, value.sql, value.decision?.group];
    if (value.id !== id || strings.some((s) => typeof s !== 'string') || typeof value.headers !== 'object' || value.headers === null) return undefined;
    if (typeof value.receivedAt !== 'number' || typeof value.enqueuedAt !== 'number' || !Array.isArray(value.decision?.fallback)) return undefined;
    return value as QueuedStatement;
  } catch {
    return undefined;
  }
}

function parseBackendQuery(text: string): BackendQuery | undefined {
  try {
    const value = JSON.parse(text) as Partial<BackendQuery>;
    return typeof value.backend === 'string' && typeof value.queryId === 'string' ? { backend: value.backend, queryId: value.queryId } : undefined;
  } catch {
    return undefined;
  }
}
