/**
 * Data filters on tag grants (Lake Formation style): a grant may carry a row filter for the tables
 * it grants and masks or exclusions for the columns carrying given tags. The expressions are the
 * rules file's (filter-mask/expression.ts: Trino expressions, the same load-time check, the same
 * per-table checks and rendering) plus `principal.<attribute>`, bound per statement to the querying principal's
 * value of that attribute as a string literal (quoted; NULL when the principal has none).
 */
import { tokenize } from '../../sql/lexer.js';
import { quoteString } from '../../sql/quoting.js';
import { compileExpression, ExpressionError, familyOf, type RuleExpression } from '../filter-mask/expression.js';
import type { TagExpression } from './document.js';

/** The mask of one column family; omitted families are masked with NULL. */
export type TypedMask = { string?: string; number?: string; boolean?: string; other?: string };

export interface TagColumnMask {
  /** The columns it applies to: those whose effective tags match (AND across keys, OR within one). */
  columns: TagExpression;
  /** One expression for every column, or one per type family; omitted: NULL. Ignored with `exclude`. */
  mask?: string | TypedMask;
  /** The columns are not granted at all: reading them is denied. */
  exclude?: boolean;
  /** Principals holding one of these attribute values see the columns as stored. */
  unless?: TagExpression;
}

export class BindingError extends Error {}

/**
 * `principal.<key>` (or `principal."<key>"`) replaced by the literal `value(key)` returns. A
 * column named `principal` without a dot stays a column.
 */
export function bindPrincipal(text: string, value: (key: string) => string): string {
  const tokens = tokenize(text).filter((t) => t.kind !== 'eof');
  let out = '';
  let at = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [head, dot, key] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (head.kind !== 'word' || head.value !== 'PRINCIPAL' || dot.kind !== 'symbol' || dot.value !== '.') continue;
    if (key.kind !== 'word' && key.kind !== 'quoted') continue;
    out += text.slice(at, head.start) + value(key.kind === 'quoted' ? key.value : key.text);
    at = key.end;
    i += 2;
  }
  return out + text.slice(at);
}

/** Checks a filter or mask at load, any attribute standing for a string; throws ExpressionError. */
export function checkDataFilterExpression(text: string): void {
  compileExpression(bindPrincipal(text, () => "''"));
}

/** The expression for a principal: attributes bound (a single value each), compiled. */
export function compileForPrincipal(text: string, attributes: ReadonlyMap<string, ReadonlySet<string>>, grant: string): RuleExpression {
  const bound = bindPrincipal(text, (key) => {
    const values = [...(attributes.get(key) ?? [])];
    if (values.length > 1) throw new BindingError(`tag grant '${grant}' binds principal.${key}, of which the principal has several values (${values.sort().join(', ')})`);
    return values.length === 0 ? 'NULL' : quoteString(values[0]!);
  });
  try {
    return compileExpression(bound);
  } catch (err) {
    // A bound value is a literal: what checked at load compiles now.
    if (err instanceof ExpressionError) throw new BindingError(`tag grant '${grant}': ${err.message}`);
    throw err;
  }
}

/** The mask text for a column of this Trino type. */
export function maskFor(mask: TagColumnMask['mask'], columnType: string): string {
  if (typeof mask === 'string') return mask;
  const family = familyOf(columnType);
  return (family === 'unknown' ? undefined : mask?.[family]) ?? 'NULL';
}

/** Every expression text of a mask (for the load-time check). */
export function maskTexts(mask: TagColumnMask['mask']): string[] {
  if (mask === undefined) return [];
  return typeof mask === 'string' ? [mask] : Object.values(mask).filter((m): m is string => m !== undefined);
}
