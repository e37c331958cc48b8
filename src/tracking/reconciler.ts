/**
 * History rows left RUNNING by an instance that died (kill -9, a crashed host): every instance
 * looks, every `periodMs`, for RUNNING rows older than `minAgeMs` that it does not have in flight
 * itself, and asks their backend: a query the backend reports ended gets its final state. Rows of
 * queries still running (on any instance) are left alone; so are rows the backend cannot answer
 * for (unreachable, or a query it no longer remembers), which stay RUNNING. Several instances may
 * write the same end: the upsert keeps one row.
 */
import type { Logger } from 'pino';
import type { Backend } from '../engines/backend.js';
import type { BufferedHistoryWriter } from './buffered-writer.js';
import type { QueryTracker } from './query-tracker.js';
import type { HistoryStore } from './store.js';
import type { QueryState } from './types.js';

const STATE_TIMEOUT_MS = 2_000;
const ROWS_PER_ROUND = 200;
const FINAL_STATES = { finished: 'FINISHED', failed: 'FAILED' } as const satisfies Record<string, QueryState>;

export class HistoryReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: () => HistoryStore | undefined,
    private readonly writer: BufferedHistoryWriter,
    private readonly tracker: QueryTracker,
    private readonly backends: ReadonlyMap<string, Backend>,
    private readonly log: Logger,
    /** The backend's own id of a query recorded under the id the gateway gave it (it waited in the gateway queue). */
    private readonly backendQueryOf: (id: string) => Promise<{ queryId: string } | undefined> = async () => undefined,
    private readonly minAgeMs = 30_000,
    private readonly periodMs = 15_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.reconcile(), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round; returns the number of rows given their final state. */
  async reconcile(now = Date.now()): Promise<number> {
    const store = this.store();
    if (!store || this.running) return 0;
    this.running = true;
    let fixed = 0;
    try {
      const { items } = await store.searchQueries({ states: ['RUNNING'], to: now - this.minAgeMs, limit: ROWS_PER_ROUND });
      for (const row of items) {
        if (this.tracker.inFlightQuery(row.id) || row.backend === undefined) continue;
        const backendQueryId = (await this.backendQueryOf(row.id))?.queryId ?? row.id;
        const state = await this.backends.get(row.backend)?.queryState?.(backendQueryId, STATE_TIMEOUT_MS);
        if (state !== 'finished' && state !== 'failed') continue;
        this.writer.writeQuery({ ...row, state: FINAL_STATES[state], endedAt: Date.now() });
        fixed++;
      }
      if (fixed > 0) this.log.info({ rows: fixed }, 'history rows left RUNNING by another instance were given their final state');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'RUNNING history rows could not be reconciled this round');
    } finally {
      this.running = false;
    }
    return fixed;
  }
}
