/**
 * Trino error catalogue and the error documents clients understand.
 *
 * Every query failure the gateway produces itself is a `QueryFailure` carrying one entry of
 * this catalogue. Codes and names follow Trino's StandardErrorCode so that clients (JDBC's
 * `getErrorCode()`, Python's error classes) see the same numbers a Trino coordinator sends.
 * Gateway-specific failures (backend unreachable, bad follow-up token) use their own range,
 * well above the connector range Trino reserves (0x0100_0000).
 */

export type ErrorType = 'USER_ERROR' | 'INTERNAL_ERROR' | 'INSUFFICIENT_RESOURCES' | 'EXTERNAL';

export interface ErrorCode {
  readonly name: string;
  readonly code: number;
  readonly type: ErrorType;
}

function user(name: string, code: number): ErrorCode {
  return { name, code, type: 'USER_ERROR' };
}

export const ErrorCodes = {
  GENERIC_USER_ERROR: user('GENERIC_USER_ERROR', 0),
  SYNTAX_ERROR: user('SYNTAX_ERROR', 1),
  ABANDONED_QUERY: user('ABANDONED_QUERY', 2),
  USER_CANCELED: user('USER_CANCELED', 3),
  PERMISSION_DENIED: user('PERMISSION_DENIED', 4),
  NOT_FOUND: user('NOT_FOUND', 5),
  FUNCTION_NOT_FOUND: user('FUNCTION_NOT_FOUND', 6),
  INVALID_FUNCTION_ARGUMENT: user('INVALID_FUNCTION_ARGUMENT', 7),
  DIVISION_BY_ZERO: user('DIVISION_BY_ZERO', 8),
  INVALID_CAST_ARGUMENT: user('INVALID_CAST_ARGUMENT', 9),
  ALREADY_EXISTS: user('ALREADY_EXISTS', 12),
  NOT_SUPPORTED: user('NOT_SUPPORTED', 13),
  INVALID_SESSION_PROPERTY: user('INVALID_SESSION_PROPERTY', 14),
  CONSTRAINT_VIOLATION: user('CONSTRAINT_VIOLATION', 16),
  NUMERIC_VALUE_OUT_OF_RANGE: user('NUMERIC_VALUE_OUT_OF_RANGE', 19),
  UNKNOWN_TRANSACTION: user('UNKNOWN_TRANSACTION', 20),
  NOT_IN_TRANSACTION: user('NOT_IN_TRANSACTION', 21),
  INCOMPATIBLE_CLIENT: user('INCOMPATIBLE_CLIENT', 27),
  SUBQUERY_MULTIPLE_ROWS: user('SUBQUERY_MULTIPLE_ROWS', 28),
  QUERY_REJECTED: user('QUERY_REJECTED', 31),
  QUERY_TEXT_TOO_LARGE: user('QUERY_TEXT_TOO_LARGE', 35),
  CATALOG_NOT_FOUND: user('CATALOG_NOT_FOUND', 44),
  SCHEMA_NOT_FOUND: user('SCHEMA_NOT_FOUND', 45),
  TABLE_NOT_FOUND: user('TABLE_NOT_FOUND', 46),
  COLUMN_NOT_FOUND: user('COLUMN_NOT_FOUND', 47),
  SCHEMA_ALREADY_EXISTS: user('SCHEMA_ALREADY_EXISTS', 49),
  TABLE_ALREADY_EXISTS: user('TABLE_ALREADY_EXISTS', 50),
  DUPLICATE_NAMED_QUERY: user('DUPLICATE_NAMED_QUERY', 53),
  DUPLICATE_COLUMN_NAME: user('DUPLICATE_COLUMN_NAME', 54),
  MISSING_COLUMN_NAME: user('MISSING_COLUMN_NAME', 55),
  MISSING_CATALOG_NAME: user('MISSING_CATALOG_NAME', 56),
  MISSING_SCHEMA_NAME: user('MISSING_SCHEMA_NAME', 57),
  TYPE_MISMATCH: user('TYPE_MISMATCH', 58),
  INVALID_LITERAL: user('INVALID_LITERAL', 59),
  COLUMN_TYPE_UNKNOWN: user('COLUMN_TYPE_UNKNOWN', 60),
  MISMATCHED_COLUMN_ALIASES: user('MISMATCHED_COLUMN_ALIASES', 61),
  AMBIGUOUS_NAME: user('AMBIGUOUS_NAME', 62),
  INVALID_COLUMN_REFERENCE: user('INVALID_COLUMN_REFERENCE', 63),
  MISSING_OVER: user('MISSING_OVER', 66),
  FUNCTION_NOT_AGGREGATE: user('FUNCTION_NOT_AGGREGATE', 72),
  DUPLICATE_WINDOW_NAME: user('DUPLICATE_WINDOW_NAME', 92),
  INVALID_WINDOW_REFERENCE: user('INVALID_WINDOW_REFERENCE', 93),

  GENERIC_INTERNAL_ERROR: { name: 'GENERIC_INTERNAL_ERROR', code: 65536, type: 'INTERNAL_ERROR' },
  SERVER_SHUTTING_DOWN: { name: 'SERVER_SHUTTING_DOWN', code: 65545, type: 'INTERNAL_ERROR' },

  GENERIC_INSUFFICIENT_RESOURCES: { name: 'GENERIC_INSUFFICIENT_RESOURCES', code: 131072, type: 'INSUFFICIENT_RESOURCES' },
  EXCEEDED_GLOBAL_MEMORY_LIMIT: { name: 'EXCEEDED_GLOBAL_MEMORY_LIMIT', code: 131073, type: 'INSUFFICIENT_RESOURCES' },
  QUERY_QUEUE_FULL: { name: 'QUERY_QUEUE_FULL', code: 131074, type: 'INSUFFICIENT_RESOURCES' },
  EXCEEDED_TIME_LIMIT: { name: 'EXCEEDED_TIME_LIMIT', code: 131075, type: 'INSUFFICIENT_RESOURCES' },
  EXCEEDED_CPU_LIMIT: { name: 'EXCEEDED_CPU_LIMIT', code: 131077, type: 'INSUFFICIENT_RESOURCES' },
  EXCEEDED_LOCAL_MEMORY_LIMIT: { name: 'EXCEEDED_LOCAL_MEMORY_LIMIT', code: 131079, type: 'INSUFFICIENT_RESOURCES' },
  EXCEEDED_SCAN_LIMIT: { name: 'EXCEEDED_SCAN_LIMIT', code: 131081, type: 'INSUFFICIENT_RESOURCES' },

  // Gateway-owned codes.
  BACKEND_UNAVAILABLE: { name: 'BACKEND_UNAVAILABLE', code: 0x0700_0000, type: 'EXTERNAL' },
  BACKEND_PROTOCOL_ERROR: { name: 'BACKEND_PROTOCOL_ERROR', code: 0x0700_0001, type: 'EXTERNAL' },
  INVALID_QUERY_TOKEN: user('INVALID_QUERY_TOKEN', 0x0700_0002),
} as const satisfies Record<string, ErrorCode>;

export interface ErrorLocation {
  lineNumber: number;
  columnNumber: number;
}

/** A query failure to be reported to the client as a Trino error document. */
export class QueryFailure extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly location?: ErrorLocation,
  ) {
    super(message);
    this.name = 'QueryFailure';
  }
}

/** The Java exception class a Trino coordinator would name for this kind of failure. */
function failureType(code: ErrorCode): string {
  if (code === ErrorCodes.PERMISSION_DENIED) return 'io.trino.spi.security.AccessDeniedException';
  if (code === ErrorCodes.SYNTAX_ERROR) return 'io.trino.sql.parser.ParsingException';
  return 'io.trino.spi.TrinoException';
}

/** The `error` member of a QueryResults document (shaped so the JDBC driver can deserialize `failureInfo`). */
export function toQueryError(failure: QueryFailure): Record<string, unknown> {
  const { errorCode, message, location } = failure;
  const failureInfo: Record<string, unknown> = {
    type: failureType(errorCode),
    message,
    suppressed: [],
    stack: [],
  };
  const error: Record<string, unknown> = {
    message,
    errorCode: errorCode.code,
    errorName: errorCode.name,
    errorType: errorCode.type,
  };
  if (location) {
    error.errorLocation = location;
    failureInfo.errorLocation = location;
  }
  error.failureInfo = failureInfo;
  return error;
}

/** Turns anything thrown into a QueryFailure without leaking internals (stack traces, URLs) to the client. */
export function asQueryFailure(err: unknown): QueryFailure {
  if (err instanceof QueryFailure) return err;
  return new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, 'Internal gateway error');
}

/**
 * An HTTP-level refusal, answered with a status and a text/plain body, the way Trino answers
 * requests that never become queries (bad headers, empty statements, unknown queries).
 */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}
