/**
 * The fleet's shared state of capacity: leases. Every query admitted to a backend (and every
 * query waiting in a gateway queue) is a lease in a named pool (`backend:<name>`, `group:<name>`)
 * that lives for `ttlMs` unless the instance holding it renews it. Counts are the number of live
 * leases in a pool, so an instance that dies, hangs or loses the shared store stops counting
 * within one TTL, with no message having to arrive; a query that ends on another instance than
 * the one holding its lease is marked ended (a tombstone), and the holder drops the lease at its
 * next renewal.
 *
 * A LeaseStore does one thing: a synchronization round (renew what is held, drop what was
 * released, read the counts), atomically. Redis implements it for instances on several hosts
 * (redis-leases.ts); `LocalLeaseStore` below keeps it in this process, and is the place for an
 * in-host store shared by worker processes of one machine.
 */
import type { QueryOutcome } from '../engines/backend.js';

export interface HeldLease {
  pool: string;
  member: string;
  /** The query the lease is for, once the backend named it: a tombstone for it ends the lease. */
  queryId?: string;
  /** True when the lease is one of this instance's own slots (counted locally, not as "others"). */
  own: boolean;
  /** How long ago this instance last served a poll of the query (a duration: no clocks are compared between hosts). */
  polledAgoMs?: number;
  /**
   * A place in a queue (a query waiting in a gateway queue): the store numbers such leases of a
   * pool in the order their first rounds reached it, and answers how many live ones are ahead.
   */
  queued?: boolean;
  /** A queue lease's priority (default 0): a higher one is ahead of every lower one, arrival order among equals. */
  priority?: number;
}

export interface ReleasedLease {
  pool: string;
  member: string;
  /** The query ended (how): every instance holding a lease for it drops it. */
  ended?: { queryId: string; outcome: QueryOutcome };
}

export interface SyncRound {
  instance: string;
  ttlMs: number;
  /** How long the end of a query is remembered (tombstone), so late renewals do not revive it. */
  tombstoneTtlMs: number;
  held: HeldLease[];
  released: ReleasedLease[];
  /** Pools whose counts are wanted. */
  pools: string[];
  /** Usage shared by the fleet beyond counts of leases (resource groups' CPU and memory). */
  usage?: UsageReport;
}

/**
 * Figures the fleet adds up. A counter decays: every whole second since it last did (the store's
 * clock) it goes down by its `regainPerSecond`, to 0 at least (Trino's CPU quota generation); each
 * instance adds what it used since its last round. A gauge is each live instance's current value
 * (the memory its running queries hold), summed; an instance that stops renewing stops counting.
 */
export interface UsageReport {
  charges: Array<{ counter: string; add: number; regainPerSecond: number }>;
  gauges: Array<{ gauge: string; value: number }>;
}

export interface SyncResult {
  /** Live instances (this one included). */
  instances: number;
  /** Per pool: live leases not among this instance's own. */
  others: Record<string, number>;
  /** Queries held here that ended elsewhere (their leases were dropped in this round). */
  ended: Array<{ queryId: string; outcome: QueryOutcome }>;
  /** For this instance's own leases of queries: how long ago any instance last served a poll of it. */
  polledAgoMs: Record<string, number>;
  /** Each counter charged in the round: its fleet-wide value, this round's charges included. */
  counters: Record<string, number>;
  /** Each gauge reported in the round: the other live instances' values, summed. */
  gauges: Record<string, number>;
  /**
   * Per held queue lease (`pool` + newline + `member`): how many live leases of its pool are
   * ahead of it (by priority, then in the fleet's arrival order, whichever instance queued them).
   */
  ahead: Record<string, number>;
}

export interface LeaseStore {
  /** One atomic round; rejects when the store is unreachable. */
  sync(round: SyncRound): Promise<SyncResult>;
  close(): Promise<void>;
}

const OUTCOMES: ReadonlySet<string> = new Set<QueryOutcome>(['finished', 'failed', 'abandoned']);

export function isOutcome(value: unknown): value is QueryOutcome {
  return typeof value === 'string' && OUTCOMES.has(value);
}

/** Leases kept in this process (several LeaseTable users of one store share it, as instances would). */
export class LocalLeaseStore implements LeaseStore {
  private readonly pools = new Map<string, Map<string, number>>();
  private readonly instances = new Map<string, number>();
  private readonly tombstones = new Map<string, { outcome: QueryOutcome; until: number }>();
  private readonly polled = new Map<string, number>();
  private readonly counters = new Map<string, { value: number; regainedAt: number }>();
  /** Gauge → instance → its value. */
  private readonly gauges = new Map<string, Map<string, number>>();
  /** Queue leases: pool → member → its number in the order of arrival, and its priority. */
  private readonly arrivals = new Map<string, Map<string, { arrival: number; priority: number }>>();
  private arrivalCount = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async sync(round: SyncRound): Promise<SyncResult> {
    const now = this.now();
    const expiry = now + round.ttlMs;
    this.instances.set(round.instance, expiry);
    purge(this.instances, now);
    for (const [queryId, tombstone] of this.tombstones) if (tombstone.until <= now) this.tombstones.delete(queryId);
    for (const r of round.released) {
      this.pool(r.pool).delete(r.member);
      this.forgetArrival(r.pool, r.member);
      if (r.ended) this.tombstones.set(r.ended.queryId, { outcome: r.ended.outcome, until: now + round.tombstoneTtlMs });
    }
    const ended: SyncResult['ended'] = [];
    const own = new Map<string, number>();
    const polledAgoMs: Record<string, number> = {};
    for (const [queryId, at] of this.polled) if (at <= now - round.tombstoneTtlMs) this.polled.delete(queryId);
    for (const h of round.held) {
      if (h.queryId !== undefined && h.polledAgoMs !== undefined) this.polled.set(h.queryId, Math.max(this.polled.get(h.queryId) ?? 0, now - h.polledAgoMs));
    }
    for (const h of round.held) {
      const tombstone = h.queryId === undefined ? undefined : this.tombstones.get(h.queryId);
      if (tombstone) {
        this.pool(h.pool).delete(h.member);
        this.forgetArrival(h.pool, h.member);
        ended.push({ queryId: h.queryId!, outcome: tombstone.outcome });
        continue;
      }
      const pool = this.pool(h.pool);
      pool.set(h.member, Math.max(pool.get(h.member) ?? 0, expiry));
      if (h.own) own.set(h.pool, (own.get(h.pool) ?? 0) + 1);
      const polledAt = h.own && h.queryId !== undefined ? this.polled.get(h.queryId) : undefined;
      if (polledAt !== undefined) polledAgoMs[h.queryId!] = now - polledAt;
    }
    const others: Record<string, number> = {};
    for (const name of round.pools) {
      const pool = this.pool(name);
      purge(pool, now);
      others[name] = Math.max(0, pool.size - (own.get(name) ?? 0));
    }
    return { instances: this.instances.size, others, ended, polledAgoMs, ...this.usage(round, now), ahead: this.ahead(round, now) };
  }

  private ahead(round: SyncRound, now: number): Record<string, number> {
    const queued = round.held.filter((h) => h.queued && this.pool(h.pool).has(h.member));
    for (const h of queued) {
      let order = this.arrivals.get(h.pool);
      if (!order) this.arrivals.set(h.pool, (order = new Map()));
      if (!order.has(h.member)) order.set(h.member, { arrival: ++this.arrivalCount, priority: h.priority ?? 0 });
    }
    const ranks = new Map<string, Map<string, number>>();
    const ahead: Record<string, number> = {};
    for (const h of queued) {
      let rank = ranks.get(h.pool);
      if (!rank) ranks.set(h.pool, (rank = this.rank(h.pool, now)));
      ahead[`${h.pool}\n${h.member}`] = rank.get(h.member)!;
    }
    return ahead;
  }

  /** Each live queue lease of `pool`: how many live ones are ahead of it (expired ones are forgotten here). */
  private rank(name: string, now: number): Map<string, number> {
    const pool = this.pool(name);
    const order = this.arrivals.get(name)!;
    purge(pool, now);
    for (const member of order.keys()) if (!pool.has(member)) order.delete(member);
    const sorted = [...order].sort(([, a], [, b]) => b.priority - a.priority || a.arrival - b.arrival);
    return new Map(sorted.map(([member], index) => [member, index]));
  }

  private usage(round: SyncRound, now: number): Pick<SyncResult, 'counters' | 'gauges'> {
    const counters: Record<string, number> = {};
    for (const { counter, add, regainPerSecond } of round.usage?.charges ?? []) {
      const state = this.counters.get(counter) ?? { value: 0, regainedAt: now };
      const seconds = Math.floor((now - state.regainedAt) / 1000);
      state.value = Math.max(0, state.value - seconds * regainPerSecond) + add;
      state.regainedAt += seconds * 1000;
      // A counter back at 0 is the same as none (templated groups per user would pile up).
      if (state.value > 0) this.counters.set(counter, state);
      else this.counters.delete(counter);
      counters[counter] = state.value;
    }
    const gauges: Record<string, number> = {};
    for (const { gauge, value } of round.usage?.gauges ?? []) {
      let values = this.gauges.get(gauge);
      if (!values) this.gauges.set(gauge, (values = new Map()));
      if (value > 0) values.set(round.instance, value);
      else values.delete(round.instance);
      let others = 0;
      for (const [instance, v] of values) {
        if (!this.instances.has(instance)) values.delete(instance);
        else if (instance !== round.instance) others += v;
      }
      if (values.size === 0) this.gauges.delete(gauge);
      gauges[gauge] = others;
    }
    return { counters, gauges };
  }

  async close(): Promise<void> {}

  private forgetArrival(pool: string, member: string): void {
    const order = this.arrivals.get(pool);
    if (order?.delete(member) && order.size === 0) this.arrivals.delete(pool);
  }

  private pool(name: string): Map<string, number> {
    let pool = this.pools.get(name);
    if (!pool) this.pools.set(name, (pool = new Map()));
    return pool;
  }
}

function purge(entries: Map<string, number>, now: number): void {
  for (const [key, expiry] of entries) if (expiry <= now) entries.delete(key);
}
