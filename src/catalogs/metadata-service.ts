/**
 * The gateway's metadata service: one catalog namespace across every backend, answered as Trino
 * 483 answers its metadata statements and tables.
 *
 * The gateway answers itself what no single backend can answer exactly:
 * - the metadata of catalogs the embedded engine serves (SHOW ..., DESCRIBE, their
 *   information_schema), described from the engine and shaped as Trino shapes them;
 * - the `system` catalog's jdbc, metadata and runtime tables and SHOW CATALOGS, across every
 *   backend, whenever the fleet has more than one backend or an embedded one, or access control
 *   must filter them (a single Trino backend without access control answers them itself).
 * The rows the user may see are gathered (derived for catalogs the gateway describes, read from
 * the Trino backend serving a catalog otherwise), filtered by access control, and the client's
 * statement (a SHOW becomes Trino's own rewrite of it) is evaluated over them in a scratch engine.
 * Metadata of catalogs a Trino backend serves keeps going to that backend.
 */
import type { Logger } from 'pino';
import type { Backend } from '../engines/backend.js';
import type { LocalExecution } from '../engines/local-engine.js';
import { embeddedBindingRefusal } from '../engines/duckdb/binding.js';
import { parseTranslatable } from '../engines/duckdb/translation/syntax.js';
import { Translator } from '../engines/duckdb/translation/translator.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { QuerySession } from '../protocol/session.js';
import { column, type Column } from '../protocol/types.js';
import type { MetadataVisibility } from '../policy/decision.js';
import type { Statement } from '../sql/analyzer/ast.js';
import { parseStatement } from '../sql/analyzer/index.js';
import { parameterMarkers, tokenize } from '../sql/lexer.js';
import { quoteIdentifier, quoteString } from '../sql/quoting.js';
import { classifyStatement } from '../sql/session-statement.js';
import { tableReferences } from '../sql/table-references.js';
import { hasCapability, preparedStatement } from '../protocol/session.js';
import type { QueryRecord } from '../tracking/types.js';
import {
  informationSchemaRows,
  informationSchemaTable,
  METADATA_DUCKDB_TYPES,
  runtimeQueryRow,
  systemCatalogDescription,
  systemRows,
  systemTable,
  type MetadataColumn,
  type MetadataTable,
  type Row,
} from './metadata-tables.js';
import type { CatalogDescription } from './model.js';
import type { ScratchTable } from './scratch.js';
import { lastKnownCatalogs } from './placement.js';
import { EMBEDDED_FUNCTION_ROWS, FUNCTION_COLUMNS } from './show-functions.js';
import { SESSION_COLUMNS, sessionRows } from './show-session.js';
import { STATS_COLUMNS, statisticsQuery, statisticsRows } from './statistics.js';
import {
  catalogOf,
  schemaNotFound,
  schemaOf,
  showCatalogsQuery,
  showColumnsQuery,
  showCreateSchemaText,
  showCreateTableText,
  showFunctionsQuery,
  showSchemasQuery,
  showSessionQuery,
  showTablesQuery,
  tableNotFound,
  tableOf,
  type SessionNames,
} from './show-statements.js';
import { showCreateViewText } from '../engines/duckdb/view-text.js';

/** The session's names, and its user (current_user in a query over metadata). */
interface MetadataSession extends SessionNames {
  user: string;
}

const SYSTEM_SCHEMAS = new Set(['jdbc', 'metadata', 'runtime']);

/** The gateway's own queries, which system.runtime.queries lists. */
export interface QueryHistory {
  /** Queries in flight through this instance. */
  live(): QueryRecord[];
  /** The newest `limit` queries of the history the fleet shares (every instance's). */
  recent(limit: number): Promise<QueryRecord[]>;
}

/** How many of the newest history records system.runtime.queries lists (besides the live ones). */
const RUNTIME_QUERIES_HISTORY = 1000;

/** A statement the gateway answers: run it when the query starts. */
export interface MetadataAnswer {
  execute(signal: AbortSignal): Promise<LocalExecution>;
}

/** Which backends serve which catalogs, as one namespace. */
interface Namespace {
  /** Catalog descriptions of catalogs the gateway describes itself (embedded engines, `system`). */
  described: Map<string, CatalogDescription>;
  /** Catalogs served by Trino backends, with every backend serving each. */
  trino: Map<string, Backend[]>;
  /** Backends that could not be asked, with why, and the catalogs they served when last seen. */
  unavailable: Map<string, { reason: string; catalogs: string[] }>;
}

const CATALOGS_TTL_MS = 10_000;

export class MetadataService {
  private trinoCatalogs = new Map<string, { catalogs: string[]; at: number }>();

  constructor(
    private readonly backends: readonly Backend[],
    private readonly log: Logger,
    private readonly history?: QueryHistory,
  ) {}

  /** The fleet has catalogs on more than one backend or on the embedded engine: `system` spans them. */
  private get federated(): boolean {
    return this.backends.length > 1 || this.backends.some((b) => b.describeCatalogs !== undefined);
  }

  /**
   * The answer to `sql` when it is a metadata statement the gateway answers itself, else
   * undefined (the statement goes to a backend as usual). `visible` is access control's view of
   * metadata for the user (undefined: no access control, everything is visible).
   */
  async plan(sql: string, session: QuerySession, visible: MetadataVisibility | undefined): Promise<MetadataAnswer | undefined> {
    const resolved = resolvePrepared(sql, session);
    if (resolved === undefined) return undefined;
    let statement: Statement;
    try {
      statement = parseStatement(resolved.sql);
    } catch {
      return undefined;
    }
    const names: MetadataSession = { user: session.user ?? 'user', ...(session.catalog !== undefined ? { catalog: session.catalog } : {}), ...(session.schema !== undefined ? { schema: session.schema } : {}) };
    const parametric = hasCapability(session, 'PARAMETRIC_DATETIME');
    const systemServed = this.federated || visible !== undefined;
    // Without Trino backends every catalog is the gateway's to answer for (an unknown one: CATALOG_NOT_FOUND).
    const allEmbedded = this.backends.every((b) => b.describeCatalogs !== undefined);
    // `system` is described by the gateway only across several backends; a single Trino's own `system` (filtered by access control) is read from it.
    const describedHere = async (catalog: string) => (catalog === 'system' ? this.federated : allEmbedded || (await this.embeddedCatalogs()).has(catalog));
    // SHOW CREATE, SHOW STATS, SHOW FUNCTIONS and SHOW SESSION are answered for the embedded engine only (the gateway runs its own DuckDB SQL for them): Athena answers its own.
    const embeddedHere = async (catalog: string) => (await describedHere(catalog)) && !(await this.athenaCatalogs()).has(catalog);
    const notAllEmbedded = this.backends.some((b) => b.describeCatalogs === undefined || b.engine === 'athena');
    switch (statement.k) {
      case 'showCatalogs':
        if (!systemServed) return undefined;
        return this.answerQuery(showCatalogsQuery(statement.like), [], names, visible, (columns, rows) => [column(columns[0]!.name, `varchar(${longest(rows)})`)]);
      case 'showSchemas': {
        const catalog = catalogOf(statement.catalog?.value, names);
        if (!(await describedHere(catalog))) return undefined;
        return this.answerQuery(showSchemasQuery(catalog, statement.like), [], names, visible);
      }
      case 'showTables': {
        const { catalog, schema } = schemaOf(statement.schema, names);
        if (!(await describedHere(catalog))) return undefined;
        return this.deferred(async () => {
          const description = await this.describe(catalog);
          if (!description.schemas.includes(schema) && schema !== 'information_schema') throw schemaNotFound(schema);
          return this.evaluate(showTablesQuery(catalog, schema, statement.like), [], names, visible);
        });
      }
      case 'showColumns': {
        const { catalog, schema, table } = tableOf(statement.table, names);
        if (!(await describedHere(catalog))) return undefined;
        return this.deferred(async () => {
          await this.tableDescription(catalog, schema, table, visible);
          return this.evaluate(showColumnsQuery(catalog, schema, table, statement.like), [], names, visible);
        });
      }
      case 'showCreate': {
        const { catalog, schema, table } = tableOf(statement.table, names);
        if (!(await embeddedHere(catalog))) return undefined;
        return this.deferred(async () => {
          const description = await this.tableDescription(catalog, schema, table, visible);
          // A view the gateway created keeps the text Trino would store; DuckDB's own views have none.
          if (statement.kind === 'showCreateView' && description.kind === 'VIEW' && description.viewDefinition !== null) {
            return single('Create View', showCreateViewText(`${catalog}.${schema}.${table}`, description.viewDefinition));
          }
          if (statement.kind !== 'showCreateTable' || description.kind !== 'TABLE') {
            throw new QueryFailure(
              ErrorCodes.NOT_SUPPORTED,
              `${statement.kind === 'showCreateTable' ? 'SHOW CREATE TABLE' : statement.kind === 'showCreateView' ? 'SHOW CREATE VIEW' : 'SHOW CREATE MATERIALIZED VIEW'} of ${catalog}.${schema}.${table} is not supported: ` +
                (description.kind === 'VIEW' ? 'the view was not created through the gateway, or its Trino text could not be kept exactly; its DuckDB SQL is not Trino SQL' : 'it is a table'),
            );
          }
          return single('Create Table', showCreateTableText(catalog, description));
        });
      }
      case 'showCreateSchema': {
        const { catalog, schema } = schemaOf(statement.schema, names);
        if (!(await embeddedHere(catalog))) return undefined;
        return this.deferred(async () => {
          const description = await this.describe(catalog);
          if (!description.schemas.includes(schema) || (visible !== undefined && !visible.schema(catalog, schema))) throw schemaNotFound(schema);
          return single('Create Schema', showCreateSchemaText(description, schema));
        });
      }
      case 'showStats': {
        if (statement.table !== undefined) {
          const { catalog, schema, table } = tableOf(statement.table, names);
          if (!(await embeddedHere(catalog))) return undefined;
          return this.deferred(async (signal) => {
            // Trino names no position in SHOW STATS' errors.
            if (!(await this.describe(catalog)).schemas.includes(schema)) throw new QueryFailure(ErrorCodes.SCHEMA_NOT_FOUND, `Schema '${schema}' does not exist`);
            const description = await this.tableDescription(catalog, schema, table, visible, () => new QueryFailure(ErrorCodes.TABLE_NOT_FOUND, `Table '${catalog}.${schema}.${table}' does not exist`));
            const source = [catalog, schema, table].map(quoteIdentifier).join('.');
            return this.statistics(catalog, source, description.columns, signal);
          });
        }
        const { query, before } = parenthesizedQuery(resolved.sql);
        const catalogs = new Set(tableReferences(query).map((ref) => resolve(ref.parts, names)?.catalog));
        if (catalogs.size === 0 || [...catalogs].some((c) => c === undefined || c === 'system')) return undefined;
        for (const c of catalogs) if (!(await embeddedHere(c!))) return undefined;
        return this.deferred(async (signal) => {
          // Access control analyzed the query as Trino SQL: what DuckDB would bind differently is refused, as for any governed query.
          const refused = visible === undefined ? undefined : embeddedBindingRefusal(query, names);
          if (refused !== undefined) throw refused;
          const backend = await this.embeddedBackendOf([...catalogs][0]!);
          // The query's own columns (it is run once for them, reading no rows), then its statistics.
          const { columns } = await backend.internalRows!(`${sameLayout(before, 'SELECT * FROM (')}${query}) LIMIT 0`, signal);
          return this.statistics([...catalogs][0]!, `(${query}) AS q`, columns, signal);
        });
      }
      case 'showFunctions':
      case 'showSession': {
        // Only where the session's catalog is the embedded engine's: elsewhere Trino answers.
        const catalog = names.catalog?.toLowerCase();
        if (catalog === undefined ? notAllEmbedded : !(await embeddedHere(catalog))) return undefined;
        if (statement.k === 'showFunctions' && statement.schema !== undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'SHOW FUNCTIONS FROM a schema is not supported on the embedded engine');
        // Trino's rewrite reads its rows as one table; the name matters only to the translation.
        const listing =
          statement.k === 'showFunctions'
            ? { table: ['$show', '$show', 'functions'], columns: FUNCTION_COLUMNS, rows: EMBEDDED_FUNCTION_ROWS, query: showFunctionsQuery }
            : { table: ['$show', '$show', 'session'], columns: SESSION_COLUMNS, rows: sessionRows(session.properties), query: showSessionQuery };
        const scratch = new Map([[listing.table.join('.'), { name: 'listing', columns: listing.columns, rows: listing.rows }]]);
        // Trino types each varchar column by its longest value over every row, whatever LIKE keeps.
        const retype = (columns: Column[]) => columns.map((c, i) => (c.type === 'varchar' ? column(c.name, `varchar(${longest(listing.rows.map((r) => String(r[i])))})`) : c));
        const sql = listing.query(listing.table.map(quoteIdentifier).join('.'), statement.like);
        return this.deferred((signal) => this.translateOverRows(sql, [], scratch, names, signal, retype));
      }
      case 'describePrepared': {
        if (notAllEmbedded) return undefined;
        const kind = statement.kind;
        const name = statement.name;
        return this.deferred(async () => {
          const text = preparedStatement(session, name);
          if (text === undefined) throw new QueryFailure(ErrorCodes.NOT_FOUND, `Prepared statement not found: ${name}`);
          const parameters = parameterMarkers(text).length;
          const { evaluateOverRows } = await import('./scratch.js');
          const catalogs = tableReferences(text).map((ref) => resolve(ref.parts, names)?.catalog);
          const backend = catalogs[0] === undefined ? this.backends.find((b) => b.describeOutput !== undefined) : await this.embeddedBackendOf(catalogs[0]);
          if (backend?.describeOutput === undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `DESCRIBE ${kind === 'describeInput' ? 'INPUT' : 'OUTPUT'} is not supported by this engine`);
          if (kind === 'describeInput' && parameters > 0) {
            // Trino infers each parameter's type from where it stands (positions the engine cannot infer are refused).
            if (backend.describeInput === undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'DESCRIBE INPUT of a statement with parameters is not supported by this engine');
            const rows = (await backend.describeInput(text, parameters, names)).map((type, position) => [position, type]);
            const execution = await evaluateOverRows('SELECT * FROM p', [{ name: 'p', columns: INPUT_COLUMNS, rows }], new AbortController().signal);
            // As Trino types them: the position an integer, the type a varchar as long as the longest.
            return withColumns(execution, [column('Position', 'integer'), column('Type', `varchar(${longest(rows.map((r) => String(r[1])))})`)]);
          }
          // Described or not, the statement is analyzed as Trino analyzes it (a missing table fails DESCRIBE INPUT too).
          const described = await backend.describeOutput(text, parameters, names);
          if (kind === 'describeInput') return evaluateOverRows('SELECT * FROM p', [{ name: 'p', columns: INPUT_COLUMNS, rows: [] }], new AbortController().signal);
          const rows = described.map((c) => {
            // DESCRIBE shows a type's display name (`decimal(2,1)`, `interval year to month`), not the protocol's form.
            const type = c.type.toLowerCase().replaceAll(', ', ',');
            return [c.name, ...(c.origin ?? ['', '', '']), type, fixedSize(type), c.aliased === true];
          });
          const execution = await evaluateOverRows('SELECT * FROM o', [{ name: 'o', columns: OUTPUT_COLUMNS, rows }], new AbortController().signal);
          // Trino types each varchar column by its longest value; the type size is an integer.
          return withColumns(execution, OUTPUT_COLUMNS.map((c, i) => column(c.name, c.type === 'varchar' ? `varchar(${longest(rows.map((r) => String(r[i])))})` : i === 5 ? 'integer' : c.type)));
        });
      }
      case 'query': {
        const references = tableReferences(resolved.sql).map((ref) => ({ ref, name: resolve(ref.parts, names) }));
        let ours = false;
        for (const { name } of references) {
          if (name === undefined) continue;
          if (name.schema === 'information_schema' && (await describedHere(name.catalog))) ours = true;
          // system.runtime describes the engine a query runs on: the gateway's backends only where no Trino has its own.
          // Its queries are the gateway's own wherever it serves `system` (a Trino's would list every user's, unfiltered by the queries rules).
          const runtimeOurs = name.schema !== 'runtime' || allEmbedded || name.table === 'queries';
          if (name.catalog === 'system' && SYSTEM_SCHEMAS.has(name.schema) && systemServed && runtimeOurs) ours = true;
        }
        if (!ours) return undefined;
        return { execute: (signal) => this.evaluate(resolved.sql, resolved.parameters, names, visible, signal, undefined, parametric) };
      }
      default:
        return undefined;
    }
  }

  /** An answer whose checks (existence, visibility) run when the query starts, so their failures are the query's. */
  private deferred(run: (signal: AbortSignal) => Promise<LocalExecution>): MetadataAnswer {
    return { execute: run };
  }

  private answerQuery(
    sql: string,
    parameters: string[],
    names: MetadataSession,
    visible: MetadataVisibility | undefined,
    retype?: (columns: Column[], rows: string[]) => Column[],
  ): MetadataAnswer {
    return { execute: (signal) => this.evaluate(sql, parameters, names, visible, signal, retype) };
  }

  /** Evaluates a query over metadata tables (every table it reads must be one). */
  private async evaluate(
    sql: string,
    parameters: string[],
    names: MetadataSession,
    visible: MetadataVisibility | undefined,
    signal: AbortSignal = new AbortController().signal,
    retype?: (columns: Column[], rows: string[]) => Column[],
    parametric = true,
  ): Promise<LocalExecution> {
    const tokens = tokenize(sql);
    const mentions = (column: string) => tokens.some((t) => (t.kind === 'word' || t.kind === 'quoted') && t.value.toLowerCase() === column);
    const star = tokens.some((t) => t.text === '*');
    const scratch = new Map<string, ScratchTable>();
    for (const ref of tableReferences(sql)) {
      const name = resolve(ref.parts, names);
      if (name === undefined) throw new QueryFailure(ErrorCodes.MISSING_SCHEMA_NAME, 'line 1:1: Schema must be specified when session schema is not set');
      const display = `${name.catalog}.${name.schema}.${name.table}`;
      const definition = name.schema === 'information_schema' ? informationSchemaTable(name.table) : name.catalog === 'system' ? systemTable(name.schema, name.table) : undefined;
      if (definition === undefined) {
        throw new QueryFailure(
          ErrorCodes.NOT_SUPPORTED,
          name.schema === 'information_schema' || name.catalog === 'system'
            ? `Table '${display}' does not exist or is not served by the gateway's metadata service`
            : `A query over metadata tables cannot also read ${display}: metadata and data are answered by different engines`,
        );
      }
      if (ref.body) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `TABLE ${display} is not supported over metadata tables; use SELECT * FROM ${display}`);
      const hidden = definition.columns.filter((c) => c.hidden && mentions(c.name));
      if (hidden.length > 0 && star) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `SELECT * together with the hidden columns of ${display} is not supported by the gateway`);
      const columns = definition.columns.filter((c) => !c.hidden || hidden.includes(c));
      if (!scratch.has(display)) {
        scratch.set(display, { name: `m${scratch.size}`, columns, rows: projectColumns(definition, columns, await this.rows(definition, name.catalog, visible)) });
      }
    }
    return this.translateOverRows(sql, parameters, scratch, names, signal, retype, parametric);
  }

  /** Runs `sql` over `scratch` (tables keyed by `catalog.schema.table`), with Trino's semantics, translated as the embedded engine translates queries (or refused). */
  private async translateOverRows(
    sql: string,
    parameters: string[],
    scratch: ReadonlyMap<string, ScratchTable>,
    names: MetadataSession,
    signal: AbortSignal,
    retype?: (columns: Column[], rows: string[]) => Column[],
    parametric = true,
  ): Promise<LocalExecution> {
    const statement = parseTranslatable(sql, parameters);
    if (statement.k !== 'query') throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'Only queries are supported over metadata tables answered by the gateway');
    const tableOf = (name: [string, string, string]): ScratchTable | undefined => scratch.get(name.join('.'));
    const translation = new Translator({ ...names, parametricDatetime: parametric }, (...name) => tableOf(name)?.columns ?? 'table', {
      relation: (name) => quoteIdentifier(tableOf(name)!.name),
      carriedType: (type) => METADATA_DUCKDB_TYPES[type],
    }).translate(statement.query);
    const { evaluateOverRows } = await import('./scratch.js');
    const execution = await evaluateOverRows(translation.sql, [...scratch.values()], signal, translation.columns);
    // The scratch engine prints timestamps at millisecond precision (Trino's timestamp(3)), named as the client's capabilities ask.
    const columns = execution.columns.map((c) => (c.type === 'timestamp(3) with time zone' && !parametric ? column(c.name, 'timestamp with time zone') : c));
    if (retype === undefined) return withColumns(execution, columns);
    const rows = [...scratch.values()].flatMap((t) => t.rows.map((r) => String(r[0])));
    return withColumns(execution, retype(columns, rows));
  }

  /** The visible rows of one metadata table for `catalog` (its own for information_schema; every catalog for system tables). */
  private async rows(definition: MetadataTable, catalog: string, visible: MetadataVisibility | undefined): Promise<Row[]> {
    const namespace = await this.namespace();
    let rows: Row[];
    if (definition.schema === 'information_schema') {
      if (visible !== undefined && !visible.catalog(catalog)) return [];
      const described = namespace.described.get(catalog);
      if (described !== undefined) rows = informationSchemaRows(definition.name, described);
      else if (namespace.trino.has(catalog)) rows = await this.fromTrino(namespace, catalog, definition, `SELECT ${definition.columns.map((c) => quoteIdentifier(c.name)).join(', ')} FROM ${quoteIdentifier(catalog)}.information_schema.${quoteIdentifier(definition.name)}`);
      else throw unavailableOrMissing(namespace, catalog);
    } else if (definition.keys.catalog === undefined) {
      rows = await this.catalogIndependentRows(namespace, definition);
    } else {
      const catalogs = [...new Set([...namespace.described.keys(), ...namespace.trino.keys()])].filter((c) => visible === undefined || visible.catalog(c)).sort();
      const down = [...namespace.unavailable].filter(([, u]) => u.catalogs.some((c) => !catalogs.includes(c)));
      if (down.length > 0) {
        const [backend, { reason, catalogs: lost }] = down[0]!;
        throw new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, `Backend ${backend} serving catalog(s) ${lost.join(', ')} is unavailable (${reason}): system.${definition.schema}.${definition.name} cannot list them`);
      }
      rows = [];
      for (const c of catalogs) {
        const described = namespace.described.get(c);
        if (described !== undefined) {
          rows.push(...systemRows(definition.schema, definition.name, [described]));
        } else {
          const column = definition.columns[definition.keys.catalog]!.name;
          rows.push(...(await this.fromTrino(namespace, c, definition, `SELECT * FROM system.${definition.schema}.${quoteIdentifier(definition.name)} WHERE ${quoteIdentifier(column)} = ${quoteString(c)}`)));
        }
      }
    }
    return visible === undefined ? rows : rows.filter((row) => isVisible(row, definition, catalog, visible));
  }

  /** system.jdbc.types, table_types, runtime.nodes and the always-empty tables. */
  private async catalogIndependentRows(namespace: Namespace, definition: MetadataTable): Promise<Row[]> {
    if (definition.schema === 'runtime' && definition.name === 'queries') return this.runtimeQueries();
    if (definition.schema === 'runtime') {
      return this.backends.map((b) => [b.name, null, null, true, namespace.unavailable.has(b.name) ? 'inactive' : 'active']);
    }
    // A Trino backend knows its own type registry; without one, Trino 483's default one.
    const trino = this.backends.find((b) => b.describeCatalogs === undefined && b.showRows !== undefined && !namespace.unavailable.has(b.name));
    if (trino !== undefined && definition.schema === 'jdbc' && definition.name === 'types') {
      return (await trino.showRows!(`SELECT * FROM system.jdbc.types`, {})).rows;
    }
    return systemRows(definition.schema, definition.name, []);
  }

  /** The gateway's live queries and its newest history, live first (a query both live and in history is listed once). */
  private async runtimeQueries(): Promise<Row[]> {
    if (this.history === undefined) return [];
    const live = this.history.live();
    let recent: QueryRecord[];
    try {
      recent = await this.history.recent(RUNTIME_QUERIES_HISTORY);
    } catch (err) {
      throw new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, `system.runtime.queries cannot be listed: the query history cannot be read (${(err as Error).message})`);
    }
    const seen = new Set(live.map((q) => q.id));
    const now = Date.now();
    return [...live, ...recent.filter((q) => !seen.has(q.id))].map((q) => runtimeQueryRow(q, now));
  }

  private async fromTrino(namespace: Namespace, catalog: string, definition: MetadataTable, sql: string): Promise<Row[]> {
    const servers = namespace.trino.get(catalog) ?? [];
    let failure: Error | undefined;
    // A catalog served by several Trino backends is one catalog: the first that answers lists it.
    for (const backend of servers) {
      if (namespace.unavailable.has(backend.name)) continue;
      try {
        return (await backend.showRows!(sql, {})).rows;
      } catch (err) {
        failure = err as Error;
        this.log.warn({ backend: backend.name, catalog, err: failure.message }, 'could not read metadata from a backend');
      }
    }
    const names = servers.map((b) => b.name).join(', ');
    throw new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, `Backend ${names} serving catalog ${catalog} is unavailable${failure ? ` (${failure.message})` : ''}: ${definition.schema}.${definition.name} cannot be read`);
  }

  /** SHOW STATS of `source` (a table, or a query with an alias) computed by the embedded engine serving `catalog`. */
  private async statistics(catalog: string, source: string, columns: ReadonlyArray<{ name: string; type: string }>, signal: AbortSignal): Promise<LocalExecution> {
    const backend = await this.embeddedBackendOf(catalog);
    const { rows } = await backend.internalRows!(statisticsQuery(source, columns), signal);
    const { evaluateOverRows } = await import('./scratch.js');
    return evaluateOverRows('SELECT * FROM s', [{ name: 's', columns: STATS_COLUMNS, rows: statisticsRows(columns, rows[0]!) }], signal);
  }

  private async embeddedBackendOf(catalog: string): Promise<Backend> {
    for (const backend of this.backends) {
      if (backend.internalRows !== undefined && (await backend.catalogs()).some((c) => c.toLowerCase() === catalog)) return backend;
    }
    throw new QueryFailure(ErrorCodes.CATALOG_NOT_FOUND, `Catalog '${catalog}' not found`);
  }

  private async tableDescription(catalog: string, schema: string, table: string, visible: MetadataVisibility | undefined, missing = () => tableNotFound(catalog, schema, table)) {
    const description = await this.describe(catalog);
    const found = description.tables.find((t) => t.schema === schema && t.name === table);
    if (found === undefined || (visible !== undefined && !visible.table({ catalog, schema, name: table }))) throw missing();
    if (visible === undefined) return found;
    return { ...found, columns: found.columns.filter((c) => visible.column({ catalog, schema, name: table }, c.name)) };
  }

  private async describe(catalog: string): Promise<CatalogDescription> {
    const namespace = await this.namespace();
    const description = namespace.described.get(catalog);
    if (description === undefined) throw unavailableOrMissing(namespace, catalog);
    return description;
  }

  /** Catalogs of Athena backends: described for the gateway, Athena answers their other statements itself. */
  private async athenaCatalogs(): Promise<Set<string>> {
    const names = new Set<string>();
    for (const backend of this.backends) {
      if (backend.engine !== 'athena') continue;
      for (const c of await backend.catalogs()) names.add(c.toLowerCase());
    }
    return names;
  }

  private async embeddedCatalogs(): Promise<Set<string>> {
    const names = new Set<string>();
    for (const backend of this.backends) {
      if (backend.describeCatalogs === undefined) continue;
      for (const c of await backend.catalogs()) names.add(c.toLowerCase());
    }
    return names;
  }

  /** Which backend serves each catalog now (embedded catalogs described afresh; Trino catalog lists cached briefly). */
  private async namespace(): Promise<Namespace> {
    const namespace: Namespace = { described: new Map(), trino: new Map(), unavailable: new Map() };
    if (this.federated) namespace.described.set('system', systemCatalogDescription());
    for (const backend of this.backends) {
      if (backend.describeCatalogs !== undefined) {
        let described: CatalogDescription[];
        try {
          described = await backend.describeCatalogs();
        } catch (err) {
          // Athena's Glue Data Catalog cannot be read: its catalog is unavailable, the others still answer.
          const served = (await backend.catalogs()).filter((c) => c !== 'system');
          namespace.unavailable.set(backend.name, { reason: (err as Error).message, catalogs: lastKnownCatalogs(backend, served) });
          continue;
        }
        for (const d of described) if (!namespace.described.has(d.name)) namespace.described.set(d.name, d);
        continue;
      }
      let catalogs: string[];
      const cached = this.trinoCatalogs.get(backend.name);
      try {
        if (cached !== undefined && Date.now() - cached.at < CATALOGS_TTL_MS) catalogs = cached.catalogs;
        else {
          catalogs = await backend.catalogs();
          this.trinoCatalogs.set(backend.name, { catalogs, at: Date.now() });
        }
      } catch (err) {
        namespace.unavailable.set(backend.name, { reason: (err as Error).message, catalogs: lastKnownCatalogs(backend, cached?.catalogs) });
        continue;
      }
      for (const c of catalogs) {
        // A single Trino backend's own `system` catalog stays Trino's; in a federation the gateway's spans every backend.
        if (c === 'system' && namespace.described.has('system')) continue;
        if (namespace.described.has(c)) continue;
        namespace.trino.set(c, [...(namespace.trino.get(c) ?? []), backend]);
      }
    }
    return namespace;
  }
}

function unavailableOrMissing(namespace: Namespace, catalog: string): QueryFailure {
  for (const [backend, { reason, catalogs }] of namespace.unavailable) {
    if (catalogs.includes(catalog)) return new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, `Backend ${backend} serving catalog ${catalog} is unavailable (${reason})`);
  }
  return new QueryFailure(ErrorCodes.CATALOG_NOT_FOUND, `Catalog '${catalog}' not found`);
}

function isVisible(row: Row, definition: MetadataTable, catalog: string, visible: MetadataVisibility): boolean {
  const { keys } = definition;
  if (keys.queryOwner !== undefined) return visible.query(String(row[keys.queryOwner]));
  const c = keys.catalog === undefined ? catalog : String(row[keys.catalog]);
  if (!visible.catalog(c)) return false;
  if (keys.schema === undefined) return true;
  const s = String(row[keys.schema]);
  if (!visible.schema(c, s)) return false;
  if (keys.table === undefined) return true;
  const q = { catalog: c, schema: s, name: String(row[keys.table]) };
  if (!visible.table(q)) return false;
  return keys.column === undefined || visible.column(q, String(row[keys.column]));
}

function projectColumns(definition: MetadataTable, columns: readonly MetadataColumn[], rows: Row[]): Row[] {
  const indexes = columns.map((c) => definition.columns.indexOf(c));
  return rows.map((row) => indexes.map((i) => row[i]));
}

function resolve(parts: string[], names: SessionNames): { catalog: string; schema: string; table: string } | undefined {
  const table = parts[parts.length - 1]!.toLowerCase();
  const schema = parts.length >= 2 ? parts[parts.length - 2]!.toLowerCase() : names.schema?.toLowerCase();
  const catalog = parts.length === 3 ? parts[0]!.toLowerCase() : names.catalog?.toLowerCase();
  return schema === undefined || catalog === undefined ? undefined : { catalog, schema, table };
}

/** The statement text and parameters behind EXECUTE / EXECUTE IMMEDIATE (undefined: a session statement). */
function resolvePrepared(sql: string, session: QuerySession): { sql: string; parameters: string[] } | undefined {
  let statement;
  try {
    statement = classifyStatement(sql);
  } catch {
    return undefined;
  }
  switch (statement.kind) {
    case 'query':
      return { sql: statement.sql, parameters: [] };
    case 'executeImmediate':
      return { sql: statement.sql, parameters: statement.parameters };
    case 'execute': {
      const text = preparedStatement(session, statement.name);
      return text === undefined ? undefined : { sql: text, parameters: statement.parameters };
    }
    default:
      return undefined;
  }
}

/** The query of `SHOW STATS FOR ( query )` (the text between the first and the last parenthesis) and the text before it. */
function parenthesizedQuery(sql: string): { query: string; before: string } {
  const tokens = tokenize(sql);
  const open = tokens.find((t) => t.text === '(')!;
  const close = [...tokens].reverse().find((t) => t.text === ')')!;
  return { query: sql.slice(open.end, close.start), before: sql.slice(0, open.end) };
}

/** `head`, placed so that what follows starts where it followed `before` (errors then point where the client wrote it). */
function sameLayout(before: string, head: string): string {
  const lastLine = before.length - before.lastIndexOf('\n') - 1;
  if (lastLine < head.length) return head;
  const blank = before.replace(/[^\n]/g, ' ');
  return blank.slice(0, blank.length - head.length) + head;
}

function longest(names: string[]): number {
  return names.reduce((n, s) => Math.max(n, [...s].length), 0);
}

/** DESCRIBE INPUT's columns (with no parameter to describe, Trino types them so). */
const INPUT_COLUMNS: readonly MetadataColumn[] = [
  { name: 'Position', type: 'bigint' },
  { name: 'Type', type: 'varchar' },
];

/** DESCRIBE OUTPUT's columns; Type Size is shown as Trino's integer. */
const OUTPUT_COLUMNS: readonly MetadataColumn[] = [
  ...['Column Name', 'Catalog', 'Schema', 'Table', 'Type'].map((name) => ({ name, type: 'varchar' })),
  { name: 'Type Size', type: 'bigint' },
  { name: 'Aliased', type: 'boolean' },
];

/** The bytes a value of a fixed-width Trino type takes, as DESCRIBE OUTPUT reports it; 0 for variable-width types. */
function fixedSize(type: string): number {
  const precision = (pattern: RegExp) => Number(pattern.exec(type)?.[1] ?? 3);
  if (type === 'boolean' || type === 'tinyint' || type === 'unknown') return 1;
  if (type === 'smallint') return 2;
  if (type === 'integer' || type === 'real' || type === 'date' || type === 'interval year to month') return 4;
  if (type === 'bigint' || type === 'double' || type === 'interval day to second') return 8;
  if (type.startsWith('decimal(')) return precision(/^decimal\((\d+)/) <= 18 ? 8 : 16;
  if (/^timestamp\(\d+\) with time zone$/.test(type)) return precision(/\((\d+)\)/) <= 3 ? 8 : 12;
  if (/^timestamp\(\d+\)$/.test(type)) return precision(/\((\d+)\)/) <= 6 ? 8 : 12;
  if (/^time\(\d+\)$/.test(type)) return 8;
  return 0;
}

/** A one-row, one-column answer (SHOW CREATE), typed varchar(length) as Trino types it. */
async function single(name: string, text: string): Promise<LocalExecution> {
  // Loaded when first needed: a Trino-only gateway need not load the native engine.
  const { evaluateOverRows } = await import('./scratch.js');
  const execution = await evaluateOverRows(`SELECT ${quoteIdentifier(name)} FROM t`, [{ name: 't', columns: [{ name, type: 'varchar' }], rows: [[text]] }], new AbortController().signal);
  return withColumns(execution, [column(execution.columns[0]!.name, `varchar(${[...text].length})`)]);
}

function withColumns(execution: LocalExecution, columns: Column[]): LocalExecution {
  return {
    columns,
    nextPage: (bytes) => execution.nextPage(bytes),
    cancel: () => execution.cancel(),
  };
}
