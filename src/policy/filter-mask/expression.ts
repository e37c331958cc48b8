/**
 * Row filter and column mask expressions, checked once when the rules are loaded and rendered per
 * statement. The gateway sends the same expression text to Trino and to the embedded DuckDB, so it
 * accepts only a subset that both engines read and evaluate identically:
 *
 *   column names of the table itself (bare, quoted or not), string literals, integer literals
 *   (up to 9 digits), NULL, TRUE, FALSE, CURRENT_USER; = <> != < > <= >=; AND, OR, NOT;
 *   [NOT] IN (list); IS [NOT] NULL; [NOT] LIKE (no ESCAPE); CASE (searched and simple); ||;
 *   coalesce(...); parentheses.
 *
 * Anything else (other functions, arithmetic, casts, typed literals, subqueries, qualified names)
 * is refused at load: DuckDB and Trino differ on too much of it (integer division, implicit casts,
 * NULL handling of concat, ...) to send it unchecked. The expression must also parse as Trino SQL
 * (the gateway's parser). CURRENT_USER is rendered as a string literal of the querying user, which
 * is what it means inside a filter or mask in Trino (the session user, not the environment user).
 *
 * Types are checked per table when a statement uses the rule (the rule's table pattern may match
 * tables of different shapes): a filter must be boolean, a mask must be coercible to its column's
 * type (as Trino requires), comparisons need operands of one family, and every column must exist.
 */
import { tokenize, type Token } from '../../sql/lexer.js';
import { parseExpression } from '../../sql/analyzer/index.js';
import { RESERVED } from '../../sql/analyzer/parser.js';
import { quoteString } from '../../sql/quoting.js';

/** A filter or mask accepted at load: its tokens, the columns it reads, and its syntax tree in the subset. */
export interface PortableExpression {
  text: string;
  /** Lower-cased names of the table's columns it reads. */
  columns: string[];
  node: Node;
  tokens: Token[];
}

type Node =
  | { k: 'column'; name: string }
  | { k: 'string'; length: number }
  | { k: 'integer' }
  | { k: 'null' }
  | { k: 'boolean' }
  | { k: 'currentUser' }
  | { k: 'not'; arg: Node }
  | { k: 'logical'; args: Node[] }
  | { k: 'compare'; left: Node; right: Node }
  | { k: 'in'; left: Node; list: Node[] }
  | { k: 'isNull'; arg: Node }
  | { k: 'like'; left: Node; pattern: Node }
  | { k: 'concat'; args: Node[] }
  | { k: 'coalesce'; args: Node[] }
  | { k: 'case'; operand?: Node; whens: Array<{ when: Node; then: Node }>; otherwise?: Node };

export class ExpressionError extends Error {}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'TRUE', 'FALSE', 'LIKE', 'CURRENT_USER', 'COALESCE']);

/** Parses `text` in the portable subset; throws ExpressionError naming what is outside it. */
export function compileExpression(text: string): PortableExpression {
  try {
    parseExpression(text);
  } catch (err) {
    throw new ExpressionError(`does not parse: ${(err as Error).message}`);
  }
  const tokens = tokenize(text).filter((t) => t.kind !== 'eof');
  const reader = new SubsetReader(tokens);
  const node = reader.expression();
  if (!reader.done()) throw reader.unsupported();
  return { text, columns: [...reader.columns], node, tokens };
}

/** The expression as sent to the engine: the text as written, CURRENT_USER bound to the querying user. */
export function renderExpression(e: PortableExpression, user: string): string {
  let out = '';
  let at = 0;
  for (const t of e.tokens) {
    if (t.kind === 'word' && t.value === 'CURRENT_USER') {
      out += e.text.slice(at, t.start) + quoteString(user);
      at = t.end;
    }
  }
  return out + e.text.slice(at);
}

class SubsetReader {
  private i = 0;
  readonly columns = new Set<string>();

  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  unsupported(): ExpressionError {
    const t = this.tokens[this.i];
    return new ExpressionError(
      t === undefined
        ? 'is incomplete'
        : `uses '${t.text}' (column ${t.column}), outside what the gateway renders identically for every engine (columns, string and integer literals, comparisons, AND/OR/NOT, IN, IS NULL, LIKE, CASE, ||, coalesce, CURRENT_USER)`,
    );
  }

  private peekWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t !== undefined && t.kind === 'word' && t.value === word;
  }

  private peekSymbol(symbol: string): boolean {
    const t = this.tokens[this.i];
    return t !== undefined && t.kind === 'symbol' && t.value === symbol;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.i++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.unsupported();
  }

  private expectSymbol(symbol: string): void {
    if (!this.peekSymbol(symbol)) throw this.unsupported();
    this.i++;
  }

  expression(): Node {
    const args = [this.conjunction()];
    while (this.acceptWord('OR')) args.push(this.conjunction());
    return args.length === 1 ? args[0]! : { k: 'logical', args };
  }

  private conjunction(): Node {
    const args = [this.negation()];
    while (this.acceptWord('AND')) args.push(this.negation());
    return args.length === 1 ? args[0]! : { k: 'logical', args };
  }

  private negation(): Node {
    if (this.acceptWord('NOT')) return { k: 'not', arg: this.negation() };
    return this.predicate();
  }

  private predicate(): Node {
    const left = this.concatenation();
    const t = this.tokens[this.i];
    if (t?.kind === 'symbol' && COMPARISONS.has(t.value)) {
      this.i++;
      return { k: 'compare', left, right: this.concatenation() };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      this.expectWord('NULL');
      const node: Node = { k: 'isNull', arg: left };
      return negated ? { k: 'not', arg: node } : node;
    }
    const negated = this.peekWord('NOT') && (this.peekWord('IN', 1) || this.peekWord('LIKE', 1));
    if (negated) this.i++;
    let node: Node | undefined;
    if (this.acceptWord('IN')) {
      this.expectSymbol('(');
      const list = [this.concatenation()];
      while (this.peekSymbol(',')) {
        this.i++;
        list.push(this.concatenation());
      }
      this.expectSymbol(')');
      node = { k: 'in', left, list };
    } else if (this.acceptWord('LIKE')) {
      node = { k: 'like', left, pattern: this.concatenation() };
      if (this.peekWord('ESCAPE')) throw this.unsupported();
    }
    if (node === undefined) return left;
    return negated ? { k: 'not', arg: node } : node;
  }

  private concatenation(): Node {
    const args = [this.primary()];
    while (this.peekSymbol('||')) {
      this.i++;
      args.push(this.primary());
    }
    return args.length === 1 ? args[0]! : { k: 'concat', args };
  }

  private primary(): Node {
    const t = this.tokens[this.i];
    if (t === undefined) throw this.unsupported();
    if (t.kind === 'string') {
      this.i++;
      return { k: 'string', length: [...t.value].length };
    }
    if (t.kind === 'number') {
      if (!/^[0-9]{1,9}$/.test(t.text)) throw this.unsupported();
      this.i++;
      return { k: 'integer' };
    }
    if (t.kind === 'symbol' && t.value === '(') {
      this.i++;
      const inner = this.expression();
      this.expectSymbol(')');
      return inner;
    }
    if (t.kind === 'quoted' || (t.kind === 'word' && !KEYWORDS.has(t.value) && !RESERVED.has(t.value))) {
      const next = this.tokens[this.i + 1];
      // A function call, typed literal or qualified name: outside the subset.
      if (next !== undefined && (next.kind === 'string' || (next.kind === 'symbol' && (next.value === '(' || next.value === '.')))) throw this.unsupported();
      this.i++;
      const name = t.kind === 'quoted' ? t.value.toLowerCase() : t.text.toLowerCase();
      this.columns.add(name);
      return { k: 'column', name };
    }
    if (this.acceptWord('NULL')) return { k: 'null' };
    if (this.acceptWord('TRUE') || this.acceptWord('FALSE')) return { k: 'boolean' };
    if (this.acceptWord('CURRENT_USER')) return { k: 'currentUser' };
    if (this.acceptWord('COALESCE')) {
      this.expectSymbol('(');
      const args = [this.expression()];
      while (this.peekSymbol(',')) {
        this.i++;
        args.push(this.expression());
      }
      this.expectSymbol(')');
      return { k: 'coalesce', args };
    }
    if (this.acceptWord('CASE')) {
      const operand = this.peekWord('WHEN') ? undefined : this.expression();
      const whens: Array<{ when: Node; then: Node }> = [];
      while (this.acceptWord('WHEN')) {
        const when = this.expression();
        this.expectWord('THEN');
        whens.push({ when, then: this.expression() });
      }
      if (whens.length === 0) throw this.unsupported();
      const otherwise = this.acceptWord('ELSE') ? this.expression() : undefined;
      this.expectWord('END');
      return { k: 'case', ...(operand ? { operand } : {}), whens, ...(otherwise ? { otherwise } : {}) };
    }
    throw this.unsupported();
  }
}

// ------------------------------------------------------------------ types

/**
 * The types the subset computes with. Trino type names as the backends report them (`varchar(15)`,
 * `bigint`, `decimal(12,2)`, ...); `unknown` is NULL's type, which coerces to anything.
 */
export type Family = 'string' | 'number' | 'boolean' | 'unknown' | 'other';

const NUMERIC_RANK: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, integer: 3, bigint: 4, real: 5, double: 6 };

export function familyOf(type: string): Family {
  if (type === 'unknown') return 'unknown';
  if (type === 'boolean') return 'boolean';
  if (/^(var)?char(\(\d+\))?$/.test(type)) return 'string';
  if (type in NUMERIC_RANK || /^decimal\(\d+, ?\d+\)$/.test(type)) return 'number';
  return 'other';
}

function varcharLength(type: string): number {
  const m = /^varchar\((\d+)\)$/.exec(type);
  return m ? Number(m[1]) : Infinity;
}

/**
 * Trino's implicit coercion, restricted to what the subset can produce: unknown to anything,
 * varchar(n) to a wider varchar, and integer types to wider integer types or double/real.
 * Decimals and chars only to themselves (the subset never needs more).
 */
function coercible(from: string, to: string): boolean {
  if (from === to || from === 'unknown') return true;
  if (from.startsWith('varchar') && to.startsWith('varchar')) return varcharLength(from) <= varcharLength(to);
  const f = NUMERIC_RANK[from];
  const t = NUMERIC_RANK[to];
  return f !== undefined && t !== undefined && f <= t && !(from === 'real' && to !== 'double' && to !== 'real');
}

/** The common supertype of two types (Trino's, over the subset); undefined when there is none. */
function commonType(a: string, b: string): string | undefined {
  if (coercible(a, b)) return b;
  if (coercible(b, a)) return a;
  if (a.startsWith('varchar') && b.startsWith('varchar')) return varcharLength(a) >= varcharLength(b) ? a : b;
  const fa = familyOf(a);
  if (fa === 'number' && familyOf(b) === 'number' && (a.startsWith('decimal') || b.startsWith('decimal'))) {
    // integer and decimal, or two decimals: Trino has a decimal supertype; so does DuckDB. Double covers double.
    return a === 'double' || b === 'double' ? 'double' : undefined;
  }
  return undefined;
}

export type ColumnTypes = ReadonlyMap<string, string>;

/** The Trino type of the expression over a table with these columns; throws ExpressionError. */
export function typeOf(e: PortableExpression, columns: ColumnTypes): string {
  return typeNode(e.node, columns);
}

function typeNode(n: Node, columns: ColumnTypes): string {
  const bool = (x: Node, what: string): void => {
    const t = typeNode(x, columns);
    if (t !== 'boolean' && t !== 'unknown') throw new ExpressionError(`${what} must be boolean, not ${t}`);
  };
  const common = (nodes: Node[], what: string): string => {
    let type = 'unknown';
    for (const x of nodes) {
      const t = typeNode(x, columns);
      const c = commonType(type, t);
      if (c === undefined) throw new ExpressionError(`${what}: ${type} and ${t} have no common type`);
      type = c;
    }
    return type;
  };
  switch (n.k) {
    case 'column': {
      const t = columns.get(n.name);
      if (t === undefined) throw new ExpressionError(`column '${n.name}' cannot be resolved`);
      if (familyOf(t) === 'other') throw new ExpressionError(`column '${n.name}' has type ${t}, which the gateway does not compare or mask`);
      return t;
    }
    case 'string':
      return `varchar(${n.length})`;
    case 'integer':
      return 'integer';
    case 'null':
      return 'unknown';
    case 'boolean':
      return 'boolean';
    case 'currentUser':
      return 'varchar';
    case 'not':
      bool(n.arg, 'the operand of NOT');
      return 'boolean';
    case 'logical':
      for (const a of n.args) bool(a, 'an operand of AND / OR');
      return 'boolean';
    case 'compare':
      common([n.left, n.right], 'comparison');
      return 'boolean';
    case 'in':
      common([n.left, ...n.list], 'IN');
      return 'boolean';
    case 'isNull':
      typeNode(n.arg, columns);
      return 'boolean';
    case 'like':
      for (const x of [n.left, n.pattern]) {
        const t = typeNode(x, columns);
        if (familyOf(t) !== 'string' && t !== 'unknown') throw new ExpressionError(`LIKE needs strings, not ${t}`);
      }
      return 'boolean';
    case 'concat': {
      // Trino: varchar(x) || varchar(y) is varchar(x + y).
      let length = 0;
      for (const x of n.args) {
        const t = typeNode(x, columns);
        if (!t.startsWith('varchar') && t !== 'unknown') throw new ExpressionError(`|| needs varchar operands, not ${t}`);
        length += t === 'unknown' ? 0 : varcharLength(t);
      }
      return Number.isFinite(length) ? `varchar(${length})` : 'varchar';
    }
    case 'coalesce':
      return common(n.args, 'coalesce');
    case 'case': {
      if (n.operand) common([n.operand, ...n.whens.map((w) => w.when)], 'CASE operand and WHEN values');
      else for (const w of n.whens) bool(w.when, 'a WHEN condition');
      return common([...n.whens.map((w) => w.then), ...(n.otherwise ? [n.otherwise] : [])], 'CASE results');
    }
  }
}

/** Checks a mask's type against its column's (Trino: the mask must be coercible to the column type). */
export function checkMaskType(e: PortableExpression, column: string, columns: ColumnTypes): void {
  const target = columns.get(column)!;
  const type = typeOf(e, columns);
  if (!coercible(type, target)) throw new ExpressionError(`the mask of column '${column}' has type ${type}, not coercible to the column's ${target}`);
}

/** Checks that a filter is boolean. */
export function checkFilterType(e: PortableExpression, columns: ColumnTypes): void {
  const type = typeOf(e, columns);
  if (type !== 'boolean' && type !== 'unknown') throw new ExpressionError(`the filter has type ${type}, not boolean`);
}
