/**
 * Watches running queries through their engines' live statistics: every `intervalMs` it reads each
 * watched query's statistics (Trino: the pruned QueryInfo; the embedded engine: its own
 * accounting), hands them to its meter (the CPU its resource groups are charged: see
 * resource-groups.ts) and compares them with the query's runaway guardrails. A `warn` guardrail
 * acts once per limit and query; a `kill` guardrail ends the query on its backend with Trino's
 * EXCEEDED_* error for the limit (backend.kill), and the query is no longer watched.
 *
 * A limit on a statistic the engine does not report cannot hold: it is named once in the log when
 * the query starts (`unmeasured`), never silently taken as met.
 */
import type { Logger } from 'pino';
import type { Backend } from '../engines/backend.js';
import { exceeded, unmeasured, type GuardrailAction, type LiveStats, type RunawayRule } from './guardrails.js';

interface Watched {
  backend: Backend;
  /** The backend's own id of the query. */
  backendQueryId: string;
  rules: RunawayRule[];
  meter: ((stats: LiveStats) => void) | undefined;
  /** `guardrail/limit` pairs that already warned. */
  warned: Set<string>;
}

export class LiveQueryMonitor {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    /** A guardrail acted on a query (`queryId`: the id its client knows). */
    private readonly onAction: (queryId: string, action: GuardrailAction) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Watches a query that started on `backend` (again for the same query: nothing changes); `meter` gets each reading. */
  watch(queryId: string, backend: Backend, backendQueryId: string, rules: RunawayRule[], meter?: (stats: LiveStats) => void): void {
    if ((rules.length === 0 && meter === undefined) || this.watched.has(queryId)) return;
    if (backend.liveStats === undefined || backend.kill === undefined) {
      this.log.warn({ queryId, backend: backend.name, guardrails: rules.map((r) => r.name) }, `runaway guardrails and CPU quotas cannot watch queries on a ${backend.engine} backend: it reports no live statistics`);
      return;
    }
    const reported = backend.liveStatsReported ?? new Set();
    for (const rule of rules) {
      const missing = unmeasured(rule, reported);
      if (missing.length > 0) this.log.warn({ queryId, backend: backend.name, guardrail: rule.name, limits: missing }, `the ${backend.engine} engine does not report what these limits measure: they do not hold for this query`);
    }
    this.watched.set(queryId, { backend, backendQueryId, rules, meter, warned: new Set() });
  }

  unwatch(queryId: string): void {
    this.watched.delete(queryId);
  }

  get size(): number {
    return this.watched.size;
  }

  /** One round over every watched query (rounds never overlap: a call during one waits for it). */
  async check(): Promise<void> {
    this.checking ??= this.round().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async round(): Promise<void> {
    await Promise.all([...this.watched].map(([queryId, watched]) => this.checkOne(queryId, watched)));
  }

  private async checkOne(queryId: string, watched: Watched): Promise<void> {
    const stats = await watched.backend.liveStats!(watched.backendQueryId, this.intervalMs).catch(() => undefined);
    // Ended meanwhile, or not answered in time: the next round asks again.
    if (stats === undefined || this.watched.get(queryId) !== watched) return;
    watched.meter?.(stats);
    for (const rule of watched.rules) {
      const violation = exceeded(rule, stats);
      if (violation === undefined) continue;
      const key = `${rule.name}/${violation.action.check}`;
      if (rule.action === 'warn') {
        if (watched.warned.has(key)) continue;
        watched.warned.add(key);
        this.onAction(queryId, violation.action);
        continue;
      }
      this.watched.delete(queryId);
      this.onAction(queryId, violation.action);
      await watched.backend.kill!(watched.backendQueryId, violation.failure);
      return;
    }
  }
}
