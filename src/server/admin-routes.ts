/**
 * The administrators' endpoints: overview, backends and their states, live queries (and
 * cancelling one), history, the audit trail, the access rules and the access simulator. Every
 * change is written to the audit trail with who made it.
 */
import { z } from 'zod';
import { validateAuditSearch } from '../audit/validation.js';
import { IMPLICIT_SYSTEM_CATALOG_RULE, type AccessRules } from '../policy/file-rules.js';
import { HttpFailure } from '../protocol/errors.js';
import type { BackendPool, BackendState, PooledBackend } from '../routing/backend-pool.js';
import { TERMINAL_STATES } from '../tracking/types.js';
import { ValidationError, validateQuerySearch, validateTopQuery } from '../tracking/validation.js';
import type { AdminApiOptions, ApiContext, ApiRoute } from './admin-api.js';

const ACTIONS: Record<string, BackendState> = { activate: 'active', drain: 'draining', deactivate: 'inactive' };
/** What each state means for the queries already running there (shown before the operator confirms). */
const EFFECTS: Record<BackendState, string> = {
  active: 'takes new queries',
  draining: 'takes no new queries; queries already running finish normally',
  inactive: 'takes no new queries; queries already running finish normally, and the backend stays out of routing until activated',
};
/** The overview's error rate covers queries that ended within this window. */
const ERROR_WINDOW_MS = 15 * 60_000;
const ERROR_SAMPLE = 1000;

const QUERY_FILTERS = {
  user: 'Session user (exact)',
  state: `One state or a comma-separated list: QUEUED, RUNNING, FINISHED, FAILED, CANCELED, ABANDONED`,
  from: 'Created at or after (epoch ms or ISO-8601)',
  to: 'Created before (epoch ms or ISO-8601)',
  backend: 'Backend name',
  group: 'Routing group',
  table: 'A table touched (catalog.schema.table)',
  text: 'Substring of the statement (case-insensitive)',
  cursor: 'nextCursor of the previous page',
  limit: 'Page size, 1..1000 (default 50)',
};

const name = z.string().min(1).max(256);
export const simulateBody = z
  .object({
    user: name.describe('The session user to evaluate the statement for'),
    groups: z.array(name).max(100).default([]).describe('Groups of that user'),
    sql: z.string().min(1, 'type a statement').max(1024 * 1024),
    catalog: name.optional().describe('Session catalog'),
    schema: name.optional().describe('Session schema'),
  })
  .strict();

function describeBackend(b: PooledBackend, pool: BackendPool): Record<string, unknown> {
  return {
    name: b.backend.name,
    engine: b.backend.engine,
    group: b.group,
    state: b.state,
    healthy: b.healthy,
    running: b.running,
    /** Running through every gateway instance (shared counters); this one's alone without Redis. */
    fleetRunning: pool.fleetRunning(b),
    reportedLoad: b.reportedLoad,
    maxRunning: b.maxRunning,
    weight: b.weight,
    ...(b.lastError !== undefined ? { lastError: b.lastError } : {}),
  };
}

function adminOf(ctx: ApiContext): string {
  return ctx.caller!.user;
}

export function adminRoutes(options: AdminApiOptions): ApiRoute[] {
  const { pool, admission, operations } = options;
  const store = () => {
    const opened = operations.store();
    if (!opened) throw new HttpFailure(503, 'The history database is not reachable yet; records are kept until it is');
    return opened;
  };
  const backendNamed = (ctx: ApiContext) => {
    const backend = pool.get(ctx.params.name!);
    if (!backend) throw new HttpFailure(404, `No backend named '${ctx.params.name}'`);
    return backend;
  };

  return [
    {
      method: 'GET',
      path: '/api/overview',
      summary: 'Backends by routing group: state, health, running and queued queries, error rate of the last 15 minutes',
      tag: 'backends',
      run: async () => {
        const now = Date.now();
        const counts = new Map<string, { ended: number; failed: number }>();
        const history = operations.store();
        if (history) {
          const recent = await history.searchQueries({ from: now - ERROR_WINDOW_MS, limit: ERROR_SAMPLE });
          for (const q of recent.items) {
            if (q.backend === undefined || !TERMINAL_STATES.has(q.state)) continue;
            const entry = counts.get(q.backend) ?? { ended: 0, failed: 0 };
            entry.ended++;
            if (q.state === 'FAILED') entry.failed++;
            counts.set(q.backend, entry);
          }
        }
        const groups = [...new Set(pool.all().map((b) => b.group))].map((group) => ({
          name: group,
          queued: admission.queuedIn(group),
          backends: pool
            .all()
            .filter((b) => b.group === group)
            .map((b) => {
              const c = counts.get(b.backend.name) ?? { ended: 0, failed: 0 };
              return { ...describeBackend(b, pool), recent: { ended: c.ended, failed: c.failed, errorRate: c.ended === 0 ? null : c.failed / c.ended } };
            }),
        }));
        return { body: { generatedAt: now, errorWindowMs: ERROR_WINDOW_MS, historyAvailable: history !== undefined, live: operations.tracker.inFlightCount, groups } };
      },
    },
    {
      method: 'GET',
      path: '/api/backends',
      summary: 'Every backend and the queue of each routing group',
      tag: 'backends',
      run: async () => {
        const groups = [...new Set(pool.all().map((b) => b.group))].map((group) => ({ name: group, queued: admission.queuedIn(group), queuedElsewhere: pool.cluster?.queued(group) ?? 0 }));
        return { body: { backends: pool.all().map((b) => describeBackend(b, pool)), groups } };
      },
    },
    {
      method: 'GET',
      path: '/api/backends/{name}',
      summary: 'One backend',
      tag: 'backends',
      params: { name: 'Backend name' },
      run: async (ctx) => ({ body: describeBackend(backendNamed(ctx), pool) }),
    },
    {
      method: 'POST',
      path: '/api/backends/{name}/{action}',
      summary: `Changes a backend's state: activate (${EFFECTS.active}), drain (${EFFECTS.draining}), deactivate (${EFFECTS.inactive})`,
      tag: 'backends',
      params: { name: 'Backend name', action: 'activate, drain or deactivate' },
      run: async (ctx) => {
        const backend = backendNamed(ctx);
        const action = ctx.params.action!;
        const state = ACTIONS[action];
        if (state === undefined) throw new ValidationError('action', `'${action}' is not one of ${Object.keys(ACTIONS).join(', ')}`);
        const before = backend.state;
        const inFlight = backend.running;
        const actor = adminOf(ctx);
        try {
          await options.backendStates.set(backend.backend.name, state, actor);
        } catch (err) {
          throw new HttpFailure(503, `The backend state cannot be stored for the fleet: ${(err as Error).message}`);
        }
        options.log.info({ actor, action, target: backend.backend.name, from: before, to: state, inFlight }, 'admin changed backend state');
        operations.audit.record({ actor, action: `backend.${action}`, target: backend.backend.name, outcome: 'success', details: { from: before, to: state, inFlight } });
        return { body: { ...describeBackend(backend, pool), effect: `${backend.backend.name} ${EFFECTS[state]} (${inFlight} running now)` } };
      },
    },
    {
      method: 'GET',
      path: '/api/queries',
      summary: 'Query history, newest first, with filters',
      tag: 'queries',
      query: QUERY_FILTERS,
      run: async (ctx) => ({ body: await store().searchQueries(validateQuerySearch(ctx.query)) }),
    },
    {
      method: 'GET',
      path: '/api/queries/live',
      summary: 'Queries in flight through this gateway instance (all its workers), newest first',
      tag: 'queries',
      run: async () => {
        const elsewhere = (await options.liveElsewhere?.().catch(() => [])) ?? [];
        return { body: { items: [...operations.tracker.inFlight(), ...elsewhere].sort((a, b) => b.createdAt - a.createdAt) } };
      },
    },
    {
      method: 'GET',
      path: '/api/resource-groups',
      summary: "Resource groups with queries running, waiting or CPU usage left on this instance: running and queued (the fleet's), limits, CPU usage (this instance's)",
      tag: 'queries',
      run: async () => ({ body: { configured: options.resourceGroups !== undefined, items: options.resourceGroups?.() ?? [] } }),
    },
    {
      method: 'GET',
      path: '/api/queries/top',
      summary: 'Top users, tables or statement fingerprints by query count',
      tag: 'queries',
      query: { dimension: 'user, table or fingerprint', from: 'Start (default: 24 hours ago)', to: 'End (default: now)', limit: '1..100 (default 10)' },
      run: async (ctx) => ({ body: { items: await store().top(validateTopQuery(ctx.query)) } }),
    },
    {
      method: 'GET',
      path: '/api/queries/{id}',
      summary: 'One query: statement, access decision, route, timings and backend statistics',
      tag: 'queries',
      params: { id: 'Query id' },
      run: async (ctx) => {
        const id = ctx.params.id!;
        const record = (await store().getQuery(id)) ?? operations.tracker.inFlightQuery(id);
        if (!record) throw new HttpFailure(404, `No query ${id} in history`);
        return { body: record };
      },
    },
    {
      method: 'POST',
      path: '/api/queries/{id}/cancel',
      summary: 'Cancels a query running through this gateway instance, on the backend that runs it',
      tag: 'queries',
      params: { id: 'Query id (from /api/queries/live)' },
      run: async (ctx) => {
        const id = ctx.params.id!;
        // Authorized here: only now may the request reach the worker that runs the query.
        if (await options.forwardToOwner?.(ctx.req, ctx.res, id, ctx.caller!, ctx.tls)) return { answered: true };
        const actor = adminOf(ctx);
        const record = operations.tracker.inFlightQuery(id);
        if (!record) throw new HttpFailure(404, `Query ${id} is not running through this gateway instance (it may have ended already)`);
        const backend = record.backend === undefined ? undefined : pool.get(record.backend);
        if (!backend) throw new HttpFailure(409, `Query ${id} is not on a backend yet`);
        // The backend checks ownership; the gateway asks as the query's own user, on the administrator's behalf.
        const outcome = await backend.backend.cancelQuery(id, record.user, { 'x-trino-user': record.user });
        const canceled = outcome === 'done';
        operations.audit.record({ actor, action: 'query.cancel', target: id, outcome: canceled ? 'success' : 'failure', details: { backend: backend.backend.name, user: record.user, result: outcome } });
        if (!canceled) throw new HttpFailure(409, `${backend.backend.name} no longer knows query ${id} (it may have just ended)`);
        return { status: 202, body: { id, backend: backend.backend.name, canceled } };
      },
    },
    {
      method: 'GET',
      path: '/api/audit',
      summary: 'The audit trail, newest first, with filters',
      tag: 'audit',
      query: { actor: 'Who (exact)', action: 'What (exact, e.g. backend.drain)', outcome: 'success, failure, denied, ...', from: 'At or after', to: 'Before', cursor: 'nextCursor of the previous page', limit: '1..1000 (default 50)' },
      run: async (ctx) => ({ body: await store().searchAuditEvents(validateAuditSearch(ctx.query)) }),
    },
    {
      method: 'GET',
      path: '/api/access/rules',
      summary: 'The access rules in force (accessControl.rulesFile), section by section, in evaluation order',
      tag: 'access',
      run: async () => ({ body: options.rules === undefined ? { configured: false, sections: [] } : { configured: true, ...effectiveRules(options.rules.value) } }),
    },
    {
      method: 'POST',
      path: '/api/access/simulate',
      summary: 'How the rules decide a statement for a user (as `querygate explain-access` prints it), and where it would be routed',
      tag: 'access',
      body: simulateBody,
      run: async (ctx) => {
        if (options.simulate === undefined) throw new HttpFailure(409, 'No access control is configured (accessControl.rulesFile): every statement is allowed');
        const input = ctx.body as z.infer<typeof simulateBody>;
        return { body: await options.simulate({ user: input.user, groups: input.groups, sql: input.sql, ...(input.catalog ? { catalog: input.catalog } : {}), ...(input.schema ? { schema: input.schema } : {}) }) };
      },
    },
  ];
}

type RuleSection = Exclude<keyof AccessRules, 'version' | 'source'>;
const SECTIONS: RuleSection[] = ['catalogs', 'schemas', 'tables', 'functions', 'procedures', 'queries', 'systemSessionProperties', 'catalogSessionProperties', 'impersonation', 'systemInformation', 'authorization'];

/** Each section's rules as written, with the path explain-access names them by. */
function effectiveRules(rules: AccessRules): { source: string; version: number; sections: Array<{ name: string; rules: Array<{ path: string; rule: unknown }> }> } {
  const sections = SECTIONS.filter((s) => rules[s] !== undefined).map((s) => {
    const list: Array<{ path?: string; index: number; source?: unknown }> = [...(rules[s] ?? [])];
    if (s === 'catalogs') list.push(IMPLICIT_SYSTEM_CATALOG_RULE);
    return { name: s, rules: list.map((r) => ({ path: r.path ?? `${s}[${r.index}]`, rule: r.source ?? null })) };
  });
  return { source: rules.source, version: rules.version, sections };
}
