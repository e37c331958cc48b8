/**
 * Admission: a routed query gets a slot on a backend of its group, else of the next group in its
 * fallback chain (Odin's reserved → shared → on-demand); when every choice is full it waits in
 * the gateway's own queue (the client sees QUEUED and keeps polling) until a slot frees, in
 * arrival order, or its group's queue timeout fails it with a clear error.
 *
 * Slots are counted per backend by this gateway instance (and shared with the other instances
 * through the pool's ClusterLoad when Redis is configured, so limits hold fleet-wide); a slot is
 * released exactly once, when the query's last document has been sent, when it fails, or when its
 * client stops polling.
 */
import type { QueryEndDetails, QueryOutcome } from '../engines/backend.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { BackendPool, PooledBackend } from './backend-pool.js';
import type { RouteDecision } from './router.js';

export class Slot {
  private released = false;
  queryId: string | undefined;
  lastSeen = Date.now();
  /** Run once when the slot is freed (the submission's afterEnd), on whichever path ends the query. */
  afterEnd: (() => void) | undefined;

  constructor(
    readonly backend: PooledBackend,
    /** The routing steps that led here, e.g. `reserved: full`, `shared: trino-b`. */
    readonly steps: string[],
    private readonly onRelease: (slot: Slot, outcome: QueryOutcome | undefined, details: QueryEndDetails | undefined) => void,
  ) {}

  /** Frees the slot; `outcome` when the query ended (undefined when it never started). */
  release(outcome?: QueryOutcome, details?: QueryEndDetails): void {
    if (this.released) return;
    this.released = true;
    this.afterEnd?.();
    this.onRelease(this, outcome, details);
  }
}

export interface GroupLimits {
  maxQueued: number;
  queueTimeoutMs: number;
}

export class Ticket {
  slot: Slot | undefined;
  failure: QueryFailure | undefined;
  lastPoll = Date.now();
  private wake: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly decision: RouteDecision,
    readonly enqueuedAt: number,
  ) {}

  get settled(): boolean {
    return this.slot !== undefined || this.failure !== undefined;
  }

  /** Resolves when admitted or failed, or after `ms`, whichever comes first. */
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
      this.pool.acquire(backend);
      const slot = new Slot(backend, steps, (s, outcome, details) => this.released(s, outcome, details));
      this.unbound.add(slot);
      return slot;
    }
    return undefined;
  }

  /** Queues a query that found no room; refused when its group's queue is full. */
  enqueue(id: string, decision: RouteDecision): Ticket {
    const limits = this.limits(decision.group);
    const waiting = this.queuedIn(decision.group) + (this.pool.cluster?.queued(decision.group) ?? 0);
    if (waiting >= limits.maxQueued) {
      throw new QueryFailure(ErrorCodes.QUERY_QUEUE_FULL, `Too many queued queries for routing group '${decision.group}' (limit ${limits.maxQueued})`);
    }
    const ticket = new Ticket(id, decision, Date.now());
    this.queue.push(ticket);
    this.pool.cluster?.queuedChanged(decision.group, 1);
    return ticket;
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
    return this.queue.filter((t) => t.decision.group === group).length;
  }

  /** Connects a slot to the backend's query id, so follow-ups and the end of the query find it. */
  bind(slot: Slot, queryId: string): void {
    this.unbound.delete(slot);
    slot.queryId = queryId;
    this.inflight.set(queryId, slot);
  }

  touch(queryId: string): void {
    const slot = this.inflight.get(queryId);
    if (slot) slot.lastSeen = Date.now();
  }

  /** Ends a query this instance admitted; false when it holds no slot for it (admitted elsewhere). */
  end(queryId: string, outcome: QueryOutcome, details?: QueryEndDetails): boolean {
    const slot = this.inflight.get(queryId);
    slot?.release(outcome, details);
    return slot !== undefined;
  }

  /** Fails queued queries past their group's timeout; frees what abandoned clients hold. */
  sweep(now = Date.now()): void {
    for (const ticket of [...this.queue]) {
      const limits = this.limits(ticket.decision.group);
      if (now - ticket.lastPoll > this.clientTimeoutMs) {
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
      if (now - slot.lastSeen > this.clientTimeoutMs) slot.release('abandoned');
    }
  }

  /** A queued query whose client gave up (cancel) leaves the queue; a slot it already holds is freed. */
  abandon(ticket: Ticket): void {
    this.remove(ticket);
    ticket.slot?.release();
  }

  private remove(ticket: Ticket): void {
    const index = this.queue.indexOf(ticket);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.pool.cluster?.queuedChanged(ticket.decision.group, -1);
  }

  private released(slot: Slot, outcome: QueryOutcome | undefined, details: QueryEndDetails | undefined): void {
    if (outcome !== undefined) this.onEnded(slot, outcome, details);
    this.unbound.delete(slot);
    if (slot.queryId !== undefined) this.inflight.delete(slot.queryId);
    this.pool.release(slot.backend);
  }

  /** Admits waiting queries in arrival order wherever room appeared. */
  private drainQueue(): void {
    for (const ticket of [...this.queue]) {
      const slot = this.tryAdmit(ticket.decision);
      if (!slot) continue;
      slot.steps.unshift('queued in the gateway');
      this.remove(ticket);
      ticket.slot = slot;
      ticket.settle();
    }
  }
}
