/**
 * DuckDB errors as Trino query failures. The engine is opened with `errors_as_json`, so an error
 * message is a JSON document carrying the exception type, a subtype for catalog and binder
 * errors, the missing entry's name and the offset of the offending text. Parser offsets count
 * code points, every other offset counts UTF-8 bytes.
 */
import { ErrorCodes, QueryFailure, type ErrorCode } from '../../protocol/errors.js';
import { indexOfCodePoint, indexOfUtf8Byte, locationOf, qualifiedNameAt } from './sql-text.js';

export interface ErrorContext {
  /** The text DuckDB's offsets refer to; without it failures carry no location. */
  sql?: string;
  catalog?: string | undefined;
  schema?: string | undefined;
  /** Text that must not reach clients (catalog file paths) and what to show instead. */
  redactions: ReadonlyArray<readonly [string, string]>;
}

interface DuckDbError {
  type: string;
  message: string;
  subtype?: string;
  position?: number;
  name?: string;
  entryType?: string;
}

export function canceledFailure(): QueryFailure {
  return new QueryFailure(ErrorCodes.USER_CANCELED, 'Query was canceled');
}

function parseError(err: unknown): DuckDbError | undefined {
  if (!(err instanceof Error)) return undefined;
  const text = err.message;
  const brace = text.indexOf('{');
  if (brace >= 0) {
    try {
      const doc = JSON.parse(text.slice(brace)) as Record<string, unknown>;
      if (typeof doc.exception_type === 'string' && typeof doc.exception_message === 'string') {
        const position = Number(doc.position);
        return {
          type: doc.exception_type,
          message: doc.exception_message,
          ...(typeof doc.error_subtype === 'string' ? { subtype: doc.error_subtype } : {}),
          ...(Number.isInteger(position) ? { position } : {}),
          ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
          ...(typeof doc.type === 'string' ? { entryType: doc.type } : {}),
        };
      }
    } catch {
      // not JSON after all: fall through to the plain text form
    }
  }
  // Errors raised outside the JSON formatting path read `<Type> Error: <message>`.
  const plain = /^(?:Failed to extract statements: )?([A-Za-z ]+?) Error: ([\s\S]*)$/.exec(text);
  if (!plain) return undefined;
  return { type: plain[1]!, message: plain[2]!.split('\n\nLINE ')[0]! };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** The message without DuckDB's suggestion lists ("Did you mean", candidate functions). */
function firstParagraph(message: string): string {
  return message
    .split('\n\n')[0]!
    .split('\n')
    .filter((line) => !/^(Did you mean|Candidate |\t)/.test(line))
    .join('\n')
    .trim();
}

/** Hides catalog file paths, and any other file path the statement itself did not name (DuckDB's own directories). */
function redact(message: string, ctx: ErrorContext): string {
  let out = message;
  for (const [secret, shown] of ctx.redactions) out = out.split(secret).join(shown);
  return out.replace(/"(\/[^"]*)"/g, (quoted, path: string) => (ctx.sql?.includes(path) ? quoted : '"<path>"'));
}

function qualifiedTableName(name: string, index: number | undefined, ctx: ErrorContext): string {
  const parts = index === undefined || ctx.sql === undefined ? undefined : qualifiedNameAt(ctx.sql, index);
  if (!parts || parts[parts.length - 1]!.toLowerCase() !== name.toLowerCase()) return name;
  if (parts.length === 2 && ctx.catalog !== undefined) return [ctx.catalog, ...parts].join('.');
  if (parts.length === 1 && ctx.catalog !== undefined) return [ctx.catalog, ctx.schema ?? 'main', ...parts].join('.');
  return parts.join('.');
}

/** Maps anything thrown while DuckDB worked on a statement to the failure the client sees. */
export function toQueryFailure(err: unknown, ctx: ErrorContext): QueryFailure {
  if (err instanceof QueryFailure) return err;
  const e = parseError(err);
  if (!e) return new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, 'Internal error in the DuckDB engine');
  if (e.type === 'INTERRUPT') return canceledFailure();

  const sql = ctx.sql;
  const index =
    e.position === undefined || sql === undefined
      ? undefined
      : e.type === 'Parser'
        ? indexOfCodePoint(sql, e.position)
        : indexOfUtf8Byte(sql, e.position);
  // Trino reports a location for analysis failures only, never for failures while running.
  const located = (code: ErrorCode, message: string): QueryFailure => {
    const text = redact(message, ctx);
    if (index === undefined) return new QueryFailure(code, text);
    const location = locationOf(sql!, index);
    return new QueryFailure(code, `line ${location.lineNumber}:${location.columnNumber}: ${text}`, location);
  };
  const plain = (code: ErrorCode, message: string): QueryFailure => new QueryFailure(code, redact(message, ctx));
  const first = firstLine(e.message);

  const missingCatalog = /^Catalog (?:with name )?"?([^"!]+?)"? does not exist/.exec(first);
  if (missingCatalog) return located(ErrorCodes.CATALOG_NOT_FOUND, `Catalog '${missingCatalog[1]}' not found`);
  const missingSchema = /because schema "(.+?)" does not exist/.exec(first) ?? /^Schema with name "?([^"]+?)"? does not exist/.exec(first);
  if (missingSchema) return located(ErrorCodes.SCHEMA_NOT_FOUND, `Schema '${missingSchema[1]}' does not exist`);

  switch (e.type) {
    case 'Parser':
      return located(ErrorCodes.SYNTAX_ERROR, first);
    case 'Catalog': {
      const entryType = e.entryType ?? '';
      if (e.subtype === 'MISSING_ENTRY' && e.name !== undefined) {
        if (/^(Table|View|Table or View)$/.test(entryType)) {
          return located(ErrorCodes.TABLE_NOT_FOUND, `Table '${qualifiedTableName(e.name, index, ctx)}' does not exist`);
        }
        if (/Function$/.test(entryType)) return located(ErrorCodes.FUNCTION_NOT_FOUND, `Function '${e.name}' not registered`);
        if (entryType === 'Schema') return located(ErrorCodes.SCHEMA_NOT_FOUND, `Schema '${e.name}' does not exist`);
      }
      if (e.subtype === 'ENTRY_ALREADY_EXISTS' && e.name !== undefined) {
        if (entryType === 'Table') return located(ErrorCodes.TABLE_ALREADY_EXISTS, `Table '${qualifiedTableName(e.name, index, ctx)}' already exists`);
        if (entryType === 'Schema') return located(ErrorCodes.SCHEMA_ALREADY_EXISTS, `Schema '${e.name}' already exists`);
        return located(ErrorCodes.ALREADY_EXISTS, first);
      }
      return located(ErrorCodes.GENERIC_USER_ERROR, firstParagraph(e.message));
    }
    case 'Binder': {
      if (e.subtype === 'COLUMN_NOT_FOUND') {
        const name = e.name ?? /column "(.+?)"/.exec(first)?.[1] ?? '?';
        return located(ErrorCodes.COLUMN_NOT_FOUND, `Column '${name}' cannot be resolved`);
      }
      const call = /(?:best candidate function for the function call|the given name and argument types) ["'](.+?)\(/.exec(first);
      if (call) {
        // An operator without a fitting overload is a type error in Trino's terms.
        return located(/^[A-Za-z_]/.test(call[1]!) ? ErrorCodes.FUNCTION_NOT_FOUND : ErrorCodes.TYPE_MISMATCH, first);
      }
      if (/cannot compare|cannot mix|cannot be cast|cannot cast|type mismatch/i.test(first)) return located(ErrorCodes.TYPE_MISMATCH, first);
      return located(ErrorCodes.GENERIC_USER_ERROR, firstParagraph(e.message));
    }
    case 'Conversion':
      return plain(ErrorCodes.INVALID_CAST_ARGUMENT, first);
    case 'Mismatch Type':
    case 'Invalid type':
      return plain(ErrorCodes.TYPE_MISMATCH, first);
    case 'Divide by Zero':
      return plain(ErrorCodes.DIVISION_BY_ZERO, 'Division by zero');
    case 'Out of Range':
    case 'Decimal':
      return plain(/division by zero/i.test(first) ? ErrorCodes.DIVISION_BY_ZERO : ErrorCodes.NUMERIC_VALUE_OUT_OF_RANGE, first);
    case 'Constraint':
      return plain(ErrorCodes.CONSTRAINT_VIOLATION, first);
    case 'Permission':
      return plain(ErrorCodes.PERMISSION_DENIED, `Access Denied: ${first}`);
    case 'Not implemented':
      return plain(ErrorCodes.NOT_SUPPORTED, first);
    case 'Out of Memory':
      return plain(ErrorCodes.GENERIC_INSUFFICIENT_RESOURCES, first);
    case 'Invalid Input':
      if (/more than one row returned by a subquery/i.test(first)) {
        return plain(ErrorCodes.SUBQUERY_MULTIPLE_ROWS, 'Scalar sub-query has returned multiple rows');
      }
      if (/attached in read-only mode/.test(first)) return plain(ErrorCodes.PERMISSION_DENIED, `Access Denied: ${first}`);
      return plain(ErrorCodes.GENERIC_USER_ERROR, firstParagraph(e.message));
    case 'FATAL':
    case 'INTERNAL':
    case 'NULL pointer':
      return plain(ErrorCodes.GENERIC_INTERNAL_ERROR, `DuckDB internal error: ${first}`);
    default:
      return plain(ErrorCodes.GENERIC_USER_ERROR, firstParagraph(e.message));
  }
}

/** What a failure of a translated statement may tell: its code and a message of Trino's, never DuckDB's text. */
const TRANSLATED_MESSAGES: Partial<Record<keyof typeof ErrorCodes, string>> = {
  NUMERIC_VALUE_OUT_OF_RANGE: 'Numeric value out of range',
  DIVISION_BY_ZERO: 'Division by zero',
  SUBQUERY_MULTIPLE_ROWS: 'Scalar sub-query has returned multiple rows',
};

/** The failure codes whose message names only what the client itself wrote (tables, catalogs, schemas). */
const NAMING_CODES = new Set<string>(['USER_CANCELED', 'CATALOG_NOT_FOUND', 'SCHEMA_NOT_FOUND', 'TABLE_NOT_FOUND', 'PERMISSION_DENIED', 'EXCEEDED_GLOBAL_MEMORY_LIMIT', 'GENERIC_INSUFFICIENT_RESOURCES']);

/**
 * Maps a failure of a statement the translator rendered. The translation raises Trino's own errors
 * as `error('QG:<code>:<message>')`; any other DuckDB failure keeps its mapped code, with Trino's
 * wording for value errors; what is left is a gap of the translation, refused without DuckDB's text.
 */
export function translatedFailure(err: unknown, ctx: ErrorContext): QueryFailure {
  if (err instanceof QueryFailure) return err;
  const e = parseError(err);
  const raised = e && /^QG:([A-Z_]+):(.*)$/.exec(firstLine(e.message));
  if (raised && Object.hasOwn(ErrorCodes, raised[1]!)) return new QueryFailure(ErrorCodes[raised[1] as keyof typeof ErrorCodes], raised[2]!);
  const mapped = toQueryFailure(err, { redactions: ctx.redactions });
  // The translation casts only between numeric types (casts from text are refused, NaN is checked first): a failed cast is an overflow.
  if (mapped.errorCode === ErrorCodes.INVALID_CAST_ARGUMENT) return new QueryFailure(ErrorCodes.NUMERIC_VALUE_OUT_OF_RANGE, 'Numeric value out of range');
  const name = mapped.errorCode.name as keyof typeof ErrorCodes;
  const message = TRANSLATED_MESSAGES[name];
  if (message !== undefined) return new QueryFailure(mapped.errorCode, message);
  if (NAMING_CODES.has(name)) return mapped;
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'The embedded engine cannot run this statement exactly as Trino would');
}
