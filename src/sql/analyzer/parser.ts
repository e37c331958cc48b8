/**
 * Recursive-descent parser for the Trino SQL dialect over the tokens of `../lexer.ts`.
 *
 * Guarantees: exactly one statement (an optional trailing `;` is tolerated, as clients strip it
 * anyway; anything after it is a syntax error); nesting is bounded by MAX_DEPTH (parentheses,
 * calls, subqueries, unary chains, postfix chains), and a stack that runs out before that, in
 * parsing or in the analysis walking the tree, is a SYNTAX_ERROR as in Trino (withStackLimit); no
 * backtracking, so time is linear in the statement length.
 * Anything outside the supported grammar is a SYNTAX_ERROR (or NOT_SUPPORTED for valid Trino
 * syntax the analyzer does not model) — never a partial tree.
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { syntaxError, tokenize, type Token } from '../lexer.js';
import type {
  AlterTableKind,
  Expr,
  Ident,
  InlineFunction,
  LikePattern,
  MergeClause,
  Principal,
  Pos,
  Query,
  QueryBody,
  Relation,
  SelectItem,
  SortItem,
  Span,
  Spec,
  Statement,
  TableFunctionArg,
  WindowSpec,
} from './ast.js';

/** Above the depths Trino 483 parses (about 1,870 nested parentheses, 990 calls, 450 subqueries). */
export const MAX_DEPTH = 2000;

/** What Trino 483's grammar expects at the start of a statement, as its syntax error lists it. */
const STATEMENT_START =
  "'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', 'DELETE', 'DENY', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', " +
  "'GRANT', 'INSERT', 'MERGE', 'PREPARE', 'REFRESH', 'RESET', 'REVOKE', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', 'WITH', <query>";

/** Trino's reserved words: never an unquoted identifier. */
export const RESERVED = new Set(
  (
    'ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG CURRENT_DATE CURRENT_PATH CURRENT_ROLE ' +
    'CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE ' +
    'EXCEPT EXISTS EXTRACT FALSE FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT INTERSECT INTO IS JOIN ' +
    'JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE JSON_VALUE LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL ' +
    'NORMALIZE NOT NULL ON OR ORDER OUTER PREPARE RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE UESCAPE UNION ' +
    'UNNEST USING VALUES WHEN WHERE WITH'
  ).split(' '),
);

/** Non-reserved words that cannot be an implicit (AS-less) alias because a clause starts with them. */
const NOT_IMPLICIT_ALIAS = new Set(['LIMIT', 'OFFSET', 'FETCH', 'WINDOW', 'TABLESAMPLE', 'MATCH_RECOGNIZE', 'LATERAL']);

/** Function-call syntax Trino turns into special forms (no function is resolved or access-checked). */
const SPECIAL_FORMS = new Set(['if', 'nullif', 'coalesce', 'try', 'format']);

const JSON_EXISTS_BEHAVIOR = new Set(['TRUE', 'FALSE', 'UNKNOWN', 'ERROR']);
const JSON_ENCODINGS = new Set(['UTF8', 'UTF16', 'UTF32']);
const QUERY_START = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
const SET_OPS = new Set(['UNION', 'INTERSECT', 'EXCEPT']);
const QUERY_TAIL = new Set(['UNION', 'INTERSECT', 'EXCEPT', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH']);
const COMPARISON = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);
const BINARY = new Set(['+', '-', '*', '/', '%', '||']);

export function notSupported(message: string, pos?: Pos): QueryFailure {
  if (!pos) return new QueryFailure(ErrorCodes.NOT_SUPPORTED, message);
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

function posOf(t: Token): Pos {
  return { line: t.line, column: t.column };
}

export class Parser {
  private i = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(sql: string) {
    this.tokens = tokenize(sql);
    for (let j = 0; j < this.tokens.length; j++) {
      const t = this.tokens[j]!;
      if (t.kind === 'quoted' && t.text.startsWith('`')) {
        throw syntaxError('backquoted identifiers are not supported; use double quotes to quote identifiers', t.line, t.column);
      } else if (t.kind === 'number') {
        const n = this.tokens[j + 1]!;
        if (n.kind === 'word' && n.start === t.end) {
          throw syntaxError('identifiers must not start with a digit; surround the identifier with double quotes', t.line, t.column);
        }
      }
    }
  }

  // ---------------------------------------------------------------- token helpers

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  /** The span from offset `start` to the end of the last token consumed. */
  private spanFrom(start: number): Span {
    return { start, end: this.tokens[this.i - 1]!.end };
  }

  private pos(): Pos {
    return posOf(this.peek());
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.value === word;
  }

  private isAnyWord(words: Set<string>, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && words.has(t.value);
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  private acceptWords(...words: string[]): boolean {
    for (let j = 0; j < words.length; j++) if (!this.isWord(words[j]!, j)) return false;
    this.i += words.length;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.unexpected(`'${word}'`);
  }

  private isSymbol(symbol: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'symbol' && t.value === symbol;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.i++;
    return true;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(`'${symbol}'`);
  }

  unexpected(expecting: string): QueryFailure {
    const t = this.peek();
    const found = t.kind === 'eof' ? '<EOF>' : `'${t.text}'`;
    return syntaxError(`mismatched input ${found}. Expecting: ${expecting}`, t.line, t.column);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      throw syntaxError(`statement is too deeply nested (more than ${MAX_DEPTH} levels)`, t.line, t.column);
    }
  }

  private leave(): void {
    this.depth--;
  }

  private isIdentifier(offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'quoted' || (t.kind === 'word' && !RESERVED.has(t.value));
  }

  private identifier(): Ident {
    const t = this.peek();
    if (t.kind === 'quoted') {
      this.i++;
      return { value: t.value.toLowerCase(), pos: posOf(t) };
    }
    if (t.kind === 'word' && !RESERVED.has(t.value)) {
      this.i++;
      return { value: t.text.toLowerCase(), pos: posOf(t) };
    }
    throw this.unexpected('<identifier>');
  }

  private qualifiedName(): Ident[] {
    const parts = [this.identifier()];
    while (this.isSymbol('.') && this.isIdentifier(1)) {
      this.i++;
      parts.push(this.identifier());
    }
    return parts;
  }

  private identList(): Ident[] {
    this.expectSymbol('(');
    const out = [this.identifier()];
    while (this.acceptSymbol(',')) out.push(this.identifier());
    this.expectSymbol(')');
    return out;
  }

  /** Name of a prepared statement, role or user: identifier or string, kept as written for prepared names. */
  private rawName(): string {
    const t = this.peek();
    if (t.kind === 'word' || t.kind === 'quoted') {
      this.i++;
      return t.kind === 'word' ? t.text : t.value;
    }
    throw this.unexpected('<identifier>');
  }

  private expectEnd(): void {
    this.acceptSymbol(';');
    if (this.peek().kind !== 'eof') throw this.unexpected('<EOF>');
  }

  // ---------------------------------------------------------------- statements

  parseStatement(): Statement {
    if (this.peek().kind === 'eof') throw this.unexpected(STATEMENT_START);
    const s = this.statement();
    this.expectEnd();
    return s;
  }

  /** A standalone expression (a row filter or column mask); nothing may follow it. */
  parseExpression(): Expr {
    const e = this.expr();
    if (this.peek().kind !== 'eof') throw this.unexpected('<EOF>');
    return e;
  }

  private statement(): Statement {
    const t = this.peek();
    if (t.kind === 'symbol' && t.value === '(') return { k: 'query', query: this.query() };
    if (t.kind !== 'word') throw this.unexpected(STATEMENT_START);
    switch (t.value) {
      case 'WITH':
        if (this.isWord('FUNCTION', 1)) {
          this.next();
          const functions: InlineFunction[] = [];
          do functions.push(this.inlineFunction());
          while (this.acceptSymbol(','));
          return { k: 'query', query: this.query(), functions };
        }
        return { k: 'query', query: this.query() };
      case 'SELECT':
      case 'VALUES':
      case 'TABLE':
        return { k: 'query', query: this.query() };
      case 'INSERT': {
        this.next();
        this.expectWord('INTO');
        const p = this.pos();
        const table = this.qualifiedName();
        let columns: Ident[] | undefined;
        if (this.isSymbol('(') && this.isIdentifier(1) && (this.isSymbol(',', 2) || this.isSymbol(')', 2))) columns = this.identList();
        return { k: 'insert', table, pos: p, columns, query: this.query() };
      }
      case 'DELETE': {
        this.next();
        this.expectWord('FROM');
        const p = this.pos();
        const table = this.qualifiedName();
        const where = this.acceptWord('WHERE') ? this.expr() : undefined;
        return { k: 'delete', table, pos: p, where };
      }
      case 'TRUNCATE': {
        this.next();
        this.expectWord('TABLE');
        const p = this.pos();
        return { k: 'truncate', table: this.qualifiedName(), pos: p };
      }
      case 'UPDATE': {
        this.next();
        const p = this.pos();
        const table = this.qualifiedName();
        this.expectWord('SET');
        const set = this.assignments();
        const where = this.acceptWord('WHERE') ? this.expr() : undefined;
        return { k: 'update', table, pos: p, set, where };
      }
      case 'MERGE':
        return this.merge();
      case 'CREATE':
        return this.create();
      case 'DROP':
        return this.drop();
      case 'ALTER':
        return this.alter();
      case 'COMMENT': {
        this.next();
        this.expectWord('ON');
        let onView = false;
        let column = false;
        if (this.acceptWord('VIEW')) onView = true;
        else if (this.acceptWord('COLUMN')) column = true;
        else this.expectWord('TABLE');
        const p = this.pos();
        const name = this.qualifiedName();
        this.expectWord('IS');
        if (!this.acceptWord('NULL')) this.stringLiteral();
        if (column) {
          if (name.length < 2) throw syntaxError('Column name must be qualified by a table name', p.line, p.column);
          return { k: 'comment', table: name.slice(0, -1), pos: p, column: name[name.length - 1], onView };
        }
        return { k: 'comment', table: name, pos: p, onView };
      }
      case 'ANALYZE': {
        this.next();
        const p = this.pos();
        const table = this.qualifiedName();
        return { k: 'analyzeTable', table, pos: p, props: this.optionalProperties() };
      }
      case 'REFRESH': {
        this.next();
        this.expectWord('MATERIALIZED');
        this.expectWord('VIEW');
        const p = this.pos();
        return { k: 'refreshMaterializedView', table: this.qualifiedName(), pos: p };
      }
      case 'SHOW':
        return this.show();
      case 'DESCRIBE':
      case 'DESC': {
        this.next();
        if (this.isWord('INPUT') || this.isWord('OUTPUT')) {
          if (this.peek(1).kind !== 'eof' && !this.isSymbol(';', 1) && !this.isSymbol('.', 1)) {
            const kind = this.next().value === 'INPUT' ? 'describeInput' : 'describeOutput';
            return { k: 'describePrepared', kind, name: this.rawName() };
          }
        }
        const p = this.pos();
        return { k: 'showColumns', kind: 'describe', table: this.qualifiedName(), pos: p };
      }
      case 'USE': {
        this.next();
        const first = this.identifier();
        if (this.acceptSymbol('.')) return { k: 'use', catalog: first, schema: this.identifier() };
        return { k: 'use', schema: first };
      }
      case 'SET':
        return this.set();
      case 'RESET': {
        this.next();
        this.expectWord('SESSION');
        if (this.acceptWord('AUTHORIZATION')) return { k: 'setSessionAuthorization', reset: true };
        return { k: 'setSession', name: this.qualifiedName(), reset: true };
      }
      case 'START':
        this.next();
        this.expectWord('TRANSACTION');
        this.skipToEnd();
        return { k: 'transaction', kind: 'startTransaction' };
      case 'COMMIT':
      case 'ROLLBACK':
        this.next();
        this.acceptWord('WORK');
        return { k: 'transaction', kind: t.value === 'COMMIT' ? 'commit' : 'rollback' };
      case 'PREPARE': {
        this.next();
        const name = this.rawName();
        this.expectWord('FROM');
        return { k: 'prepare', name, statement: this.statement() };
      }
      case 'DEALLOCATE':
        this.next();
        this.expectWord('PREPARE');
        return { k: 'deallocate', name: this.rawName() };
      case 'EXECUTE': {
        this.next();
        if (this.isWord('IMMEDIATE') && this.peek(1).kind === 'string') {
          this.next();
          const sql = this.stringLiteral();
          return { k: 'executeImmediate', sql, args: this.usingArgs() };
        }
        const name = this.rawName();
        return { k: 'execute', name, args: this.usingArgs() };
      }
      case 'EXPLAIN': {
        this.next();
        const analyze = this.acceptWord('ANALYZE');
        if (analyze) this.acceptWord('VERBOSE');
        if (this.isSymbol('(') && !QUERY_START.has(this.peek(1).value) && !this.isSymbol('(', 1)) {
          this.next();
          do {
            if (!this.acceptWord('TYPE') && !this.acceptWord('FORMAT')) throw this.unexpected("'TYPE', 'FORMAT'");
            if (!this.isAnyWord(new Set(['LOGICAL', 'DISTRIBUTED', 'VALIDATE', 'IO', 'TEXT', 'GRAPHVIZ', 'JSON']))) throw this.unexpected('an explain option');
            this.next();
          } while (this.acceptSymbol(','));
          this.expectSymbol(')');
        }
        this.enter();
        const statement = this.statement();
        this.leave();
        return { k: 'explain', analyze, statement };
      }
      case 'CALL': {
        this.next();
        const p = this.pos();
        const name = this.qualifiedName();
        this.expectSymbol('(');
        const args: Expr[] = [];
        const argNames: Array<string | undefined> = [];
        if (!this.isSymbol(')')) {
          do {
            let argName: string | undefined;
            if (this.isIdentifier() && this.isSymbol('=>', 1)) {
              argName = this.identifier().value;
              this.next();
            }
            argNames.push(argName);
            args.push(this.expr());
          } while (this.acceptSymbol(','));
        }
        this.expectSymbol(')');
        return { k: 'call', name, pos: p, args, argNames };
      }
      case 'GRANT':
      case 'REVOKE':
      case 'DENY':
        return this.grant();
      default:
        throw this.unexpected(STATEMENT_START);
    }
  }

  private skipToEnd(): void {
    while (this.peek().kind !== 'eof' && !this.isSymbol(';')) this.next();
  }

  private usingArgs(): Expr[] {
    const args: Expr[] = [];
    if (this.acceptWord('USING')) {
      do args.push(this.expr());
      while (this.acceptSymbol(','));
    }
    return args;
  }

  private stringLiteral(): string {
    const t = this.peek();
    if (t.kind !== 'string' || /^[xX]/.test(t.text)) throw this.unexpected('<string>');
    this.i++;
    if (/^[uU]&/.test(t.text)) {
      if (this.isWord('UESCAPE')) throw notSupported('UESCAPE is not supported by the gateway', posOf(this.peek()));
      return decodeUnicodeLiteral(t);
    }
    return t.value;
  }

  private assignments(): Array<{ column: Ident; value: Expr }> {
    const out: Array<{ column: Ident; value: Expr }> = [];
    do {
      const column = this.identifier();
      this.expectSymbol('=');
      out.push({ column, value: this.expr() });
    } while (this.acceptSymbol(','));
    return out;
  }

  private optionalProperties(): Expr[] {
    if (!this.acceptWord('WITH')) return [];
    return this.properties();
  }

  private properties(): Expr[] {
    this.expectSymbol('(');
    const out: Expr[] = [];
    do {
      this.identifier();
      this.expectSymbol('=');
      if (!this.acceptWord('DEFAULT')) out.push(this.expr());
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return out;
  }

  private merge(): Statement {
    this.next();
    this.expectWord('INTO');
    const p = this.pos();
    const table = this.qualifiedName();
    let alias: Ident | undefined;
    if (this.acceptWord('AS')) alias = this.identifier();
    else if (this.isIdentifier() && !this.isWord('USING')) alias = this.identifier();
    this.expectWord('USING');
    const source = this.aliasedRelation();
    this.expectWord('ON');
    const on = this.expr();
    const clauses: MergeClause[] = [];
    while (this.acceptWord('WHEN')) {
      const matched = !this.acceptWord('NOT');
      this.expectWord('MATCHED');
      const condition = this.acceptWord('AND') ? this.expr() : undefined;
      this.expectWord('THEN');
      if (matched && this.acceptWord('UPDATE')) {
        this.expectWord('SET');
        clauses.push({ k: 'update', condition, set: this.assignments() });
      } else if (matched && this.acceptWord('DELETE')) {
        clauses.push({ k: 'delete', condition });
      } else if (!matched && this.acceptWord('INSERT')) {
        const columns = this.isSymbol('(') ? this.identList() : undefined;
        this.expectWord('VALUES');
        this.expectSymbol('(');
        const values = this.exprList();
        this.expectSymbol(')');
        clauses.push({ k: 'insert', condition, columns, values });
      } else throw this.unexpected(matched ? "'UPDATE', 'DELETE'" : "'INSERT'");
    }
    if (clauses.length === 0) throw this.unexpected("'WHEN'");
    return { k: 'merge', table, pos: p, alias, source, on, clauses };
  }

  private create(): Statement {
    this.next();
    const orReplace = this.acceptWords('OR', 'REPLACE');
    if (this.isWord('FUNCTION')) return { k: 'createFunction', fn: this.inlineFunction(true) };
    if (this.acceptWord('SCHEMA')) {
      this.acceptWords('IF', 'NOT', 'EXISTS');
      const p = this.pos();
      const schema = this.qualifiedName();
      if (this.acceptWord('AUTHORIZATION')) this.principal();
      return { k: 'createSchema', schema, pos: p, props: this.optionalProperties() };
    }
    if (this.acceptWord('ROLE')) {
      const role = this.identifier().value;
      if (this.acceptWords('WITH', 'ADMIN')) this.principal();
      const catalog = this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'roles', kind: 'createRole', catalog, role };
    }
    const materialized = this.acceptWord('MATERIALIZED');
    if (materialized || this.isWord('VIEW')) {
      this.expectWord('VIEW');
      this.acceptWords('IF', 'NOT', 'EXISTS');
      const p = this.pos();
      const table = this.qualifiedName();
      const props: Expr[] = [];
      for (;;) {
        if (this.acceptWords('GRACE', 'PERIOD')) props.push(this.expr());
        else if (this.acceptWord('COMMENT')) this.stringLiteral();
        else if (this.acceptWord('SECURITY')) {
          if (!this.acceptWord('DEFINER') && !this.acceptWord('INVOKER')) throw this.unexpected("'DEFINER', 'INVOKER'");
        } else if (this.isWord('WITH') && this.isSymbol('(', 1)) {
          this.next();
          props.push(...this.properties());
        } else break;
      }
      this.expectWord('AS');
      return { k: 'createView', table, pos: p, query: this.query(), materialized, props };
    }
    if (this.acceptWord('TABLE')) {
      this.acceptWords('IF', 'NOT', 'EXISTS');
      const p = this.pos();
      const table = this.qualifiedName();
      let columns: Ident[] | undefined;
      const likes: Array<{ table: Ident[]; pos: Pos; includingProperties: boolean }> = [];
      let defined = false;
      if (this.isSymbol('(') && this.isIdentifier(1) && (this.isSymbol(',', 2) || this.isSymbol(')', 2)) && this.lookaheadAsAfterParen()) {
        columns = this.identList();
      } else if (this.acceptSymbol('(')) {
        defined = true;
        columns = [];
        do {
          if (this.acceptWord('LIKE')) {
            const lp = this.pos();
            const like = this.qualifiedName();
            let includingProperties = false;
            if (this.acceptWord('INCLUDING')) {
              this.expectWord('PROPERTIES');
              includingProperties = true;
            } else if (this.acceptWord('EXCLUDING')) this.expectWord('PROPERTIES');
            likes.push({ table: like, pos: lp, includingProperties });
          } else {
            columns.push(this.identifier());
            this.type();
            if (this.acceptWord('NOT')) this.expectWord('NULL');
            if (this.acceptWord('COMMENT')) this.stringLiteral();
            if (this.isWord('WITH')) {
              this.next();
              this.properties();
            }
          }
        } while (this.acceptSymbol(','));
        this.expectSymbol(')');
      }
      if (this.acceptWord('COMMENT')) this.stringLiteral();
      const props = this.isWord('WITH') && this.isSymbol('(', 1) ? (this.next(), this.properties()) : [];
      if (!defined && this.acceptWord('AS')) {
        const query = this.isSymbol('(') ? this.parenQueryForCtas() : this.query();
        if (this.acceptWord('WITH')) {
          this.acceptWord('NO');
          this.expectWord('DATA');
        }
        return { k: 'createTableAsSelect', table, pos: p, columns, query, props };
      }
      if (!defined) throw this.unexpected("'(', 'AS'");
      void orReplace;
      return { k: 'createTable', table, pos: p, columns: columns ?? [], likes, props };
    }
    const t = this.peek();
    throw notSupported(`CREATE ${t.text} is not supported by the gateway's analyzer`, posOf(t));
  }

  /** `CREATE TABLE t (a, b) AS ...`: a column-alias list is followed by optional COMMENT/WITH and then AS. */
  private lookaheadAsAfterParen(): boolean {
    let j = 1;
    while (!this.isSymbol(')', j) && this.peek(j).kind !== 'eof') j++;
    const after = this.peek(j + 1);
    return after.kind === 'word' && (after.value === 'AS' || after.value === 'COMMENT' || after.value === 'WITH');
  }

  private parenQueryForCtas(): Query {
    return this.query();
  }

  private drop(): Statement {
    this.next();
    if (this.acceptWord('FUNCTION')) {
      this.acceptWords('IF', 'EXISTS');
      const pos = this.pos();
      const name = this.qualifiedName();
      this.routineParameters();
      return { k: 'dropFunction', name, pos };
    }
    if (this.acceptWord('SCHEMA')) {
      this.acceptWords('IF', 'EXISTS');
      const p = this.pos();
      const schema = this.qualifiedName();
      if (!this.acceptWord('CASCADE')) this.acceptWord('RESTRICT');
      return { k: 'dropSchema', schema, pos: p };
    }
    if (this.acceptWord('ROLE')) {
      this.acceptWords('IF', 'EXISTS');
      const role = this.identifier().value;
      const catalog = this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'roles', kind: 'dropRole', catalog, role };
    }
    let kind: 'dropTable' | 'dropView' | 'dropMaterializedView';
    if (this.acceptWord('TABLE')) kind = 'dropTable';
    else if (this.acceptWord('VIEW')) kind = 'dropView';
    else if (this.acceptWords('MATERIALIZED', 'VIEW')) kind = 'dropMaterializedView';
    else {
      const t = this.peek();
      throw notSupported(`DROP ${t.text} is not supported by the gateway's analyzer`, posOf(t));
    }
    this.acceptWords('IF', 'EXISTS');
    const p = this.pos();
    return { k: 'dropObject', kind, table: this.qualifiedName(), pos: p };
  }

  private alter(): Statement {
    this.next();
    if (this.acceptWord('SCHEMA')) {
      const p = this.pos();
      const schema = this.qualifiedName();
      if (this.acceptWords('RENAME', 'TO')) return { k: 'renameSchema', schema, pos: p, target: this.identifier() };
      this.expectWord('SET');
      this.expectWord('AUTHORIZATION');
      return { k: 'setSchemaAuthorization', schema, pos: p, principal: this.principal() };
    }
    let object: 'table' | 'view' | 'mv';
    if (this.acceptWord('TABLE')) object = 'table';
    else if (this.acceptWord('VIEW')) object = 'view';
    else if (this.acceptWords('MATERIALIZED', 'VIEW')) object = 'mv';
    else throw notSupported(`ALTER ${this.peek().text} is not supported by the gateway's analyzer`, this.pos());
    this.acceptWords('IF', 'EXISTS');
    const p = this.pos();
    const table = this.qualifiedName();
    const make = (kind: AlterTableKind, columns: Ident[] = [], extra: { target?: Ident[]; procedure?: Ident; args?: Expr[]; principal?: Principal } = {}): Statement => ({
      k: 'alterTable',
      kind,
      table,
      pos: p,
      columns,
      target: extra.target,
      procedure: extra.procedure,
      args: extra.args ?? [],
      principal: extra.principal,
    });
    if (this.acceptWords('RENAME', 'TO')) {
      const target = this.qualifiedName();
      return make(object === 'table' ? 'renameTable' : object === 'view' ? 'renameView' : 'renameMaterializedView', [], { target });
    }
    if (this.acceptWords('SET', 'AUTHORIZATION')) {
      const principal = this.principal();
      return make(object === 'table' ? 'setTableAuthorization' : object === 'view' ? 'setViewAuthorization' : 'setTableAuthorization', [], { principal });
    }
    if (this.acceptWords('SET', 'PROPERTIES')) {
      const args: Expr[] = [];
      do {
        this.identifier();
        this.expectSymbol('=');
        if (!this.acceptWord('DEFAULT')) args.push(this.expr());
      } while (this.acceptSymbol(','));
      return make(object === 'mv' ? 'setMaterializedViewProperties' : 'setTableProperties', [], { args });
    }
    if (object !== 'table') throw notSupported('ALTER VIEW form is not supported by the gateway', p);
    if (this.acceptWords('ADD', 'COLUMN')) {
      this.acceptWords('IF', 'NOT', 'EXISTS');
      const col = this.identifier();
      this.type();
      while (this.peek().kind !== 'eof' && !this.isSymbol(';')) this.next();
      return make('addColumn', [col]);
    }
    if (this.acceptWords('DROP', 'COLUMN')) {
      this.acceptWords('IF', 'EXISTS');
      return make('dropColumn', [this.identifier()]);
    }
    if (this.acceptWords('RENAME', 'COLUMN')) {
      this.acceptWords('IF', 'EXISTS');
      const from = this.identifier();
      this.expectWord('TO');
      return make('renameColumn', [from, this.identifier()]);
    }
    if (this.acceptWords('ALTER', 'COLUMN')) {
      const col = this.identifier();
      if (this.acceptWords('SET', 'DATA', 'TYPE')) this.type();
      else if (this.acceptWords('DROP', 'NOT', 'NULL')) {
        /* nothing */
      } else throw this.unexpected("'SET DATA TYPE', 'DROP NOT NULL'");
      return make('alterColumn', [col]);
    }
    if (this.acceptWord('EXECUTE')) {
      const procedure = this.identifier();
      const args = this.acceptSymbol('(') ? this.argumentsThroughClose() : [];
      if (this.acceptWord('WHERE')) args.push(this.expr());
      return make('alterTableExecute', [], { procedure, args });
    }
    throw notSupported('ALTER TABLE form is not supported by the gateway', this.pos());
  }

  /** Positional and named (`name => value`) arguments after an opening parenthesis, through the closing one. */
  private argumentsThroughClose(): Expr[] {
    const args: Expr[] = [];
    if (!this.isSymbol(')')) {
      do {
        this.skipArgumentName();
        args.push(this.expr());
      } while (this.acceptSymbol(','));
    }
    this.expectSymbol(')');
    return args;
  }

  /** The `name =>` of a named argument: the value is what is analysed. */
  private skipArgumentName(): void {
    if (this.isIdentifier() && this.isSymbol('=>', 1)) this.i += 2;
  }

  /** `[USER | ROLE] name`; a bare name is a user (Trino's PrincipalType.UNSPECIFIED resolves to USER). */
  private principal(): Principal {
    let type: Principal['type'] = 'USER';
    if (this.isWord('USER') || this.isWord('ROLE')) {
      if (this.isIdentifier(1)) type = this.next().text.toUpperCase() as Principal['type'];
    }
    return { type, name: this.identifier().value };
  }

  private show(): Statement {
    this.next();
    if (this.acceptWord('CATALOGS')) return { k: 'showCatalogs', like: this.likePattern() };
    if (this.acceptWord('SCHEMAS')) {
      const catalog = this.acceptWord('FROM') || this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'showSchemas', catalog, like: this.likePattern() };
    }
    if (this.acceptWord('TABLES')) {
      const p = this.pos();
      const schema = this.acceptWord('FROM') || this.acceptWord('IN') ? this.qualifiedName() : undefined;
      return { k: 'showTables', schema, pos: p, like: this.likePattern() };
    }
    if (this.acceptWord('COLUMNS')) {
      if (!this.acceptWord('FROM') && !this.acceptWord('IN')) throw this.unexpected("'FROM', 'IN'");
      const p = this.pos();
      const table = this.qualifiedName();
      return { k: 'showColumns', kind: 'showColumns', table, pos: p, like: this.likePattern() };
    }
    if (this.acceptWord('CREATE')) {
      if (this.acceptWord('SCHEMA')) {
        const p = this.pos();
        return { k: 'showCreateSchema', schema: this.qualifiedName(), pos: p };
      }
      let kind: 'showCreateTable' | 'showCreateView' | 'showCreateMaterializedView';
      if (this.acceptWord('TABLE')) kind = 'showCreateTable';
      else if (this.acceptWord('VIEW')) kind = 'showCreateView';
      else if (this.acceptWords('MATERIALIZED', 'VIEW')) kind = 'showCreateMaterializedView';
      else throw notSupported(`SHOW CREATE ${this.peek().text} is not supported by the gateway`, this.pos());
      const p = this.pos();
      return { k: 'showCreate', kind, table: this.qualifiedName(), pos: p };
    }
    if (this.acceptWord('STATS')) {
      this.expectWord('FOR');
      const p = this.pos();
      if (this.isSymbol('(')) {
        this.next();
        const query = this.query();
        this.expectSymbol(')');
        return { k: 'showStats', query, pos: p };
      }
      return { k: 'showStats', table: this.qualifiedName(), pos: p };
    }
    if (this.acceptWord('FUNCTIONS')) {
      const p = this.pos();
      const schema = this.acceptWord('FROM') || this.acceptWord('IN') ? this.qualifiedName() : undefined;
      return { k: 'showFunctions', schema, pos: p, like: this.likePattern() };
    }
    if (this.acceptWord('SESSION')) return { k: 'showSession', like: this.likePattern() };
    if (this.acceptWord('ROLES') || this.acceptWords('CURRENT', 'ROLES')) {
      const kind = this.tokens[this.i - 2]?.value === 'CURRENT' ? 'showCurrentRoles' : 'showRoles';
      const catalog = this.acceptWord('FROM') || this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'showRoles', kind, catalog };
    }
    if (this.acceptWords('ROLE', 'GRANTS')) {
      const catalog = this.acceptWord('FROM') || this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'showRoles', kind: 'showRoleGrants', catalog };
    }
    if (this.acceptWord('GRANTS')) {
      const p = this.pos();
      if (this.acceptWord('ON')) {
        this.acceptWord('TABLE');
        return { k: 'showGrants', table: this.qualifiedName(), pos: p };
      }
      return { k: 'showGrants', pos: p };
    }
    throw notSupported(`SHOW ${this.peek().text} is not supported by the gateway's analyzer`, this.pos());
  }

  private likePattern(): LikePattern | undefined {
    if (!this.acceptWord('LIKE')) return undefined;
    const pattern = this.stringLiteral();
    return this.acceptWord('ESCAPE') ? { pattern, escape: this.stringLiteral() } : { pattern };
  }

  private set(): Statement {
    this.next();
    if (this.acceptWord('SESSION')) {
      if (this.acceptWord('AUTHORIZATION')) {
        const t = this.peek();
        let user: string;
        if (t.kind === 'string') user = this.stringLiteral();
        else user = this.identifier().value;
        return { k: 'setSessionAuthorization', user, reset: false };
      }
      const name = this.qualifiedName();
      this.expectSymbol('=');
      return { k: 'setSession', name, value: this.expr(), reset: false };
    }
    if (this.acceptWord('ROLE')) {
      const mode = this.acceptWord('ALL') ? 'ALL' : this.acceptWord('NONE') ? 'NONE' : 'ROLE';
      if (mode === 'ROLE') this.identifier();
      const catalog = this.acceptWord('IN') ? this.identifier() : undefined;
      return { k: 'setRole', catalog, mode };
    }
    if (this.acceptWord('PATH')) {
      do this.qualifiedName();
      while (this.acceptSymbol(','));
      return { k: 'setPath' };
    }
    if (this.acceptWords('TIME', 'ZONE')) {
      if (this.acceptWord('LOCAL')) return { k: 'setTimeZone' };
      return { k: 'setTimeZone', value: this.expr() };
    }
    throw notSupported(`SET ${this.peek().text} is not supported by the gateway's analyzer`, this.pos());
  }

  private grant(): Statement {
    const verb = this.next().value;
    const kind = verb === 'GRANT' ? 'grant' : verb === 'REVOKE' ? 'revoke' : 'deny';
    if (kind === 'revoke') this.acceptWords('GRANT', 'OPTION', 'FOR');
    // Scan to ON (privilege grant) or TO/FROM (role grant) at this level.
    let j = 0;
    let onAt = -1;
    for (;; j++) {
      const t = this.peek(j);
      if (t.kind === 'eof' || (t.kind === 'symbol' && t.value === ';')) break;
      if (t.kind === 'word' && t.value === 'ON') {
        onAt = j;
        break;
      }
      if (t.kind === 'word' && (t.value === 'TO' || t.value === 'FROM')) break;
    }
    if (onAt < 0) {
      if (kind === 'deny') throw this.unexpected("'ON'");
      this.skipToEnd();
      const inAt = this.tokens.findIndex((t, idx) => idx > this.i - 1 && t.kind === 'word' && t.value === 'IN');
      void inAt;
      return { k: 'roles', kind: kind === 'grant' ? 'grantRoles' : 'revokeRoles' };
    }
    // The privilege named first (Trino's denial names it); ALL PRIVILEGES names none.
    const first = this.peek();
    const privilege = first.kind === 'word' && ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'CREATE'].includes(first.value) ? first.value : undefined;
    this.i += onAt + 1;
    const p = this.pos();
    if (this.acceptWord('SCHEMA')) {
      const schema = this.qualifiedName();
      this.skipToEnd();
      return { k: 'grant', kind, schema, pos: p, privilege };
    }
    this.acceptWord('TABLE');
    const table = this.qualifiedName();
    this.skipToEnd();
    return { k: 'grant', kind, table, pos: p, privilege };
  }

  // ---------------------------------------------------------------- types

  private type(): void {
    this.enter();
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'quoted') throw this.unexpected('<type>');
    const base = this.next().value;
    if (base === 'ROW' && this.acceptSymbol('(')) {
      do {
        if (this.isIdentifier() && !(this.isSymbol(',', 1) || this.isSymbol(')', 1) || this.isSymbol('(', 1))) this.identifier();
        this.type();
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    } else if (base === 'INTERVAL') {
      this.next();
      if (this.acceptWord('TO')) this.next();
    } else if (base === 'DOUBLE') {
      this.acceptWord('PRECISION');
    } else if (this.acceptSymbol('(')) {
      do {
        if (this.peek().kind === 'number') this.next();
        else this.type();
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    if ((base === 'TIMESTAMP' || base === 'TIME') && (this.isWord('WITH') || this.isWord('WITHOUT')) && this.isWord('TIME', 1)) {
      this.next();
      this.expectWord('TIME');
      this.expectWord('ZONE');
    }
    while (this.acceptWord('ARRAY') || (this.isSymbol('[') && this.peek(1).kind === 'number' && this.isSymbol(']', 2) && (this.i += 3) > 0)) {
      /* array suffixes */
    }
    this.leave();
  }

  // ---------------------------------------------------------------- queries

  query(): Query {
    this.enter();
    const pos = this.pos();
    let withClause: Query['with'];
    if (this.acceptWord('WITH')) {
      if (this.isWord('FUNCTION')) throw notSupported('Inline functions (WITH FUNCTION) are not supported by the gateway', this.pos());
      const recursive = this.acceptWord('RECURSIVE');
      const ctes: Array<{ name: Ident; columns?: Ident[]; query: Query }> = [];
      do {
        const name = this.identifier();
        const columns = this.isSymbol('(') ? this.identList() : undefined;
        this.expectWord('AS');
        this.expectSymbol('(');
        const q = this.query();
        this.expectSymbol(')');
        if (this.isWord('SEARCH') || this.isWord('CYCLE')) throw notSupported('SEARCH/CYCLE clauses are not supported by the gateway', this.pos());
        ctes.push({ name, columns, query: q });
      } while (this.acceptSymbol(','));
      withClause = { recursive, ctes };
    }
    const q = this.queryNoWith(pos);
    q.with = withClause;
    this.leave();
    return q;
  }

  private queryNoWith(pos: Pos, first?: QueryBody): Query {
    const body = this.setOps(first);
    const orderBy: SortItem[] = [];
    const limit: Expr[] = [];
    if (this.acceptWords('ORDER', 'BY')) orderBy.push(...this.sortItems());
    if (this.acceptWord('OFFSET')) {
      limit.push(this.limitValue());
      if (!this.acceptWord('ROW')) this.acceptWord('ROWS');
    }
    if (this.acceptWord('LIMIT')) {
      if (!this.acceptWord('ALL')) limit.push(this.limitValue());
    } else if (this.acceptWord('FETCH')) {
      if (!this.acceptWord('FIRST')) this.expectWord('NEXT');
      if (!this.isWord('ROW') && !this.isWord('ROWS')) limit.push(this.limitValue());
      if (!this.acceptWord('ROW')) this.expectWord('ROWS');
      if (!this.acceptWord('ONLY')) {
        this.expectWord('WITH');
        this.expectWord('TIES');
      }
    }
    return { body, orderBy, limit, pos };
  }

  private limitValue(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { k: 'lit' };
    }
    if (t.kind === 'symbol' && t.value === '?') {
      this.next();
      return { k: 'param' };
    }
    throw this.unexpected('<integer>');
  }

  private setOps(first?: QueryBody): QueryBody {
    const terms: QueryBody[] = [first ?? this.queryPrimary()];
    while (this.isAnyWord(SET_OPS)) {
      this.next();
      if (!this.acceptWord('ALL')) this.acceptWord('DISTINCT');
      if (this.acceptWord('CORRESPONDING')) throw notSupported('CORRESPONDING is not supported by the gateway', this.pos());
      terms.push(this.queryPrimary());
    }
    return terms.length === 1 ? terms[0]! : { k: 'setop', terms };
  }

  private queryPrimary(): QueryBody {
    const t = this.peek();
    const pos = posOf(t);
    if (this.acceptSymbol('(')) {
      this.enter();
      const query = this.query();
      this.expectSymbol(')');
      this.leave();
      return { k: 'nested', query };
    }
    if (this.isWord('SELECT')) return this.spec();
    if (this.acceptWord('TABLE')) return { k: 'table', name: this.qualifiedName(), pos, span: this.spanFrom(t.start) };
    if (this.acceptWord('VALUES')) return { k: 'values', rows: this.exprList(), pos };
    throw this.unexpected("'(', 'SELECT', 'TABLE', 'VALUES'");
  }

  private spec(): Spec {
    const pos = this.pos();
    this.expectWord('SELECT');
    if (!this.acceptWord('DISTINCT')) this.acceptWord('ALL');
    const select: SelectItem[] = [];
    do select.push(this.selectItem());
    while (this.acceptSymbol(','));
    const from: Relation[] = [];
    if (this.acceptWord('FROM')) {
      do from.push(this.relation());
      while (this.acceptSymbol(','));
    }
    const where = this.acceptWord('WHERE') ? this.expr() : undefined;
    const groupBy: Expr[] = [];
    if (this.acceptWords('GROUP', 'BY')) {
      if (!this.acceptWord('DISTINCT')) this.acceptWord('ALL');
      do groupBy.push(...this.groupingElement());
      while (this.acceptSymbol(','));
    }
    const having = this.acceptWord('HAVING') ? this.expr() : undefined;
    const windows: Spec['windows'] = [];
    if (this.acceptWord('WINDOW')) {
      do {
        const name = this.identifier();
        this.expectWord('AS');
        this.expectSymbol('(');
        windows.push({ name, spec: this.windowSpecBody() });
        this.expectSymbol(')');
      } while (this.acceptSymbol(','));
    }
    return { k: 'spec', select, from, where, groupBy, having, windows, pos };
  }

  private groupingElement(): Expr[] {
    if (this.acceptWords('GROUPING', 'SETS')) {
      this.expectSymbol('(');
      const out: Expr[] = [];
      do {
        if (this.acceptSymbol('(')) {
          if (!this.isSymbol(')')) out.push(...this.exprList());
          this.expectSymbol(')');
        } else out.push(this.expr());
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return out;
    }
    if (this.isWord('ROLLUP') || this.isWord('CUBE')) {
      this.next();
      this.expectSymbol('(');
      const out = this.isSymbol(')') ? [] : this.exprList();
      this.expectSymbol(')');
      return out;
    }
    if (this.isSymbol('(') && this.isSymbol(')', 1)) {
      this.i += 2;
      return [];
    }
    return [this.expr()];
  }

  private selectItem(): SelectItem {
    const pos = this.pos();
    if (this.acceptSymbol('*')) return { k: 'star', pos };
    const e = this.expr();
    if (this.isSymbol('.') && this.isSymbol('*', 1)) {
      this.i += 2;
      const aliases = this.acceptWord('AS') ? this.identList() : undefined;
      return { k: 'star', prefix: e, aliases, pos };
    }
    let alias: Ident | undefined;
    if (this.acceptWord('AS')) alias = this.identifier();
    else if (this.isIdentifier() && !this.isAnyWord(NOT_IMPLICIT_ALIAS)) alias = this.identifier();
    return { k: 'expr', e, alias };
  }

  private sortItems(): SortItem[] {
    const out: SortItem[] = [];
    do {
      out.push({ e: this.expr() });
      if (!this.acceptWord('ASC')) this.acceptWord('DESC');
      if (this.acceptWord('NULLS')) {
        if (!this.acceptWord('FIRST')) this.expectWord('LAST');
      }
    } while (this.acceptSymbol(','));
    return out;
  }

  // ---------------------------------------------------------------- relations

  private relation(): Relation {
    const left = this.aliasedRelation();
    const joins: Array<{ type: 'inner' | 'left' | 'right' | 'full' | 'cross'; right: Relation; on?: Expr; using?: Ident[] }> = [];
    for (;;) {
      let type: 'inner' | 'left' | 'right' | 'full' | 'cross';
      if (this.acceptWords('CROSS', 'JOIN')) type = 'cross';
      else if (this.acceptWord('JOIN') || this.acceptWords('INNER', 'JOIN')) type = 'inner';
      else if (this.isWord('LEFT') || this.isWord('RIGHT') || this.isWord('FULL')) {
        type = this.next().value.toLowerCase() as 'left' | 'right' | 'full';
        this.acceptWord('OUTER');
        this.expectWord('JOIN');
      } else if (this.isWord('NATURAL')) throw notSupported('Natural join not supported', this.pos());
      else break;
      const right = this.aliasedRelation();
      if (type === 'cross') {
        joins.push({ type, right });
        continue;
      }
      if (this.acceptWord('ON')) joins.push({ type, right, on: this.expr() });
      else if (this.acceptWord('USING')) joins.push({ type, right, using: this.identList() });
      else throw this.unexpected("'ON', 'USING'");
    }
    return joins.length === 0 ? left : { k: 'join', left, joins };
  }

  private aliasedRelation(): Relation {
    this.enter();
    const rel = this.relationPrimary();
    if (this.isWord('MATCH_RECOGNIZE')) throw notSupported('MATCH_RECOGNIZE is not supported by the gateway', this.pos());
    if (rel.k !== 'join') {
      if (this.acceptWord('AS')) rel.alias = this.identifier();
      else if (this.isIdentifier() && !this.isAnyWord(NOT_IMPLICIT_ALIAS)) rel.alias = this.identifier();
      if (rel.alias && this.isSymbol('(')) rel.columns = this.identList();
    }
    if (this.isWord('MATCH_RECOGNIZE')) throw notSupported('MATCH_RECOGNIZE is not supported by the gateway', this.pos());
    let out = rel;
    if (this.acceptWord('TABLESAMPLE')) {
      if (!this.acceptWord('BERNOULLI')) this.expectWord('SYSTEM');
      this.expectSymbol('(');
      const sample = this.expr();
      this.expectSymbol(')');
      out = { k: 'join', left: rel, joins: [], sample };
    }
    this.leave();
    return out;
  }

  private relationPrimary(): Relation {
    const t = this.peek();
    const pos = posOf(t);
    if (this.acceptWord('LATERAL')) {
      this.expectSymbol('(');
      const query = this.query();
      this.expectSymbol(')');
      return { k: 'subquery', query, lateral: true, pos };
    }
    if (this.acceptWord('UNNEST')) {
      this.expectSymbol('(');
      const args = this.exprList();
      this.expectSymbol(')');
      const ordinality = this.acceptWords('WITH', 'ORDINALITY');
      return { k: 'unnest', args, ordinality, pos };
    }
    if (this.isWord('JSON_TABLE') && this.isSymbol('(', 1)) return this.jsonTable(pos);
    if (this.isWord('TABLE') && this.isSymbol('(', 1)) {
      this.i += 2;
      const r = this.tableFunctionCall(pos);
      this.expectSymbol(')');
      return r;
    }
    if (this.acceptSymbol('(')) {
      if (this.isAnyWord(QUERY_START) && !(this.isWord('TABLE') && this.isSymbol('(', 1))) {
        const query = this.query();
        this.expectSymbol(')');
        return { k: 'subquery', query, lateral: false, pos };
      }
      const inner = this.relation();
      if (this.isAnyWord(QUERY_TAIL) && inner.k === 'subquery' && !inner.alias && !inner.lateral) {
        const query = this.queryNoWith(pos, { k: 'nested', query: inner.query });
        this.expectSymbol(')');
        return { k: 'subquery', query, lateral: false, pos };
      }
      this.expectSymbol(')');
      if (inner.k === 'subquery' && !inner.alias && !inner.lateral) return inner;
      return { k: 'paren', rel: inner, pos };
    }
    const name = this.qualifiedName();
    const span = this.spanFrom(t.start);
    let timeTravel: Expr | undefined;
    if (this.isWord('FOR') && (this.isWord('VERSION', 1) || this.isWord('TIMESTAMP', 1))) {
      this.i += 2;
      this.expectWord('AS');
      this.expectWord('OF');
      timeTravel = this.expr();
    } else if (this.isWord('FOR') && this.isWord('SYSTEM_TIME', 1)) {
      throw notSupported('FOR SYSTEM_TIME is not supported', pos);
    }
    return { k: 'table', name, pos, span, timeTravel };
  }

  private tableFunctionCall(pos: Pos): Relation {
    const name = this.qualifiedName();
    this.expectSymbol('(');
    const args: TableFunctionArg[] = [];
    if (!this.isSymbol(')')) {
      do {
        if (this.acceptWord('COPARTITION')) {
          this.expectSymbol('(');
          let depth = 1;
          while (depth > 0 && this.peek().kind !== 'eof') {
            const s = this.next();
            if (s.kind === 'symbol' && s.value === '(') depth++;
            if (s.kind === 'symbol' && s.value === ')') depth--;
          }
          continue;
        }
        this.skipArgumentName();
        args.push(this.tableFunctionArg());
      } while (this.acceptSymbol(','));
    }
    this.expectSymbol(')');
    return { k: 'tableFunction', name, args, pos };
  }

  private tableFunctionArg(): TableFunctionArg {
    const pos = this.pos();
    if (this.isWord('TABLE') && this.isSymbol('(', 1)) {
      this.i += 2;
      let rel: Relation;
      if (this.isAnyWord(QUERY_START)) rel = { k: 'subquery', query: this.query(), lateral: false, pos };
      else {
        const start = this.peek().start;
        rel = { k: 'table', name: this.qualifiedName(), pos };
        rel.span = this.spanFrom(start);
        rel.tableArgument = true;
      }
      this.expectSymbol(')');
      if (this.acceptWord('AS')) rel.alias = this.identifier();
      else if (this.isIdentifier() && !this.isWord('PARTITION') && !this.isWord('PRUNE') && !this.isWord('KEEP') && !this.isWord('ORDER'))
        rel.alias = this.identifier();
      if (rel.alias && this.isSymbol('(')) rel.columns = this.identList();
      const partitionBy: Expr[] = [];
      const orderBy: SortItem[] = [];
      if (this.acceptWords('PARTITION', 'BY')) {
        if (this.acceptSymbol('(')) {
          if (!this.isSymbol(')')) partitionBy.push(...this.exprList());
          this.expectSymbol(')');
        } else partitionBy.push(this.expr());
      }
      if (this.acceptWord('PRUNE') || this.acceptWord('KEEP')) {
        this.expectWord('WHEN');
        this.expectWord('EMPTY');
      }
      if (this.acceptWords('ORDER', 'BY')) {
        if (this.acceptSymbol('(')) {
          orderBy.push(...this.sortItems());
          this.expectSymbol(')');
        } else orderBy.push(...this.sortItems());
      }
      return { k: 'table', rel, partitionBy, orderBy };
    }
    if (this.acceptWord('DESCRIPTOR')) {
      this.expectSymbol('(');
      const names: string[] = [];
      do {
        names.push(this.identifier().value);
        if (!this.isSymbol(',') && !this.isSymbol(')')) this.type();
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { k: 'descriptor', names };
    }
    return { k: 'expr', e: this.expr() };
  }

  // ---------------------------------------------------------------- expressions

  exprList(): Expr[] {
    const out = [this.expr()];
    while (this.acceptSymbol(',')) out.push(this.expr());
    return out;
  }

  expr(): Expr {
    this.enter();
    const args = [this.andExpr()];
    while (this.acceptWord('OR')) args.push(this.andExpr());
    this.leave();
    return args.length === 1 ? args[0]! : { k: 'op', args };
  }

  private andExpr(): Expr {
    const args = [this.notExpr()];
    while (this.acceptWord('AND')) args.push(this.notExpr());
    return args.length === 1 ? args[0]! : { k: 'op', args };
  }

  private notExpr(): Expr {
    let nots = 0;
    while (this.acceptWord('NOT')) {
      if (++nots > MAX_DEPTH * 2) throw this.unexpected('an expression (too many NOT)');
    }
    return this.predicate();
  }

  private predicate(): Expr {
    const first = this.valueExpr();
    const args: Expr[] = [first];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'symbol' && COMPARISON.has(t.value)) {
        this.next();
        if (this.isWord('ALL') || this.isWord('ANY') || this.isWord('SOME')) {
          this.next();
          this.expectSymbol('(');
          args.push({ k: 'subquery', query: this.query() });
          this.expectSymbol(')');
        } else args.push(this.valueExpr());
        continue;
      }
      const negated = this.isWord('NOT') && (this.isWord('BETWEEN', 1) || this.isWord('IN', 1) || this.isWord('LIKE', 1));
      if (negated) this.next();
      if (this.acceptWord('BETWEEN')) {
        args.push(this.valueExpr());
        this.expectWord('AND');
        args.push(this.valueExpr());
      } else if (this.acceptWord('IN')) {
        this.expectSymbol('(');
        if (this.isAnyWord(QUERY_START)) args.push({ k: 'subquery', query: this.query() });
        else args.push(...this.exprList());
        this.expectSymbol(')');
      } else if (this.acceptWord('LIKE')) {
        args.push(this.valueExpr());
        if (this.acceptWord('ESCAPE')) args.push(this.valueExpr());
      } else if (negated) {
        throw this.unexpected("'BETWEEN', 'IN', 'LIKE'");
      } else if (this.acceptWord('IS')) {
        this.acceptWord('NOT');
        if (this.acceptWord('NULL') || this.acceptWord('TRUE') || this.acceptWord('FALSE') || this.acceptWord('UNKNOWN')) continue;
        this.expectWord('DISTINCT');
        this.expectWord('FROM');
        args.push(this.valueExpr());
      } else break;
    }
    return args.length === 1 ? first : { k: 'op', args };
  }

  private valueExpr(): Expr {
    const args = [this.unary()];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'symbol' && BINARY.has(t.value)) {
        this.next();
        args.push(this.unary());
      } else if (this.isWord('AT') && this.isWord('TIME', 1) && this.isWord('ZONE', 2)) {
        this.i += 3;
        args.push(this.unary());
      } else if (this.isWord('AT') && this.isWord('LOCAL', 1)) {
        this.i += 2;
      } else break;
    }
    return args.length === 1 ? args[0]! : { k: 'op', args };
  }

  private unary(): Expr {
    let signs = 0;
    while (this.isSymbol('-') || this.isSymbol('+')) {
      this.next();
      if (++signs > MAX_DEPTH * 2) throw this.unexpected('an expression (too many signs)');
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    let steps = 0;
    for (;;) {
      if (this.isSymbol('[')) {
        this.next();
        const index = this.expr();
        this.expectSymbol(']');
        e = { k: 'op', args: [e, index] };
      } else if (this.isSymbol('.') && this.isIdentifier(1)) {
        this.next();
        const field = this.identifier();
        if (e.k === 'ref') e = { k: 'ref', parts: [...e.parts, field] };
        else e = { k: 'deref', base: e, field };
      } else break;
      if (++steps + this.depth > MAX_DEPTH * 4) throw this.unexpected('a shorter expression');
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { k: 'lit' };
      case 'string':
        this.next();
        if (/^[uU]&/.test(t.text) && this.acceptWord('UESCAPE')) this.stringLiteral();
        return /^'/.test(t.text) ? { k: 'lit', text: t.value } : { k: 'lit' };
      case 'symbol':
        if (t.value === '?') {
          this.next();
          return { k: 'param' };
        }
        if (t.value === '(') return this.parenthesized();
        throw this.unexpected('an expression');
      case 'eof':
        throw this.unexpected('an expression');
      default:
        break;
    }
    // identifiers and keywords
    if (t.kind === 'quoted') {
      if (this.isSymbol('->', 1)) return this.lambda([this.identifier()]);
      if (this.isSymbol('(', 1)) return this.functionCall();
      return { k: 'ref', parts: [this.identifier()] };
    }
    const w = t.value;
    switch (w) {
      case 'NULL':
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { k: 'lit' };
      case 'CURRENT_DATE':
      case 'CURRENT_TIME':
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIME':
      case 'LOCALTIMESTAMP':
        this.next();
        if (this.acceptSymbol('(')) {
          if (this.peek().kind === 'number') this.next();
          this.expectSymbol(')');
        }
        return { k: 'lit' };
      case 'CURRENT_USER':
      case 'CURRENT_CATALOG':
      case 'CURRENT_SCHEMA':
      case 'CURRENT_PATH':
      case 'CURRENT_ROLE':
        this.next();
        return { k: 'lit' };
      case 'CASE': {
        this.next();
        const args: Expr[] = [];
        if (!this.isWord('WHEN')) args.push(this.expr());
        while (this.acceptWord('WHEN')) {
          args.push(this.expr());
          this.expectWord('THEN');
          args.push(this.expr());
        }
        if (this.acceptWord('ELSE')) args.push(this.expr());
        this.expectWord('END');
        return { k: 'op', args };
      }
      case 'CAST':
      case 'TRY_CAST': {
        if (!this.isSymbol('(', 1)) break;
        this.i += 2;
        const e = this.expr();
        this.expectWord('AS');
        this.type();
        this.expectSymbol(')');
        return e;
      }
      case 'EXISTS': {
        this.next();
        this.expectSymbol('(');
        const query = this.query();
        this.expectSymbol(')');
        return { k: 'subquery', query };
      }
      case 'EXTRACT': {
        this.next();
        this.expectSymbol('(');
        this.identifier();
        this.expectWord('FROM');
        const e = this.expr();
        this.expectSymbol(')');
        return e;
      }
      case 'ARRAY':
        if (this.isSymbol('[', 1)) {
          this.i += 2;
          const args = this.isSymbol(']') ? [] : this.exprList();
          this.expectSymbol(']');
          return { k: 'op', args };
        }
        break;
      case 'INTERVAL':
        if (this.peek(1).kind === 'string' || ((this.isSymbol('-', 1) || this.isSymbol('+', 1)) && this.peek(2).kind === 'string')) {
          this.next();
          if (this.isSymbol('-') || this.isSymbol('+')) this.next();
          this.next();
          this.next();
          if (this.acceptWord('TO')) this.next();
          return { k: 'lit' };
        }
        break;
      case 'DOUBLE':
        if (this.isWord('PRECISION', 1) && this.peek(2).kind === 'string') {
          this.i += 3;
          return { k: 'lit' };
        }
        break;
      case 'POSITION':
        if (this.isSymbol('(', 1)) {
          this.i += 2;
          const a = this.valueExpr();
          this.expectWord('IN');
          const b = this.valueExpr();
          this.expectSymbol(')');
          return { k: 'op', args: [a, b] };
        }
        break;
      case 'SUBSTRING':
        if (this.isSymbol('(', 1)) {
          const save = this.i;
          this.i += 2;
          const a = this.valueExpr();
          if (this.acceptWord('FROM')) {
            const args = [a, this.valueExpr()];
            if (this.acceptWord('FOR')) args.push(this.valueExpr());
            this.expectSymbol(')');
            return { k: 'op', args };
          }
          this.i = save;
        }
        break;
      case 'TRIM': {
        this.next();
        this.expectSymbol('(');
        if (this.isWord('BOTH') || this.isWord('LEADING') || this.isWord('TRAILING')) this.next();
        const args: Expr[] = [];
        if (!this.isWord('FROM')) args.push(this.valueExpr());
        if (this.acceptWord('FROM')) args.push(this.valueExpr());
        else if (this.acceptSymbol(',')) args.push(this.valueExpr());
        this.expectSymbol(')');
        return { k: 'op', args };
      }
      case 'NORMALIZE': {
        this.next();
        this.expectSymbol('(');
        const e = this.valueExpr();
        if (this.acceptSymbol(',')) this.next();
        this.expectSymbol(')');
        return e;
      }
      case 'GROUPING': {
        this.next();
        this.expectSymbol('(');
        const args = this.isSymbol(')') ? [] : this.exprList();
        this.expectSymbol(')');
        return { k: 'op', args };
      }
      case 'ROW':
        if (this.isSymbol('(', 1)) {
          this.i += 2;
          const args = this.exprList();
          this.expectSymbol(')');
          return { k: 'op', args };
        }
        break;
      case 'LISTAGG':
        return this.functionCall();
      case 'JSON_EXISTS':
      case 'JSON_VALUE':
      case 'JSON_QUERY':
      case 'JSON_OBJECT':
      case 'JSON_ARRAY':
        return this.jsonFunction(w);
      default:
        break;
    }
    if (t.kind === 'word' && RESERVED.has(w)) throw this.unexpected('an expression');
    // typed literal: DATE '...', TIMESTAMP '...', DECIMAL '...', any type name followed by a string
    if (this.peek(1).kind === 'string') {
      this.i += 2;
      return { k: 'lit' };
    }
    if (this.isSymbol('->', 1)) return this.lambda([this.identifier()]);
    if (this.isSymbol('(', 1) || (this.isSymbol('.', 1) && this.lookaheadQualifiedCall())) return this.functionCall();
    return { k: 'ref', parts: [this.identifier()] };
  }

  /** `a.b.c(` — a qualified function name. */
  private lookaheadQualifiedCall(): boolean {
    let j = 0;
    for (;;) {
      const t = this.peek(j);
      if (!(t.kind === 'quoted' || (t.kind === 'word' && !RESERVED.has(t.value)))) return false;
      if (this.isSymbol('(', j + 1)) return true;
      if (!this.isSymbol('.', j + 1)) return false;
      j += 2;
    }
  }

  private lambda(params: Ident[]): Expr {
    this.expectSymbol('->');
    return { k: 'lambda', params, body: this.expr() };
  }

  private parenthesized(): Expr {
    // lambda with a parameter list: (a, b) -> ...  or () -> ...
    let j = 1;
    if (this.isSymbol(')', 1) && this.isSymbol('->', 2)) {
      this.i += 2;
      return this.lambda([]);
    }
    while (this.isIdentifier(j) && (this.isSymbol(',', j + 1) || this.isSymbol(')', j + 1))) {
      if (this.isSymbol(')', j + 1)) {
        if (this.isSymbol('->', j + 2)) {
          this.next();
          const params: Ident[] = [];
          do params.push(this.identifier());
          while (this.acceptSymbol(','));
          this.expectSymbol(')');
          return this.lambda(params);
        }
        break;
      }
      j += 2;
    }
    this.next(); // (  — depth is counted by expr()/query() below
    if (this.isAnyWord(QUERY_START)) {
      const query = this.query();
      this.expectSymbol(')');
      return { k: 'subquery', query };
    }
    const first = this.expr();
    if (this.isAnyWord(QUERY_TAIL) && first.k === 'subquery') {
      const query = this.queryNoWith(first.query.pos, { k: 'nested', query: first.query });
      this.expectSymbol(')');
      return { k: 'subquery', query };
    }
    const args = [first];
    while (this.acceptSymbol(',')) args.push(this.expr());
    this.expectSymbol(')');
    return args.length === 1 ? first : { k: 'op', args };
  }

  private functionCall(): Expr {
    const name = this.isWord('LISTAGG') ? [{ value: 'listagg', pos: this.pos() }, this.next()][0] as Ident : undefined;
    const parts = name ? [name] : this.qualifiedName();
    this.expectSymbol('(');
    this.enter();
    const args: Expr[] = [];
    const orderBy: SortItem[] = [];
    if (this.acceptSymbol('*')) {
      /* count(*) */
    } else if (!this.isSymbol(')')) {
      if (!this.acceptWord('DISTINCT')) this.acceptWord('ALL');
      do {
        this.skipArgumentName();
        args.push(this.expr());
      } while (this.acceptSymbol(','));
      if (this.acceptWords('ORDER', 'BY')) orderBy.push(...this.sortItems());
      if (name && this.acceptWord('ON')) {
        this.expectWord('OVERFLOW');
        if (this.acceptWord('ERROR')) {
          /* */
        } else {
          this.expectWord('TRUNCATE');
          if (this.peek().kind === 'string') this.next();
          if (!this.acceptWord('WITH')) this.expectWord('WITHOUT');
          this.expectWord('COUNT');
        }
      }
    }
    this.expectSymbol(')');
    if (name) {
      this.expectWord('WITHIN');
      this.expectWord('GROUP');
      this.expectSymbol('(');
      this.expectWord('ORDER');
      this.expectWord('BY');
      orderBy.push(...this.sortItems());
      this.expectSymbol(')');
    }
    let filter: Expr | undefined;
    if (this.isWord('FILTER') && this.isSymbol('(', 1)) {
      this.i += 2;
      this.expectWord('WHERE');
      filter = this.expr();
      this.expectSymbol(')');
    }
    if ((this.isWord('IGNORE') || this.isWord('RESPECT')) && this.isWord('NULLS', 1)) this.i += 2;
    let window: WindowSpec | undefined;
    if (this.acceptWord('OVER')) {
      if (this.acceptSymbol('(')) {
        window = this.windowSpecBody();
        this.expectSymbol(')');
      } else window = { existing: this.identifier(), partitionBy: [], orderBy: [], frame: [] };
    }
    this.leave();
    const special = parts.length === 1 && SPECIAL_FORMS.has(parts[0]!.value);
    return { k: 'call', name: parts, args, orderBy, filter, window, special };
  }

  // ---------------------------------------------------------------- SQL routines

  /**
   * `FUNCTION name(params) RETURNS type characteristics* RETURN expr`. Only SQL bodies that are a
   * single RETURN are read; control statements and other languages stay refused (fail closed).
   */
  private inlineFunction(stored = false): InlineFunction {
    this.expectWord('FUNCTION');
    const pos = this.pos();
    const name = this.qualifiedName();
    if (!stored && name.length !== 1) throw notSupported('Qualified inline function names are not supported by the gateway', pos);
    const params = this.routineParameters();
    this.expectWord('RETURNS');
    this.type();
    for (;;) {
      if (this.acceptWord('LANGUAGE')) {
        if (this.identifier().value !== 'sql') throw notSupported('Only LANGUAGE SQL functions are supported by the gateway', pos);
      } else if (this.acceptWord('DETERMINISTIC') || this.acceptWords('NOT', 'DETERMINISTIC')) {
        /* */
      } else if (this.acceptWords('RETURNS', 'NULL', 'ON', 'NULL', 'INPUT') || this.acceptWords('CALLED', 'ON', 'NULL', 'INPUT')) {
        /* */
      } else if (this.acceptWord('SECURITY')) {
        if (!this.acceptWord('DEFINER')) this.expectWord('INVOKER');
      } else if (this.acceptWord('COMMENT')) this.stringLiteral();
      else break;
    }
    if (!this.acceptWord('RETURN')) throw notSupported('Only SQL function bodies of the form RETURN <expression> are supported by the gateway', this.pos());
    return { name, params, body: this.expr(), pos };
  }

  /** `(parameterDeclaration, ...)`, where parameterDeclaration is `identifier? type`; returns the names. */
  private routineParameters(): Ident[] {
    const params: Ident[] = [];
    this.expectSymbol('(');
    if (!this.isSymbol(')')) {
      do {
        // a name only when a type follows it
        if (this.isIdentifier() && !this.isSymbol(',', 1) && !this.isSymbol(')', 1) && !this.isSymbol('(', 1)) params.push(this.identifier());
        this.type();
      } while (this.acceptSymbol(','));
    }
    this.expectSymbol(')');
    return params;
  }

  // ---------------------------------------------------------------- SQL/JSON (Trino's SqlBase.g4)

  /**
   * JSON_EXISTS / JSON_VALUE / JSON_QUERY / JSON_OBJECT / JSON_ARRAY: special forms, so no function
   * is resolved or access-checked; every expression they contain (input, PASSING arguments, DEFAULT
   * values, members) is kept as an argument so its columns are read like any expression's.
   */
  private jsonFunction(w: string): Expr {
    this.i += 1;
    this.expectSymbol('(');
    this.enter();
    const args: Expr[] = [];
    if (w === 'JSON_EXISTS') {
      this.jsonPathInvocation(args);
      if (this.isAnyWord(JSON_EXISTS_BEHAVIOR)) {
        this.next();
        this.expectWord('ON');
        this.expectWord('ERROR');
      }
    } else if (w === 'JSON_VALUE') {
      this.jsonPathInvocation(args);
      if (this.acceptWord('RETURNING')) this.type();
      this.jsonBehaviors(args, false);
    } else if (w === 'JSON_QUERY') {
      this.jsonPathInvocation(args);
      this.jsonReturning();
      this.jsonQueryOptions();
      this.jsonBehaviors(args, true);
    } else {
      if (!this.isSymbol(')') && !this.isWord('RETURNING')) {
        do {
          if (w === 'JSON_ARRAY') args.push(this.jsonValueExpression());
          else {
            if (this.isWord('KEY') && !this.isWord('VALUE', 1) && !this.isSymbol(':', 1)) this.next();
            args.push(this.expr());
            if (!this.acceptSymbol(':')) this.expectWord('VALUE');
            args.push(this.jsonValueExpression());
          }
        } while (this.acceptSymbol(','));
        if ((this.isWord('NULL') || this.isWord('ABSENT')) && this.isWord('ON', 1)) {
          this.i += 2;
          this.expectWord('NULL');
        }
        if (w === 'JSON_OBJECT' && (this.acceptWord('WITH') || this.acceptWord('WITHOUT'))) {
          this.expectWord('UNIQUE');
          this.acceptWord('KEYS');
        }
      }
      this.jsonReturning();
    }
    this.expectSymbol(')');
    this.leave();
    return { k: 'op', args };
  }

  /**
   * JSON_TABLE: the input and PASSING arguments (and DEFAULT values) are expressions over the
   * preceding FROM items (lateral); the output columns are the declared ones, none from a table.
   */
  private jsonTable(pos: Pos): Relation {
    this.i += 2;
    this.enter();
    const args: Expr[] = [];
    this.jsonPathInvocation(args);
    const names: Ident[] = [];
    this.jsonTableColumns(args, names);
    if (this.isWord('PLAN')) throw notSupported('JSON_TABLE ... PLAN is not supported by the gateway', this.pos());
    if ((this.isWord('ERROR') || this.isWord('EMPTY')) && this.isWord('ON', 1)) {
      this.i += 2;
      this.expectWord('ERROR');
    }
    this.expectSymbol(')');
    this.leave();
    return { k: 'jsonTable', args, names, pos };
  }

  private jsonTableColumns(args: Expr[], names: Ident[]): void {
    this.expectWord('COLUMNS');
    this.expectSymbol('(');
    this.enter();
    do {
      if (this.acceptWord('NESTED')) {
        this.acceptWord('PATH');
        this.stringLiteral();
        if (this.acceptWord('AS')) this.identifier();
        this.jsonTableColumns(args, names);
        continue;
      }
      names.push(this.identifier());
      if (this.acceptWords('FOR', 'ORDINALITY')) continue;
      this.type();
      const queryColumn = this.isWord('FORMAT');
      this.jsonRepresentation();
      if (this.acceptWord('PATH')) this.stringLiteral();
      if (queryColumn) this.jsonQueryOptions();
      this.jsonBehaviors(args, queryColumn);
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    this.leave();
  }

  /** jsonPathInvocation: `input [FORMAT ...], 'path' [AS name] [PASSING value AS name, ...]`. */
  private jsonPathInvocation(args: Expr[]): void {
    args.push(this.jsonValueExpression());
    this.expectSymbol(',');
    this.stringLiteral();
    if (this.acceptWord('AS')) this.identifier();
    if (this.acceptWord('PASSING')) {
      do {
        args.push(this.jsonValueExpression());
        this.expectWord('AS');
        this.identifier();
      } while (this.acceptSymbol(','));
    }
  }

  private jsonValueExpression(): Expr {
    const e = this.expr();
    this.jsonRepresentation();
    return e;
  }

  /** `FORMAT JSON [ENCODING UTF8|UTF16|UTF32]` */
  private jsonRepresentation(): void {
    if (!this.acceptWord('FORMAT')) return;
    this.expectWord('JSON');
    if (this.acceptWord('ENCODING')) {
      if (!this.isAnyWord(JSON_ENCODINGS)) throw this.unexpected("'UTF8', 'UTF16', 'UTF32'");
      this.next();
    }
  }

  private jsonReturning(): void {
    if (!this.acceptWord('RETURNING')) return;
    this.type();
    this.jsonRepresentation();
  }

  /** JSON_QUERY's `[wrapper behavior WRAPPER [ARRAY]] [KEEP|OMIT QUOTES [ON SCALAR STRING]]`. */
  private jsonQueryOptions(): void {
    if (this.acceptWord('WITHOUT')) {
      this.acceptWord('ARRAY');
      this.expectWord('WRAPPER');
      this.acceptWord('ARRAY');
    } else if (this.acceptWord('WITH')) {
      if (!this.acceptWord('CONDITIONAL')) this.acceptWord('UNCONDITIONAL');
      this.acceptWord('ARRAY');
      this.expectWord('WRAPPER');
      this.acceptWord('ARRAY');
    }
    if (this.acceptWord('KEEP') || this.acceptWord('OMIT')) {
      this.expectWord('QUOTES');
      if (this.acceptWord('ON')) {
        this.expectWord('SCALAR');
        this.expectWord('STRING');
      }
    }
  }

  /** `[behavior ON EMPTY] [behavior ON ERROR]`; DEFAULT values are kept as arguments. */
  private jsonBehaviors(args: Expr[], query: boolean): void {
    let onEmptyAllowed = true;
    while (this.isWord('ERROR') || this.isWord('NULL') || (query ? this.isWord('EMPTY') : this.isWord('DEFAULT'))) {
      const word = this.next().value;
      if (word === 'DEFAULT') args.push(this.expr());
      else if (word === 'EMPTY' && !this.acceptWord('ARRAY')) this.expectWord('OBJECT');
      this.expectWord('ON');
      if (onEmptyAllowed && this.acceptWord('EMPTY')) {
        onEmptyAllowed = false;
        continue;
      }
      this.expectWord('ERROR');
      return;
    }
  }

  private windowSpecBody(): WindowSpec {
    const spec: WindowSpec = { partitionBy: [], orderBy: [], frame: [] };
    if (this.isIdentifier() && !this.isWord('PARTITION') && !this.isWord('ORDER') && !this.isWord('ROWS') && !this.isWord('RANGE') && !this.isWord('GROUPS'))
      spec.existing = this.identifier();
    if (this.acceptWords('PARTITION', 'BY')) spec.partitionBy = this.exprList();
    if (this.acceptWords('ORDER', 'BY')) spec.orderBy = this.sortItems();
    if (this.isWord('ROWS') || this.isWord('RANGE') || this.isWord('GROUPS')) {
      this.next();
      if (this.isWord('MEASURES') || this.isWord('PATTERN')) throw notSupported('row pattern recognition in windows is not supported', this.pos());
      const bound = () => {
        if (this.acceptWord('UNBOUNDED')) {
          if (!this.acceptWord('PRECEDING')) this.expectWord('FOLLOWING');
        } else if (this.acceptWords('CURRENT', 'ROW')) {
          /* */
        } else {
          spec.frame.push(this.valueExpr());
          if (!this.acceptWord('PRECEDING')) this.expectWord('FOLLOWING');
        }
      };
      if (this.acceptWord('BETWEEN')) {
        bound();
        this.expectWord('AND');
        bound();
      } else bound();
    }
    return spec;
  }
}

/** Decodes a `U&'...'` literal body (default escape `\`: `\XXXX`, `\+XXXXXX`, `\\`). */
function decodeUnicodeLiteral(t: Token): string {
  const raw = t.value;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (raw[i + 1] === '\\') {
      out += '\\';
      i++;
    } else if (raw[i + 1] === '+' && /^[0-9a-fA-F]{6}$/.test(raw.slice(i + 2, i + 8))) {
      out += String.fromCodePoint(parseInt(raw.slice(i + 2, i + 8), 16));
      i += 7;
    } else if (/^[0-9a-fA-F]{4}$/.test(raw.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
    } else throw syntaxError('invalid Unicode escape sequence', t.line, t.column);
  }
  return out;
}

/**
 * Trino's answer when its parser runs out of stack. MAX_DEPTH is set above the depth Trino itself
 * parses (so nothing Trino reads is refused for depth alone); how deep a JavaScript stack reaches
 * depends on the construct and on compilation, so running out first is answered the same way.
 */
export function withStackLimit<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof RangeError && /call stack/i.test(err.message)) throw syntaxError('statement is too large (stack overflow while parsing)', 1, 1);
    throw err;
  }
}

export function parseStatement(sql: string): Statement {
  return withStackLimit(() => new Parser(sql).parseStatement());
}

export function parseExpression(sql: string): Expr {
  return withStackLimit(() => new Parser(sql).parseExpression());
}
