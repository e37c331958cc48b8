/**
 * Query fingerprints: literals (numbers, strings, typed literals such as DATE '...' and INTERVAL '1'
 * DAY) become `?` (TRUE/FALSE/NULL are kept: they change the plan's shape),
 * keywords are upper-cased, identifiers lower-cased (Trino is case-insensitive for both), comments
 * and whitespace are dropped, so the same query with different constants shares a fingerprint.
 * IN-lists of only literals collapse to `(?)` so that lists of different lengths agree.
 */
import { createHash } from 'node:crypto';
import { tokenize, type Token } from '../lexer.js';

const TYPED_LITERAL_PREFIX = new Set(['DATE', 'TIME', 'TIMESTAMP', 'DECIMAL', 'REAL', 'DOUBLE', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'CHAR', 'VARCHAR', 'JSON', 'UUID', 'IPADDRESS']);

/** Keywords after which a `-` is a sign, not a subtraction. */
const PRECEDES_OPERAND = new Set(['SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'THEN', 'ELSE', 'WHEN', 'BY', 'IN', 'BETWEEN', 'LIMIT', 'OFFSET', 'IS', 'LIKE', 'VALUES', 'ON', 'HAVING', 'RETURN', 'CASE', 'USING', 'DISTINCT', 'ALL', 'ANY', 'SOME']);

export interface Fingerprint {
  /** Normalised text. */
  text: string;
  /** Stable hash of `text` (first 16 hex digits of SHA-256). */
  hash: string;
}

function render(t: Token): string {
  switch (t.kind) {
    case 'word':
      return t.value; // upper-cased: keywords and unquoted identifiers are case-insensitive alike
    case 'quoted':
      return `"${t.value.toLowerCase().replace(/"/g, '""')}"`;
    case 'string':
    case 'number':
      return '?';
    default:
      return t.text;
  }
}

/** The normalised text of a statement. Throws the lexer's SYNTAX_ERROR for unlexable input. */
export function fingerprint(sql: string): string {
  const tokens = tokenize(sql);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'eof') break;
    if (t.kind === 'symbol' && t.value === ';' && tokens[i + 1]?.kind === 'eof') break;
    // typed literals: DATE '2020-01-01' → ?, INTERVAL '1' DAY → ? DAY
    if (t.kind === 'word' && tokens[i + 1]?.kind === 'string' && (TYPED_LITERAL_PREFIX.has(t.value) || t.value === 'INTERVAL')) {
      out.push('?');
      i++;
      continue;
    }
    // unary minus directly before a number is part of the literal
    if (t.kind === 'symbol' && t.value === '-' && tokens[i + 1]?.kind === 'number') {
      const prev = out[out.length - 1];
      if (prev === undefined || prev === '(' || prev === ',' || prev === '=' || PRECEDES_OPERAND.has(prev) || ['<', '>', '<=', '>=', '<>', '!=', '+', '-', '*', '/'].includes(prev)) {
        out.push('?');
        i++;
        continue;
      }
    }
    out.push(render(t));
  }
  // collapse literal lists: ( ? , ? , ? ) → ( ? )
  const collapsed: string[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === '(' && out[i + 1] === '?') {
      let j = i + 1;
      while (out[j] === '?' && out[j + 1] === ',' && out[j + 2] === '?') j += 2;
      if (out[j] === '?' && out[j + 1] === ')' && j > i + 1) {
        collapsed.push('(', '?', ')');
        i = j + 1;
        continue;
      }
    }
    collapsed.push(out[i]!);
  }
  let text = '';
  for (const part of collapsed) {
    if (text === '' || part === ',' || part === ')' || part === '.' || text.endsWith('(') || text.endsWith('.')) text += part;
    else text += ` ${part}`;
  }
  return text;
}

export function fingerprintHash(sql: string): string {
  return createHash('sha256').update(fingerprint(sql)).digest('hex').slice(0, 16);
}

export function fingerprintOf(sql: string): Fingerprint {
  const text = fingerprint(sql);
  return { text, hash: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}
