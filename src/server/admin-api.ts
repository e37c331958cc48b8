/**
 * The admin API (`/api/...`): one table of routes (admin-routes.ts, session-routes.ts), matched
 * here, described by the OpenAPI document built from the same table (openapi.ts).
 *
 * Who may call it: administrators, named in `admin.users` or members of one of `admin.groups`
 * (with neither configured the API is closed). A caller proves who it is either like a query
 * does (Basic, Bearer, or the user header when no authenticator applies) or with the web UI's
 * session cookie. Cookie-authenticated changes must carry the session's CSRF token; every change
 * from a browser must come from the gateway's own origin. Errors are JSON: `{error, field?}`.
 */
import type { ResourceGroupAdmission } from '../admission/resource-groups.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Identity, IdentityResolver } from '../auth/identity.js';
import type { ReloadingFile } from '../config/reloading-file.js';
import type { AccessSimulation, ExplainRequest } from '../gateway.js';
import type { AccessRules } from '../policy/file-rules.js';
import { HttpFailure } from '../protocol/errors.js';
import type { Admission } from '../routing/admission.js';
import type { FleetBackendStates } from '../routing/backend-states.js';
import type { BackendPool } from '../routing/backend-pool.js';
import type { Operations } from '../tracking/operations.js';
import type { QueryRecord } from '../tracking/types.js';
import { ValidationError, type RawParams } from '../tracking/validation.js';
import { adminRoutes } from './admin-routes.js';
import { openApiDocument } from './openapi.js';
import { sendJson, type HeaderList } from './respond.js';
import { policyRoutes, type PolicyApiOptions } from './policy-api.js';
import { sessionRoutes } from './session-routes.js';
import { CSRF_HEADER, UI_HEADER, sessionCookie, type UiSession, type UiSessions } from './ui-session.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Caller {
  user: string;
  groups: string[];
  /** Named in admin.users or a member of admin.groups (false only on `delegated` routes). */
  admin: boolean;
  /** Present when the caller came with the UI's session cookie. */
  session?: UiSession;
  /** Present when the caller came with credentials (or a user header) instead. */
  identity?: Identity;
}

export interface ApiContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path parameters, decoded (`{name}` in the route's path). */
  params: Record<string, string>;
  query: RawParams;
  /** The request body, already validated against the route's schema. */
  body: unknown;
  /** The administrator calling (absent on public routes). */
  caller?: Caller;
  tls: boolean;
}

export interface ApiReply {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of a JSON body (e.g. the policy as YAML). */
  raw?: { contentType: string; text: string };
  headers?: HeaderList;
  /** The route has answered on its own (another worker's answer, relayed). */
  answered?: true;
}

export interface ApiRoute {
  method: Method;
  /** `/api/backends/{name}/{action}`: literal segments and `{parameters}`. */
  path: string;
  summary: string;
  tag: string;
  /** Anyone may call it (the login itself, the OpenAPI document); else administrators only. */
  public?: boolean;
  /** Authenticated non-administrators may call it too, and `run` decides what they may do (grant options). */
  delegated?: boolean;
  /** Validated before `run`; its JSON Schema goes into the OpenAPI document. */
  body?: z.ZodType;
  /** Documented query parameters: name → description. */
  query?: Record<string, string>;
  /** Documented path parameters: name → description. */
  params?: Record<string, string>;
  /** Success is 204 with no body (else 200 with JSON). */
  noContent?: boolean;
  run(ctx: ApiContext): Promise<ApiReply>;
}

export interface AdminApiOptions {
  identity: IdentityResolver;
  sessions: UiSessions;
  pool: BackendPool;
  /** Backend states: stored for the fleet, applied by every instance. */
  backendStates: FleetBackendStates;
  admission: Admission;
  operations: Operations;
  users: string[];
  groups: string[];
  /** The access rules in force, when access control is configured. */
  rules?: ReloadingFile<AccessRules>;
  /** Every live resource group's counts, limits and CPU usage, when resource groups are configured. */
  resourceGroups?: () => ReturnType<ResourceGroupAdmission['snapshot']>;
  /** The access simulator, when access control is configured. */
  simulate?: (request: ExplainRequest) => Promise<AccessSimulation>;
  /** The public address, when configured: browsers' Origin may name it. */
  publicUrl?: string;
  /** `/api/policy/...`, when tag-based access control is configured. */
  policy?: PolicyApiOptions;
  /** With several workers on the host: the live queries of the others. */
  liveElsewhere?: () => Promise<QueryRecord[]>;
  /**
   * With several workers on the host: answers a request about query `queryId` of another worker
   * by that worker, for a caller authorized here; false when no other worker holds it.
   */
  forwardToOwner?: (req: IncomingMessage, res: ServerResponse, queryId: string, caller: Caller, tls: boolean) => Promise<boolean>;
  log: Logger;
}

const MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export class AdminApi {
  private readonly routes: ApiRoute[];
  private readonly document: string;

  constructor(private readonly options: AdminApiOptions) {
    // The one place where sub-APIs join: each contributes routes to this table.
    this.routes = [
      ...sessionRoutes(options, (caller) => this.isAdmin(caller)),
      ...adminRoutes(options),
      ...(options.policy ? policyRoutes(options.policy) : []),
      { method: 'GET', path: '/api/openapi.json', summary: 'This OpenAPI document', tag: 'meta', public: true, run: async () => ({ body: JSON.parse(this.document) as unknown }) },
    ];
    this.document = JSON.stringify(openApiDocument(this.routes));
  }

  /** `vouched`: the caller's identity, established by the worker that forwarded the request here. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, search: string, tls: boolean, vouched?: Identity): Promise<void> {
    try {
      const reply = await this.dispatch(req, res, path, search, tls, vouched);
      const status = reply.status ?? 200;
      if (reply.answered) return;
      if (reply.raw !== undefined) {
        res.writeHead(status, { 'content-type': reply.raw.contentType, 'cache-control': 'no-store', ...Object.fromEntries(reply.headers ?? []) });
        res.end(reply.raw.text);
      } else if (reply.body === undefined) {
        res.writeHead(status, Object.fromEntries(reply.headers ?? []));
        res.end();
      } else {
        sendJson(res, JSON.stringify(reply.body), [['cache-control', 'no-store'], ...(reply.headers ?? [])], status);
      }
    } catch (err) {
      req.resume();
      if (err instanceof ValidationError) {
        sendJson(res, JSON.stringify({ error: `${err.field}: ${err.message}`, field: err.field }), [], 400);
      } else if (err instanceof HttpFailure) {
        // A challenge would make the browser open its own password dialog over the UI's login page.
        const headers = Object.entries(err.headers).filter(([name]) => headerValue(req, UI_HEADER) === undefined || name.toLowerCase() !== 'www-authenticate');
        sendJson(res, JSON.stringify({ error: err.message }), headers, err.status);
      } else {
        throw err;
      }
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, path: string, search: string, tls: boolean, vouched: Identity | undefined): Promise<ApiReply> {
    const method = req.method ?? 'GET';
    const segments = path.split('/').filter((p) => p !== '');
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchPath(route.path, segments);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      if (!SAFE_METHODS.has(method)) this.assertSameOrigin(req);
      const caller = route.public ? undefined : await this.authorize(req, tls, route.delegated === true, vouched);
      const query = Object.fromEntries(new URLSearchParams(search)) as RawParams;
      const body = route.body === undefined ? undefined : parseBody(route.body, await readJson(req));
      return route.run({ req, res, params, query, body, tls, ...(caller ? { caller } : {}) });
    }
    if (pathMatched) throw new HttpFailure(405, `Method ${method} is not allowed here`);
    throw new HttpFailure(404, `No API endpoint ${path}: see /api/openapi.json`);
  }

  /** Who makes the request; 401 without a valid identity, 403 for a non-administrator unless the route is `delegated`. */
  private async authorize(req: IncomingMessage, tls: boolean, delegated: boolean, vouched: Identity | undefined): Promise<Caller> {
    let caller: { user: string; groups: string[]; session?: UiSession; identity?: Identity };
    const cookie = req.headers.authorization === undefined ? sessionCookie(req) : undefined;
    if (cookie !== undefined) {
      const session = this.options.sessions.verify(cookie);
      if (!session) throw new HttpFailure(401, 'Your session has expired or was ended: sign in again');
      if (!SAFE_METHODS.has(req.method ?? 'GET') && !this.options.sessions.csrfMatches(session, headerValue(req, CSRF_HEADER))) {
        throw new HttpFailure(403, `Missing or wrong ${CSRF_HEADER} header: reload the page and try again`);
      }
      caller = { user: session.user, groups: session.groups, session };
    } else if (headerValue(req, UI_HEADER) !== undefined) {
      throw new HttpFailure(401, 'Sign in to continue');
    } else {
      const identity = vouched ?? (await this.options.identity.resolve(req, 'trino', tls));
      caller = { user: identity.principal.user, groups: identity.principal.groups, identity };
    }
    if (this.options.users.length === 0 && this.options.groups.length === 0) throw new HttpFailure(403, 'The admin API is closed: configure admin.users or admin.groups');
    const admin = this.isAdmin(caller);
    if (!admin && !delegated) throw new HttpFailure(403, `Access Denied: ${caller.user} is not an administrator`);
    return { ...caller, admin };
  }

  private isAdmin(caller: { user: string; groups: string[] }): boolean {
    return this.options.users.includes(caller.user) || caller.groups.some((g) => this.options.groups.includes(g));
  }

  /**
   * Browsers say where a request comes from; a change requested by another site's page is refused
   * whatever credentials the browser attached (a cookie, or Basic credentials it remembers).
   */
  private assertSameOrigin(req: IncomingMessage): void {
    const site = headerValue(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpFailure(403, `Cross-site request refused (Sec-Fetch-Site: ${site})`);
    const origin = headerValue(req, 'origin');
    if (origin === undefined) return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HttpFailure(403, 'Cross-site request refused (malformed Origin)');
    }
    const allowed = [req.headers.host, this.options.publicUrl === undefined ? undefined : new URL(this.options.publicUrl).host];
    if (!allowed.includes(host)) throw new HttpFailure(403, `Cross-site request refused (Origin ${origin.slice(0, 200)})`);
  }
}

/** Path parameters when `pattern` matches the request's segments. */
function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter((p) => p !== '');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    let segment: string;
    try {
      segment = decodeURIComponent(segments[i]!);
    } catch {
      return undefined;
    }
    if (part.startsWith('{')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ValidationError('body', `send a JSON body with Content-Type: application/json (got '${type || 'none'}')`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, `The body exceeds ${MAX_BODY_BYTES} bytes`, { Connection: 'close' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    throw new ValidationError('body', `not valid JSON (${(err as Error).message})`);
  }
}

/** The body as the schema defines it, or a 400 naming the first field in error and why. */
function parseBody(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = unknownKey ?? (issue.path.length > 0 ? issue.path.join('.') : 'body');
  throw new ValidationError(field, issue.message);
}
