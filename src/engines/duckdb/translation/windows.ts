/**
 * Trino's window functions beyond the ranking ones, and window frames, for DuckDB, whose window
 * functions and frames compute the same values: lag, lead, first_value, last_value, nth_value,
 * ntile, percent_rank and cume_dist, and frames of ROWS and GROUPS with literal offsets, RANGE
 * between UNBOUNDED and CURRENT ROW, and RANGE with literal offsets over one ORDER BY key of an
 * exact number or a date (DuckDB's RANGE frames find the same peers and nulls as Trino's). Offsets
 * and bucket counts are accepted only as literals, whose checks (Trino fails on a negative offset
 * at run time) are made here; anything else is refused.
 */
import { cast, type FunctionMapping, type Typed } from './functions.js';
import { notSupported, type Expr, type Frame, type FrameBound } from './syntax.js';
import { T, asDecimal, commonType, duckType, isInteger, type TrinoType } from './types.js';

/** A non-negative integer literal argument (`minimum` the least accepted), or undefined. */
function literalCount(t: Typed | undefined, minimum: number): bigint | undefined {
  if (!t || t.expr.k !== 'literal' || t.expr.lit.k !== 'integer' || !isInteger(t.type)) return undefined;
  const value = BigInt(t.expr.lit.text);
  return value >= BigInt(minimum) && value <= 2147483647n ? value : undefined;
}

/** lag and lead: the value `offset` rows away, or `default` (coerced with the value to their common type). */
function offsetFunction(name: 'lag' | 'lead'): FunctionMapping {
  return {
    kind: 'window',
    signatures: `${name}(x[, literal offset ≥ 0[, default]])`,
    translate: ([x, offset, fallback, ...rest], over) => {
      if (!x || rest.length > 0 || x.type.k === 'unknown') return undefined;
      const rows = offset === undefined ? 1n : literalCount(offset, 0);
      if (rows === undefined) return undefined;
      const type = fallback ? commonType(x.type, fallback.type) : x.type;
      if (!type || type.k === 'unknown') return undefined;
      const args = [cast(x, type), String(rows), ...(fallback ? [cast(fallback, type)] : [])];
      return { sql: `CAST(${name}(${args.join(', ')})${over} AS ${duckType(type)})`, type };
    },
  };
}

function valueFunction(name: 'first_value' | 'last_value'): FunctionMapping {
  return {
    kind: 'window',
    signatures: `${name}(x)`,
    translate: ([x, ...rest], over) => (x && rest.length === 0 && x.type.k !== 'unknown' ? { sql: `${name}(${x.sql})${over}`, type: x.type } : undefined),
  };
}

function distribution(name: 'percent_rank' | 'cume_dist'): FunctionMapping {
  return { kind: 'window', signatures: `${name}() → double`, translate: (args, over) => (args.length === 0 ? { sql: `CAST(${name}()${over} AS DOUBLE)`, type: T.double } : undefined) };
}

export const WINDOW_FUNCTIONS: Record<string, FunctionMapping> = {
  lag: offsetFunction('lag'),
  lead: offsetFunction('lead'),
  first_value: valueFunction('first_value'),
  last_value: valueFunction('last_value'),
  nth_value: {
    kind: 'window',
    signatures: 'nth_value(x, literal n ≥ 1)',
    translate: ([x, n, ...rest], over) => {
      const position = literalCount(n, 1);
      return x && position !== undefined && rest.length === 0 && x.type.k !== 'unknown' ? { sql: `nth_value(${x.sql}, ${position})${over}`, type: x.type } : undefined;
    },
  },
  ntile: {
    kind: 'window',
    signatures: 'ntile(literal n ≥ 1) → bigint',
    translate: ([n, ...rest], over) => {
      const buckets = literalCount(n, 1);
      return buckets !== undefined && rest.length === 0 ? { sql: `CAST(ntile(${buckets})${over} AS BIGINT)`, type: T.bigint } : undefined;
    },
  },
  percent_rank: distribution('percent_rank'),
  cume_dist: distribution('cume_dist'),
};

/** Where a bound lies, for checking that a frame does not end before its start kind allows. */
const BOUND_ORDER: Record<FrameBound['k'], number> = { 'UNBOUNDED PRECEDING': 0, PRECEDING: 1, 'CURRENT ROW': 2, FOLLOWING: 3, 'UNBOUNDED FOLLOWING': 4 };

/** Interval units a RANGE offset over a date may have, as DuckDB writes them. */
const DATE_OFFSET_UNITS = new Set(['DAY', 'MONTH', 'YEAR']);

/**
 * A RANGE frame's offset as DuckDB SQL, for the type of the frame's one ORDER BY key: a
 * non-negative integer (or, for a decimal key, a decimal of no more fraction digits) literal over
 * an integer, bigint or decimal, an `INTERVAL 'n' DAY|MONTH|YEAR` literal over a date; undefined
 * otherwise.
 */
function rangeOffset(offset: Expr, key: TrinoType): string | undefined {
  if (offset.k !== 'literal') return undefined;
  const lit = offset.lit;
  // Trino computes the frame's ends in the common type of key and offset, DuckDB in the key's: so
  // keys of tinyint and smallint (which an integer offset widens) and offsets beyond the key's type are refused.
  if (key.k === 'integer' || key.k === 'bigint' || key.k === 'decimal') {
    if (lit.k !== 'integer' && lit.k !== 'decimal') return undefined;
    const fraction = lit.text.split('.')[1] ?? '';
    const scale = key.k === 'decimal' ? asDecimal(key).s : 0;
    const digits = key.k === 'integer' ? 9 : 18;
    return new RegExp(`^\\d{1,${digits}}(\\.\\d*)?$`).test(lit.text) && fraction.length <= scale ? lit.text : undefined;
  }
  if (key.k === 'date' && lit.k === 'interval' && lit.sign === 1 && DATE_OFFSET_UNITS.has(lit.unit) && /^\d{1,6}$/.test(lit.value)) return `INTERVAL (${Number(lit.value)}) ${lit.unit}`;
  return undefined;
}

/**
 * DuckDB's text of a window frame that means what Trino's does: ROWS and GROUPS with
 * non-negative integer literal offsets (GROUPS with an ORDER BY), RANGE without offsets or with
 * the offsets rangeOffset accepts over exactly one ORDER BY key (`order`: the keys' types).
 * Frames Trino rejects (ending before their start kind, starting at UNBOUNDED FOLLOWING, an offset
 * frame without the ORDER BY it needs) are refused.
 */
export function renderFrame(frame: Frame, order: TrinoType[]): string {
  const end: FrameBound = frame.end ?? { k: 'CURRENT ROW', pos: frame.pos };
  if (frame.start.k === 'UNBOUNDED FOLLOWING' || end.k === 'UNBOUNDED PRECEDING' || BOUND_ORDER[end.k] < BOUND_ORDER[frame.start.k]) {
    throw notSupported(`A window frame from ${frame.start.k} to ${end.k}`, frame.pos);
  }
  const bound = (b: FrameBound): string => {
    if (!('offset' in b)) return b.k;
    const offset = b.offset;
    if (frame.unit === 'RANGE') {
      if (order.length !== 1) throw notSupported('A RANGE window frame with an offset and other than one ORDER BY key', b.pos);
      const rendered = rangeOffset(offset, order[0]!);
      if (rendered === undefined) throw notSupported('This RANGE window frame offset', b.pos);
      return `${rendered} ${b.k}`;
    }
    if (frame.unit === 'GROUPS' && order.length === 0) throw notSupported('A GROUPS window frame with an offset and no ORDER BY', b.pos);
    if (offset.k !== 'literal' || offset.lit.k !== 'integer' || BigInt(offset.lit.text) > 9223372036854775807n) throw notSupported('A window frame offset other than a non-negative integer literal', b.pos);
    return `${BigInt(offset.lit.text)} ${b.k}`;
  };
  return ` ${frame.unit} BETWEEN ${bound(frame.start)} AND ${bound(end)}`;
}
