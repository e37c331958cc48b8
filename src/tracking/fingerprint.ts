/**
 * Statement fingerprints: the statement with literals replaced by `?`, so that queries differing
 * only in their constants group together. Unquoted identifiers are lower-cased, quoted ones kept
 * as written, keywords upper-cased, whitespace and comments dropped, `IN (?, ?, ?)` collapsed to
 * `IN (?)` and `VALUES (?, ?), (?, ?)` to `VALUES (?, ?)`. The hash is a short, stable sha256 hex
 * prefix of the fingerprint text.
 */
import { createHash } from 'node:crypto';
import { tokenize, type Token } from '../sql/lexer.js';
import { SQL_KEYWORDS } from './keywords.js';

export const FINGERPRINT_HASH_LENGTH = 16;

export interface Fingerprint {
  text: string;
  hash: string;
}

export function fingerprintHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, FINGERPRINT_HASH_LENGTH);
}

export function fingerprint(sql: string): Fingerprint {
  const text = normalizeStatement(sql);
  return { text, hash: fingerprintHash(text) };
}

/** Words after which a `-` directly before a number is a sign, not a subtraction. */
const SIGN_CONTEXT_SYMBOLS = new Set(['(', ',', '=', '<', '>', '<=', '>=', '<>', '!=', '+', '-', '*', '/', '%', '||', '[']);

export function normalizeStatement(sql: string): string {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    // Not lexable (e.g. an unterminated string): the best we can do is collapse whitespace.
    return sql.trim().replace(/\s+/g, ' ');
  }
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.kind) {
      case 'eof':
        break;
      case 'string':
      case 'number':
        // A sign before a number is part of the literal.
        if (token.kind === 'number' && (out[out.length - 1] === '-' || out[out.length - 1] === '+')) {
          const before = out[out.length - 2];
          if (before === undefined || SIGN_CONTEXT_SYMBOLS.has(before) || SQL_KEYWORDS.has(before)) out.pop();
        }
        out.push('?');
        break;
      case 'quoted':
        out.push(`"${token.value.replaceAll('"', '""')}"`);
        break;
      case 'word':
        out.push(SQL_KEYWORDS.has(token.value) ? token.value : token.text.toLowerCase());
        break;
      case 'symbol':
        out.push(token.text);
        break;
    }
  }
  while (out[out.length - 1] === ';') out.pop();
  return render(collapseLists(out));
}

/** `IN ( ? , ? , ? )` → `IN ( ? )`; `VALUES ( ? , ? ) , ( ? , ? )` → `VALUES ( ? , ? )`. */
function collapseLists(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    out.push(t);
    if (t === 'IN' && tokens[i + 1] === '(') {
      const end = literalListEnd(tokens, i + 2);
      if (end !== -1) {
        out.push('(', '?', ')');
        i = end;
      }
    } else if (t === 'VALUES') {
      let j = i + 1;
      let first: string[] | undefined;
      let last = -1;
      while (tokens[j] === '(') {
        const end = literalListEnd(tokens, j + 1);
        if (end === -1) break;
        first ??= tokens.slice(j, end + 1);
        last = end;
        if (tokens[end + 1] !== ',' || tokens[end + 2] !== '(') break;
        j = end + 2;
      }
      if (first && last !== -1) {
        out.push(...first);
        i = last;
      }
    }
  }
  return out;
}

/** With `start` just after `(`: the index of the `)` closing a list made only of `?` and `,`, or -1. */
function literalListEnd(tokens: string[], start: number): number {
  let expectValue = true;
  for (let j = start; j < tokens.length; j++) {
    const t = tokens[j];
    if (expectValue && t === '?') expectValue = false;
    else if (!expectValue && t === ',') expectValue = true;
    else if (!expectValue && t === ')') return j;
    else return -1;
  }
  return -1;
}

function render(tokens: string[]): string {
  let text = '';
  let prev: string | undefined;
  for (const t of tokens) {
    if (prev !== undefined && needsSpace(prev, t)) text += ' ';
    text += t;
    prev = t;
  }
  return text;
}

function needsSpace(prev: string, next: string): boolean {
  if (next === ',' || next === ')' || next === ']' || next === '.' || prev === '.' || prev === '(' || prev === '[') return false;
  // A function call or a subscript: no space between the name and its bracket.
  if ((next === '(' || next === '[') && isName(prev) && !SQL_KEYWORDS.has(prev)) return false;
  return true;
}

function isName(t: string): boolean {
  return /^[a-z_\u0080-\uffff][a-z0-9_@:$\u0080-\uffff]*$/.test(t) || (t.startsWith('"') && t.endsWith('"'));
}
