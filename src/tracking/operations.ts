/**
 * Query history and the audit trail, assembled from configuration: the tracking store (SQLite
 * under dataDir, or PostgreSQL), the buffered writer in front of it, retention, the live query
 * tracker, and the audit trail's sinks (the database, plus a JSON-lines file or stdout).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { JsonLinesAuditSink } from '../audit/jsonl-sink.js';
import { AuditTrail, StoreAuditSink } from '../audit/trail.js';
import type { GatewayConfig } from '../config/schema.js';
import { BufferedHistoryWriter } from './buffered-writer.js';
import { openTrackingStore } from './open-store.js';
import { QueryTracker } from './query-tracker.js';
import { RetentionJob } from './retention.js';
import type { TrackingStore } from './store.js';

export interface Operations {
  tracker: QueryTracker;
  audit: AuditTrail;
  writer: BufferedHistoryWriter;
  /** The store, once it could be opened (PostgreSQL may be down at start; writes wait for it). */
  store(): TrackingStore | undefined;
  /** The store, opened now if it is not yet; rejects when it cannot be. */
  openStore(): Promise<TrackingStore>;
  close(): Promise<void>;
}

/** `spillFileName`: each worker process of a host has its own (a spill file has one writer). */
export async function startOperations(config: GatewayConfig, log: Logger, spillFileName = 'history-spill.jsonl'): Promise<Operations> {
  const { history } = config;
  let store: TrackingStore | undefined;
  let retention: RetentionJob | undefined;
  let opening: Promise<TrackingStore> | undefined;
  const openOnce = async () => {
    const opened = await openTrackingStore(
      history.store === 'sqlite'
        ? { type: 'sqlite', dataDir: config.dataDir }
        : { type: 'postgres', connectionString: history.connectionString!, onError: (err) => log.warn({ err: err.message }, 'history database connection error') },
    );
    store = opened;
    retention = new RetentionJob({ store: opened, days: history.retention / 86_400_000, logger: log }).start();
    return opened;
  };
  // One store, whoever asks first (the writer, or the start below); a failed attempt may be retried.
  const open = () =>
    (opening ??= openOnce().catch((err: unknown) => {
      opening = undefined;
      throw err;
    }));
  // The embedded store must open at start (a corrupt or locked file is a start-up error); a shared
  // one may be down, and the writer keeps records on disk until it comes. It is opened at once all
  // the same (not at the first record): backend states are read from it.
  if (history.store === 'sqlite') await open();
  else void open().catch(() => undefined);
  const writer = new BufferedHistoryWriter({
    store: store ?? open,
    spillFile: join(config.dataDir, spillFileName),
    logger: log,
  });
  const sinks = [new StoreAuditSink(writer), ...(config.audit.file ? [new JsonLinesAuditSink({ target: config.audit.file, onError: (err) => log.error({ err: err.message }, 'audit line not written') })] : [])];
  const audit = new AuditTrail(sinks);
  return {
    tracker: new QueryTracker(writer),
    audit,
    writer,
    store: () => store,
    openStore: open,
    async close() {
      await retention?.stop();
      await audit.close();
      await writer.close();
      await store?.close();
    },
  };
}
