/**
 * Audit events as JSON lines, to a file (opened for appending, created 0600) or to stdout. One
 * line per event, written synchronously: security events are rare, and a line that was appended
 * is on its way to disk before the action it records completes.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEvent, AuditSink } from './events.js';

export interface JsonLinesAuditSinkOptions {
  /** A file path, or `-` / `stdout` for standard output. */
  target: string;
  /** Called when a line cannot be written (the event still goes to the other sinks). */
  onError?: (err: Error, event: AuditEvent) => void;
}

export class JsonLinesAuditSink implements AuditSink {
  private fd: number;
  private readonly ownsFd: boolean;
  /** Lines that could not be written. */
  failures = 0;

  constructor(private readonly options: JsonLinesAuditSinkOptions) {
    if (options.target === '-' || options.target === 'stdout') {
      this.fd = 1;
      this.ownsFd = false;
    } else {
      mkdirSync(dirname(options.target), { recursive: true });
      this.fd = openSync(options.target, 'a', 0o600);
      this.ownsFd = true;
    }
  }

  append(event: AuditEvent): void {
    const line = `${JSON.stringify({ ...event, time: new Date(event.timestamp).toISOString() })}\n`;
    try {
      const data = Buffer.from(line, 'utf8');
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (err) {
      this.failures++;
      this.options.onError?.(err as Error, event);
    }
  }

  async close(): Promise<void> {
    if (this.ownsFd && this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
