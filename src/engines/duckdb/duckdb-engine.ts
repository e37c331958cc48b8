/**
 * The embedded DuckDB engine: one in-memory DuckDB instance holding the generated `demo`
 * catalog and the user's database files, locked down so that statements cannot reach the file
 * system, load extensions or change the engine's configuration.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { ViewExpansion } from '../../sql/analyzer/types.js';
import type { DescribeSession, LocalEngine, LocalExecution, LocalStatement, OutputColumn } from '../local-engine.js';
import { codecFor } from './codecs.js';
import { DEMO_CATALOG, DEMO_STATEMENTS, demoTableColumns } from './demo-data.js';
import { canceledFailure, toQueryFailure } from './errors.js';
import { DuckDbExecution } from './execution.js';
import { quoteIdentifier, quoteString } from '../../sql/quoting.js';
import { refusal } from './sql-text.js';
import { QueryTranslator } from './translation/index.js';
import { parameterTypes, withCountParameters } from './parameter-types.js';
import { trinoMetadataType } from './type-names.js';
import { trinoViewText, viewTextComment, viewTextOf } from './view-text.js';
import type { CatalogDescription, TableDescription } from '../../catalogs/model.js';

export interface DuckDbCatalog {
  name: string;
  /** A DuckDB database file. */
  path: string;
  readOnly?: boolean;
}

export interface DuckDbEngineOptions {
  /** Load the `demo` catalog (Trino's tpch.tiny) at start. Default true. */
  demo?: boolean;
  /** The user's DuckDB files, each attached as a catalog of that name. */
  catalogs?: DuckDbCatalog[];
  /** DuckDB worker threads; DuckDB's default is one per core. */
  threads?: number;
  /**
   * One of several worker processes' engines (server.workers > 1): each has its own copy, so a
   * write would reach one worker's only; writes are refused and catalog files attached read-only.
   */
  oneOfWorkers?: boolean;
}

/** The parts of a json_serialize_plan node read for view expansion. */
interface PlanNode {
  type: string;
  children?: PlanNode[];
  name?: string;
  names?: string[];
  column_indexes?: Array<{ index: number }>;
  function_data?: { catalog?: unknown; schema?: unknown; table?: unknown };
}

/**
 * The declared lengths of a table's varchar(n) columns: DuckDB keeps no length, so the translator
 * declares each as a CHECK on the column's length (varcharLengthCheck), read back here.
 */
async function varcharLengths(connection: DuckDBConnection, catalog: string, schema: string, table: string): Promise<Map<string, number>> {
  const reader = await connection.runAndReadAll(
    `SELECT constraint_column_names[1], expression FROM duckdb_constraints()
     WHERE constraint_type = 'CHECK' AND len(constraint_column_names) = 1 AND lower(database_name) = $1 AND lower(schema_name) = $2 AND lower(table_name) = $3`,
    [catalog.toLowerCase(), schema.toLowerCase(), table.toLowerCase()],
  );
  const lengths = new Map<string, number>();
  for (const [column, expression] of reader.getRows() as Array<[string, string]>) {
    const check = /^\(length\((.+)\) <= (\d+)\)$/.exec(expression);
    if (check && (check[1] === column || check[1] === quoteIdentifier(column))) lengths.set(column, Number(check[2]));
  }
  return lengths;
}

/** Catalog names DuckDB itself uses. */
const RESERVED_CATALOGS = new Set(['memory', 'system', 'temp', 'main']);

export class DuckDbEngine implements LocalEngine {
  readonly kind = 'duckdb';
  private readonly demo: boolean;
  private readonly catalogs: DuckDbCatalog[];
  private readonly threads: number | undefined;
  private readonly oneOfWorkers: boolean;
  /** Catalog file paths never shown to clients: errors name the catalog instead. */
  private readonly redactions: Array<readonly [string, string]>;
  private instance: DuckDBInstance | undefined;
  /** The catalogs DuckDB lists, read at start (no statement can attach or detach one). */
  private catalogList: string[] = [];
  private readonly executions = new Set<DuckDbExecution>();
  private idle: (() => void) | undefined;
  private readonly translator = new QueryTranslator(
    (catalog, schema, table) => this.columnsOf(catalog, schema, table),
    (catalog, schema) => this.missingPart(catalog, schema),
    (catalog, schema, table) => this.demo && demoTableColumns(catalog, schema, table) !== undefined,
  );

  constructor(options: DuckDbEngineOptions = {}) {
    this.demo = options.demo ?? true;
    this.catalogs = options.catalogs ?? [];
    this.threads = options.threads;
    this.oneOfWorkers = options.oneOfWorkers ?? false;
    this.redactions = this.catalogs.map((c) => [c.path, `<catalog ${c.name}>`] as const);
  }

  async start(): Promise<void> {
    if (this.instance) return;
    const names = new Set<string>(this.demo ? [DEMO_CATALOG] : []);
    for (const { name } of this.catalogs) {
      const key = name.toLowerCase();
      if (names.has(key) || RESERVED_CATALOGS.has(key)) throw new Error(`DuckDB catalog name '${name}' is reserved or used twice`);
      names.add(key);
    }
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
      errors_as_json: 'true',
      // No spilling: spill files would sit in a directory DuckDB lets every statement read.
      temp_directory: '',
      // Keeps the gateway's home directory out of duckdb_settings().
      secret_directory: '',
    };
    if (this.threads !== undefined) config.threads = String(this.threads);
    const instance = await DuckDBInstance.create(':memory:', config);
    const setup = await instance.connect();
    let step = 'generating the demo catalog';
    try {
      if (this.demo) for (const sql of DEMO_STATEMENTS) await setup.run(sql);
      for (const catalog of this.catalogs) {
        step = `attaching catalog '${catalog.name}' (${catalog.path})`;
        await setup.run(`ATTACH ${quoteString(catalog.path)} AS ${quoteIdentifier(catalog.name)}${catalog.readOnly || this.oneOfWorkers ? ' (READ_ONLY)' : ''}`);
      }
      // DuckDB's own in-memory and temporary databases are no catalogs of the gateway's namespace.
      const listed = await setup.runAndReadAll("SELECT DISTINCT catalog_name FROM information_schema.schemata WHERE catalog_name NOT IN ('memory', 'temp') ORDER BY 1");
      this.catalogList = listed.getRows().map((row) => String(row[0]));
      step = 'locking the configuration';
      // Irreversible: no file access, no configuration changes for the rest of the instance's
      // life. TimeZone stays settable: it is per connection and sessions need it.
      await setup.run('SET enable_external_access = false');
      await setup.run(`SET allowed_configs = ['TimeZone']`);
      await setup.run('SET lock_configuration = true');
    } catch (err) {
      setup.disconnectSync();
      instance.closeSync();
      throw new Error(`DuckDB engine failed while ${step}: ${toQueryFailure(err, { redactions: [] }).message}`);
    }
    setup.disconnectSync();
    this.instance = instance;
  }

  async execute(statement: LocalStatement, signal: AbortSignal): Promise<LocalExecution> {
    const instance = this.started();
    for (const text of [statement.sql, ...statement.parameters]) {
      const refused = refusal(text);
      if (refused !== undefined) throw refused;
    }
    // Statements run translated (Trino's semantics) or are refused, never as written.
    const translation = await this.translator.translate(statement.sql, statement.parameters, {
      user: statement.user ?? 'user',
      catalog: statement.catalog,
      schema: statement.schema,
      parametricDatetime: statement.parametricDatetime,
      timeZone: statement.timeZone,
    });
    if (translation?.writes === true && this.oneOfWorkers) {
      throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'Writing through the embedded engine is not supported with server.workers > 1: each worker process has its own copy of the engine, so the write would reach one of them only');
    }
    if (signal.aborted) throw canceledFailure();
    const connection = await instance.connect();
    const onAbort = (): void => execution.cancel();
    const keptText = translation.updateType === 'CREATE VIEW' ? this.viewTextStatement(statement, translation.sql) : undefined;
    const execution: DuckDbExecution = new DuckDbExecution(connection, { ...statement, sql: keptText ?? translation.sql, parameters: [] }, {
      redactions: this.redactions,
      translated: true,
      columns: translation.columns,
      // The view is created, then given its Trino text, in one transaction.
      before: keptText === undefined ? translation.before : [...(translation.before ?? []), translation.sql],
      updateType: translation.updateType,
      onClose: () => {
        signal.removeEventListener('abort', onAbort);
        this.executions.delete(execution);
        if (this.executions.size === 0) this.idle?.();
      },
    });
    this.executions.add(execution);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) execution.cancel();
    await execution.start();
    return execution;
  }

  /** COMMENT ON VIEW keeping the Trino text of a view the gateway creates, when the text can be written exactly. */
  private viewTextStatement(statement: LocalStatement, createSql: string): string | undefined {
    if (statement.parameters.length > 0) return undefined;
    const name = /^CREATE (?:OR REPLACE )?VIEW ((?:"(?:[^"]|"")*"\.){2}"(?:[^"]|"")*") AS /.exec(createSql)?.[1];
    const text = trinoViewText(statement.sql);
    return name === undefined || text === undefined ? undefined : `COMMENT ON VIEW ${name} IS ${quoteString(viewTextComment(text))}`;
  }

  async describeOutput(sql: string, parameters: number, session: DescribeSession): Promise<OutputColumn[]> {
    const refused = refusal(sql);
    if (refused !== undefined) throw refused;
    // A parameter's type does not change the output's unless it is output itself, where Trino calls it `unknown`, as NULL is;
    // the count of a LIMIT or OFFSET changes no type either.
    const { sql: analyzed, counts } = withCountParameters(sql);
    const translation = await this.translator.translate(analyzed, Array.from({ length: parameters - counts.size }, () => 'NULL'), session);
    if (translation.columns === undefined || translation.writes === true) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'DESCRIBE OUTPUT of a statement other than a query is not supported on the embedded engine');
    return translation.columns;
  }

  /** DESCRIBE INPUT: each parameter's type as Trino infers it from where it stands (parameter-types.ts), after the statement is analyzed as DESCRIBE OUTPUT analyzes it. */
  async describeInput(sql: string, parameters: number, session: DescribeSession): Promise<string[]> {
    await this.describeOutput(sql, parameters, session);
    return parameterTypes(sql, parameters, session, (catalog, schema, table) => this.columnsOf(catalog, schema, table));
  }

  /**
   * The columns of a table or view with their Trino types, or an empty list when there is no
   * such relation: the one source of column types for queries and metadata. The demo tables
   * have Trino's tpch types (`varchar(25)`, which DuckDB does not keep); other types come from
   * planning `SELECT *` rather than from information_schema so they read exactly as query
   * results report them.
   */
  async columnsOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }>> {
    const demo = this.demo ? demoTableColumns(catalog, schema, table) : undefined;
    if (demo !== undefined) return demo.map(([name, type]) => ({ name, type }));
    const connection = await this.started().connect();
    try {
      const relation = [catalog, schema, table].map(quoteIdentifier).join('.');
      const prepared = await connection.prepare(`SELECT * FROM ${relation}`);
      const columns = Array.from({ length: prepared.columnCount }, (_, i) => ({
        name: prepared.columnName(i),
        type: codecFor(prepared.columnType(i), true).type,
      }));
      prepared.destroySync();
      const lengths = await varcharLengths(connection, catalog, schema, table);
      return columns.map((c) => (c.type === 'varchar' && lengths.has(c.name) ? { name: c.name, type: `varchar(${lengths.get(c.name)})` } : c));
    } catch (err) {
      const failure = toQueryFailure(err, { redactions: this.redactions });
      const missing: readonly unknown[] = [ErrorCodes.CATALOG_NOT_FOUND, ErrorCodes.SCHEMA_NOT_FOUND, ErrorCodes.TABLE_NOT_FOUND];
      if (missing.includes(failure.errorCode)) return [];
      throw failure;
    } finally {
      connection.disconnectSync();
    }
  }

  catalogNames(): string[] {
    return [...this.catalogList];
  }

  /** Whether a schema exists, read from DuckDB directly: the engine runs no client statement over its own metadata schemas. */
  async schemaExists(catalog: string, schema: string): Promise<boolean> {
    const connection = await this.started().connect();
    try {
      const found = await connection.runAndReadAll('SELECT count(*) FROM information_schema.schemata WHERE catalog_name = $1 AND schema_name = $2', [catalog, schema]);
      return Number(found.getRows()[0]![0]) > 0;
    } finally {
      connection.disconnectSync();
    }
  }

  /** Whether a missing table's catalog or schema is missing too (for Trino's error). */
  private async missingPart(catalog: string, schema: string): Promise<'catalog' | 'schema' | 'table'> {
    const connection = await this.started().connect();
    try {
      const found = await connection.runAndReadAll(
        'SELECT count(*), count(*) FILTER (WHERE lower(schema_name) = lower($2)) FROM duckdb_schemas() WHERE lower(database_name) = lower($1)',
        [catalog, schema],
      );
      const [schemas, matching] = found.getRows()[0]!.map(Number);
      if (schemas === 0) return 'catalog';
      return matching === 0 ? 'schema' : 'table';
    } finally {
      connection.disconnectSync();
    }
  }

  /**
   * What reading a view reads underneath, exactly as DuckDB binds it; undefined when the relation
   * is not a view. DuckDB views have no owner or security mode: every read is the caller's
   * (SECURITY INVOKER, the fail-closed reading). DuckDB expands views while binding, so the
   * unoptimized logical plan of `SELECT * FROM view` (json_serialize_plan) holds one table scan per
   * table read anywhere below it, nested views, subqueries and CTEs included, each with the columns
   * bound (before the optimizer prunes any). A scan of anything else (a table function) is refused.
   */
  async viewReads(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    const connection = await this.started().connect();
    try {
      const found = await connection.runAndReadAll(
        'SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal AND lower(database_name) = lower($1) AND lower(schema_name) = lower($2) AND lower(view_name) = lower($3)',
        [catalog, schema, name],
      );
      const row = found.getRows()[0];
      if (row === undefined) return undefined;
      const display = `${catalog}.${schema}.${name}`;
      const relation = row.map((part) => quoteIdentifier(String(part))).join('.');
      const plan = await connection.runAndReadAll(`SELECT json_serialize_plan(${quoteString(`SELECT * FROM ${relation}`)})`);
      const doc = JSON.parse(String(plan.getRows()[0]?.[0])) as { error: boolean; error_message?: string; plans?: PlanNode[] };
      if (doc.error || doc.plans === undefined) {
        throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `View ${display}: the gateway could not read what it selects from (${doc.error_message ?? 'no plan'})`);
      }
      const reads: ViewExpansion['reads'] = [];
      const walk = (node: PlanNode): void => {
        if (node.type === 'LOGICAL_GET') {
          const data = node.function_data;
          if (node.name !== 'seq_scan' || typeof data?.catalog !== 'string' || typeof data.schema !== 'string' || typeof data.table !== 'string') {
            throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `View ${display} reads table function ${node.name}: views over table functions are not supported by the gateway`);
          }
          // An index past the table's columns is DuckDB's rowid: a row number, no column data.
          const columns = (node.column_indexes ?? []).map((c) => node.names?.[c.index]).filter((c): c is string => c !== undefined);
          reads.push({ table: { catalog: data.catalog.toLowerCase(), schema: data.schema.toLowerCase(), name: data.table.toLowerCase() }, columns: columns.map((c) => c.toLowerCase()) });
        }
        for (const child of node.children ?? []) walk(child);
      };
      for (const root of doc.plans) walk(root);
      return { reads };
    } catch (err) {
      throw err instanceof QueryFailure ? err : toQueryFailure(err, { redactions: this.redactions });
    } finally {
      connection.disconnectSync();
    }
  }

  /**
   * Every catalog the engine serves with its schemas, tables, views and columns (Trino types as
   * metadata spells them). DuckDB's own schemas (information_schema, pg_catalog) are not catalog
   * objects, and an empty `main` schema (DuckDB's default in every database) is left out.
   */
  async describeCatalogs(): Promise<CatalogDescription[]> {
    const connection = await this.started().connect();
    try {
      const read = async (sql: string): Promise<string[][]> =>
        (await connection.runAndReadAll(sql)).getRows().map((row) => row.map((value) => (value === null ? null : String(value))) as string[]);
      const databases = await read("SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name NOT IN ('memory', 'temp', 'system') ORDER BY 1");
      const relations = await read(
        'SELECT database_name, schema_name, table_name, comment, NULL AS sql FROM duckdb_tables() WHERE NOT internal ' +
          'UNION ALL SELECT database_name, schema_name, view_name, comment, sql FROM duckdb_views() WHERE NOT internal AND NOT temporary',
      );
      const nullability = await read('SELECT database_name, schema_name, table_name, column_name, is_nullable::VARCHAR, comment FROM duckdb_columns() WHERE NOT internal');
      const columnInfo = new Map(nullability.map(([d, s, t, c, nullable, comment]) => [`${d}\u0000${s}\u0000${t}\u0000${c}`, { nullable: nullable === 'true', comment: comment ?? null }]));
      const schemas = await read("SELECT database_name, schema_name FROM duckdb_schemas() WHERE NOT internal AND schema_name NOT IN ('information_schema', 'pg_catalog')");
      const catalogs: CatalogDescription[] = [];
      for (const [database] of databases) {
        const tables: TableDescription[] = [];
        for (const [d, schema, name, comment, sql] of relations) {
          if (d !== database) continue;
          const prepared = await connection.prepare(`SELECT * FROM ${[d, schema, name].map((p) => quoteIdentifier(p!)).join('.')}`);
          // The demo tables declare Trino's tpch types (varchar(25)), which DuckDB does not keep.
          const declared = this.demo ? demoTableColumns(d!, schema!, name!) : undefined;
          const columns = Array.from({ length: prepared.columnCount }, (_, i) => {
            const column = prepared.columnName(i);
            const info = columnInfo.get(`${d}\u0000${schema}\u0000${name}\u0000${column}`);
            const type = declared?.find(([declaredName]) => declaredName === column.toLowerCase())?.[1] ?? trinoMetadataType(prepared.columnType(i));
            return { name: column.toLowerCase(), type, nullable: info?.nullable ?? true, comment: info?.comment ?? null };
          });
          prepared.destroySync();
          // A view's definition is the Trino text the gateway kept for it; DuckDB's own SQL is not Trino's.
          const viewText = viewTextOf(comment);
          const kind = sql === null ? 'TABLE' : 'VIEW';
          tables.push({ schema: schema!.toLowerCase(), name: name!.toLowerCase(), kind, comment: viewText === undefined ? (comment ?? null) : null, viewDefinition: kind === 'VIEW' ? (viewText ?? null) : null, columns });
        }
        const names = schemas.filter(([d, s]) => d === database && (s !== 'main' || tables.some((t) => t.schema === 'main'))).map(([, s]) => s!.toLowerCase());
        catalogs.push({ name: database!.toLowerCase(), connector: 'duckdb', schemas: names, tables });
      }
      return catalogs;
    } catch (err) {
      throw err instanceof QueryFailure ? err : toQueryFailure(err, { redactions: this.redactions });
    } finally {
      connection.disconnectSync();
    }
  }

  async close(): Promise<void> {
    const instance = this.instance;
    if (!instance) return;
    this.instance = undefined;
    const drained = new Promise<void>((resolve) => {
      this.idle = resolve;
    });
    for (const execution of this.executions) execution.cancel();
    // Interrupted work returns promptly; connections close once their native calls are done.
    if (this.executions.size > 0) await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    instance.closeSync();
  }

  private started(): DuckDBInstance {
    if (!this.instance) throw new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, 'The DuckDB engine is not started');
    return this.instance;
  }
}
