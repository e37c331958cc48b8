/**
 * What the other gateway instances have running on each backend and queued in each routing
 * group, so that `maxRunning` and `maxQueued` hold for the whole fleet rather than per instance.
 *
 * Admission never waits for Redis: this instance's own changes are sent as they happen (fire and
 * forget, see SharedCounters), and the other instances' counts are read every `refreshMs` into a
 * local view that admission consults synchronously. Two instances can therefore both admit
 * within one refresh interval, so the fleet can overshoot a limit by at most what arrives in that
 * window; in exchange a slow or absent Redis never adds latency to a query or stops one. When
 * Redis is unreachable the view is empty (each instance counts only itself, as without Redis) and
 * `degraded` says so.
 */
import type { RedisBus } from '../cluster/redis-bus.js';
import type { QueryOutcome } from '../engines/backend.js';
import type { CounterKey, SharedCounters } from '../tracking/counters.js';

export class ClusterLoad {
  private runningElsewhere = new Map<string, number>();
  private queuedElsewhere = new Map<string, number>();
  private readonly listeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(
    readonly counters: SharedCounters,
    private readonly refreshMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  /** Called after each refresh in which some other instance's load went down (room may have appeared). */
  onRoomElsewhere(listener: () => void): void {
    this.listeners.push(listener);
  }

  get degraded(): boolean {
    return this.counters.degraded;
  }

  /** Queries other instances have running on `backend`, as last read. */
  running(backend: string): number {
    return this.runningElsewhere.get(backend) ?? 0;
  }

  /** Queries waiting in other instances' queues for `group`, as last read. */
  queued(group: string): number {
    return this.queuedElsewhere.get(group) ?? 0;
  }

  /** This instance started (+1) or ended (-1) a query on `backend`. */
  runningChanged(backend: string, delta: number): void {
    this.send({ scope: 'backend', name: backend, metric: 'running' }, delta);
  }

  /** A query entered (+1) or left (-1) this instance's queue for `group`. */
  queuedChanged(group: string, delta: number): void {
    this.send({ scope: 'group', name: group, metric: 'queued' }, delta);
  }

  /** Reads the other instances' counts now (also run every `refreshMs`). */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const running = new Map<string, number>();
      const queued = new Map<string, number>();
      for (const entry of await this.counters.others()) {
        if (entry.scope === 'backend' && entry.metric === 'running') running.set(entry.name, entry.value);
        else if (entry.scope === 'group' && entry.metric === 'queued') queued.set(entry.name, entry.value);
      }
      const wentDown = [...this.runningElsewhere].some(([name, n]) => (running.get(name) ?? 0) < n);
      this.runningElsewhere = running;
      this.queuedElsewhere = queued;
      if (wentDown) for (const listener of this.listeners) listener();
    } finally {
      this.refreshing = false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.counters.close();
  }

  private send(key: CounterKey, delta: number): void {
    // SharedCounters never reject: a lost update is repaired by the next heartbeat.
    void (delta > 0 ? this.counters.incr(key, delta) : this.counters.decr(key, -delta));
  }
}

/**
 * Queries an instance saw end although another instance admitted them (clients may send each
 * poll to any instance) are announced on `channel`, so that the admitting instance frees the slot
 * at once instead of holding it until its idle sweep (`queries.clientTimeout`), which with
 * fleet-wide limits would let such slots fill the fleet. Announcements lost while Redis is down
 * leave it to that sweep. Returns the function that announces an end.
 */
export async function shareQueryEnds(bus: RedisBus, channel: string, onEndedElsewhere: (queryId: string, outcome: QueryOutcome) => void): Promise<(queryId: string, outcome: QueryOutcome) => void> {
  await bus.subscribe(channel, (message) => {
    const ended = parseAnnouncement(message);
    if (ended) onEndedElsewhere(ended.queryId, ended.outcome);
  });
  return (queryId, outcome) => void bus.publish(channel, JSON.stringify({ queryId, outcome }));
}

const OUTCOMES: ReadonlySet<string> = new Set<QueryOutcome>(['finished', 'failed', 'abandoned']);

function parseAnnouncement(message: string): { queryId: string; outcome: QueryOutcome } | undefined {
  try {
    const value = JSON.parse(message) as { queryId?: unknown; outcome?: unknown };
    if (typeof value.queryId === 'string' && typeof value.outcome === 'string' && OUTCOMES.has(value.outcome)) return { queryId: value.queryId, outcome: value.outcome as QueryOutcome };
  } catch {
    // not ours: ignored
  }
  return undefined;
}
