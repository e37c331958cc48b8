/**
 * From an accepted statement to a backend: route it to a group, admit it to a backend of that
 * group or of its fallback chain, or hold it in the gateway's queue. A held query answers its
 * client's polls with QUEUED documents (signed follow-ups naming the queue) until it is admitted;
 * the poll that finds it admitted submits it and returns the backend's first document.
 *
 * The queue is the fleet's (cluster/fleet-queue.ts): a poll may reach any instance. One that does
 * not hold the query reads it from the shared queue and adopts it; a slot is only taken while a
 * poll waits, and the query is taken out of the shared queue (once, fleet-wide) before it starts.
 * It keeps the id its client was given first: the backend's own id is recorded as its alias.
 * With resource groups configured the queue stays per instance (a query's resource group slot is
 * held by the instance that admitted it), so queued queries are not shared.
 */
import { randomUUID } from 'node:crypto';
import type { ClientResponse } from '../http1/exchange.js';
import type { Logger } from 'pino';
import type { Backend, QueryEndDetails, QueryOutcome, Submission } from '../engines/backend.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { QueryTracker } from '../tracking/query-tracker.js';
import type { QueryRecord } from '../tracking/types.js';
import { HttpFailure, QueryFailure, asQueryFailure } from '../protocol/errors.js';
import { parseWait } from '../protocol/query-params.js';
import type { QueryIdGenerator } from '../protocol/query-id.js';
import type { QueryTokenSigner } from '../protocol/query-token.js';
import { parseSession } from '../protocol/session.js';
import { sharedHeaders, type FleetQueue, type QueuedStatement } from '../cluster/fleet-queue.js';
import { renderQueryResults } from '../protocol/results.js';
import { followUpUri, infoUri } from '../protocol/uris.js';
import { QUEUED_CLIENT_TIMEOUT_MS, type Admission, type Settleable, type Slot, type Ticket } from '../routing/admission.js';
import type { RouteDecision, Router, RoutingAnalysis, RoutingContext } from '../routing/router.js';
import type { CatalogPlacement } from '../catalogs/placement.js';
import { queryTypeOf, resourceEstimates, type GroupTicket, type ResourceGroups, type SelectionCriteria } from '../admission/resource-groups.js';
import { guardrailRecord, type GuardrailAction, type GuardrailHold, type Guardrails, type LiveStats, type ScanEstimate } from '../admission/guardrails.js';
import type { LiveQueryMonitor } from '../admission/live-query-monitor.js';
import { parseStatement } from '../sql/analyzer/index.js';
import type { Statement } from '../sql/analyzer/ast.js';
import { accessRecord, submittedRecord } from './history-record.js';
import { sendJson, sendNoContent, sendQueryFailure } from './respond.js';

/** The pseudo-backend named in follow-up tokens of queries waiting in the gateway queue. */
export const QUEUE_BACKEND = '#queue';
const MAX_WAIT_MS = 1000;

type PendingSubmission = Omit<Submission, 'events'>;

/**
 * A query waiting in the gateway: first for its resource group (`group`, when resource groups are
 * configured and its group is full), then for a backend slot of its routing group (`ticket`).
 */
interface QueuedQuery {
  group?: GroupTicket;
  /** What the guardrails hold for it, and the runaway guardrails that watch it once it runs. */
  guard?: GuardrailHold;
  ticket?: Ticket;
  decision: RouteDecision;
  submission: PendingSubmission;
  createdAt: number;
  lastToken: number;
  /** In the shared queue (false while the store was unreachable: shared again by the sweeper). */
  shared: boolean;
}

/** A poll of a queued query no instance has shared yet reads once more after this (its instance shares it again every second). */
const SHARE_RETRY_MS = 1_200;

export interface SharedQueueOptions {
  store: FleetQueue;
  /** How long the backend id of a query that waited in the queue is remembered (the token TTL: no follow-up lives longer). */
  aliasTtlMs: number;
}

/** The guardrails in force, and where their actions are reported. */
export interface GuardrailRuntime {
  rules: Guardrails;
  /** A pre-start guardrail acted on a statement (a warning, or a refusal about to be thrown). */
  acted(action: GuardrailAction, query: { user: string; resourceGroup?: string; routingGroup: string }): void;
  /** The backend that estimates what a statement routed so would read (its EXPLAIN), if any can. */
  explainer?(decision: RouteDecision): Backend | undefined;
}

export class Dispatcher {
  private readonly queued = new Map<string, QueuedQuery>();

  constructor(
    private router: Router,
    private readonly admission: Admission,
    private readonly signer: QueryTokenSigner,
    private readonly queryIds: QueryIdGenerator,
    private readonly metrics: GatewayMetrics,
    private readonly tracker: QueryTracker,
    /** What the statement touches, for routing rules that look at it (used when no access control ran). */
    private readonly analyzeForRouting: (submission: PendingSubmission) => Promise<RoutingAnalysis>,
    private readonly log: Logger,
    private readonly shared: SharedQueueOptions,
    private readonly placement?: CatalogPlacement,
    private readonly resourceGroups?: ResourceGroups,
    /** Reads running queries' live statistics, for runaway guardrails and resource groups' CPU quotas. */
    private readonly monitor?: LiveQueryMonitor,
    private readonly guardrails?: GuardrailRuntime,
  ) {}

  /** Another instance started or cancelled a query queued here: it leaves this instance's queue. */
  takenElsewhere(id: string): void {
    const queued = this.queued.get(id);
    if (queued === undefined || queued.ticket === undefined || queued.ticket.slot !== undefined) return;
    this.queued.delete(id);
    this.admission.taken(queued.ticket, true);
    // The instance that starts it watches it (adopt): what the guardrails hold here is let go.
    queued.guard?.release();
  }

  /** The backend's own id of a query the gateway knows as `id` (it waited in the gateway queue), when it differs. */
  async backendQueryOf(id: string): Promise<{ backend: string; queryId: string } | undefined> {
    return this.shared.store.aliasOf(id).catch(() => undefined);
  }

  /** Takes new routing rules (configuration reload); queries already routed keep their route. */
  /** Where a query would be routed now, without admitting it (the admin UI's access simulator). */
  previewRoute(routing: RoutingContext): RouteDecision {
    return this.router.route(routing);
  }

  setRouter(router: Router): void {
    this.router = router;
  }

  async submit(submission: PendingSubmission, routing: RoutingContext, res: ClientResponse): Promise<void> {
    let catalogs = routing.statement?.catalogs;
    if ((this.router.needsAnalysis || this.placement?.active || this.resourceGroups?.needsQueryType || this.guardrails?.rules.needsAnalysis) && routing.statement === undefined) {
      const analysis = await (submission.trace?.stage('analyze', () => this.analyzeForRouting(submission)) ?? this.analyzeForRouting(submission));
      if (analysis.statement) routing = { ...routing, statement: analysis.statement };
      catalogs = analysis.catalogs;
    }
    let decision = submission.trace?.stage('route', () => this.router.route(routing)) ?? this.router.route(routing);
    // A statement naming catalogs goes where they live (catalogs/placement.ts).
    if (this.placement !== undefined) decision = await this.placement.place(catalogs ?? (routing.catalog !== undefined ? [routing.catalog.toLowerCase()] : []), decision);
    let group: GroupTicket | undefined;
    let guarded: GuardrailHold | undefined;
    if (this.guardrails) {
      guarded = await this.guard(submission, routing, decision);
      submission = withReleaseAtEnd(submission, guarded.release);
    }
    if (this.resourceGroups) {
      // Resource groups decide when the query may start; routing (below) where it runs.
      try {
        group = await this.resourceGroups.admit(randomUUID(), selectionCriteria(routing, submission), queryPriority(submission));
      } catch (err) {
        submission.afterEnd?.();
        throw err;
      }
      const admitted = group;
      submission = withReleaseAtEnd(submission, () => this.resourceGroups!.admission.release(admitted));
      if (group.state === 'queued') {
        const id = this.queryIds.next();
        this.queued.set(id, { group, ...(guarded ? { guard: guarded } : {}), decision, submission, createdAt: Date.now(), lastToken: 0, shared: false });
        submission.trace?.queued(group.groupId);
        this.log.info({ queryId: id, resourceGroup: group.groupId }, 'query waits in its resource group');
        this.sendQueued(res, id, submission, 1);
        return;
      }
    }
    const slot = await this.admission.admit(decision);
    if (slot) {
      await this.dispatch(slot, decision, submission, res, group, guarded);
      return;
    }
    const id = this.queryIds.next();
    const ticket = await this.enqueueRouted(id, decision, submission);
    const queued: QueuedQuery = { ...(group ? { group } : {}), ...(guarded ? { guard: guarded } : {}), ticket, decision, submission, createdAt: Date.now(), lastToken: 0, shared: false };
    this.queued.set(id, queued);
    queued.shared = await this.share(id, submission, ticket);
    this.sendQueued(res, id, submission, 1);
  }

  /** The pre-start guardrails, in the statement's resource group (selected, not yet admitted) and routing group. */
  private async guard(submission: PendingSubmission, routing: RoutingContext, decision: RouteDecision): Promise<GuardrailHold> {
    const runtime = this.guardrails!;
    const selection = this.resourceGroups?.select(selectionCriteria(routing, submission));
    const scope = { user: submission.user, routingGroup: decision.group, ...(selection ? { resourceGroup: selection.segments.join('.') } : {}) };
    const { catalog, schema } = submission.session;
    const analysis = routing.statement === undefined ? undefined : { kind: routing.statement.kind, tables: routing.statement.tables, ...treeOf(submission.sql, submission.session.preparedStatements) };
    const explaining = runtime.explainer?.(decision);
    let estimated: Promise<ScanEstimate> | undefined;
    // Asked once, as the user in its session, whichever guardrails need it; a failed EXPLAIN is no estimate.
    const estimate = explaining && (() => (estimated ??= explaining.explainScan!(submission.sql, submission.headers).catch((err: unknown) => ({ unavailable: `its EXPLAIN failed: ${asQueryFailure(err).message}` }))));
    return runtime.rules.admit({ ...scope, sql: submission.sql, ...(catalog !== undefined ? { catalog } : {}), ...(schema !== undefined ? { schema } : {}), ...(analysis ? { analysis } : {}), ...(estimate ? { estimate } : {}) }, (action) => runtime.acted(action, scope));
  }

  /** Whether queued queries go to the fleet's shared queue (see the top of this file). */
  private get sharesQueue(): boolean {
    return this.resourceGroups === undefined;
  }

  /** Queues a query for a backend slot of its routing group; refused (QUERY_QUEUE_FULL) with its resource group let go. */
  private async enqueueRouted(id: string, decision: RouteDecision, submission: PendingSubmission): Promise<Ticket> {
    let ticket: Ticket;
    try {
      ticket = await this.admission.enqueue(id, decision);
    } catch (err) {
      submission.afterEnd?.();
      throw err;
    }
    submission.trace?.queued(decision.group);
    this.log.info({ queryId: id, group: decision.group, reason: decision.reason }, 'query waits in the gateway queue');
    return ticket;
  }

  /**
   * A poll or cancel of a query waiting in the gateway queue. `owner` is the principal sealed in
   * the token, already checked to be the caller's (another user's poll is refused before anything
   * is looked up or adopted); the query's own principal must be it.
   */
  async followUp(method: 'GET' | 'DELETE', queryId: string, token: number, owner: string, search: string, baseUrl: string, res: ClientResponse): Promise<void> {
    const queued = this.queued.get(queryId) ?? (await this.adopt(queryId, token));
    if (!queued) throw new HttpFailure(410, 'Query is gone: it left the gateway queue');
    if (queued.submission.principal !== owner) throw new HttpFailure(404, 'Query not found');
    if (method === 'DELETE') {
      this.queued.delete(queryId);
      this.abandon(queued, (await this.take(queryId, queued)) === 'mine');
      queued.submission.trace?.ended('abandoned', { canceled: true });
      sendNoContent(res);
      return;
    }
    // Polls of one query may alternate between instances: an instance only refuses tokens older than one it served.
    if (token < queued.lastToken) throw new HttpFailure(404, 'Query not found');
    const wait = Math.min(parseWait(new URLSearchParams(search).get('maxWait')) ?? MAX_WAIT_MS, MAX_WAIT_MS);
    if (queued.ticket) await this.admission.poll(queued.ticket, wait);
    else {
      queued.group!.lastPoll = Date.now();
      await (queued.group as Settleable).wait(wait);
    }
    if (!queued.ticket && queued.group?.state === 'running') {
      // Its resource group let it start: now a backend slot of its routing group, or that group's queue.
      const slot = this.admission.tryAdmit(queued.decision);
      if (slot) {
        this.queued.delete(queryId);
        queued.submission.trace?.dequeued();
        await this.dispatch(slot, queued.decision, { ...queued.submission, baseUrl }, res, queued.group, queued.guard);
        return;
      }
      try {
        queued.ticket = await this.enqueueRouted(queryId, queued.decision, queued.submission);
      } catch (err) {
        this.queued.delete(queryId);
        const failure = asQueryFailure(err);
        queued.submission.trace?.failed(failure);
        sendQueryFailure(res, queryId, baseUrl, failure);
        return;
      }
    }
    const { ticket } = queued;
    const failure = ticket?.failure ?? queued.group?.failure;
    if (failure) {
      this.queued.delete(queryId);
      queued.submission.afterEnd?.();
      queued.submission.trace?.failed(failure);
      sendQueryFailure(res, queryId, baseUrl, failure);
      return;
    }
    // A slot from the queue holds once the other instances' counts confirm it (else the query waits on).
    if (ticket?.slot && (await this.admission.confirmQueued(ticket))) {
      const slot = ticket.slot!;
      const taken = await this.take(queryId, queued);
      // While the shared queue is unreachable only the instance that queued the query may start it.
      if (taken === 'gone' || (taken === 'unreachable' && ticket.adopted)) {
        ticket.slot = undefined;
        slot.release();
        if (taken === 'gone') {
          // Started or cancelled through another instance meanwhile (a client polling twice at once).
          this.queued.delete(queryId);
          this.admission.taken(ticket, true);
          throw new HttpFailure(410, 'Query is gone: it left the gateway queue');
        }
      } else {
        this.queued.delete(queryId);
        this.admission.taken(ticket);
        this.metrics.queued(ticket.decision.group, (Date.now() - ticket.enqueuedAt) / 1000);
        queued.submission.trace?.dequeued();
        await this.dispatch(slot, ticket.decision, { ...queued.submission, baseUrl, queryId }, res, queued.group, queued.guard);
        return;
      }
    }
    queued.lastToken = token;
    this.sendQueued(res, queryId, { ...queued.submission, baseUrl }, token + 1, queued.createdAt);
  }

  /** Shares a query that queued here, so that any instance can serve its polls (this one alone when the store is unreachable). */
  private async share(id: string, submission: PendingSubmission, ticket: Ticket): Promise<boolean> {
    if (!this.sharesQueue) return false;
    const statement: QueuedStatement = {
      id,
      user: submission.user,
      principal: submission.principal,
      sql: submission.sql,
      ...(submission.originalSql !== undefined ? { originalSql: submission.originalSql } : {}),
      headers: sharedHeaders(submission.headers),
      receivedAt: submission.receivedAt,
      ...(submission.access !== undefined ? { access: submission.access } : {}),
      decision: ticket.decision,
      enqueuedAt: ticket.enqueuedAt,
    };
    const ttlMs = this.admission.queueTimeout(ticket.decision.group) + QUEUED_CLIENT_TIMEOUT_MS;
    try {
      await this.shared.store.put(statement, ttlMs);
      return true;
    } catch (err) {
      this.log.warn({ queryId: id, err: (err as Error).message }, 'shared queue unreachable: the query can only be polled on this instance until it is shared');
      return false;
    }
  }

  /** A query queued by another instance, polled here: read from the shared queue and joined to this instance's queue. */
  private async adopt(id: string, token: number): Promise<QueuedQuery | undefined> {
    let statement: QueuedStatement | undefined;
    try {
      statement = await this.shared.store.get(id);
      // Queued while the store was unreachable, its instance may not have shared it yet.
      if (statement === undefined) statement = await new Promise((resolve) => setTimeout(resolve, SHARE_RETRY_MS)).then(() => this.shared.store.get(id));
    } catch {
      throw new HttpFailure(503, 'The gateway queue is unreachable from this instance: retry', { 'Retry-After': '1' });
    }
    // Another poll may have adopted it while this one read.
    const known = this.queued.get(id);
    if (known !== undefined || statement === undefined) return known;
    const submission: PendingSubmission = {
      sql: statement.sql,
      ...(statement.originalSql !== undefined ? { originalSql: statement.originalSql } : {}),
      session: parseSession(statement.headers),
      user: statement.user,
      principal: statement.principal,
      headers: statement.headers,
      baseUrl: '',
      receivedAt: statement.receivedAt,
      ...(statement.access !== undefined ? { access: statement.access } : {}),
    };
    // Started here, it is watched here by the runaway guardrails (the duplicate and rate counts stay with the instance that admitted it, until it is taken).
    const runaway = this.guardrails?.rules.runawayRules({ user: statement.user, routingGroup: statement.decision.group });
    const guard = runaway === undefined ? {} : { guard: { warnings: [], runaway, release: () => undefined } };
    const queued: QueuedQuery = { ticket: this.admission.adopt(id, statement.decision, statement.enqueuedAt), ...guard, decision: statement.decision, submission, createdAt: statement.enqueuedAt, lastToken: token, shared: true };
    this.queued.set(id, queued);
    return queued;
  }

  /** Takes the query out of the shared queue before it starts or is cancelled: 'mine' for one poll in the fleet. */
  private async take(id: string, queued: QueuedQuery): Promise<'mine' | 'gone' | 'unreachable'> {
    if (!this.sharesQueue || queued.ticket === undefined) return 'mine';
    // Not shared yet (queued while the store was unreachable): shared first, so that the take is recorded.
    if (!queued.shared && !(queued.shared = await this.share(id, queued.submission, queued.ticket))) return 'unreachable';
    try {
      return (await this.shared.store.take(id)) ? 'mine' : 'gone';
    } catch {
      return 'unreachable';
    }
  }

  /**
   * Fails every query still waiting in the gateway queue (the instance is shutting down) and
   * records it in history; a client that polls again before the listener closes gets `failure`.
   */
  failQueued(failure: QueryFailure): void {
    for (const [id, queued] of this.queued) {
      const { ticket, group, submission, createdAt, shared } = queued;
      const waiting = ticket ?? group!;
      if (waiting.failure !== undefined) continue;
      this.abandon(queued, true);
      // Failed for the fleet: no other instance may start it.
      if (shared) void this.shared.store.take(id).catch(() => undefined);
      waiting.failure = failure;
      waiting.settle();
      submission.trace?.failed(failure);
      // Failed in the gateway queue: no routing to record, and the query counts from when it queued.
      this.tracker.refused({ ...submittedRecord(id, submission), state: 'FAILED', createdAt, errorName: failure.errorCode.name, errorMessage: failure.message });
    }
  }

  /** Drops queued queries nobody polls any more; called by the sweeper. */
  sweep(): void {
    this.admission.sweep();
    this.resourceGroups?.admission.sweep(QUEUED_CLIENT_TIMEOUT_MS);
    this.resourceGroups?.admission.generateCpuQuota();
    // A sub-group whose first place another instance has held too long is passed over from here on.
    this.resourceGroups?.admission.startWaiting();
    for (const [id, queued] of this.queued) {
      const { ticket, group } = queued;
      if (this.sharesQueue && ticket !== undefined && !queued.shared && !ticket.settled) void this.share(id, queued.submission, ticket).then((shared) => (queued.shared = shared));
      const gone = ticket ? ticket.failure === undefined && ticket.slot === undefined && !this.admission.isQueued(ticket) : group!.state === 'done' && group!.failure === undefined;
      if (gone) {
        this.queued.delete(id);
        // A query that left the routing queue unadmitted lets go of its resource group too.
        queued.submission.afterEnd?.();
        queued.submission.trace?.ended('abandoned');
      }
    }
  }

  /** A waiting query's client gave up (or the instance stops): it leaves both queues and frees what it held. */
  private abandon(queued: QueuedQuery, taken = false): void {
    if (queued.ticket) this.admission.abandon(queued.ticket, taken);
    queued.submission.afterEnd?.();
  }

  private async dispatch(slot: Slot, decision: RouteDecision, submission: PendingSubmission, res: ClientResponse, group?: GroupTicket, guard?: GuardrailHold): Promise<void> {
    const backend = slot.backend.backend;
    // History's routing steps name the resource group first: it decided when the query started.
    if (group) slot.steps.unshift(`resource group ${group.groupId}${group.enqueuedAt < group.startedAt ? `: waited ${group.startedAt - group.enqueuedAt} ms` : ''}`);
    let watchedAs: string | undefined;
    // Follow-ups end the query through the admission, not these events: the slot runs it either way.
    const { afterEnd } = submission;
    slot.afterEnd = (details) => {
      if (watchedAs !== undefined) this.monitor?.unwatch(watchedAs);
      // The CPU of its final statistics, which the last reading may not have seen yet (Trino adds up its tasks' CPU late).
      const finalCpuMs = details?.stats?.cpuMs;
      if (group?.cpuLimited && finalCpuMs !== undefined) this.resourceGroups!.admission.chargeCpu(group, finalCpuMs);
      afterEnd?.();
    };
    const events = {
      started: (queryId: string, backendQueryId?: string) => {
        this.admission.bind(slot, queryId, backendQueryId);
        const runaway = guard?.runaway ?? [];
        // What its engine reports is counted in its resource groups when one has a CPU quota or a memory limit.
        const meter = group?.cpuLimited || group?.memoryLimited ? (stats: LiveStats) => this.meter(group, stats) : undefined;
        if (this.monitor !== undefined && (runaway.length > 0 || meter !== undefined) && watchedAs === undefined) {
          watchedAs = queryId;
          this.monitor.watch(queryId, backend, backendQueryId ?? queryId, runaway, meter);
        }
        if (backendQueryId !== undefined && backendQueryId !== queryId) {
          void this.shared.store.alias(queryId, { backend: backend.name, queryId: backendQueryId }, this.shared.aliasTtlMs).catch((err: Error) => this.log.warn({ queryId, backendQueryId, err: err.message }, 'the backend id of a query could not be shared: other instances cannot look it up by its id'));
        }
        submission.trace?.started(queryId);
        this.tracker.started({ ...this.record(queryId, slot, decision, submission, group, guard), state: 'RUNNING', startedAt: Date.now() });
        this.log.info({ queryId, group: slot.backend.group, backend: backend.name, rule: decision.rule, reason: decision.reason, steps: slot.steps }, 'query routed');
      },
      ended: (outcome: QueryOutcome, details?: QueryEndDetails) => {
        // Failed before the backend named it (unreachable, hung): history keeps the id the client was given.
        if (slot.queryId === undefined && details?.queryId !== undefined) {
          const { errorName, errorMessage } = details;
          this.tracker.refused({ ...this.record(details.queryId, slot, decision, submission, group, guard), state: 'FAILED', ...(errorName !== undefined ? { errorName } : {}), ...(errorMessage !== undefined ? { errorMessage } : {}) });
        }
        slot.release(outcome, details);
      },
    };
    try {
      // The backend's spans (Trino reads traceparent) become children of the gateway's.
      const traceHeaders = submission.trace?.backendCall(backend.name, slot.backend.group);
      await backend.submit({ ...submission, ...(traceHeaders ? { headers: { ...submission.headers, ...traceHeaders } } : {}), events }, res);
    } catch (err) {
      slot.release();
      submission.trace?.failed(err);
      if (err instanceof HttpFailure) throw err;
      if (!(err instanceof QueryFailure)) this.log.error({ err }, 'statement submission failed');
      const failure = asQueryFailure(err);
      const id = slot.queryId ?? submission.queryId ?? this.queryIds.next();
      if (slot.queryId === undefined) this.tracker.refused({ ...this.record(id, slot, decision, submission, group, guard), state: 'FAILED', errorName: failure.errorCode.name, errorMessage: failure.message });
      sendQueryFailure(res, id, submission.baseUrl, failure);
    }
  }

  /** A running query's CPU and memory, as its engine last reported them, counted in its resource groups. */
  private meter(group: GroupTicket, stats: LiveStats): void {
    const { admission } = this.resourceGroups!;
    if (group.cpuLimited && stats.cpuMs !== undefined) admission.chargeCpu(group, stats.cpuMs);
    if (group.memoryLimited && stats.memoryBytes !== undefined) admission.reportMemory(group, stats.memoryBytes);
  }

  /** What history records of a query dispatched to `slot`. */
  private record(id: string, slot: Slot, decision: RouteDecision, submission: PendingSubmission, group: GroupTicket | undefined, guard: GuardrailHold | undefined): QueryRecord {
    const warnings = guard?.warnings ?? [];
    return {
      ...(group ? { resourceGroup: group.groupId } : {}),
      ...(warnings.length > 0 ? { guardrails: warnings.map(guardrailRecord) } : {}),
      ...submittedRecord(id, submission),
      ...accessRecord(submission),
      routingGroup: slot.backend.group,
      routingRule: decision.reason,
      routingSteps: slot.steps,
      backend: slot.backend.backend.name,
      state: 'QUEUED',
    };
  }

  private sendQueued(res: ClientResponse, id: string, submission: PendingSubmission, nextToken: number, createdAt = Date.now()): void {
    const token = this.signer.signPaged({ backend: QUEUE_BACKEND, user: submission.principal, issuedAt: Math.floor(Date.now() / 1000), queryId: id, phase: 'queued', target: String(nextToken) });
    const waited = Date.now() - createdAt;
    sendJson(
      res,
      renderQueryResults({
        id,
        infoUri: infoUri(submission.baseUrl, id),
        nextUri: followUpUri(submission.baseUrl, 'queued', id, token),
        state: 'QUEUED',
        elapsedMillis: waited,
        queuedMillis: waited,
        processedRows: 0,
      }),
    );
  }


}

/** What resource group selectors look at, from the routing context (who, source, tags, statement) and the session. */
function selectionCriteria(routing: RoutingContext, submission: PendingSubmission): SelectionCriteria {
  return {
    user: routing.user,
    groups: routing.groups,
    authenticatedUser: submission.principal,
    clientTags: routing.clientTags,
    estimates: resourceEstimates(submission.session.resourceEstimates),
    ...(routing.source !== undefined ? { source: routing.source } : {}),
    ...(routing.statement !== undefined ? { queryType: queryTypeOf(routing.statement.kind) } : {}),
  };
}

/**
 * The syntax tree of what the statement runs (for EXECUTE, the prepared statement; for EXECUTE
 * IMMEDIATE, its text), when the gateway's parser reads it: preflight guardrails refuse what it cannot.
 */
function treeOf(sql: string, prepared: Map<string, string>): { tree?: Statement } {
  try {
    let tree = parseStatement(sql);
    const text = tree.k === 'executeImmediate' ? tree.sql : tree.k === 'execute' ? prepared.get(tree.name) : undefined;
    if (tree.k === 'execute' || tree.k === 'executeImmediate') {
      if (text === undefined) return {};
      tree = parseStatement(text);
    }
    // Trino prepares no EXECUTE: one level is all there is to read.
    return tree.k === 'execute' || tree.k === 'executeImmediate' ? {} : { tree };
  } catch {
    return {};
  }
}

/** The session's `query_priority` (Trino's default 1), which orders the queries of query_priority and weighted groups. */
function queryPriority(submission: PendingSubmission): number {
  const value = Number(submission.session.properties.get('query_priority') ?? '1');
  return Number.isInteger(value) ? value : 1;
}

/** The submission, with `release` run exactly once whenever it ends (its afterEnd runs on every path that ends a query). */
function withReleaseAtEnd(submission: PendingSubmission, release: () => void): PendingSubmission {
  const { afterEnd } = submission;
  let done = false;
  return {
    ...submission,
    afterEnd: () => {
      if (done) return;
      done = true;
      release();
      afterEnd?.();
    },
  };
}
