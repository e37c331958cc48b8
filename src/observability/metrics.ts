/**
 * Prometheus metrics (`GET /metrics`): queries by outcome, group and engine; backend health,
 * load and queue depth; latency histograms for the gateway's own work before a request reaches a
 * backend, for authentication and for waiting in the gateway queue; authentication cache hits;
 * Node's own figures (event-loop lag, memory, GC).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueryOutcome } from '../engines/backend.js';
import type { Admission } from '../routing/admission.js';
import type { BackendPool } from '../routing/backend-pool.js';

const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly queries: Counter<'group' | 'backend' | 'engine' | 'outcome'>;
  private readonly preparation: Histogram<'kind'>;
  private readonly authentication: Histogram<'outcome'>;
  private readonly authenticationCache: Counter<'result'>;
  private readonly authorization: Histogram<string>;
  private readonly queueWait: Histogram<'group'>;
  private readonly rejected: Counter<'reason'>;

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
    this.authenticationCache = new Counter({ name: 'querygate_authentication_cache_total', help: 'Authentication cache lookups by result (hit or miss)', labelNames: ['result'], registers: [this.registry] });
    this.queueWait = new Histogram({ name: 'querygate_queue_wait_seconds', help: 'Time queries waited in the gateway queue before admission', labelNames: ['group'], buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900], registers: [this.registry] });
    this.rejected = new Counter({ name: 'querygate_requests_rejected_total', help: 'Requests refused before becoming queries, by HTTP status', labelNames: ['reason'], registers: [this.registry] });
  }

  /** Gauges read at scrape time from the live state of backends and queues. */
  observeBackends(pool: BackendPool, admission: Admission): void {
    const labels = ['backend', 'group', 'engine'] as const;
    const each = (name: string, help: string, value: (b: ReturnType<BackendPool['all']>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: labels,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const b of pool.all()) this.set({ backend: b.backend.name, group: b.group, engine: b.backend.engine }, value(b));
        },
      });
    each('querygate_backend_healthy', '1 when the backend passes health checks', (b) => (b.healthy ? 1 : 0));
    each('querygate_backend_active', '1 when the backend takes new queries (not draining or inactive)', (b) => (b.state === 'active' ? 1 : 0));
    each('querygate_backend_running_queries', 'Queries this gateway has running on the backend', (b) => b.running);
    each('querygate_backend_reported_queries', 'Queued and running queries the backend reports itself', (b) => b.reportedLoad);
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

  queryEnded(group: string, backend: string, engine: string, outcome: QueryOutcome): void {
    this.queries.inc({ group, backend, engine, outcome });
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
    new Gauge({
      name: 'querygate_decision_cache_lookups',
      help: 'Authorization decision cache lookups since start, by result (hit or miss)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const s = stats();
        this.set({ result: 'hit' }, s.hits);
        this.set({ result: 'miss' }, s.misses);
      },
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

  requestRejected(status: number | 'draining'): void {
    this.rejected.inc({ reason: String(status) });
  }
}
