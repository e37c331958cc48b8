/**
 * Row filter and column mask expressions: any Trino expression (functions, arithmetic, casts,
 * CASE, lambdas, subqueries), parsed when the rules are loaded by the gateway's Trino parser
 * (src/sql/analyzer/parser.ts, the one differential-tested against Trino's), so a syntax error
 * refuses the rules file naming the rule.
 *
 * What the expression reads, its type and whether an engine can run it depend on the table it is
 * applied to (a rule's pattern may match tables of different shapes and engines), so they are
 * checked per table when a statement first uses the rule (filter-mask/rewrite.ts): the engine
 * serving the table types it (Trino itself, or the embedded engine's translator, which refuses
 * what it cannot run exactly). The types are compared here with Trino's implicit coercions.
 *
 * The expression is sent as written, CURRENT_USER bound to the querying user as a string literal
 * (what it means inside a filter or mask in Trino: the session user, not the environment user).
 */
import type { Expr } from '../../sql/analyzer/ast.js';
import { parseExpression } from '../../sql/analyzer/index.js';
import { tokenize, type Token } from '../../sql/lexer.js';
import { quoteString } from '../../sql/quoting.js';

/** A filter or mask accepted at load. */
export interface RuleExpression {
  text: string;
  /** Lower-cased names of the table's columns it reads outside subqueries (lambda parameters excluded). */
  columns: string[];
  tokens: Token[];
}

export class ExpressionError extends Error {}

/** Parses `text` as a Trino expression; throws ExpressionError when it does not parse or names what a rule cannot. */
export function compileExpression(text: string): RuleExpression {
  let tree: Expr;
  try {
    tree = parseExpression(text);
  } catch (err) {
    throw new ExpressionError(`does not parse: ${(err as Error).message}`);
  }
  const columns = new Set<string>();
  collectColumns(tree, new Set(), columns);
  return { text, columns: [...columns], tokens: tokenize(text).filter((t) => t.kind !== 'eof') };
}

/**
 * The table columns an expression names. A qualified name (`nation.n_name`, or a row field) is
 * refused: the expression is evaluated over the table alone, so its columns are named alone.
 */
function collectColumns(e: Expr, lambdaParameters: ReadonlySet<string>, into: Set<string>): void {
  switch (e.k) {
    case 'ref': {
      if (e.parts.length > 1) throw new ExpressionError(`names '${e.parts.map((p) => p.value).join('.')}' (line ${e.parts[0]!.pos.line}:${e.parts[0]!.pos.column}): name the table's columns without a qualifier`);
      if (!lambdaParameters.has(e.parts[0]!.value)) into.add(e.parts[0]!.value);
      return;
    }
    case 'deref':
      return collectColumns(e.base, lambdaParameters, into);
    case 'param':
      throw new ExpressionError('has a parameter (?), which nothing binds');
    case 'lit':
    case 'subquery':
      // A subquery's reads are analyzed with the table (rewrite.ts), correlated columns included.
      return;
    case 'op':
      return e.args.forEach((a) => collectColumns(a, lambdaParameters, into));
    case 'lambda':
      return collectColumns(e.body, new Set([...lambdaParameters, ...e.params.map((p) => p.value)]), into);
    case 'call': {
      if (e.window !== undefined) throw new ExpressionError(`calls the window function ${e.name.map((p) => p.value).join('.')}, which a row filter or column mask cannot contain`);
      for (const x of [...e.args, ...e.orderBy.map((s) => s.e), ...(e.filter ? [e.filter] : [])]) collectColumns(x, lambdaParameters, into);
      return;
    }
  }
}

/** The expression as sent to the engine: the text as written, CURRENT_USER bound to the querying user. */
export function renderExpression(e: RuleExpression, user: string): string {
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

// ------------------------------------------------------------------ types

/**
 * The family of a Trino type name as the engines report it (`varchar(15)`, `bigint`,
 * `decimal(12,2)`, ...), for the tag grants' per-family masks; `unknown` is NULL's type.
 */
export type Family = 'string' | 'number' | 'boolean' | 'unknown' | 'other';

const INTEGER_DIGITS: Readonly<Record<string, number>> = { tinyint: 3, smallint: 5, integer: 10, bigint: 19 };

export function familyOf(type: string): Family {
  if (type === 'unknown') return 'unknown';
  if (type === 'boolean') return 'boolean';
  if (/^(var)?char(\(\d+\))?$/.test(type)) return 'string';
  if (type in INTEGER_DIGITS || type === 'real' || type === 'double' || /^decimal\(\d+, ?\d+\)$/.test(type)) return 'number';
  return 'other';
}

function normalized(type: string): string {
  return type.toLowerCase().replace(/\s+/g, '');
}

function decimalParts(type: string): { p: number; s: number } | undefined {
  const m = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (m) return { p: Number(m[1]), s: Number(m[2]) };
  const digits = INTEGER_DIGITS[type];
  return digits === undefined ? undefined : { p: digits, s: 0 };
}

function precision(type: string, base: string): number | undefined {
  if (type === base) return base === 'varchar' ? Infinity : 3;
  const m = new RegExp(`^${base}\\((\\d+)\\)$`).exec(type);
  return m ? Number(m[1]) : undefined;
}

/**
 * Trino's implicit coercion from one type to another (TypeCoercion.canCoerce) for the scalar types
 * tables hold: unknown to anything, varchar(n) to a varchar at least as long, integer types to
 * wider integer types, decimals that hold them, real and double, decimals to wider decimals,
 * real and double, real to double, date to timestamp, timestamp(p) to a finer timestamp.
 * Anything else only to itself (so a mask of such a type is refused unless it is the column's).
 */
export function coercible(fromType: string, toType: string): boolean {
  const from = normalized(fromType);
  const to = normalized(toType);
  if (from === to || from === 'unknown') return true;
  const fromVarchar = precision(from, 'varchar');
  const toVarchar = precision(to, 'varchar');
  if (fromVarchar !== undefined && toVarchar !== undefined) return fromVarchar <= toVarchar;
  const fromTimestamp = precision(from, 'timestamp');
  const toTimestamp = precision(to, 'timestamp');
  if (toTimestamp !== undefined) return from === 'date' || (fromTimestamp !== undefined && fromTimestamp <= toTimestamp);
  if (to === 'double') return from === 'real' || decimalParts(from) !== undefined;
  if (to === 'real') return decimalParts(from) !== undefined;
  const source = decimalParts(from);
  if (source === undefined) return false;
  if (from in INTEGER_DIGITS && to in INTEGER_DIGITS) return INTEGER_DIGITS[from]! <= INTEGER_DIGITS[to]!;
  const target = /^decimal/.test(to) ? decimalParts(to) : undefined;
  return target !== undefined && target.s >= source.s && target.p - target.s >= source.p - source.s;
}

/** Whether a filter's type is Trino's boolean (or NULL's unknown). */
export function isBooleanType(type: string): boolean {
  return ['boolean', 'unknown'].includes(normalized(type));
}
