/**
 * Security audit events: append-only, written as JSON lines (file or stdout) and into the
 * tracking database (table audit_events).
 */
import { randomUUID } from 'node:crypto';
import type { Cursor, Page } from '../tracking/types.js';

export interface AuditEvent {
  /** Unique id (makes replays of the same event idempotent). */
  id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** Who did it: a user, principal, or `system`. */
  actor: string;
  /** What was attempted, e.g. `login`, `query.deny`, `config.reload`. */
  action: string;
  /** What it was done to, e.g. a query id, a table, a user. */
  target: string;
  /** e.g. `success`, `failure`, `denied`. */
  outcome: string;
  details?: Record<string, unknown>;
}

/** An event as callers give it: id and timestamp are filled in when missing. */
export type AuditEventInput = Omit<AuditEvent, 'id' | 'timestamp'> & { id?: string; timestamp?: number };

export interface AuditSink {
  /** Records the event; never throws (failures are the sink's to report) and never blocks on I/O to a remote store. */
  append(event: AuditEvent): void;
  /** Flushes what is buffered and releases resources. */
  close(): Promise<void>;
}

/** A validated audit search (see ../audit/validation.ts). */
export interface AuditSearch {
  actor?: string;
  action?: string;
  outcome?: string;
  /** Inclusive lower bound on timestamp (ms). */
  from?: number;
  /** Exclusive upper bound on timestamp (ms). */
  to?: number;
  /** Position after the last event of the previous page (`createdAt` holds the timestamp). */
  cursor?: Cursor;
  limit: number;
}

/** The database side of the trail, implemented by the tracking stores. */
export interface AuditStore {
  appendAuditEvents(events: readonly AuditEvent[]): Promise<void>;
  searchAuditEvents(search: AuditSearch): Promise<Page<AuditEvent>>;
}

export function completeAuditEvent(input: AuditEventInput, now: () => number = Date.now): AuditEvent {
  const event: AuditEvent = {
    id: input.id ?? randomUUID(),
    timestamp: input.timestamp ?? now(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    outcome: input.outcome,
  };
  if (input.details !== undefined) event.details = input.details;
  return event;
}
