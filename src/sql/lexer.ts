/**
 * A lexer for the Trino SQL dialect: identifiers (quoted and not), string literals (with ''
 * escapes, U&'...' and X'...' forms), numbers, operators, comments. Positions are kept as Trino
 * reports them (1-based line and column) so errors can point at the offending text.
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

const MULTI_CHAR_SYMBOLS = ['<>', '!=', '<=', '>=', '||', '=>', '->'];

function isWordStart(c: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(c);
}

function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_@:$\u0080-\uffff]/.test(c);
}

export function syntaxError(message: string, line: number, column: number): QueryFailure {
  return new QueryFailure(ErrorCodes.SYNTAX_ERROR, `line ${line}:${column}: ${message}`, { lineNumber: line, columnNumber: column });
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const advanceTo = (end: number) => {
    for (let i = pos; i < end; i++) {
      if (sql.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    pos = end;
  };

  /** Reads a quote-delimited run where a doubled quote stands for one; returns the index after the closing quote. */
  const readQuoted = (open: number, quote: string, what: string): { end: number; value: string } => {
    let value = '';
    let i = open + 1;
    for (;;) {
      const next = sql.indexOf(quote, i);
      if (next === -1) {
        const column = open - lineStart + 1;
        throw syntaxError(`unterminated ${what}`, line, column);
      }
      value += sql.slice(i, next);
      if (sql[next + 1] === quote) {
        value += quote;
        i = next + 2;
        continue;
      }
      return { end: next + 1, value };
    }
  };

  while (pos < sql.length) {
    const c = sql[pos]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      advanceTo(pos + 1);
      continue;
    }
    if (c === '-' && sql[pos + 1] === '-') {
      const eol = sql.indexOf('\n', pos);
      advanceTo(eol === -1 ? sql.length : eol);
      continue;
    }
    if (c === '/' && sql[pos + 1] === '*') {
      const close = sql.indexOf('*/', pos + 2);
      if (close === -1) throw syntaxError('unterminated comment', line, pos - lineStart + 1);
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

    if (c === "'") {
      const { end, value } = readQuoted(pos, "'", 'string literal');
      push('string', end, value);
    } else if ((c === 'U' || c === 'u') && sql[pos + 1] === '&' && sql[pos + 2] === "'") {
      const { end, value } = readQuoted(pos + 2, "'", 'string literal');
      push('string', end, value);
    } else if ((c === 'X' || c === 'x') && sql[pos + 1] === "'") {
      const { end, value } = readQuoted(pos + 1, "'", 'binary literal');
      push('string', end, value);
    } else if (c === '"') {
      const { end, value } = readQuoted(pos, '"', 'quoted identifier');
      if (value === '') throw syntaxError('zero-length delimited identifier not allowed', tokLine, tokColumn);
      push('quoted', end, value);
    } else if (c === '`') {
      const { end, value } = readQuoted(pos, '`', 'backquoted identifier');
      push('quoted', end, value);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[pos + 1] ?? ''))) {
      const match = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9]+)?)/.exec(sql.slice(pos, pos + 400));
      const end = pos + Math.max(1, match?.[0].length ?? 1);
      push('number', end, sql.slice(pos, end));
    } else if (isWordStart(c)) {
      let end = pos + 1;
      while (end < sql.length && isWordPart(sql[end]!)) end++;
      push('word', end, sql.slice(pos, end).toUpperCase());
    } else {
      const two = sql.slice(pos, pos + 2);
      const symbol = MULTI_CHAR_SYMBOLS.includes(two) ? two : c;
      push('symbol', pos + symbol.length, symbol);
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: sql.length, end: sql.length, line, column: pos - lineStart + 1 });
  return tokens;
}
