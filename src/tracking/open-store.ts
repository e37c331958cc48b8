/**
 * Opening the configured tracking store: the embedded SQLite file under the data directory (the
 * default), or a shared PostgreSQL database.
 */
import { join } from 'node:path';
import { PostgresTrackingStore } from './postgres-store.js';
import { SqliteTrackingStore } from './sqlite-store.js';
import type { TrackingStore } from './store.js';

export type TrackingStoreConfig =
  | { type: 'sqlite'; /** Directory holding history.db (created when missing). */ dataDir: string; busyTimeoutMs?: number }
  | { type: 'postgres'; connectionString: string; maxConnections?: number; onError?: (err: Error) => void };

export const SQLITE_FILE_NAME = 'history.db';

/** Throws StoreOpenError with an operator-facing message when the store cannot be used. */
export async function openTrackingStore(config: TrackingStoreConfig): Promise<TrackingStore> {
  if (config.type === 'sqlite') {
    const options: { file: string; busyTimeoutMs?: number } = { file: join(config.dataDir, SQLITE_FILE_NAME) };
    if (config.busyTimeoutMs !== undefined) options.busyTimeoutMs = config.busyTimeoutMs;
    return SqliteTrackingStore.open(options);
  }
  const options: { connectionString: string; maxConnections?: number; onError?: (err: Error) => void } = { connectionString: config.connectionString };
  if (config.maxConnections !== undefined) options.maxConnections = config.maxConnections;
  if (config.onError) options.onError = config.onError;
  return PostgresTrackingStore.open(options);
}
