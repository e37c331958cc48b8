/**
 * Pass-through engine for Trino and Presto coordinators. Statements and follow-ups are forwarded;
 * each response streams back with its URIs rewritten to signed gateway follow-ups, so the client
 * keeps talking to the gateway and never learns the backend's address. `data` is never parsed.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { drained, type ClientResponse } from '../../http1/exchange.js';
import { BackendRequestError, ClientPool, InvalidRequestHeader, ResponseBody, type PoolResponse } from '../../http1/client-pool.js';
import type { HeaderValues } from '../../http1/response-parser.js';
import type { TrinoBackendConfig } from '../../config/schema.js';
import { ErrorCodes, QueryFailure, toQueryError } from '../../protocol/errors.js';
import { failureOfKillMessage, killMessage, scanEstimateOf, type LiveStats, type ScanEstimate } from '../../admission/guardrails.js';
import { parseWait } from '../../protocol/query-params.js';
import type { QueryIdGenerator } from '../../protocol/query-id.js';
import type { QueryTokenSigner } from '../../protocol/query-token.js';
import type { Dialect } from '../../protocol/session.js';
import type { ViewDefinition, ViewExpansion } from '../../sql/analyzer/types.js';
import { followUpUri, infoUri, segmentUri, type FollowUpPhase, type SegmentAction } from '../../protocol/uris.js';
import { rewriteSegmentUris, type SegmentUriRewrite } from '../../protocol/spooled-data.js';
import { TopLevelValueRewriter } from '../../protocol/uri-rewriter.js';
import { sendJson, sendNoContent, sendQueryFailure, sendText } from '../../server/respond.js';
import { quoteIdentifier, quoteString } from '../../sql/quoting.js';
import type { Backend, CatalogObjects, FollowUpRequest, QueryEndDetails, QueryEndEvents, QueryLookup, QueryOutcome, SegmentRequest, Submission } from '../backend.js';
import { backendRequestHeaders, clientResponseHeaders, segmentRequestHeaders, segmentResponseHeaders } from './header-translation.js';
import { HeldDocuments } from './held-documents.js';
import { parseAirliftDataSize, parseAirliftDuration } from '../../admission/resource-groups-file.js';

const REWRITTEN_KEYS = new Set(['nextUri', 'partialCancelUri', 'infoUri']);
/** A query that keeps the id the gateway gave it: the document's own `id` too. */
const ALIASED_KEYS = new Set([...REWRITTEN_KEYS, 'id']);
const USER_AGENT = 'Querygate';
/** Documents up to this size are relayed in one write; larger ones are streamed. */
const SMALL_DOCUMENT_BYTES = 64 * 1024;
const NOTICED_KEYS = new Set(['error']);
/** How long a submission may follow data-less documents itself before answering the client. */
const SUBMIT_FOLLOW_MS = 1000;
/** What Trino waits on a poll when the client names no maxWait. */
const DEFAULT_MAX_WAIT_MS = 1000;
/** Documents read ahead of their client (HeldDocuments): total bytes, and how long one waits. */
const HELD_BUDGET_BYTES = 32 * 1024 * 1024;
const HELD_TTL_MS = 10_000;
/** Connections to one backend, and how many of them one user's exchanges may hold at once. */
const MAX_CONNECTIONS = 256;
const MAX_CONNECTIONS_PER_USER = MAX_CONNECTIONS / 4;

/** A backend response as relayed: the pool's, or one whose (small) body was already read. */
interface BackendResponse {
  statusCode: number;
  headers: HeaderValues;
  body: AsyncIterable<Buffer> | Iterable<Buffer>;
}
/** Largest non-200 body relayed to a client (backends answer those with short text). */
const MAX_ERROR_BODY = 4096;
/**
 * Largest document with spooled segments the gateway reads whole to rewrite their URIs. Such a
 * document holds segment descriptions and inline segments, bounded by Trino's
 * protocol.spooling.inlining.max-size (3 MB by default, base64 makes 4 MB).
 */
const MAX_SPOOLED_DOCUMENT_BYTES = 64 * 1024 * 1024;
/** The paths of Trino's coordinator-served segments (CoordinatorSegmentResource). */
const SEGMENT_PATHS: ReadonlyArray<[SegmentAction, string]> = [
  ['download', '/v1/spooled/download/'],
  ['ack', '/v1/spooled/ack/'],
];

interface RelayContext {
  user: string;
  baseUrl: string;
  clientDialect: Dialect;
  /** Query id to report if the backend fails before naming one. */
  fallbackQueryId: string;
  /** The id the client knows the query by, when it is not the backend's (the query waited in the gateway queue). */
  alias?: string;
  events: QueryEndEvents & { started?(queryId: string, backendQueryId?: string): void };
  /** A DELETE answered 204 ends the query (not a partial cancel: that stops one stage, the query goes on). */
  endsOnCancel: boolean;
  /** Submissions and polls: how long the backend may take to start answering (see answerDeadline). */
  answerWithinMs?: number;
}

export interface TrinoBackendOptions {
  config: TrinoBackendConfig;
  signer: QueryTokenSigner;
  queryIds: QueryIdGenerator;
  exposeDetails: boolean;
  /** A request could not reach the backend (passive health detection). */
  onUnreachable(backend: string, reason: string): void;
  log: { warn(obj: object, msg: string): void };
}

interface InternalQueryOptions {
  onId?: (queryId: string) => void;
  onColumns?: (columns: Array<{ name: string; type: string }>) => void;
  catalog?: string;
  schema?: string;
  /** A client's headers, translated: the statement runs as the client, in its session, instead of as the gateway. */
  asClient?: Record<string, string | string[]>;
}

/** The user the gateway's own metadata statements run as. */
const INTERNAL_USER = 'querygate';

/** One entry of Trino's QueryInfo.referencedTables (io.trino.spi.eventlistener.TableInfo). */
interface ReferencedTable {
  catalog: string;
  schema: string;
  table: string;
  authorization: string;
  columns: Array<{ column: string }>;
  directlyReferenced: boolean;
  referenceChain: Array<{ '@type'?: string; catalogName?: string; schemaName?: string; viewName?: string }>;
}

/**
 * The reads under one view from the referencedTables of `SELECT * FROM view` run as `probeUser`.
 * Trino reads a definer view's body as its owner and, once the identity has changed along the
 * chain of views, through ViewAccessControl (the owner rules) for everything below, even an invoker
 * view (its body takes the identity of the context around it). So a read is the caller's only when
 * no view above it switched identity; otherwise it is the `authorization` user's, as a view owner.
 */
export function expandView(tables: ReferencedTable[], probeUser: string): ViewExpansion {
  const chainKey = (chain: ReferencedTable['referenceChain']) => chain.map((c) => `${c.catalogName}.${c.schemaName}.${c.viewName}`).join('\u0000');
  const bodyIdentity = new Map<string, string>();
  for (const t of tables) bodyIdentity.set(chainKey(t.referenceChain), t.authorization);
  const reads: ViewExpansion['reads'] = [];
  for (const t of tables) {
    if (t.directlyReferenced) continue;
    // Other links (row filters, column masks, SQL routines) carry their own identities: not read here.
    const other = t.referenceChain.find((c) => c['@type'] !== 'view');
    if (other !== undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `View expansion: a reference through a ${other['@type'] ?? 'non-view'} is not supported by the gateway`);
    let identity = probeUser;
    let switched = false;
    for (let i = 1; i <= t.referenceChain.length; i++) {
      const body = bodyIdentity.get(chainKey(t.referenceChain.slice(0, i))) ?? t.authorization;
      if (body !== identity) switched = true;
      identity = body;
    }
    const table = { catalog: t.catalog, schema: t.schema, name: t.table };
    const columns = t.columns.map((c) => c.column.toLowerCase());
    reads.push(switched ? { table, columns, viewOwner: t.authorization } : { table, columns });
  }
  return { reads };
}

export class TrinoBackend implements Backend {
  readonly engine = 'trino' as const;
  readonly name: string;
  readonly declaredCatalogs: readonly string[];
  private readonly pool: ClientPool;
  private readonly dialect: Dialect;
  /** Path prefix of the configured URL, for backends mounted below a path. */
  private readonly pathPrefix: string;
  /** Scheme, host and port of the configured URL: segment URIs there are the coordinator's own. */
  private readonly origin: string;
  private readonly held = new HeldDocuments(HELD_BUDGET_BYTES, HELD_TTL_MS);

  constructor(private readonly options: TrinoBackendOptions) {
    const { config } = options;
    this.name = config.name;
    this.dialect = config.dialect;
    this.declaredCatalogs = config.catalogs;
    const url = new URL(config.url);
    this.pathPrefix = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    this.origin = url.origin;
    this.pool = new ClientPool(url, {
      maxConnections: MAX_CONNECTIONS,
      maxPerOwner: MAX_CONNECTIONS_PER_USER,
      connectTimeout: config.connectTimeout,
      headersTimeout: config.requestTimeout,
      bodyTimeout: config.requestTimeout,
      idleTimeout: 30_000,
    });
  }

  async start(): Promise<void> {}

  async probe(timeoutMs: number): Promise<string | undefined> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: `${this.pathPrefix}/v1/info`,
        headers: {},
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return `HTTP ${response.statusCode} from /v1/info`;
      }
      const info = (await response.body.json()) as { starting?: unknown };
      return info.starting === false ? undefined : 'still starting';
    } catch (err) {
      return describeConnectionError(err);
    }
  }

  async close(): Promise<void> {
    this.held.clear();
    await this.pool.close();
  }

  async reportedLoad(timeoutMs: number): Promise<number | undefined> {
    let total = 0;
    for (const state of ['QUEUED', 'RUNNING']) {
      const queries = await this.askAsGateway(`/v1/query?state=${state}`, timeoutMs);
      if (queries === undefined) return undefined;
      total += Array.isArray(queries) ? queries.length : 0;
    }
    return total;
  }

  /** A JSON answer to a GET as the gateway itself; undefined unless it is a 200 within `timeoutMs`. */
  private async askAsGateway(path: string, timeoutMs: number): Promise<unknown> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: this.pathPrefix + path,
        headers: { [this.dialect === 'trino' ? 'x-trino-user' : 'x-presto-user']: 'querygate', 'accept-encoding': 'identity' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return undefined;
      }
      return await response.body.json();
    } catch {
      return undefined;
    }
  }

  async submit(submission: Submission, res: ClientResponse): Promise<void> {
    const context: RelayContext = {
      user: submission.principal,
      baseUrl: submission.baseUrl,
      clientDialect: submission.session.dialect,
      fallbackQueryId: submission.queryId ?? this.options.queryIds.next(),
      ...(submission.queryId !== undefined ? { alias: submission.queryId } : {}),
      events: submission.events,
      endsOnCancel: true,
    };
    const headers = backendRequestHeaders(submission.headers, this.dialect, USER_AGENT);
    const followUpHeaders = { ...headers };
    headers['content-type'] = 'text/plain; charset=utf-8';
    context.answerWithinMs = this.answerDeadline('');
    await this.exchange('POST', this.pathPrefix + '/v1/statement', headers, submission.sql, context, res, followUpHeaders);
  }

  async followUp(request: FollowUpRequest, res: ClientResponse): Promise<void> {
    const context: RelayContext = {
      user: request.followUp.user,
      baseUrl: request.baseUrl,
      clientDialect: request.dialect,
      fallbackQueryId: request.followUp.queryId,
      events: request.events,
      endsOnCancel: request.followUp.phase !== 'partialCancel',
    };
    const { target } = request.followUp;
    if (queryIdOfPath(target) !== request.followUp.queryId) context.alias = request.followUp.queryId;
    if (request.method === 'GET' && request.search === '') {
      const document = this.held.take(target);
      if (document !== undefined) {
        await this.relayDocument({ statusCode: 200, headers: document.headers, body: [document.body] }, context, res);
        return;
      }
    } else this.held.drop(target);
    let path = target;
    if (request.search !== '') path += (path.includes('?') ? '&' : '?') + request.search;
    const headers = backendRequestHeaders(request.headers, this.dialect, USER_AGENT);
    if (request.method === 'GET') context.answerWithinMs = this.answerDeadline(request.search);
    await this.exchange(request.method, path, headers, undefined, context, res);
  }

  async cancelQuery(queryId: string, requester: string, headers: IncomingHttpHeaders): Promise<QueryLookup> {
    const owner = await this.fetchQueryInfo(queryId, headers);
    if (owner === undefined) return 'unknown';
    if (owner.user !== requester) return 'unknown';
    try {
      const response = await this.pool.request({
        method: 'DELETE',
        path: `${this.pathPrefix}/v1/query/${encodeURIComponent(queryId)}`,
        headers: backendRequestHeaders(headers, this.dialect, USER_AGENT),
      });
      await response.body.dump();
      return response.statusCode < 300 ? 'done' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /**
   * Runs a small metadata statement as the gateway itself (catalog and column lookups for access
   * control) and returns its rows; JSON.parse is fine here: these results hold names, not data.
   */
  private async internalQuery(sql: string, options: InternalQueryOptions = {}): Promise<unknown[][]> {
    const prefix = this.dialect === 'trino' ? 'x-trino-' : 'x-presto-';
    const followUpHeaders = options.asClient ?? { [`${prefix}user`]: INTERNAL_USER };
    const headers: Record<string, string | string[]> = { ...followUpHeaders, 'content-type': 'text/plain; charset=utf-8', 'accept-encoding': 'identity' };
    if (options.catalog !== undefined) headers[`${prefix}catalog`] = options.catalog;
    if (options.schema !== undefined) headers[`${prefix}schema`] = options.schema;
    let response: PoolResponse = await this.pool.request({ method: 'POST', path: `${this.pathPrefix}/v1/statement`, headers, body: sql });
    const rows: unknown[][] = [];
    for (;;) {
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `Metadata lookup failed with HTTP ${response.statusCode}${this.detail()}`);
      }
      const doc = (await response.body.json()) as { id?: string; columns?: Array<{ name: string; type: string }>; data?: unknown[][]; nextUri?: string; error?: { errorName: string; message: string } };
      if (doc.id !== undefined) options.onId?.(doc.id);
      if (doc.columns !== undefined) options.onColumns?.(doc.columns);
      if (doc.error) throw new QueryFailure({ name: doc.error.errorName, code: 0, type: 'USER_ERROR' }, doc.error.message);
      if (doc.data) rows.push(...doc.data);
      if (!doc.nextUri) return rows;
      const target = upstreamTarget(doc.nextUri);
      if (target === undefined) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, 'Backend returned an invalid nextUri');
      response = await this.pool.request({ method: 'GET', path: target, headers: followUpHeaders });
    }
  }

  async catalogs(): Promise<string[]> {
    return (await this.internalQuery('SHOW CATALOGS')).map((row) => String(row[0]));
  }

  async columnsOf(catalog: string, schema: string, table: string): Promise<string[] | undefined> {
    return (await this.columnTypesOf(catalog, schema, table))?.map((c) => c.name);
  }

  async columnTypesOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }> | undefined> {
    const rows = await this.internalQuery(
      `SELECT column_name, data_type FROM ${quoteIdentifier(catalog)}.information_schema.columns WHERE table_schema = ${quoteString(schema)} AND table_name = ${quoteString(table)} ORDER BY ordinal_position`,
    );
    return rows.length === 0 ? undefined : rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  }

  /** The type Trino gives an expression over a table: the gateway runs it over no rows and reads the column's type. */
  async expressionTypeOf(catalog: string, schema: string, table: string, expression: string): Promise<string> {
    let columns: Array<{ name: string; type: string }> | undefined;
    await this.internalQuery(`SELECT (${expression}) FROM ${quoteIdentifier(catalog)}.${quoteIdentifier(schema)}.${quoteIdentifier(table)} WHERE false`, { onColumns: (c) => (columns = c) });
    if (columns?.length !== 1) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, 'Expression type lookup: the backend described no column');
    return columns[0]!.type;
  }

  /**
   * What reading a view reads underneath, as Trino itself expands it: the gateway runs
   * `SELECT * FROM <view> WHERE false` as its own user and reads the finished query's
   * `referencedTables`, where Trino records every table and view the definition references
   * (recursively), its columns, and the identity it read it as (`authorization`: the caller for
   * SECURITY INVOKER views, the owner for SECURITY DEFINER views). Undefined for a table.
   */
  async viewOf(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    const views = await this.internalQuery(
      `SELECT count(*) FROM ${quoteIdentifier(catalog)}.information_schema.views WHERE table_schema = ${quoteString(schema)} AND table_name = ${quoteString(name)}`,
    );
    if (Number(views[0]?.[0] ?? 0) === 0) return undefined;
    let queryId: string | undefined;
    await this.internalQuery(`SELECT * FROM ${quoteIdentifier(catalog)}.${quoteIdentifier(schema)}.${quoteIdentifier(name)} WHERE false`, { onId: (id) => (queryId = id) });
    if (queryId === undefined) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, 'View expansion: the backend named no query id');
    const response = await this.pool.request({
      method: 'GET',
      path: `${this.pathPrefix}/v1/query/${encodeURIComponent(queryId)}`,
      headers: { [this.dialect === 'trino' ? 'x-trino-user' : 'x-presto-user']: INTERNAL_USER, 'accept-encoding': 'identity' },
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `View expansion failed with HTTP ${response.statusCode}${this.detail()}`);
    }
    const info = (await response.body.json()) as { referencedTables?: ReferencedTable[] };
    if (!Array.isArray(info.referencedTables)) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, 'View expansion: the backend reported no referenced tables');
    return expandView(info.referencedTables, INTERNAL_USER);
  }

  /**
   * A view's stored text (`information_schema.views`, as Trino keeps it: formatted, comments
   * dropped), the columns reading the view gives, and those its text gives when run in the view's
   * own catalog and schema (both over no rows, as the gateway's own user: only the types are read).
   */
  async viewDefinitionOf(catalog: string, schema: string, name: string): Promise<ViewDefinition | undefined> {
    const rows = await this.internalQuery(
      `SELECT view_definition FROM ${quoteIdentifier(catalog)}.information_schema.views WHERE table_schema = ${quoteString(schema)} AND table_name = ${quoteString(name)}`,
    );
    if (rows.length === 0) return undefined;
    const sql = String(rows[0]![0]);
    let columns: ViewDefinition['columns'] | undefined;
    await this.internalQuery(`SELECT * FROM ${quoteIdentifier(catalog)}.${quoteIdentifier(schema)}.${quoteIdentifier(name)} WHERE false`, { onColumns: (c) => (columns = c) });
    if (columns === undefined) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, 'View definition: the backend described no columns');
    let bodyColumns: ViewDefinition['columns'] | undefined;
    try {
      await this.internalQuery(`SELECT * FROM (\n${sql}\n) WHERE false`, { catalog, schema, onColumns: (c) => (bodyColumns = c) });
    } catch (err) {
      // The text does not run in the view's catalog and schema: it was created elsewhere.
      if (!(err instanceof QueryFailure) || err.errorCode.type !== 'USER_ERROR') throw err;
      bodyColumns = undefined;
    }
    return { sql, columns, ...(bodyColumns !== undefined ? { bodyColumns } : {}) };
  }

  /**
   * The unfiltered answer of a SHOW statement, run as the gateway itself in the caller's session
   * catalog and schema (the gateway filters it for the caller: see policy/metadata-filter.ts).
   */
  async showRows(sql: string, session: { catalog?: string; schema?: string }): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][] }> {
    let columns: Array<{ name: string; type: string }> = [];
    const rows = await this.internalQuery(sql, { ...session, onColumns: (c) => (columns = c) });
    return { columns, rows };
  }

  /** Every schema, table and column of a catalog, as its information_schema lists them to the gateway. */
  async objectsOf(catalog: string): Promise<CatalogObjects> {
    const quoted = quoteIdentifier(catalog);
    const [schemas, tables, columns] = await Promise.all([
      this.internalQuery(`SELECT schema_name FROM ${quoted}.information_schema.schemata`),
      this.internalQuery(`SELECT table_schema, table_name FROM ${quoted}.information_schema.tables`),
      this.internalQuery(`SELECT table_schema, table_name, column_name FROM ${quoted}.information_schema.columns`),
    ]);
    return {
      schemas: schemas.map((r) => String(r[0])),
      tables: tables.map((r) => [String(r[0]), String(r[1])] as const),
      columns: columns.map((r) => [String(r[0]), String(r[1]), String(r[2])] as const),
    };
  }

  /** The user a query runs as (for kill_query's access check); undefined when Trino does not know the id. */
  async queryOwner(queryId: string): Promise<string | undefined> {
    const rows = await this.internalQuery(`SELECT "user" FROM system.runtime.queries WHERE query_id = ${quoteString(queryId)}`);
    return rows.length === 0 ? undefined : String(rows[0]![0]);
  }

  /** Table and column comments of a catalog (for tags kept in the backend's own metadata); `column` is absent for a table comment. */
  async commentsOf(catalog: string): Promise<Array<{ schema: string; table: string; column?: string; comment: string }>> {
    const quoted = quoteIdentifier(catalog);
    const tables = await this.internalQuery(`SELECT schema_name, table_name, comment FROM system.metadata.table_comments WHERE catalog_name = ${quoteString(catalog)} AND comment IS NOT NULL`);
    const columns = await this.internalQuery(`SELECT table_schema, table_name, column_name, comment FROM ${quoted}.information_schema.columns WHERE comment IS NOT NULL`);
    return [
      ...tables.map(([schema, table, comment]) => ({ schema: String(schema), table: String(table), comment: String(comment) })),
      ...columns.map(([schema, table, column, comment]) => ({ schema: String(schema), table: String(table), column: String(column), comment: String(comment) })),
    ];
  }

  async queryState(queryId: string, timeoutMs: number): Promise<QueryOutcome | 'running' | undefined> {
    const info = (await this.askAsGateway(`/v1/query/${encodeURIComponent(queryId)}`, timeoutMs)) as { state?: unknown } | undefined;
    if (info === undefined) return undefined;
    return info.state === 'FINISHED' ? 'finished' : info.state === 'FAILED' ? 'failed' : 'running';
  }

  /** Trino's estimate of what a client's statement reads: its IO plan, as the client in its session. */
  async explainScan(sql: string, clientHeaders: IncomingHttpHeaders): Promise<ScanEstimate> {
    const rows = await this.internalQuery(`EXPLAIN (TYPE IO, FORMAT JSON) ${sql}`, { asClient: backendRequestHeaders(clientHeaders, this.dialect, USER_AGENT) });
    return scanEstimateOf(String(rows[0]?.[0] ?? ''));
  }

  readonly liveStatsReported: ReadonlySet<keyof LiveStats> = new Set<keyof LiveStats>(['elapsedMs', 'queuedMs', 'cpuMs', 'scannedBytes', 'scannedRows', 'peakMemoryBytes', 'memoryBytes', 'outputRows', 'outputBytes']);

  /** From the query's pruned QueryInfo (no stage details: about 12 kB), which has every figure, output included. */
  async liveStats(queryId: string, timeoutMs: number): Promise<LiveStats | undefined> {
    const info = (await this.askAsGateway(`/v1/query/${encodeURIComponent(queryId)}?pruned=true`, timeoutMs)) as { queryStats?: Record<string, unknown> } | undefined;
    return info?.queryStats === undefined ? undefined : liveStatsOf(info.queryStats);
  }

  /**
   * Trino's kill (`PUT /v1/query/{id}/killed`, as system.runtime.kill_query): the query fails
   * there with ADMINISTRATIVELY_KILLED and "Query killed. Message: <message>"; the message names
   * the guardrail's error, which the relay gives the client instead (guardrailError).
   */
  async kill(queryId: string, failure: QueryFailure): Promise<void> {
    try {
      const response = await this.pool.request({
        method: 'PUT',
        path: `${this.pathPrefix}/v1/query/${encodeURIComponent(queryId)}/killed`,
        headers: { [this.dialect === 'trino' ? 'x-trino-user' : 'x-presto-user']: INTERNAL_USER, 'content-type': 'text/plain; charset=utf-8' },
        body: killMessage(failure, this.options.signer.killTag),
      });
      await response.body.dump();
      if (response.statusCode >= 300) this.options.log.warn({ backend: this.name, queryId, status: response.statusCode }, 'a guardrail could not kill a query');
    } catch (err) {
      this.options.log.warn({ backend: this.name, queryId, reason: describeConnectionError(err) }, 'a guardrail could not kill a query');
    }
  }

  async abandon(queryId: string): Promise<void> {
    try {
      const response = await this.pool.request({
        method: 'DELETE',
        path: `${this.pathPrefix}/v1/query/${encodeURIComponent(queryId)}`,
        headers: { [this.dialect === 'trino' ? 'x-trino-user' : 'x-presto-user']: 'querygate' },
      });
      await response.body.dump();
    } catch (err) {
      this.options.log.warn({ backend: this.name, queryId, reason: describeConnectionError(err) }, 'could not cancel an abandoned query');
    }
  }

  async queryInfo(queryId: string, requester: string, headers: IncomingHttpHeaders, res: ClientResponse, shownAs?: string): Promise<QueryLookup> {
    const info = await this.fetchQueryInfo(queryId, headers);
    if (info === undefined) return 'unknown';
    if (info.user !== requester) return 'unknown';
    sendJson(res, JSON.stringify(shownAs === undefined ? info.publicInfo : { ...info.publicInfo, queryId: shownAs }));
    return 'done';
  }

  /** The backend's QueryInfo, reduced to what may be shown, with the user the query runs as. */
  private async fetchQueryInfo(queryId: string, headers: IncomingHttpHeaders): Promise<{ user: unknown; publicInfo: Record<string, unknown> } | undefined> {
    let response: PoolResponse;
    try {
      response = await this.pool.request({
        method: 'GET',
        path: `${this.pathPrefix}/v1/query/${encodeURIComponent(queryId)}`,
        headers: backendRequestHeaders(headers, this.dialect, USER_AGENT),
      });
    } catch {
      return undefined;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      return undefined;
    }
    const info = (await response.body.json()) as Record<string, unknown>;
    const publicInfo = publicQueryInfo(info);
    return { user: (publicInfo.session as { user?: unknown }).user, publicInfo };
  }

  private async exchange(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string | string[]>,
    body: string | undefined,
    context: RelayContext,
    res: ClientResponse,
    /** On a submission: follow data-less documents here, with these headers (see skipWaiting). */
    followUpHeaders?: Record<string, string | string[]>,
  ): Promise<void> {
    let response: BackendResponse;
    try {
      const owner = context.user;
      const deadline = context.answerWithinMs === undefined ? {} : { headersTimeout: context.answerWithinMs };
      const answer = await this.pool.request(body === undefined ? { method, path, headers, owner, ...deadline } : { method, path, headers, body, owner, ...deadline });
      response = followUpHeaders === undefined ? answer : await this.skipWaiting(answer, followUpHeaders, owner, context.answerWithinMs);
    } catch (err) {
      if (err instanceof InvalidRequestHeader) {
        // The request's fault, not the backend's: no passive health signal.
        context.events.ended('failed');
        sendQueryFailure(res, context.fallbackQueryId, context.baseUrl, new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, err.message));
        return;
      }
      this.failUnavailable(method, err, context, res);
      return;
    }
    const status = response.statusCode;
    if (status === 200) {
      await this.relayDocument(response, context, res);
      return;
    }
    let text: string;
    try {
      text = await readLimited(response.body);
    } catch (err) {
      this.failUnavailable(method, err, context, res);
      return;
    }
    if (status === 204) {
      if (method === 'DELETE' && context.endsOnCancel) context.events.ended('failed', { canceled: true });
      sendNoContent(res);
    } else if (status === 502 || status === 503 || status === 504) {
      // Retryable by every client: the same follow-up URI stays valid.
      sendText(res, 503, 'Backend temporarily unavailable, retry');
    } else if (status >= 500) {
      this.options.log.warn({ backend: this.name, status, body: text }, 'backend answered with a server error');
      this.options.onUnreachable(this.name, `HTTP ${status}`);
      failQuery(context, res, new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `Backend failed with HTTP ${status}${this.detail()}`));
    } else {
      // 404/410 and other refusals: the query is unknown or gone on the backend.
      context.events.ended('failed');
      sendText(res, status, text);
    }
  }

  /**
   * While a statement is being submitted the client holds no follow-up URI yet, so the documents
   * that only say "still waiting" (no columns, data, error, warnings, update type or session
   * headers) can be followed here instead of by the client: one round trip through the gateway
   * saved per skipped document. The client is still answered with a waiting document, as Trino
   * answers a submission (clients such as trino-client ignore anything else in that answer): the
   * last one before the first document with something in it. That document is held for the
   * client's next request (HeldDocuments); the backend still has it too (Trino repeats the
   * document of the last token), so a client asking elsewhere gets it all the same. Never on
   * follow-ups: a client retrying a URI the gateway had moved past would get 410. Following stops
   * at SUBMIT_FOLLOW_MS, and on any failure, with the last waiting document.
   */
  private async skipWaiting(first: PoolResponse, headers: Record<string, string | string[]>, owner: string, answerWithinMs: number | undefined): Promise<BackendResponse> {
    const deadline = Date.now() + SUBMIT_FOLLOW_MS;
    const read = await readWaiting(first);
    if (!('target' in read)) return read.response;
    let waiting: Waiting = read;
    for (;;) {
      let next: Awaited<ReturnType<typeof readWaiting>>;
      try {
        const response = await this.pool.request({ method: 'GET', path: waiting.target, headers, owner, ...(answerWithinMs === undefined ? {} : { headersTimeout: answerWithinMs }) });
        next = await readWaiting(response);
      } catch {
        return waiting.response;
      }
      if (!('target' in next)) {
        const { response: document, body } = next;
        if (document.statusCode !== 200 || body === undefined || !this.held.hold(waiting.target, { headers: document.headers, body })) await dump(document);
        return waiting.response;
      }
      waiting = next;
      if (Date.now() >= deadline) return waiting.response;
    }
  }

  private async relayDocument(response: BackendResponse, context: RelayContext, res: ClientResponse): Promise<void> {
    const issuedAt = Math.floor(Date.now() / 1000);
    // Trino names the negotiated encoding on every answer of a query that may spool: its data
    // pages may then carry segment URIs, rewritten in a document read whole (see spooled-data.ts).
    if (response.headers['x-trino-query-data-encoding'] !== undefined || response.headers['x-presto-query-data-encoding'] !== undefined) {
      const spooled = await this.withSegmentUrisRewritten(response, context, issuedAt, res);
      if (spooled === undefined) return;
      response = spooled;
    }
    let queryId: string | undefined;
    let hasNext = false;
    let hasError = false;
    const noticeError = { keys: NOTICED_KEYS, notice: () => (hasError = true) };
    const { alias } = context;
    const rewriter = new TopLevelValueRewriter(alias === undefined ? REWRITTEN_KEYS : ALIASED_KEYS, (key, value) => {
      if (key === 'id') return alias;
      if (key === 'nextUri') hasNext = true;
      const target = upstreamTarget(value);
      queryId ??= target ? queryIdOfPath(target) : undefined;
      const id = alias ?? queryId ?? context.fallbackQueryId;
      if (key === 'infoUri') return infoUri(context.baseUrl, id);
      if (target === undefined) return '';
      const phase: FollowUpPhase = key === 'partialCancelUri' ? 'partialCancel' : target.includes('/queued/') ? 'queued' : 'executing';
      const token = this.options.signer.signPaged({ backend: this.name, user: context.user, issuedAt, queryId: id, phase, target });
      return followUpUri(context.baseUrl, phase, id, token);
    }, noticeError);
    const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
    for (const [name, value] of clientResponseHeaders(response.headers, context.clientDialect)) headers[name] = value;
    const relayed = await this.relay(response, rewriter, headers, context, res, (body) => (hasError ? guardrailError(body, this.options.signer.killTag) : body));
    if (relayed === false) return;
    if (queryId !== undefined) context.events.started?.(alias ?? queryId, queryId);
    if (!hasNext) context.events.ended(hasError ? 'failed' : 'finished', relayed === true ? undefined : finalDetails(relayed));
  }

  /**
   * The document with its coordinator-served segment URIs replaced by gateway URIs carrying
   * sealed tokens bound to the user (relaySegment serves them); storage URIs stay as they are, so
   * those segments never cross the gateway. Undefined when the document could not be read (the
   * client was answered).
   */
  private async withSegmentUrisRewritten(response: BackendResponse, context: RelayContext, issuedAt: number, res: ClientResponse): Promise<BackendResponse | undefined> {
    let whole: Buffer;
    try {
      const read = await readSpooledDocument(response.body, MAX_SPOOLED_DOCUMENT_BYTES);
      // Statements Trino does not spool (SHOW, DDL, ...) keep JSON array pages: streamed as usual.
      if (!Buffer.isBuffer(read)) return { ...response, body: read };
      whole = read;
    } catch (err) {
      if (err instanceof DocumentTooLarge) {
        failQuery(context, res, new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `Backend sent a document with spooled segments larger than ${MAX_SPOOLED_DOCUMENT_BYTES} bytes${this.detail()}`));
      } else this.failUnavailable('GET', err, context, res);
      return undefined;
    }
    const rewrite: SegmentUriRewrite = (_key, uri, documentQueryId) => {
      const target = this.segmentTarget(uri);
      if (target === undefined) return undefined;
      // A query that waited in the gateway queue is named by its first id here too, as in its follow-ups.
      const queryId = context.alias ?? documentQueryId ?? context.fallbackQueryId;
      const token = this.options.signer.sign({ backend: this.name, user: context.user, issuedAt, queryId, phase: target.action, target: target.path });
      return segmentUri(context.baseUrl, target.action, queryId, token);
    };
    try {
      const rewritten = rewriteSegmentUris(whole, rewrite);
      return { ...response, body: [rewritten] };
    } catch {
      failQuery(context, res, new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `Backend sent a malformed document with spooled segments${this.detail()}`));
      return undefined;
    }
  }

  /** The action and backend path of a segment URI the coordinator serves; undefined for any other URI (storage, a worker). */
  private segmentTarget(uri: string): { action: SegmentAction; path: string } | undefined {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return undefined;
    }
    if (url.origin !== this.origin) return undefined;
    for (const [action, path] of SEGMENT_PATHS) {
      if (url.pathname.startsWith(this.pathPrefix + path)) return { action, path: url.pathname + url.search };
    }
    return undefined;
  }

  /**
   * A segment download or acknowledgement, relayed to the coordinator as the client would have
   * sent it (with the segment's own headers). Redirects are passed on, not followed: with
   * COORDINATOR_STORAGE_REDIRECT the client goes to storage itself.
   */
  async relaySegment(request: SegmentRequest, res: ClientResponse): Promise<void> {
    const { segment } = request;
    let response: PoolResponse;
    try {
      response = await this.pool.request({ method: 'GET', path: segment.target, headers: segmentRequestHeaders(request.headers, USER_AGENT), owner: segment.user });
    } catch (err) {
      const reason = describeConnectionError(err);
      this.options.onUnreachable(this.name, reason);
      sendText(res, 503, `Backend unavailable: ${reason}`);
      return;
    }
    res.writeHead(response.statusCode, segmentResponseHeaders(response.headers));
    try {
      for await (const chunk of response.body) {
        if (!res.write(chunk) && !(await drained(res, this.options.config.clientStallTimeout))) return;
      }
    } catch (err) {
      this.options.log.warn({ backend: this.name, err: (err as Error).message }, 'backend connection broke while relaying a segment');
      res.destroy();
      return;
    }
    res.end();
  }

  /**
   * Relays one document. Protocol documents without data are small: they are collected and sent
   * in one write with a Content-Length (many small chunked writes cost more than the copy), and a
   * backend failing before their end still gets the client a clean error document. Once a
   * document grows past SMALL_DOCUMENT_BYTES it is streamed, so memory stays bounded whatever the
   * page size, and its `data` is only followed to its end (see TopLevelValueRewriter). Returns the
   * whole document when it was small, true when streamed, false when the relay failed.
   */
  private async relay(
    response: BackendResponse,
    rewriter: TopLevelValueRewriter,
    headers: OutgoingHttpHeaders,
    context: RelayContext,
    res: ClientResponse,
    /** What a document read whole becomes before it is sent (an error document: see guardrailError). */
    finish: (body: Buffer) => Buffer = (body) => body,
  ): Promise<Buffer | boolean> {
    const whole = wholeBody(response.body);
    if (whole !== undefined) return this.sendWhole(rewriter.push(whole), rewriter, headers, context, res, finish);
    let held: Buffer[] | undefined = [];
    let heldBytes = 0;
    try {
      for await (const chunk of response.body) {
        const pieces = rewriter.push(chunk);
        if (held !== undefined) {
          held.push(...pieces);
          heldBytes += chunk.length;
          if (heldBytes <= SMALL_DOCUMENT_BYTES) continue;
          res.writeHead(200, headers);
          pieces.splice(0, pieces.length, ...held);
          held = undefined;
        }
        res.cork();
        let writable = true;
        for (const piece of pieces) if (piece.length > 0) writable = res.write(piece) && writable;
        res.uncork();
        // A client that takes nothing for a while gives up its backend connection: waiting the
        // whole requestTimeout let clients that never read hold every connection of the pool.
        if (!writable && !(await drained(res, Math.min(this.options.config.clientStallTimeout, this.options.config.requestTimeout)))) throw new ClientGone();
      }
    } catch (err) {
      if (err instanceof ClientGone) return false;
      if (held !== undefined) {
        this.failUnavailable('GET', err, context, res);
        return false;
      }
      this.options.log.warn({ backend: this.name, err: (err as Error).message }, 'backend connection broke mid-response');
      res.destroy();
      return false;
    }
    if (held !== undefined) return this.sendWhole(held, rewriter, headers, context, res, finish);
    if (!rewriter.complete) {
      // A truncated document must not look complete to the client.
      res.destroy();
      return false;
    }
    res.end();
    return true;
  }

  /** Sends a document held whole (its rewritten pieces) in one write with a Content-Length. */
  private sendWhole(pieces: Buffer[], rewriter: TopLevelValueRewriter, headers: OutgoingHttpHeaders, context: RelayContext, res: ClientResponse, finish: (body: Buffer) => Buffer): Buffer | false {
    if (!rewriter.complete) {
      this.failUnavailable('GET', new Error('truncated document'), context, res);
      return false;
    }
    const body = finish(concatenated(pieces));
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
    return body;
  }

  /**
   * How long the backend may take to start answering a submission or a poll: what the protocol
   * lets it wait (the poll's maxWait, 1 s by default), plus `pollGrace`; never beyond requestTimeout.
   */
  private answerDeadline(search: string): number {
    const { pollGrace, requestTimeout } = this.options.config;
    const maxWait = parseWait(new URLSearchParams(search).get('maxWait')) ?? DEFAULT_MAX_WAIT_MS;
    return Math.min(requestTimeout, Math.max(maxWait, DEFAULT_MAX_WAIT_MS) + pollGrace);
  }

  private failUnavailable(method: string, err: unknown, context: RelayContext, res: ClientResponse): void {
    const timedOut = err instanceof BackendRequestError && err.reason === 'response timeout' && context.answerWithinMs !== undefined;
    const reason = timedOut ? `no answer within ${context.answerWithinMs! / 1000} s, although it answers within its maxWait: hung` : describeConnectionError(err);
    this.options.log.warn({ backend: this.name, reason }, 'backend unreachable');
    this.options.onUnreachable(this.name, reason);
    if (method === 'DELETE') {
      context.events.ended('failed');
      sendText(res, 503, `Backend unavailable: ${reason}`);
      return;
    }
    failQuery(context, res, new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, `Backend unavailable (${reason})${this.detail()}`));
  }

  private detail(): string {
    return this.options.exposeDetails ? ` [backend ${this.name} at ${this.options.config.url}]` : '';
  }
}

function concatenated(pieces: Buffer[]): Buffer {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/** A body already complete in memory: a held document, or a backend answer that arrived whole. */
function wholeBody(body: BackendResponse['body']): Buffer | undefined {
  if (body instanceof ResponseBody) return body.takeWhole();
  if (Array.isArray(body)) return concatenated(body as Buffer[]);
  return undefined;
}

/** The client closed its connection during a streamed relay (leaving the loop closes the backend's). */
class ClientGone extends Error {}

/** The path and query of a backend URI (its host is the configured backend's, whatever it says). */
function upstreamTarget(uri: string): string | undefined {
  const scheme = uri.indexOf('://');
  if (scheme === -1) return undefined;
  const path = uri.indexOf('/', scheme + 3);
  if (path === -1) return undefined;
  const hash = uri.indexOf('#', path);
  return hash === -1 ? uri.slice(path) : uri.slice(path, hash);
}

/** Query id in a Trino or Presto follow-up path: the first segment after the phase words. */
function queryIdOfPath(path: string): string | undefined {
  const segments = path.split('?')[0]!.split('/');
  const start = segments.indexOf('statement');
  if (start === -1) return undefined;
  for (let i = start + 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === 'queued' || segment === 'executing' || segment === 'partialCancel' || segment === 'scheduled') continue;
    return /^[A-Za-z0-9_]+$/.test(segment) ? segment : undefined;
  }
  return undefined;
}

/** Ends the query as failed, with what the client is told (and the id it is told, should the backend never have named one). */
function failQuery(context: RelayContext, res: ClientResponse, failure: QueryFailure): void {
  context.events.ended('failed', { errorName: failure.errorCode.name, errorMessage: failure.message, queryId: context.fallbackQueryId });
  sendQueryFailure(res, context.fallbackQueryId, context.baseUrl, failure);
}

function describeConnectionError(err: unknown): string {
  return err instanceof BackendRequestError ? err.reason : 'connection failed';
}

/**
 * Reads a small response whole; `target` is the backend path of its nextUri when it is a 200
 * document that only says the query is still waiting. `response` replays what was read.
 */
interface Waiting {
  response: BackendResponse;
  target: string;
}

async function readWaiting(response: PoolResponse): Promise<Waiting | { response: BackendResponse; body?: Buffer }> {
  if (response.statusCode !== 200) return { response };
  const chunks: Buffer[] = [];
  let size = 0;
  const body = response.body[Symbol.asyncIterator]();
  for (let next = await body.next(); !next.done; next = await body.next()) {
    chunks.push(next.value);
    size += next.value.length;
    // Too large to be a waiting document: what was read, then the rest.
    if (size > SMALL_DOCUMENT_BYTES) return { response: { ...response, body: prepend(chunks, body) } };
  }
  const whole = Buffer.concat(chunks);
  const read = { ...response, body: [whole] };
  // Session changes (X-Trino-Set-*) must reach the client: such a document is never skipped.
  if (Object.keys(response.headers).some((h) => h.startsWith('x-trino-') || h.startsWith('x-presto-'))) return { response: read, body: whole };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(whole.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { response: read, body: whole };
  }
  const warnings = doc.warnings;
  const isWaiting =
    typeof doc.nextUri === 'string' &&
    doc.data === undefined &&
    doc.columns === undefined &&
    doc.error === undefined &&
    doc.updateType === undefined &&
    (warnings === undefined || (Array.isArray(warnings) && warnings.length === 0));
  const target = isWaiting ? upstreamTarget(doc.nextUri as string) : undefined;
  return target === undefined ? { response: read, body: whole } : { response: read, target };
}

async function dump(response: BackendResponse): Promise<void> {
  for await (const _ of response.body) {
    // drained so the connection can be reused
  }
}

/** `chunks` already read, then the rest of `body`. */
async function* prepend(chunks: Buffer[], body: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  try {
    yield* chunks;
    for (let next = await body.next(); !next.done; next = await body.next()) yield next.value;
  } finally {
    // Left early (the client went away): closing the inner body closes its backend connection.
    await body.return?.();
  }
}

class DocumentTooLarge extends Error {}

/**
 * Reads a document of a query that negotiated an encoding: whole (up to `limit` bytes) when its
 * `data` is an object (segments), else, as soon as `data` shows to be an array or the document
 * has none, the body to stream: what was read, then the rest.
 */
async function readSpooledDocument(body: BackendResponse['body'], limit: number): Promise<Buffer | AsyncIterable<Buffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  const probe = new TopLevelValueRewriter(new Set(), () => undefined);
  let segments = false;
  const iterator = toAsyncIterator(body);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const chunk = next.value;
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) throw new DocumentTooLarge();
    if (segments) continue;
    const { stoppedAt } = probe.pushUntilValueOf(chunk, 'data');
    if (stoppedAt === -1) continue;
    if (chunk[stoppedAt] !== OPEN_OBJECT) return prepend(chunks, iterator);
    segments = true;
  }
  return concatenated(chunks);
}

const OPEN_OBJECT = 0x7b;

function toAsyncIterator(body: BackendResponse['body']): AsyncIterator<Buffer> {
  if (Symbol.asyncIterator in body) return body[Symbol.asyncIterator]();
  const iterator = body[Symbol.iterator]();
  return { next: async () => iterator.next() };
}

async function readLimited(body: BackendResponse['body']): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    if (text.length < MAX_ERROR_BODY) text += chunk.toString('utf8');
  }
  return text.slice(0, MAX_ERROR_BODY);
}

/** The parts of a backend's QueryInfo that are safe to show: no node addresses, no internal URIs. */
function publicQueryInfo(info: Record<string, unknown>): Record<string, unknown> {
  const session = (info.session ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    queryId: info.queryId,
    state: info.state,
    query: info.query,
    queryType: info.queryType,
    session: { user: session.user, source: session.source, catalog: session.catalog, schema: session.schema },
    queryStats: info.queryStats,
    scheduled: info.scheduled,
  };
  if (info.errorCode !== undefined) out.errorCode = info.errorCode;
  if (info.errorType !== undefined) out.errorType = info.errorType;
  return out;
}

/**
 * An error document of a query a guardrail of this fleet killed (ADMINISTRATIVELY_KILLED, the kill
 * message carrying the fleet's kill tag and naming the guardrail's error) with that error instead,
 * as the gateway would have sent it; any other document as it is.
 */
export function guardrailError(document: Buffer, killTag: string): Buffer {
  let doc: { error?: { errorName?: unknown; message?: unknown } };
  try {
    doc = JSON.parse(document.toString('utf8')) as typeof doc;
  } catch {
    return document;
  }
  const { error } = doc;
  if (error?.errorName !== 'ADMINISTRATIVELY_KILLED' || typeof error.message !== 'string') return document;
  const failure = failureOfKillMessage(error.message, killTag);
  return failure === undefined ? document : Buffer.from(JSON.stringify({ ...doc, error: toQueryError(failure) }));
}

/** Trino's QueryStats figures as the runaway guardrails read them (durations like `1.50s`, sizes like `12.3MB`). */
export function liveStatsOf(stats: Record<string, unknown>): LiveStats {
  const live: LiveStats = {};
  const set = (key: keyof LiveStats, value: number | undefined) => {
    if (value !== undefined) live[key] = value;
  };
  const duration = (key: string) => (typeof stats[key] === 'string' ? parseAirliftDuration(stats[key]) : undefined);
  const size = (key: string) => (typeof stats[key] === 'string' ? parseAirliftDataSize(stats[key]) : undefined);
  const count = (key: string) => (typeof stats[key] === 'number' ? stats[key] : undefined);
  set('elapsedMs', duration('elapsedTime'));
  set('queuedMs', duration('queuedTime'));
  set('cpuMs', duration('totalCpuTime'));
  set('scannedBytes', size('physicalInputDataSize'));
  set('scannedRows', count('physicalInputPositions'));
  set('peakMemoryBytes', size('peakTotalMemoryReservation'));
  set('memoryBytes', size('totalMemoryReservation'));
  set('outputRows', count('outputPositions'));
  set('outputBytes', size('outputDataSize'));
  return live;
}

/** Error and statistics of a query's final document (small: it carries no data). */
function finalDetails(document: Buffer): QueryEndDetails {
  try {
    const doc = JSON.parse(document.toString('utf8')) as { error?: { errorName?: string; message?: string }; stats?: Record<string, unknown> };
    const details: QueryEndDetails = {};
    if (doc.error?.errorName !== undefined) details.errorName = doc.error.errorName;
    if (doc.error?.message !== undefined) details.errorMessage = doc.error.message;
    if (details.errorName === 'USER_CANCELED') details.canceled = true;
    const stats = doc.stats ?? {};
    const number = (key: string) => (typeof stats[key] === 'number' ? (stats[key] as number) : undefined);
    const figures = {
      cpuMs: number('cpuTimeMillis'),
      wallMs: number('wallTimeMillis'),
      processedRows: number('processedRows'),
      processedBytes: number('processedBytes'),
      peakMemoryBytes: number('peakMemoryBytes'),
    };
    details.stats = Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== undefined));
    return details;
  } catch {
    return {};
  }
}
