/**
 * The embedded store: one SQLite file (WAL mode) under the data directory. better-sqlite3 is
 * synchronous; every call here is short (indexed reads, batched writes in one transaction).
 *
 * Opening never repairs, replaces or truncates anything: a file that is not a SQLite database,
 * or that another process holds locked, is a StoreOpenError saying so.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEvent, AuditSearch } from '../audit/events.js';
import { SQLITE_MIGRATIONS } from './schema.js';
import {
  auditParams,
  auditSearchSql,
  decodeAuditRow,
  decodeQueryRow,
  groupTables,
  HISTORY_COLUMNS,
  insertAuditSql,
  insertTablesSql,
  prepareRecord,
  retentionSql,
  searchSql,
  tableRows,
  tablesOfSql,
  toPage,
  topSql,
  upsertParams,
  upsertSql,
  type Dialect,
  upsertBackendStateSql,
  SELECT_BACKEND_STATES,
  decodeBackendState,
  type BackendStateRow,
} from './sql-common.js';
import { StoreOpenError, type RetentionResult, type StoredBackendState, type TrackingBatch, type TrackingStore } from './store.js';
import type { Page, QueryRecord, QuerySearch, TopEntry, TopQuery } from './types.js';

export const SQLITE_DIALECT: Dialect = {
  param: () => '?',
  jsonParam: () => '?',
  jsonAsText: true,
  ilike: 'LIKE',
};

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  file: string;
  /** How long to wait for a lock held by another connection before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** PRAGMA synchronous: NORMAL (default; durable at checkpoints, safe with WAL) or FULL. */
  synchronous?: 'NORMAL' | 'FULL';
}

type Db = Database.Database;
type Row = Record<string, unknown>;

const RETENTION_BATCH = 5000;

export class SqliteTrackingStore implements TrackingStore {
  readonly kind = 'sqlite' as const;
  private readonly upsertOne: Database.Statement;
  private readonly insertTable: Database.Statement;
  private readonly insertAudit: Database.Statement;
  private readonly getOne: Database.Statement;
  private readonly writeTx: (batch: TrackingBatch) => void;
  private closed = false;

  private constructor(
    private readonly db: Db,
    readonly file: string,
  ) {
    this.upsertOne = db.prepare(upsertSql(SQLITE_DIALECT, 1));
    this.insertTable = db.prepare(insertTablesSql(SQLITE_DIALECT, 1));
    this.insertAudit = db.prepare(insertAuditSql(SQLITE_DIALECT, 1));
    this.getOne = db.prepare(`SELECT ${HISTORY_COLUMNS.map((c) => c.name).join(', ')} FROM query_history WHERE id = ?`);
    this.writeTx = db.transaction((batch: TrackingBatch) => {
      for (const raw of batch.queries) {
        const record = prepareRecord(raw);
        this.upsertOne.run(upsertParams([record]));
        for (const row of tableRows([record])) this.insertTable.run(row);
      }
      for (const event of batch.auditEvents) this.insertAudit.run(auditParams([event]));
    });
  }

  /** Opens (creating when missing) and migrates the database. Throws StoreOpenError. */
  static open(options: SqliteStoreOptions): SqliteTrackingStore {
    const file = options.file;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new StoreOpenError(`cannot create the directory of the SQLite history database ${file}: ${(err as Error).message}`, { cause: err });
    }
    let db: Db | undefined;
    try {
      db = new Database(file, { timeout: busyTimeoutMs });
      // The first statements that read the file: a non-database fails here, a lock held
      // elsewhere makes BEGIN IMMEDIATE (or the switch to WAL) wait busyTimeoutMs and fail.
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      migrate(db);
      return new SqliteTrackingStore(db, file);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // already failing
      }
      throw explainOpenError(file, busyTimeoutMs, err);
    }
  }

  isTransientError(err: unknown): boolean {
    const code = String((err as { code?: unknown } | undefined)?.code ?? '');
    return /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL)/.test(code) || (err instanceof TypeError && /not open/.test(err.message));
  }

  async writeBatch(batch: TrackingBatch): Promise<void> {
    this.ensureOpen();
    this.writeTx(batch);
  }

  async upsertQueries(records: readonly QueryRecord[]): Promise<void> {
    await this.writeBatch({ queries: [...records], auditEvents: [] });
  }

  async appendAuditEvents(events: readonly AuditEvent[]): Promise<void> {
    await this.writeBatch({ queries: [], auditEvents: [...events] });
  }

  async setBackendState(change: StoredBackendState): Promise<void> {
    this.ensureOpen();
    this.db.prepare(upsertBackendStateSql(SQLITE_DIALECT)).run(change.name, change.state, change.changedAt, change.changedBy);
  }

  async backendStates(): Promise<StoredBackendState[]> {
    this.ensureOpen();
    return (this.db.prepare(SELECT_BACKEND_STATES).all() as BackendStateRow[]).flatMap((row) => decodeBackendState(row) ?? []);
  }

  async getQuery(id: string): Promise<QueryRecord | undefined> {
    this.ensureOpen();
    const row = this.getOne.get(id) as Row | undefined;
    if (!row) return undefined;
    return decodeQueryRow(SQLITE_DIALECT, row, this.tablesOf([id]).get(id));
  }

  async searchQueries(search: QuerySearch): Promise<Page<QueryRecord>> {
    this.ensureOpen();
    const { sql, params } = searchSql(SQLITE_DIALECT, search);
    const rows = this.db.prepare(sql).all(params) as Row[];
    const page = toPage(rows, search.limit, (r) => ({ createdAt: Number(r.created_at), id: String(r.id) }));
    const tables = this.tablesOf(page.items.map((r) => String(r.id)));
    return { ...page, items: page.items.map((r) => decodeQueryRow(SQLITE_DIALECT, r, tables.get(String(r.id)))) };
  }

  async top(query: TopQuery): Promise<TopEntry[]> {
    this.ensureOpen();
    const { sql, params } = topSql(SQLITE_DIALECT, query);
    return (this.db.prepare(sql).all(params) as Row[]).map((r) => {
      const entry: TopEntry = { key: String(r.k), count: Number(r.n) };
      if (r.label !== null && r.label !== undefined) entry.label = String(r.label);
      return entry;
    });
  }

  async searchAuditEvents(search: AuditSearch): Promise<Page<AuditEvent>> {
    this.ensureOpen();
    const { sql, params } = auditSearchSql(SQLITE_DIALECT, search);
    const rows = this.db.prepare(sql).all(params) as Row[];
    const page = toPage(rows, search.limit, (r) => ({ createdAt: Number(r.ts), id: String(r.id) }));
    return { ...page, items: page.items.map((r) => decodeAuditRow(SQLITE_DIALECT, r)) };
  }

  async deleteOlderThan(cutoffMs: number): Promise<RetentionResult> {
    this.ensureOpen();
    const run = (table: 'query_history' | 'query_tables' | 'audit_events'): number => {
      let total = 0;
      for (;;) {
        const { sql, params } = retentionSql(SQLITE_DIALECT, table, cutoffMs, RETENTION_BATCH);
        const changes = this.db.prepare(sql).run(params).changes;
        total += changes;
        if (changes < RETENTION_BATCH) return total;
      }
    };
    run('query_tables');
    const queries = run('query_history');
    const auditEvents = run('audit_events');
    return { queries, auditEvents };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private tablesOf(ids: string[]): Map<string, string[]> {
    if (ids.length === 0) return new Map();
    const { sql, params } = tablesOfSql(SQLITE_DIALECT, ids);
    return groupTables(this.db.prepare(sql).all(params) as Row[]);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('the SQLite history store is closed');
  }
}

function migrate(db: Db): void {
  // BEGIN IMMEDIATE takes the write lock up front: a database locked by another process fails
  // here, at start, rather than on the first write.
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = Number(db.pragma('user_version', { simple: true }));
    const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;
    if (current > latest) {
      throw new StoreOpenError(`the SQLite history database has schema version ${current}, newer than this querygate knows (${latest}): upgrade querygate or use another file`);
    }
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements) db.exec(statement);
      db.pragma(`user_version = ${migration.version}`);
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

function explainOpenError(file: string, busyTimeoutMs: number, err: unknown): StoreOpenError {
  if (err instanceof StoreOpenError) return new StoreOpenError(`${err.message} (${file})`, { cause: err });
  const code = String((err as { code?: unknown }).code ?? '');
  const detail = (err as Error).message;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError(
      `the SQLite history database ${file} is not a valid SQLite database or is corrupt (${detail}). ` +
        `querygate does not overwrite it: move the file away (or restore a backup) and start again`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreOpenError(
      `the SQLite history database ${file} is locked by another connection (${detail}; waited ${busyTimeoutMs} ms). ` +
        `Is another querygate (or a sqlite3 shell) using the same data directory?`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new StoreOpenError(`cannot open the SQLite history database ${file} for writing (${detail}): check the path and its permissions`, { cause: err });
  }
  return new StoreOpenError(`cannot open the SQLite history database ${file}: ${detail}${code ? ` (${code})` : ''}`, { cause: err });
}
