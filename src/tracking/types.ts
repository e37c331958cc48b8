/**
 * The query history record: one per query id, written when the query starts and again when it
 * ends (an upsert; see `mergeRule` in sql-common.ts for how the two are combined).
 */

export const QUERY_STATES = ['QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED', 'ABANDONED'] as const;
export type QueryState = (typeof QUERY_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<QueryState> = new Set(['FINISHED', 'FAILED', 'CANCELED', 'ABANDONED']);

export function isQueryState(value: unknown): value is QueryState {
  return typeof value === 'string' && (QUERY_STATES as readonly string[]).includes(value);
}

/** Statistics reported by the backend engine, when it reports them. */
export interface BackendStats {
  cpuMs?: number;
  wallMs?: number;
  processedRows?: number;
  processedBytes?: number;
  peakMemoryBytes?: number;
  /** Time the engine spent running the query (Athena's EngineExecutionTimeInMillis). */
  engineMs?: number;
  /** Time the query waited in the engine's own queue (Athena's QueryQueueTimeInMillis). */
  engineQueuedMs?: number;
}

/** One guardrail action on a query, as history keeps it. */
export interface GuardrailRecord {
  guardrail: string;
  kind: string;
  /** The limit or check that acted (`elapsed`, `concurrent`, `requireLimit`). */
  check: string;
  action: string;
  limit: string;
  measured: string;
}

/** The access-control decision for the query and the rule (any JSON) that made it. */
export interface AccessDecision {
  decision: string;
  rule?: unknown;
}

export interface QueryRecord {
  /** The gateway's query id (primary key). */
  id: string;
  /** Session user (after impersonation). */
  user: string;
  /** Authenticated principal. */
  principal?: string;
  source?: string;
  clientTags?: string[];
  statement: string;
  /** Normalised statement (see fingerprint.ts); computed from `statement` when omitted. */
  fingerprint?: string;
  /** Short hash of `fingerprint`; computed when omitted. */
  fingerprintHash?: string;
  routingGroup?: string;
  /** Why this group: the rule that matched, a hint, or the default. */
  routingRule?: string;
  /** Each group tried, in order, and what happened there (`reserved: full or unavailable`, `shared: trino-b`). */
  routingSteps?: string[];
  /** The resource group the query was selected into (`global.adhoc-alice`), when resource groups are configured. */
  resourceGroup?: string;
  /** What guardrails did to the query: warnings, the refusal, the kill. */
  guardrails?: GuardrailRecord[];
  backend?: string;
  state: QueryState;
  /** Epoch milliseconds. */
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  errorName?: string;
  errorMessage?: string;
  rows?: number;
  bytes?: number;
  access?: AccessDecision;
  /** Fully qualified tables touched, lower-cased (`catalog.schema.table`). */
  tables?: string[];
  /** Columns touched (`catalog.schema.table.column`). */
  columns?: string[];
  stats?: BackendStats;
}

/** A validated search (see validation.ts). */
export interface QuerySearch {
  user?: string;
  states?: QueryState[];
  /** Inclusive lower bound on createdAt (ms). */
  from?: number;
  /** Exclusive upper bound on createdAt (ms). */
  to?: number;
  backend?: string;
  group?: string;
  /** A table touched (exact, case-insensitive). */
  table?: string;
  /** Case-insensitive substring of the statement text. */
  text?: string;
  cursor?: Cursor;
  limit: number;
}

/** Keyset position: the last row of the previous page. */
export interface Cursor {
  createdAt: number;
  id: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}

export type TopDimension = 'user' | 'table' | 'fingerprint';

export interface TopQuery {
  dimension: TopDimension;
  from: number;
  to: number;
  limit: number;
}

export interface TopEntry {
  /** User name, table name or fingerprint hash. */
  key: string;
  count: number;
  /** For fingerprints: the normalised statement text. */
  label?: string;
}
