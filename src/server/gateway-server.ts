/**
 * The front door: the only part of the gateway that knows HTTP. It reads and checks the request
 * (body size and encoding, header family, session headers, user), hands statements to the chosen
 * backend and routes follow-ups by their sealed token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ClientRequest, ClientResponse } from '../http1/exchange.js';
import { BodyUnavailable, FrontDoor } from '../http1/front-door.js';
import { ImpersonationDenied, type Identity, type IdentityResolver } from '../auth/identity.js';
import type { Logger } from 'pino';
import type { Backend, QueryEndDetails, QueryOutcome, Submission } from '../engines/backend.js';
import type { LocalBackend } from '../engines/local-backend.js';
import type { MetadataAnswer, MetadataService } from '../catalogs/metadata-service.js';
import { catalogsNamed } from '../catalogs/placement.js';
import { changesObjects, describeAccess, type AccessControl, type AccessOutcome } from '../policy/access-control.js';
import { accessRecord, submittedRecord } from './history-record.js';
import type { QueryTracker } from '../tracking/query-tracker.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { QueryTrace, Tracing } from '../observability/tracing.js';
import { ErrorCodes, HttpFailure, QueryFailure, asQueryFailure } from '../protocol/errors.js';
import type { QueryIdGenerator } from '../protocol/query-id.js';
import { wrongUser, type QueryTokenSigner } from '../protocol/query-token.js';
import { detectDialect, headerName, parseSession, type Dialect } from '../protocol/session.js';
import type { RoutingContext } from '../routing/router.js';
import { parseFollowUpPath, parseSegmentPath } from '../protocol/uris.js';
import type { Admission } from '../routing/admission.js';
import type { AdminApi } from './admin-api.js';
import type { StaticUi } from './static-ui.js';
import { QUEUE_BACKEND, type Dispatcher } from './dispatcher.js';
import { shuttingDown } from './drain.js';
import type { Lifecycle, Readiness } from './probes.js';
import { sendJson, sendNoContent, sendQueryFailure, sendText } from './respond.js';
import { GuardrailRefusal, guardrailRecord } from '../admission/guardrails.js';
import { FORWARDED_PROTO_HEADER, forwardedIdentity } from './worker-forwarding.js';

export interface GatewayServerOptions {
  backends: Backend[];
  dispatcher: Dispatcher;
  admission: Admission;
  admin: AdminApi;
  ui: StaticUi;
  signer: QueryTokenSigner;
  queryIds: QueryIdGenerator;
  maxStatementBytes: number;
  /** Open connections per listener (server.maxConnections): more are closed on arrival. */
  maxConnections: number;
  /** Bytes the front door holds for all connections together (heads, pipelined requests, bodies being read). */
  maxBufferedBytes: number;
  publicUrl?: string;
  version: string;
  identity: IdentityResolver;
  metrics: GatewayMetrics;
  tracing: Tracing;
  tracker: QueryTracker;
  /** Absent: every statement is allowed (no accessControl configured). */
  access?: AccessControl;
  lifecycle: Lifecycle;
  readiness: () => Readiness;
  /** The metadata statements the gateway answers itself, and the backend that serves their answers. */
  metadata?: { service: MetadataService; backend: LocalBackend };
  /** Tells the instance that admitted a query that it ended here (QueryEndChannel, with Redis). */
  announceEnded?: (queryId: string, outcome: QueryOutcome) => void;
  /** Tells the other instances (workers) that tables or views changed: they forget cached metadata too. */
  announceObjectsChanged?: () => void;
  /**
   * With several workers on the host: answers a request about query `queryId`, made by `identity`
   * (verified here), by the other worker holding that query; false when none does.
   */
  forwardToOwner?: (req: ClientRequest, res: ClientResponse, queryId: string, tls: boolean, identity: Identity | undefined) => Promise<boolean>;
  log: Logger;
}

export type Listener =
  | {
      port: number;
      host: string;
      /** Certificate and key (PEM) for HTTPS; plain HTTP without them. */
      tls?: { cert: Buffer; key: Buffer };
    }
  /** A worker's own socket, taking the requests other workers forward to it (worker-forwarding.ts). */
  | { forwardedFrom: 'workers'; path: string };

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export class GatewayServer {
  private readonly servers: Server[] = [];
  private readonly frontDoors: FrontDoor[] = [];
  private readonly backendsByName: Map<string, Backend>;
  private readonly startedAt = Date.now();
  /** Connections of the forwarding socket: only there is the forwarder's word on TLS taken. */
  private readonly forwardedConnections = new WeakSet<object>();

  constructor(private readonly options: GatewayServerOptions) {
    this.backendsByName = new Map(options.backends.map((b) => [b.name, b]));
  }

  /** Starts one listener; call once per port (plain HTTP and/or HTTPS). */
  listen(listener: Listener): Promise<AddressInfo> {
    const tls = 'tls' in listener ? listener.tls : undefined;
    const serverOptions = {
      // Prepared statements travel in headers; large ones need more than Node's 16 kB default.
      maxHeaderSize: 256 * 1024,
      headersTimeout: 30_000,
      // Bounds a client that trickles a statement body; responses are not limited by this.
      requestTimeout: 60_000,
      keepAliveTimeout: 65_000,
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => this.internalError(res, err));
    };
    const server: Server = tls ? createTlsServer({ ...serverOptions, ...tls }, handler) : createServer(serverOptions, handler);
    // Beyond this many open connections (on this listener), new ones are closed as they arrive.
    server.maxConnections = this.options.maxConnections;
    // Connections reach the front door first; node:http's own connection handling serves what
    // the front door hands off (request-head.ts, front-door.ts).
    const event = tls ? 'secureConnection' : 'connection';
    const [nodeConnection] = server.listeners(event) as Array<(socket: Socket) => void>;
    if (nodeConnection === undefined) throw new Error(`node:http registered no ${event} listener`);
    const frontDoor = new FrontDoor({
      // Other methods (HEAD, OPTIONS, ...) get node:http's answers, which know HEAD has no body.
      serves: (method, url) => (method === 'GET' || method === 'POST' || method === 'DELETE') && isStatementPath(splitUrl(url).path),
      handle: (req, res) => {
        this.statementRequest(req, res).catch((err: unknown) => this.internalError(res, err));
      },
      handOff: (socket) => nodeConnection.call(server, socket),
      maxHeadBytes: serverOptions.maxHeaderSize,
      maxBodyBytes: this.options.maxStatementBytes,
      maxBufferedBytes: this.options.maxBufferedBytes,
      requestTimeout: serverOptions.requestTimeout,
      keepAliveTimeout: serverOptions.keepAliveTimeout,
    });
    server.off(event, nodeConnection);
    const forwarded = 'forwardedFrom' in listener;
    server.on(event, (socket: Socket) => {
      if (forwarded) this.forwardedConnections.add(socket);
      frontDoor.accept(socket);
    });
    this.servers.push(server);
    this.frontDoors.push(frontDoor);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const listening = () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      };
      // A worker's own socket is its alone (exclusive: node:cluster would share it between workers).
      if (forwarded) server.listen({ path: listener.path, exclusive: true }, listening);
      else server.listen(listener.port, listener.host, listening);
    });
  }

  async close(): Promise<void> {
    for (const frontDoor of this.frontDoors) frontDoor.closeAll();
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  /** The statement protocol, from the front door or from node:http (handed-off connections). */
  private async statementRequest(req: ClientRequest, res: ClientResponse): Promise<void> {
    const receivedAt = process.hrtime.bigint();
    const { path, search } = splitUrl(req.url ?? '/');
    await this.refusingFailures(req, res, async () => {
      if (path === '/v1/statement') {
        if (req.method !== 'POST') throw new HttpFailure(405, 'Method not allowed');
        if (this.options.lifecycle.draining) {
          this.refuseWhileDraining(req, res);
          return;
        }
        const trace = this.options.tracing.startQuery(req.headers);
        await this.submit(req, res, receivedAt, trace).catch((err: unknown) => {
          trace.failed(err);
          throw err;
        });
      } else {
        await this.followUp(req, res, path, search, receivedAt);
      }
    });
  }

  /** True when another worker of this host holds the query and answered the request (worker-forwarding.ts). */
  private async forwardedToOwner(req: ClientRequest, res: ClientResponse, queryId: string, identity: Identity): Promise<boolean> {
    return (await this.options.forwardToOwner?.(req, res, queryId, this.isTls(req), identity)) === true;
  }

  /** Who makes the request: as another worker of this host established it when it forwarded the request, else authenticated here. */
  private identityOf(req: ClientRequest, dialect: Dialect): Promise<Identity> {
    const vouched = this.vouchedIdentity(req);
    return vouched !== undefined ? Promise.resolve(vouched) : this.options.identity.resolve(req, dialect, this.isTls(req));
  }

  /** The identity a forwarding worker sends is taken only on the forwarding socket's connections. */
  private vouchedIdentity(req: ClientRequest): Identity | undefined {
    return this.forwardedConnections.has(req.socket) ? forwardedIdentity(req) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, search } = splitUrl(req.url ?? '/');
    if (isStatementPath(path)) {
      await this.statementRequest(req, res);
      return;
    }
    await this.refusingFailures(req, res, async () => {
      if (path === '/livez' || path === '/healthz' || path === '/readyz') {
        if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
        const body = path === '/readyz' ? this.options.readiness() : { status: 'alive' };
        sendJson(res, JSON.stringify(body), [['cache-control', 'no-store']], 'ready' in body && !body.ready ? 503 : 200);
      } else if (path === '/v1/info') {
        this.info(res);
      } else if (path.startsWith('/v1/query/')) {
        await this.queryResource(req, res, path);
      } else if (path.startsWith('/v1/spooled/')) {
        await this.segment(req, res, path);
      } else if (path === '/metrics') {
        if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
        const { metrics } = this.options;
        sendText(res, 200, await metrics.exposition(), { 'Content-Type': metrics.registry.contentType });
      } else if (path.startsWith('/api/')) {
        await this.options.admin.handle(req, res, path, search, this.isTls(req), this.vouchedIdentity(req));
      } else if (path === '/' || path === '/ui' || path.startsWith('/ui/')) {
        await this.options.ui.handle(req, res, path, search);
      } else {
        sendText(res, 404, 'Not found');
      }
    });
  }

  /** Runs `work`, answering an HttpFailure it throws with its status and message. */
  private async refusingFailures(req: ClientRequest, res: ClientResponse, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      this.options.metrics.requestRejected(err.status);
      // Drain what the client is still sending so the connection can be reused.
      req.resume();
      sendText(res, err.status, err.message, err.headers);
    }
  }

  private async submit(req: ClientRequest, res: ClientResponse, receivedAt: bigint, trace: QueryTrace): Promise<void> {
    // Who is asking comes first: nothing is decoded (prepared statements) or read (the body) for a stranger.
    let identity: Identity;
    try {
      identity = await trace.stage('authenticate', () => this.options.identity.resolve(req, detectDialect(req.headers), this.isTls(req)));
    } catch (err) {
      if (!(err instanceof ImpersonationDenied)) throw err;
      trace.failed(err);
      this.refuseImpersonation(req, res, err);
      return;
    }
    trace.describe({ 'enduser.id': identity.user, 'querygate.principal': identity.principal.user });
    const session = parseSession(req.headers);
    const sql = await this.readStatement(req);
    const baseUrl = this.baseUrl(req);
    // The backend sees the session user in the client's own user header (identity may have filled it in).
    const headers = { ...req.headers, [headerName(session.dialect, 'User').toLowerCase()]: identity.user };
    const routing: RoutingContext = {
      user: identity.user,
      groups: identity.principal.groups,
      clientTags: session.clientTags,
      extraCredentials: session.extraCredentials,
      ...(session.source !== undefined ? { source: session.source } : {}),
      ...(session.clientInfo !== undefined ? { clientInfo: session.clientInfo } : {}),
      ...(session.catalog !== undefined ? { catalog: session.catalog } : {}),
      ...(session.routingGroup !== undefined ? { routingGroupHeader: session.routingGroup } : {}),
    };
    const submittedAt = Date.now();
    let access: AccessOutcome | undefined;
    try {
      if (this.options.access) {
        const started = process.hrtime.bigint();
        try {
          const check = { principal: identity.principal, user: identity.user, groups: identity.groups, session, sql };
          access = await trace.stage('authorize', () => this.options.access!.check(check));
        } catch (err) {
          if (err instanceof QueryFailure) this.options.metrics.analysisRefused(err.errorCode.name);
          throw err;
        } finally {
          this.options.metrics.authorized(Number(process.hrtime.bigint() - started) / 1e9);
        }
      }
      this.options.metrics.overhead('submit', receivedAt);
      if (access) routing.statement = { kind: access.request.kind, tables: describeAccess(access).tables, catalogs: catalogsNamed(access.request) };
      const submission = {
        // A SHOW or DESCRIBE runs as the statement that returns only what the user may see.
        sql: access?.rewrittenSql ?? sql,
        ...(access?.rewrittenSql !== undefined ? { originalSql: sql } : {}),
        // Cached table and view metadata would be stale once the change is made: a replaced view must be checked by its new definition.
        ...(access !== undefined && changesObjects(access.request) ? { afterEnd: () => this.objectsChanged() } : {}),
        session,
        user: identity.user,
        principal: identity.principal.user,
        headers,
        baseUrl,
        receivedAt: submittedAt,
        ...(access ? { access: describeAccess(access) } : {}),
        trace,
      };
      const answer = access !== undefined ? access.metadataAnswer : await this.options.metadata?.service.plan(sql, session, undefined);
      if (answer !== undefined && this.options.metadata !== undefined) {
        this.answerMetadata(this.options.metadata.backend, submission, answer, res);
        return;
      }
      await this.options.dispatcher.submit(submission, routing, res);
    } catch (err) {
      if (err instanceof HttpFailure) throw err;
      if (!(err instanceof QueryFailure)) this.options.log.error({ err }, 'statement submission failed');
      const failure = asQueryFailure(err);
      trace.failed(failure);
      const queryId = this.options.queryIds.next();
      // Refused queries are history too: who tried what, and why it was refused.
      this.options.tracker.refused({
        id: queryId,
        user: identity.user,
        principal: identity.principal.user,
        ...(session.source !== undefined ? { source: session.source } : {}),
        clientTags: session.clientTags,
        statement: sql,
        state: 'FAILED',
        createdAt: submittedAt,
        errorName: failure.errorCode.name,
        errorMessage: failure.message,
        ...(err instanceof GuardrailRefusal ? { guardrails: [guardrailRecord(err.action)] } : {}),
      });
      sendQueryFailure(res, queryId, baseUrl, failure);
    }
  }

  private objectsChanged(): void {
    this.options.access?.objectsChanged();
    this.options.announceObjectsChanged?.();
  }

  /** A metadata statement answered by the gateway: no routing or admission, recorded in history like any query. */
  private answerMetadata(backend: LocalBackend, submission: Omit<Submission, 'events'>, answer: MetadataAnswer, res: ClientResponse): void {
    const { tracker } = this.options;
    let id: string | undefined;
    const events = {
      started: (queryId: string) => {
        id = queryId;
        tracker.started({
          ...submittedRecord(queryId, submission),
          ...accessRecord(submission),
          routingRule: 'metadata answered by the gateway',
          backend: backend.name,
          state: 'RUNNING',
          startedAt: Date.now(),
        });
      },
      ended: (outcome: QueryOutcome, details?: QueryEndDetails) => {
        if (id !== undefined) tracker.ended(id, outcome, details);
      },
    };
    backend.answer({ ...submission, events }, res, (signal) => answer.execute(signal));
  }

  /**
   * Trino refuses an impersonation when it creates the query's session, so the client sees a
   * query that fails with PERMISSION_DENIED, not an HTTP error. The statement is neither read
   * nor analyzed, queued or routed; the audit log already has the decision.
   */
  private refuseImpersonation(req: ClientRequest, res: ClientResponse, denied: ImpersonationDenied): void {
    // Counted as before, under the status it was answered with until it became a failed query.
    this.options.metrics.requestRejected(denied.status);
    req.resume();
    sendQueryFailure(res, this.options.queryIds.next(), this.baseUrl(req), new QueryFailure(ErrorCodes.PERMISSION_DENIED, denied.message));
  }

  /**
   * A new statement while draining: 503, which Trino's Python and Go clients and load balancers
   * retry (against another instance: the connection is closed); the Java CLI and JDBC show the
   * status with the body, a Trino error document naming SERVER_SHUTTING_DOWN.
   */
  private refuseWhileDraining(req: ClientRequest, res: ClientResponse): void {
    this.options.metrics.requestRejected(503, 'draining');
    req.resume();
    sendQueryFailure(res, this.options.queryIds.next(), this.baseUrl(req), shuttingDown(), 503, [
      ['retry-after', '1'],
      ['connection', 'close'],
    ]);
  }

  private async followUp(req: ClientRequest, res: ClientResponse, path: string, search: string, receivedAt: bigint): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'DELETE') throw new HttpFailure(405, 'Method not allowed');
    const parsed = parseFollowUpPath(path);
    if (!parsed) throw new HttpFailure(404, 'Query not found');
    // Refuses a path whose query id or phase is not the token's before anything is looked up:
    // from here on the query id is the token's.
    const followUp = this.options.signer.verifyFollowUp(parsed);
    const { queryId } = followUp;
    const dialect = detectDialect(req.headers);
    const identity = await this.identityOf(req, dialect);
    if (identity.principal.user !== followUp.user) {
      if (req.method === 'DELETE') throw new HttpFailure(403, 'Cannot cancel a query started by another user');
      sendQueryFailure(res, queryId, this.baseUrl(req), wrongUser());
      return;
    }
    // Only a verified token of the one asking reaches the worker holding the query.
    if (await this.forwardedToOwner(req, res, queryId, identity)) return;
    if (followUp.backend === QUEUE_BACKEND) {
      await this.options.dispatcher.followUp(req.method, queryId, Number(followUp.target), followUp.user, search, this.baseUrl(req), res);
      return;
    }
    const backend = this.backendsByName.get(followUp.backend);
    if (!backend) throw new HttpFailure(404, 'Query not found: its backend is no longer configured');
    const { admission } = this.options;
    admission.touch(queryId, backend.name, backend.engine === 'trino');
    const { tracker } = this.options;
    const events = {
      // A query admitted through another instance has no slot here: record its end directly.
      ended: (outcome: QueryOutcome, details?: QueryEndDetails) => {
        if (admission.end(queryId, outcome, details, backend.name)) return;
        tracker.ended(queryId, outcome, details);
        this.options.announceEnded?.(queryId, outcome);
      },
    };
    this.options.metrics.overhead('followup', receivedAt);
    await backend.followUp({ method: req.method, followUp, headers: req.headers, search, baseUrl: this.baseUrl(req), dialect, events }, res);
  }

  /**
   * A spooled segment's download or acknowledgement through a gateway URI (only coordinator-served
   * segments get one: storage URIs reach clients as they are). The sealed token names the backend,
   * its own segment path, the action and the user the query runs as, and expires with tokenTtl.
   * The official clients fetch segments with a separate HTTP client that sends no credentials
   * (segment URIs are usually pre-signed storage URLs), and Trino serves its own /v1/spooled URIs on
   * their encrypted identifier alone; so does the gateway on its token. A request that does name
   * someone (credentials or a user header) must authenticate as that token's user.
   */
  private async segment(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
    const parsed = parseSegmentPath(path);
    if (!parsed) throw new HttpFailure(404, 'Segment not found');
    // Refuses a token not issued here, altered, for another action or expired before anything else.
    const segment = this.options.signer.verifyFollowUp(parsed);
    if (namesSomeone(req.headers)) {
      const identity = await this.options.identity.resolve(req, detectDialect(req.headers), this.isTls(req));
      if (identity.principal.user !== segment.user) throw new HttpFailure(403, 'Access Denied: Cannot access a segment of a query started by another user');
    }
    const backend = this.backendsByName.get(segment.backend);
    if (backend?.relaySegment === undefined) throw new HttpFailure(404, 'Segment not found: its backend is no longer configured');
    this.options.metrics.segmentRelayed(parsed.phase);
    await backend.relaySegment({ segment, headers: req.headers }, res);
  }

  private async queryResource(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const queryId = path.slice('/v1/query/'.length);
    if (!/^[A-Za-z0-9_]{1,128}$/.test(queryId)) throw new HttpFailure(404, 'Query not found');
    if (req.method !== 'GET' && req.method !== 'DELETE') throw new HttpFailure(405, 'Method not allowed');
    const dialect = detectDialect(req.headers);
    const identity = await this.identityOf(req, dialect);
    if (await this.forwardedToOwner(req, res, queryId, identity)) return;
    // Backends are asked as the authenticated user (a password client sends no user header).
    const headers = { ...req.headers, [headerName(dialect, 'User').toLowerCase()]: identity.user };
    // A query that waited in the gateway queue keeps its first id: its backend knows it by another.
    const alias = await this.options.dispatcher.backendQueryOf(queryId);
    const aliased = alias === undefined ? undefined : this.backendsByName.get(alias.backend);
    for (const backend of aliased !== undefined ? [aliased] : this.options.backends) {
      const backendQueryId = aliased !== undefined ? alias!.queryId : queryId;
      const outcome =
        req.method === 'GET'
          ? await backend.queryInfo(backendQueryId, identity.user, headers, res, queryId)
          : await backend.cancelQuery(backendQueryId, identity.user, headers);
      if (outcome === 'done') {
        if (req.method === 'DELETE') sendNoContent(res);
        return;
      }
    }
    throw new HttpFailure(410, 'Query not found');
  }

  private info(res: ServerResponse): void {
    const uptimeSeconds = (Date.now() - this.startedAt) / 1000;
    sendJson(
      res,
      JSON.stringify({
        nodeVersion: { version: this.options.version },
        environment: 'querygate',
        coordinator: true,
        starting: false,
        uptime: `${uptimeSeconds.toFixed(2)}s`,
      }),
    );
  }

  private async readStatement(req: ClientRequest): Promise<string> {
    const limit = this.options.maxStatementBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) throw new HttpFailure(413, `Statement is too large: ${declared} bytes exceeds the limit of ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new HttpFailure(413, `Statement is too large: it exceeds the limit of ${limit} bytes`, { Connection: 'close' });
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof BodyUnavailable) throw new HttpFailure(err.status, err.message, { Connection: 'close' });
      throw err;
    }
    let sql: string;
    try {
      sql = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      throw new HttpFailure(400, 'Statement is not valid UTF-8');
    }
    if (sql.trim() === '') throw new HttpFailure(400, 'SQL statement is empty');
    return sql;
  }

  private baseUrl(req: ClientRequest): string {
    if (this.options.publicUrl !== undefined) return this.options.publicUrl.replace(/\/$/, '');
    const host = req.headers.host;
    if (host === undefined || !HOST_HEADER.test(host)) throw new HttpFailure(400, 'Missing or invalid Host header');
    return `${this.isTls(req) ? 'https' : 'http'}://${host}`;
  }



  /** Over TLS: the client's own connection, or, forwarded by another worker, the one it came in on. */
  private isTls(req: ClientRequest): boolean {
    if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
    return this.forwardedConnections.has(req.socket) && req.headers[FORWARDED_PROTO_HEADER] === 'https';
  }

  private internalError(res: ClientResponse, err: unknown): void {
    this.options.log.error({ err }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendText(res, 500, 'Internal gateway error');
  }
}

/** Whether a request carries credentials or names a user (either header family). */
function namesSomeone(headers: IncomingMessage['headers']): boolean {
  return ['authorization', 'x-trino-user', 'x-presto-user', 'x-trino-original-user', 'x-presto-original-user'].some((name) => headers[name] !== undefined);
}

/** A request target's path and its query string (without the `?`). */
function splitUrl(url: string): { path: string; search: string } {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? { path: url, search: '' } : { path: url.slice(0, queryStart), search: url.slice(queryStart + 1) };
}

function isStatementPath(path: string): boolean {
  return path === '/v1/statement' || path.startsWith('/v1/statement/');
}

