/**
 * Decimal division and modulus with Trino's result types and values. Trino 483 types
 * `decimal(p1,s1) / decimal(p2,s2)` as scale s = max(6, s1 + p2 + 1), precision p1 - s1 + s2 + s,
 * and rounds the exact quotient half away from zero; `%` as scale max(s1, s2), precision
 * min(p1 - s1, p2 - s2) + scale, the exact remainder with the dividend's sign. DuckDB divides
 * decimals as doubles, so both are computed here on the unscaled values as 128-bit integers, which
 * hold them exactly while the precision stays within 38 digits (beyond, refused).
 */
import { raise } from './functions.js';
import { notSupported, type Pos } from './syntax.js';
import { MAX_DECIMAL_PRECISION, decimal, type TrinoType } from './types.js';

type Decimal = { p: number; s: number };

/** The unscaled value of a DuckDB decimal, as a HUGEINT (its text without the point: DuckDB writes `-.05` for a decimal(2,2)). */
function unscaled(sql: string): string {
  return `CAST(replace(CAST(${sql} AS VARCHAR), '.', '') AS HUGEINT)`;
}

const powerOfTen = (exponent: number): string => `CAST('1${'0'.repeat(exponent)}' AS HUGEINT)`;

/** A decimal(p,s) from its unscaled HUGEINT value (exact: the product keeps the unscaled digits). */
function fromUnscaled(sql: string, type: Decimal): string {
  return `CAST(CAST(${sql} AS DECIMAL(38,0)) * CAST('${(1 / 10 ** type.s).toFixed(type.s)}' AS DECIMAL(${type.s + 1},${type.s})) AS DECIMAL(${type.p},${type.s}))`;
}

/** `x / y` or `x % y` of decimals: `x` and `y` DuckDB SQL of the types `l` and `r`. */
export function decimalQuotient(op: '/' | '%', x: string, y: string, l: Decimal, r: Decimal, pos: Pos): { sql: string; type: TrinoType } {
  const zero = `WHEN ${y} = 0 AND ${x} IS NOT NULL THEN ${raise('DIVISION_BY_ZERO', 'Division by zero')}`;
  if (op === '/') {
    const s = Math.max(6, l.s + r.p + 1);
    const p = l.p - l.s + r.s + s;
    if (p > MAX_DECIMAL_PRECISION || s >= MAX_DECIMAL_PRECISION) throw notSupported('Decimal division beyond 38 digits', pos);
    // The dividend scaled so that the integer quotient has s fraction digits: fewer than p + 1 digits, within a HUGEINT.
    const n = `(${unscaled(x)} * ${powerOfTen(s + r.s - l.s)})`;
    const d = unscaled(y);
    const magnitude = `(abs(${n}) // abs(${d}) + CASE WHEN abs(${n}) % abs(${d}) >= abs(${d}) - abs(${n}) % abs(${d}) THEN 1 ELSE 0 END)`;
    const quotient = `(CASE WHEN (${n} < 0) <> (${d} < 0) THEN -${magnitude} ELSE ${magnitude} END)`;
    return { sql: `(CASE ${zero} ELSE ${fromUnscaled(quotient, { p, s })} END)`, type: decimal(p, s) };
  }
  const s = Math.max(l.s, r.s);
  const p = Math.min(l.p - l.s, r.p - r.s) + s;
  if (l.p - l.s + s > MAX_DECIMAL_PRECISION || r.p - r.s + s > MAX_DECIMAL_PRECISION || s >= MAX_DECIMAL_PRECISION) throw notSupported('Decimal modulus beyond 38 digits', pos);
  // HUGEINT % keeps the dividend's sign, as Java's BigDecimal remainder does.
  const remainder = `((${unscaled(x)} * ${powerOfTen(s - l.s)}) % (${unscaled(y)} * ${powerOfTen(s - r.s)}))`;
  return { sql: `(CASE ${zero} ELSE ${fromUnscaled(remainder, { p, s })} END)`, type: decimal(p, s) };
}
