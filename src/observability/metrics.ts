/**
 * Prometheus metrics (`GET /metrics`): queries by outcome, group and engine, and their end-to-end
 * duration; backend health, its transitions, load and queue depth; latency histograms for the
 * gateway's own work before a request reaches a backend, for authentication and for waiting in
 * the gateway queue; access denials and analysis refusals; authentication and decision cache
 * lookups; Node's own figures (event-loop lag, memory, GC).
 *
 * Naming follows Prometheus conventions: base units (seconds, bytes), `_total` only on counters,
 * and totals kept elsewhere (the decision cache's, the history writer's) are exposed as counters
 * set from their source at scrape time, never as gauges.
 *
 * With several worker processes on a host (`server.workers`), a scrape answers the host's figures:
 * the worker that takes it gathers the others' (over the primary) and merges them as prom-client's
 * cluster aggregation does, summing what each worker counts for itself and taking the highest
 * (`aggregator: 'max'`), or lowest, of what every worker reads from state they share.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Aggregator } from 'prom-client';
import type { QueryOutcome } from '../engines/backend.js';
import type { Admission } from '../routing/admission.js';
import type { BackendPool } from '../routing/backend-pool.js';

const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Queries run from milliseconds (metadata, cached) to hours (ETL). */
const QUERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400];

/** Why a request was refused before it became a query, for the `reason` label (the status is its own label). */
const REJECTION_REASONS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  410: 'gone',
  413: 'too_large',
  429: 'throttled',
  503: 'unavailable',
};

/**
 * A counter whose value is a running total kept by someone else, read at scrape time
 * (prom-client counters only increment: the total is re-set on every collection).
 */
export function totalFromSource<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], read: () => Array<[Partial<Record<L, string>>, number]>): Counter<L> {
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/** A registry's figures as plain data (what workers send one another). */
export type RegistryFigures = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export class GatewayMetrics {
  readonly registry = new Registry();
  /** With several workers on the host: the other workers' figures (registry JSON). */
  private othersOnHost: (() => Promise<RegistryFigures[]>) | undefined;
  private readonly queries: Counter<'group' | 'backend' | 'engine' | 'outcome'>;
  private readonly preparation: Histogram<'kind'>;
  private readonly authentication: Histogram<'outcome'>;
  private readonly authenticationCache: Counter<'result'>;
  private readonly authorization: Histogram<string>;
  private readonly queueWait: Histogram<'group'>;
  private readonly rejected: Counter<'status_code' | 'reason'>;
  private readonly queryDuration: Histogram<'group' | 'outcome'>;
  private readonly denials: Counter<'check'>;
  private readonly analysisRefusals: Counter<'error_name'>;
  private readonly healthTransitions: Counter<'backend' | 'to'>;
  private readonly segmentRequests: Counter<'action'>;
  private readonly guardrailActions: Counter<'guardrail' | 'kind' | 'check' | 'action' | 'routing_group'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'querygate_' });
    this.queries = new Counter({ name: 'querygate_queries_total', help: 'Queries that ended, by routing group, backend, engine and outcome', labelNames: ['group', 'backend', 'engine', 'outcome'], registers: [this.registry] });
    this.preparation = new Histogram({
      name: 'querygate_gateway_overhead_seconds',
      help: "The gateway's own work on a request before it reaches a backend (parsing, identity, routing, admission)",
      labelNames: ['kind'],
      buckets: FAST_BUCKETS,
      registers: [this.registry],
    });
    this.authentication = new Histogram({ name: 'querygate_authentication_seconds', help: 'Time to authenticate a request', labelNames: ['outcome'], buckets: FAST_BUCKETS, registers: [this.registry] });
    this.authorization = new Histogram({ name: 'querygate_authorization_seconds', help: 'Time to analyse and authorize a statement (cached decisions included)', buckets: FAST_BUCKETS, registers: [this.registry] });
    this.authenticationCache = new Counter({ name: 'querygate_authentication_cache_lookups_total', help: 'Authentication cache lookups by result (hit or miss)', labelNames: ['result'], registers: [this.registry] });
    this.queueWait = new Histogram({ name: 'querygate_queue_wait_seconds', help: 'Time queries waited in the gateway queue before admission', labelNames: ['group'], buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900], registers: [this.registry] });
    this.rejected = new Counter({
      name: 'querygate_requests_rejected_total',
      help: 'Requests refused before becoming queries, by HTTP status and reason (draining: a new statement while shutting down)',
      labelNames: ['status_code', 'reason'],
      registers: [this.registry],
    });
    this.queryDuration = new Histogram({
      name: 'querygate_query_duration_seconds',
      help: 'End-to-end query duration, from the statement reaching the gateway to its end, by routing group and outcome',
      labelNames: ['group', 'outcome'],
      buckets: QUERY_BUCKETS,
      registers: [this.registry],
    });
    this.denials = new Counter({ name: 'querygate_access_denials_total', help: 'Statements denied by access control, by the check that denied them', labelNames: ['check'], registers: [this.registry] });
    this.analysisRefusals = new Counter({
      name: 'querygate_analysis_refusals_total',
      help: 'Statements refused because access control could not analyse them, by Trino error name (SYNTAX_ERROR, NOT_SUPPORTED, TABLE_NOT_FOUND, ...)',
      labelNames: ['error_name'],
      registers: [this.registry],
    });
    this.healthTransitions = new Counter({
      name: 'querygate_backend_health_transitions_total',
      help: 'Backends becoming healthy or unhealthy (active probes and failures on real traffic)',
      labelNames: ['backend', 'to'],
      registers: [this.registry],
    });
    this.segmentRequests = new Counter({
      name: 'querygate_spooled_segment_requests_total',
      help: 'Spooled segments served through the gateway (coordinator-served URIs), by action: download or ack. Segments in object storage never pass here',
      labelNames: ['action'],
      registers: [this.registry],
    });
    this.guardrailActions = new Counter({
      name: 'querygate_guardrail_actions_total',
      // Resource group ids are not a label: templated per-user groups would be unbounded (they are in history and the audit trail).
      help: 'Guardrail actions (warn, deny, kill), by guardrail, kind, the limit or check that acted, and routing group',
      labelNames: ['guardrail', 'kind', 'check', 'action', 'routing_group'],
      registers: [this.registry],
    });
  }

  guardrailActed(guardrail: string, kind: string, check: string, action: string, routingGroup: string): void {
    this.guardrailActions.inc({ guardrail, kind, check, action, routing_group: routingGroup });
  }

  /** Gauges read at scrape time from the live state of backends and queues. */
  observeBackends(pool: BackendPool, admission: Admission): void {
    const labels = ['backend', 'group', 'engine'] as const;
    const each = (name: string, help: string, aggregator: Aggregator, value: (b: ReturnType<BackendPool['all']>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: labels,
        aggregator,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const b of pool.all()) this.set({ backend: b.backend.name, group: b.group, engine: b.backend.engine }, value(b));
        },
      });
    // Each worker checks health itself: the host's answer is healthy only when every worker finds it so.
    each('querygate_backend_healthy', '1 when the backend passes health checks', 'min', (b) => (b.healthy ? 1 : 0));
    each('querygate_backend_active', '1 when the backend takes new queries (not draining or inactive)', 'max', (b) => (b.state === 'active' ? 1 : 0));
    each('querygate_backend_running_queries', 'Queries this gateway has running on the backend', 'sum', (b) => b.running);
    each('querygate_backend_reported_queries', 'Queued and running queries the backend reports itself', 'max', (b) => b.reportedLoad);
    new Gauge({
      name: 'querygate_group_queued_queries',
      help: 'Queries waiting in the gateway queue, by routing group',
      labelNames: ['group'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const group of new Set(pool.all().map((b) => b.group))) this.set({ group }, admission.queuedIn(group));
      },
    });
  }

  /** `seconds`: end to end, when the query's start is known (it was started through this instance). */
  queryEnded(group: string, backend: string, engine: string, outcome: QueryOutcome, seconds: number | undefined): void {
    this.queries.inc({ group, backend, engine, outcome });
    if (seconds !== undefined) this.queryDuration.observe({ group, outcome }, seconds);
  }

  accessDenied(check: string): void {
    this.denials.inc({ check });
  }

  analysisRefused(errorName: string): void {
    this.analysisRefusals.inc({ error_name: errorName });
  }

  backendHealthChanged(backend: string, healthy: boolean): void {
    this.healthTransitions.inc({ backend, to: healthy ? 'healthy' : 'unhealthy' });
  }

  /** Seconds since `startNs` (process.hrtime.bigint()) of gateway work on a request of `kind`. */
  overhead(kind: 'submit' | 'followup', startNs: bigint): void {
    this.preparation.observe({ kind }, Number(process.hrtime.bigint() - startNs) / 1e9);
  }

  authenticated(outcome: 'success' | 'failure' | 'throttled', seconds: number): void {
    this.authentication.observe({ outcome }, seconds);
  }

  authorized(seconds: number): void {
    this.authorization.observe(seconds);
  }

  /** The authorization decision cache's counts, read at scrape time. */
  observeDecisionCache(stats: () => { hits: number; misses: number; size: number; evictions: number }): void {
    totalFromSource(this.registry, 'querygate_decision_cache_lookups_total', 'Authorization decision cache lookups by result (hit or miss)', ['result'], () => {
      const { hits, misses } = stats();
      return [
        [{ result: 'hit' }, hits],
        [{ result: 'miss' }, misses],
      ];
    });
    new Gauge({
      name: 'querygate_decision_cache_entries',
      help: 'Authorization decisions held in the cache',
      registers: [this.registry],
      collect() {
        this.set(stats().size);
      },
    });
  }

  authenticationCacheLookup(hit: boolean): void {
    this.authenticationCache.inc({ result: hit ? 'hit' : 'miss' });
  }

  queued(group: string, seconds: number): void {
    this.queueWait.observe({ group }, seconds);
  }

  segmentRelayed(action: 'download' | 'ack'): void {
    this.segmentRequests.inc({ action });
  }

  requestRejected(status: number, reason = REJECTION_REASONS[status] ?? 'other'): void {
    this.rejected.inc({ status_code: String(status), reason });
  }

  /** This worker's figures are merged with the other workers' (`gather`) on every scrape. */
  joinHost(gather: () => Promise<RegistryFigures[]>): void {
    this.othersOnHost = gather;
  }

  /** The exposition a scrape gets: this process's figures, or the host's when it is one of several workers. */
  async exposition(): Promise<string> {
    if (this.othersOnHost === undefined) return this.registry.metrics();
    const [own, others] = await Promise.all([this.registry.getMetricsAsJSON(), this.othersOnHost()]);
    return AggregatorRegistry.aggregate([own, ...others]).metrics();
  }
}
