/**
 * Just enough of DuckDB's lexical rules to look at statement text without executing it:
 * the leading keywords (for Trino's `updateType`), statements the engine refuses to run, the
 * qualified name an error position points at, and error offsets as line and column.
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';

export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol';
  /** Identifier text: lower-cased for `word`, unescaped for `quoted`; the raw text otherwise. */
  value: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Tokens of `sql`; comments and white space are skipped. Unterminated constructs end the scan. */
export function scan(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      // DuckDB (like Trino) ends a -- comment at CR as well as LF.
      while (i < n && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && next === '*') {
      // DuckDB (like PostgreSQL) nests block comments.
      let depth = 0;
      while (i < n) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else {
          i++;
        }
      }
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const start = i;
      const backslashEscapes = c !== "'";
      i = backslashEscapes ? i + 2 : i + 1;
      while (i < n) {
        if (backslashEscapes && sql[i] === '\\') {
          i += 2;
        } else if (sql[i] === "'") {
          if (sql[i + 1] === "'") i += 2;
          else break;
        } else {
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', value: sql.slice(start, i), start, end: i });
    } else if (c === '"') {
      const start = i;
      let value = '';
      i++;
      while (i < n) {
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          break;
        }
        value += sql[i++];
      }
      i++;
      tokens.push({ kind: 'quoted', value, start, end: i });
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 66))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      const end = close < 0 ? n : close + tag.length;
      tokens.push({ kind: 'string', value: sql.slice(i, end), start: i, end });
      i = end;
    } else if (WORD_START.test(c)) {
      const start = i;
      while (i < n && WORD_PART.test(sql[i]!)) i++;
      tokens.push({ kind: 'word', value: sql.slice(start, i).toLowerCase(), start, end: i });
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      const start = i;
      while (i < n && /[0-9A-Za-z_.]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'number', value: sql.slice(start, i), start, end: i });
    } else {
      tokens.push({ kind: 'symbol', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/**
 * Table functions that change engine-wide state or run SQL built from strings. They must never
 * run on behalf of a user: `enable_logging(storage => 'file', ...)` with external access
 * disabled, for one, leaves every later statement failing and aborts the process at exit, and the
 * configuration lock does not stop it.
 */
const BLOCKED_FUNCTIONS = new Set([
  // These list the attached databases with their file paths.
  'duckdb_databases',
  'pragma_database_list',
  'query',
  'query_table',
  'json_execute_serialized_sql',
  'truncate_duckdb_logs',
  'add_parquet_key',
  'check_peg_parser',
  'import_database',
  'copy_database',
]);
const BLOCKED_FUNCTION_PATTERN = /^(enable|disable|verify)_/;

/**
 * Why `sql` must not run, if it must not: it calls a function the engine refuses to run, or it
 * is a PRAGMA (several are rewritten into plain SELECTs, so their statement type does not show them).
 */
export function refusal(sql: string): QueryFailure | undefined {
  const tokens = scan(sql);
  if (tokens[0]?.value === 'pragma') return new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'PRAGMA statements are not supported by the embedded DuckDB engine');
  for (let t = 0; t + 1 < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    if (tokens[t + 1]!.value !== '(') continue;
    const name = token.value.toLowerCase();
    if (BLOCKED_FUNCTIONS.has(name) || BLOCKED_FUNCTION_PATTERN.test(name)) {
      return new QueryFailure(ErrorCodes.PERMISSION_DENIED, `Access Denied: Cannot execute function ${name}`);
    }
  }
  return undefined;
}

/** The dotted name (`a.b."C"`) starting at string index `index`, as its parts. */
export function qualifiedNameAt(sql: string, index: number): string[] | undefined {
  const tokens = scan(sql.slice(index));
  const parts: string[] = [];
  for (let t = 0; t < tokens.length; t += 2) {
    const token = tokens[t]!;
    if (token.kind !== 'word' && token.kind !== 'quoted') break;
    parts.push(token.value);
    if (tokens[t + 1]?.value !== '.') break;
  }
  return parts.length > 0 ? parts : undefined;
}


/** Converts an offset counted in Unicode code points into a string (UTF-16) index. */
export function indexOfCodePoint(sql: string, codePoints: number): number {
  let index = 0;
  for (let k = 0; k < codePoints && index < sql.length; k++) {
    index += (sql.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  return index;
}

/** Converts an offset counted in UTF-8 bytes into a string (UTF-16) index. */
export function indexOfUtf8Byte(sql: string, bytes: number): number {
  let index = 0;
  let seen = 0;
  while (index < sql.length && seen < bytes) {
    const cp = sql.codePointAt(index)!;
    seen += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += cp > 0xffff ? 2 : 1;
  }
  return index;
}

/** 1-based line and column (in code points, as Trino counts) of a string index. */
export function locationOf(sql: string, index: number): { lineNumber: number; columnNumber: number } {
  const before = sql.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineNumber = before.split('\n').length;
  return { lineNumber, columnNumber: [...before.slice(lineStart)].length + 1 };
}
