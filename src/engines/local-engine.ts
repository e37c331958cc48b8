/**
 * Contract for engines whose queries run under the gateway's own control (embedded DuckDB,
 * later Athena): the gateway owns the protocol lifecycle (ids, nextUri, paging, cancel) and the
 * engine only executes statements and hands back rows already encoded the way Trino encodes them.
 *
 * Session statements (USE, SET SESSION, PREPARE, transactions...) never reach a local engine:
 * the gateway answers them itself. Prepared statements arrive resolved: `sql` plus the
 * parameter expressions of `EXECUTE ... USING`.
 */
import type { Column } from '../protocol/types.js';
import type { QueryEndDetails } from './backend.js';
import type { ViewDefinition, ViewExpansion } from '../sql/analyzer/types.js';
import type { CatalogDescription } from '../catalogs/model.js';

export interface LocalStatement {
  /** The statement text to run (a resolved prepared statement when the client used EXECUTE). */
  sql: string;
  /** SQL expression texts bound to the `?` placeholders of `sql`, in order. */
  parameters: string[];
  /** The session user, which `current_user` answers. */
  user?: string;
  catalog?: string;
  schema?: string;
  /** IANA zone id from the session; the engine evaluates time-zone-dependent functions in it. */
  timeZone?: string;
  /** The client sent PARAMETRIC_DATETIME: report `timestamp(p)` with full precision, else `timestamp` at millisecond precision. */
  parametricDatetime: boolean;
}

export interface ResultPage {
  /** Rows as JSON arrays joined by commas, without the enclosing brackets: `[1,"a"],[2,"b"]`. */
  rowsJson: string;
  rowCount: number;
}

export interface LocalExecution {
  /** Output columns; empty for statements without a result set (then see `updateType`). */
  readonly columns: Column[];
  /** For statements that are not queries: `CREATE TABLE`, `INSERT`, ... */
  readonly updateType?: string;
  /** Row count for DML. */
  readonly updateCount?: number;
  /**
   * Next page of at most about `targetBytes` of encoded rows (at least one row when any remain);
   * `null` once every row has been delivered. Throws QueryFailure on engine errors.
   */
  nextPage(targetBytes: number): Promise<ResultPage | null>;
  /** Stops the engine's work. Idempotent; a pending `nextPage` rejects with USER_CANCELED. */
  cancel(): void;
  /** What the engine reports about the statement's cost, for history. */
  readonly stats?: QueryEndDetails['stats'];
}

/** What an engine that queues statements itself tells while one waits (Athena: QUEUED, then RUNNING). */
export interface ExecutionProgress {
  running(): void;
}

/** An output column of a query as Trino describes it (DESCRIBE OUTPUT). */
export interface OutputColumn {
  name: string;
  type: string;
  /** Catalog, schema and table of the table column the output is, read unchanged (also through subqueries). */
  origin?: readonly [catalog: string, schema: string, table: string] | undefined;
  /** The query named the column with AS. */
  aliased?: boolean | undefined;
}

/** The session a statement is described in. */
export interface DescribeSession {
  user: string;
  catalog?: string | undefined;
  schema?: string | undefined;
}

export interface LocalEngine {
  readonly kind: string;
  /** Ready the engine (open files, generate demo data); called once at gateway start. */
  start(): Promise<void>;
  /**
   * Starts a statement. Resolves once the output schema is known (so the first data page can
   * carry columns); rejects with a QueryFailure carrying a Trino error code. Aborting `signal`
   * before that interrupts the engine and rejects with USER_CANCELED.
   */
  execute(statement: LocalStatement, signal: AbortSignal, progress?: ExecutionProgress): Promise<LocalExecution>;
  /** Active health probe (absent: always healthy): undefined when healthy, else the reason. */
  probe?(signal: AbortSignal): Promise<string | undefined>;
  /** The catalogs the engine serves (absent: asked of its information_schema). */
  catalogNames?(): string[];
  /** Queries queued or running in the engine from all its users, when it can tell (for routing). */
  reportedLoad?(signal: AbortSignal): Promise<number | undefined>;
  /** The engine last reported more queries waiting than it should take: routing passes it over. */
  saturated?(): boolean;
  /** Whether a schema exists, for USE (absent: asked of its information_schema). */
  schemaExists?(catalog: string, schema: string): Promise<boolean>;
  /** Columns of a table, in order; empty when the table does not exist. */
  columnsOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }>>;
  /** What reading a view reads underneath, as the engine binds it; undefined for a table. */
  viewReads(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined>;
  /** A view's stored definition, for row filters and column masks inside it (absent: the engine cannot give it). */
  viewDefinition?(catalog: string, schema: string, name: string): Promise<ViewDefinition | undefined>;
  /**
   * Every catalog the engine serves, described for metadata (information_schema, system.jdbc,
   * SHOW), which the gateway then answers; absent for engines that answer their metadata
   * statements themselves.
   */
  describeCatalogs?(): Promise<CatalogDescription[]>;
  /** DESCRIBE OUTPUT of a query with `parameters` placeholders: its output columns as Trino describes them. */
  describeOutput?(sql: string, parameters: number, session: DescribeSession): Promise<OutputColumn[]>;
  /** DESCRIBE INPUT of a query with `parameters` placeholders: each one's type as Trino describes it. */
  describeInput?(sql: string, parameters: number, session: DescribeSession): Promise<string[]>;
  close(): Promise<void>;
}
