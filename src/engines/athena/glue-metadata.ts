/**
 * Table metadata for governance from the Glue Data Catalog (the catalog Athena reads): the
 * columns of a table, partition keys last as Athena lists them, and what an Athena view reads.
 *
 * No API reports what a view reads (Trino's coordinator does for a Trino backend), so an Athena
 * view is expanded through its stored text, as Trino's Hive connector reads it: Glue keeps
 * `ViewOriginalText` = `/* Presto View: <base64 JSON> *\/`, the JSON holding the view's SQL and
 * the catalog and schema it was created in. The gateway analyzes that SQL there (nested views
 * expanded the same way) and reports the tables and columns it reads. Athena checks those reads
 * against the caller's own permissions (a view grants no access to its data), so every read is
 * the caller's, as in a SECURITY INVOKER view. What cannot be read exactly is refused: another
 * kind of view (Hive views, Data Catalog views, which are SECURITY DEFINER), a view over another
 * catalog, a recursive view, a text the gateway cannot analyze.
 */
import { GetTableCommand, paginateGetDatabases, paginateGetTables, type Column as GlueColumn, type GlueClient, type Table } from '@aws-sdk/client-glue';
import type { CatalogDescription, TableDescription } from '../../catalogs/model.js';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { analyze } from '../../sql/analyzer/index.js';
import { quoteIdentifier } from '../../sql/quoting.js';
import type { MetadataProvider, QualifiedName, ViewDefinition, ViewExpansion } from '../../sql/analyzer/types.js';
import { parseTranslatable } from '../duckdb/translation/syntax.js';
import { tableNames, Translator } from '../duckdb/translation/translator.js';
import { apiFailure } from './errors.js';

/** Athena's name of the Glue Data Catalog, as a view's stored definition names it. */
const GLUE_CATALOG = 'awsdatacatalog';

/** How Athena (and Trino's Hive connector) stores a view's definition in `ViewOriginalText`. */
const PRESTO_VIEW_TEXT = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/;

function describeTable(schema: string, table: Table): TableDescription {
  const name = table.Name!.toLowerCase();
  const view = table.TableType === 'VIRTUAL_VIEW' ? prestoViewDefinition(table) : undefined;
  if (view !== undefined) {
    return { schema, name, kind: 'VIEW', comment: view.comment ?? null, viewDefinition: view.originalSql, columns: view.columns.map((c) => ({ name: c.name.toLowerCase(), type: c.type, nullable: true, comment: null })) };
  }
  const column = (c: GlueColumn) => ({ name: c.Name!.toLowerCase(), type: trinoType(c.Type ?? '', 'metadata'), nullable: true, comment: c.Comment ?? null });
  const columns = [...(table.StorageDescriptor?.Columns ?? []).map(column), ...(table.PartitionKeys ?? []).map((c) => ({ ...column(c), extraInfo: 'partition key' }))];
  return { schema, name, kind: table.TableType === 'VIRTUAL_VIEW' ? 'VIEW' : 'TABLE', comment: table.Parameters?.comment ?? null, viewDefinition: table.ViewOriginalText ?? null, columns };
}

interface PrestoViewDefinition {
  originalSql: string;
  catalog: string;
  schema: string;
  columns: Array<{ name: string; type: string }>;
  comment?: string;
}

/** The stored definition of an Athena view, undefined when the table holds none in Athena's form. */
function prestoViewDefinition(table: Table): PrestoViewDefinition | undefined {
  const encoded = PRESTO_VIEW_TEXT.exec(table.ViewOriginalText?.trim() ?? '')?.[1];
  if (encoded === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const { originalSql, catalog, schema, columns, comment } = (doc ?? {}) as Record<string, unknown>;
  if (typeof originalSql !== 'string' || typeof catalog !== 'string' || typeof schema !== 'string') return undefined;
  const described = Array.isArray(columns) && columns.every((c) => typeof c?.name === 'string' && typeof c?.type === 'string') ? (columns as PrestoViewDefinition['columns']) : [];
  return { originalSql, catalog, schema, columns: described, ...(typeof comment === 'string' ? { comment } : {}) };
}

/** Hive type names Glue stores, as Trino names them. */
const HIVE_TYPES: Record<string, string> = { string: 'varchar', int: 'integer', float: 'real', binary: 'varbinary' };

export class GlueMetadata {
  constructor(
    private readonly glue: GlueClient,
    /** The catalog name clients use for the Glue Data Catalog. */
    private readonly catalog: string,
    private readonly workgroup: string,
  ) {}

  async columnsOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }>> {
    const found = await this.table(catalog, schema, table);
    if (found === undefined) return [];
    const columns = [...(found.StorageDescriptor?.Columns ?? []), ...(found.PartitionKeys ?? [])];
    return columns.map((c) => ({ name: (c.Name ?? '').toLowerCase(), type: trinoType(c.Type ?? '') }));
  }

  /**
   * The Glue Data Catalog described for the gateway's metadata service (SHOW, information_schema,
   * system.jdbc), as Trino's Hive connector shows it: every database a schema, tables with their
   * columns (partition keys last) in Trino's metadata spelling, Athena views with the columns and
   * text of their stored definition. Read afresh each time: one GetDatabases call per 100
   * databases, one GetTables call per 100 tables.
   */
  async describe(): Promise<CatalogDescription> {
    const schemas: string[] = [];
    try {
      for await (const page of paginateGetDatabases({ client: this.glue }, {})) for (const database of page.DatabaseList ?? []) schemas.push(database.Name!.toLowerCase());
    } catch (err) {
      throw apiFailure(this.workgroup, 'Glue GetDatabases', err);
    }
    const perSchema = await Promise.all(
      schemas.map(async (schema) => {
        const tables: TableDescription[] = [];
        try {
          for await (const page of paginateGetTables({ client: this.glue }, { DatabaseName: schema })) for (const table of page.TableList ?? []) tables.push(describeTable(schema, table));
        } catch (err) {
          throw apiFailure(this.workgroup, `Glue GetTables ${schema}`, err);
        }
        return tables;
      }),
    );
    return { name: this.catalog, connector: 'hive', schemas: schemas.sort(), tables: perSchema.flat() };
  }

  /** What reading a view reads underneath (every read the caller's); undefined for a table. */
  async viewReads(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    return this.expand({ catalog, schema, name }, []);
  }

  /**
   * An Athena view's stored text and declared columns, for applying row filters and column masks
   * inside it; with the columns its text gives when run in the view's own schema, typed by the
   * embedded engine's translator (Trino's typing rules over Glue's column types). Those are absent
   * (and a filter or mask inside the view refused) when the view was created in another schema or
   * the translator cannot type its text. The text is given with every table name written in full:
   * the gateway splices it into the caller's statement, which runs in the caller's session, where
   * a bare name would name another table. Undefined when a name cannot be rewritten so.
   */
  async viewDefinition(catalog: string, schema: string, name: string): Promise<ViewDefinition | undefined> {
    const found = await this.table(catalog, schema, name);
    const definition = found?.TableType === 'VIRTUAL_VIEW' ? prestoViewDefinition(found) : undefined;
    if (definition === undefined || definition.schema.toLowerCase() !== schema.toLowerCase()) return undefined;
    const body = await analyze(definition.originalSql, { catalog: this.catalog, schema }, this.provider([])).catch(() => undefined);
    const references = [...(body?.references ?? [])].sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
    if (body === undefined || references.some((r) => r.span === undefined || r.text !== undefined || r.tableArgument === true)) return undefined;
    let sql = '';
    let at = 0;
    for (const r of references) {
      const written = [r.table.catalog, r.table.schema, r.table.name].map(quoteIdentifier).join('.');
      sql += `${definition.originalSql.slice(at, r.span!.start)}${r.queryBody ? `TABLE ${written}` : written}`;
      at = r.span!.end;
    }
    sql += definition.originalSql.slice(at);
    const columns = definition.columns.map((c) => ({ name: c.name.toLowerCase(), type: c.type }));
    const bodyColumns = await this.bodyColumns(definition.originalSql, schema.toLowerCase());
    return { sql, columns, ...(bodyColumns !== undefined ? { bodyColumns } : {}) };
  }

  /** Glue's tables for the analyzer, views expanded (`enclosing`: the views being expanded, outermost first). */
  private provider(enclosing: readonly string[]): MetadataProvider {
    return {
      columnsOf: async (q) => {
        const columns = await this.columnsOf(q.catalog, q.schema, q.name);
        return columns.length === 0 ? undefined : columns.map((c) => c.name);
      },
      viewOf: (q) => this.expand(q, enclosing),
    };
  }

  close(): void {
    this.glue.destroy();
  }

  private async bodyColumns(sql: string, schema: string): Promise<Array<{ name: string; type: string }> | undefined> {
    try {
      const statement = parseTranslatable(sql);
      if (statement.k !== 'query') return undefined;
      const columns = new Map<string, Array<{ name: string; type: string }>>();
      for (const parts of tableNames(statement.query)) {
        const name = (parts.length === 3 ? parts : parts.length === 2 ? [this.catalog, ...parts] : [this.catalog, schema, ...parts]).map((p) => p.toLowerCase());
        if (!columns.has(name.join('.'))) columns.set(name.join('.'), await this.columnsOf(name[0]!, name[1]!, name[2]!));
      }
      const lookup = (...name: [string, string, string]) => {
        const found = columns.get(name.join('.'));
        return found === undefined || found.length === 0 ? 'table' : found;
      };
      return new Translator({ user: '', catalog: this.catalog, schema }, lookup).translate(statement.query).columns;
    } catch {
      // What the translator cannot type is not compared: the view is then refused, never guessed.
      return undefined;
    }
  }

  /** `enclosing`: the views whose text led here, outermost first (a view met again is recursive). */
  private async expand(view: QualifiedName, enclosing: readonly string[]): Promise<ViewExpansion | undefined> {
    const found = await this.table(view.catalog, view.schema, view.name);
    if (found?.TableType !== 'VIRTUAL_VIEW') return undefined;
    const display = `${view.catalog}.${view.schema}.${view.name}`;
    const refuse = (why: string) => new QueryFailure(ErrorCodes.NOT_SUPPORTED, `View ${display} ${why}: governed reads of it are not supported by the gateway`);
    const definition = prestoViewDefinition(found);
    if (definition === undefined) {
      throw refuse(found.IsMultiDialectView === true || found.ViewDefinition !== undefined ? 'is a Data Catalog view (SECURITY DEFINER)' : 'is not an Athena (Presto) view');
    }
    // Athena writes the Glue Data Catalog's name; the gateway's clients know it by `catalog`.
    if (definition.catalog.toLowerCase() !== GLUE_CATALOG && definition.catalog.toLowerCase() !== this.catalog.toLowerCase()) {
      throw refuse(`was created in catalog ${definition.catalog}, not in the Glue Data Catalog`);
    }
    const key = display.toLowerCase();
    if (enclosing.includes(key)) throw refuse(`is recursive (${[...enclosing, key].join(' → ')})`);
    const body = await analyze(definition.originalSql, { catalog: this.catalog, schema: definition.schema }, this.provider([...enclosing, key])).catch((err: unknown) => {
      throw refuse(`has a stored text the gateway cannot analyze (${(err as Error).message})`);
    });
    if (body.kind !== 'query') throw refuse('has a stored text that is not a query');
    const outside = body.tables.find((t) => t.table.catalog.toLowerCase() !== this.catalog.toLowerCase());
    if (outside !== undefined) throw refuse(`reads ${outside.table.catalog}.${outside.table.schema}.${outside.table.name}, outside the Glue Data Catalog`);
    return { reads: body.tables.filter((t) => t.privilege === 'SELECT').map((t) => ({ table: t.table, columns: t.columns })) };
  }

  private async table(catalog: string, schema: string, table: string): Promise<Table | undefined> {
    if (catalog.toLowerCase() !== this.catalog.toLowerCase()) return undefined;
    try {
      const { Table } = await this.glue.send(new GetTableCommand({ DatabaseName: schema, Name: table }));
      return Table;
    } catch (err) {
      if ((err as { name?: string }).name === 'EntityNotFoundException') return undefined;
      throw apiFailure(this.workgroup, 'Glue GetTable', err);
    }
  }
}

/**
 * `array<int>` → `array(integer)`, `struct<a:int>` → `row(a integer)`, `map<string,int>` →
 * `map(varchar, integer)`. In metadata's spelling (information_schema, DESCRIBE) row fields are
 * quoted (`row("a" integer)`) and `timestamp` is the Hive connector's `timestamp(3)`.
 */
export function trinoType(hive: string, spelling: 'type' | 'metadata' = 'type'): string {
  const text = hive.trim().toLowerCase();
  const open = text.indexOf('<');
  if (open < 0) return spelling === 'metadata' && text === 'timestamp' ? 'timestamp(3)' : (HIVE_TYPES[text] ?? text);
  const outer = text.slice(0, open);
  const inner = splitTopLevel(text.slice(open + 1, text.lastIndexOf('>')));
  if (outer === 'struct') {
    return `row(${inner.map((field) => {
      const colon = field.indexOf(':');
      const name = field.slice(0, colon).trim();
      return `${spelling === 'metadata' ? `"${name}"` : name} ${trinoType(field.slice(colon + 1), spelling)}`;
    }).join(', ')})`;
  }
  return `${outer}(${inner.map((part) => trinoType(part, spelling)).join(', ')})`;
}

/** The comma-separated parts of a type's parameters, ignoring commas nested in `<>` or `()`. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}
