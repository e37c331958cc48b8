/**
 * Trino's `try(expression)`: null where evaluating the expression fails with one of the errors
 * Trino's try catches (division by zero, invalid cast or function argument, numeric overflow),
 * rendered as DuckDB's TRY. DuckDB's TRY refuses the volatile `error()` the translation raises
 * Trino's errors with, so inside try each such raise becomes a failing cast of its message to an
 * integer, which is not volatile and fails only when evaluated (in a branch of another type DuckDB
 * cannot bind it: the statement is then refused when run). Refused: a body that can raise anything else (a
 * refusal when met would turn into a null), one DuckDB could fail on in other ways (only the
 * expression forms and functions below are accepted), and a body that raises under AND or OR
 * (DuckDB evaluates both sides, so a failing side Trino never evaluates would make the answer null)
 * or one whose constants DuckDB combines first (`x * 1000000000 * 1000000000` overflows in DuckDB
 * for x = 0).
 */
import { notSupported, type Expr, type Pos } from './syntax.js';
import type { Typed } from './functions.js';
import type { TrinoType } from './types.js';

/** The errors Trino's try turns into null. */
const CAUGHT = /^'QG:(DIVISION_BY_ZERO|INVALID_CAST_ARGUMENT|INVALID_FUNCTION_ARGUMENT|NUMERIC_VALUE_OUT_OF_RANGE):/;

/** Expression forms whose DuckDB rendering fails only by the translation's raises or by numeric overflow. */
const ACCEPTED_FORMS = new Set<Expr['k']>(['literal', 'column', 'unary', 'binary', 'isNull', 'between', 'inList', 'case', 'cast', 'call', 'logical']);

/** Scalar functions accepted inside try (their renderings fail only by raises or overflow). */
const ACCEPTED_FUNCTIONS = new Set([
  'try', 'coalesce', 'nullif', 'if', 'nan', 'infinity', 'abs', 'sign', 'ceil', 'ceiling', 'floor', 'round', 'mod', 'greatest', 'least',
  'length', 'lower', 'upper', 'concat', 'reverse', 'substr', 'substring', 'strpos', 'starts_with', 'replace',
  'json_parse', 'json_format', 'json_extract', 'json_array_get', 'json_array_contains',
]);

/** The operators DuckDB reassociates with each other (a sum with a sum, a product with a product). */
const FAMILY: Record<string, string> = { '+': 'sum', '-': 'sum', '*': 'product' };

function isConstant(e: Expr): boolean {
  return e.k === 'literal' || ((e.k === 'unary' || e.k === 'cast') && isConstant(e.arg)) || (e.k === 'binary' && isConstant(e.left) && isConstant(e.right));
}

/** `x * 1000000000 * 1000000000`: DuckDB folds the two constants first, so its overflow (null under TRY) is one Trino never meets. */
function foldsConstants(e: Expr): boolean {
  if (e.k !== 'binary' || FAMILY[e.op] === undefined) return false;
  const chained = (side: Expr, other: Expr): boolean => side.k === 'binary' && FAMILY[side.op] === FAMILY[e.op] && isConstant(other) && (isConstant(side.left) || isConstant(side.right));
  return !isConstant(e) && (chained(e.left, e.right) || chained(e.right, e.left));
}

function checkBody(e: Expr): { logical: boolean } {
  if (!ACCEPTED_FORMS.has(e.k)) throw notSupported(`try around this expression (${e.k})`, e.pos);
  if (foldsConstants(e)) throw notSupported('try around arithmetic on two constants the engine combines first', e.pos);
  if (e.k === 'call' && (!ACCEPTED_FUNCTIONS.has(e.name) || e.over || e.filter || e.distinct)) throw notSupported(`try around the function ${e.name}`, e.pos);
  let logical = e.k === 'logical';
  for (const child of children(e)) logical = checkBody(child).logical || logical;
  return { logical };
}

function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'unary':
    case 'isNull':
    case 'cast':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'between':
      return [e.arg, e.low, e.high];
    case 'inList':
      return [e.arg, ...e.list];
    case 'case':
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'call':
    case 'logical':
      return e.args;
    default:
      return [];
  }
}

/**
 * The SQL with each `error(<message>)` call replaced by a failing cast of the message; undefined
 * when a raise is not one try catches. Quoted strings and identifiers are skipped, so only the
 * translation's own calls are seen.
 */
function caughtRaises(sql: string): { sql: string; raises: number } | undefined {
  let out = '';
  let raises = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = quotedEnd(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (sql.startsWith('error(', i) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const start = i + 'error('.length;
      const end = closingParenthesis(sql, start);
      const message = sql.slice(start, end);
      if (!CAUGHT.test(message)) return undefined;
      // A bare cast: DuckDB folds a constant expression around it (`CAST(...) IS NULL`) while binding, and fails there.
      out += `CAST(${message} AS INTEGER)`;
      raises++;
      i = end + 1;
    } else {
      out += c;
      i++;
    }
  }
  return { sql: out, raises };
}

/** The index after a quoted string or identifier starting at `start` (a doubled quote escapes it). */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start]!;
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

function closingParenthesis(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      i = quotedEnd(sql, i);
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return i;
}

export function tryExpression(body: Typed, pos: Pos): { sql: string; type: TrinoType } {
  if (body.type.k === 'unknown') return { sql: 'NULL', type: body.type };
  const { logical } = checkBody(body.expr);
  const caught = caughtRaises(body.sql);
  if (!caught) throw notSupported('try around an expression that may fail with an error try does not catch, or be refused when met', pos);
  if (caught.raises > 0 && logical) throw notSupported('try around AND or OR with an operand that may fail (the engine evaluates both sides)', pos);
  return { sql: `TRY(${caught.sql})`, type: body.type };
}
