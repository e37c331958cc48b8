/**
 * SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS and DESCRIBE list only what the user may see, as
 * Trino's own access control filters them (decision.ts metadataVisibility). The gateway runs the
 * statement itself (as its own user, in the caller's session catalog and schema, so LIKE and
 * ESCAPE keep the engine's meaning), drops the rows the user may not see, and hands the engine a
 * statement that returns exactly the remaining rows, with the same column names and types.
 * Where the backend serving the catalog cannot answer for the gateway, the statement is refused.
 */
import type { CatalogObjects } from '../engines/backend.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { AccessRequest, QualifiedName, StatementKind } from '../sql/analyzer/index.js';
import { tableReferences, type TableReference } from '../sql/table-references.js';
import { quoteIdentifier, quoteString } from '../sql/quoting.js';
import type { MetadataVisibility } from './decision.js';

export interface ShowAnswer {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
}

export interface ShowLister {
  /**
   * The unfiltered answer of a SHOW statement from the backend serving `catalog` (every backend
   * for SHOW CATALOGS, `catalog` undefined); undefined when a backend cannot answer it.
   */
  showRows(catalog: string | undefined, sql: string, session: { catalog?: string; schema?: string }): Promise<ShowAnswer | undefined>;
  /** Every schema, table and column of a catalog; undefined when its backend cannot list them. */
  objectsOf(catalog: string): Promise<CatalogObjects | undefined>;
}

const SHOW_KINDS: ReadonlySet<StatementKind> = new Set(['showCatalogs', 'showSchemas', 'showTables', 'showColumns', 'describe']);

/** Whether the statement (or the one it wraps) lists metadata that must be filtered. */
export function listsMetadata(request: AccessRequest): boolean {
  return SHOW_KINDS.has(request.kind) || (request.innerKind !== undefined && SHOW_KINDS.has(request.innerKind) && request.kind !== 'explain');
}

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${type})`;
  return `CAST(${quoteString(String(value))} AS ${type})`;
}

/**
 * A statement returning exactly `rows`, in order, under `columns` with their types (the types of
 * the unfiltered answer, as Trino reports them: SHOW CATALOGS is varchar(n) of the longest name
 * of all catalogs, shown or not).
 */
export function rowsStatement(answer: ShowAnswer): string {
  const names = answer.columns.map((c) => quoteIdentifier(c.name));
  if (answer.rows.length === 0) {
    return `SELECT ${answer.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ')} WHERE false`;
  }
  const values = answer.rows.map((row, i) => `(${answer.columns.map((c, j) => literal(row[j], c.type)).join(', ')}, ${i})`);
  return `SELECT ${names.join(', ')} FROM (VALUES ${values.join(', ')}) AS t(${names.join(', ')}, "$order") ORDER BY "$order"`;
}

/**
 * The statement that answers `sql` (an allowed SHOW or DESCRIBE) with only the rows `visible`
 * lets the user see.
 */
export async function filteredShowStatement(
  request: AccessRequest,
  sql: string,
  session: { catalog?: string; schema?: string },
  lister: ShowLister | undefined,
  visible: MetadataVisibility,
): Promise<string> {
  if (request.innerKind !== undefined) {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'SHOW and DESCRIBE statements cannot be prepared or executed indirectly under access control; run them directly');
  }
  let catalog: string | undefined;
  let keep: (row: unknown[]) => boolean;
  switch (request.kind) {
    case 'showCatalogs':
      keep = (row) => visible.catalog(String(row[0]));
      break;
    case 'showSchemas': {
      const c = request.catalogs[0]!;
      catalog = c;
      keep = (row) => visible.schema(c, String(row[0]));
      break;
    }
    case 'showTables': {
      const s = request.schemas[0]!;
      catalog = s.catalog;
      keep = (row) => visible.table({ catalog: s.catalog, schema: s.schema, name: String(row[0]) });
      break;
    }
    default: {
      const table: QualifiedName = request.tables[0]!.table;
      catalog = table.catalog;
      keep = (row) => visible.column(table, String(row[0]));
    }
  }
  const answer = lister === undefined ? undefined : await lister.showRows(catalog, sql, session);
  if (answer === undefined) {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `${catalog === undefined ? 'SHOW CATALOGS' : `Listing metadata of catalog ${catalog}`} cannot be filtered for access control by the engine serving it`);
  }
  return rowsStatement({ columns: answer.columns, rows: answer.rows.filter(keep) });
}

/** information_schema tables that list catalog objects, and how each is filtered (Trino's filterSchemas / filterTables / filterColumns). */
const LISTING_TABLES: Readonly<Record<string, 'schemas' | 'tables' | 'columns'>> = {
  schemata: 'schemas',
  tables: 'tables',
  views: 'tables',
  table_privileges: 'tables',
  columns: 'columns',
};

function inList(keys: string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return 'false';
  const tuple = (values: readonly string[]) => (values.length === 1 ? quoteString(values[0]!) : `(${values.map(quoteString).join(', ')})`);
  const columns = keys.length === 1 ? keys[0]! : `(${keys.join(', ')})`;
  return `${columns} IN (VALUES ${rows.map(tuple).join(', ')})`;
}

/**
 * Reads of `<catalog>.information_schema.{schemata,tables,views,table_privileges,columns}` become
 * subqueries keeping only the rows the user may see, as Trino filters them; undefined when the
 * statement reads none of them. Reads through EXECUTE / EXECUTE IMMEDIATE, `TABLE
 * information_schema.x`, or of a catalog whose backend cannot list its objects are refused, as
 * are system.jdbc and system.metadata (Trino filters their rows across every catalog).
 */
export async function filteredInformationSchema(
  request: AccessRequest,
  sql: string,
  session: { catalog?: string; schema?: string },
  lister: ShowLister | undefined,
  visible: MetadataVisibility,
): Promise<string | undefined> {
  const listed = request.tables.filter((t) => t.privilege === 'SELECT' && t.viewOwner === undefined && t.table.schema === 'information_schema' && LISTING_TABLES[t.table.name] !== undefined);
  for (const t of request.tables) {
    if (t.table.catalog === 'system' && (t.table.schema === 'jdbc' || t.table.schema === 'metadata')) {
      throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `Reading ${t.table.catalog}.${t.table.schema}.${t.table.name} is not supported under access control: its rows cannot be filtered for the user; use SHOW statements`);
    }
  }
  if (listed.length === 0) return undefined;
  const refuse = (why: string) => new QueryFailure(ErrorCodes.NOT_SUPPORTED, `information_schema cannot be filtered for access control here: ${why}`);
  if (request.innerKind !== undefined) throw refuse('the statement runs through EXECUTE');
  let references: TableReference[];
  try {
    references = tableReferences(sql);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const objects = new Map<string, CatalogObjects>();
  for (const ref of references) {
    const parts = ref.parts;
    const catalog = parts.length === 3 ? parts[0]! : session.catalog?.toLowerCase();
    const schema = parts.length >= 2 ? parts[parts.length - 2]! : session.schema?.toLowerCase();
    const table = parts[parts.length - 1]!;
    const kind = LISTING_TABLES[table];
    if (schema !== 'information_schema' || catalog === undefined || kind === undefined) continue;
    if (ref.body) throw refuse(`TABLE ${parts.join('.')}`);
    let listing = objects.get(catalog);
    if (listing === undefined) {
      listing = lister === undefined ? undefined : await lister.objectsOf(catalog);
      if (listing === undefined) throw refuse(`the engine serving catalog ${catalog} cannot list its objects`);
      objects.set(catalog, listing);
    }
    const q = (s: string, t: string): QualifiedName => ({ catalog, schema: s, name: t });
    // A catalog the user may not see lists nothing, not even its information_schema (as in Trino 483).
    const filter = !visible.catalog(catalog)
      ? 'false'
      : kind === 'schemas'
        ? inList(['schema_name'], listing.schemas.filter((s) => visible.schema(catalog, s)).map((s) => [s]))
        : kind === 'tables'
          ? inList(['table_schema', 'table_name'], listing.tables.filter(([s, t]) => visible.table(q(s, t))))
          : inList(['table_schema', 'table_name', 'column_name'], listing.columns.filter(([s, t, c]) => visible.table(q(s, t)) && visible.column(q(s, t), c)));
    const original = sql.slice(ref.start, ref.end);
    edits.push({ start: ref.start, end: ref.end, text: `(SELECT * FROM ${original} WHERE ${filter})${ref.alias ? '' : ` AS ${quoteIdentifier(table)}`}` });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = sql;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
