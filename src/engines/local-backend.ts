/**
 * A backend whose queries run inside this gateway process (embedded DuckDB). The gateway plays
 * the coordinator: it mints query ids, answers session statements itself, pages the engine's
 * rows into QueryResults documents and implements Trino's follow-up token rules (repeat the last
 * token: same document again; next token: next document; anything else: gone or not found).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientResponse } from '../http1/exchange.js';
import { ErrorCodes, HttpFailure, QueryFailure, asQueryFailure } from '../protocol/errors.js';
import type { QueryIdGenerator } from '../protocol/query-id.js';
import type { QueryTokenSigner } from '../protocol/query-token.js';
import { parseSize, parseWait } from '../protocol/query-params.js';
import { renderQueryResults, type QueryDocument, type QueryState } from '../protocol/results.js';
import { formEncode, hasCapability, headerName, preparedStatement, type Dialect, type QuerySession } from '../protocol/session.js';
import { followUpUri, infoUri } from '../protocol/uris.js';
import { sendJson, sendNoContent, type HeaderList } from '../server/respond.js';
import type { ViewDefinition, ViewExpansion } from '../sql/analyzer/types.js';
import type { LiveStats } from '../admission/guardrails.js';
import type { CatalogDescription } from '../catalogs/model.js';
import { informationSchemaTable, systemTable } from '../catalogs/metadata-tables.js';
import { quoteString } from '../sql/quoting.js';
import { classifyStatement, type SessionStatement } from '../sql/session-statement.js';
import { checkEmbeddedSessionReset, embeddedSessionValue, nullSessionValue } from '../catalogs/show-session.js';
import { embeddedBindingRefusal } from './duckdb/binding.js';
import type { Backend, FollowUpRequest, QueryEndEvents, QueryLookup, Submission } from './backend.js';
import type { DescribeSession, LocalEngine, LocalExecution, LocalStatement, OutputColumn, ResultPage } from './local-engine.js';
import { PageBudget, type ResultLimits } from './page-budget.js';

const DEFAULT_TARGET_BYTES = 1024 * 1024;
const DEFAULT_MAX_WAIT_MS = 1000;
/** A finished query is kept this long so a client retrying its last poll gets the same answer. */
const FINISHED_RETENTION_MS = 60_000;

type Outcome = { execution: LocalExecution } | { headers: HeaderList; updateType: string };

class LocalQuery {
  state: QueryState = 'QUEUED';
  readonly createdAt = Date.now();
  startedAt: number | undefined;
  lastPollAt = Date.now();
  finishedAt: number | undefined;
  processedRows = 0;
  /** Bytes of the result pages built (their JSON rows). */
  outputBytes = 0;
  error: QueryFailure | undefined;
  outcome: Outcome | undefined;
  readonly abort = new AbortController();
  /** The start in flight (engine planning) or the page fetch in flight; kept across polls that time out. */
  pending: Promise<unknown> | undefined;
  pendingPage: Promise<ResultPage | null> | undefined;
  lastToken = 0;
  lastResponse: { body: string; headers: HeaderList } | undefined;
  /** Held in the backend's PageBudget: for the page being built, and for the page in lastResponse. */
  reserved = 0;
  retained = 0;
  /** Serialises polls of one query (a client retry can overlap the original request). */
  queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: QueryEndEvents,
    readonly id: string,
    readonly user: string,
    /** The authenticated principal that started the query; follow-up tokens are bound to it. */
    readonly principal: string,
    readonly dialect: Dialect,
    readonly sql: string,
    /** Access control analyzed this statement as Trino SQL: refuse what the engine would read differently. */
    readonly governed: boolean,
  ) {}

  get done(): boolean {
    return this.state === 'FINISHED' || this.state === 'FAILED';
  }

  fail(failure: QueryFailure): void {
    if (this.done) return;
    this.error = failure;
    this.state = 'FAILED';
    this.finishedAt = Date.now();
    this.events.ended(failure.errorCode === ErrorCodes.ABANDONED_QUERY ? 'abandoned' : 'failed', {
      errorName: failure.errorCode.name,
      errorMessage: failure.message,
      canceled: failure.errorCode === ErrorCodes.USER_CANCELED || failure.errorCode === ErrorCodes.SERVER_SHUTTING_DOWN,
    });
  }

  finish(): void {
    if (this.done) return;
    this.state = 'FINISHED';
    this.finishedAt = Date.now();
    const reported = this.outcome && 'execution' in this.outcome ? this.outcome.execution.stats : undefined;
    this.events.ended('finished', { stats: { processedRows: this.processedRows, wallMs: this.finishedAt - this.createdAt, ...reported } });
  }
}

export interface LocalBackendOptions {
  name: string;
  engine: LocalEngine;
  signer: QueryTokenSigner;
  queryIds: QueryIdGenerator;
  clientTimeoutMs: number;
  results: ResultLimits;
}

export class LocalBackend implements Backend {
  readonly engine: 'duckdb' | 'athena';
  readonly name: string;
  private readonly queries = new Map<string, LocalQuery>();
  private readonly pages: PageBudget;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalBackendOptions) {
    this.name = options.name;
    this.engine = options.engine.kind === 'athena' ? 'athena' : 'duckdb';
    this.pages = new PageBudget(options.results);
    // Only engines that describe their catalogs have their metadata answered by the gateway
    // (the metadata service tells such backends from Trino-like ones by this member).
    const describe = options.engine.describeCatalogs?.bind(options.engine);
    if (describe !== undefined) this.describeCatalogs = describe;
    // The gateway's own queries (SHOW STATS) are DuckDB SQL: Athena answers those statements itself.
    if (describe !== undefined && this.engine === 'duckdb') this.internalRows = (sql, signal) => this.readAll(sql, signal);
    const describeOutput = options.engine.describeOutput?.bind(options.engine);
    if (describeOutput !== undefined) this.describeOutput = describeOutput;
    const describeInput = options.engine.describeInput?.bind(options.engine);
    if (describeInput !== undefined) this.describeInput = describeInput;
  }

  readonly describeOutput?: (sql: string, parameters: number, session: DescribeSession) => Promise<OutputColumn[]>;
  readonly describeInput?: (sql: string, parameters: number, session: DescribeSession) => Promise<string[]>;

  readonly describeCatalogs?: () => Promise<CatalogDescription[]>;
  readonly internalRows?: (sql: string, signal: AbortSignal) => Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][] }>;

  private async readAll(sql: string, signal: AbortSignal): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][] }> {
    const execution = await this.options.engine.execute({ sql, parameters: [], parametricDatetime: true }, signal);
    const rows: unknown[][] = [];
    for (let page = await execution.nextPage(1 << 20); page !== null; page = await execution.nextPage(1 << 20)) rows.push(...(JSON.parse(`[${page.rowsJson}]`) as unknown[][]));
    return { columns: execution.columns.map((c) => ({ name: c.name, type: c.type })), rows };
  }

  async probe(timeoutMs: number): Promise<string | undefined> {
    return this.options.engine.probe?.(AbortSignal.timeout(timeoutMs));
  }

  async reportedLoad(timeoutMs: number): Promise<number | undefined> {
    return this.options.engine.reportedLoad?.(AbortSignal.timeout(timeoutMs));
  }

  saturated(): boolean {
    return this.options.engine.saturated?.() ?? false;
  }

  async start(): Promise<void> {
    await this.options.engine.start();
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const query of this.queries.values()) this.cancel(query, new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, 'The gateway is shutting down'));
    await this.options.engine.close();
  }

  /** Number of queries this backend is tracking that have not finished. */
  get activeQueries(): number {
    let n = 0;
    for (const q of this.queries.values()) if (!q.done) n++;
    return n;
  }

  async submit(submission: Submission, res: ClientResponse): Promise<void> {
    this.serve(submission, res, (query) => this.run(query, classifyStatement(query.sql), submission.session));
  }

  /**
   * Serves a statement the gateway answers itself (metadata): `execute` produces its rows when
   * the query starts; paging, cancel and follow-ups are as for any query of this backend.
   */
  answer(submission: Submission, res: ClientResponse, execute: (signal: AbortSignal) => Promise<LocalExecution>): void {
    this.serve(submission, res, async (query) => ({ execution: await execute(query.abort.signal) }));
  }

  private serve(submission: Submission, res: ClientResponse, start: (query: LocalQuery) => Promise<Outcome>): void {
    const query = new LocalQuery(submission.events, submission.queryId ?? this.options.queryIds.next(), submission.user, submission.principal, submission.session.dialect, submission.sql, submission.access !== undefined);
    this.queries.set(query.id, query);
    submission.events.started(query.id);
    // Start at once: the first poll then usually finds the first page ready.
    this.begin(query, start);
    sendJson(res, renderQueryResults(this.document(query, submission.baseUrl, 1)));
  }

  async followUp(request: FollowUpRequest, res: ClientResponse): Promise<void> {
    const query = this.queries.get(request.followUp.queryId);
    if (!query) throw new HttpFailure(410, 'Query is gone: it finished, was abandoned, or the gateway restarted');
    const token = Number(request.followUp.target);
    if (request.method === 'DELETE') {
      this.cancel(query, canceled());
      sendNoContent(res);
      return;
    }
    const params = new URLSearchParams(request.search);
    const maxWaitMs = Math.min(parseWait(params.get('maxWait')) ?? DEFAULT_MAX_WAIT_MS, DEFAULT_MAX_WAIT_MS);
    // Trino caps targetResultSize too (at 128MB); a page is held in memory until its client moves on.
    const targetBytes = Math.min(parseSize(params.get('targetResultSize')) ?? DEFAULT_TARGET_BYTES, this.pages.limits.maxPageSize);
    const turn = query.queue.then(async () => {
      query.lastPollAt = Date.now();
      if (token === query.lastToken && query.lastResponse) {
        sendJson(res, query.lastResponse.body, query.lastResponse.headers);
        return;
      }
      if (token < query.lastToken) throw new HttpFailure(410, 'Query results for this token were already delivered');
      if (token === query.lastToken && query.done) {
        // Its page was let go when the query was canceled or failed: the final state instead.
        sendJson(res, renderQueryResults(this.document(query, request.baseUrl, undefined)));
        return;
      }
      if (token !== query.lastToken + 1) throw new HttpFailure(404, 'Query not found');
      // Asking for the next token, the client shows it has the last answer: its page is let go.
      this.letGo(query);
      const { doc, headers } = await this.advance(query, request.baseUrl, token, maxWaitMs, targetBytes);
      const body = renderQueryResults(doc);
      query.lastToken = token;
      query.lastResponse = { body, headers };
      sendJson(res, body, headers);
    });
    query.queue = turn.catch(() => undefined);
    await turn;
  }

  async cancelQuery(queryId: string, requester: string, _headers: IncomingHttpHeaders): Promise<QueryLookup> {
    const query = this.queries.get(queryId);
    if (!query) return 'unknown';
    if (query.user !== requester) return 'unknown';
    this.cancel(query, canceled());
    return 'done';
  }

  async catalogs(): Promise<string[]> {
    const listed = this.options.engine.catalogNames?.();
    if (listed !== undefined) return listed;
    // DuckDB's own in-memory and temporary databases are no catalogs of the gateway's namespace.
    const sql = "SELECT DISTINCT catalog_name FROM information_schema.schemata WHERE catalog_name NOT IN ('memory', 'temp') ORDER BY 1";
    return (await this.readAll(sql, new AbortController().signal)).rows.map((row) => String(row[0]));
  }

  async columnsOf(catalog: string, schema: string, table: string): Promise<string[] | undefined> {
    return (await this.columnTypesOf(catalog, schema, table))?.map((c) => c.name);
  }

  async columnTypesOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }> | undefined> {
    // The gateway answers these tables (catalogs/metadata-service.ts), not DuckDB: their columns are Trino's.
    const metadataTable = schema === 'information_schema' ? informationSchemaTable(table) : catalog === 'system' ? systemTable(schema, table) : undefined;
    if (metadataTable !== undefined) return metadataTable.columns.map(({ name, type }) => ({ name, type }));
    const columns = await this.options.engine.columnsOf(catalog, schema, table);
    return columns.length === 0 ? undefined : columns;
  }

  async viewOf(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    return this.options.engine.viewReads(catalog, schema, name);
  }

  async viewDefinitionOf(catalog: string, schema: string, name: string): Promise<ViewDefinition | undefined> {
    return this.options.engine.viewDefinition?.(catalog, schema, name);
  }

  /** The engine runs a query as soon as it arrives and accounts no CPU, scan or memory per query: times and output only. */
  readonly liveStatsReported: ReadonlySet<keyof LiveStats> = new Set<keyof LiveStats>(['elapsedMs', 'queuedMs', 'outputRows', 'outputBytes']);

  async liveStats(queryId: string): Promise<LiveStats | undefined> {
    const query = this.queries.get(queryId);
    if (!query || query.done) return undefined;
    const now = Date.now();
    return { elapsedMs: now - query.createdAt, queuedMs: (query.startedAt ?? now) - query.createdAt, outputRows: query.processedRows, outputBytes: query.outputBytes };
  }

  async kill(queryId: string, failure: QueryFailure): Promise<void> {
    await this.abandon(queryId, failure);
  }

  async abandon(queryId: string, reason?: QueryFailure): Promise<void> {
    const query = this.queries.get(queryId);
    if (query) this.cancel(query, reason ?? new QueryFailure(ErrorCodes.ABANDONED_QUERY, `Query ${query.id} was abandoned: its client stopped polling`));
  }

  async queryInfo(queryId: string, requester: string, _headers: IncomingHttpHeaders, res: ClientResponse): Promise<QueryLookup> {
    const query = this.queries.get(queryId);
    if (!query) return 'unknown';
    if (query.user !== requester) return 'unknown';
    const info: Record<string, unknown> = {
      queryId: query.id,
      state: query.state,
      query: query.sql,
      session: { user: query.user },
      queryStats: {
        createTime: new Date(query.createdAt).toISOString(),
        endTime: query.finishedAt === undefined ? undefined : new Date(query.finishedAt).toISOString(),
        elapsedTime: `${(query.finishedAt ?? Date.now()) - query.createdAt}ms`,
        processedInputPositions: query.processedRows,
      },
    };
    if (query.error) {
      info.errorCode = { code: query.error.errorCode.code, name: query.error.errorCode.name, type: query.error.errorCode.type };
    }
    sendJson(res, JSON.stringify(info));
    return 'done';
  }

  private begin(query: LocalQuery, start: (query: LocalQuery) => Promise<Outcome>): void {
    let started: Promise<Outcome>;
    try {
      started = start(query);
    } catch (err) {
      query.fail(asQueryFailure(err));
      return;
    }
    query.pending = started.then(
      (outcome) => {
        query.pending = undefined;
        if (query.done) return;
        query.outcome = outcome;
        query.state = 'RUNNING';
        query.startedAt = Date.now();
      },
      (err: unknown) => {
        query.pending = undefined;
        query.fail(asQueryFailure(err));
      },
    );
  }

  /** Runs a statement: session statements are answered here, queries go to the engine. */
  private async run(query: LocalQuery, statement: SessionStatement, session: QuerySession): Promise<Outcome> {
    const h = (suffix: string) => headerName(query.dialect, suffix);
    switch (statement.kind) {
      case 'use': {
        const catalog = statement.catalog ?? session.catalog;
        if (catalog === undefined) {
          throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, 'Catalog must be specified when session catalog is not set');
        }
        await this.assertSchemaExists(catalog, statement.schema, query.abort.signal);
        return { headers: [[h('Set-Catalog'), catalog], [h('Set-Schema'), statement.schema]], updateType: 'USE' };
      }
      case 'setSession': {
        let value = statement.value.text;
        if (this.engine === 'duckdb') value = embeddedSessionValue(statement.name, statement.value, await this.catalogs());
        else if (statement.value.literal === 'null') throw nullSessionValue(statement.name);
        return { headers: [[h('Set-Session'), `${statement.name}=${formEncode(value)}`]], updateType: 'SET SESSION' };
      }
      case 'resetSession':
        if (this.engine === 'duckdb') checkEmbeddedSessionReset(statement.name, await this.catalogs());
        return { headers: [[h('Clear-Session'), statement.name]], updateType: 'RESET SESSION' };
      case 'prepare':
        // Validate what is being prepared now, as Trino does, rather than on EXECUTE.
        classifyStatement(statement.sql);
        return { headers: [[h('Added-Prepare'), `${formEncode(statement.name)}=${formEncode(statement.sql)}`]], updateType: 'PREPARE' };
      case 'deallocate':
        if (preparedStatement(session, statement.name) === undefined) throw preparedNotFound(statement.name);
        return { headers: [[h('Deallocated-Prepare'), formEncode(statement.name)]], updateType: 'DEALLOCATE' };
      case 'execute': {
        const sql = preparedStatement(session, statement.name);
        if (sql === undefined) throw preparedNotFound(statement.name);
        return { execution: await this.execute(query, session, sql, statement.parameters) };
      }
      case 'executeImmediate':
        return { execution: await this.execute(query, session, statement.sql, statement.parameters) };
      case 'setAuthorization':
        // Whether the user may act as `user` is checked on the client's next request, which carries it.
        return { headers: [[h('Set-Authorization-User'), statement.user]], updateType: 'SET SESSION AUTHORIZATION' };
      case 'resetAuthorization':
        return { headers: [[h('Reset-Authorization-User'), 'true']], updateType: 'RESET SESSION AUTHORIZATION' };
      case 'startTransaction':
      case 'commit':
      case 'rollback':
        throw new QueryFailure(
          ErrorCodes.NOT_SUPPORTED,
          `The embedded engine runs every statement in its own transaction (autocommit); ${statement.kind === 'startTransaction' ? 'START TRANSACTION' : statement.kind.toUpperCase()} is not supported`,
        );
      case 'query':
        return { execution: await this.execute(query, session, statement.sql, []) };
    }
  }

  private async execute(query: LocalQuery, session: QuerySession, sql: string, parameters: string[]): Promise<LocalExecution> {
    const inner = classifyStatement(sql);
    if (inner.kind !== 'query') {
      throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'Only queries and data statements can be prepared for the embedded engine');
    }
    // Access control analyzed the statement as Trino SQL: what DuckDB would bind differently is refused (Athena runs Trino SQL).
    if (query.governed && this.engine === 'duckdb') {
      const refused = embeddedBindingRefusal(inner.sql, session);
      if (refused !== undefined) throw refused;
    }
    const statement: LocalStatement = {
      sql: inner.sql,
      parameters,
      user: query.user,
      parametricDatetime: hasCapability(session, 'PARAMETRIC_DATETIME'),
    };
    if (session.catalog !== undefined) statement.catalog = session.catalog;
    if (session.schema !== undefined) statement.schema = session.schema;
    if (session.timeZone !== undefined) statement.timeZone = session.timeZone;
    return this.options.engine.execute(statement, query.abort.signal, {
      running: () => {
        if (query.done) return;
        query.state = 'RUNNING';
        query.startedAt ??= Date.now();
      },
    });
  }

  private async assertSchemaExists(catalog: string, schema: string, signal: AbortSignal): Promise<void> {
    const engine = this.options.engine;
    if (engine.schemaExists !== undefined) {
      if (!(await engine.schemaExists(catalog, schema))) throw new QueryFailure(ErrorCodes.SCHEMA_NOT_FOUND, `Schema does not exist: ${catalog}.${schema}`);
      return;
    }
    const execution = await this.options.engine.execute(
      {
        sql: 'SELECT count(*) FROM information_schema.schemata WHERE catalog_name = ? AND schema_name = ?',
        parameters: [quoteString(catalog), quoteString(schema)],
        parametricDatetime: false,
      },
      signal,
    );
    const page = await execution.nextPage(1024);
    if (page === null || page.rowsJson === '[0]') throw new QueryFailure(ErrorCodes.SCHEMA_NOT_FOUND, `Schema does not exist: ${catalog}.${schema}`);
  }

  /** Moves a query one step and returns the document for this poll. */
  private async advance(
    query: LocalQuery,
    baseUrl: string,
    token: number,
    maxWaitMs: number,
    targetBytes: number,
  ): Promise<{ doc: QueryDocument; headers: HeaderList }> {
    if (query.pending && !(await settlesWithin(query.pending, maxWaitMs))) {
      return { doc: this.document(query, baseUrl, token + 1), headers: [] };
    }
    const outcome = query.outcome;
    if (query.done || outcome === undefined) return { doc: this.document(query, baseUrl, undefined), headers: [] };
    if ('headers' in outcome) {
      query.finish();
      const doc = this.document(query, baseUrl, undefined);
      doc.columns = [];
      doc.updateType = outcome.updateType;
      return { doc, headers: outcome.headers };
    }
    const execution = outcome.execution;
    if (query.pendingPage === undefined) {
      const refused = this.pages.take(query.principal, targetBytes);
      if (refused !== undefined) {
        this.cancel(query, refused);
        return { doc: this.document(query, baseUrl, undefined), headers: [] };
      }
      query.reserved = targetBytes;
      query.pendingPage = execution.nextPage(targetBytes);
    }
    if (!(await settlesWithin(query.pendingPage, maxWaitMs))) {
      return { doc: this.document(query, baseUrl, token + 1), headers: [] };
    }
    let page: ResultPage | null;
    try {
      page = await query.pendingPage;
    } catch (err) {
      query.fail(asQueryFailure(err));
      return { doc: this.document(query, baseUrl, undefined), headers: [] };
    } finally {
      query.pendingPage = undefined;
      this.pages.give(query.principal, query.reserved);
      query.reserved = 0;
    }
    if (query.done) return { doc: this.document(query, baseUrl, undefined), headers: [] };
    if (page === null) {
      query.finish();
    } else {
      // A page exceeds what was asked for only by a single row larger than that.
      const size = page.rowsJson.length;
      const refused = size > this.pages.limits.maxPageSize ? this.pages.rowTooLarge() : this.pages.take(query.principal, size);
      if (refused !== undefined) {
        this.cancel(query, refused);
        return { doc: this.document(query, baseUrl, undefined), headers: [] };
      }
      query.retained = size;
      query.processedRows += page.rowCount;
      query.outputBytes += size;
    }
    const doc = this.document(query, baseUrl, page === null ? undefined : token + 1);
    doc.columns = execution.columns;
    if (page !== null) doc.rowsJson = page.rowsJson;
    if (execution.updateType !== undefined) doc.updateType = execution.updateType;
    if (execution.updateCount !== undefined) doc.updateCount = execution.updateCount;
    return { doc, headers: [] };
  }

  private document(query: LocalQuery, baseUrl: string, nextToken: number | undefined): QueryDocument {
    const now = query.finishedAt ?? Date.now();
    const doc: QueryDocument = {
      id: query.id,
      infoUri: infoUri(baseUrl, query.id),
      state: query.state,
      elapsedMillis: now - query.createdAt,
      queuedMillis: (query.startedAt ?? now) - query.createdAt,
      processedRows: query.processedRows,
    };
    if (query.error) doc.error = query.error;
    if (nextToken !== undefined && !query.done) {
      const phase = query.state === 'QUEUED' && nextToken === 1 ? 'queued' : 'executing';
      const token = this.options.signer.signPaged({
        backend: this.name,
        user: query.principal,
        issuedAt: Math.floor(Date.now() / 1000),
        queryId: query.id,
        phase,
        target: String(nextToken),
      });
      doc.nextUri = followUpUri(baseUrl, phase, query.id, token);
    }
    return doc;
  }

  private cancel(query: LocalQuery, failure: QueryFailure): void {
    if (query.done) return;
    query.fail(failure);
    query.abort.abort();
    if (query.outcome && 'execution' in query.outcome) query.outcome.execution.cancel();
    // Nothing more will be read: the page being built and the one kept for a retry are let go.
    this.pages.give(query.principal, query.reserved);
    query.reserved = 0;
    this.letGo(query);
  }

  /** Drops the page kept for a retry of the last poll. */
  private letGo(query: LocalQuery): void {
    this.pages.give(query.principal, query.retained);
    query.retained = 0;
    query.lastResponse = undefined;
  }

  /** Cancels queries whose client stopped polling and forgets finished ones. */
  private sweep(): void {
    const now = Date.now();
    for (const query of this.queries.values()) {
      if (query.done) {
        if (now - (query.finishedAt ?? now) > FINISHED_RETENTION_MS) this.queries.delete(query.id);
      } else if (now - query.lastPollAt > this.options.clientTimeoutMs) {
        this.cancel(query, new QueryFailure(ErrorCodes.ABANDONED_QUERY, `Query ${query.id} was abandoned: its client stopped polling`));
      }
    }
  }
}

function canceled(): QueryFailure {
  return new QueryFailure(ErrorCodes.USER_CANCELED, 'Query was canceled');
}

function preparedNotFound(name: string): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_FOUND, `Prepared statement not found: ${name}`);
}


async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
