/**
 * The tracking store: query history and the audit trail's database side, one implementation per
 * database (sqlite-store.ts, postgres-store.ts).
 */
import type { AuditEvent, AuditStore } from '../audit/events.js';
import type { Page, QueryRecord, QuerySearch, TopEntry, TopQuery } from './types.js';

export interface HistoryStore {
  /**
   * Idempotent upsert: one row per query id whatever the number and order of writes (a start
   * then an end; a replayed or late duplicate end changes nothing).
   */
  upsertQueries(records: readonly QueryRecord[]): Promise<void>;
  getQuery(id: string): Promise<QueryRecord | undefined>;
  /** Newest first (createdAt desc, then id desc), keyset-paginated. */
  searchQueries(search: QuerySearch): Promise<Page<QueryRecord>>;
  /** Counts of queries created in [from, to) per user, table or fingerprint, most frequent first. */
  top(query: TopQuery): Promise<TopEntry[]>;
  /** Deletes queries created, and audit events timestamped, before `cutoffMs`. */
  deleteOlderThan(cutoffMs: number): Promise<RetentionResult>;
  close(): Promise<void>;
}

export interface RetentionResult {
  queries: number;
  auditEvents: number;
}

/** What the buffered writer hands to a store in one go. */
export interface TrackingBatch {
  queries: QueryRecord[];
  auditEvents: AuditEvent[];
}

/** A backend's administrative state as set through the admin API, shared by the instances using the database. */
export interface StoredBackendState {
  name: string;
  state: 'active' | 'draining' | 'inactive';
  changedAt: number;
  changedBy: string;
}

export interface BackendStateStore {
  setBackendState(change: StoredBackendState): Promise<void>;
  /** Every stored state (backends never changed through the admin API have none). */
  backendStates(): Promise<StoredBackendState[]>;
}

export interface TrackingStore extends HistoryStore, AuditStore, BackendStateStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Writes a batch in one transaction (all or nothing). */
  writeBatch(batch: TrackingBatch): Promise<void>;
  /**
   * Whether an error from this store means "try again later" (unreachable, restarting, busy) as
   * opposed to a problem with the data itself.
   */
  isTransientError(err: unknown): boolean;
}

/** A store that cannot be opened: the message says what is wrong and what to do. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}
