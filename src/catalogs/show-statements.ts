/**
 * Trino's SHOW statements as Trino itself runs them (ShowQueriesRewrite): each becomes a query
 * over the metadata tables, so the gateway answers it like any metadata query, with Trino's column
 * names, types and ordering. SHOW CREATE builds its text as Trino's SQL formatter prints it.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { Ident, LikePattern, Pos } from '../sql/analyzer/ast.js';
import { quoteIdentifier, quoteString } from '../sql/quoting.js';
import type { CatalogDescription, TableDescription } from './model.js';

export interface SessionNames {
  catalog?: string;
  schema?: string;
}

function like(column: string, pattern: LikePattern | undefined): string {
  if (pattern === undefined) return '';
  return ` AND ${column} LIKE ${quoteString(pattern.pattern)}${pattern.escape === undefined ? '' : ` ESCAPE ${quoteString(pattern.escape)}`}`;
}

function at(pos: Pos | undefined): string {
  return pos === undefined ? 'line 1:1: ' : `line ${pos.line}:${pos.column}: `;
}

export function showCatalogsQuery(pattern: LikePattern | undefined): string {
  return `SELECT table_cat AS "Catalog" FROM system.jdbc.catalogs WHERE true${like('table_cat', pattern)} ORDER BY table_cat`;
}

export function showSchemasQuery(catalog: string, pattern: LikePattern | undefined): string {
  return `SELECT schema_name AS "Schema" FROM ${quoteIdentifier(catalog)}.information_schema.schemata WHERE true${like('schema_name', pattern)} ORDER BY schema_name`;
}

export function showTablesQuery(catalog: string, schema: string, pattern: LikePattern | undefined): string {
  return (
    `SELECT table_name AS "Table" FROM ${quoteIdentifier(catalog)}.information_schema.tables ` +
    `WHERE table_schema = ${quoteString(schema)}${like('table_name', pattern)} ORDER BY table_name`
  );
}

/** Trino's rewrite of SHOW FUNCTIONS over the rows of `table` (its columns: show-functions.ts). */
export function showFunctionsQuery(table: string, pattern: LikePattern | undefined): string {
  return (
    'SELECT function_name AS "Function", return_type AS "Return Type", argument_types AS "Argument Types", ' +
    `function_type AS "Function Type", deterministic AS "Deterministic", description AS "Description" FROM ${table} WHERE true${like('function_name', pattern)} ` +
    'ORDER BY lower(function_name), return_type, argument_types, function_type'
  );
}

/** Trino's rewrite of SHOW SESSION over the rows of `table` (its columns: show-session.ts). */
export function showSessionQuery(table: string, pattern: LikePattern | undefined): string {
  return `SELECT name AS "Name", value AS "Value", default_value AS "Default", type AS "Type", description AS "Description" FROM ${table} WHERE true${like('name', pattern)}`;
}

export function showColumnsQuery(catalog: string, schema: string, table: string, pattern: LikePattern | undefined): string {
  return (
    `SELECT coalesce(column_name, '') AS "Column", coalesce(data_type, '') AS "Type", coalesce(extra_info, '') AS "Extra", coalesce(comment, '') AS "Comment" ` +
    `FROM ${quoteIdentifier(catalog)}.information_schema.columns WHERE table_schema = ${quoteString(schema)} AND table_name = ${quoteString(table)}${like('column_name', pattern)} ` +
    'ORDER BY ordinal_position'
  );
}

/** The session's catalog, or Trino's MISSING_CATALOG_NAME. */
export function catalogOf(explicit: string | undefined, session: SessionNames): string {
  const catalog = explicit ?? session.catalog?.toLowerCase();
  if (catalog === undefined) throw new QueryFailure(ErrorCodes.MISSING_CATALOG_NAME, `${at(undefined)}Catalog must be specified when session catalog is not set`);
  return catalog;
}

/** `[catalog.]schema` resolved against the session, as Trino's SHOW TABLES / SHOW CREATE SCHEMA do. */
export function schemaOf(name: Ident[] | undefined, session: SessionNames): { catalog: string; schema: string } {
  if (name === undefined || name.length === 0) {
    const schema = session.schema?.toLowerCase();
    if (schema === undefined) throw new QueryFailure(ErrorCodes.MISSING_SCHEMA_NAME, `${at(undefined)}Schema must be specified when session schema is not set`);
    return { catalog: catalogOf(undefined, session), schema };
  }
  if (name.length === 1) return { catalog: catalogOf(undefined, session), schema: name[0]!.value };
  return { catalog: name[0]!.value, schema: name[1]!.value };
}

/** `[[catalog.]schema.]table` resolved against the session. */
export function tableOf(name: Ident[], session: SessionNames): { catalog: string; schema: string; table: string } {
  const table = name[name.length - 1]!.value;
  if (name.length === 1) {
    const { catalog, schema } = schemaOf(undefined, session);
    return { catalog, schema, table };
  }
  const { catalog, schema } = schemaOf(name.slice(0, -1), session);
  return { catalog, schema, table };
}

export function schemaNotFound(schema: string): QueryFailure {
  return new QueryFailure(ErrorCodes.SCHEMA_NOT_FOUND, `${at(undefined)}Schema '${schema}' does not exist`);
}

export function tableNotFound(catalog: string, schema: string, table: string, pos?: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes.TABLE_NOT_FOUND, `${at(pos)}Table '${catalog}.${schema}.${table}' does not exist`);
}

/** Trino's formatter quotes an identifier unless it is a plain lower-case one. */
function formatName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : quoteIdentifier(name);
}

/** A type as Trino's SQL formatter prints it (SHOW CREATE): `decimal(12, 2)`, `ROW(a bigint)`, `INTERVAL DAY TO SECOND`. */
export function formattedType(type: string): string {
  if (type.startsWith('interval')) return type.toUpperCase();
  let out = '';
  let i = 0;
  while (i < type.length) {
    const decimal = /^decimal\((\d+),(\d+)\)/.exec(type.slice(i));
    if (decimal) {
      out += `decimal(${decimal[1]}, ${decimal[2]})`;
      i += decimal[0].length;
    } else if (type.startsWith('row(', i)) {
      out += 'ROW(';
      i += 4;
    } else if (type[i] === '"') {
      const end = type.indexOf('"', i + 1);
      out += formatName(type.slice(i + 1, end));
      i = end + 1;
    } else {
      out += type[i];
      i++;
    }
  }
  return out;
}

export function showCreateTableText(catalog: string, t: TableDescription): string {
  const columns = t.columns.map((c) => `   ${formatName(c.name)} ${formattedType(c.type)}${c.nullable ? '' : ' NOT NULL'}${c.comment === null ? '' : ` COMMENT ${quoteString(c.comment)}`}`);
  const comment = t.comment === null ? '' : `\nCOMMENT ${quoteString(t.comment)}`;
  return `CREATE TABLE ${[catalog, t.schema, t.name].map(formatName).join('.')} (\n${columns.join(',\n')}\n)${comment}`;
}

export function showCreateSchemaText(catalog: CatalogDescription, schema: string): string {
  return `CREATE SCHEMA ${formatName(catalog.name)}.${formatName(schema)}`;
}
