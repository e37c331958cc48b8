/**
 * The SQL shared by the SQLite and PostgreSQL stores: the query_history columns and how a record
 * maps onto them, the upsert with its merge rule, and the search / top-N / retention queries.
 * The two dialects differ only in parameter markers, JSON columns and case-insensitive LIKE.
 */
import type { AuditEvent, AuditSearch } from '../audit/events.js';
import { encodeCursor } from './cursor.js';
import { fingerprint } from './fingerprint.js';
import type { StoredBackendState } from './store.js';
import { isQueryState, TERMINAL_STATES, type Page, type QueryRecord, type QuerySearch, type QueryState, type TopQuery } from './types.js';

export interface Dialect {
  /** Marker of the n-th (1-based) parameter. */
  param(n: number): string;
  /** Marker of the n-th parameter bound to a JSON column (given as JSON text). */
  jsonParam(n: number): string;
  /** Whether JSON columns come back as text (to parse) rather than values. */
  jsonAsText: boolean;
  /** Case-insensitive LIKE operator. */
  ilike: string;
}

type ColumnKind = 'text' | 'int' | 'json';
interface Column {
  name: string;
  kind: ColumnKind;
  get(r: QueryRecord): unknown;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** query_history's columns in insert order; `id` first, `created_at` is never updated. */
export const HISTORY_COLUMNS: readonly Column[] = [
  { name: 'id', kind: 'text', get: (r) => r.id },
  { name: 'user_name', kind: 'text', get: (r) => r.user },
  { name: 'principal', kind: 'text', get: (r) => r.principal },
  { name: 'source', kind: 'text', get: (r) => r.source },
  { name: 'client_tags', kind: 'json', get: (r) => json(r.clientTags) },
  { name: 'statement', kind: 'text', get: (r) => r.statement },
  { name: 'fingerprint', kind: 'text', get: (r) => r.fingerprint },
  { name: 'fingerprint_hash', kind: 'text', get: (r) => r.fingerprintHash },
  { name: 'routing_group', kind: 'text', get: (r) => r.routingGroup },
  { name: 'backend', kind: 'text', get: (r) => r.backend },
  { name: 'routing_rule', kind: 'text', get: (r) => r.routingRule },
  { name: 'routing_steps', kind: 'json', get: (r) => json(r.routingSteps) },
  { name: 'resource_group', kind: 'text', get: (r) => r.resourceGroup },
  { name: 'guardrail_actions', kind: 'json', get: (r) => json(r.guardrails) },
  { name: 'state', kind: 'text', get: (r) => r.state },
  { name: 'created_at', kind: 'int', get: (r) => r.createdAt },
  { name: 'started_at', kind: 'int', get: (r) => r.startedAt },
  { name: 'ended_at', kind: 'int', get: (r) => r.endedAt },
  { name: 'error_name', kind: 'text', get: (r) => r.errorName },
  { name: 'error_message', kind: 'text', get: (r) => r.errorMessage },
  { name: 'rows_delivered', kind: 'int', get: (r) => r.rows },
  { name: 'bytes_delivered', kind: 'int', get: (r) => r.bytes },
  { name: 'access_decision', kind: 'text', get: (r) => r.access?.decision },
  { name: 'access_rule', kind: 'json', get: (r) => (r.access && r.access.rule !== undefined ? JSON.stringify(r.access.rule) : null) },
  { name: 'columns_touched', kind: 'json', get: (r) => json(r.columns) },
  { name: 'cpu_ms', kind: 'int', get: (r) => r.stats?.cpuMs },
  { name: 'wall_ms', kind: 'int', get: (r) => r.stats?.wallMs },
  { name: 'processed_rows', kind: 'int', get: (r) => r.stats?.processedRows },
  { name: 'processed_bytes', kind: 'int', get: (r) => r.stats?.processedBytes },
  { name: 'peak_memory_bytes', kind: 'int', get: (r) => r.stats?.peakMemoryBytes },
  { name: 'engine_ms', kind: 'int', get: (r) => r.stats?.engineMs },
  { name: 'engine_queued_ms', kind: 'int', get: (r) => r.stats?.engineQueuedMs },
];

const COLUMN_LIST = HISTORY_COLUMNS.map((c) => c.name).join(', ');

/**
 * Fills in the fingerprint, normalises table names, drops NUL characters (PostgreSQL rejects them in
 * text). A record with an empty statement is an update written by an instance that did not see the
 * query start (a follow-up routed there): it has no fingerprint, and its empty text and zero
 * creation time count as unknown when merged.
 */
export function prepareRecord(record: QueryRecord): QueryRecord {
  const r: QueryRecord = { ...record };
  if (r.statement !== '' && (r.fingerprint === undefined || r.fingerprintHash === undefined)) {
    const fp = fingerprint(r.statement);
    r.fingerprint ??= fp.text;
    r.fingerprintHash ??= fp.hash;
  }
  if (r.tables) r.tables = [...new Set(r.tables.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
  return r;
}

/** A column value ready to bind: undefined → null, strings without NUL, integers rounded. */
export function bindValue(column: Column, record: QueryRecord): unknown {
  const value = column.get(record);
  if (value === undefined || value === null) return null;
  if (column.kind === 'int') {
    const n = Number(value);
    return Number.isFinite(n) ? Math.round(n) : null;
  }
  return typeof value === 'string' ? value.replaceAll('\u0000', '') : value;
}

// ---------------------------------------------------------------------------------------------
// The merge rule. States rank QUEUED 0 < RUNNING 1 < terminal 2. An incoming write "wins" when it
// ranks higher than the stored row, or equally but not terminal (progress of a live query); then
// its non-null values replace the stored ones. Otherwise (an older phase arriving late, or a
// second terminal write) it only fills in what the stored row lacks. So a late duplicate end, or a
// replayed start after the end, never changes the outcome, and the result does not depend on the
// order in which a start and an end arrive.

const RANK_SQL = (expr: string) => `(CASE ${expr} WHEN 'QUEUED' THEN 0 WHEN 'RUNNING' THEN 1 ELSE 2 END)`;

export function stateRank(state: QueryState): number {
  return state === 'QUEUED' ? 0 : state === 'RUNNING' ? 1 : 2;
}

export function incomingWins(stored: QueryState, incoming: QueryState): boolean {
  const a = stateRank(stored);
  const b = stateRank(incoming);
  return b > a || (b === a && !TERMINAL_STATES.has(incoming));
}

/** The same rule in JS, to fold several writes of one id inside a batch. */
export function mergeRecords(stored: QueryRecord, incoming: QueryRecord): QueryRecord {
  const wins = incomingWins(stored.state, incoming.state);
  const [primary, secondary] = wins ? [incoming, stored] : [stored, incoming];
  const merged: QueryRecord = { ...secondary, ...definedOnly(primary) };
  merged.id = stored.id;
  merged.createdAt = stored.createdAt || incoming.createdAt;
  merged.state = primary.state;
  // Nested values merge per field, as the columns do.
  if (stored.stats || incoming.stats) merged.stats = { ...secondary.stats, ...definedOnly(primary.stats ?? {}) };
  if (stored.access || incoming.access) {
    const access = { ...secondary.access, ...definedOnly(primary.access ?? {}) } as QueryRecord['access'];
    merged.access = access?.decision !== undefined ? access : undefined;
    if (!merged.access) delete merged.access;
  }
  const tables = [...new Set([...(stored.tables ?? []), ...(incoming.tables ?? [])])];
  if (tables.length > 0) merged.tables = tables;
  return merged;
}

/** The fields that carry a value: undefined, null and empty text mean "unknown". */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Partial<T>;
}

/** Folds records with the same id (in arrival order) so that each id appears once. */
export function foldById(records: readonly QueryRecord[]): QueryRecord[] {
  const byId = new Map<string, QueryRecord>();
  for (const record of records) {
    const seen = byId.get(record.id);
    byId.set(record.id, seen ? mergeRecords(seen, record) : record);
  }
  return [...byId.values()];
}

/** `INSERT ... ON CONFLICT (id) DO UPDATE` for `rows` records. */
export function upsertSql(dialect: Dialect, rows: number): string {
  const values: string[] = [];
  let n = 0;
  for (let i = 0; i < rows; i++) {
    values.push(`(${HISTORY_COLUMNS.map((c) => (c.kind === 'json' ? dialect.jsonParam(++n) : dialect.param(++n))).join(', ')})`);
  }
  const wins = `(${RANK_SQL('excluded.state')} > ${RANK_SQL('query_history.state')} OR (${RANK_SQL('excluded.state')} = ${RANK_SQL('query_history.state')} AND ${RANK_SQL('excluded.state')} < 2))`;
  // Empty text is "unknown" (see prepareRecord), like NULL; so is a creation time of 0.
  const value = (c: Column, table: string) => (c.kind === 'text' ? `NULLIF(${table}.${c.name}, '')` : `${table}.${c.name}`);
  const sets = HISTORY_COLUMNS.filter((c) => c.name !== 'id' && c.name !== 'created_at').map(
    (c) =>
      `${c.name} = CASE WHEN ${wins} THEN COALESCE(${value(c, 'excluded')}, query_history.${c.name}) ELSE COALESCE(${value(c, 'query_history')}, excluded.${c.name}) END`,
  );
  sets.push('created_at = CASE WHEN query_history.created_at = 0 THEN excluded.created_at ELSE query_history.created_at END');
  return `INSERT INTO query_history (${COLUMN_LIST}) VALUES ${values.join(', ')} ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`;
}

export function upsertParams(records: readonly QueryRecord[]): unknown[] {
  const params: unknown[] = [];
  for (const r of records) for (const c of HISTORY_COLUMNS) params.push(bindValue(c, r));
  return params;
}

export function insertTablesSql(dialect: Dialect, rows: number): string {
  const values: string[] = [];
  for (let i = 0; i < rows; i++) values.push(`(${dialect.param(3 * i + 1)}, ${dialect.param(3 * i + 2)}, ${dialect.param(3 * i + 3)})`);
  return `INSERT INTO query_tables (query_id, table_name, created_at) VALUES ${values.join(', ')} ON CONFLICT (query_id, table_name) DO NOTHING`;
}

export function tableRows(records: readonly QueryRecord[]): unknown[][] {
  const rows: unknown[][] = [];
  for (const r of records) for (const t of r.tables ?? []) rows.push([r.id, t.replaceAll('\u0000', ''), Math.round(r.createdAt)]);
  return rows;
}

export const AUDIT_COLUMNS = ['id', 'ts', 'actor', 'action', 'target', 'outcome', 'details'] as const;

export function insertAuditSql(dialect: Dialect, rows: number): string {
  const values: string[] = [];
  let n = 0;
  for (let i = 0; i < rows; i++) {
    values.push(`(${AUDIT_COLUMNS.map((c) => (c === 'details' ? dialect.jsonParam(++n) : dialect.param(++n))).join(', ')})`);
  }
  return `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT (id) DO NOTHING`;
}

export function auditParams(events: readonly AuditEvent[]): unknown[] {
  const params: unknown[] = [];
  const clean = (s: string) => s.replaceAll('\u0000', '');
  for (const e of events) {
    params.push(clean(e.id), Math.round(e.timestamp), clean(e.actor), clean(e.action), clean(e.target), clean(e.outcome));
    params.push(e.details === undefined ? null : clean(JSON.stringify(e.details)));
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

class ParamList {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.param(this.values.length);
  }
}

/** `%text%` with LIKE's wildcards escaped (escape character `\`). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search, fetching one row more than the page to know whether another page follows. */
export function searchSql(dialect: Dialect, search: QuerySearch): SqlQuery {
  const p = new ParamList(dialect);
  const where: string[] = [];
  if (search.user !== undefined) where.push(`q.user_name = ${p.add(search.user)}`);
  if (search.states) where.push(`q.state IN (${search.states.map((s) => p.add(s)).join(', ')})`);
  if (search.from !== undefined) where.push(`q.created_at >= ${p.add(search.from)}`);
  if (search.to !== undefined) where.push(`q.created_at < ${p.add(search.to)}`);
  if (search.backend !== undefined) where.push(`q.backend = ${p.add(search.backend)}`);
  if (search.group !== undefined) where.push(`q.routing_group = ${p.add(search.group)}`);
  if (search.table !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM query_tables t WHERE t.query_id = q.id AND t.table_name = ${p.add(search.table.toLowerCase())})`);
  }
  if (search.text !== undefined) where.push(`q.statement ${dialect.ilike} ${p.add(likePattern(search.text))} ESCAPE '\\'`);
  if (search.cursor) where.push(`(q.created_at, q.id) < (${p.add(search.cursor.createdAt)}, ${p.add(search.cursor.id)})`);
  const sql =
    `SELECT ${HISTORY_COLUMNS.map((c) => `q.${c.name}`).join(', ')} FROM query_history q` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY q.created_at DESC, q.id DESC LIMIT ${p.add(search.limit + 1)}`;
  return { sql, params: p.values };
}

export function tablesOfSql(dialect: Dialect, ids: readonly string[]): SqlQuery {
  const p = new ParamList(dialect);
  return { sql: `SELECT query_id, table_name FROM query_tables WHERE query_id IN (${ids.map((id) => p.add(id)).join(', ')}) ORDER BY table_name`, params: p.values };
}

export function topSql(dialect: Dialect, top: TopQuery): SqlQuery {
  const p = new ParamList(dialect);
  const window = (col: string) => `${col} >= ${p.add(top.from)} AND ${col} < ${p.add(top.to)}`;
  let sql: string;
  switch (top.dimension) {
    case 'user':
      sql = `SELECT user_name AS k, NULL AS label, COUNT(*) AS n FROM query_history WHERE ${window('created_at')} GROUP BY user_name`;
      break;
    case 'table':
      sql = `SELECT table_name AS k, NULL AS label, COUNT(*) AS n FROM query_tables WHERE ${window('created_at')} GROUP BY table_name`;
      break;
    case 'fingerprint':
      sql = `SELECT fingerprint_hash AS k, MIN(fingerprint) AS label, COUNT(*) AS n FROM query_history WHERE ${window('created_at')} AND fingerprint_hash IS NOT NULL GROUP BY fingerprint_hash`;
      break;
  }
  return { sql: `${sql} ORDER BY n DESC, k ASC LIMIT ${p.add(top.limit)}`, params: p.values };
}

export function auditSearchSql(dialect: Dialect, search: AuditSearch): SqlQuery {
  const p = new ParamList(dialect);
  const where: string[] = [];
  if (search.actor !== undefined) where.push(`actor = ${p.add(search.actor)}`);
  if (search.action !== undefined) where.push(`action = ${p.add(search.action)}`);
  if (search.outcome !== undefined) where.push(`outcome = ${p.add(search.outcome)}`);
  if (search.from !== undefined) where.push(`ts >= ${p.add(search.from)}`);
  if (search.to !== undefined) where.push(`ts < ${p.add(search.to)}`);
  if (search.cursor) where.push(`(ts, id) < (${p.add(search.cursor.createdAt)}, ${p.add(search.cursor.id)})`);
  const sql =
    `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_events` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ts DESC, id DESC LIMIT ${p.add(search.limit + 1)}`;
  return { sql, params: p.values };
}

/** Deletes at most `batch` rows older than the cutoff from one table; run until it deletes nothing. */
export function retentionSql(dialect: Dialect, table: 'query_history' | 'query_tables' | 'audit_events', cutoff: number, batch: number): SqlQuery {
  const p = new ParamList(dialect);
  const time = table === 'audit_events' ? 'ts' : 'created_at';
  const [key, columns] = table === 'query_tables' ? ['(query_id, table_name)', 'query_id, table_name'] : ['id', 'id'];
  const sql = `DELETE FROM ${table} WHERE ${key} IN (SELECT ${columns} FROM ${table} WHERE ${time} < ${p.add(cutoff)} LIMIT ${p.add(batch)})`;
  return { sql, params: p.values };
}

// ---------------------------------------------------------------------------------------------
// Row decoding

type Row = Record<string, unknown>;

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function decodeJson(dialect: Dialect, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (dialect.jsonAsText && typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

export function decodeQueryRow(dialect: Dialect, row: Row, tables: string[] | undefined): QueryRecord {
  const state = String(row.state);
  const record: QueryRecord = {
    id: String(row.id),
    user: String(row.user_name),
    statement: String(row.statement),
    state: (isQueryState(state) ? state : 'ABANDONED') as QueryState,
    createdAt: Number(row.created_at),
  };
  const set = <K extends keyof QueryRecord>(key: K, value: QueryRecord[K] | undefined) => {
    if (value !== undefined) record[key] = value;
  };
  set('principal', str(row.principal));
  set('source', str(row.source));
  set('clientTags', decodeJson(dialect, row.client_tags) as string[] | undefined);
  set('fingerprint', str(row.fingerprint));
  set('fingerprintHash', str(row.fingerprint_hash));
  set('routingGroup', str(row.routing_group));
  set('backend', str(row.backend));
  set('routingRule', str(row.routing_rule));
  set('routingSteps', decodeJson(dialect, row.routing_steps) as string[] | undefined);
  set('resourceGroup', str(row.resource_group));
  set('guardrails', decodeJson(dialect, row.guardrail_actions) as QueryRecord['guardrails'] | undefined);
  set('startedAt', num(row.started_at));
  set('endedAt', num(row.ended_at));
  set('errorName', str(row.error_name));
  set('errorMessage', str(row.error_message));
  set('rows', num(row.rows_delivered));
  set('bytes', num(row.bytes_delivered));
  const decision = str(row.access_decision);
  if (decision !== undefined) {
    const rule = decodeJson(dialect, row.access_rule);
    record.access = rule === undefined ? { decision } : { decision, rule };
  }
  if (tables && tables.length > 0) record.tables = tables;
  set('columns', decodeJson(dialect, row.columns_touched) as string[] | undefined);
  const stats: Record<string, number> = {};
  const statColumns = { cpuMs: 'cpu_ms', wallMs: 'wall_ms', processedRows: 'processed_rows', processedBytes: 'processed_bytes', peakMemoryBytes: 'peak_memory_bytes', engineMs: 'engine_ms', engineQueuedMs: 'engine_queued_ms' } as const;
  for (const [key, column] of Object.entries(statColumns)) {
    const v = num(row[column]);
    if (v !== undefined) stats[key] = v;
  }
  if (Object.keys(stats).length > 0) record.stats = stats;
  return record;
}

export function decodeAuditRow(dialect: Dialect, row: Row): AuditEvent {
  const event: AuditEvent = {
    id: String(row.id),
    timestamp: Number(row.ts),
    actor: String(row.actor),
    action: String(row.action),
    target: String(row.target),
    outcome: String(row.outcome),
  };
  const details = decodeJson(dialect, row.details);
  if (details !== undefined) event.details = details as Record<string, unknown>;
  return event;
}

/** Cuts the extra row fetched by the search and derives the next cursor. */
export function toPage<T>(rows: T[], limit: number, key: (item: T) => { createdAt: number; id: string }): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1]!)) };
}

export function groupTables(rows: readonly Row[]): Map<string, string[]> {
  const byQuery = new Map<string, string[]>();
  for (const row of rows) {
    const id = String(row.query_id);
    const list = byQuery.get(id) ?? [];
    list.push(String(row.table_name));
    byQuery.set(id, list);
  }
  return byQuery;
}

/** Sets a backend's stored state (one row per backend). */
export function upsertBackendStateSql(d: Dialect): string {
  return `INSERT INTO backend_states (name, state, changed_at, changed_by) VALUES (${d.param(1)}, ${d.param(2)}, ${d.param(3)}, ${d.param(4)})
    ON CONFLICT (name) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at, changed_by = excluded.changed_by`;
}

export const SELECT_BACKEND_STATES = 'SELECT name, state, changed_at, changed_by FROM backend_states ORDER BY name';

export interface BackendStateRow {
  name: string;
  state: string;
  changed_at: number | string;
  changed_by: string;
}

export function decodeBackendState(row: BackendStateRow): StoredBackendState | undefined {
  if (row.state !== 'active' && row.state !== 'draining' && row.state !== 'inactive') return undefined;
  return { name: row.name, state: row.state, changedAt: Number(row.changed_at), changedBy: row.changed_by };
}
