/**
 * Graceful drain (SIGTERM/SIGINT): readiness turns false and new statements are refused at once
 * (GatewayServer checks the lifecycle); follow-ups keep being served until every query this
 * instance admitted has ended or the deadline passes. What remains then is cancelled on its
 * backend — a Trino query must not stay RUNNING once nobody can fetch its results — and recorded
 * in history as failed with SERVER_SHUTTING_DOWN.
 *
 * Only queries this instance admitted are its to cancel. A Trino query admitted here but polled
 * through another instance (shared token secret) is cancelled at the deadline too: without the
 * fleet-wide query state this instance cannot know the other one still serves it.
 */
import type { Logger } from 'pino';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { Admission, Slot } from '../routing/admission.js';
import type { Dispatcher } from './dispatcher.js';
import type { Lifecycle } from './probes.js';

const CHECK_INTERVAL_MS = 100;
/** After the deadline, how long a submission already on its way to a backend may take to get its query id (so it can be cancelled). */
const UNBOUND_GRACE_MS = 5_000;

export interface DrainTargets {
  lifecycle: Lifecycle;
  admission: Admission;
  dispatcher: Dispatcher;
  log: Logger;
}

export interface DrainOutcome {
  /** Queries that were still open at the deadline and were cancelled (their ids, when known). */
  cancelled: string[];
}

export function shuttingDown(): QueryFailure {
  return new QueryFailure(ErrorCodes.SERVER_SHUTTING_DOWN, 'Querygate is shutting down: the statement was not started; retry it');
}

export async function drain(targets: DrainTargets, deadlineMs: number): Promise<DrainOutcome> {
  const { lifecycle, admission, dispatcher, log } = targets;
  lifecycle.drain();
  const deadline = Date.now() + deadlineMs;
  log.info({ runningQueries: admission.openSlots().length, queuedQueries: admission.queuedTotal, deadlineMs }, 'draining: new statements are refused, in-flight queries may finish');
  await until(() => admission.openSlots().length === 0 && admission.queuedTotal === 0, deadline);
  const failure = new QueryFailure(ErrorCodes.SERVER_SHUTTING_DOWN, `Query cancelled: Querygate is shutting down and the query did not finish within the drain timeout (${Math.round(deadlineMs / 1000)}s)`);
  dispatcher.failQueued(failure);
  const cancelled: string[] = [];
  await until(() => admission.openSlots().every((slot) => slot.queryId !== undefined), Date.now() + UNBOUND_GRACE_MS);
  await Promise.all(admission.openSlots().map((slot) => cancel(slot, failure, cancelled, log)));
  if (cancelled.length > 0) log.warn({ cancelled }, 'drain timeout reached: cancelled the queries still running');
  else log.info('drained: every in-flight query ended');
  return { cancelled };
}

async function cancel(slot: Slot, failure: QueryFailure, cancelled: string[], log: Logger): Promise<void> {
  const { queryId } = slot;
  if (queryId === undefined) {
    log.warn({ backend: slot.backend.backend.name }, 'a submission still had no query id from its backend at shutdown: it could not be cancelled');
    slot.release();
    return;
  }
  cancelled.push(queryId);
  // Set before the backend cancels: a poll may then end the query first, with the backend's reason.
  slot.cancelledBy = { errorName: failure.errorCode.name, errorMessage: failure.message };
  await slot.backend.backend.abandon(slot.backendQueryId ?? queryId, failure);
  // Engines that report the cancellation themselves have released the slot already (release is idempotent).
  slot.release('failed');
}

async function until(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, CHECK_INTERVAL_MS));
}
