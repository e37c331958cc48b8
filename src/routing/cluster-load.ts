/**
 * What the other gateway instances have running on each backend and queued in each routing
 * group, so that `maxRunning` and `maxQueued` hold for the whole fleet, kept as leases
 * (cluster/leases.ts) rather than as counts sent in messages.
 *
 * This instance holds a lease for every slot it admitted (its own), for every query another
 * instance admitted whose polls it serves (adopted: so a query keeps counting when the instance
 * that admitted it dies), and for every query in its queue. A round every `syncMs` renews them all
 * (TTL `ttlMs`), drops released ones (with a tombstone when a query ended, so that every other
 * holder drops it at its next round) and reads the other instances' counts into a local view that
 * admission consults synchronously. A change is also synced at once (rounds never overlap: one
 * more follows when changes arrived meanwhile), so two instances can both admit only within one
 * round trip.
 *
 * When the store is unreachable, `degraded` is true, the view of the others is empty, and each
 * limit is cut to this instance's share (`share`): the limit divided by the instances last seen
 * alive. The first round that succeeds re-registers every lease held and returns to fleet-wide
 * counts.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MessageBus } from '../cluster/redis-bus.js';
import type { HeldLease, LeaseStore, ReleasedLease } from '../cluster/leases.js';
import { isOutcome } from '../cluster/leases.js';
import type { QueryOutcome } from '../engines/backend.js';

export interface ClusterLoadOptions {
  instanceId?: string;
  /** How long a lease lives without renewal (default 5 s). */
  ttlMs?: number;
  /** Renewal period (default 1 s). */
  syncMs?: number;
  /** How long an ended query is remembered (default 10 min). */
  tombstoneTtlMs?: number;
  /** An adopted lease is let go after this long without a poll served here (queries.clientTimeout). */
  adoptIdleMs: number;
  log?: Logger;
}

/** One live count, as the metrics show it. */
export interface LiveCount {
  scope: 'backend' | 'group';
  name: string;
  metric: 'running' | 'queued';
  value: number;
}

interface Held extends HeldLease {
  lastUsed: number;
  /** A lease held for someone else's query is let go after this long without use (default adoptIdleMs). */
  idleMs?: number;
}

/** The tombstone key of a query waiting in a gateway queue (apart from the ids of running queries). */
const queuedKey = (id: string) => `queued:${id}`;

/** What the first round that sent a lease read: its pool's count (every instance's), and for a queue lease its place. */
interface Registration {
  count?: number;
  ahead?: number;
}

const backendPool = (name: string) => `backend:${name}`;
const groupPool = (name: string) => `group:${name}`;

export class ClusterLoad {
  readonly instanceId: string;
  private readonly held = new Map<string, Held>();
  private released: ReleasedLease[] = [];
  private others = new Map<string, number>();
  /** This instance's queries: when any instance last served a poll of it, as of the last round (local clock). */
  private polledAt = new Map<string, number>();
  private readonly watched = new Set<string>();
  /** Counters this instance reads and charges: what it used since its last round, and the rate each regains at. */
  private readonly counters = new Map<string, { pending: number; regainPerSecond: number }>();
  private counterValues = new Map<string, number>();
  /** This instance's value of each gauge it reports and reads. */
  private readonly gauges = new Map<string, number>();
  /** Gauges no longer needed here: reported as 0 once more (so the fleet stops counting this instance), then forgotten. */
  private readonly forgottenGauges = new Set<string>();
  private gaugesElsewhere = new Map<string, number>();
  private readonly roomListeners: Array<() => void> = [];
  private readonly endListeners: Array<(queryId: string, outcome: QueryOutcome) => void> = [];
  private readonly takenListeners: Array<(id: string) => void> = [];
  /** Own leases waiting for the round that first sends them: told the pool's count in it (and a queue lease its place). */
  private readonly registering = new Map<string, (figures: Registration | undefined) => void>();
  /** Each held queue lease's place in the fleet's queue: how many were ahead of it at the last round. */
  private ahead = new Map<string, number>();
  /** Queue leases let go since the round that read `ahead` (with their place then): those behind them moved up. */
  private readonly departed = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly syncMs: number;
  private readonly tombstoneTtlMs: number;
  private instancesSeen = 1;
  private up = false;
  private reportedDown = false;
  private syncing: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** A round asked for by changes of the current synchronous step (soon). */
  private roundQueued = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: ClusterLoadOptions,
  ) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.ttlMs = options.ttlMs ?? 5_000;
    this.syncMs = options.syncMs ?? 1_000;
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 600_000;
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.syncMs);
    this.timer.unref();
  }

  /** Called after each round in which some other instance's load went down (room may have appeared). */
  onRoomElsewhere(listener: () => void): void {
    this.roomListeners.push(listener);
  }

  /** Called for each query held here that ended on another instance. */
  onEndedElsewhere(listener: (queryId: string, outcome: QueryOutcome) => void): void {
    this.endListeners.push(listener);
  }

  /** Called for each query waiting in a gateway queue here that another instance started or cancelled. */
  onQueuedTakenElsewhere(listener: (id: string) => void): void {
    this.takenListeners.push(listener);
  }

  get degraded(): boolean {
    return !this.up;
  }

  /** Live instances in the last successful round (this one included). */
  get instances(): number {
    return this.instancesSeen;
  }

  /** This instance's part of a fleet-wide limit: all of it while the shared counts are known, else its share (at least 1). */
  share(limit: number): number {
    return this.up ? limit : Math.max(1, Math.floor(limit / this.instancesSeen));
  }

  /** Counts these backends and groups from the next round on (any other is counted once asked about). */
  watch(backends: string[], groups: string[]): void {
    for (const name of backends) this.watched.add(backendPool(name));
    for (const name of groups) this.watched.add(groupPool(name));
  }

  /** Queries other instances have running on `backend`, as last read. */
  running(backend: string): number {
    return this.othersIn(backendPool(backend));
  }

  /** Queries waiting in other instances' queues for `group`, as last read. */
  queued(group: string): number {
    return this.othersIn(groupPool(group));
  }

  /** This instance took a slot on `backend` (`member`: the slot's id until the backend names the query). */
  slotTaken(backend: string, member: string): void {
    this.hold({ pool: backendPool(backend), member, own: true });
  }

  /**
   * The count of the slot's pool (every instance's leases, this one included) in the first round
   * that sent its lease, once that round is done; undefined when the store could not be reached
   * (or the slot was freed first).
   */
  slotRegistered(backend: string, member: string): Promise<number | undefined> {
    const key = `${backendPool(backend)}\n${member}`;
    if (!this.held.has(key)) return Promise.resolve(undefined);
    return new Promise((resolve) => this.registering.set(key, (figures) => resolve(figures?.count)));
  }

  /** The backend named the slot's query: its lease is the query's from now on (shared with adopters). */
  slotBound(backend: string, member: string, queryId: string): void {
    this.let(backendPool(backend), member);
    this.hold({ pool: backendPool(backend), member: queryId, queryId, own: true });
  }

  /** This instance freed a slot; `ended` when its query ran (every other holder drops it too). */
  slotFreed(backend: string, member: string, ended?: { queryId: string; outcome: QueryOutcome }): void {
    this.let(backendPool(backend), member, ended);
  }

  /** This instance served a poll of a query on `backend` (admitted here or elsewhere). */
  pollServed(backend: string, queryId: string): void {
    const key = `${backendPool(backend)}\n${queryId}`;
    const held = this.held.get(key);
    if (held) held.lastUsed = Date.now();
    else this.hold({ pool: backendPool(backend), member: queryId, queryId, own: false });
  }

  /** A query admitted elsewhere ended in a request served here. */
  queryEnded(backend: string, queryId: string, outcome: QueryOutcome): void {
    this.let(backendPool(backend), queryId, { queryId, outcome });
  }

  /**
   * A query queued here: its lease holds its place in the fleet's queue of `group`. Resolves, once
   * the round that first sends it is done, with how many queries were waiting ahead of it then;
   * undefined when the store could not be reached (or it left the queue first).
   */
  queuedAdded(group: string, id: string): Promise<number | undefined> {
    return this.queueLeaseTaken(groupPool(group), id, { queryId: queuedKey(id) });
  }

  /**
   * As queuedAdded, for a queue in a pool of the caller's naming (a resource group's), where a
   * higher `priority` goes ahead of every lower one.
   */
  queueLeaseTaken(pool: string, member: string, options: { queryId?: string; priority?: number } = {}): Promise<number | undefined> {
    const key = `${pool}\n${member}`;
    this.hold({ pool, member, own: true, queued: true, ...options });
    return new Promise((resolve) => this.registering.set(key, (figures) => resolve(figures?.ahead)));
  }

  /**
   * How many queries that queued in `pool` before `member` (the fleet's arrival order) still wait:
   * as of the last round, less those this instance let go since; undefined before its first round
   * or while the store is unreachable.
   */
  queueAhead(pool: string, member: string): number | undefined {
    const place = this.up ? this.ahead.get(`${pool}\n${member}`) : undefined;
    if (place === undefined) return undefined;
    let moved = 0;
    for (const [key, before] of this.departed) if (before < place && key.startsWith(`${pool}\n`)) moved++;
    return place - moved;
  }

  /** queueAhead for the gateway queue of a routing group. */
  queuedAhead(group: string, id: string): number | undefined {
    return this.queueAhead(groupPool(group), id);
  }

  /** A client polled here a query queued by another instance: it keeps counting should that instance die. */
  queuedPolled(group: string, id: string, idleMs: number): void {
    const held = this.held.get(`${groupPool(group)}\n${id}`);
    if (held) held.lastUsed = Date.now();
    else this.hold({ pool: groupPool(group), member: id, queryId: queuedKey(id), own: false, idleMs, queued: true });
  }

  /** The query left the queue; `taken` when it was started or cancelled (every other holder drops it too). */
  queuedRemoved(group: string, id: string, taken = false): void {
    this.let(groupPool(group), id, taken ? { queryId: queuedKey(id), outcome: 'finished' } : undefined);
  }

  /** When a poll of a query this instance admitted was last served by any instance (as of the last round), if known. */
  lastPolled(queryId: string): number | undefined {
    return this.up ? this.polledAt.get(queryId) : undefined;
  }

  /** This instance holds `member` in a pool of its own naming (resource groups: admission/resource-groups.ts). */
  leaseTaken(pool: string, member: string): void {
    this.hold({ pool, member, own: true });
  }

  leaseFreed(pool: string, member: string): void {
    this.let(pool, member);
  }

  /** Leases other instances hold in `pool`, as last read (0 while the store is unreachable: limits are then shares). */
  countElsewhere(pool: string): number {
    return this.othersIn(pool);
  }

  /** Counts these pools from the next round on; true when one was not counted before (its count is not known yet). */
  watchPools(pools: string[]): boolean {
    let added = false;
    for (const pool of pools) {
      if (this.watched.has(pool)) continue;
      this.watched.add(pool);
      added = true;
    }
    return added;
  }

  /** Stops counting a pool nobody here needs any more (a templated resource group that went idle). */
  unwatch(pool: string): void {
    this.watched.delete(pool);
  }

  /** Reads these counters and gauges from the next round on; true when one was not read before (its value is not known yet). */
  watchUsage(counters: Array<{ counter: string; regainPerSecond: number }>, gauges: string[]): boolean {
    let added = false;
    for (const { counter, regainPerSecond } of counters) {
      if (this.counters.has(counter)) continue;
      this.counters.set(counter, { pending: 0, regainPerSecond });
      added = true;
    }
    for (const gauge of gauges) {
      this.forgottenGauges.delete(gauge);
      if (this.gauges.has(gauge)) continue;
      this.gauges.set(gauge, 0);
      added = true;
    }
    return added;
  }

  /**
   * Adds `amount` to a fleet-wide decaying counter (a resource group's CPU usage), which the store
   * brings down by `regainPerSecond` every whole second; the counter is read from the next round on.
   */
  charge(counter: string, amount: number, regainPerSecond: number): void {
    const entry = this.counters.get(counter);
    if (entry) {
      entry.pending += amount;
      entry.regainPerSecond = regainPerSecond;
    } else this.counters.set(counter, { pending: amount, regainPerSecond });
    if (amount > 0) this.soon();
  }

  /** The counter's fleet-wide value (as last read, plus what this instance charged since); undefined while the store is unreachable. */
  counterValue(counter: string): number | undefined {
    if (!this.up) return undefined;
    return (this.counterValues.get(counter) ?? 0) + (this.counters.get(counter)?.pending ?? 0);
  }

  /** This instance's current value of a fleet-wide gauge (the memory its running queries of a resource group hold). */
  setGauge(gauge: string, value: number): void {
    this.forgottenGauges.delete(gauge);
    if (this.gauges.get(gauge) === value) return;
    this.gauges.set(gauge, value);
    this.soon();
  }

  /** What the other live instances report for the gauge, as last read (0 while the store is unreachable). */
  gaugeElsewhere(gauge: string): number {
    return this.up ? (this.gaugesElsewhere.get(gauge) ?? 0) : 0;
  }

  /** Stops reading a counter nobody here needs any more (a templated resource group that went idle). */
  forgetCounter(counter: string): void {
    this.counters.delete(counter);
    this.counterValues.delete(counter);
  }

  /** Stops reporting and reading a gauge (after one last 0). */
  forgetGauge(gauge: string): void {
    if (!this.gauges.has(gauge)) return;
    this.gauges.set(gauge, 0);
    this.forgottenGauges.add(gauge);
    this.soon();
  }

  /** Every backend's and routing group's fleet-wide count (own leases plus the others'), as last read. */
  snapshot(): LiveCount[] {
    const own = new Map<string, number>();
    for (const h of this.held.values()) if (h.own) own.set(h.pool, (own.get(h.pool) ?? 0) + 1);
    const counts: LiveCount[] = [];
    for (const pool of new Set([...this.watched, ...own.keys()])) {
      if (!pool.startsWith('backend:') && !pool.startsWith('group:')) continue;
      const value = (own.get(pool) ?? 0) + this.othersIn(pool);
      const [scope, name] = splitPool(pool);
      if (value > 0) counts.push({ scope, name, metric: scope === 'backend' ? 'running' : 'queued', value });
    }
    return counts.sort((a, b) => `${a.scope}:${a.name}`.localeCompare(`${b.scope}:${b.name}`));
  }

  /**
   * Runs a round now. Rounds never overlap: a call during one resolves after one more round that
   * starts when it ends (the running one may have read the store before the call), shared by
   * every call made meanwhile.
   */
  async refresh(): Promise<void> {
    if (this.syncing) {
      this.next ??= this.syncing.then(() => {
        this.next = undefined;
        return this.closed ? undefined : this.refresh();
      });
      return this.next;
    }
    this.syncing = this.round().finally(() => (this.syncing = undefined));
    await this.syncing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    // Let every lease go at once rather than by expiry.
    for (const h of this.held.values()) this.released.push({ pool: h.pool, member: h.member });
    this.held.clear();
    if (this.up) await this.store.sync(this.request()).catch(() => undefined);
    await this.store.close();
  }

  private othersIn(pool: string): number {
    this.watched.add(pool);
    return this.up ? (this.others.get(pool) ?? 0) : 0;
  }

  private hold(lease: HeldLease & { idleMs?: number }): void {
    this.held.set(`${lease.pool}\n${lease.member}`, { ...lease, lastUsed: Date.now() });
    this.soon();
  }

  private let(pool: string, member: string, ended?: ReleasedLease['ended']): void {
    const key = `${pool}\n${member}`;
    this.held.delete(key);
    this.registered(key, undefined);
    const place = this.ahead.get(key);
    if (place !== undefined) this.departed.set(key, place);
    this.released.push({ pool, member, ...(ended ? { ended } : {}) });
    this.soon();
  }

  private registered(key: string, figures: Registration | undefined): void {
    this.registering.get(key)?.(figures);
    this.registering.delete(key);
  }

  /**
   * A round for the changes made now, once the current synchronous step is done: what it changes
   * together goes in one round. A slot whose query the backend names lets its lease go and takes
   * the query's: sent apart, a round between them counts neither (another instance then admits
   * into a slot this one holds; a local engine names its query at once, while the other instance
   * may be admitting).
   */
  private soon(): void {
    if (this.closed || this.roundQueued) return;
    this.roundQueued = true;
    queueMicrotask(() => {
      this.roundQueued = false;
      if (!this.closed) void this.refresh();
    });
  }

  private request() {
    return {
      instance: this.instanceId,
      ttlMs: this.ttlMs,
      tombstoneTtlMs: this.tombstoneTtlMs,
      held: [...this.held.values()].map(({ pool, member, queryId, own, lastUsed, queued, priority }) => ({
        pool,
        member,
        own,
        ...(queryId !== undefined ? { queryId, polledAgoMs: Date.now() - lastUsed } : {}),
        ...(queued ? { queued } : {}),
        ...(priority ? { priority } : {}),
      })),
      released: this.released,
      pools: [...this.watched],
      usage: {
        charges: [...this.counters].map(([counter, { pending, regainPerSecond }]) => ({ counter, add: pending, regainPerSecond })),
        gauges: [...this.gauges].map(([gauge, value]) => ({ gauge, value })),
      },
    };
  }

  private async round(): Promise<void> {
    const now = Date.now();
    for (const [key, h] of this.held) if (!h.own && now - h.lastUsed > (h.idleMs ?? this.options.adoptIdleMs)) this.held.delete(key);
    const request = this.request();
    // Releases are sent once; while the store is unreachable they wait (a tombstone must not be lost).
    this.released = [];
    // So are charges: what is charged during the round is sent with the next one.
    for (const entry of this.counters.values()) entry.pending = 0;
    let result;
    try {
      result = await this.store.sync(request);
    } catch (err) {
      this.released = [...request.released, ...this.released];
      for (const { counter, add } of request.usage.charges) {
        const entry = this.counters.get(counter);
        if (entry) entry.pending += add;
      }
      this.down(err as Error);
      for (const h of request.held) this.registered(`${h.pool}\n${h.member}`, undefined);
      return;
    }
    for (const gauge of this.forgottenGauges) {
      if (!request.usage.gauges.some((g) => g.gauge === gauge)) continue;
      this.forgottenGauges.delete(gauge);
      this.gauges.delete(gauge);
    }
    const ownIn = new Map<string, number>();
    for (const h of request.held) if (h.own) ownIn.set(h.pool, (ownIn.get(h.pool) ?? 0) + 1);
    // Places read in this round count the releases it carried; those let go during it still move others up.
    for (const r of request.released) this.departed.delete(`${r.pool}\n${r.member}`);
    this.ahead = new Map(Object.entries(result.ahead));
    for (const h of request.held) {
      const key = `${h.pool}\n${h.member}`;
      const others = result.others[h.pool];
      const ahead = this.ahead.get(key);
      this.registered(key, { ...(others !== undefined ? { count: others + (ownIn.get(h.pool) ?? 0) } : {}), ...(ahead !== undefined ? { ahead } : {}) });
    }
    const before = this.others;
    const usageBefore = [...this.counterValues, ...[...this.gaugesElsewhere].map(([g, v]) => [`gauge:${g}`, v] as const)];
    this.others = new Map(Object.entries(result.others));
    this.counterValues = new Map(Object.entries(result.counters).filter(([counter]) => this.counters.has(counter)));
    this.gaugesElsewhere = new Map(Object.entries(result.gauges));
    const received = Date.now();
    this.polledAt = new Map(Object.entries(result.polledAgoMs).map(([queryId, ago]) => [queryId, received - ago]));
    this.instancesSeen = Math.max(1, result.instances);
    if (!this.up) {
      this.up = true;
      this.options.log?.info({ instanceId: this.instanceId, instances: this.instancesSeen }, this.reportedDown ? 'shared store reachable again: limits hold fleet-wide' : 'capacity shared with the fleet through leases');
      this.reportedDown = false;
    }
    for (const { queryId, outcome } of result.ended) {
      for (const [key, h] of this.held) if (h.queryId === queryId) this.held.delete(key);
      if (queryId.startsWith(queuedKey(''))) for (const listener of this.takenListeners) listener(queryId.slice(queuedKey('').length));
      else for (const listener of this.endListeners) listener(queryId, outcome);
    }
    const usageNow = (key: string) => (key.startsWith('gauge:') ? this.gaugesElsewhere.get(key.slice('gauge:'.length)) : this.counterValues.get(key)) ?? 0;
    const roomMade = [...before].some(([pool, n]) => (this.others.get(pool) ?? 0) < n) || usageBefore.some(([key, value]) => usageNow(key) < value);
    if (roomMade) for (const listener of this.roomListeners) listener();
  }

  private down(err: Error): void {
    const wasUp = this.up;
    this.up = false;
    if (!this.reportedDown) {
      this.reportedDown = true;
      this.options.log?.warn({ err: err.message, instanceId: this.instanceId, share: `1/${this.instancesSeen}` }, 'shared store unreachable: each limit falls back to this instance’s share');
    }
    // The others' slots no longer count, but the share is smaller: waiting queries may fit or not; let admission look.
    if (wasUp) for (const listener of this.roomListeners) listener();
  }
}

function splitPool(pool: string): ['backend' | 'group', string] {
  const colon = pool.indexOf(':');
  return [pool.slice(0, colon) === 'group' ? 'group' : 'backend', pool.slice(colon + 1)];
}

/**
 * Queries an instance saw end although another instance admitted them are also announced on
 * `channel`: the admitting instance frees the slot at once instead of at its next lease round.
 * Announcements lost while Redis is down change nothing for the counts (the tombstone and the
 * leases converge). Returns the function that announces an end.
 */
export async function shareQueryEnds(bus: MessageBus, channel: string, onEndedElsewhere: (queryId: string, outcome: QueryOutcome) => void): Promise<(queryId: string, outcome: QueryOutcome) => void> {
  await bus.subscribe(channel, (message) => {
    const ended = parseAnnouncement(message);
    if (ended) onEndedElsewhere(ended.queryId, ended.outcome);
  });
  return (queryId, outcome) => void bus.publish(channel, JSON.stringify({ queryId, outcome }));
}

function parseAnnouncement(message: string): { queryId: string; outcome: QueryOutcome } | undefined {
  try {
    const value = JSON.parse(message) as { queryId?: unknown; outcome?: unknown };
    if (typeof value.queryId === 'string' && isOutcome(value.outcome)) return { queryId: value.queryId, outcome: value.outcome };
  } catch {
    // not ours: ignored
  }
  return undefined;
}
