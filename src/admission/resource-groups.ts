/**
 * Resource groups at the gateway: WHEN a query may start (routing decides WHERE it runs).
 *
 * A query is selected into a group by the first selector that matches (Trino's file manager), the
 * group's name templates expanded (`global.adhoc.${USER}` → `global.adhoc.alice`). It starts at
 * once when every group on its path is under its `hardConcurrencyLimit`; otherwise it waits in
 * its leaf group's queue, or is refused with QUERY_QUEUE_FULL (`Too many queued queries for
 * "global.adhoc.alice"`) when a group on its path also has `maxQueued` queries waiting. This is
 * Trino's InternalResourceGroup.run: a query that may run starts even when another group on its
 * path has a full queue.
 *
 * When a query ends the waiting queries are started from the roots down, as Trino's scheduler
 * does: a group with room picks among its eligible sub-groups (those with room and a waiting
 * query below them) by its scheduling policy, and a leaf picks among its queries:
 * - `fair`: sub-groups take turns in the order they became eligible (a group that started one goes
 *   to the back); queries in arrival order;
 * - `weighted_fair`: the sub-group whose running queries are furthest below its share of the
 *   weights (Trino's WeightedFairQueue, ties to the one eligible longest); queries by
 *   `query_priority`, then arrival;
 * - `weighted`: a sub-group at random in proportion to its weight (times 2^31-1 while it is under
 *   its softConcurrencyLimit), a query at random in proportion to its `query_priority`;
 * - `query_priority`: the sub-group holding the highest `query_priority`, the query with the highest
 *   priority, ties in arrival order.
 *
 * Fleet-wide: every running and every queued query is a lease in each group on its path
 * (`rg-running:<group>`, `rg-queued:<group>`, cluster/leases.ts), so the limits count the other
 * instances' queries; without the shared store each limit is cut to this instance's share, as for
 * the backends' `maxRunning`. A leaf's queue is the fleet's: its waiting queries hold places in
 * the store's order (arrival, or priority then arrival under `query_priority` and
 * `weighted_fair`), and an instance starts its own first waiting query only when no other
 * instance's is ahead of it (the instance holding that one starts it). How a group picks among its
 * sub-groups is each instance's own reading (`fair` turns are kept per instance): a sub-group
 * whose first query another instance holds blocks the pick on this one for up to
 * REMOTE_HEAD_WAIT_MS, then this instance moves on to the next sub-group (two instances whose
 * turns disagree would otherwise wait for each other).
 *
 * CPU quotas (`hardCpuLimit`, `softCpuLimit`, `cpuQuotaPeriod`) and soft memory limits as Trino's
 * InternalResourceGroup applies them, from what the engines report per query (chargeCpu and
 * reportMemory, fed by the live query monitor while the query runs, and for the CPU by its final
 * statistics at its end). Both are the fleet's: a group's CPU usage is a decaying counter of the
 * lease store (`rg-cpu:<group>`, brought down by its quota rate every second), its memory a gauge
 * (`rg-memory:<group>`, each instance's running queries' current memory, summed); while the store
 * is unreachable each instance counts its own against its share of the limits.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { ClusterLoad } from '../routing/cluster-load.js';
import { Settleable } from '../routing/admission.js';
import { parseAirliftDataSize, parseAirliftDuration, type GroupSpec, type NamePart, type ResourceGroupsFile, type SelectorSpec } from './resource-groups-file.js';

export interface SelectionCriteria {
  user: string;
  /** The user's groups (userGroup selectors). */
  groups: string[];
  /** The authenticated principal (authenticatedUser selectors; Trino's originalUser is the session user before SET SESSION AUTHORIZATION). */
  authenticatedUser?: string;
  originalUser?: string;
  source?: string;
  clientTags: string[];
  /** Trino's QueryType name, when the statement was analyzed. */
  queryType?: string;
  /** From X-Trino-Resource-Estimate. */
  estimates: { executionTimeMs?: number; cpuTimeMs?: number; peakMemoryBytes?: number };
}

export interface Selection {
  /** Group id segments, root first (`['global', 'adhoc', 'alice']`). */
  segments: string[];
  /** The specs along the path, root first. */
  specs: GroupSpec[];
  selector: SelectorSpec;
}

/** Trino's error when no selector matches. */
export function noMatchingGroup(): QueryFailure {
  return new QueryFailure(ErrorCodes.QUERY_REJECTED, 'No matching resource group found with the configured selection rules');
}

/** The first selector matching `criteria`, with the group id expanded; undefined when none does. */
export function selectGroup(file: ResourceGroupsFile, criteria: SelectionCriteria): Selection | undefined {
  for (const selector of file.selectors) {
    const variables = matchSelector(selector, criteria);
    if (!variables) continue;
    return { segments: selector.group.map((segment) => expand(segment, variables)), specs: selector.specs, selector };
  }
  return undefined;
}

function matchSelector(selector: SelectorSpec, criteria: SelectionCriteria): Map<string, string> | undefined {
  const variables = new Map<string, string>();
  const pattern = (regex: RegExp | undefined, value: string): boolean => {
    if (regex === undefined) return true;
    const match = regex.exec(value);
    if (!match) return false;
    for (const [name, captured] of Object.entries(match.groups ?? {})) if (captured !== undefined) variables.set(name, captured);
    return true;
  };
  if (!pattern(selector.user, criteria.user)) return undefined;
  if (selector.userGroup !== undefined && !criteria.groups.some((g) => selector.userGroup!.test(g))) return undefined;
  if (!pattern(selector.originalUser, criteria.originalUser ?? criteria.user)) return undefined;
  if (!pattern(selector.authenticatedUser, criteria.authenticatedUser ?? '')) return undefined;
  if (!pattern(selector.source, criteria.source ?? '')) return undefined;
  if (selector.clientTags !== undefined && !selector.clientTags.every((t) => criteria.clientTags.includes(t))) return undefined;
  if (selector.queryType !== undefined && selector.queryType !== (criteria.queryType ?? '')) return undefined;
  const estimate = selector.resourceEstimate;
  if (estimate !== undefined) {
    const within = (range: { min?: number; max?: number } | undefined, value: number | undefined) =>
      range === undefined || (value !== undefined && (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));
    if (!within(estimate.executionTime, criteria.estimates.executionTimeMs) || !within(estimate.cpuTime, criteria.estimates.cpuTimeMs) || !within(estimate.peakMemory, criteria.estimates.peakMemoryBytes)) return undefined;
  }
  // Named groups of the patterns come first; USER and SOURCE only fill what they left (Trino's putIfAbsent).
  if (!variables.has('USER')) variables.set('USER', criteria.user);
  if (!variables.has('SOURCE')) variables.set('SOURCE', criteria.source ?? '');
  return variables;
}

function expand(parts: NamePart[], variables: Map<string, string>): string {
  return parts.map((p) => ('text' in p ? p.text : p.lowerCase ? (variables.get(p.variable) ?? '').toLowerCase() : (variables.get(p.variable) ?? ''))).join('');
}

/** A query in the resource groups: waiting in its leaf group's queue, running, or done. */
export class GroupTicket extends Settleable {
  state: 'queued' | 'running' | 'done' = 'queued';
  failure: QueryFailure | undefined;
  lastPoll = Date.now();
  /** When its groups let it start (epoch ms). */
  startedAt = 0;
  /** The CPU (ms) its engine reported last, already charged to its groups. */
  cpuChargedMs = 0;
  /** The memory (bytes) its engine reported last, counted in its groups while it runs. */
  memoryBytes = 0;

  constructor(
    readonly id: string,
    /** The groups on the query's path, root first. */
    readonly path: GroupNode[],
    readonly priority: number,
    readonly sequence: number,
    readonly enqueuedAt: number,
  ) {
    super();
  }

  get groupId(): string {
    return this.path.at(-1)!.id;
  }

  get settled(): boolean {
    return this.state !== 'queued' || this.failure !== undefined;
  }

  /** Whether a group on its path has a CPU quota (its engine's CPU reports are then charged to them). */
  get cpuLimited(): boolean {
    return this.path.some((g) => g.spec.hardCpuLimitMs !== undefined);
  }

  /** Whether a group on its path has a soft memory limit (its engine's memory reports are then counted in them). */
  get memoryLimited(): boolean {
    return this.path.some((g) => g.spec.softMemoryLimit !== undefined);
  }
}

/** One group as it runs: counts include every descendant, as Trino's do. */
export class GroupNode {
  readonly children = new Map<string, GroupNode>();
  running = 0;
  queued = 0;
  /** Queries waiting here (leaf groups only), in arrival order. */
  readonly queue: GroupTicket[] = [];
  /** Sub-groups in the order they became eligible to start a query (fair and weighted_fair turns). */
  turns: GroupNode[] = [];
  /** Since when (epoch ms) this leaf's first waiting query fleet-wide is another instance's, while it is. */
  remoteHeadSince: number | undefined;
  /** CPU (ms) this instance's queries used, regained at its quota rate (Trino's cpuUsageMillis); the fleet's is in the lease store. */
  cpuUsageMs = 0;
  /** The current memory (bytes) of this instance's running queries, as last reported (Trino's memoryUsageBytes). */
  memoryBytes = 0;

  readonly id: string;

  constructor(
    readonly name: string,
    public spec: GroupSpec,
    readonly parent: GroupNode | undefined,
  ) {
    this.id = parent ? `${parent.id}.${name}` : name;
  }
}

const runningPool = (id: string) => `rg-running:${id}`;
const queuedPool = (id: string) => `rg-queued:${id}`;
const cpuCounter = (id: string) => `rg-cpu:${id}`;
const memoryGauge = (id: string) => `rg-memory:${id}`;
/** How long a sub-group whose first waiting query another instance holds blocks this instance's pick. */
const REMOTE_HEAD_WAIT_MS = 5_000;
/** Trino adds this factor to the weight of a sub-group under its softConcurrencyLimit (weighted policy). */
const UNDER_SOFT_LIMIT_BOOST = 2 ** 31 - 1;

/** One live group as the admin API shows it (counts, CPU and memory are the fleet's). */
export interface GroupFigures {
  id: string;
  running: number;
  queued: number;
  hardConcurrencyLimit: number;
  maxQueued: number;
  cpuUsageMs: number;
  hardCpuLimitMs?: number;
  memoryBytes: number;
  softMemoryLimitBytes?: number;
}

export class ResourceGroupAdmission {
  private readonly roots = new Map<string, GroupNode>();
  private sequence = 0;
  private lastQuotaGeneration = Date.now();

  constructor(
    private readonly cluster?: ClusterLoad,
    private readonly random: () => number = Math.random,
    /** What `softMemoryLimit` percentages are of (resourceGroups.clusterMemory). */
    private readonly clusterMemoryBytes?: number,
  ) {
    cluster?.onRoomElsewhere(() => this.startWaiting());
  }

  /** Before the first query of a group is admitted here, the other instances' leases, CPU and memory in its groups are read (one round). */
  async prepare(selection: Selection): Promise<void> {
    if (!this.cluster) return;
    const ids = selection.segments.map((_, i) => selection.segments.slice(0, i + 1).join('.'));
    const newPools = this.cluster.watchPools(ids.flatMap((id) => [runningPool(id), queuedPool(id)]));
    const counters = ids.flatMap((id, i) => {
      const rate = selection.specs[i]!.cpuQuotaPerSecondMs;
      return selection.specs[i]!.hardCpuLimitMs === undefined || rate === undefined ? [] : [{ counter: cpuCounter(id), regainPerSecond: rate }];
    });
    const gauges = ids.filter((_, i) => selection.specs[i]!.softMemoryLimit !== undefined).map(memoryGauge);
    const newUsage = this.cluster.watchUsage(counters, gauges);
    if (newPools || newUsage) await this.cluster.refresh();
  }

  /**
   * Admits a selected query: running at once, or waiting in its leaf group's queue (its ticket
   * settles when it starts). Refused with QUERY_QUEUE_FULL when it can neither run nor wait.
   */
  admit(id: string, selection: Selection, priority: number): GroupTicket {
    const path = this.nodes(selection);
    const canRun = path.every((g) => this.canRunMore(g));
    const canQueue = path.every((g) => this.queuedIn(g) < this.limit(g.spec.maxQueued));
    if (!canRun && !canQueue) throw new QueryFailure(ErrorCodes.QUERY_QUEUE_FULL, `Too many queued queries for "${path.at(-1)!.id}"`);
    const ticket = new GroupTicket(id, path, priority, ++this.sequence, Date.now());
    if (canRun) {
      this.start(ticket);
    } else {
      const leaf = path.at(-1)!;
      leaf.queue.push(ticket);
      for (const g of path) {
        g.queued++;
        if (g !== leaf) this.cluster?.leaseTaken(queuedPool(g.id), id);
      }
      // Its place in the leaf's fleet-wide queue is known after the round that sends it: it may be first.
      void this.cluster?.queueLeaseTaken(queuedPool(leaf.id), id, { priority: fleetOrderPriority(leaf, ticket) }).then(() => this.startWaiting());
      // Groups that became eligible to start a query join their parent's turns (Trino's updateEligibility).
      for (const g of [...path].reverse()) if (g.parent) this.refreshTurns(g.parent);
    }
    return ticket;
  }

  /** The query ended, or its client gave up while it waited: frees what it held and starts the next waiting ones. */
  release(ticket: GroupTicket): void {
    if (ticket.state === 'done') return;
    const wasRunning = ticket.state === 'running';
    ticket.state = 'done';
    if (wasRunning) {
      // An ended query holds no memory (Trino takes it out of its groups' usage at once).
      this.setMemory(ticket, 0);
      for (const g of ticket.path) {
        g.running--;
        this.cluster?.leaseFreed(runningPool(g.id), ticket.id);
      }
    } else {
      this.unqueue(ticket);
    }
    this.forgetIdle(ticket.path);
    if (wasRunning) this.startWaiting();
  }

  /**
   * A running query's CPU so far, as its engine last reported it: the increase is charged to every
   * group on its path (Trino charges the CPU of its running queries to their groups as they run).
   */
  chargeCpu(ticket: GroupTicket, cpuMs: number): void {
    const increase = cpuMs - ticket.cpuChargedMs;
    if (ticket.state !== 'running' || increase <= 0) return;
    ticket.cpuChargedMs = cpuMs;
    for (const g of ticket.path) {
      g.cpuUsageMs += increase;
      const rate = g.spec.cpuQuotaPerSecondMs;
      if (g.spec.hardCpuLimitMs !== undefined && rate !== undefined) this.cluster?.charge(cpuCounter(g.id), increase, rate);
    }
  }

  /**
   * A running query's current memory, as its engine last reported it: its groups count it until it
   * ends (Trino counts its running queries' current memory reservation in their groups). Less
   * memory than before may let waiting queries start.
   */
  reportMemory(ticket: GroupTicket, bytes: number): void {
    if (ticket.state !== 'running') return;
    this.setMemory(ticket, bytes);
    this.startWaiting();
  }

  private setMemory(ticket: GroupTicket, bytes: number): void {
    const change = bytes - ticket.memoryBytes;
    if (change === 0) return;
    ticket.memoryBytes = bytes;
    for (const g of ticket.path) {
      g.memoryBytes += change;
      if (g.spec.softMemoryLimit !== undefined) this.cluster?.setGauge(memoryGauge(g.id), g.memoryBytes);
    }
  }

  /**
   * Trino's quota generation, once per whole second elapsed since the last: each group's CPU usage
   * goes down by its quota rate times the seconds (to 0 at least; a group without a CPU limit keeps
   * none), and waiting queries start where that made room.
   */
  generateCpuQuota(now = Date.now()): void {
    const seconds = Math.floor((now - this.lastQuotaGeneration) / 1000);
    if (seconds <= 0) return;
    this.lastQuotaGeneration += seconds * 1000;
    let regained = false;
    const walk = (g: GroupNode) => {
      const rate = g.spec.cpuQuotaPerSecondMs;
      const before = g.cpuUsageMs;
      g.cpuUsageMs = rate === undefined ? 0 : Math.max(0, before - seconds * rate);
      if (g.cpuUsageMs < before) regained = true;
      for (const child of [...g.children.values()]) walk(child);
    };
    for (const root of [...this.roots.values()]) walk(root);
    if (!regained) return;
    for (const root of [...this.roots.values()]) for (const leaf of leaves(root)) this.forgetIdle(pathOf(leaf));
    this.startWaiting();
  }

  /** Drops waiting queries whose client stopped polling (`idleMs`). */
  sweep(idleMs: number, now = Date.now()): GroupTicket[] {
    const dropped: GroupTicket[] = [];
    for (const root of this.roots.values()) {
      for (const leaf of leaves(root)) for (const ticket of [...leaf.queue]) if (now - ticket.lastPoll > idleMs) dropped.push(ticket);
    }
    for (const ticket of dropped) this.release(ticket);
    return dropped;
  }

  /** Running and queued counts of every live group, for the admin API and metrics (this instance's own plus the fleet's, as last read). */
  snapshot(): GroupFigures[] {
    const result: GroupFigures[] = [];
    const walk = (g: GroupNode) => {
      const softMemoryLimitBytes = this.softMemoryLimitBytes(g);
      result.push({
        id: g.id,
        running: this.runningIn(g),
        queued: this.queuedIn(g),
        hardConcurrencyLimit: g.spec.hardConcurrencyLimit,
        maxQueued: g.spec.maxQueued,
        cpuUsageMs: this.cpuUsage(g),
        ...(g.spec.hardCpuLimitMs !== undefined ? { hardCpuLimitMs: g.spec.hardCpuLimitMs } : {}),
        memoryBytes: this.memoryIn(g),
        ...(softMemoryLimitBytes !== undefined ? { softMemoryLimitBytes } : {}),
      });
      for (const child of g.children.values()) walk(child);
    };
    for (const root of this.roots.values()) walk(root);
    return result;
  }

  /** Starts waiting queries while some group has room, root by root. */
  startWaiting(): void {
    for (const root of this.roots.values()) {
      while (this.startNext(root) === 'started') {
        // one more started; try again
      }
    }
  }

  /** `stalled`: nothing started because another instance has held the first place for too long (its parent moves on). */
  private startNext(group: GroupNode, now = Date.now()): 'started' | 'none' | 'stalled' {
    if (!this.canRunMore(group)) return 'none';
    if (group.children.size === 0) {
      const ticket = this.nextQuery(group);
      // Nothing waits here: the first waiting query, if any, is another instance's.
      if (!ticket && this.queuedIn(group) === 0) {
        group.remoteHeadSince = undefined;
        return 'none';
      }
      if (!ticket || !this.firstInFleet(group, ticket)) {
        group.remoteHeadSince ??= now;
        return now - group.remoteHeadSince >= REMOTE_HEAD_WAIT_MS ? 'stalled' : 'none';
      }
      group.remoteHeadSince = undefined;
      this.unqueue(ticket);
      this.start(ticket);
      return 'started';
    }
    this.refreshTurns(group);
    const passed = new Set<GroupNode>();
    for (;;) {
      const child = this.nextSubGroup(group, passed);
      if (!child) return passed.size > 0 ? 'stalled' : 'none';
      const outcome = this.startNext(child, now);
      if (outcome === 'none') return 'none';
      if (outcome === 'stalled') {
        passed.add(child);
        continue;
      }
      // It took its turn: to the back, if it still has queries waiting.
      group.turns = group.turns.filter((c) => c !== child);
      if (this.eligible(child)) group.turns.push(child);
      return 'started';
    }
  }

  /**
   * Whether the leaf's chosen query is also the first of the leaf's fleet-wide queue (no other
   * instance's is ahead of it); not known before the round that numbers it. Alone, while the store
   * is unreachable, or under `weighted` (a random pick, no order to keep), this instance's pick stands.
   */
  private firstInFleet(leaf: GroupNode, ticket: GroupTicket): boolean {
    if (this.cluster === undefined || this.cluster.degraded || leaf.spec.schedulingPolicy === 'weighted') return true;
    return this.cluster.queueAhead(queuedPool(leaf.id), ticket.id) === 0;
  }

  private nextSubGroup(group: GroupNode, passed: Set<GroupNode>): GroupNode | undefined {
    const candidates = group.turns.filter((c) => !passed.has(c));
    if (candidates.length === 0) return undefined;
    switch (group.spec.schedulingPolicy) {
      case 'fair':
        return candidates[0];
      case 'query_priority':
        return maxBy(candidates, (c) => highestPriority(c));
      case 'weighted_fair': {
        // Trino's WeightedFairQueue: the smallest ratio of actual to expected share; ties to the first in line.
        const totalShare = candidates.reduce((sum, c) => sum + c.spec.schedulingWeight, 0);
        const totalUtilization = candidates.reduce((sum, c) => sum + this.runningIn(c), 1);
        let winner: GroupNode | undefined;
        let winnerDelta = 1;
        for (const c of candidates) {
          const delta = this.runningIn(c) / totalUtilization / (c.spec.schedulingWeight / totalShare);
          if (delta < winnerDelta || (delta === winnerDelta && winner === undefined)) {
            winner = c;
            winnerDelta = delta;
          }
        }
        return winner;
      }
      case 'weighted':
        return pickWeighted(candidates, (c) => (this.runningIn(c) >= c.spec.softConcurrencyLimit ? c.spec.schedulingWeight : UNDER_SOFT_LIMIT_BOOST * c.spec.schedulingWeight), this.random);
    }
  }

  private nextQuery(leaf: GroupNode): GroupTicket | undefined {
    switch (leaf.spec.schedulingPolicy) {
      case 'fair':
        return leaf.queue[0];
      case 'weighted':
        return pickWeighted(leaf.queue, (t) => t.priority, this.random);
      case 'weighted_fair':
      case 'query_priority':
        return maxBy(leaf.queue, (t) => t.priority);
    }
  }

  /**
   * Keeps `turns` to the eligible sub-groups: those no longer eligible leave, those that became
   * eligible (room freed, a query arrived) join at the back, the longest-waiting first.
   */
  private refreshTurns(group: GroupNode): void {
    const eligible = [...group.children.values()].filter((c) => this.eligible(c));
    group.turns = group.turns.filter((c) => eligible.includes(c));
    const joining = eligible.filter((c) => !group.turns.includes(c)).sort((a, b) => oldestWaiting(a) - oldestWaiting(b));
    group.turns.push(...joining);
  }

  /** Whether a group has room and a query waiting below it, on any instance (the fleet's counts). */
  private eligible(group: GroupNode): boolean {
    if (this.queuedIn(group) === 0 || !this.canRunMore(group)) return false;
    return group.children.size === 0 || [...group.children.values()].some((c) => this.eligible(c));
  }

  private start(ticket: GroupTicket): void {
    ticket.state = 'running';
    ticket.startedAt = Date.now();
    for (const g of ticket.path) {
      g.running++;
      this.cluster?.leaseTaken(runningPool(g.id), ticket.id);
    }
    ticket.settle();
  }

  private unqueue(ticket: GroupTicket): void {
    const leaf = ticket.path.at(-1)!;
    const index = leaf.queue.indexOf(ticket);
    if (index === -1) return;
    leaf.queue.splice(index, 1);
    for (const g of ticket.path) {
      g.queued--;
      this.cluster?.leaseFreed(queuedPool(g.id), ticket.id);
    }
  }

  /**
   * Trino's canRunMore: not at or over the hard CPU limit, not over the soft memory limit, and
   * under the concurrency limit, which over the soft CPU limit shrinks with the usage, linearly
   * from one less than the hard concurrency limit down to 1 at the hard CPU limit.
   */
  private canRunMore(group: GroupNode): boolean {
    const hardCpuLimitMs = group.spec.hardCpuLimitMs === undefined ? undefined : this.limit(group.spec.hardCpuLimitMs);
    const softCpuLimitMs = group.spec.softCpuLimitMs === undefined ? undefined : this.limit(group.spec.softCpuLimitMs);
    const usage = this.cpuUsage(group);
    if (hardCpuLimitMs !== undefined && usage >= hardCpuLimitMs) return false;
    const softMemoryLimitBytes = this.softMemoryLimitBytes(group);
    if (softMemoryLimitBytes !== undefined && this.memoryIn(group) > this.limit(softMemoryLimitBytes)) return false;
    let limit = this.limit(group.spec.hardConcurrencyLimit);
    if (softCpuLimitMs !== undefined && hardCpuLimitMs !== undefined && usage >= softCpuLimitMs) {
      const penalty = (usage - softCpuLimitMs) / (hardCpuLimitMs - softCpuLimitMs);
      limit = Math.max(1, Math.min(limit - 1, Math.floor(limit * (1 - penalty))));
    }
    return this.runningIn(group) < limit;
  }

  /** The fleet's CPU usage of a group with a CPU quota (this instance's while the lease store is unreachable, or without one). */
  private cpuUsage(group: GroupNode): number {
    const fleet = group.spec.hardCpuLimitMs === undefined ? undefined : this.cluster?.counterValue(cpuCounter(group.id));
    return fleet ?? group.cpuUsageMs;
  }

  private memoryIn(group: GroupNode): number {
    return group.memoryBytes + (group.spec.softMemoryLimit === undefined ? 0 : (this.cluster?.gaugeElsewhere(memoryGauge(group.id)) ?? 0));
  }

  /** Bytes, or a fraction of the cluster's memory as Trino rounds it once it knows its memory pool. */
  private softMemoryLimitBytes(group: GroupNode): number | undefined {
    const limit = group.spec.softMemoryLimit;
    if (limit === undefined) return undefined;
    return 'bytes' in limit ? limit.bytes : Math.round((this.clusterMemoryBytes ?? 0) * limit.fraction);
  }

  private runningIn(group: GroupNode): number {
    return group.running + (this.cluster?.countElsewhere(runningPool(group.id)) ?? 0);
  }

  private queuedIn(group: GroupNode): number {
    return group.queued + (this.cluster?.countElsewhere(queuedPool(group.id)) ?? 0);
  }

  private limit(value: number): number {
    return this.cluster?.share(value) ?? value;
  }

  /** The runtime groups on the selection's path, created on first use; their limits follow the file version that selected the query. */
  private nodes(selection: Selection): GroupNode[] {
    const path: GroupNode[] = [];
    let level = this.roots;
    let parent: GroupNode | undefined;
    selection.segments.forEach((name, i) => {
      const spec = selection.specs[i]!;
      let node = level.get(name);
      if (!node) level.set(name, (node = new GroupNode(name, spec, parent)));
      node.spec = spec;
      path.push(node);
      parent = node;
      level = node.children;
    });
    return path;
  }

  /** Forgets groups with nothing running or waiting and no CPU usage left (templated groups per user would otherwise pile up). */
  private forgetIdle(path: GroupNode[]): void {
    for (const g of [...path].reverse()) {
      if (g.running > 0 || g.queued > 0 || g.children.size > 0 || g.cpuUsageMs > 0) return;
      (g.parent?.children ?? this.roots).delete(g.name);
      if (g.parent) g.parent.turns = g.parent.turns.filter((c) => c !== g);
      this.cluster?.unwatch(runningPool(g.id));
      this.cluster?.unwatch(queuedPool(g.id));
      this.cluster?.forgetCounter(cpuCounter(g.id));
      this.cluster?.forgetGauge(memoryGauge(g.id));
    }
  }
}

/** The groups from the root down to `group`. */
function pathOf(group: GroupNode): GroupNode[] {
  const path: GroupNode[] = [];
  for (let g: GroupNode | undefined = group; g !== undefined; g = g.parent) path.unshift(g);
  return path;
}

function leaves(group: GroupNode): GroupNode[] {
  return group.children.size === 0 ? [group] : [...group.children.values()].flatMap(leaves);
}

function oldestWaiting(group: GroupNode): number {
  return Math.min(Infinity, ...leaves(group).flatMap((leaf) => leaf.queue.map((t) => t.sequence)));
}

function highestPriority(group: GroupNode): number {
  return Math.max(-Infinity, ...leaves(group).flatMap((leaf) => leaf.queue.map((t) => t.priority)));
}

/** The first item with the largest key (ties keep their order). */
function maxBy<T>(items: T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestKey = -Infinity;
  for (const item of items) {
    const k = key(item);
    if (best === undefined || k > bestKey) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function pickWeighted<T>(items: T[], weight: (item: T) => number, random: () => number): T | undefined {
  const total = items.reduce((sum, item) => sum + Math.max(0, weight(item)), 0);
  if (total <= 0) return items[0];
  let point = random() * total;
  for (const item of items) {
    point -= Math.max(0, weight(item));
    if (point < 0) return item;
  }
  return items.at(-1);
}

/** Trino's QueryType of an analyzed statement (the gateway analyzer's kind), for `queryType` selectors. */
export function queryTypeOf(kind: string): string {
  if (kind === 'query') return 'SELECT';
  if (kind === 'explain' || kind === 'explainAnalyze') return 'EXPLAIN';
  if (kind.startsWith('show') || kind.startsWith('describe')) return 'DESCRIBE';
  if (kind === 'insert' || kind === 'createTableAsSelect' || kind === 'refreshMaterializedView') return 'INSERT';
  if (kind === 'update' || kind === 'delete' || kind === 'merge' || kind === 'analyze') return kind.toUpperCase();
  if (kind === 'alterTableExecute') return 'ALTER_TABLE_EXECUTE';
  return 'DATA_DEFINITION';
}

/** X-Trino-Resource-Estimate values (`EXECUTION_TIME=1h`, `PEAK_MEMORY=2GB`); an unreadable value is absent, as if not sent. */
export function resourceEstimates(values: Map<string, string>): SelectionCriteria['estimates'] {
  const estimates: SelectionCriteria['estimates'] = {};
  const read = <T>(key: string, parse: (text: string) => T | undefined) => {
    const text = values.get(key);
    return text === undefined ? undefined : parse(text);
  };
  const executionTimeMs = read('EXECUTION_TIME', parseAirliftDuration);
  const cpuTimeMs = read('CPU_TIME', parseAirliftDuration);
  const peakMemoryBytes = read('PEAK_MEMORY', parseAirliftDataSize);
  if (executionTimeMs !== undefined) estimates.executionTimeMs = executionTimeMs;
  if (cpuTimeMs !== undefined) estimates.cpuTimeMs = cpuTimeMs;
  if (peakMemoryBytes !== undefined) estimates.peakMemoryBytes = peakMemoryBytes;
  return estimates;
}

/** The resource groups in force: the file (reloaded when it changes, the last good version kept) and the admission state. */
export class ResourceGroups {
  constructor(
    private readonly file: { readonly value: ResourceGroupsFile },
    readonly admission: ResourceGroupAdmission,
  ) {}

  /** Whether selection needs the statement's query type (the statement is then analyzed before admission). */
  get needsQueryType(): boolean {
    return this.file.value.selectors.some((s) => s.queryType !== undefined);
  }

  /** The group a query would be selected into (explain-access, the simulator), or undefined when no selector matches. */
  select(criteria: SelectionCriteria): Selection | undefined {
    return selectGroup(this.file.value, criteria);
  }

  /** Selects and admits: the ticket is running or waiting; refused (QUERY_REJECTED, QUERY_QUEUE_FULL) with Trino's errors. */
  async admit(id: string, criteria: SelectionCriteria, priority: number): Promise<GroupTicket> {
    const selection = this.select(criteria);
    if (!selection) throw noMatchingGroup();
    await this.admission.prepare(selection);
    return this.admission.admit(id, selection, priority);
  }
}

/** The priority a waiting query's place in its leaf's fleet-wide queue is ordered by: the leaf's policy's (arrival alone under `fair`). */
function fleetOrderPriority(leaf: GroupNode, ticket: GroupTicket): number {
  return leaf.spec.schedulingPolicy === 'weighted_fair' || leaf.spec.schedulingPolicy === 'query_priority' ? ticket.priority : 0;
}
