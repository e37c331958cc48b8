/**
 * Admission: a routed query gets a slot on a backend of its group, else of the next group in its
 * fallback chain (Odin's reserved → shared → on-demand); when every choice is full it waits in
 * the gateway's own queue (the client sees QUEUED and keeps polling) until a slot frees, in
 * arrival order, or its group's queue timeout fails it with a clear error.
 *
 * Slots are counted per backend by this gateway instance (and shared with the other instances
 * as leases through the pool's ClusterLoad when Redis is configured, so limits hold fleet-wide); a
 * slot is released exactly once: when the query's last document has been sent, when it fails,
 * when its client stops polling, when another instance ends it (its lease's tombstone, or the
 * announcement), or when the backend says it ended while no poll reached this instance (asked
 * after IDLE_CHECK_MS: how a slot is freed when its end was served by an instance with no way to
 * tell this one). A queued query whose client stopped polling is dropped, never admitted.
 */
import { randomUUID } from 'node:crypto';
import type { QueryEndDetails, QueryOutcome } from '../engines/backend.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { BackendPool, PooledBackend } from './backend-pool.js';
import type { RouteDecision } from './router.js';

/** A slot whose query no poll reached here for this long is looked up on its backend. */
const IDLE_CHECK_MS = 3_000;
/** A queued query whose client has not polled for this long is gone (clients poll a queued query at once, and a poll waits at most 1 s). */
export const QUEUED_CLIENT_TIMEOUT_MS = 10_000;
/** How long the backend may take to say whether a query ended. */
const STATE_TIMEOUT_MS = 2_000;

export class Slot {
  private released = false;
  queryId: string | undefined;
  /** The backend's own id of the query, when the gateway knows it under another (it waited in the gateway queue). */
  backendQueryId: string | undefined;
  lastSeen = Date.now();
  lastChecked = 0;
  /** Run once when the slot is freed (the submission's afterEnd), on whichever path ends the query, with what the engine told of its end. */
  afterEnd: ((details: QueryEndDetails | undefined) => void) | undefined;
  /**
   * Why the gateway itself is cancelling the query (the drain deadline): recorded whichever path
   * ends it first, e.g. a client's poll answered with the backend's USER_CANCELED that follows.
   */
  cancelledBy: { errorName: string; errorMessage: string } | undefined;

  constructor(
    readonly backend: PooledBackend,
    /** The routing steps that led here, e.g. `reserved: full`, `shared: trino-b`. */
    readonly steps: string[],
    /** The slot's lease until the backend names the query (then the query id is). */
    readonly lease: string,
    private readonly onRelease: (slot: Slot, outcome: QueryOutcome | undefined, details: QueryEndDetails | undefined) => void,
  ) {}

  /** Frees the slot; `outcome` when the query ended (undefined when it never started). */
  release(outcome?: QueryOutcome, details?: QueryEndDetails): void {
    if (this.released) return;
    this.released = true;
    this.afterEnd?.(details);
    if (this.cancelledBy !== undefined) this.onRelease(this, 'failed', { ...details, ...this.cancelledBy, canceled: true });
    else this.onRelease(this, outcome, details);
  }
}

export interface GroupLimits {
  maxQueued: number;
  queueTimeoutMs: number;
}

/** Something a client's poll waits for (admitted or failed): the poll returns when it settles or after its wait. */
export abstract class Settleable {
  private wake: (() => void) | undefined;

  abstract get settled(): boolean;

  /** A poll is waiting for it here (a queued query takes a slot only then: its client may be polling another instance). */
  get polled(): boolean {
    return this.wake !== undefined;
  }

  /** Resolves when settled, or after `ms`, whichever comes first. */
  async wait(ms: number): Promise<void> {
    if (this.settled) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  settle(): void {
    this.wake?.();
  }
}

export class Ticket extends Settleable {
  slot: Slot | undefined;
  /** The count of the slot's backend in the round that first sends it (admission.confirmQueued). */
  registration: Promise<number | undefined> | undefined;
  failure: QueryFailure | undefined;
  lastPoll = Date.now();

  constructor(
    readonly id: string,
    readonly decision: RouteDecision,
    readonly enqueuedAt: number,
    /** Queued by another instance, polled here: counted in the fleet's queue by its lease, not in this instance's. */
    readonly adopted = false,
  ) {
    super();
  }

  get settled(): boolean {
    return this.slot !== undefined || this.failure !== undefined;
  }
}

export class Admission {
  private readonly queue: Ticket[] = [];
  private readonly inflight = new Map<string, Slot>();
  private readonly unbound = new Set<Slot>();

  constructor(
    private readonly pool: BackendPool,
    private readonly limits: (group: string) => GroupLimits,
    private readonly clientTimeoutMs: number,
    private readonly onEnded: (slot: Slot, outcome: QueryOutcome, details: QueryEndDetails | undefined) => void = () => undefined,
  ) {
    pool.onCapacity(() => this.drainQueue());
  }

  /** A slot on the first group of the chain with room, or undefined when all are full. */
  tryAdmit(decision: RouteDecision): Slot | undefined {
    const steps: string[] = [];
    for (const group of [decision.group, ...decision.fallback]) {
      const backend = this.pool.choose(group);
      if (!backend) {
        steps.push(`${group}: full or unavailable`);
        continue;
      }
      steps.push(`${group}: ${backend.backend.name}`);
      const lease = randomUUID();
      this.pool.acquire(backend, lease);
      const slot = new Slot(backend, steps, lease, (s, outcome, details) => this.released(s, outcome, details));
      this.unbound.add(slot);
      return slot;
    }
    return undefined;
  }

  /**
   * A slot as tryAdmit gives it, checked with the other instances sharing the store: each admits
   * by their counts as last read. A group that looks full (the slot is on a fallback, or there is
   * none) is looked at again after one more round, since another instance may have freed a slot
   * since (a client's next statement reaches another worker right after its last one ended). And
   * two taking a backend's last slot at the same moment would both have it: rounds of the shared
   * store are atomic and one after another (a Lua step, or the host's primary), so of two such
   * slots only the later one's first round counts the other's lease. That one is given back, and
   * the chain tried again with the counts just read (another group's backend, or none: the queue).
   * Checked however many instances the last round saw: one that joined since (a host's workers
   * start one after the other) is not counted yet, and neither would its slots be.
   */
  async admit(decision: RouteDecision): Promise<Slot | undefined> {
    const { cluster } = this.pool;
    let slot = this.tryAdmit(decision);
    if (cluster === undefined) return slot;
    if (slot === undefined || slot.backend.group !== decision.group) {
      slot?.release();
      await cluster.refresh();
      slot = this.tryAdmit(decision);
    }
    for (;;) {
      if (slot === undefined || (await this.holds(slot, cluster.slotRegistered(slot.backend.backend.name, slot.lease)))) return slot;
      slot = this.tryAdmit(decision);
    }
  }

  /**
   * Whether a slot holds fleet-wide: the count of its backend's leases in the round that first
   * sent it is within its capacity. Unknown (the store is unreachable): the limits are this
   * instance's share, which tryAdmit kept. Otherwise the slot is given back.
   */
  private async holds(slot: Slot, registration: Promise<number | undefined> | undefined): Promise<boolean> {
    const count = await registration;
    if (count === undefined || count <= this.pool.capacity(slot.backend)) return true;
    slot.release();
    return false;
  }

  /**
   * The slot the queue gave `ticket`, checked as admit checks a new statement's: false when it was
   * given back (the query waits on) or let go meanwhile.
   */
  async confirmQueued(ticket: Ticket): Promise<boolean> {
    const { slot, registration } = ticket;
    if (slot === undefined) return false;
    ticket.registration = undefined;
    if (await this.holds(slot, registration)) return ticket.slot === slot;
    ticket.slot = undefined;
    return false;
  }

  /**
   * Queues a query that found no room; refused when its group's queue is full. With other
   * instances sharing the store, its place in the fleet's queue is read first (the round that
   * numbers it): two instances queueing into the last place at once cannot both keep it.
   */
  async enqueue(id: string, decision: RouteDecision): Promise<Ticket> {
    const limits = this.limits(decision.group);
    const { cluster } = this.pool;
    const waiting = this.queuedIn(decision.group) + (cluster?.queued(decision.group) ?? 0);
    if (waiting >= (cluster?.share(limits.maxQueued) ?? limits.maxQueued)) throw queueFull(decision.group, limits.maxQueued);
    const ticket = new Ticket(id, decision, Date.now());
    this.queue.push(ticket);
    const ahead = await cluster?.queuedAdded(decision.group, id);
    if (ahead !== undefined && ahead >= limits.maxQueued) {
      this.remove(ticket);
      throw queueFull(decision.group, limits.maxQueued);
    }
    return ticket;
  }

  /** Takes into this instance's queue, in arrival order, a query queued by another instance whose client polls here. */
  adopt(id: string, decision: RouteDecision, enqueuedAt: number): Ticket {
    const ticket = new Ticket(id, decision, enqueuedAt, true);
    const later = this.queue.findIndex((t) => t.enqueuedAt > enqueuedAt);
    this.queue.splice(later === -1 ? this.queue.length : later, 0, ticket);
    return ticket;
  }

  /**
   * A poll of a queued query: waits up to `ms` for a slot (taken only while a poll waits, so
   * never for a client polling elsewhere), or for its failure.
   */
  async poll(ticket: Ticket, ms: number): Promise<void> {
    ticket.lastPoll = Date.now();
    if (ticket.adopted) this.pool.cluster?.queuedPolled(ticket.decision.group, ticket.id, QUEUED_CLIENT_TIMEOUT_MS);
    const waited = ticket.wait(ms);
    this.drainQueue();
    await waited;
  }

  /** How long a query of `group` may wait in the gateway queue. */
  queueTimeout(group: string): number {
    return this.limits(group).queueTimeoutMs;
  }

  isQueued(ticket: Ticket): boolean {
    return this.queue.includes(ticket);
  }

  /** Every query waiting in this instance's gateway queue. */
  get queuedTotal(): number {
    return this.queue.length;
  }

  /** Slots this instance holds: admitted queries, and submissions whose backend has not named the query yet (unbound). */
  openSlots(): Slot[] {
    return [...this.inflight.values(), ...this.unbound];
  }

  queuedIn(group: string): number {
    return this.queue.filter((t) => t.decision.group === group && !t.adopted).length;
  }

  /** Connects a slot to the query's id (and the backend's, when it differs), so follow-ups and the end of the query find it. */
  bind(slot: Slot, queryId: string, backendQueryId?: string): void {
    this.unbound.delete(slot);
    slot.queryId = queryId;
    if (backendQueryId !== queryId) slot.backendQueryId = backendQueryId;
    this.inflight.set(queryId, slot);
    this.pool.bind(slot.backend, slot.lease, queryId);
  }

  /** A poll of `queryId` on `backend` reached this instance (its lease is kept alive here too, wherever it was admitted). */
  touch(queryId: string, backend: string, servedFromAnyInstance: boolean): void {
    const slot = this.inflight.get(queryId);
    if (slot) slot.lastSeen = Date.now();
    // An embedded engine's query lives in the instance running it: a poll of one elsewhere (its
    // instance died: 410) must not take over its lease, or the slot would stay taken.
    if (slot || servedFromAnyInstance) this.pool.cluster?.pollServed(backend, queryId);
  }

  /**
   * Ends a query this instance admitted; false when it holds no slot for it. With `backend`, the
   * end was served here: one admitted elsewhere is marked ended for the fleet.
   */
  end(queryId: string, outcome: QueryOutcome, details?: QueryEndDetails, backend?: string): boolean {
    const slot = this.inflight.get(queryId);
    slot?.release(outcome, details);
    if (!slot && backend !== undefined) this.pool.cluster?.queryEnded(backend, queryId, outcome);
    return slot !== undefined;
  }

  /**
   * Fails queued queries past their group's timeout and drops those nobody polls; frees what
   * abandoned clients hold; asks the backend about slots no poll reached lately.
   */
  sweep(now = Date.now()): void {
    for (const ticket of [...this.queue]) {
      const limits = this.limits(ticket.decision.group);
      if (now - ticket.lastPoll > QUEUED_CLIENT_TIMEOUT_MS) {
        this.remove(ticket);
      } else if (now - ticket.enqueuedAt > limits.queueTimeoutMs) {
        this.remove(ticket);
        ticket.failure = new QueryFailure(
          ErrorCodes.EXCEEDED_TIME_LIMIT,
          `Query waited longer than ${Math.round(limits.queueTimeoutMs / 1000)}s in the gateway queue for routing group '${ticket.decision.group}'`,
        );
        ticket.settle();
      }
    }
    for (const slot of [...this.inflight.values(), ...this.unbound]) {
      // Its client may poll another instance: the fleet's last poll counts (leases carry it).
      const polledElsewhere = slot.queryId === undefined ? undefined : this.pool.cluster?.lastPolled(slot.queryId);
      if (polledElsewhere !== undefined && polledElsewhere > slot.lastSeen) slot.lastSeen = polledElsewhere;
      if (now - slot.lastSeen > this.clientTimeoutMs) slot.release('abandoned');
      else if (slot.queryId !== undefined && now - slot.lastSeen > IDLE_CHECK_MS && now - slot.lastChecked > IDLE_CHECK_MS) {
        slot.lastChecked = now;
        void this.endIfBackendSaysSo(slot, slot.queryId);
      }
    }
  }

  /** Frees the slot of a query its backend reports ended (its last poll went to another instance). */
  private async endIfBackendSaysSo(slot: Slot, queryId: string): Promise<void> {
    const state = await slot.backend.backend.queryState?.(slot.backendQueryId ?? queryId, STATE_TIMEOUT_MS);
    if (state !== undefined && state !== 'running') this.end(queryId, state);
  }

  /**
   * A queued query whose client gave up (cancel) leaves the queue; a slot it already holds is
   * freed. `taken`: it was cancelled for the fleet, every instance lets it go.
   */
  abandon(ticket: Ticket, taken = false): void {
    this.remove(ticket, taken);
    ticket.slot?.release();
  }

  /** The query started (it leaves the queue of every instance): on this instance, or on another (`elsewhere`). */
  taken(ticket: Ticket, elsewhere = false): void {
    const index = this.queue.indexOf(ticket);
    if (index !== -1) this.queue.splice(index, 1);
    if (!elsewhere) this.pool.cluster?.queuedRemoved(ticket.decision.group, ticket.id, true);
  }

  private remove(ticket: Ticket, taken = false): void {
    const index = this.queue.indexOf(ticket);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.pool.cluster?.queuedRemoved(ticket.decision.group, ticket.id, taken);
  }

  private released(slot: Slot, outcome: QueryOutcome | undefined, details: QueryEndDetails | undefined): void {
    if (outcome !== undefined) this.onEnded(slot, outcome, details);
    this.unbound.delete(slot);
    const { queryId } = slot;
    if (queryId === undefined) {
      this.pool.release(slot.backend, slot.lease);
      return;
    }
    this.inflight.delete(queryId);
    this.pool.release(slot.backend, queryId, { queryId, outcome: outcome ?? 'failed' });
  }

  /**
   * Admits waiting queries in arrival order wherever room appeared, those with a poll waiting
   * here; a query whose client is gone is dropped instead. The admitted query stays in the queue
   * until its poll takes it (`taken`) or gives the slot back.
   */
  private drainQueue(): void {
    const now = Date.now();
    for (const ticket of [...this.queue]) {
      if (now - ticket.lastPoll > QUEUED_CLIENT_TIMEOUT_MS) {
        this.remove(ticket);
        continue;
      }
      if (!ticket.polled || ticket.settled || !this.inTurn(ticket)) continue;
      const slot = this.tryAdmit(ticket.decision);
      if (!slot) continue;
      slot.steps.unshift('queued in the gateway');
      ticket.slot = slot;
      ticket.registration = this.pool.cluster?.slotRegistered(slot.backend.backend.name, slot.lease);
      ticket.settle();
    }
  }

  /**
   * Whether a queued query may take a slot now. Alone, by this instance's order (drainQueue's
   * loop). With other instances, by the fleet's: when its chain has more free slots than there are
   * queries of its group queued before it (whichever instance holds them) still without one, so
   * that each of those can take one first; not before the store has numbered it. While the store
   * is unreachable each instance keeps its own order, within its share.
   */
  private inTurn(ticket: Ticket): boolean {
    const { cluster } = this.pool;
    if (cluster === undefined || cluster.degraded) return true;
    const { group, fallback } = ticket.decision;
    const room = this.pool.roomIn([group, ...fallback]);
    if (room === 0) return false;
    const place = cluster.queuedAhead(group, ticket.id);
    if (place === undefined) return false;
    // Queries ahead of it that this instance has already given a slot: that slot is out of the room.
    const served = this.queue.filter((t) => t.slot !== undefined && t.decision.group === group && (cluster.queuedAhead(group, t.id) ?? place) < place).length;
    return place - served < room;
  }
}

function queueFull(group: string, maxQueued: number): QueryFailure {
  return new QueryFailure(ErrorCodes.QUERY_QUEUE_FULL, `Too many queued queries for routing group '${group}' (limit ${maxQueued})`);
}
