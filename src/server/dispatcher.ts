/**
 * From an accepted statement to a backend: route it to a group, admit it to a backend of that
 * group or of its fallback chain, or hold it in the gateway's queue. A held query answers its
 * client's polls with QUEUED documents (signed follow-ups naming the queue) until it is admitted;
 * the poll that finds it admitted submits it and returns the backend's first document.
 */
import type { ClientResponse } from '../http1/exchange.js';
import type { Logger } from 'pino';
import type { QueryEndDetails, QueryOutcome, Submission } from '../engines/backend.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { QueryTracker } from '../tracking/query-tracker.js';
import type { QueryRecord } from '../tracking/types.js';
import { ErrorCodes, HttpFailure, QueryFailure, asQueryFailure } from '../protocol/errors.js';
import { parseWait } from '../protocol/query-params.js';
import type { QueryIdGenerator } from '../protocol/query-id.js';
import { wrongUser, type QueryTokenSigner } from '../protocol/query-token.js';
import { renderQueryResults } from '../protocol/results.js';
import { followUpUri, infoUri } from '../protocol/uris.js';
import type { Admission, Slot, Ticket } from '../routing/admission.js';
import type { RouteDecision, Router, RoutingContext } from '../routing/router.js';
import type { CatalogPlacement } from '../catalogs/placement.js';
import { accessRecord, submittedRecord } from './history-record.js';
import { sendJson, sendNoContent, sendQueryFailure } from './respond.js';

/** The pseudo-backend named in follow-up tokens of queries waiting in the gateway queue. */
export const QUEUE_BACKEND = '#queue';
const MAX_WAIT_MS = 1000;

type PendingSubmission = Omit<Submission, 'events'>;

interface QueuedQuery {
  ticket: Ticket;
  submission: PendingSubmission;
  createdAt: number;
  lastToken: number;
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
    private readonly analyzeForRouting: (submission: PendingSubmission) => Promise<{ kind: string; tables: string[]; catalogs: string[] }>,
    private readonly log: Logger,
    private readonly placement?: CatalogPlacement,
  ) {}

  /** Takes new routing rules (configuration reload); queries already routed keep their route. */
  /** Where a query would be routed now, without admitting it (the admin UI's access simulator). */
  previewRoute(routing: RoutingContext): RouteDecision {
    return this.router.route(routing);
  }

  setRouter(router: Router): void {
    this.router = router;
  }

  async submit(submission: PendingSubmission, routing: RoutingContext, res: ClientResponse): Promise<void> {
    if ((this.router.needsAnalysis || this.placement?.active) && routing.statement === undefined) {
      // Routing is not a security boundary: a statement the analyzer cannot read simply matches no statement rule.
      // One that needs a catalog only a backend that is down serves cannot run anywhere: that is the answer.
      const statement = await submission.trace?.stage('analyze', () => this.analyzeForRouting(submission)).catch((err: unknown) => {
        if (err instanceof QueryFailure && err.errorCode === ErrorCodes.BACKEND_UNAVAILABLE) throw err;
        return undefined;
      });
      if (statement) routing = { ...routing, statement };
    }
    let decision = submission.trace?.stage('route', () => this.router.route(routing)) ?? this.router.route(routing);
    // A statement naming catalogs goes where they live (catalogs/placement.ts).
    if (this.placement !== undefined) decision = await this.placement.place(routing.statement?.catalogs ?? (routing.catalog !== undefined ? [routing.catalog.toLowerCase()] : []), decision);
    const slot = this.admission.tryAdmit(decision);
    if (slot) {
      await this.dispatch(slot, decision, submission, res);
      return;
    }
    const id = this.queryIds.next();
    const ticket = this.admission.enqueue(id, decision);
    this.queued.set(id, { ticket, submission, createdAt: Date.now(), lastToken: 0 });
    submission.trace?.queued(decision.group);
    this.log.info({ queryId: id, group: decision.group, reason: decision.reason }, 'query waits in the gateway queue');
    this.sendQueued(res, id, submission, 1);
  }

  /** A poll or cancel of a query waiting in the gateway queue. */
  async followUp(method: 'GET' | 'DELETE', queryId: string, token: number, principal: string, search: string, baseUrl: string, res: ClientResponse): Promise<void> {
    const queued = this.queued.get(queryId);
    if (!queued) throw new HttpFailure(410, 'Query is gone: it left the gateway queue, or it was queued on another gateway instance that restarted');
    if (queued.submission.principal !== principal) {
      if (method === 'DELETE') throw new HttpFailure(403, 'Cannot cancel a query started by another user');
      sendQueryFailure(res, queryId, baseUrl, wrongUser());
      return;
    }
    if (method === 'DELETE') {
      this.queued.delete(queryId);
      this.admission.abandon(queued.ticket);
      queued.submission.trace?.ended('abandoned', { canceled: true });
      sendNoContent(res);
      return;
    }
    if (token !== queued.lastToken + 1 && token !== queued.lastToken) throw new HttpFailure(404, 'Query not found');
    queued.ticket.lastPoll = Date.now();
    const wait = Math.min(parseWait(new URLSearchParams(search).get('maxWait')) ?? MAX_WAIT_MS, MAX_WAIT_MS);
    await queued.ticket.wait(wait);
    const { ticket } = queued;
    if (ticket.failure) {
      this.queued.delete(queryId);
      queued.submission.trace?.failed(ticket.failure);
      sendQueryFailure(res, queryId, baseUrl, ticket.failure);
      return;
    }
    if (ticket.slot) {
      this.queued.delete(queryId);
      this.metrics.queued(ticket.decision.group, (Date.now() - ticket.enqueuedAt) / 1000);
      queued.submission.trace?.dequeued();
      await this.dispatch(ticket.slot, ticket.decision, { ...queued.submission, baseUrl }, res);
      return;
    }
    queued.lastToken = token;
    this.sendQueued(res, queryId, { ...queued.submission, baseUrl }, token + 1, queued.createdAt);
  }

  /**
   * Fails every query still waiting in the gateway queue (the instance is shutting down) and
   * records it in history; a client that polls again before the listener closes gets `failure`.
   */
  failQueued(failure: QueryFailure): void {
    for (const [id, { ticket, submission, createdAt }] of this.queued) {
      if (ticket.failure !== undefined) continue;
      this.admission.abandon(ticket);
      ticket.failure = failure;
      ticket.settle();
      submission.trace?.failed(failure);
      // Failed in the gateway queue: no routing to record, and the query counts from when it queued.
      this.tracker.refused({ ...submittedRecord(id, submission), state: 'FAILED', createdAt, errorName: failure.errorCode.name, errorMessage: failure.message });
    }
  }

  /** Drops queued queries nobody polls any more; called by the sweeper. */
  sweep(): void {
    this.admission.sweep();
    for (const [id, queued] of this.queued) {
      if (queued.ticket.failure === undefined && queued.ticket.slot === undefined && !this.admission.isQueued(queued.ticket)) {
        this.queued.delete(id);
        queued.submission.trace?.ended('abandoned');
      }
    }
  }

  private async dispatch(slot: Slot, decision: RouteDecision, submission: PendingSubmission, res: ClientResponse): Promise<void> {
    const backend = slot.backend.backend;
    // Follow-ups end the query through the admission, not these events: the slot runs it either way.
    slot.afterEnd = submission.afterEnd;
    const events = {
      started: (queryId: string) => {
        this.admission.bind(slot, queryId);
        submission.trace?.started(queryId);
        this.tracker.started({ ...this.record(queryId, slot, decision, submission), state: 'RUNNING', startedAt: Date.now() });
        this.log.info({ queryId, group: slot.backend.group, backend: backend.name, rule: decision.rule, reason: decision.reason, steps: slot.steps }, 'query routed');
      },
      ended: (outcome: QueryOutcome, details?: QueryEndDetails) => {
        // Failed before the backend named it (unreachable, hung): history keeps the id the client was given.
        if (slot.queryId === undefined && details?.queryId !== undefined) {
          const { errorName, errorMessage } = details;
          this.tracker.refused({ ...this.record(details.queryId, slot, decision, submission), state: 'FAILED', ...(errorName !== undefined ? { errorName } : {}), ...(errorMessage !== undefined ? { errorMessage } : {}) });
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
      const id = slot.queryId ?? this.queryIds.next();
      if (slot.queryId === undefined) this.tracker.refused({ ...this.record(id, slot, decision, submission), state: 'FAILED', errorName: failure.errorCode.name, errorMessage: failure.message });
      sendQueryFailure(res, id, submission.baseUrl, failure);
    }
  }

  /** What history records of a query dispatched to `slot`. */
  private record(id: string, slot: Slot, decision: RouteDecision, submission: PendingSubmission): QueryRecord {
    return {
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
