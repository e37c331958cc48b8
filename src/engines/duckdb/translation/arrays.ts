/**
 * Trino's arrays as DuckDB lists: `ARRAY[...]` constructors, subscripts and the array functions
 * whose DuckDB counterparts give Trino's values, nulls and errors (1-based indices; a subscript
 * out of range fails with INVALID_FUNCTION_ARGUMENT as Trino's does, element_at gives null).
 * Elements are numbers, strings, booleans, dates, or arrays, maps and rows of those (nested to any depth); arrays
 * of intervals, of varbinary and of unknown (`ARRAY[]`, `ARRAY[NULL]`) are refused, as are
 * comparisons of arrays (Trino's equality of arrays holding a null is null, DuckDB's is not).
 * Also array_agg (nulls kept, ORDER BY inside), sequence and flatten.
 */
import { cast, raise, type FunctionMapping, type Typed } from './functions.js';
import { notSupported, type Pos } from './syntax.js';
import { T, commonType, duckType, isArrayElement, isComparable, isFloating, isInteger, typeName, type TrinoType } from './types.js';

/** Trino's bound on the length of sequence()'s result. */
const MAX_SEQUENCE = 10000;
const MILLIS_PER_DAY = 86400000;

type ArrayType = TrinoType & { k: 'array' };

const isArray = (t: TrinoType): t is ArrayType => t.k === 'array';

/**
 * `ARRAY[x, ...]`: the elements coerced to their common type (a mismatch is Trino's TYPE_MISMATCH,
 * raised by `common`). `ARRAY[]` and `ARRAY[NULL, ...]` are Trino's array(unknown), all nulls: held
 * as a list of INTEGER nulls and taken only where its elements are not read one by one.
 */
export function arrayConstructor(items: Typed[], element: TrinoType, pos: Pos): { sql: string; type: TrinoType } {
  if (!isArrayElement(element) && element.k !== 'unknown') throw notSupported(`An array of ${typeName(element)}`, pos);
  const type: TrinoType = { k: 'array', element };
  return { sql: `CAST([${items.map((item) => cast(item, element)).join(', ')}] AS ${duckType(type)})`, type };
}

/** An element of array(unknown) read by itself would be a null whose failures (an index out of range) the translator drops: refused. */
function assertKnownElements(array: ArrayType, pos: Pos): void {
  if (array.element.k === 'unknown') throw notSupported('Reading an element of an array(unknown)', pos);
}

/**
 * UNNEST(array, ...) [WITH ORDINALITY] as a DuckDB FROM item: a row per element in order (none for
 * a null or empty array), the position a bigint from 1. Several arrays are zipped as Trino zips
 * them, the shorter padded with nulls (as DuckDB's unnests in one select list are).
 */
export function unnestRelation(args: Typed[], ordinality: boolean, pos: Pos): { sql: string; types: TrinoType[] } {
  const arrays = args.map((array) => {
    if (!isArray(array.type)) throw notSupported(`UNNEST of ${typeName(array.type)}`, pos);
    // Trino makes a column of each field of a row element.
    if (array.type.element.k === 'row') throw notSupported('UNNEST of an array of rows', pos);
    return array as Typed & { type: ArrayType };
  });
  const types = [...arrays.map((a) => a.type.element), ...(ordinality ? [T.bigint] : [])];
  if (arrays.length === 1) return { sql: `unnest(${arrays[0]!.sql})${ordinality ? ' WITH ORDINALITY' : ''}`, types };
  const longest = `greatest(${arrays.map((a) => `coalesce(len(${a.sql}), 0)`).join(', ')})`;
  const columns = [...arrays.map((a) => `unnest(${a.sql})`), ...(ordinality ? [`unnest(range(1, ${longest} + 1))`] : [])];
  return { sql: `(SELECT ${columns.join(', ')})`, types };
}

/** The error Trino raises for a bad array index, its message built from the values. */
function indexError(message: string): string {
  return `error('QG:INVALID_FUNCTION_ARGUMENT:' || ${message})`;
}

/** `array[index]`: Trino fails on an index outside 1..cardinality. */
export function subscript(array: Typed, index: Typed, pos: Pos): { sql: string; type: TrinoType } {
  if (!isArray(array.type)) throw notSupported(`Subscript of ${typeName(array.type)}`, pos);
  assertKnownElements(array.type, pos);
  if (!(isInteger(index.type) || index.type.k === 'unknown')) throw notSupported(`An array subscript of type ${typeName(index.type)}`, pos);
  const a = array.sql;
  const i = cast(index, T.bigint);
  const sql =
    `(CASE WHEN ${a} IS NULL OR ${i} IS NULL THEN NULL ` +
    `WHEN ${i} = 0 THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'SQL array indices start at 1')} ` +
    `WHEN ${i} < 0 THEN ${indexError(`'Array subscript is negative: ' || ${i}`)} ` +
    `WHEN ${i} > len(${a}) THEN ${indexError(`'Array subscript must be less than or equal to array length: ' || ${i} || ' > ' || len(${a})`)} ` +
    `ELSE ${a}[${i}] END)`;
  return { sql, type: array.type.element };
}

/** A mapping of an array function, translated only for an array first argument. */
function arrayFunction(signatures: string, translate: (array: Typed & { type: ArrayType }, rest: Typed[]) => { sql: string; type: TrinoType } | undefined): FunctionMapping {
  return { kind: 'scalar', signatures, translate: ([array, ...rest]) => (array && isArray(array.type) ? translate(array as Typed & { type: ArrayType }, rest) : undefined) };
}

const isIndex = (t: TrinoType): boolean => isInteger(t) || t.k === 'unknown';

export const ARRAY_FUNCTIONS: Record<string, FunctionMapping> = {
  cardinality: arrayFunction('cardinality(array) → bigint', (a, rest) => (rest.length === 0 ? { sql: `CAST(len(${a.sql}) AS BIGINT)`, type: T.bigint } : undefined)),
  element_at: arrayFunction('element_at(array, bigint): null past either end, counted from the end when negative', (a, [index, ...rest]) => {
    if (!index || rest.length > 0 || !isIndex(index.type) || a.type.element.k === 'unknown') return undefined;
    const i = cast(index, T.bigint);
    return { sql: `(CASE WHEN ${i} = 0 THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'SQL array indices start at 1')} ELSE list_extract(${a.sql}, ${i}) END)`, type: a.type.element };
  }),
  contains: arrayFunction('contains(array, x) for elements but double (null when not found and the array holds a null)', (a, [x, ...rest]) => {
    if (!x || rest.length > 0 || isFloating(a.type.element) || !isComparable(a.type.element)) return undefined;
    const type = commonType(a.type.element, x.type);
    if (!type || type.k === 'unknown') return undefined;
    const array = cast(a, { k: 'array', element: type });
    const value = cast(x, type);
    return {
      sql: `(CASE WHEN ${array} IS NULL OR ${value} IS NULL THEN NULL WHEN list_contains(${array}, ${value}) THEN true WHEN list_aggregate(${array}, 'count') < len(${array}) THEN NULL ELSE false END)`,
      type: T.boolean,
    };
  }),
  array_join: arrayFunction('array_join(array of integers or varchar, varchar[, null replacement varchar])', (a, [separator, replacement, ...rest]) => {
    const textual = (t: Typed | undefined): boolean => t !== undefined && (t.type.k === 'varchar' || t.type.k === 'unknown');
    // Trino writes decimals and doubles in its own text forms (2.0, 1.0E0).
    if (!textual(separator) || rest.length > 0 || (replacement && !textual(replacement)) || !(isInteger(a.type.element) || a.type.element.k === 'varchar')) return undefined;
    const elements = replacement ? `list_transform(${a.sql}, lambda x: coalesce(CAST(x AS VARCHAR), ${cast(replacement, T.varchar)}))` : a.sql;
    // DuckDB's array_to_string joins with no separator when it is null; Trino's result is null.
    const joiner = cast(separator!, T.varchar);
    return { sql: `(CASE WHEN ${joiner} IS NULL THEN NULL ELSE array_to_string(${elements}, ${joiner}) END)`, type: T.varchar };
  }),
  array_sort: arrayFunction('array_sort(array) for elements but double and array, nulls last', (a, rest) =>
    rest.length === 0 && !isFloating(a.type.element) && isComparable(a.type.element) ? { sql: `list_sort(${a.sql}, 'ASC', 'NULLS LAST')`, type: a.type } : undefined,
  ),
  array_distinct: arrayFunction('array_distinct(array) for elements but double, real, array, map and row: the first of equal elements, in order, one null kept', (a, rest) => {
    const element = a.type.element;
    if (rest.length > 0 || isFloating(element) || !isComparable(element)) return undefined;
    // DuckDB's list_distinct drops nulls and reorders; list_position finds the first equal element (a null finds the first null).
    return { sql: `list_filter(${a.sql}, lambda _element, _at: list_position(${a.sql}, _element) = _at)`, type: a.type };
  }),
  slice: arrayFunction('slice(array, start bigint, length bigint)', (a, [start, length, ...rest]) => {
    if (!start || !length || rest.length > 0 || !isIndex(start.type) || !isIndex(length.type)) return undefined;
    const s = cast(start, T.bigint);
    const n = cast(length, T.bigint);
    // A negative start counts from the end; Trino gives an empty array when it lies before the first element.
    const from = `(CASE WHEN ${s} > 0 THEN ${s} ELSE len(${a.sql}) + ${s} + 1 END)`;
    const end = `least(len(${a.sql}), ${from} + ${n} - 1)`;
    const sql =
      `(CASE WHEN ${s} = 0 THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'SQL array indices start at 1')} ` +
      `WHEN ${n} < 0 THEN ${indexError(`'length must be greater than or equal to 0'`)} ` +
      // Trino's end of slice overflows its int arithmetic beyond these (answering an empty array): not modelled.
      `WHEN ${n} > 2147483647 OR abs(${s}) > 2147483647 THEN ${raise('NOT_SUPPORTED', 'slice with a start or length beyond the int range is not supported by the embedded engine')} ` +
      `WHEN ${from} < 1 THEN CAST([] AS ${duckType(a.type)}) ELSE list_slice(${a.sql}, ${from}, ${end}) END)`;
    return { sql, type: a.type };
  }),
  array_agg: {
    kind: 'aggregate',
    clauses: true,
    signatures: 'array_agg(x [ORDER BY ...]) for the array element types, nulls kept (null for no rows)',
    translate: ([x, ...rest], over, within) =>
      x && rest.length === 0 && isArrayElement(x.type) ? { sql: `array_agg(${x.sql}${within?.orderBy ?? ''})${within?.filter ?? ''}${over}`, type: { k: 'array', element: x.type } } : undefined,
  },
  sequence: {
    kind: 'scalar',
    signatures: `sequence(bigint, bigint[, bigint]), sequence(date, date[, interval day to second of whole days]), sequence(date, date, interval year to month); at most ${MAX_SEQUENCE} entries`,
    translate: ([start, stop, step, ...rest]) => (start && stop && rest.length === 0 ? sequence(start, stop, step) : undefined),
  },
  flatten: arrayFunction('flatten(array(array(T))): the elements of the non-null arrays, in order', (a, rest) =>
    rest.length === 0 && a.type.element.k === 'array' ? { sql: `flatten(${a.sql})`, type: a.type.element } : undefined,
  ),
};


/**
 * sequence() as Trino computes it: the entries start + i × step up to stop, a null argument
 * giving null; a zero step, a step away from stop and more than 10,000 entries fail with Trino's
 * errors. Integers are bigints (computed as HUGEINT so no difference overflows); dates step by
 * whole days or by months (each entry the start moved by i × step months, month ends clamped).
 */
function sequence(start: Typed, stop: Typed, step: Typed | undefined): { sql: string; type: TrinoType } | undefined {
  const bounds = commonType(start.type, stop.type);
  if (!bounds) return undefined;
  const integral = isInteger(bounds) || bounds.k === 'unknown';
  if (!integral && bounds.k !== 'date') return undefined;
  if (integral && step && !(isInteger(step.type) || step.type.k === 'unknown')) return undefined;
  if (bounds.k === 'date' && step && !['intervalDayToSecond', 'intervalYearToMonth', 'unknown'].includes(step.type.k)) return undefined;
  const fail = (message: string): string => raise('INVALID_FUNCTION_ARGUMENT', message);
  const [from, to] = integral ? [cast(start, T.bigint), cast(stop, T.bigint)] : [cast(start, T.date), cast(stop, T.date)];
  // The positions along the sequence, as HUGEINT: days since 1970 for dates.
  const [s, e] = integral ? [`CAST(${from} AS HUGEINT)`, `CAST(${to} AS HUGEINT)`] : [`CAST(epoch_ms(${from}) // ${MILLIS_PER_DAY} AS HUGEINT)`, `CAST(epoch_ms(${to}) // ${MILLIS_PER_DAY} AS HUGEINT)`];
  const months = step?.type.k === 'intervalYearToMonth';
  const unit = step === undefined ? `(CASE WHEN ${e} >= ${s} THEN 1 ELSE -1 END)` : `CAST(${cast(step, integral ? T.bigint : months ? T.intervalYearToMonth : T.intervalDayToSecond)} AS HUGEINT)`;
  const stride = bounds.k === 'date' && step && !months ? `(${unit} // ${MILLIS_PER_DAY})` : unit;
  const checks = [
    ...(bounds.k === 'date' && step && !months ? [`WHEN ${unit} % ${MILLIS_PER_DAY} <> 0 THEN ${fail('sequence step must be a day interval if start and end values are dates')}`] : []),
    `WHEN ${stride} = 0 THEN ${fail('step must not be zero')}`,
    `WHEN (${stride} > 0 AND ${e} < ${s}) OR (${stride} < 0 AND ${e} > ${s}) THEN ${fail('sequence stop value should be greater than or equal to start value if step is greater than zero otherwise stop should be less than or equal to start')}`,
  ];
  // Months: whole calendar months from start to stop (as date_diff counts them), over the step.
  const length = months ? `(CAST(date_sub('month', ${from}, ${to}) AS HUGEINT) // ${stride} + 1)` : `((${e} - ${s}) // ${stride} + 1)`;
  const entries = `range(0, CAST(${length} AS BIGINT))`;
  const entry = integral
    ? `lambda _seq: CAST(${s} + _seq * ${stride} AS BIGINT)`
    : months
      ? `lambda _seq: CAST(${from} + to_months(CAST(_seq * ${stride} AS INTEGER)) AS DATE)`
      : `lambda _seq: CAST(${from} + CAST(_seq * ${stride} AS INTEGER) AS DATE)`;
  const nulls = [start, stop, ...(step ? [step] : [])].map((a) => `${a.type.k === 'unknown' ? 'NULL' : a.sql} IS NULL`).join(' OR ');
  const sql =
    `(CASE WHEN ${nulls} THEN NULL ${checks.join(' ')} ` +
    `WHEN ${length} > ${MAX_SEQUENCE} THEN ${fail(`result of sequence function must not have more than ${MAX_SEQUENCE} entries`)} ` +
    `ELSE list_transform(${entries}, ${entry}) END)`;
  return { sql, type: { k: 'array', element: integral ? T.bigint : T.date } };
}
