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
import { sendJson } from './respond.js';

const ACTIONS: Record<string, BackendState> = { activate: 'active', drain: 'draining', deactivate: 'inactive' };

export interface AdminApiOptions {
  identity: IdentityResolver;
  pool: BackendPool;
  admission: Admission;
  users: string[];
  groups: string[];
  log: Logger;
}

function describe(b: PooledBackend): Record<string, unknown> {
  return {
    name: b.backend.name,
    engine: b.backend.engine,
    group: b.group,
    state: b.state,
    healthy: b.healthy,
    running: b.running,
    reportedLoad: b.reportedLoad,
    maxRunning: b.maxRunning,
    weight: b.weight,
    ...(b.lastError !== undefined ? { lastError: b.lastError } : {}),
  };
}

export class AdminApi {
  constructor(private readonly options: AdminApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, tls: boolean): Promise<void> {
    const actor = await this.authorize(req, tls);
    const parts = path.split('/').filter((p) => p !== '');
    // ['api', 'backends', name?, action?]
    if (parts[1] !== 'backends' || parts.length > 4) throw new HttpFailure(404, 'Not found');
    const { pool, admission } = this.options;
    if (parts.length === 2) {
      if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
      const groups = [...new Set(pool.all().map((b) => b.group))].map((name) => ({ name, queued: admission.queuedIn(name) }));
      sendJson(res, JSON.stringify({ backends: pool.all().map(describe), groups }));
      return;
    }
    const backend = pool.get(decodeURIComponent(parts[2]!));
    if (!backend) throw new HttpFailure(404, `No backend named '${decodeURIComponent(parts[2]!)}'`);
    if (parts.length === 3) {
      if (req.method !== 'GET') throw new HttpFailure(405, 'Method not allowed');
      sendJson(res, JSON.stringify(describe(backend)));
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
    sendJson(res, JSON.stringify(describe(backend)));
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
