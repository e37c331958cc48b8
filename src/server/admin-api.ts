/**
 * The admin API (`/api/...`): backend states for operators. Callers must be authenticated (the
 * same authenticators as queries) and named in `admin.users` or be in one of `admin.groups`;
 * with neither configured the API is closed. Every change is logged with who made it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { IdentityResolver } from '../auth/identity.js';
import { HttpFailure } from '../protocol/errors.js';
import type { Admission } from '../routing/admission.js';
import type { BackendPool, BackendState, PooledBackend } from '../routing/backend-pool.js';
import { validateAuditSearch } from '../audit/validation.js';
import type { Operations } from '../tracking/operations.js';
import { ValidationError, validateQuerySearch, validateTopQuery, type RawParams } from '../tracking/validation.js';
import { sendJson } from './respond.js';
import type { PolicyApi } from './policy-api.js';

const ACTIONS: Record<string, BackendState> = { activate: 'active', drain: 'draining', deactivate: 'inactive' };

export interface AdminApiOptions {
  identity: IdentityResolver;
  pool: BackendPool;
  admission: Admission;
  operations: Operations;
  users: string[];
  groups: string[];
  log: Logger;
  /** `/api/policy/...` when tag-based access control is configured. */
  policy?: PolicyApi;
}

function describe(b: PooledBackend, pool: BackendPool): Record<string, unknown> {
  return {
    name: b.backend.name,
    engine: b.backend.engine,
    group: b.group,
    state: b.state,
    healthy: b.healthy,
    running: b.running,
    /** Running through every gateway instance (shared counters), this one's alone without Redis. */
    fleetRunning: pool.fleetRunning(b),
    reportedLoad: b.reportedLoad,
    maxRunning: b.maxRunning,
    weight: b.weight,
    ...(b.lastError !== undefined ? { lastError: b.lastError } : {}),
  };
}

export class AdminApi {
  constructor(private readonly options: AdminApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, search: string, tls: boolean): Promise<void> {
    const actor = await this.authorize(req, tls);
    const parts = path.split('/').filter((p) => p !== '');
    if (parts[1] === 'policy' && this.options.policy) return this.options.policy.handle(req, res, parts, search, actor);
    if (parts[1] === 'queries' || parts[1] === 'audit') {
      if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
      await this.history(res, parts, search);
      return;
    }
    // ['api', 'backends', name?, action?]
    if (parts[1] !== 'backends' || parts.length > 4) throw new HttpFailure(404, 'Not found');
    const { pool, admission } = this.options;
    if (parts.length === 2) {
      if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
      const groups = [...new Set(pool.all().map((b) => b.group))].map((name) => ({ name, queued: admission.queuedIn(name), queuedElsewhere: pool.cluster?.queued(name) ?? 0 }));
      sendJson(res, JSON.stringify({ backends: pool.all().map((b) => describe(b, pool)), groups }));
      return;
    }
    const backend = pool.get(decodeURIComponent(parts[2]!));
    if (!backend) throw new HttpFailure(404, `No backend named '${decodeURIComponent(parts[2]!)}'`);
    if (parts.length === 3) {
      if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
      sendJson(res, JSON.stringify(describe(backend, pool)));
      return;
    }
    if (req.method !== 'POST' && req.method !== 'PUT') throw new HttpFailure(405, 'Method not allowed');
    const state = ACTIONS[parts[3]!];
    if (state === undefined) {
      sendJson(res, JSON.stringify({ error: `action: '${parts[3]}' is not one of ${Object.keys(ACTIONS).join(', ')}` }), [], 400);
      return;
    }
    const before = backend.state;
    pool.setState(backend.backend.name, state);
    this.options.log.info({ actor, action: parts[3], target: backend.backend.name, from: before, to: state, inFlight: backend.running }, 'admin changed backend state');
    this.options.operations.audit.record({ actor, action: `backend.${parts[3]}`, target: backend.backend.name, outcome: 'success', details: { from: before, to: state, inFlight: backend.running } });
    sendJson(res, JSON.stringify(describe(backend, pool)));
  }

  /** `/api/queries` (search), `/api/queries/live`, `/api/queries/top`, `/api/queries/{id}`, `/api/audit`. */
  private async history(res: ServerResponse, parts: string[], search: string): Promise<void> {
    const { operations } = this.options;
    if (parts[1] === 'queries' && parts[2] === 'live' && parts.length === 3) {
      sendJson(res, JSON.stringify({ items: operations.tracker.inFlight() }));
      return;
    }
    const store = operations.store();
    if (!store) throw new HttpFailure(503, 'The history database is not reachable yet; records are kept until it is');
    const params = Object.fromEntries(new URLSearchParams(search)) as RawParams;
    try {
      if (parts[1] === 'audit' && parts.length === 2) {
        sendJson(res, JSON.stringify(await store.searchAuditEvents(validateAuditSearch(params))));
      } else if (parts.length === 2) {
        sendJson(res, JSON.stringify(await store.searchQueries(validateQuerySearch(params))));
      } else if (parts[2] === 'top' && parts.length === 3) {
        sendJson(res, JSON.stringify({ items: await store.top(validateTopQuery(params)) }));
      } else if (parts.length === 3) {
        const record = await store.getQuery(decodeURIComponent(parts[2]!));
        if (!record) throw new HttpFailure(404, `No query ${decodeURIComponent(parts[2]!)} in history`);
        sendJson(res, JSON.stringify(record));
      } else {
        throw new HttpFailure(404, 'Not found');
      }
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      sendJson(res, JSON.stringify({ error: `${err.field}: ${err.message}`, field: err.field }), [], 400);
    }
  }

  private async authorize(req: IncomingMessage, tls: boolean): Promise<string> {
    const identity = await this.options.identity.resolve(req, 'trino', tls);
    const { users, groups } = this.options;
    if (users.length === 0 && groups.length === 0) throw new HttpFailure(403, 'The admin API is closed: configure admin.users or admin.groups');
    const { principal } = identity;
    if (!users.includes(principal.user) && !principal.groups.some((g) => groups.includes(g))) {
      throw new HttpFailure(403, `Access Denied: ${principal.user} is not an administrator`);
    }
    return principal.user;
  }
}
