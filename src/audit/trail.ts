/**
 * The audit trail: completes each event (id, timestamp) once and hands it to every sink, e.g. the
 * JSON-lines file and the database (through the buffered writer, so a database outage loses
 * nothing).
 */
import type { BufferedHistoryWriter } from '../tracking/buffered-writer.js';
import { completeAuditEvent, type AuditEvent, type AuditEventInput, type AuditSink } from './events.js';

/** The database side: events go through the tracking writer (batched, spilled when down). */
export class StoreAuditSink implements AuditSink {
  constructor(private readonly writer: BufferedHistoryWriter) {}

  append(event: AuditEvent): void {
    this.writer.writeAudit(event);
  }

  async close(): Promise<void> {
    // The writer belongs to its owner, who closes it.
  }
}

export class AuditTrail {
  constructor(
    private readonly sinks: readonly AuditSink[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an event in every sink; returns it as recorded (with its id and timestamp). */
  record(input: AuditEventInput): AuditEvent {
    const event = completeAuditEvent(input, this.now);
    for (const sink of this.sinks) {
      try {
        sink.append(event);
      } catch {
        // Sinks report their own failures; one failing sink must not keep the others from the event.
      }
    }
    return event;
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
