/**
 * The run-time view of every backend: its administrative state (active, draining, inactive),
 * its health (from probes and from failures on real traffic), and the queries this gateway has
 * running on it. Choosing a backend inside a group is least-loaded by running/weight among the
 * active, healthy backends that are not full. With a ClusterLoad (Redis configured), the queries
 * other gateway instances run on a backend count against its `maxRunning` too, and while their
 * counts are unknown this instance fills only its share of it.
 */
import type { Backend, QueryOutcome } from '../engines/backend.js';
import type { ClusterLoad } from './cluster-load.js';

export type BackendState = 'active' | 'draining' | 'inactive';

export interface PooledBackend {
  readonly backend: Backend;
  group: string;
  weight: number;
  maxRunning: number;
  state: BackendState;
  healthy: boolean;
  running: number;
  /** Running and queued queries the backend itself reports (all clients, all gateway instances). */
  reportedLoad: number;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastError?: string;
}

export interface HealthThresholds {
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export class BackendPool {
  private readonly byName = new Map<string, PooledBackend>();
  private readonly listeners: Array<() => void> = [];

  constructor(
    entries: Array<{ backend: Backend; group: string; weight: number; maxRunning: number; state: BackendState }>,
    private readonly thresholds: HealthThresholds,
    readonly cluster?: ClusterLoad,
  ) {
    for (const e of entries) {
      this.byName.set(e.backend.name, { ...e, healthy: true, running: 0, reportedLoad: 0, consecutiveFailures: 0, consecutiveSuccesses: 0 });
    }
    cluster?.watch(entries.map((e) => e.backend.name), [...new Set(entries.map((e) => e.group))]);
    cluster?.onRoomElsewhere(() => this.capacityChanged());
  }

  /** Queries running on `b` through the whole fleet of gateway instances (this one alone without a ClusterLoad). */
  fleetRunning(b: PooledBackend): number {
    return b.running + (this.cluster?.running(b.backend.name) ?? 0);
  }

  /** The part of `b`'s `maxRunning` this instance may fill now: all of it, or its share while the fleet's counts are unknown. */
  capacity(b: PooledBackend): number {
    return this.cluster?.share(b.maxRunning) ?? b.maxRunning;
  }

  get(name: string): PooledBackend | undefined {
    return this.byName.get(name);
  }

  all(): PooledBackend[] {
    return [...this.byName.values()];
  }

  /** Called whenever capacity may have appeared (a query ended, a backend came back or was activated). */
  onCapacity(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * The least-loaded backend of `group` that can take a query now, if any. Load is the larger of
   * the fleet's count and what the backend last reported, so direct users count too; capacity
   * (`maxRunning`) is the fleet's count (this instance's alone without shared counters).
   */
  choose(group: string): PooledBackend | undefined {
    let best: PooledBackend | undefined;
    const load = (b: PooledBackend) => Math.max(this.fleetRunning(b), b.reportedLoad) / b.weight;
    for (const b of this.byName.values()) {
      if (b.group !== group || this.room(b) === 0) continue;
      if (!best || load(b) < load(best)) best = b;
    }
    return best;
  }

  /** Queries the backends of these groups could still take now (the fleet's counts, as choose reads them). */
  roomIn(groups: string[]): number {
    let room = 0;
    for (const b of this.byName.values()) if (groups.includes(b.group)) room += this.room(b);
    return room;
  }

  private room(b: PooledBackend): number {
    if (b.state !== 'active' || !b.healthy || b.backend.saturated?.()) return 0;
    return Math.max(0, this.capacity(b) - this.fleetRunning(b));
  }

  setState(name: string, state: BackendState): PooledBackend | undefined {
    const b = this.byName.get(name);
    if (!b) return undefined;
    b.state = state;
    if (state === 'active') this.capacityChanged();
    return b;
  }

  /** Takes a slot on `b`; `lease` names it in the fleet's leases until the backend names the query. */
  acquire(b: PooledBackend, lease: string): void {
    b.running++;
    this.cluster?.slotTaken(b.backend.name, lease);
  }

  /** The slot's query got its id: its lease is the query's from now on. */
  bind(b: PooledBackend, lease: string, queryId: string): void {
    this.cluster?.slotBound(b.backend.name, lease, queryId);
  }

  /** Frees a slot (`lease`: the slot's or its query's id); `ended` when the query ran. */
  release(b: PooledBackend, lease: string, ended?: { queryId: string; outcome: QueryOutcome }): void {
    this.cluster?.slotFreed(b.backend.name, lease, ended);
    b.running = Math.max(0, b.running - 1);
    this.capacityChanged();
  }

  /** A probe or a real request succeeded. */
  reportSuccess(name: string): void {
    const b = this.byName.get(name);
    if (!b) return;
    b.consecutiveFailures = 0;
    b.consecutiveSuccesses++;
    if (!b.healthy && b.consecutiveSuccesses >= this.thresholds.healthyThreshold) {
      b.healthy = true;
      delete b.lastError;
      this.capacityChanged();
    }
  }

  /** A probe failed, or a real request could not reach the backend. */
  reportFailure(name: string, reason: string): void {
    const b = this.byName.get(name);
    if (!b) return;
    b.consecutiveSuccesses = 0;
    b.consecutiveFailures++;
    b.lastError = reason;
    if (b.healthy && b.consecutiveFailures >= this.thresholds.unhealthyThreshold) b.healthy = false;
  }

  /**
   * Another instance found the backend down on live traffic (a hung or unreachable backend): out
   * at once here too, until this instance's own probes bring it back. True when that changed it.
   */
  markUnhealthy(name: string, reason: string): boolean {
    const b = this.byName.get(name);
    if (!b?.healthy) return false;
    b.healthy = false;
    b.consecutiveSuccesses = 0;
    b.lastError = reason;
    return true;
  }

  private capacityChanged(): void {
    for (const listener of this.listeners) listener();
  }
}
