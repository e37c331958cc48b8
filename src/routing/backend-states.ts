/**
 * Backend states (activate, drain, deactivate) as fleet state: a change made through any
 * instance's admin API is stored in the history database, and every instance sharing that database
 * reads the stored states every `periodMs` and applies what changed, so a drain through one
 * instance is honoured by all within seconds, and a restart keeps it. A backend with no stored
 * state keeps the one its configuration gives. With SQLite (one file per instance) the state
 * survives restarts but stays this instance's.
 */
import type { Logger } from 'pino';
import type { BackendStateStore, StoredBackendState } from '../tracking/store.js';
import type { BackendPool, BackendState } from './backend-pool.js';

export class FleetBackendStates {
  private timer: NodeJS.Timeout | undefined;
  private applied = new Map<string, number>();
  /** Tells the other instances (workers) of a change stored here, so they read it at once rather than at their next period. */
  private announce: (() => void) | undefined;

  constructor(
    private readonly pool: BackendPool,
    /** The database, once it could be opened. */
    private readonly store: () => BackendStateStore | undefined,
    /** The database, opened now if need be (rejects when unreachable). */
    private readonly openStore: () => Promise<BackendStateStore>,
    private readonly log: Logger,
    private readonly periodMs = 2_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.readNow(), this.periodMs);
    this.timer.unref();
  }

  /** Reads the stored states now (as every period, or when another instance announced a change). */
  readNow(): void {
    void this.load().catch((err: Error) => this.log.warn({ err: err.message }, 'backend states could not be read from the history database'));
  }

  announceChangesWith(publish: () => void): void {
    this.announce = publish;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** At start: waits for the database (its connect timeout at most), so that a restarted instance routes by the stored states from its first query. */
  async loadAtStart(): Promise<void> {
    await this.openStore();
    await this.load();
  }

  /** Applies the stored states that changed since the last read. */
  async load(): Promise<void> {
    const store = this.store();
    if (!store) return;
    for (const stored of await store.backendStates()) {
      if (this.applied.get(stored.name) === stored.changedAt) continue;
      this.applied.set(stored.name, stored.changedAt);
      const backend = this.pool.get(stored.name);
      if (!backend || backend.state === stored.state) continue;
      this.log.info({ actor: stored.changedBy, target: stored.name, from: backend.state, to: stored.state }, 'backend state changed for the fleet');
      this.pool.setState(stored.name, stored.state);
    }
  }

  /** Stores a change for the fleet, then applies it here; refused (thrown) when the database is unreachable. */
  async set(name: string, state: BackendState, changedBy: string): Promise<void> {
    const store = await this.openStore();
    const change: StoredBackendState = { name, state, changedAt: Date.now(), changedBy };
    await store.setBackendState(change);
    this.applied.set(name, change.changedAt);
    this.pool.setState(name, state);
    this.announce?.();
  }
}
