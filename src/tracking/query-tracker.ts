/**
 * The live registry and the history feed: every query the gateway dispatches is recorded when it
 * starts and again when it ends, through the buffered writer (off the response path). In-flight
 * queries of this instance stay in memory for the live view; a query that ends on another
 * instance (a follow-up routed there) is still recorded once, as an update of the same row.
 */
import type { QueryEndDetails, QueryOutcome } from '../engines/backend.js';
import type { BufferedHistoryWriter } from './buffered-writer.js';
import type { GuardrailRecord, QueryRecord, QueryState } from './types.js';

const END_STATES: Record<QueryOutcome, QueryState> = { finished: 'FINISHED', failed: 'FAILED', abandoned: 'ABANDONED' };

export class QueryTracker {
  private readonly live = new Map<string, QueryRecord>();

  constructor(private readonly writer: BufferedHistoryWriter) {}

  started(record: QueryRecord): void {
    this.live.set(record.id, record);
    this.writer.writeQuery(record);
  }

  ended(id: string, outcome: QueryOutcome, details: QueryEndDetails = {}): void {
    const base = this.live.get(id);
    this.live.delete(id);
    const state: QueryState = details.canceled ? 'CANCELED' : END_STATES[outcome];
    const record: QueryRecord = { ...(base ?? { id, user: '', statement: '', createdAt: 0 }), state, endedAt: Date.now() };
    if (details.errorName !== undefined) record.errorName = details.errorName;
    if (details.errorMessage !== undefined) record.errorMessage = details.errorMessage;
    if (details.stats !== undefined) record.stats = details.stats;
    this.writer.writeQuery(record);
  }

  /** A guardrail acted on an in-flight query (a runaway warning or kill): recorded when it ends. */
  guardrailActed(id: string, action: GuardrailRecord): void {
    const record = this.live.get(id);
    if (record) record.guardrails = [...(record.guardrails ?? []), action];
  }

  /** A statement refused before it reached a backend (access denied, routing refused, ...). */
  refused(record: QueryRecord): void {
    this.writer.writeQuery({ ...record, endedAt: record.endedAt ?? Date.now() });
  }

  /** One in-flight query started through this instance. */
  inFlightQuery(id: string): QueryRecord | undefined {
    return this.live.get(id);
  }

  /** The number of in-flight queries started through this instance. */
  get inFlightCount(): number {
    return this.live.size;
  }

  /** In-flight queries started through this instance, newest first. */
  inFlight(): QueryRecord[] {
    return [...this.live.values()].sort((a, b) => b.createdAt - a.createdAt);
  }
}
