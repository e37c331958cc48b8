/**
 * What the front door needs from a backend, whatever its engine: submit a statement, serve the
 * follow-ups of the queries it owns, cancel them. Pass-through engines stream the backend's own
 * documents; local engines build documents themselves.
 */
import type { QueryTrace } from '../observability/tracing.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientResponse } from '../http1/exchange.js';
import type { QueryFailure } from '../protocol/errors.js';
import type { FollowUp } from '../protocol/query-token.js';
import type { QuerySession } from '../protocol/session.js';
import type { ViewDefinition, ViewExpansion } from '../sql/analyzer/types.js';
import type { BackendStats } from '../tracking/types.js';
import type { CatalogDescription } from '../catalogs/model.js';
import type { DescribeSession, OutputColumn } from './local-engine.js';
import type { LiveStats, ScanEstimate } from '../admission/guardrails.js';

export interface Submission {
  /** What the engine runs. */
  sql: string;
  /** The text the client sent, when the engine runs the gateway's rewrite of it (history records this). */
  originalSql?: string;
  /** Run once when the query ends, whatever the outcome (the dispatcher runs it as the admission slot is freed). */
  afterEnd?: () => void;
  session: QuerySession;
  /** The user the query runs as. */
  user: string;
  /** The authenticated principal; follow-ups are bound to it. */
  principal: string;
  /** Raw request headers, for engines that forward them. */
  headers: IncomingHttpHeaders;
  /** Externally visible base URL of the gateway for this request (`http://host:port`). */
  baseUrl: string;
  /** When the gateway received the statement (epoch ms), for history. */
  receivedAt: number;
  /** What access control decided, for history (absent when no access control is configured). */
  access?: SubmissionAccess;
  /** The id the client already holds (the query waited in the gateway queue): the query keeps it, whatever the backend calls it. */
  queryId?: string;
  /** The query's spans (the gateway's; engines do not use it). */
  trace?: QueryTrace;
  events: SubmissionEvents;
}

/** What a backend reports about a query's life, so the gateway can count and free capacity. */
export type QueryOutcome = 'finished' | 'failed' | 'abandoned';

/** The authorization stage's account of a statement. */
export interface SubmissionAccess {
  decision: 'allowed' | 'denied';
  /** The rules that decided each check (`tables[2]`, `default: ...`). */
  rules: string[];
  tables: string[];
  columns: string[];
}

/** What an engine can tell about how a query ended. */
export interface QueryEndDetails {
  errorName?: string;
  errorMessage?: string;
  /** The engine's final statistics, when it reports them. */
  stats?: BackendStats;
  /** The client canceled the query. */
  canceled?: boolean;
  /** The id the client was given, when the query failed before the backend named one. */
  queryId?: string;
}

export interface QueryEndEvents {
  /** The query's last document was sent, or it failed for good. Called at most once per request. */
  ended(outcome: QueryOutcome, details?: QueryEndDetails): void;
}

export interface SubmissionEvents extends QueryEndEvents {
  /** The query started: its id, and the backend's own when the query keeps an id the gateway gave it. */
  started(queryId: string, backendQueryId?: string): void;
}

export interface FollowUpRequest {
  method: 'GET' | 'DELETE';
  /** The opened token; its query id and phase are the request path's (checked). */
  followUp: FollowUp;
  headers: IncomingHttpHeaders;
  /** The request's query string (`maxWait`, `targetResultSize`), without `?`. */
  search: string;
  baseUrl: string;
  dialect: QuerySession['dialect'];
  events: QueryEndEvents;
}

export interface SegmentRequest {
  /** The opened token: its phase is the action (`download` or `ack`), its target the backend's own segment path. */
  segment: FollowUp;
  headers: IncomingHttpHeaders;
}

export interface Backend {
  readonly name: string;
  readonly engine: 'duckdb' | 'trino' | 'athena';
  start(): Promise<void>;
  /** Active health probe: undefined when healthy, else the reason. */
  probe(timeoutMs: number): Promise<string | undefined>;
  /** The catalogs the backend serves (for access control's name resolution). */
  catalogs(): Promise<string[]>;
  /** Catalogs the configuration says the backend serves (reported unavailable, not unknown, while it is down). */
  readonly declaredCatalogs?: readonly string[];
  /** Real column names of a table or view, in order; undefined when it does not exist. */
  columnsOf(catalog: string, schema: string, table: string): Promise<string[] | undefined>;
  /** The same columns with their Trino types (for row filters and column masks). */
  columnTypesOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }> | undefined>;
  /** The Trino type of an expression over a table (a row filter or column mask), as this engine types it; absent: the engine does not. */
  expressionTypeOf?(catalog: string, schema: string, table: string, expression: string): Promise<string>;
  /** What reading a view reads underneath, as the engine expands it; undefined for a table. */
  viewOf?(catalog: string, schema: string, table: string): Promise<ViewExpansion | undefined>;
  /** A view's stored definition (for row filters and column masks inside it); undefined for a table. */
  viewDefinitionOf?(catalog: string, schema: string, table: string): Promise<ViewDefinition | undefined>;
  /** Every catalog the backend serves, described for metadata (the embedded engine: the gateway answers its metadata). */
  describeCatalogs?(): Promise<CatalogDescription[]>;
  /**
   * Runs a query the gateway itself composed (never a client's text) on an engine whose metadata
   * the gateway answers, returning every row decoded: the metadata service computes SHOW STATS so.
   */
  internalRows?(sql: string, signal: AbortSignal): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][] }>;
  /** DESCRIBE OUTPUT of a client's prepared query, on an engine whose metadata the gateway answers. */
  describeOutput?(sql: string, parameters: number, session: DescribeSession): Promise<OutputColumn[]>;
  /** DESCRIBE INPUT of a query the engine runs: each parameter's type as Trino infers it. */
  describeInput?(sql: string, parameters: number, session: DescribeSession): Promise<string[]>;
  /** Every schema, table and column of a catalog (absent: its information_schema cannot be filtered). */
  objectsOf?(catalog: string): Promise<CatalogObjects>;
  /** The unfiltered answer of a SHOW statement, run as the gateway (absent: SHOW cannot be filtered there). */
  showRows?(sql: string, session: { catalog?: string; schema?: string }): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][] }>;
  /** The user a query runs as, when this backend has it (for kill_query's access check). */
  queryOwner?(queryId: string): Promise<string | undefined>;
  /**
   * Cancels a query the gateway itself gives up on (no ownership check): its client stopped
   * polling, or this instance is shutting down (`reason`, for engines that report it themselves).
   */
  abandon(queryId: string, reason?: QueryFailure): Promise<void>;
  /**
   * Whether a query ended, asked as the gateway (no ownership check): its outcome, 'running', or
   * undefined when the backend does not know it or cannot be asked in `timeoutMs`.
   */
  queryState?(queryId: string, timeoutMs: number): Promise<QueryOutcome | 'running' | undefined>;
  /** The engine's estimate of the rows and bytes a client's statement reads (its EXPLAIN), run as the client in its session. */
  explainScan?(sql: string, clientHeaders: IncomingHttpHeaders): Promise<ScanEstimate>;
  /** The statistics `liveStats` reports (runaway guardrails on the others cannot hold on this engine). */
  readonly liveStatsReported?: ReadonlySet<keyof LiveStats>;
  /** A running query's statistics as the engine accounts them now, asked as the gateway; undefined when unknown or not answered in `timeoutMs`. */
  liveStats?(queryId: string, timeoutMs: number): Promise<LiveStats | undefined>;
  /** Ends a running query on the engine with `failure` (a runaway guardrail): its client gets `failure` as the query's error. */
  kill?(queryId: string, failure: QueryFailure): Promise<void>;
  /** Queries running or queued on the backend, from everyone, when the engine can tell. */
  reportedLoad?(timeoutMs: number): Promise<number | undefined>;
  /** The backend itself reports too many queries waiting (an Athena workgroup past maxQueued): routing passes it over. */
  saturated?(): boolean;
  submit(submission: Submission, res: ClientResponse): Promise<void>;
  followUp(request: FollowUpRequest, res: ClientResponse): Promise<void>;
  /**
   * Relays a spooled segment's download or acknowledgement to the backend that served its URI
   * (engines that hand out coordinator-served segment URIs; absent elsewhere). The token was
   * opened and its user checked by the caller.
   */
  relaySegment?(request: SegmentRequest, res: ClientResponse): Promise<void>;
  /**
   * Cancels a query by id (the JS client cancels through `DELETE /v1/query/{id}`) when `requester`
   * is the user it runs as.
   */
  cancelQuery(queryId: string, requester: string, headers: IncomingHttpHeaders): Promise<QueryLookup>;
  /**
   * Writes `GET /v1/query/{id}` for a query this backend owns, when `requester` is the user it
   * runs as; `shownAs`: the id the client knows the query by, when the backend's differs.
   */
  queryInfo(queryId: string, requester: string, headers: IncomingHttpHeaders, res: ClientResponse, shownAs?: string): Promise<QueryLookup>;
  close(): Promise<void>;
}

/** The names a catalog's information_schema lists. */
export interface CatalogObjects {
  schemas: string[];
  tables: ReadonlyArray<readonly [schema: string, table: string]>;
  columns: ReadonlyArray<readonly [schema: string, table: string, column: string]>;
}

/**
 * Outcome of looking a query up by id on one backend. Another user's query is 'unknown': a
 * guessed id must answer exactly as a random one.
 */
export type QueryLookup = 'done' | 'unknown';
