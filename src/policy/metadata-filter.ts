/**
 * SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS and DESCRIBE list only what the user may see, as
 * Trino's own access control filters them (decision.ts metadataVisibility). The gateway runs the
 * statement itself (as its own user, in the caller's session catalog and schema, so LIKE and
 * ESCAPE keep the engine's meaning), drops the rows the user may not see, and hands the engine a
 * statement that returns exactly the remaining rows, with the same column names and types.
 * Where the backend serving the catalog cannot answer for the gateway, the statement is refused.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { AccessRequest, QualifiedName, StatementKind } from '../sql/analyzer/index.js';
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
}

const SHOW_KINDS: ReadonlySet<StatementKind> = new Set(['showCatalogs', 'showSchemas', 'showTables', 'showColumns', 'describe']);

/** Whether the statement (or the one it wraps) lists metadata that must be filtered. */
export function listsMetadata(request: AccessRequest): boolean {
  return SHOW_KINDS.has(request.kind) || (request.innerKind !== undefined && SHOW_KINDS.has(request.innerKind) && request.kind !== 'explain');
}

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${type})`;
  return `CAST('${String(value).replace(/'/g, "''")}' AS ${type})`;
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A statement returning exactly `rows`, in order, under `columns` with their types (the types of
 * the unfiltered answer, as Trino reports them: SHOW CATALOGS is varchar(n) of the longest name
 * of all catalogs, shown or not).
 */
export function rowsStatement(answer: ShowAnswer): string {
  const names = answer.columns.map((c) => quoteName(c.name));
  if (answer.rows.length === 0) {
    return `SELECT ${answer.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteName(c.name)}`).join(', ')} WHERE false`;
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
