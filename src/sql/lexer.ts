/**
 * The lexer for the statements the gateway authorizes. One text goes to one of two engines
 * (Trino, or the embedded DuckDB), so it reads text exactly as Trino 483's lexer does
 * (`SqlBase.g4`) and refuses every form the two engines read differently: the gateway must never
 * see a comment, string or identifier where an engine sees something else.
 *
 * - White space is space, tab, CR and LF (Trino's `WS`); `--` comments end at CR or LF (Trino's
 *   `SIMPLE_COMMENT`, DuckDB's scanner alike). Form feed, vertical tab and every other character
 *   outside a string, quoted identifier or comment that Trino does not know (all of non-ASCII
 *   among them: DuckDB treats Unicode spaces as white space and other non-ASCII as identifier
 *   characters) is a syntax error, as in Trino.
 * - A `/*` inside a block comment is refused: Trino ends the comment at the first `*\/`, DuckDB
 *   nests comments.
 * - `E'...'` (DuckDB honours backslash escapes there) and `$` (DuckDB's `$tag$...$tag$` strings and
 *   parameters; Trino's row-pattern anchors, which the gateway does not support) are refused.
 * - NUL is refused anywhere: a C string ends there.
 *
 * Positions are kept as Trino reports them (1-based line and column) so errors can point at the
 * offending text.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Decoded value: identifier text for `quoted`, literal content for `string`, upper-cased text for `word`. */
  value: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

/** Trino's operator and punctuation tokens of two characters (longest match wins). */
const TWO_CHAR_SYMBOLS = new Set(['<>', '!=', '<=', '>=', '||', '=>', '->', '::', '{-', '-}']);
/** Trino's one-character tokens (`$` is one too, refused separately). */
const ONE_CHAR_SYMBOLS = new Set([...'.(),@[]:|^{}=<>+-*/%?;']);

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
// Trino's numeric tokens (INTEGER_VALUE, DECIMAL_VALUE, DOUBLE_VALUE) and DIGIT_IDENTIFIER; the
// lexer takes the longest.
const DEC = '[0-9](?:_?[0-9])*';
const NUMBER = new RegExp(
  `0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[0-9]+(?:\\.[0-9]*)?[eE][+-]?[0-9]+|\\.[0-9]+[eE][+-]?[0-9]+|${DEC}\\.(?:${DEC})?|\\.${DEC}|${DEC}`,
  'y',
);
const DIGIT_IDENTIFIER = /[0-9][A-Za-z0-9_]+/y;

function stickyMatch(re: RegExp, sql: string, pos: number): number {
  re.lastIndex = pos;
  const m = re.exec(sql);
  return m === null ? 0 : m[0].length;
}

export function syntaxError(message: string, line: number, column: number): QueryFailure {
  return new QueryFailure(ErrorCodes.SYNTAX_ERROR, `line ${line}:${column}: ${message}`, { lineNumber: line, columnNumber: column });
}

function refused(message: string, line: number, column: number): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, `line ${line}:${column}: ${message}`, { lineNumber: line, columnNumber: column });
}

function describe(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp > 0x20 && cp < 0x7f ? `'${c}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const nul = sql.indexOf('\0');
  if (nul !== -1) {
    const before = sql.slice(0, nul);
    const lines = before.split('\n');
    throw syntaxError('the character U+0000 is not allowed in a statement', lines.length, lines[lines.length - 1]!.length + 1);
  }

  const advanceTo = (end: number) => {
    for (let i = pos; i < end; i++) {
      if (sql.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    pos = end;
  };

  /** Reads a quote-delimited run; with `doubled`, a doubled quote stands for one. Returns the index after the closing quote. */
  const readQuoted = (open: number, quote: string, what: string, doubled = true): { end: number; value: string } => {
    let value = '';
    let i = open + 1;
    for (;;) {
      const next = sql.indexOf(quote, i);
      if (next === -1) throw syntaxError(`unterminated ${what}`, line, open - lineStart + 1);
      value += sql.slice(i, next);
      if (doubled && sql[next + 1] === quote) {
        value += quote;
        i = next + 2;
        continue;
      }
      return { end: next + 1, value };
    }
  };

  while (pos < sql.length) {
    const c = sql[pos]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      advanceTo(pos + 1);
      continue;
    }
    if (c === '-' && sql[pos + 1] === '-') {
      let eol = pos + 2;
      while (eol < sql.length && sql[eol] !== '\n' && sql[eol] !== '\r') eol++;
      advanceTo(eol);
      continue;
    }
    if (c === '/' && sql[pos + 1] === '*') {
      const close = sql.indexOf('*/', pos + 2);
      if (close === -1) throw syntaxError('unterminated comment', line, pos - lineStart + 1);
      // `/*/` at the end counts too: DuckDB opens a nested comment there before it sees `*/`.
      const inner = sql.indexOf('/*', pos + 2);
      if (inner !== -1 && inner < close) {
        advanceTo(inner);
        throw refused("'/*' inside a block comment is not supported: engines differ on whether comments nest", line, pos - lineStart + 1);
      }
      advanceTo(close + 2);
      continue;
    }
    const start = pos;
    const tokLine = line;
    const tokColumn = pos - lineStart + 1;
    const push = (kind: TokenKind, end: number, value: string) => {
      tokens.push({ kind, text: sql.slice(start, end), value, start, end, line: tokLine, column: tokColumn });
      advanceTo(end);
    };
    const next = sql[pos + 1];

    if (c === "'") {
      const { end, value } = readQuoted(pos, "'", 'string literal');
      push('string', end, value);
    } else if ((c === 'U' || c === 'u') && next === '&' && sql[pos + 2] === "'") {
      const { end, value } = readQuoted(pos + 2, "'", 'string literal');
      push('string', end, value);
    } else if ((c === 'X' || c === 'x') && next === "'") {
      // Trino's BINARY_LITERAL has no doubled-quote escape: the first quote ends it.
      const { end, value } = readQuoted(pos + 1, "'", 'binary literal', false);
      push('string', end, value);
    } else if ((c === 'E' || c === 'e') && next === "'") {
      throw refused("E'...' strings are not supported: DuckDB reads backslash escapes in them, Trino does not", tokLine, tokColumn);
    } else if (c === '"') {
      const { end, value } = readQuoted(pos, '"', 'quoted identifier');
      if (value === '') throw syntaxError('zero-length delimited identifier not allowed', tokLine, tokColumn);
      push('quoted', end, value);
    } else if (c === '`') {
      const { end, value } = readQuoted(pos, '`', 'backquoted identifier');
      push('quoted', end, value);
    } else if ((c >= '0' && c <= '9') || (c === '.' && next !== undefined && next >= '0' && next <= '9')) {
      const length = stickyMatch(NUMBER, sql, pos);
      if (stickyMatch(DIGIT_IDENTIFIER, sql, pos) > length) {
        throw syntaxError('identifiers must not start with a digit; surround the identifier with double quotes', tokLine, tokColumn);
      }
      push('number', pos + length, sql.slice(pos, pos + length));
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_') {
      const end = pos + stickyMatch(WORD, sql, pos);
      push('word', end, sql.slice(pos, end).toUpperCase());
    } else if (c === '$') {
      throw syntaxError("mismatched input '$': DuckDB would read a dollar-quoted string or parameter here", tokLine, tokColumn);
    } else {
      const two = c + (next ?? '');
      if (TWO_CHAR_SYMBOLS.has(two)) push('symbol', pos + 2, two);
      else if (ONE_CHAR_SYMBOLS.has(c)) push('symbol', pos + 1, c);
      else throw syntaxError(`unexpected character ${describe(String.fromCodePoint(sql.codePointAt(pos)!))}: outside strings, quoted identifiers and comments only ASCII letters, digits, operators and the white space characters space, tab, CR and LF are allowed`, tokLine, tokColumn);
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: sql.length, end: sql.length, line, column: pos - lineStart + 1 });
  return tokens;
}

/** The `?` parameter markers of a statement, in order. */
export function parameterMarkers(sql: string): Token[] {
  return tokenize(sql).filter((t) => t.kind === 'symbol' && t.value === '?');
}
