/**
 * Recognises the statements that change client session state rather than touch data (USE,
 * SET/RESET SESSION, PREPARE, DEALLOCATE, EXECUTE, transactions). Engines the gateway runs
 * itself need them answered by the gateway; everything else is a `query` for the engine.
 *
 * It also enforces "exactly one statement per request": trailing text after a top-level `;`
 * is a syntax error, as it is for Trino.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import { syntaxError, tokenize, type Token } from './lexer.js';

export type SessionStatement =
  | { kind: 'use'; catalog?: string; schema: string }
  | { kind: 'setSession'; name: string; value: SessionValue }
  | { kind: 'resetSession'; name: string }
  | { kind: 'prepare'; name: string; sql: string }
  | { kind: 'deallocate'; name: string }
  | { kind: 'execute'; name: string; parameters: string[] }
  | { kind: 'executeImmediate'; sql: string; parameters: string[] }
  | { kind: 'setAuthorization'; user: string }
  | { kind: 'resetAuthorization' }
  | { kind: 'startTransaction' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'query'; sql: string };

class Cursor {
  private index = 0;

  constructor(
    private readonly sql: string,
    private readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  isWord(...words: string[]): boolean {
    const t = this.peek();
    return t.kind === 'word' && words.includes(t.value);
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.index++;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.unexpected(`'${word}'`);
  }

  acceptSymbol(symbol: string): boolean {
    const t = this.peek();
    if (t.kind !== 'symbol' || t.value !== symbol) return false;
    this.index++;
    return true;
  }

  /** An identifier: unquoted names are case-insensitive (lower-cased, as Trino does), quoted keep their case. */
  identifier(): string {
    const t = this.peek();
    if (t.kind === 'word') {
      this.index++;
      return t.text.toLowerCase();
    }
    if (t.kind === 'quoted') {
      this.index++;
      return t.value;
    }
    throw this.unexpected('an identifier');
  }

  /** A name kept as written (prepared statement names round-trip through headers unchanged). */
  name(): string {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'quoted') throw this.unexpected('an identifier');
    this.index++;
    return t.kind === 'word' ? t.text : t.value;
  }

  /** Raw source text from `from` to the end of the statement (before a trailing `;`). */
  restFrom(from: Token): string {
    return this.sql.slice(from.start, this.statementEnd()).trim();
  }

  statementEnd(): number {
    const last = this.tokens[this.tokens.length - 2];
    if (last && last.kind === 'symbol' && last.value === ';') return last.start;
    return this.sql.length;
  }

  expectEnd(): void {
    this.acceptSymbol(';');
    if (this.peek().kind !== 'eof') throw this.unexpected('end of statement');
  }

  unexpected(expecting: string) {
    const t = this.peek();
    const found = t.kind === 'eof' ? '<EOF>' : `'${t.text}'`;
    return syntaxError(`mismatched input ${found}. Expecting: ${expecting}`, t.line, t.column);
  }

  /** Comma-separated expressions up to the end of the statement, each as raw source text. */
  expressionList(): string[] {
    const out: string[] = [];
    let depth = 0;
    let start: Token | undefined;
    const end = this.statementEnd();
    for (;;) {
      const t = this.peek();
      const atEnd = t.kind === 'eof' || t.start >= end;
      if (atEnd || (depth === 0 && t.kind === 'symbol' && t.value === ',')) {
        if (!start) throw this.unexpected('an expression');
        out.push(this.sql.slice(start.start, this.tokens[this.index - 1]!.end));
        start = undefined;
        if (atEnd) return out;
        this.next();
        continue;
      }
      if (t.kind === 'symbol' && (t.value === '(' || t.value === '[')) depth++;
      if (t.kind === 'symbol' && (t.value === ')' || t.value === ']')) depth--;
      start ??= t;
      this.next();
    }
  }
}

/** Rejects a second statement after a top-level `;`. */
function assertSingleStatement(tokens: Token[]): void {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'symbol') continue;
    if (t.value === '(' || t.value === '[') depth++;
    else if (t.value === ')' || t.value === ']') depth--;
    else if (t.value === ';' && depth <= 0) {
      const after = tokens[i + 1]!;
      if (after.kind !== 'eof') throw syntaxError(`mismatched input '${after.text}'. Expecting: <EOF>`, after.line, after.column);
    }
  }
}

/** A SET SESSION value: the literal's text as the session keeps it, its kind, and where it starts. */
export interface SessionValue {
  text: string;
  literal: 'string' | 'number' | 'boolean' | 'null';
  line: number;
  column: number;
}

/** The value of SET SESSION, which must be the whole rest of the statement. */
function sessionValue(cursor: Cursor): SessionValue {
  const t = cursor.next();
  const at = { line: t.line, column: t.column };
  let value: SessionValue | undefined;
  if (t.kind === 'string' && !/^[xX]/.test(t.text)) value = { text: t.value, literal: 'string', ...at };
  else if (t.kind === 'number') value = { text: t.text, literal: 'number', ...at };
  else if (t.kind === 'word' && (t.value === 'TRUE' || t.value === 'FALSE')) value = { text: t.value.toLowerCase(), literal: 'boolean', ...at };
  else if (t.kind === 'word' && t.value === 'NULL') value = { text: 'null', literal: 'null', ...at };
  else if (t.kind === 'symbol' && t.value === '-' && cursor.peek().kind === 'number') value = { text: `-${cursor.next().text}`, literal: 'number', ...at };
  cursor.acceptSymbol(';');
  // Trino evaluates any constant expression here (its parser accepted this one); the gateway keeps literals only.
  if (value === undefined || cursor.peek().kind !== 'eof') {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `line ${t.line}:${t.column}: SET SESSION to anything but a literal value is not supported by the gateway`);
  }
  return value;
}

export function classifyStatement(sql: string): SessionStatement {
  const tokens = tokenize(sql);
  if (tokens.length === 1) throw syntaxError('mismatched input \'<EOF>\'. Expecting: a statement', 1, 1);
  assertSingleStatement(tokens);
  const c = new Cursor(sql, tokens);

  if (c.acceptWord('USE')) {
    const first = c.identifier();
    if (c.acceptSymbol('.')) {
      const schema = c.identifier();
      c.expectEnd();
      return { kind: 'use', catalog: first, schema };
    }
    c.expectEnd();
    return { kind: 'use', schema: first };
  }
  const authorization = c.peek(1).kind === 'word' && c.peek(1).value === 'SESSION' && c.peek(2).kind === 'word' && c.peek(2).value === 'AUTHORIZATION';
  if (c.isWord('SET') && authorization) {
    c.next();
    c.next();
    c.next();
    const t = c.peek();
    const user = t.kind === 'string' ? (c.next(), t.value) : c.name();
    if (CONTROL_CHARS.test(user)) throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, `Invalid user name ${JSON.stringify(user)}`);
    c.expectEnd();
    return { kind: 'setAuthorization', user };
  }
  if (c.isWord('RESET') && authorization) {
    c.next();
    c.next();
    c.next();
    c.expectEnd();
    return { kind: 'resetAuthorization' };
  }
  if (c.isWord('SET') && c.peek(1).kind === 'word' && c.peek(1).value === 'SESSION') {
    c.next();
    c.next();
    const name = propertyName(c);
    if (!c.acceptSymbol('=')) throw c.unexpected("'='");
    return { kind: 'setSession', name, value: sessionValue(c) };
  }
  if (c.isWord('RESET') && c.peek(1).kind === 'word' && c.peek(1).value === 'SESSION') {
    c.next();
    c.next();
    const name = propertyName(c);
    c.expectEnd();
    return { kind: 'resetSession', name };
  }
  if (c.acceptWord('PREPARE')) {
    const name = c.name();
    c.expectWord('FROM');
    const inner = c.peek();
    if (inner.kind === 'eof') throw c.unexpected('a statement');
    return { kind: 'prepare', name, sql: c.restFrom(inner) };
  }
  if (c.acceptWord('DEALLOCATE')) {
    c.expectWord('PREPARE');
    const name = c.name();
    c.expectEnd();
    return { kind: 'deallocate', name };
  }
  if (c.acceptWord('EXECUTE')) {
    if (c.isWord('IMMEDIATE') && c.peek(1).kind === 'string') {
      c.next();
      const text = c.next().value;
      const parameters = c.acceptWord('USING') ? c.expressionList() : [];
      c.expectEnd();
      return { kind: 'executeImmediate', sql: text, parameters };
    }
    const name = c.name();
    const parameters = c.acceptWord('USING') ? c.expressionList() : [];
    c.expectEnd();
    return { kind: 'execute', name, parameters };
  }
  if (c.isWord('START') && c.peek(1).kind === 'word' && c.peek(1).value === 'TRANSACTION') {
    return { kind: 'startTransaction' };
  }
  if (c.acceptWord('COMMIT')) {
    c.acceptWord('WORK');
    c.expectEnd();
    return { kind: 'commit' };
  }
  if (c.acceptWord('ROLLBACK')) {
    c.acceptWord('WORK');
    c.expectEnd();
    return { kind: 'rollback' };
  }
  return { kind: 'query', sql: sql.slice(0, c.statementEnd()).trimEnd() };
}

/** Names that travel back in a response header (a property, a user) cannot hold a control character (a line break). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** A session property's name, `[catalog.]property`: Trino lower-cases it, quoted or not. */
function propertyName(c: Cursor): string {
  let name = c.identifier();
  if (c.acceptSymbol('.')) name = `${name}.${c.identifier()}`;
  checkPropertyName(name);
  return name.toLowerCase();
}

function checkPropertyName(name: string): void {
  if (CONTROL_CHARS.test(name)) throw new QueryFailure(ErrorCodes.INVALID_SESSION_PROPERTY, `Session property ${JSON.stringify(name)} does not exist`);
}
