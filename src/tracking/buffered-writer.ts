/**
 * The buffered writer between the request path and the tracking store. `writeQuery` and
 * `writeAudit` only enqueue (in memory, bounded); a background loop writes batches in one
 * transaction each. When the store fails with a transient error (unreachable, restarting, busy)
 * records go to the spill file on disk instead, and are replayed, in order, when the store is back.
 * Writes are idempotent upserts, so a replay that repeats records is harmless: every record ends
 * up in the database exactly once.
 *
 * Nothing is dropped silently: a record that fits neither the queue nor the spill file is counted
 * in `stats.dropped` and logged as an error; a record the store rejects as invalid (not a
 * transient failure) is written to the dead-letter file `<spill file>.rejected`, counted and
 * logged.
 */
import { appendFileSync } from 'node:fs';
import type { AuditEvent } from '../audit/events.js';
import { SpillLog } from './spill-log.js';
import type { TrackingBatch, TrackingStore } from './store.js';
import type { QueryRecord } from './types.js';

/** The logging calls used (pino's signature). */
export interface TrackingLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const consoleLogger: TrackingLogger = {
  info: () => undefined,
  warn: (obj, msg) => console.warn(`querygate tracking: ${msg}`, obj),
  error: (obj, msg) => console.error(`querygate tracking: ${msg}`, obj),
};

export interface BufferedWriterOptions {
  /** The store, or a function opening it (retried like a failed write until it succeeds). */
  store: TrackingStore | (() => Promise<TrackingStore>);
  /** The spill file (created when missing; records left in it by a previous run are replayed). */
  spillFile: string;
  /** Upper bound of the spill file (default 256 MB). */
  maxSpillBytes?: number;
  /** Records held in memory before they go straight to the spill file (default 10000). */
  maxQueue?: number;
  /** Records per transaction (default 500). */
  batchSize?: number;
  /** Longest a record waits in memory before a flush (default 200 ms). */
  flushIntervalMs?: number;
  /** First retry delay after a failure, doubled up to retryMaxMs (defaults 500 ms and 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  logger?: TrackingLogger;
}

export interface WriterBacklog {
  /** In memory, waiting for the next batch. */
  queued: number;
  /** In the batch being written now. */
  inFlight: number;
  /** In the spill file, not yet replayed. */
  spilled: number;
  spillBytes: number;
}

export interface WriterStats {
  /** Records committed to the store (including replays). */
  written: number;
  /** Records appended to the spill file. */
  spilled: number;
  /** Records replayed from the spill file. */
  replayed: number;
  /** Records lost: neither the queue nor the spill file had room. */
  dropped: number;
  /** Records the store refused as invalid (kept in the dead-letter file). */
  rejected: number;
  /** Store failures seen (each failed attempt). */
  failures: number;
}

type Item = { t: 'q'; r: QueryRecord } | { t: 'a'; e: AuditEvent };

const DROP_LOG_INTERVAL_MS = 10_000;

export class BufferedHistoryWriter {
  private readonly spill: SpillLog;
  private readonly maxQueue: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly log: TrackingLogger;
  private readonly rejectedFile: string;

  private store: TrackingStore | undefined;
  private readonly openStore: (() => Promise<TrackingStore>) | undefined;
  private queue: Item[] = [];
  private inFlight = 0;
  /** Offset in the spill file up to which records have been replayed. */
  private replayOffset = 0;
  /** Records of the spill file before replayOffset. */
  private replayedLines = 0;
  private retryDelay: number;
  private nextAttemptAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private closed = false;
  private down = false;
  private lastDropLog = 0;
  private dropsSinceLog = 0;
  private readonly counters: WriterStats = { written: 0, spilled: 0, replayed: 0, dropped: 0, rejected: 0, failures: 0 };

  constructor(options: BufferedWriterOptions) {
    if (typeof options.store === 'function') this.openStore = options.store;
    else this.store = options.store;
    this.maxQueue = options.maxQueue ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.retryMinMs = options.retryMinMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.retryDelay = this.retryMinMs;
    this.log = options.logger ?? consoleLogger;
    this.spill = new SpillLog(options.spillFile, options.maxSpillBytes ?? 256 * 1024 * 1024);
    this.rejectedFile = `${options.spillFile}.rejected`;
    if (this.spill.records > 0) {
      this.log.warn({ spillFile: this.spill.path, records: this.spill.records }, 'replaying records spilled by a previous run');
      this.schedule(0);
    }
  }

  /** Records a query (its start, progress or end). Never blocks on the store, never throws. */
  writeQuery(record: QueryRecord): void {
    this.enqueue({ t: 'q', r: record });
  }

  /** Records an audit event. Never blocks on the store, never throws. */
  writeAudit(event: AuditEvent): void {
    this.enqueue({ t: 'a', e: event });
  }

  get backlog(): WriterBacklog {
    return {
      queued: this.queue.length,
      inFlight: this.inFlight,
      spilled: this.spill.records - this.replayedLines,
      spillBytes: this.spill.size,
    };
  }

  /** Records not yet committed to the store. */
  get backlogSize(): number {
    const b = this.backlog;
    return b.queued + b.inFlight + b.spilled;
  }

  get stats(): Readonly<WriterStats> {
    return { ...this.counters };
  }

  /** True while the store is failing (records go to the spill file). */
  get degraded(): boolean {
    return this.down;
  }

  /** Writes what is queued now (one attempt; after a failure the backlog waits for the retry). */
  async flush(): Promise<void> {
    this.nextAttemptAt = Math.min(this.nextAttemptAt, Date.now());
    await this.pump();
  }

  /**
   * Resolves once everything (queue and spill file) is committed, or rejects after `timeoutMs`.
   * Tries at once, then at the retry pace. For tests and orderly shutdowns.
   */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.nextAttemptAt = Math.min(this.nextAttemptAt, Date.now());
    while (this.backlogSize > 0) {
      if (Date.now() > deadline) throw new Error(`tracking backlog not drained after ${timeoutMs} ms: ${JSON.stringify(this.backlog)}`);
      await this.pump();
      if (this.backlogSize > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(200, this.nextAttemptAt - Date.now()))));
    }
  }

  /**
   * Stops the loop after one last attempt; whatever is still not written is kept in the spill
   * file for the next start. Closes the store if this writer opened it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.nextAttemptAt = 0;
    await this.pump().catch(() => undefined);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.queue.length > 0) this.spillItems(this.queue.splice(0));
    this.spill.close();
    if (this.openStore && this.store) await this.store.close().catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------

  private enqueue(item: Item): void {
    if (this.closed || this.queue.length >= this.maxQueue) {
      // No room in memory (or no loop any more): straight to disk, so that it is not lost.
      this.spillItems([item]);
      if (!this.closed) this.schedule(this.flushIntervalMs);
      return;
    }
    this.queue.push(item);
    this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    const due = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, Math.max(0, delayMs));
    this.timer.unref();
  }

  /** Runs the loop; concurrent calls share one run (and ask for another pass). */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          await this.pumpOnce();
        } while (this.pumpAgain && !this.closed);
      } catch (err) {
        this.log.error({ err }, 'tracking writer loop failed unexpectedly');
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private async pumpOnce(): Promise<void> {
    for (;;) {
      const spillPending = this.spill.size > this.replayOffset;
      if (!spillPending && this.queue.length === 0) {
        if (this.spill.size > 0) this.resetSpill();
        return;
      }
      if (spillPending && this.queue.length > 0) {
        // While older records wait on disk, newer ones join them there: one ordered log.
        this.spillItems(this.queue.splice(0));
      }
      const wait = this.nextAttemptAt - Date.now();
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
      const store = await this.getStore();
      if (!store) return;

      if (this.spill.size > this.replayOffset) {
        if (!(await this.replayChunk(store))) return;
        continue;
      }
      const batch = this.queue.splice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        const done = await this.writeItems(store, batch);
        if (done < batch.length) {
          this.spillItems(batch.slice(done));
          return;
        }
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Replays the next chunk of the spill file; false when the store failed (retry later). */
  private async replayChunk(store: TrackingStore): Promise<boolean> {
    const chunk = this.spill.read(this.replayOffset, this.batchSize);
    const items: Item[] = [];
    for (const line of chunk.lines) {
      const item = parseItem(line);
      if (item) items.push(item);
      else this.reject(line, new Error('unreadable line in the spill file (torn write?)'));
    }
    const done = await this.writeItems(store, items);
    if (done < items.length) return false;
    this.replayOffset = chunk.next;
    this.replayedLines += chunk.lines.length;
    this.counters.replayed += items.length;
    if (this.replayOffset >= this.spill.size) {
      this.log.info({ replayed: this.replayedLines }, 'spill file replayed into the tracking store');
      this.resetSpill();
    }
    return true;
  }

  /**
   * Writes items in one transaction; on a transient failure returns how many were written (0),
   * on a permanent one isolates the offending records one by one. Returns the count handled.
   */
  private async writeItems(store: TrackingStore, items: Item[]): Promise<number> {
    if (items.length === 0) return 0;
    try {
      await store.writeBatch(toBatch(items));
      this.counters.written += items.length;
      this.markUp();
      return items.length;
    } catch (err) {
      if (store.isTransientError(err)) {
        this.markDown(err);
        return 0;
      }
      if (items.length === 1) {
        this.reject(JSON.stringify(items[0]), err);
        return 1;
      }
    }
    // A permanent error somewhere in the batch: find the record(s) at fault.
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      try {
        await store.writeBatch(toBatch([item]));
        this.counters.written++;
      } catch (err) {
        if (store.isTransientError(err)) {
          this.markDown(err);
          return i;
        }
        this.reject(JSON.stringify(item), err);
      }
    }
    return items.length;
  }

  private async getStore(): Promise<TrackingStore | undefined> {
    if (this.store) return this.store;
    if (!this.openStore) return undefined;
    try {
      this.store = await this.openStore();
      return this.store;
    } catch (err) {
      this.markDown(err);
      if (this.queue.length > 0) this.spillItems(this.queue.splice(0));
      return undefined;
    }
  }

  private spillItems(items: Item[]): void {
    if (items.length === 0) return;
    const lines = items.map((item) => JSON.stringify(item));
    let written = 0;
    try {
      written = this.spill.append(lines);
    } catch (err) {
      this.log.error({ err, spillFile: this.spill.path }, 'cannot write to the tracking spill file');
    }
    this.counters.spilled += written;
    if (written < items.length) this.drop(items.length - written);
  }

  private drop(count: number): void {
    this.counters.dropped += count;
    this.dropsSinceLog += count;
    const now = Date.now();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS || this.lastDropLog === 0) {
      this.log.error(
        { dropped: this.dropsSinceLog, droppedTotal: this.counters.dropped, spillFile: this.spill.path, spillBytes: this.spill.size, maxSpillBytes: this.spill.maxBytes },
        'TRACKING RECORDS LOST: the tracking store is unreachable and the spill file is full',
      );
      this.lastDropLog = now;
      this.dropsSinceLog = 0;
    }
  }

  private reject(line: string, err: unknown): void {
    this.counters.rejected++;
    this.log.error({ err, deadLetterFile: this.rejectedFile }, 'the tracking store refused a record; kept in the dead-letter file');
    try {
      appendFileSync(this.rejectedFile, `${JSON.stringify({ at: Date.now(), error: String((err as Error)?.message ?? err), record: line })}\n`, { mode: 0o600 });
    } catch (writeErr) {
      this.counters.dropped++;
      this.log.error({ err: writeErr, record: line }, 'TRACKING RECORD LOST: cannot write the dead-letter file');
    }
  }

  private resetSpill(): void {
    this.spill.reset();
    this.replayOffset = 0;
    this.replayedLines = 0;
  }

  private markDown(err: unknown): void {
    this.counters.failures++;
    if (!this.down) this.log.warn({ err }, 'tracking store unavailable: spilling records to disk until it is back');
    this.down = true;
    this.nextAttemptAt = Date.now() + this.retryDelay;
    this.retryDelay = Math.min(this.retryMaxMs, this.retryDelay * 2);
    this.schedule(this.nextAttemptAt - Date.now());
  }

  private markUp(): void {
    if (this.down) this.log.info({}, 'tracking store available again');
    this.down = false;
    this.retryDelay = this.retryMinMs;
    this.nextAttemptAt = 0;
  }
}

function toBatch(items: readonly Item[]): TrackingBatch {
  const batch: TrackingBatch = { queries: [], auditEvents: [] };
  for (const item of items) {
    if (item.t === 'q') batch.queries.push(item.r);
    else batch.auditEvents.push(item.e);
  }
  return batch;
}

function parseItem(line: string): Item | undefined {
  try {
    const value = JSON.parse(line) as Item;
    if (value && value.t === 'q' && value.r && typeof value.r.id === 'string') return value;
    if (value && value.t === 'a' && value.e && typeof value.e.id === 'string') return value;
  } catch {
    // fall through
  }
  return undefined;
}
