/**
 * The syntax tree the translator works on, and its parser: a full expression tree (operators,
 * literal kinds, positions) for the subset of Trino queries the embedded engine translates. The
 * statement has already passed the gateway's Trino parser (src/sql/analyzer/parser.ts), so every
 * syntax error is reported there, exactly as Trino reports it; this parser only has to recognise
 * the supported subset, and anything else in valid Trino SQL is refused with NOT_SUPPORTED naming
 * the construct and its position.
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { tokenize, type Token } from '../../../sql/lexer.js';

export interface Pos {
  line: number;
  column: number;
}

export type Literal =
  | { k: 'integer'; text: string }
  | { k: 'decimal'; text: string }
  | { k: 'double'; text: string }
  | { k: 'string'; value: string }
  /** `X'..'`: the hexadecimal digits as written (spaces included). */
  | { k: 'binary'; hex: string }
  | { k: 'boolean'; value: boolean }
  | { k: 'null' }
  /** A typed literal: DATE '...', TIMESTAMP '...', TIME '...', DECIMAL '...', CHAR '...', JSON '...', BIGINT '...' and the other integer types. */
  | { k: 'typed'; type: string; value: string }
  | { k: 'interval'; value: string; sign: 1 | -1; unit: string };

export type Expr = { pos: Pos } & (
  | ({ k: 'literal' } & { lit: Literal })
  /** `written`: the last part as the query wrote it, which names an output column. */
  | { k: 'column'; parts: string[]; written: string }
  | { k: 'binary'; op: string; left: Expr; right: Expr }
  | { k: 'unary'; op: '-' | '+' | 'NOT'; arg: Expr }
  | { k: 'logical'; op: 'AND' | 'OR'; args: Expr[] }
  | { k: 'isNull'; arg: Expr; negated: boolean }
  | { k: 'between'; arg: Expr; low: Expr; high: Expr; negated: boolean }
  | { k: 'inList'; arg: Expr; list: Expr[]; negated: boolean }
  | { k: 'inQuery'; arg: Expr; query: Query; negated: boolean }
  | { k: 'like'; arg: Expr; pattern: Expr; escape?: Expr; negated: boolean }
  | { k: 'exists'; query: Query }
  | { k: 'scalarQuery'; query: Query }
  | { k: 'case'; operand?: Expr; whens: Array<{ when: Expr; then: Expr }>; else?: Expr }
  | { k: 'cast'; arg: Expr; type: string; safe: boolean }
  | { k: 'extract'; field: string; arg: Expr }
  /** `filter`: the aggregate's FILTER (WHERE ...) condition; `orderBy`: the ORDER BY inside the parentheses (`array_agg(x ORDER BY y)`). */
  | { k: 'call'; name: string; args: Expr[]; distinct: boolean; star: boolean; over?: Window; filter?: Expr; orderBy?: SortItem[] }
  | { k: 'array'; items: Expr[] }
  /** `(x, y) -> body`, an argument of the lambda functions only. */
  | { k: 'lambda'; params: string[]; body: Expr }
  | { k: 'subscript'; arg: Expr; index: Expr }
  /** `ROW(x, ...)` or `(x, y, ...)`. */
  | { k: 'row'; items: Expr[] }
  /** `expression.field` of a row. */
  | { k: 'field'; arg: Expr; name: string }
  /** `x op ANY|SOME|ALL (query)`; SOME is read as ANY. */
  | { k: 'quantified'; op: string; quantifier: 'ANY' | 'ALL'; arg: Expr; query: Query }
  | { k: 'session'; name: 'current_user' | 'current_catalog' | 'current_schema' | 'current_date' | 'localtimestamp' | 'current_timestamp' }
);

export interface Window {
  partitionBy: Expr[];
  orderBy: SortItem[];
  frame?: Frame;
}

/** A window frame bound; an offset is an expression the translator checks. */
export type FrameBound =
  | { k: 'UNBOUNDED PRECEDING' | 'CURRENT ROW' | 'UNBOUNDED FOLLOWING'; pos: Pos }
  | { k: 'PRECEDING' | 'FOLLOWING'; offset: Expr; pos: Pos };

export interface Frame {
  unit: 'ROWS' | 'RANGE' | 'GROUPS';
  start: FrameBound;
  /** Absent: `frame start` alone, which ends at the current row. */
  end?: FrameBound;
  pos: Pos;
}

/** GROUP BY ROLLUP (...), CUBE (...) or GROUPING SETS (...): its sets of expressions, as written. */
export interface GroupingElement {
  k: 'ROLLUP' | 'CUBE' | 'GROUPING SETS';
  sets: Expr[][];
  pos: Pos;
}

export interface SortItem {
  e: Expr;
  descending: boolean;
  nullsFirst?: boolean;
}

export interface Query {
  with: Array<{ name: string; columns?: string[]; query: Query; pos: Pos }>;
  body: QueryBody;
  orderBy: SortItem[];
  offset?: bigint;
  limit?: bigint;
  pos: Pos;
}

export type QueryBody =
  | Spec
  | { k: 'setop'; op: 'UNION' | 'INTERSECT' | 'EXCEPT'; all: boolean; left: QueryBody; right: QueryBody; pos: Pos }
  | { k: 'values'; rows: Expr[][]; pos: Pos }
  | { k: 'nested'; query: Query; pos: Pos };

export interface Spec {
  k: 'spec';
  distinct: boolean;
  select: SelectItem[];
  from: Relation[];
  where?: Expr;
  groupBy: Expr[];
  /** ROLLUP, CUBE and GROUPING SETS of the GROUP BY, combined with its plain keys as Trino combines them (every combination). */
  groupingElements?: GroupingElement[];
  having?: Expr;
  pos: Pos;
}

/** Aliases and column lists keep the case they were written in: they name output columns. */
export type SelectItem = { k: 'expr'; e: Expr; alias?: string; pos: Pos } | { k: 'star'; qualifier?: string[]; pos: Pos };

export interface Sample {
  method: 'BERNOULLI' | 'SYSTEM';
  percent: Expr;
}

export type Relation = (
  | { k: 'table'; name: string[] }
  | { k: 'subquery'; query: Query }
  /** UNNEST(array, ...) [WITH ORDINALITY]: lateral, its arguments see the FROM items before it. */
  | { k: 'unnest'; args: Expr[]; ordinality: boolean }
  /** `using`: the USING columns as written (the output column takes the name as the USING list writes it). */
  | { k: 'join'; type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS'; left: Relation; right: Relation; on?: Expr; using?: string[] }
) & { alias?: string; columns?: string[]; sample?: Sample; pos: Pos };

/** A column of CREATE TABLE: its name as written and its Trino type as written (`varchar(5)`). */
export interface ColumnDefinition {
  name: string;
  type: string;
  pos: Pos;
}

/** The statements the translator renders; every other statement kind is refused before parsing. */
export type Statement =
  | { k: 'query'; query: Query }
  | { k: 'insert'; table: string[]; columns?: string[]; query: Query; pos: Pos }
  | { k: 'createTable'; table: string[]; ifNotExists: boolean; columns: ColumnDefinition[]; pos: Pos }
  | { k: 'createTableAs'; table: string[]; columns?: string[]; query: Query; withData: boolean; pos: Pos }
  | { k: 'createView'; table: string[]; replace: boolean; query: Query; pos: Pos }
  | { k: 'delete'; table: string[]; where?: Expr; pos: Pos }
  | { k: 'update'; table: string[]; set: Array<{ column: string; value: Expr; pos: Pos }>; where?: Expr; pos: Pos }
  /** `cascade`: DROP SCHEMA ... CASCADE (RESTRICT, the default in Trino and DuckDB alike, otherwise). */
  | { k: 'drop'; object: 'TABLE' | 'VIEW' | 'SCHEMA'; name: string[]; ifExists: boolean; cascade: boolean; pos: Pos }
  | { k: 'createSchema'; name: string[]; ifNotExists: boolean; pos: Pos };

export function notSupported(what: string, pos: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, `line ${pos.line}:${pos.column}: ${what} is not supported by the embedded engine`, {
    lineNumber: pos.line,
    columnNumber: pos.column,
  });
}

const CLAUSE_WORDS = new Set([
  'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'INTERSECT', 'EXCEPT', 'ON', 'USING',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'WINDOW', 'TABLESAMPLE', 'AS', 'AND', 'OR', 'NOT', 'WHEN', 'THEN',
  'ELSE', 'END', 'SELECT', 'WITH', 'VALUES', 'LATERAL', 'IS', 'IN', 'LIKE', 'BETWEEN', 'ESCAPE', 'ASC', 'DESC', 'NULLS', 'BY',
]);

/** Session functions written without parentheses. */
const SESSION_WORDS = new Set(['CURRENT_USER', 'CURRENT_CATALOG', 'CURRENT_SCHEMA', 'CURRENT_DATE', 'LOCALTIMESTAMP', 'CURRENT_TIMESTAMP']);
/** Integer types whose typed literals (`BIGINT '5'`, as the JDBC driver binds setLong) are translated. */
const INTEGER_LITERALS = new Set(['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT']);
const TYPED_LITERALS = new Set(['DATE', 'DECIMAL', 'TIMESTAMP', 'TIME', 'REAL', 'DOUBLE', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'CHAR', 'VARCHAR', 'JSON', 'IPADDRESS', 'UUID']);
const INTERVAL_UNITS = new Set(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND']);
const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

class TranslationParser {
  private i = 0;
  private parameter = 0;
  /** The named windows referenced in the SELECT being parsed; `extended`: written `OVER (w ...)`. */
  private windowReferences: Array<{ name: string; window: Window; extended: boolean; pos: Pos }> = [];

  constructor(
    private readonly tokens: Token[],
    /** The expressions bound to `?` by EXECUTE ... USING, in order. */
    private readonly parameters: readonly Expr[] = [],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private pos(t: Token = this.peek()): Pos {
    return { line: t.line, column: t.column };
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.value === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  private isSymbol(symbol: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'symbol' && t.text === symbol;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.next();
    return true;
  }

  /** The gateway's parser accepted the statement, so a mismatch here is a construct this subset lacks. */
  private unsupported(): never {
    const t = this.peek();
    throw notSupported(t.kind === 'eof' ? 'This statement form' : `'${t.text}' here`, this.pos(t));
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.unsupported();
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.unsupported();
  }

  private identifier(): string {
    return this.writtenIdentifier().toLowerCase();
  }

  /** An identifier as written (Trino names output columns with the case the query used). */
  private writtenIdentifier(): string {
    const t = this.peek();
    if (t.kind === 'quoted') {
      this.next();
      return t.value;
    }
    if (t.kind === 'word' && !CLAUSE_WORDS.has(t.value)) {
      this.next();
      return t.text;
    }
    return this.unsupported();
  }

  private qualifiedName(): string[] {
    const parts = [this.identifier()];
    while (this.acceptSymbol('.')) parts.push(this.identifier());
    return parts;
  }

  statement(): Statement {
    const statement = this.statementBody();
    this.acceptSymbol(';');
    if (this.peek().kind !== 'eof') this.unsupported();
    if (this.parameter !== this.parameters.length) {
      throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, `Incorrect number of parameters: expected ${this.parameter} but found ${this.parameters.length}`);
    }
    return statement;
  }

  private statementBody(): Statement {
    const pos = this.pos();
    if (this.acceptWord('INSERT')) {
      this.expectWord('INTO');
      const table = this.qualifiedName();
      // `(` opens a column list unless it opens the query itself.
      const columns = this.isSymbol('(') && !this.isWord('SELECT', 1) && !this.isWord('WITH', 1) && !this.isWord('VALUES', 1) ? this.columnList() : undefined;
      return { k: 'insert', table, query: this.query(), pos, ...(columns ? { columns } : {}) };
    }
    if (this.acceptWord('DELETE')) {
      this.expectWord('FROM');
      const table = this.qualifiedName();
      if (!this.isWord('WHERE') && this.peek().kind !== 'eof' && !this.isSymbol(';')) throw notSupported('DELETE with a table alias', this.pos());
      return { k: 'delete', table, pos, ...(this.acceptWord('WHERE') ? { where: this.expr() } : {}) };
    }
    if (this.acceptWord('UPDATE')) {
      const table = this.qualifiedName();
      this.expectWord('SET');
      const set: Array<{ column: string; value: Expr; pos: Pos }> = [];
      do {
        const cpos = this.pos();
        const column = this.identifier();
        this.expectSymbol('=');
        set.push({ column, value: this.expr(), pos: cpos });
      } while (this.acceptSymbol(','));
      return { k: 'update', table, set, pos, ...(this.acceptWord('WHERE') ? { where: this.expr() } : {}) };
    }
    if (this.acceptWord('DROP')) {
      const objectPos = this.pos();
      const object = this.next().value;
      if (object !== 'TABLE' && object !== 'VIEW' && object !== 'SCHEMA') throw notSupported(`DROP ${object}`, objectPos);
      const ifExists = this.acceptWord('IF');
      if (ifExists) this.expectWord('EXISTS');
      const name = this.qualifiedName();
      const cascade = object === 'SCHEMA' && this.acceptWord('CASCADE');
      if (object === 'SCHEMA' && !cascade) this.acceptWord('RESTRICT');
      return { k: 'drop', object, name, ifExists, cascade, pos };
    }
    if (this.isWord('CREATE')) return this.create();
    if (this.isWord('SELECT') || this.isWord('WITH') || this.isWord('VALUES') || this.isSymbol('(')) return { k: 'query', query: this.query() };
    throw notSupported(`${this.peek().text.toUpperCase()} statements`, pos);
  }

  private create(): Statement {
    const pos = this.pos();
    this.expectWord('CREATE');
    const replace = this.acceptWord('OR');
    if (replace) this.expectWord('REPLACE');
    if (this.acceptWord('SCHEMA')) {
      if (replace) this.unsupported();
      const ifNotExists = this.ifNotExists();
      const name = this.qualifiedName();
      if (this.isWord('AUTHORIZATION') || this.isWord('WITH')) throw notSupported(`CREATE SCHEMA ... ${this.peek().value}`, this.pos());
      return { k: 'createSchema', name, ifNotExists, pos };
    }
    if (this.acceptWord('VIEW')) {
      const table = this.qualifiedName();
      if (!this.isWord('AS')) throw notSupported(`CREATE VIEW ... ${this.peek().text.toUpperCase()}`, this.pos());
      this.expectWord('AS');
      return { k: 'createView', table, replace, query: this.query(), pos };
    }
    if (!this.acceptWord('TABLE')) throw notSupported(`CREATE ${replace ? 'OR REPLACE ' : ''}${this.peek().text.toUpperCase()}`, this.pos());
    if (replace) throw notSupported('CREATE OR REPLACE TABLE', pos);
    const ifNotExists = this.ifNotExists();
    const table = this.qualifiedName();
    let columnNames: string[] | undefined;
    if (this.isSymbol('(')) {
      // Column definitions (`a integer`), or the column names of CREATE TABLE AS (`(a, b) AS`).
      const definitions = this.isSymbol(',', 2) || this.isSymbol(')', 2);
      if (definitions) columnNames = this.columnList();
      else {
        const columns = this.columnDefinitions();
        return { k: 'createTable', table, ifNotExists, columns, pos };
      }
    }
    if (this.isWord('COMMENT') || this.isWord('WITH')) throw notSupported(`CREATE TABLE ... ${this.peek().value}`, this.pos());
    this.expectWord('AS');
    if (ifNotExists) throw notSupported('CREATE TABLE IF NOT EXISTS ... AS', pos);
    const query = this.isSymbol('(') ? this.parenthesizedQuery() : this.query();
    let withData = true;
    if (this.acceptWord('WITH')) {
      withData = !this.acceptWord('NO');
      this.expectWord('DATA');
    }
    return { k: 'createTableAs', table, query, withData, pos, ...(columnNames ? { columns: columnNames } : {}) };
  }

  /** `(query)` after CREATE TABLE ... AS: parenthesized so that a following WITH [NO] DATA is not taken for the query's. */
  private parenthesizedQuery(): Query {
    const pos = this.pos();
    this.expectSymbol('(');
    const inner = this.query();
    this.expectSymbol(')');
    return { with: [], body: { k: 'nested', query: inner, pos }, orderBy: [], pos };
  }

  private ifNotExists(): boolean {
    if (!this.acceptWord('IF')) return false;
    this.expectWord('NOT');
    this.expectWord('EXISTS');
    return true;
  }

  private columnList(): string[] {
    this.expectSymbol('(');
    const names = [this.writtenIdentifier()];
    while (this.acceptSymbol(',')) names.push(this.writtenIdentifier());
    this.expectSymbol(')');
    return names;
  }

  private columnDefinitions(): ColumnDefinition[] {
    this.expectSymbol('(');
    const columns: ColumnDefinition[] = [];
    do {
      const pos = this.pos();
      if (this.isWord('LIKE')) throw notSupported('CREATE TABLE ... LIKE', pos);
      const name = this.writtenIdentifier();
      const type = this.typeName();
      if (!this.isSymbol(',') && !this.isSymbol(')')) throw notSupported(`Column property ${this.peek().text.toUpperCase()}`, this.pos());
      columns.push({ name, type, pos });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    if (this.peek().kind !== 'eof' && !this.isSymbol(';')) throw notSupported(`CREATE TABLE ... ${this.peek().text.toUpperCase()}`, this.pos());
    return columns;
  }

  /** A whole text that is one expression (a parameter value). */
  soleExpression(): Expr {
    const e = this.expr();
    if (this.peek().kind !== 'eof') this.unsupported();
    return e;
  }

  query(): Query {
    const pos = this.pos();
    const withs: Query['with'] = [];
    if (this.acceptWord('WITH')) {
      if (this.isWord('RECURSIVE')) throw notSupported('WITH RECURSIVE', this.pos());
      do {
        const cpos = this.pos();
        const name = this.identifier();
        let columns: string[] | undefined;
        if (this.acceptSymbol('(')) {
          columns = [this.writtenIdentifier()];
          while (this.acceptSymbol(',')) columns.push(this.writtenIdentifier());
          this.expectSymbol(')');
        }
        this.expectWord('AS');
        this.expectSymbol('(');
        const query = this.query();
        this.expectSymbol(')');
        withs.push({ name, query, pos: cpos, ...(columns ? { columns } : {}) });
      } while (this.acceptSymbol(','));
    }
    const body = this.setOps();
    const query: Query = { with: withs, body, orderBy: [], pos };
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      const references = this.windowReferences.length;
      query.orderBy = this.sortItems();
      if (this.windowReferences.length > references) throw notSupported('A named window in ORDER BY', this.windowReferences[references]!.pos);
    }
    if (this.acceptWord('OFFSET')) {
      query.offset = this.count();
      if (!this.acceptWord('ROWS')) this.acceptWord('ROW');
    }
    if (this.acceptWord('LIMIT')) {
      if (this.isWord('ALL')) throw notSupported('LIMIT ALL', this.pos());
      query.limit = this.count();
    } else if (this.isWord('FETCH')) {
      throw notSupported('FETCH FIRST', this.pos());
    }
    return query;
  }

  private count(): bigint {
    const t = this.peek();
    if (t.kind !== 'number' || !/^[0-9]+$/.test(t.text)) this.unsupported();
    this.next();
    return BigInt(t.text);
  }

  private sortItems(): SortItem[] {
    const items: SortItem[] = [];
    do {
      const e = this.expr();
      let descending = false;
      if (this.acceptWord('DESC')) descending = true;
      else this.acceptWord('ASC');
      const item: SortItem = { e, descending };
      if (this.acceptWord('NULLS')) {
        if (this.acceptWord('FIRST')) item.nullsFirst = true;
        else {
          this.expectWord('LAST');
          item.nullsFirst = false;
        }
      }
      items.push(item);
    } while (this.acceptSymbol(','));
    return items;
  }

  /** UNION/EXCEPT bind looser than INTERSECT, all left-associative. */
  private setOps(): QueryBody {
    let left = this.intersects();
    while (this.isWord('UNION') || this.isWord('EXCEPT')) {
      const pos = this.pos();
      const op = this.next().value as 'UNION' | 'EXCEPT';
      const all = this.setQuantifier();
      left = { k: 'setop', op, all, left, right: this.intersects(), pos };
    }
    return left;
  }

  private intersects(): QueryBody {
    let left = this.queryPrimary();
    while (this.isWord('INTERSECT')) {
      const pos = this.pos();
      this.next();
      const all = this.setQuantifier();
      left = { k: 'setop', op: 'INTERSECT', all, left, right: this.queryPrimary(), pos };
    }
    return left;
  }

  private setQuantifier(): boolean {
    if (this.acceptWord('ALL')) return true;
    this.acceptWord('DISTINCT');
    return false;
  }

  private queryPrimary(): QueryBody {
    const pos = this.pos();
    if (this.isWord('SELECT')) return this.spec();
    if (this.acceptWord('VALUES')) {
      const rows: Expr[][] = [];
      do {
        if (this.isSymbol('(') && !this.isWord('SELECT', 1) && !this.isWord('WITH', 1)) {
          this.next();
          const row = [this.expr()];
          while (this.acceptSymbol(',')) row.push(this.expr());
          this.expectSymbol(')');
          // `((1, 2))` is a row of two columns too, as in Trino.
          rows.push(row.length === 1 && row[0]!.k === 'row' ? row[0]!.items : row);
        } else {
          // A ROW(...) in VALUES is a row of columns, as in Trino.
          const e = this.expr();
          rows.push(e.k === 'row' ? e.items : [e]);
        }
      } while (this.acceptSymbol(','));
      return { k: 'values', rows, pos };
    }
    if (this.acceptSymbol('(')) {
      const query = this.query();
      this.expectSymbol(')');
      return { k: 'nested', query, pos };
    }
    if (this.isWord('TABLE')) throw notSupported('TABLE <name>', pos);
    return this.unsupported();
  }

  private spec(): Spec {
    const pos = this.pos();
    this.expectWord('SELECT');
    // References to named windows are resolved by this SELECT's WINDOW clause, not an outer one's.
    const outerReferences = this.windowReferences;
    this.windowReferences = [];
    let distinct = false;
    if (this.acceptWord('DISTINCT')) distinct = true;
    else this.acceptWord('ALL');
    const select: SelectItem[] = [];
    do select.push(this.selectItem());
    while (this.acceptSymbol(','));
    const spec: Spec = { k: 'spec', distinct, select, from: [], groupBy: [], pos };
    if (this.acceptWord('FROM')) {
      do spec.from.push(this.relation());
      while (this.acceptSymbol(','));
    }
    if (this.acceptWord('WHERE')) spec.where = this.expr();
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      for (const word of ['ALL', 'DISTINCT']) if (this.isWord(word)) throw notSupported(`GROUP BY ${word}`, this.pos());
      if (this.isSymbol('(') && this.isSymbol(')', 1)) throw notSupported('GROUP BY ()', this.pos());
      do {
        const element = this.groupingElement();
        if (element) (spec.groupingElements ??= []).push(element);
        else spec.groupBy.push(this.expr());
      } while (this.acceptSymbol(','));
    }
    if (this.acceptWord('HAVING')) spec.having = this.expr();
    if (this.isWord('WINDOW')) this.windowClause();
    else if (this.windowReferences.length > 0) this.unresolvedWindow(this.windowReferences[0]!);
    this.windowReferences = outerReferences;
    return spec;
  }

  /** ROLLUP (...), CUBE (...) or GROUPING SETS (...) in a GROUP BY; undefined before a plain key. */
  private groupingElement(): GroupingElement | undefined {
    const pos = this.pos();
    if ((this.isWord('ROLLUP') || this.isWord('CUBE')) && this.isSymbol('(', 1)) {
      const k = this.next().value as 'ROLLUP' | 'CUBE';
      this.expectSymbol('(');
      if (this.isSymbol(')')) throw notSupported(`${k} ()`, pos);
      const sets: Expr[][] = [];
      do sets.push([this.expr()]);
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { k, sets, pos };
    }
    if (!(this.isWord('GROUPING') && this.isWord('SETS', 1))) return undefined;
    this.next();
    this.next();
    this.expectSymbol('(');
    const sets: Expr[][] = [];
    do {
      if (this.acceptSymbol('(')) {
        const set: Expr[] = [];
        if (!this.isSymbol(')')) {
          do set.push(this.expr());
          while (this.acceptSymbol(','));
        }
        this.expectSymbol(')');
        sets.push(set);
      } else sets.push([this.expr()]);
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return { k: 'GROUPING SETS', sets, pos };
  }

  /**
   * `WINDOW w AS (...), ...`: each reference to a named window in this SELECT (`OVER w`,
   * `OVER (w ORDER BY ...)`) becomes the window it names, extended as Trino extends it.
   */
  private windowClause(): void {
    this.expectWord('WINDOW');
    const named = new Map<string, Window>();
    do {
      const pos = this.pos();
      const name = this.identifier();
      if (named.has(name)) throw new QueryFailure(ErrorCodes.DUPLICATE_WINDOW_NAME, `line ${pos.line}:${pos.column}: WINDOW name '${name}' specified more than once`);
      this.expectWord('AS');
      const references = this.windowReferences.length;
      named.set(name, this.window());
      if (this.windowReferences.length > references) throw notSupported('A named window defined from another', pos);
    } while (this.acceptSymbol(','));
    for (const reference of this.windowReferences) {
      const base = named.get(reference.name);
      if (!base) this.unresolvedWindow(reference);
      const w = reference.window;
      if (w.partitionBy.length > 0 || (w.orderBy.length > 0 && base.orderBy.length > 0) || (reference.extended && base.frame)) {
        throw notSupported('Extending a named window with PARTITION BY, a second ORDER BY or a frame over its frame', reference.pos);
      }
      w.partitionBy = base.partitionBy;
      if (w.orderBy.length === 0) w.orderBy = base.orderBy;
      if (!w.frame && base.frame) w.frame = base.frame;
    }
  }

  private unresolvedWindow(reference: { name: string; pos: Pos }): never {
    throw new QueryFailure(ErrorCodes.INVALID_WINDOW_REFERENCE, `line ${reference.pos.line}:${reference.pos.column}: Cannot resolve WINDOW name ${reference.name}`);
  }

  private selectItem(): SelectItem {
    const pos = this.pos();
    if (this.acceptSymbol('*')) return { k: 'star', pos };
    // t.* / s.t.*
    let look = 0;
    while ((this.peek(look).kind === 'word' || this.peek(look).kind === 'quoted') && this.isSymbol('.', look + 1)) {
      if (this.isSymbol('*', look + 2)) {
        const qualifier = this.qualifiedNameBeforeStar();
        return { k: 'star', qualifier, pos };
      }
      look += 2;
    }
    const e = this.expr();
    if (this.acceptWord('AS')) return { k: 'expr', e, alias: this.writtenIdentifier(), pos };
    const t = this.peek();
    if ((t.kind === 'word' && !CLAUSE_WORDS.has(t.value)) || t.kind === 'quoted') return { k: 'expr', e, alias: this.writtenIdentifier(), pos };
    return { k: 'expr', e, pos };
  }

  private qualifiedNameBeforeStar(): string[] {
    const parts = [this.identifier()];
    this.expectSymbol('.');
    while (!this.isSymbol('*')) {
      parts.push(this.identifier());
      this.expectSymbol('.');
    }
    this.expectSymbol('*');
    if (this.isWord('AS')) throw notSupported('t.* AS (...)', this.pos());
    return parts;
  }

  private relation(): Relation {
    let left = this.aliasedRelation();
    for (;;) {
      const pos = this.pos();
      if (this.isWord('NATURAL')) throw notSupported('NATURAL JOIN', pos);
      let type: Relation & { k: 'join' } extends { type: infer T } ? T : never;
      if (this.acceptWord('CROSS')) {
        this.expectWord('JOIN');
        left = { k: 'join', type: 'CROSS', left, right: this.aliasedRelation(), pos };
        continue;
      }
      if (this.acceptWord('JOIN')) type = 'INNER';
      else if (this.acceptWord('INNER')) {
        this.expectWord('JOIN');
        type = 'INNER';
      } else if (this.isWord('LEFT') || this.isWord('RIGHT') || this.isWord('FULL')) {
        type = this.next().value as 'LEFT' | 'RIGHT' | 'FULL';
        this.acceptWord('OUTER');
        this.expectWord('JOIN');
      } else return left;
      const right = this.aliasedRelation();
      if (this.acceptWord('ON')) left = { k: 'join', type, left, right, on: this.expr(), pos };
      else if (this.acceptWord('USING')) {
        this.expectSymbol('(');
        const using = [this.writtenIdentifier()];
        while (this.acceptSymbol(',')) using.push(this.writtenIdentifier());
        this.expectSymbol(')');
        left = { k: 'join', type, left, right, using, pos };
      } else this.unsupported();
    }
  }

  private aliasedRelation(): Relation {
    const pos = this.pos();
    let rel: Relation;
    if (this.isWord('LATERAL')) throw notSupported('LATERAL', pos);
    if (this.isWord('TABLE') && this.isSymbol('(', 1)) throw notSupported('Table functions', pos);
    if (this.isWord('UNNEST') && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const args = [this.expr()];
      while (this.acceptSymbol(',')) args.push(this.expr());
      this.expectSymbol(')');
      const ordinality = this.acceptWord('WITH');
      if (ordinality) this.expectWord('ORDINALITY');
      rel = { k: 'unnest', args, ordinality, pos };
    } else if (this.acceptSymbol('(')) {
      if (this.isWord('SELECT') || this.isWord('WITH') || this.isWord('VALUES') || this.isSymbol('(')) {
        const query = this.query();
        this.expectSymbol(')');
        rel = { k: 'subquery', query, pos };
      } else {
        throw notSupported('A parenthesized join', pos);
      }
    } else {
      const name = this.qualifiedName();
      if (this.isWord('FOR')) throw notSupported('Time travel (FOR ... AS OF)', this.pos());
      if (this.isSymbol('(')) throw notSupported(`Table function ${name.join('.')}`, pos);
      rel = { k: 'table', name, pos };
    }
    if (this.isWord('TABLESAMPLE')) rel.sample = this.sample();
    const hasAs = this.acceptWord('AS');
    const t = this.peek();
    if (hasAs || t.kind === 'quoted' || (t.kind === 'word' && !CLAUSE_WORDS.has(t.value) && !['MATCH_RECOGNIZE', 'FOR'].includes(t.value))) {
      rel.alias = this.identifier();
      if (this.acceptSymbol('(')) {
        rel.columns = [this.writtenIdentifier()];
        while (this.acceptSymbol(',')) rel.columns.push(this.writtenIdentifier());
        this.expectSymbol(')');
      }
    }
    if (this.isWord('TABLESAMPLE')) rel.sample = this.sample();
    if (this.isWord('MATCH_RECOGNIZE')) throw notSupported('MATCH_RECOGNIZE', this.pos());
    return rel;
  }

  private sample(): Sample {
    this.expectWord('TABLESAMPLE');
    const t = this.next();
    if (t.kind !== 'word' || (t.value !== 'BERNOULLI' && t.value !== 'SYSTEM')) this.unsupported();
    this.expectSymbol('(');
    const percent = this.expr();
    this.expectSymbol(')');
    return { method: t.value as 'BERNOULLI' | 'SYSTEM', percent };
  }

  expr(): Expr {
    const pos = this.pos();
    const args = [this.andExpr()];
    while (this.acceptWord('OR')) args.push(this.andExpr());
    return args.length === 1 ? args[0]! : { k: 'logical', op: 'OR', args, pos };
  }

  private andExpr(): Expr {
    const pos = this.pos();
    const args = [this.notExpr()];
    while (this.acceptWord('AND')) args.push(this.notExpr());
    return args.length === 1 ? args[0]! : { k: 'logical', op: 'AND', args, pos };
  }

  private notExpr(): Expr {
    const pos = this.pos();
    if (this.acceptWord('NOT')) return { k: 'unary', op: 'NOT', arg: this.notExpr(), pos };
    return this.predicate();
  }

  private predicate(): Expr {
    let left = this.concatExpr();
    for (;;) {
      const pos = this.pos();
      const t = this.peek();
      if (t.kind === 'symbol' && COMPARISONS.has(t.text)) {
        this.next();
        const op = t.text === '!=' ? '<>' : t.text;
        if ((this.isWord('ALL') || this.isWord('ANY') || this.isWord('SOME')) && this.isSymbol('(', 1)) {
          const quantifier = this.next().value === 'ALL' ? 'ALL' : 'ANY';
          this.expectSymbol('(');
          left = { k: 'quantified', op, quantifier, arg: left, query: this.query(), pos };
          this.expectSymbol(')');
          continue;
        }
        left = { k: 'binary', op, left, right: this.concatExpr(), pos };
        continue;
      }
      if (this.acceptWord('IS')) {
        const negated = this.acceptWord('NOT');
        if (this.acceptWord('NULL')) {
          left = { k: 'isNull', arg: left, negated, pos };
          continue;
        }
        if (this.acceptWord('DISTINCT')) {
          this.expectWord('FROM');
          left = { k: 'binary', op: negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', left, right: this.concatExpr(), pos };
          continue;
        }
        throw notSupported(`IS ${negated ? 'NOT ' : ''}${this.peek().text.toUpperCase()}`, pos);
      }
      const negated = this.isWord('NOT') && (this.isWord('BETWEEN', 1) || this.isWord('IN', 1) || this.isWord('LIKE', 1));
      if (negated) this.next();
      if (this.acceptWord('BETWEEN')) {
        if (this.isWord('SYMMETRIC') || this.isWord('ASYMMETRIC')) throw notSupported('BETWEEN SYMMETRIC', this.pos());
        const low = this.concatExpr();
        this.expectWord('AND');
        left = { k: 'between', arg: left, low, high: this.concatExpr(), negated, pos };
      } else if (this.acceptWord('IN')) {
        this.expectSymbol('(');
        if (this.isWord('SELECT') || this.isWord('WITH') || this.isWord('VALUES')) {
          left = { k: 'inQuery', arg: left, query: this.query(), negated, pos };
        } else {
          const list = [this.expr()];
          while (this.acceptSymbol(',')) list.push(this.expr());
          left = { k: 'inList', arg: left, list, negated, pos };
        }
        this.expectSymbol(')');
      } else if (this.acceptWord('LIKE')) {
        const pattern = this.concatExpr();
        const like: Expr = { k: 'like', arg: left, pattern, negated, pos };
        if (this.acceptWord('ESCAPE')) like.escape = this.concatExpr();
        left = like;
      } else {
        return left;
      }
    }
  }

  private concatExpr(): Expr {
    let left = this.additive();
    for (;;) {
      const pos = this.pos();
      if (!this.acceptSymbol('||')) return left;
      left = { k: 'binary', op: '||', left, right: this.additive(), pos };
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const pos = this.pos();
      const t = this.peek();
      if (t.kind !== 'symbol' || (t.text !== '+' && t.text !== '-')) return left;
      this.next();
      left = { k: 'binary', op: t.text, left, right: this.multiplicative(), pos };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const pos = this.pos();
      const t = this.peek();
      if (t.kind !== 'symbol' || !['*', '/', '%'].includes(t.text)) return left;
      this.next();
      left = { k: 'binary', op: t.text, left, right: this.unary(), pos };
    }
  }

  private unary(): Expr {
    const pos = this.pos();
    if (this.acceptSymbol('-')) return { k: 'unary', op: '-', arg: this.unary(), pos };
    if (this.acceptSymbol('+')) return { k: 'unary', op: '+', arg: this.unary(), pos };
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    while (this.isSymbol('[') || this.isSymbol('.')) {
      const pos = this.pos();
      if (this.acceptSymbol('.')) {
        e = { k: 'field', arg: e, name: this.identifier(), pos };
        continue;
      }
      this.next();
      e = { k: 'subscript', arg: e, index: this.expr(), pos };
      this.expectSymbol(']');
    }
    if (this.isWord('AT') && this.isWord('TIME', 1) && this.isWord('ZONE', 2)) {
      // `x AT TIME ZONE zone` is Trino's at_timezone(x, zone).
      const pos = this.pos();
      this.next();
      this.next();
      this.next();
      return { k: 'call', name: 'at_timezone', args: [e, this.primary()], distinct: false, star: false, pos };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    const pos = this.pos(t);
    const lit = (l: Literal): Expr => ({ k: 'literal', lit: l, pos });
    if (t.kind === 'number') {
      this.next();
      if (/^0[xXoObB]/.test(t.text) || t.text.includes('_')) throw notSupported(`Numeric literal ${t.text}`, pos);
      if (/[eE]/.test(t.text)) return lit({ k: 'double', text: t.text });
      if (t.text.includes('.')) return lit({ k: 'decimal', text: t.text });
      return lit({ k: 'integer', text: t.text });
    }
    if (t.kind === 'string') {
      if (/^[uU]&/.test(t.text)) throw notSupported('Unicode string literal', pos);
      this.next();
      if (/^[xX]'/.test(t.text)) return lit({ k: 'binary', hex: t.value });
      return lit({ k: 'string', value: t.value });
    }
    if (t.kind === 'symbol') {
      if (t.text === '(') {
        this.next();
        if (this.isWord('SELECT') || this.isWord('WITH') || this.isWord('VALUES')) {
          const query = this.query();
          this.expectSymbol(')');
          return { k: 'scalarQuery', query, pos };
        }
        const e = this.expr();
        if (!this.isSymbol(',')) {
          this.expectSymbol(')');
          return e;
        }
        const items = [e];
        while (this.acceptSymbol(',')) items.push(this.expr());
        this.expectSymbol(')');
        return { k: 'row', items, pos };
      }
      if (t.text === '?') {
        this.next();
        const bound = this.parameters[this.parameter++];
        if (bound === undefined) throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, `Incorrect number of parameters: expected at least ${this.parameter} but found ${this.parameters.length}`);
        return bound;
      }
      return this.unsupported();
    }
    if (t.kind === 'quoted') return this.columnOrCall();
    if (t.kind !== 'word') return this.unsupported();
    const w = t.value;
    if (w === 'NULL') return this.next(), lit({ k: 'null' });
    if (w === 'TRUE' || w === 'FALSE') return this.next(), lit({ k: 'boolean', value: w === 'TRUE' });
    if (TYPED_LITERALS.has(w) && this.peek(1).kind === 'string') {
      this.next();
      const value = this.next().value;
      if (w === 'DATE' || w === 'TIMESTAMP' || w === 'TIME' || w === 'DECIMAL' || INTEGER_LITERALS.has(w) || w === 'CHAR' || w === 'JSON') return lit({ k: 'typed', type: w.toLowerCase(), value });
      throw notSupported(`${w} literal`, pos);
    }
    if (w === 'INTERVAL') return this.interval();
    if (SESSION_WORDS.has(w) && !this.isSymbol('(', 1)) {
      this.next();
      return { k: 'session', name: w.toLowerCase() as 'current_user', pos };
    }
    if (w === 'CASE') return this.caseExpr();
    if ((w === 'CAST' || w === 'TRY_CAST') && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const arg = this.expr();
      this.expectWord('AS');
      const type = this.typeName();
      this.expectSymbol(')');
      return { k: 'cast', arg, type, safe: w === 'TRY_CAST', pos };
    }
    if (w === 'EXTRACT' && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const field = this.identifier();
      this.expectWord('FROM');
      const arg = this.expr();
      this.expectSymbol(')');
      return { k: 'extract', field, arg, pos };
    }
    if ((w === 'SUBSTRING' || w === 'POSITION') && this.isSymbol('(', 1)) return this.specialStringForm(w);
    if (w === 'EXISTS' && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const query = this.query();
      this.expectSymbol(')');
      return { k: 'exists', query, pos };
    }
    if (w === 'TRIM' && this.isSymbol('(', 1)) return this.trimForm();
    if (w === 'ARRAY' && this.isSymbol('[', 1)) {
      this.next();
      this.next();
      const items: Expr[] = [];
      if (!this.isSymbol(']')) {
        do items.push(this.expr());
        while (this.acceptSymbol(','));
      }
      this.expectSymbol(']');
      return { k: 'array', items, pos };
    }
    // map(keys, values) and map() are calls.
    if (w === 'MAP' && this.isSymbol('(', 1)) return this.columnOrCall();
    if (w === 'ROW' && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const items: Expr[] = [];
      do items.push(this.expr());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return { k: 'row', items, pos };
    }
    if (['ARRAY', 'MAP', 'ROW', 'NORMALIZE', 'LISTAGG', 'JSON_EXISTS', 'JSON_VALUE', 'JSON_QUERY', 'JSON_OBJECT', 'JSON_ARRAY', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP', 'CURRENT_PATH', 'CURRENT_ROLE'].includes(w)) {
      throw notSupported(w, pos);
    }
    return this.columnOrCall();
  }

  private specialStringForm(w: string): Expr {
    const pos = this.pos();
    this.next();
    this.next();
    const first = this.concatExpr();
    if (w === 'POSITION') {
      this.expectWord('IN');
      const within = this.concatExpr();
      this.expectSymbol(')');
      return { k: 'call', name: 'strpos', args: [within, first], distinct: false, star: false, pos };
    }
    const args = [first];
    if (this.acceptWord('FROM')) {
      args.push(this.expr());
      if (this.acceptWord('FOR')) args.push(this.expr());
    } else {
      while (this.acceptSymbol(',')) args.push(this.expr());
    }
    this.expectSymbol(')');
    return { k: 'call', name: 'substring', args, distinct: false, star: false, pos };
  }

  /** TRIM([BOTH | LEADING | TRAILING] [characters] FROM source), or trim(source[, characters]): trim, ltrim or rtrim(source[, characters]). */
  private trimForm(): Expr {
    const pos = this.pos();
    this.next();
    this.next();
    let name = 'trim';
    const specified = this.isWord('LEADING') || this.isWord('TRAILING') || this.isWord('BOTH');
    if (this.acceptWord('LEADING')) name = 'ltrim';
    else if (this.acceptWord('TRAILING')) name = 'rtrim';
    else this.acceptWord('BOTH');
    const args: Expr[] = [];
    if (this.isWord('FROM')) {
      // Trino's grammar takes TRIM(FROM x); its analysis then rejects it.
      if (!specified) throw new QueryFailure(ErrorCodes.SYNTAX_ERROR, `line ${pos.line}:${pos.column}: The 'trim' function must have specification, char or both arguments when it takes FROM`, { lineNumber: pos.line, columnNumber: pos.column });
      this.next();
      args.push(this.expr());
    }
    else {
      const first = this.expr();
      if (this.acceptWord('FROM')) args.push(this.expr(), first);
      else {
        args.push(first);
        while (this.acceptSymbol(',')) args.push(this.expr());
      }
    }
    this.expectSymbol(')');
    return { k: 'call', name, args, distinct: false, star: false, pos };
  }

  private interval(): Expr {
    const pos = this.pos();
    this.expectWord('INTERVAL');
    let sign: 1 | -1 = 1;
    if (this.acceptSymbol('-')) sign = -1;
    else this.acceptSymbol('+');
    const t = this.next();
    if (t.kind !== 'string') this.unsupported();
    const unit = this.peek();
    if (unit.kind !== 'word' || !INTERVAL_UNITS.has(unit.value)) this.unsupported();
    this.next();
    if (!this.isWord('TO')) return { k: 'literal', lit: { k: 'interval', value: t.value, sign, unit: unit.value }, pos };
    const toPos = this.pos();
    this.next();
    const end = this.peek();
    const dayToSecond = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
    const span = unit.value === 'YEAR' ? end.value === 'MONTH' : dayToSecond.indexOf(end.value) > dayToSecond.indexOf(unit.value) && dayToSecond.includes(unit.value);
    if (end.kind !== 'word' || !span) throw notSupported(`INTERVAL ... ${unit.value} TO ${end.value}`, toPos);
    this.next();
    return { k: 'literal', lit: { k: 'interval', value: t.value, sign, unit: `${unit.value} TO ${end.value}` }, pos };
  }

  private caseExpr(): Expr {
    const pos = this.pos();
    this.expectWord('CASE');
    const e: Expr & { k: 'case' } = { k: 'case', whens: [], pos };
    if (!this.isWord('WHEN')) e.operand = this.expr();
    while (this.acceptWord('WHEN')) {
      const when = this.expr();
      this.expectWord('THEN');
      e.whens.push({ when, then: this.expr() });
    }
    if (this.acceptWord('ELSE')) e.else = this.expr();
    this.expectWord('END');
    return e;
  }

  /** A type name as written, lower-cased with parameters: `decimal(10,2)`, `varchar(3)`, `double`. */
  private typeName(): string {
    const pos = this.pos();
    const t = this.next();
    if (t.kind !== 'word') throw notSupported('This type', pos);
    let name = t.value.toLowerCase();
    if (name === 'double' && this.isWord('PRECISION')) {
      this.next();
    }
    for (const [from, to] of [['YEAR', 'MONTH'], ['DAY', 'SECOND']] as const) {
      if (name === 'interval' && this.isWord(from) && this.isWord('TO', 1) && this.isWord(to, 2)) {
        this.next();
        this.next();
        this.next();
        return `interval ${from.toLowerCase()} to ${to.toLowerCase()}`;
      }
    }
    if (name === 'array' && this.acceptSymbol('(')) {
      const element = this.typeName();
      this.expectSymbol(')');
      return `array(${element})`;
    }
    if (name === 'row' && this.acceptSymbol('(')) {
      // Each field `name type` or `type`; names quoted in the text, as written when quoted, lower-cased when not.
      const fields: string[] = [];
      do {
        const named = (this.peek().kind === 'word' || this.peek().kind === 'quoted') && (this.peek(1).kind === 'word' || this.peek(1).kind === 'quoted');
        const written = this.peek();
        const name = written.kind === 'quoted' ? (this.next(), written.value) : named ? this.identifier() : undefined;
        const field = name === undefined ? '' : `"${name.replace(/"/g, '""')}" `;
        fields.push(field + this.typeName());
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
      return `row(${fields.join(', ')})`;
    }
    if (name === 'map' && this.acceptSymbol('(')) {
      const key = this.typeName();
      this.expectSymbol(',');
      const value = this.typeName();
      this.expectSymbol(')');
      return `map(${key}, ${value})`;
    }
    if (this.acceptSymbol('(')) {
      const params: string[] = [];
      do {
        const p = this.next();
        if (p.kind !== 'number' || !/^[0-9]+$/.test(p.text)) throw notSupported(`Type ${name}(...)`, pos);
        params.push(p.text);
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
      name += `(${params.join(',')})`;
    }
    if ((name === 'timestamp' || name.startsWith('timestamp(')) && this.isWord('WITH') && this.isWord('TIME', 1) && this.isWord('ZONE', 2)) {
      this.next();
      this.next();
      this.next();
      return `${name} with time zone`;
    }
    if (this.isWord('WITH') || this.isWord('WITHOUT') || this.isWord('ARRAY')) throw notSupported(`Type ${name} ${this.peek().value}`, pos);
    return name;
  }

  private columnOrCall(): Expr {
    const pos = this.pos();
    const written = [this.writtenIdentifier()];
    while (this.acceptSymbol('.')) written.push(this.writtenIdentifier());
    const name = written.map((part) => part.toLowerCase());
    if (!this.isSymbol('(')) return { k: 'column', parts: name, written: written[written.length - 1]!, pos };
    if (name.length > 1) throw notSupported(`Function ${name.join('.')}`, pos);
    this.next();
    const call: Expr & { k: 'call' } = { k: 'call', name: name[0]!, args: [], distinct: false, star: false, pos };
    if (this.acceptSymbol('*')) call.star = true;
    else if (!this.isSymbol(')')) {
      if (this.acceptWord('DISTINCT')) call.distinct = true;
      else this.acceptWord('ALL');
      do call.args.push(this.argument());
      while (this.acceptSymbol(','));
      if (this.acceptWord('ORDER')) {
        this.expectWord('BY');
        call.orderBy = this.sortItems();
      }
    }
    this.expectSymbol(')');
    if (this.acceptWord('FILTER')) {
      this.expectSymbol('(');
      this.expectWord('WHERE');
      call.filter = this.expr();
      this.expectSymbol(')');
    }
    if (this.isWord('IGNORE') || this.isWord('RESPECT')) throw notSupported('IGNORE/RESPECT NULLS', this.pos());
    if (this.acceptWord('OVER')) call.over = this.window();
    return call;
  }

  /** A function argument: an expression, or a lambda `x -> body` / `(x, y) -> body`. */
  private argument(): Expr {
    const pos = this.pos();
    const start = this.i;
    const params = this.lambdaParameters();
    if (params === undefined) {
      this.i = start;
      return this.expr();
    }
    return { k: 'lambda', params, body: this.expr(), pos };
  }

  /** The parameters of a lambda starting here (its `->` consumed), or undefined when none starts here. */
  private lambdaParameters(): string[] | undefined {
    const single = this.peek().kind === 'word' || this.peek().kind === 'quoted';
    if (single && this.peek(1).text === '->') {
      const name = this.identifier();
      this.next();
      return [name];
    }
    if (!this.acceptSymbol('(')) return undefined;
    const params: string[] = [];
    const isName = (t: Token): boolean => t.kind === 'quoted' || (t.kind === 'word' && !CLAUSE_WORDS.has(t.value));
    while (isName(this.peek())) {
      params.push(this.identifier());
      if (!this.acceptSymbol(',')) break;
    }
    if (!this.acceptSymbol(')') || this.peek().text !== '->') return undefined;
    this.next();
    return params;
  }

  private window(): Window {
    const pos = this.pos();
    const w: Window = { partitionBy: [], orderBy: [] };
    if (!this.acceptSymbol('(')) {
      this.windowReferences.push({ name: this.identifier(), window: w, extended: false, pos });
      return w;
    }
    const t = this.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !['PARTITION', 'ORDER', 'ROWS', 'RANGE', 'GROUPS'].includes(t.value) && !CLAUSE_WORDS.has(t.value))) {
      this.windowReferences.push({ name: this.identifier(), window: w, extended: true, pos: this.pos(t) });
    }
    if (this.acceptWord('PARTITION')) {
      this.expectWord('BY');
      do w.partitionBy.push(this.expr());
      while (this.acceptSymbol(','));
    }
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      w.orderBy = this.sortItems();
    }
    if (this.isWord('ROWS') || this.isWord('RANGE') || this.isWord('GROUPS')) w.frame = this.frame();
    if (!this.isSymbol(')')) this.unsupported();
    this.expectSymbol(')');
    return w;
  }

  private frame(): Frame {
    const pos = this.pos();
    const unit = this.next().value as Frame['unit'];
    if (!this.acceptWord('BETWEEN')) return { unit, start: this.frameBound(), pos };
    const start = this.frameBound();
    this.expectWord('AND');
    return { unit, start, end: this.frameBound(), pos };
  }

  private frameBound(): FrameBound {
    const pos = this.pos();
    if (this.acceptWord('UNBOUNDED')) {
      if (this.acceptWord('PRECEDING')) return { k: 'UNBOUNDED PRECEDING', pos };
      this.expectWord('FOLLOWING');
      return { k: 'UNBOUNDED FOLLOWING', pos };
    }
    if (this.acceptWord('CURRENT')) {
      this.expectWord('ROW');
      return { k: 'CURRENT ROW', pos };
    }
    const offset = this.expr();
    if (this.acceptWord('PRECEDING')) return { k: 'PRECEDING', offset, pos };
    this.expectWord('FOLLOWING');
    return { k: 'FOLLOWING', offset, pos };
  }
}

/** The statement tree of `sql`, which the gateway's Trino parser has accepted, with `parameters` (expression texts) bound to its `?`s. */
export function parseTranslatable(sql: string, parameters: readonly string[] = []): Statement {
  const bound = parameters.map((text) => new TranslationParser(tokenize(text)).soleExpression());
  return new TranslationParser(tokenize(sql), bound).statement();
}
