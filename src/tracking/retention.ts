/**
 * Retention: periodically deletes queries and audit events older than the configured number of
 * days. Failures are logged and retried at the next run; runs never overlap.
 */
import type { TrackingLogger } from './buffered-writer.js';
import type { HistoryStore, RetentionResult } from './store.js';

export interface RetentionOptions {
  store: HistoryStore;
  /** Keep this many days (records created earlier are deleted). */
  days: number;
  /** Time between runs (default 1 hour); the first run is after `initialDelayMs` (default 60 s). */
  intervalMs?: number;
  initialDelayMs?: number;
  logger?: TrackingLogger;
  now?: () => number;
}

const DAY_MS = 86_400_000;

export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionResult | undefined> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {
    if (!(options.days > 0)) throw new RangeError(`retention days must be positive, got ${options.days}`);
  }

  start(): this {
    this.stopped = false;
    this.plan(this.options.initialDelayMs ?? 60_000);
    return this;
  }

  /** One run now: deletes what is older than `days` before now. */
  runOnce(): Promise<RetentionResult | undefined> {
    this.running ??= (async () => {
      const now = (this.options.now ?? Date.now)();
      try {
        const result = await this.options.store.deleteOlderThan(now - this.options.days * DAY_MS);
        if (result.queries > 0 || result.auditEvents > 0) this.options.logger?.info({ ...result, days: this.options.days }, 'tracking retention deleted old records');
        return result;
      } catch (err) {
        this.options.logger?.warn({ err }, 'tracking retention run failed; retrying at the next run');
        return undefined;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private plan(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.plan(this.options.intervalMs ?? 3_600_000));
    }, delayMs);
    this.timer.unref();
  }
}
