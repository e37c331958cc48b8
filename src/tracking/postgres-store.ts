/**
 * The shared store: PostgreSQL through a connection pool. Migrations run at open (versioned, in
 * table querygate_schema_migrations, serialised across gateways by an advisory lock).
 */
import pg from 'pg';
import type { AuditEvent, AuditSearch } from '../audit/events.js';
import { POSTGRES_MIGRATIONS } from './schema.js';
import {

  auditParams,
  auditSearchSql,
  decodeAuditRow,
  decodeQueryRow,
  foldById,
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

export const POSTGRES_DIALECT: Dialect = {
  param: (n) => `$${n}`,
  jsonParam: (n) => `$${n}::jsonb`,
  jsonAsText: false,
  ilike: 'ILIKE',
};

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Pool size (default 5). */
  maxConnections?: number;
  /** Connect timeout (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Per-statement timeout (default 30000 ms). */
  statementTimeoutMs?: number;
  /** Called with pool-level errors (an idle connection dropped by the server, ...). */
  onError?: (err: Error) => void;
}

type Row = Record<string, unknown>;

/** Rows per INSERT statement, well under PostgreSQL's 65535 parameters. */
const ROWS_PER_INSERT = 500;
const RETENTION_BATCH = 10_000;
/** Any 64-bit number, the same for every querygate: serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 7_361_024_115;

/** SQLSTATE classes and codes that mean "the server is unreachable or not ready yet". */
const TRANSIENT_SQLSTATES = /^(08...|57P0[1-5]|53300|53400|40001|40P01|55P03|58030)$/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

export class PostgresTrackingStore implements TrackingStore {
  readonly kind = 'postgres' as const;
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects and migrates. Throws StoreOpenError when the database cannot be reached or migrated. */
  static async open(options: PostgresStoreOptions): Promise<PostgresTrackingStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 5,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      idleTimeoutMillis: 30_000,
      application_name: 'querygate',
    });
    // Without listeners a connection lost by an idle client (pool 'error') or by a checked-out
    // one between two queries (client 'error') would be an uncaught exception.
    const onError = (err: Error) => options.onError?.(err);
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    try {
      await migrate(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StoreOpenError(`cannot open the PostgreSQL history database at ${redact(options.connectionString)}: ${(err as Error).message}`, { cause: err });
    }
    return new PostgresTrackingStore(pool);
  }

  isTransientError(err: unknown): boolean {
    const e = err as { code?: unknown; message?: unknown } | undefined;
    const code = typeof e?.code === 'string' ? e.code : '';
    if (TRANSIENT_SQLSTATES.test(code) || TRANSIENT_NODE_CODES.has(code)) return true;
    const message = typeof e?.message === 'string' ? e.message : '';
    return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Connection refused|not queryable/i.test(message);
  }

  async writeBatch(batch: TrackingBatch): Promise<void> {
    const queries = foldById(batch.queries.map(prepareRecord));
    const events = dedupeEvents(batch.auditEvents);
    if (queries.length === 0 && events.length === 0) return;
    await this.transaction(async (client) => {
      for (let i = 0; i < queries.length; i += ROWS_PER_INSERT) {
        const chunk = queries.slice(i, i + ROWS_PER_INSERT);
        await client.query(upsertSql(POSTGRES_DIALECT, chunk.length), upsertParams(chunk));
      }
      const tables = tableRows(queries);
      for (let i = 0; i < tables.length; i += ROWS_PER_INSERT) {
        const chunk = tables.slice(i, i + ROWS_PER_INSERT);
        await client.query(insertTablesSql(POSTGRES_DIALECT, chunk.length), chunk.flat());
      }
      for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
        const chunk = events.slice(i, i + ROWS_PER_INSERT);
        await client.query(insertAuditSql(POSTGRES_DIALECT, chunk.length), auditParams(chunk));
      }
    });
  }

  async upsertQueries(records: readonly QueryRecord[]): Promise<void> {
    await this.writeBatch({ queries: [...records], auditEvents: [] });
  }

  async appendAuditEvents(events: readonly AuditEvent[]): Promise<void> {
    await this.writeBatch({ queries: [], auditEvents: [...events] });
  }

  async setBackendState(change: StoredBackendState): Promise<void> {
    await this.pool.query(upsertBackendStateSql(POSTGRES_DIALECT), [change.name, change.state, change.changedAt, change.changedBy]);
  }

  async backendStates(): Promise<StoredBackendState[]> {
    const { rows } = await this.pool.query<BackendStateRow>(SELECT_BACKEND_STATES);
    return rows.flatMap((row) => decodeBackendState(row) ?? []);
  }

  async getQuery(id: string): Promise<QueryRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${HISTORY_COLUMNS.map((c) => c.name).join(', ')} FROM query_history WHERE id = $1`, [id]);
    if (rows.length === 0) return undefined;
    return decodeQueryRow(POSTGRES_DIALECT, rows[0]!, (await this.tablesOf([id])).get(id));
  }

  async searchQueries(search: QuerySearch): Promise<Page<QueryRecord>> {
    const { sql, params } = searchSql(POSTGRES_DIALECT, search);
    const { rows } = await this.pool.query<Row>(sql, params);
    const page = toPage(rows, search.limit, (r) => ({ createdAt: Number(r.created_at), id: String(r.id) }));
    const tables = await this.tablesOf(page.items.map((r) => String(r.id)));
    return { ...page, items: page.items.map((r) => decodeQueryRow(POSTGRES_DIALECT, r, tables.get(String(r.id)))) };
  }

  async top(query: TopQuery): Promise<TopEntry[]> {
    const { sql, params } = topSql(POSTGRES_DIALECT, query);
    const { rows } = await this.pool.query<Row>(sql, params);
    return rows.map((r) => {
      const entry: TopEntry = { key: String(r.k), count: Number(r.n) };
      if (r.label !== null && r.label !== undefined) entry.label = String(r.label);
      return entry;
    });
  }

  async searchAuditEvents(search: AuditSearch): Promise<Page<AuditEvent>> {
    const { sql, params } = auditSearchSql(POSTGRES_DIALECT, search);
    const { rows } = await this.pool.query<Row>(sql, params);
    const page = toPage(rows, search.limit, (r) => ({ createdAt: Number(r.ts), id: String(r.id) }));
    return { ...page, items: page.items.map((r) => decodeAuditRow(POSTGRES_DIALECT, r)) };
  }

  async deleteOlderThan(cutoffMs: number): Promise<RetentionResult> {
    const run = async (table: 'query_history' | 'query_tables' | 'audit_events'): Promise<number> => {
      let total = 0;
      for (;;) {
        const { sql, params } = retentionSql(POSTGRES_DIALECT, table, cutoffMs, RETENTION_BATCH);
        const changes = (await this.pool.query(sql, params)).rowCount ?? 0;
        total += changes;
        if (changes < RETENTION_BATCH) return total;
      }
    };
    await run('query_tables');
    const queries = await run('query_history');
    const auditEvents = await run('audit_events');
    return { queries, auditEvents };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async tablesOf(ids: string[]): Promise<Map<string, string[]>> {
    if (ids.length === 0) return new Map();
    const { sql, params } = tablesOfSql(POSTGRES_DIALECT, ids);
    return groupTables((await this.pool.query<Row>(sql, params)).rows);
  }

  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (err) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      // A client that failed mid-transaction may have lost its connection: do not reuse it.
      client.release(broken ? true : undefined);
    }
  }
}

function dedupeEvents(events: readonly AuditEvent[]): AuditEvent[] {
  const byId = new Map<string, AuditEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()];
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS querygate_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM querygate_schema_migrations');
    const current = rows[0]?.v ?? 0;
    const latest = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;
    if (current > latest) {
      throw new Error(`the database has schema version ${current}, newer than this querygate knows (${latest}): upgrade querygate`);
    }
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements) await client.query(statement);
      await client.query('INSERT INTO querygate_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The connection string without its password, for messages. */
export function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable connection string)';
  }
}

