/**
 * The Trino functions the embedded engine runs, each mapped to DuckDB SQL that gives exactly
 * Trino's result and type for every argument it accepts (checked against Trino 483 by
 * test/integration/embedded-differential.test.ts). A function missing here, or called with
 * argument types its entry does not accept, is refused. The README's function list is generated
 * from this table (scripts/function-list.mjs).
 */
import { quoteString } from '../../../sql/quoting.js';
import { translateRegex, type RegexTranslation } from './regex.js';
import { notSupported, type Expr } from './syntax.js';
import {
  T,
  commonType,
  decimal,
  duckType,
  isExactNumeric,
  isInteger,
  isNumeric,
  varchar,
  type TrinoType,
} from './types.js';

/** A translated expression: DuckDB SQL producing values of the Trino type `type`. */
export interface Typed {
  sql: string;
  type: TrinoType;
  /** The source expression, for functions that accept only literal arguments. */
  expr: Expr;
}

export interface FunctionMapping {
  kind: 'scalar' | 'aggregate' | 'window';
  /** Trino signatures accepted, for the README. */
  signatures: string;
  /**
   * The result, or undefined when Trino would accept these arguments but the mapping does not.
   * `over` is the rendered OVER clause of an aggregate or window call ('' otherwise), placed
   * right after the DuckDB call it applies to.
   */
  translate(args: Typed[], over: string, within?: WithinCall): { sql: string; type: TrinoType } | undefined;
  /** An aggregate whose nulls are values (array_agg): the translator passes its ORDER BY and FILTER as DuckDB clauses (`within`) rather than nulling filtered arguments. */
  clauses?: true;
}

/** The DuckDB clauses of an aggregate call: ` ORDER BY ...` inside its parentheses, ` FILTER (WHERE ...)` after them ('' when absent). */
export interface WithinCall {
  orderBy: string;
  filter: string;
}

export function cast(t: Typed, to: TrinoType): string {
  if (t.type.k === 'unknown') return `CAST(NULL AS ${duckType(to)})`;
  // DuckDB places a local time in a DST overlap at the later instant, Trino at the earlier: refused when met.
  if (to.k === 'timestampTz' && t.type.k !== 'timestampTz') return raise('NOT_SUPPORTED', 'Comparing or combining a timestamp or date with a timestamp with time zone is not supported by the embedded engine');
  // A char is held padded to its length: a longer char pads further, a varchar drops the padding (Trino's coercions).
  if (t.type.k === 'char' && to.k === 'char') return t.type.length === to.length ? t.sql : `rpad(${t.sql}, ${to.length}, ' ')`;
  if (t.type.k === 'char' && to.k === 'varchar') return `rtrim(${t.sql}, ' ')`;
  if (duckType(t.type) === duckType(to)) return t.sql;
  return `CAST(${t.sql} AS ${duckType(to)})`;
}

/** A DuckDB expression raising a Trino error: the execution maps `QG:<code>:<message>` back to it. */
export function raise(
  code: 'DIVISION_BY_ZERO' | 'INVALID_FUNCTION_ARGUMENT' | 'NUMERIC_VALUE_OUT_OF_RANGE' | 'INVALID_CAST_ARGUMENT' | 'NOT_SUPPORTED' | 'GENERIC_INTERNAL_ERROR',
  message: string,
): string {
  return `error('QG:${code}:${message.replace(/'/g, "''")}')`;
}

/** The literal text of a string-literal argument, for functions whose mapping holds only for literal arguments. */
function stringLiteral(t: Typed): string | undefined {
  return t.expr.k === 'literal' && t.expr.lit.k === 'string' ? t.expr.lit.value : undefined;
}

const isString = (t: TrinoType): boolean => t.k === 'varchar' || t.k === 'unknown';
const isIntegerOrUnknown = (t: TrinoType): boolean => isInteger(t) || t.k === 'unknown';
const isDoubleLike = (t: TrinoType): boolean => isNumeric(t) || t.k === 'unknown';

/** Arguments coerced to double, as Trino does for its double-only math functions. */
function doubleArgs(args: Typed[], count: number): string[] | undefined {
  if (args.length !== count || !args.every((a) => isDoubleLike(a.type))) return undefined;
  return args.map((a) => cast(a, T.double));
}

function doubleFunction(signature: string, render: (x: string[]) => string, arity = 1): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: signature,
    translate: (args) => {
      const x = doubleArgs(args, arity);
      return x && { sql: render(x), type: T.double };
    },
  };
}

/** Java's Character.isWhitespace, which Trino's trim functions remove (DuckDB's trim removes spaces only). */
const JAVA_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(28) || chr(29) || chr(30) || chr(31) || chr(5760) || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196) || chr(8197) || chr(8198) || chr(8200) || chr(8201) || chr(8202) || chr(8232) || chr(8233) || chr(8287) || chr(12288)";

/** trim, ltrim, rtrim: of white space, or of any of the given characters (DuckDB's two-argument form reads them as a set too). */
function trimFunction(duck: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${duck}(varchar[, characters varchar])`,
    translate: ([s, characters, ...rest]) => {
      if (!s || rest.length > 0 || !isString(s.type) || (characters && !isString(characters.type))) return undefined;
      return { sql: `${duck}(${cast(s, T.varchar)}, ${characters ? cast(characters, T.varchar) : JAVA_WHITESPACE})`, type: s.type.k === 'unknown' ? varchar() : s.type };
    },
  };
}

/** Extractors of a date field: Trino returns bigint. */
function dateField(duckPart: string, name: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${name}(date)`,
    translate: ([d, ...rest]) => (d && rest.length === 0 && (d.type.k === 'date' || d.type.k === 'unknown') ? { sql: `CAST(${duckPart}(${cast(d, T.date)}) AS BIGINT)`, type: T.bigint } : undefined),
  };
}

export const DATE_FIELDS: Record<string, string> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  day: 'day',
  day_of_month: 'day',
  day_of_week: 'isodow',
  dow: 'isodow',
  day_of_year: 'dayofyear',
  doy: 'dayofyear',
  week: 'week',
  week_of_year: 'week',
  year_of_week: 'isoyear',
  yow: 'isoyear',
};

/**
 * Trino's date_format specifiers (MySQL's) and the DuckDB strftime text giving the same output
 * for a date, as the differential checks against Trino. Trino rejects the specifiers of
 * TRINO_REJECTED_SPECIFIERS (refused here), and writes any other character after `%` as itself.
 */
const DATE_FORMAT_SPECIFIERS: Record<string, string> = {
  Y: '%Y', y: '%y', m: '%m', c: '%-m', d: '%d', e: '%-d', j: '%j', a: '%a', b: '%b', M: '%B', W: '%A',
  H: '%H', k: '%-H', h: '%I', I: '%I', l: '%-I', i: '%M', s: '%S', S: '%S', f: '%f', p: '%p', T: '%H:%M:%S', r: '%I:%M:%S %p',
  v: '%V', x: '%G', '%': '%%',
};
const TRINO_REJECTED_SPECIFIERS = new Set(['D', 'U', 'u', 'V', 'w', 'X']);

/** A date_format format string as a strftime format, refusing (with its position) a specifier not mapped. */
export function strftimeFormat(format: Typed): string | undefined {
  const text = stringLiteral(format);
  if (text === undefined) return undefined;
  // Trino fails on an empty format (its formatter can neither print nor parse).
  if (text === '') throw notSupported('date_format with an empty format', format.expr.pos);
  return text.replace(/%(.?)/gsu, (_, specifier: string) => {
    if (Object.hasOwn(DATE_FORMAT_SPECIFIERS, specifier)) return DATE_FORMAT_SPECIFIERS[specifier]!;
    if (specifier === '' || TRINO_REJECTED_SPECIFIERS.has(specifier)) throw notSupported(`date_format specifier %${specifier}`, format.expr.pos);
    return specifier;
  });
}

/** Units of date_trunc, date_add and date_diff on dates. */
const DATE_UNITS = new Set(['day', 'week', 'month', 'quarter', 'year']);

function dateUnit(t: Typed | undefined): string | undefined {
  const unit = t && stringLiteral(t)?.toLowerCase();
  return unit !== undefined && DATE_UNITS.has(unit) ? unit : undefined;
}

/** Trino's integer arithmetic result type: the wider operand. */
function sumType(t: TrinoType): TrinoType | undefined {
  if (isInteger(t)) return T.bigint;
  if (t.k === 'decimal') return decimal(38, t.s);
  if (t.k === 'double') return t;
  return undefined;
}

function aggregate(signature: string, translate: FunctionMapping['translate']): FunctionMapping {
  return { kind: 'aggregate', signatures: signature, translate };
}

function ranking(name: string): FunctionMapping {
  return { kind: 'window', signatures: `${name}()`, translate: (args, over) => (args.length === 0 ? { sql: `${name}()${over}`, type: T.bigint } : undefined) };
}

/**
 * Trino's avg of decimal(p,s): the exact sum over the count, rounded half away from zero to scale
 * s, of type decimal(p,s) (DuckDB's avg is a double). The sum's unscaled digits are divided as a
 * 128-bit integer; with p ≤ 18 the sum cannot overflow it.
 */
function decimalAverage(x: Typed, type: { p: number; s: number }, over: string): { sql: string; type: TrinoType } {
  const unscaledSum = `CAST(replace(CAST(sum(${x.sql})${over} AS VARCHAR), '.', '') AS HUGEINT)`;
  const count = `count(${x.sql})${over}`;
  const rounded = `sign(${unscaledSum}) * (abs(${unscaledSum}) // ${count} + CASE WHEN 2 * (abs(${unscaledSum}) % ${count}) >= ${count} THEN 1 ELSE 0 END)`;
  const unit = `CAST('${(10 ** -type.s).toFixed(type.s)}' AS DECIMAL(${type.s + 1},${type.s}))`;
  const result = decimal(type.p, type.s);
  return { sql: `(CASE WHEN ${count} = 0 THEN NULL ELSE CAST(CAST(${rounded} AS DECIMAL(38,0)) * ${unit} AS ${duckType(result)}) END)`, type: result };
}

/** A function of one varbinary argument. */
function binaryFunction(signature: string, render: (bytes: string) => string, type: TrinoType): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: signature,
    translate: ([b, ...rest]) => (b && rest.length === 0 && (b.type.k === 'varbinary' || b.type.k === 'unknown') ? { sql: render(cast(b, T.varbinary)), type } : undefined),
  };
}

/** A string argument and a literal pattern RE2 reads as Trino's Joni does (regex.ts), or undefined. */
function regexArguments(s: Typed | undefined, p: Typed | undefined, allowEnd: boolean): RegexTranslation | undefined {
  const literal = p && stringLiteral(p);
  if (!s || !isString(s.type) || literal === undefined) return undefined;
  return translateRegex(literal, allowEnd);
}

const REGEX_SUBSET = 'literal pattern of characters, escaped punctuation, ., classes, groups, |, quantifiers, ^';

// Both engines order varbinary bytewise (unsigned), a shorter prefix first.
const comparable = (t: TrinoType): boolean => isNumeric(t) || t.k === 'varchar' || t.k === 'date' || t.k === 'boolean' || t.k === 'varbinary' || t.k === 'intervalYearToMonth';

export const FUNCTIONS: Record<string, FunctionMapping> = {
  // Aggregates. count(*) is handled by the translator.
  count: aggregate('count(x)', (args, over) => (args.length === 1 ? { sql: `count(${args[0]!.sql})${over}`, type: T.bigint } : undefined)),
  // An estimate in Trino (HyperLogLog, standard error 2.3 %); here the exact count of distinct values,
  // which Trino's estimate approximates. Floating values are left out: which of -0 and 0, or of
  // NaNs, count apart differs between the engines' hashing and DuckDB's DISTINCT.
  approx_distinct: aggregate('approx_distinct(x) → bigint: the exact distinct count (Trino: an estimate, standard error 2.3 %); x of integer, decimal, varchar, varbinary, date or boolean type', ([x, ...rest], over) =>
    x && rest.length === 0 && over === '' && (isInteger(x.type) || ['decimal', 'varchar', 'varbinary', 'date', 'boolean'].includes(x.type.k)) ? { sql: `count(DISTINCT ${x.sql})`, type: T.bigint } : undefined),
  // DuckDB's count_if of no true-or-false value is null, Trino's is 0.
  count_if: aggregate('count_if(boolean)', ([b, ...rest], over) => (b && rest.length === 0 && (b.type.k === 'boolean' || b.type.k === 'unknown') ? { sql: `CAST(coalesce(count_if(${cast(b, T.boolean)})${over}, 0) AS BIGINT)`, type: T.bigint } : undefined)),
  sum: aggregate('sum(integer types) → bigint, sum(decimal(p,s)) → decimal(38,s), sum(double)', ([x, ...rest], over) => {
    const type = x && rest.length === 0 ? sumType(x.type) : undefined;
    if (!type || !x) return undefined;
    const total = `sum(${x.sql})${over}`;
    if (!isInteger(x.type)) return { sql: `CAST(${total} AS ${duckType(type)})`, type };
    // DuckDB sums integers in 128 bits; Trino's bigint sum fails on overflow.
    return { sql: `(CASE WHEN ${total} NOT BETWEEN -9223372036854775808 AND 9223372036854775807 THEN ${raise('NUMERIC_VALUE_OUT_OF_RANGE', 'bigint addition overflow')} ELSE CAST(${total} AS BIGINT) END)`, type };
  }),
  avg: aggregate('avg(integer types) → double, avg(double), avg(decimal(p,s)) → decimal(p,s) for p ≤ 18', ([x, ...rest], over) => {
    if (!x || rest.length > 0) return undefined;
    if (x.type.k === 'decimal') return x.type.p <= 18 ? decimalAverage(x, x.type, over) : undefined;
    if (!(isInteger(x.type) || x.type.k === 'double')) return undefined;
    return { sql: `avg(${cast(x, T.double)})${over}`, type: T.double };
  }),
  min: aggregate('min(x) for numbers but real, varchar, date, boolean, varbinary, interval year to month', ([x, ...rest], over) => (x && rest.length === 0 && comparable(x.type) && x.type.k !== 'real' ? { sql: `min(${x.sql})${over}`, type: x.type } : undefined)),
  max: aggregate('max(x) for numbers but real, varchar, date, boolean, varbinary, interval year to month', ([x, ...rest], over) => {
    if (!x || rest.length > 0 || !comparable(x.type) || x.type.k === 'real') return undefined;
    // Trino's max of doubles passes over NaN unless every value is NaN; DuckDB orders NaN above all.
    if (x.type.k === 'double') return { sql: `coalesce(max(${x.sql}) FILTER (WHERE NOT isnan(${x.sql}))${over}, max(${x.sql})${over})`, type: x.type };
    return { sql: `max(${x.sql})${over}`, type: x.type };
  }),
  bool_and: aggregate('bool_and(boolean)', ([b, ...rest], over) => (b && rest.length === 0 && b.type.k === 'boolean' ? { sql: `bool_and(${b.sql})${over}`, type: T.boolean } : undefined)),
  bool_or: aggregate('bool_or(boolean)', ([b, ...rest], over) => (b && rest.length === 0 && b.type.k === 'boolean' ? { sql: `bool_or(${b.sql})${over}`, type: T.boolean } : undefined)),
  every: aggregate('every(boolean)', ([b, ...rest], over) => (b && rest.length === 0 && b.type.k === 'boolean' ? { sql: `bool_and(${b.sql})${over}`, type: T.boolean } : undefined)),

  // Ranking window functions.
  row_number: ranking('row_number'),
  rank: ranking('rank'),
  dense_rank: ranking('dense_rank'),

  // Math.
  abs: {
    kind: 'scalar',
    signatures: 'abs(x) for integer types, decimal, double',
    translate: ([x, ...rest]) => (x && rest.length === 0 && isNumeric(x.type) && x.type.k !== 'real' ? { sql: `CAST(abs(${x.sql}) AS ${duckType(x.type)})`, type: x.type } : undefined),
  },
  ceil: roundingFunction('ceil'),
  ceiling: roundingFunction('ceil'),
  floor: roundingFunction('floor'),
  round: {
    kind: 'scalar',
    signatures: 'round(x), round(x, integer) for integer types and double',
    translate: ([x, d, ...rest]) => {
      if (!x || rest.length > 0 || !(isInteger(x.type) || x.type.k === 'double')) return undefined;
      if (d === undefined) return { sql: x.type.k === 'double' ? `round(${x.sql})` : x.sql, type: x.type };
      if (!isIntegerOrUnknown(d.type) || x.type.k !== 'double') return undefined;
      return { sql: `round(${x.sql}, ${cast(d, T.integer)})`, type: T.double };
    },
  },
  sign: {
    kind: 'scalar',
    signatures: 'sign(x) for integer types and double',
    translate: ([x, ...rest]) => {
      if (!x || rest.length > 0 || !(isInteger(x.type) || x.type.k === 'double')) return undefined;
      const sign = `CAST(sign(${x.sql}) AS ${duckType(x.type)})`;
      // The sign of NaN is NaN in Trino, 0 in DuckDB.
      return { sql: x.type.k === 'double' ? `(CASE WHEN isnan(${x.sql}) THEN ${x.sql} ELSE ${sign} END)` : sign, type: x.type };
    },
  },
  // DuckDB raises errors where Trino (IEEE 754) answers NaN or -Infinity.
  sqrt: doubleFunction('sqrt(double)', ([x]) => `(CASE WHEN ${x} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${x}) END)`),
  exp: doubleFunction('exp(double)', ([x]) => `exp(${x})`),
  ln: doubleFunction('ln(double)', ([x]) => logarithm('ln', x!)),
  log2: doubleFunction('log2(double)', ([x]) => logarithm('log2', x!)),
  log10: doubleFunction('log10(double)', ([x]) => logarithm('log10', x!)),
  power: doubleFunction('power(double, double)', ([x, y]) => `pow(${x}, ${y})`, 2),
  pow: doubleFunction('pow(double, double)', ([x, y]) => `pow(${x}, ${y})`, 2),
  pi: doubleFunction('pi()', () => 'pi()', 0),
  e: doubleFunction('e()', () => 'exp(1.0::DOUBLE)', 0),
  nan: doubleFunction('nan()', () => `CAST('NaN' AS DOUBLE)`, 0),
  infinity: doubleFunction('infinity()', () => `CAST('Infinity' AS DOUBLE)`, 0),
  is_nan: { kind: 'scalar', signatures: 'is_nan(double)', translate: (args) => { const x = doubleArgs(args, 1); return x && { sql: `isnan(${x[0]})`, type: T.boolean }; } },
  is_finite: { kind: 'scalar', signatures: 'is_finite(double)', translate: (args) => { const x = doubleArgs(args, 1); return x && { sql: `isfinite(${x[0]})`, type: T.boolean }; } },
  is_infinite: { kind: 'scalar', signatures: 'is_infinite(double)', translate: (args) => { const x = doubleArgs(args, 1); return x && { sql: `isinf(${x[0]})`, type: T.boolean }; } },
  mod: {
    kind: 'scalar',
    signatures: 'mod(x, y) for integer types',
    translate: ([a, b, ...rest]) => {
      if (!a || !b || rest.length > 0 || !isInteger(a.type) || !isInteger(b.type)) return undefined;
      const type = isInteger(a.type) && isInteger(b.type) && rank(a.type) >= rank(b.type) ? a.type : b.type;
      // Trino's mod(x, 0) fails with Java's own exception.
      return { sql: `(CASE WHEN ${b.sql} = 0 AND ${a.sql} IS NOT NULL THEN ${raise('GENERIC_INTERNAL_ERROR', '/ by zero')} ELSE CAST(${a.sql} % ${b.sql} AS ${duckType(type)}) END)`, type };
    },
  },
  greatest: extremum('greatest'),
  least: extremum('least'),

  // Strings.
  length: {
    kind: 'scalar',
    signatures: 'length(varchar), length(varbinary)',
    translate: ([s, ...rest]) => {
      if (!s || rest.length > 0) return undefined;
      if (s.type.k === 'varbinary') return { sql: `octet_length(${s.sql})`, type: T.bigint };
      return isString(s.type) ? { sql: `CAST(length(${cast(s, T.varchar)}) AS BIGINT)`, type: T.bigint } : undefined;
    },
  },
  to_hex: binaryFunction('to_hex(varbinary) → varchar (upper-case digits)', (b) => `hex(${b})`, varchar()),
  to_base64: binaryFunction('to_base64(varbinary) → varchar', (b) => `to_base64(${b})`, varchar()),
  md5: binaryFunction('md5(varbinary) → varbinary', (b) => `unhex(md5(${b}))`, T.varbinary),
  sha1: binaryFunction('sha1(varbinary) → varbinary', (b) => `unhex(sha1(${b}))`, T.varbinary),
  sha256: binaryFunction('sha256(varbinary) → varbinary', (b) => `unhex(sha256(${b}))`, T.varbinary),
  to_utf8: {
    kind: 'scalar',
    signatures: 'to_utf8(varchar) → varbinary',
    translate: ([s, ...rest]) => (s && rest.length === 0 && isString(s.type) ? { sql: `encode(${cast(s, T.varchar)})`, type: T.varbinary } : undefined),
  },
  lower: sameString('lower'),
  upper: {
    kind: 'scalar',
    signatures: "upper(varchar) (a string with 'ß' is refused: DuckDB uppercases it to 'ẞ', Trino keeps it)",
    translate: ([s, ...rest]) => {
      if (!s || rest.length > 0 || !isString(s.type)) return undefined;
      const text = cast(s, T.varchar);
      return { sql: `(CASE WHEN strpos(${text}, 'ß') > 0 THEN ${raise('NOT_SUPPORTED', "upper() of a string containing 'ß' is not supported by the embedded engine")} ELSE upper(${text}) END)`, type: s.type.k === 'unknown' ? varchar() : s.type };
    },
  },
  reverse: sameString('reverse'),
  ltrim: trimFunction('ltrim'),
  rtrim: trimFunction('rtrim'),
  trim: trimFunction('trim'),
  substr: substring(),
  substring: substring(),
  concat: {
    kind: 'scalar',
    signatures: 'concat(varchar, varchar, ...)',
    translate: (args) => {
      if (args.length < 2 || !args.every((a) => isString(a.type))) return undefined;
      // Trino types the result as an unbounded varchar.
      return { sql: `(${args.map((a) => cast(a, T.varchar)).join(' || ')})`, type: varchar() };
    },
  },
  replace: {
    kind: 'scalar',
    signatures: 'replace(varchar, non-empty literal search[, varchar])',
    translate: ([s, search, by, ...rest]) => {
      const literal = search && stringLiteral(search);
      if (!s || !isString(s.type) || !literal || rest.length > 0 || (by && !isString(by.type))) return undefined;
      // Trino's result type: varchar(x + z * (x + 1)) for varchar(x) in which varchar(z) replaces.
      const x = s.type.k === 'varchar' ? s.type.length : 0;
      const z = by === undefined ? 0 : by.type.k === 'varchar' ? by.type.length : 0;
      const length = x === undefined || z === undefined ? undefined : x + z * (x + 1);
      const type = length === undefined || length > 2147483647 ? varchar() : varchar(length);
      return { sql: `replace(${cast(s, T.varchar)}, ${search!.sql}, ${by ? cast(by, T.varchar) : "''"})`, type };
    },
  },
  regexp_like: {
    kind: 'scalar',
    signatures: `regexp_like(varchar, ${REGEX_SUBSET}, $)`,
    translate: ([s, p, ...rest]) => {
      const regex = rest.length === 0 ? regexArguments(s, p, true) : undefined;
      return regex && { sql: `regexp_matches(${cast(s!, T.varchar)}, ${quoteString(regex.pattern)})`, type: T.boolean };
    },
  },
  regexp_extract: {
    kind: 'scalar',
    signatures: `regexp_extract(varchar, ${REGEX_SUBSET}): the first match, null when none`,
    translate: ([s, p, ...rest]) => {
      const regex = rest.length === 0 ? regexArguments(s, p, false) : undefined;
      if (!regex) return undefined;
      const text = cast(s!, T.varchar);
      const pattern = quoteString(regex.pattern);
      // DuckDB gives '' where Trino gives null: no match.
      return { sql: `(CASE WHEN regexp_matches(${text}, ${pattern}) THEN regexp_extract(${text}, ${pattern}) END)`, type: s!.type.k === 'varchar' ? s!.type : varchar(0) };
    },
  },
  regexp_replace: {
    kind: 'scalar',
    signatures: `regexp_replace(varchar, ${REGEX_SUBSET}, never matching '' [, literal replacement without $ or \\])`,
    translate: ([s, p, by, ...rest]) => {
      const regex = rest.length === 0 ? regexArguments(s, p, false) : undefined;
      // After a match, Java also finds an empty match where RE2 does not: patterns matching '' are refused.
      if (!regex || regex.matchesEmpty) return undefined;
      const replacement = by === undefined ? '' : stringLiteral(by);
      if (replacement === undefined || /[$\\]/.test(replacement)) return undefined;
      // Trino's result type: varchar(x + max(x * y / 2, y) * (x + 1)) for varchar(x) and a varchar(y) replacement.
      const x = s!.type.k === 'varchar' ? s!.type.length : 0;
      const y = [...replacement].length;
      const length = x === undefined ? undefined : x + Math.max(Math.floor((x * y) / 2), y) * (x + 1);
      const type = length === undefined || length > 2147483647 ? varchar() : varchar(length);
      return { sql: `regexp_replace(${cast(s!, T.varchar)}, ${quoteString(regex.pattern)}, ${quoteString(replacement)}, 'g')`, type };
    },
  },
  strpos: {
    kind: 'scalar',
    signatures: 'strpos(varchar, varchar)',
    translate: ([s, sub, ...rest]) => (s && sub && rest.length === 0 && isString(s.type) && isString(sub.type) ? { sql: `CAST(strpos(${cast(s, T.varchar)}, ${cast(sub, T.varchar)}) AS BIGINT)`, type: T.bigint } : undefined),
  },
  starts_with: {
    kind: 'scalar',
    signatures: 'starts_with(varchar, varchar)',
    translate: ([s, p, ...rest]) => (s && p && rest.length === 0 && isString(s.type) && isString(p.type) ? { sql: `starts_with(${cast(s, T.varchar)}, ${cast(p, T.varchar)})`, type: T.boolean } : undefined),
  },
  lpad: pad('lpad'),
  rpad: pad('rpad'),
  split_part: {
    kind: 'scalar',
    signatures: 'split_part(varchar, non-empty literal delimiter, positive literal index)',
    translate: ([s, delimiter, index, ...rest]) => {
      const d = delimiter && stringLiteral(delimiter);
      const i = index && index.expr.k === 'literal' && index.expr.lit.k === 'integer' ? Number(index.expr.lit.text) : undefined;
      if (!s || !isString(s.type) || !d || i === undefined || i < 1 || rest.length > 0) return undefined;
      const text = cast(s, T.varchar);
      return { sql: `(CASE WHEN len(string_split(${text}, ${delimiter!.sql})) < ${i} THEN NULL ELSE split_part(${text}, ${delimiter!.sql}, ${i}) END)`, type: s.type.k === 'varchar' ? s.type : varchar() };
    },
  },
  codepoint: {
    kind: 'scalar',
    signatures: 'codepoint(varchar(1))',
    translate: ([s, ...rest]) => (s && rest.length === 0 && s.type.k === 'varchar' && s.type.length === 1 ? { sql: `CAST(unicode(${s.sql}) AS INTEGER)`, type: T.integer } : undefined),
  },

  // Dates.
  ...Object.fromEntries(Object.entries(DATE_FIELDS).map(([name, part]) => [name, dateField(part, name)])),
  last_day_of_month: { kind: 'scalar', signatures: 'last_day_of_month(date)', translate: ([d, ...rest]) => (d && rest.length === 0 && d.type.k === 'date' ? { sql: `last_day(${d.sql})`, type: T.date } : undefined) },
  date_format: {
    kind: 'scalar',
    signatures: `date_format(date, literal format) with the specifiers ${Object.keys(DATE_FORMAT_SPECIFIERS).map((x) => `%${x}`).join(' ')} (% and another character: the character)`,
    translate: ([d, format, ...rest]) => {
      if (!d || !format || rest.length > 0 || d.type.k !== 'date' || !isString(format.type)) return undefined;
      const strftime = strftimeFormat(format);
      if (strftime === undefined) return undefined;
      // Dates past the year 9999 (reached only by date arithmetic) are not checked against Trino: refused.
      const refused = raise('NOT_SUPPORTED', 'date_format of a date after the year 9999 is not supported by the embedded engine');
      return { sql: `(CASE WHEN year(${d.sql}) > 9999 THEN ${refused} ELSE strftime(${d.sql}, ${quoteString(strftime)}) END)`, type: varchar() };
    },
  },
  date_trunc: {
    kind: 'scalar',
    signatures: "date_trunc(unit, date) for units 'day', 'week', 'month', 'quarter', 'year'",
    translate: ([unit, d, ...rest]) => {
      const u = dateUnit(unit);
      return u && d && d.type.k === 'date' && rest.length === 0 ? { sql: `CAST(date_trunc('${u}', ${d.sql}) AS DATE)`, type: T.date } : undefined;
    },
  },
  date_add: {
    kind: 'scalar',
    signatures: "date_add(unit, bigint, date) for units 'day', 'week', 'month', 'quarter', 'year'",
    translate: ([unit, n, d, ...rest]) => {
      const u = dateUnit(unit);
      if (!u || !n || !isIntegerOrUnknown(n.type) || !d || d.type.k !== 'date' || rest.length > 0) return undefined;
      return { sql: `CAST(${d.sql} + to_${u}s(${cast(n, T.integer)}) AS DATE)`, type: T.date };
    },
  },
  date_diff: {
    kind: 'scalar',
    signatures: "date_diff('day' or 'week', date, date)",
    translate: ([unit, a, b, ...rest]) => {
      const u = dateUnit(unit);
      if ((u !== 'day' && u !== 'week') || !a || !b || a.type.k !== 'date' || b.type.k !== 'date' || rest.length > 0) return undefined;
      return { sql: `CAST(date_sub('${u}', ${a.sql}, ${b.sql}) AS BIGINT)`, type: T.bigint };
    },
  },
};

function rank(t: TrinoType): number {
  return ['tinyint', 'smallint', 'integer', 'bigint'].indexOf(t.k);
}

function logarithm(fn: string, x: string): string {
  return `(CASE WHEN ${x} < 0 THEN CAST('NaN' AS DOUBLE) WHEN ${x} = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE ${fn}(${x}) END)`;
}

/** ceil/floor: integer types unchanged, double as double, decimal(p,s) to decimal(p-s+min(s,1),0). */
function roundingFunction(duck: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${duck}(x) for integer types, decimal, double`,
    translate: ([x, ...rest]) => {
      if (!x || rest.length > 0) return undefined;
      if (isInteger(x.type)) return { sql: x.sql, type: x.type };
      if (x.type.k === 'double') return { sql: `${duck}(${x.sql})`, type: T.double };
      if (x.type.k === 'decimal') {
        const type = decimal(x.type.p - x.type.s + Math.min(x.type.s, 1), 0);
        return { sql: `CAST(${duck}(${x.sql}) AS ${duckType(type)})`, type };
      }
      return undefined;
    },
  };
}

/** greatest/least: Trino answers null when any argument is null, DuckDB skips nulls. */
function extremum(duck: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${duck}(x, y, ...) for exact numbers, varchar, date`,
    translate: (args) => {
      if (args.length < 2) return undefined;
      let type: TrinoType = T.unknown;
      for (const a of args) {
        if (!(isExactNumeric(a.type) || a.type.k === 'varchar' || a.type.k === 'date' || a.type.k === 'unknown')) return undefined;
        const common = commonType(type, a.type);
        if (!common) return undefined;
        type = common;
      }
      if (type.k === 'unknown') return undefined;
      const values = args.map((a) => cast(a, type));
      return { sql: `(CASE WHEN ${values.map((v) => `${v} IS NULL`).join(' OR ')} THEN NULL ELSE ${duck}(${values.join(', ')}) END)`, type };
    },
  };
}

function sameString(duck: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${duck}(varchar)`,
    translate: ([s, ...rest]) => (s && rest.length === 0 && isString(s.type) ? { sql: `${duck}(${cast(s, T.varchar)})`, type: s.type.k === 'unknown' ? varchar() : s.type } : undefined),
  };
}

/**
 * Trino's substr: start 0 gives '', a negative start counts from the end, a start outside the
 * string or a length below 1 gives ''. DuckDB reads start 0 and negative lengths differently.
 */
function substring(): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: 'substr(varchar, bigint[, bigint]), substring(varchar FROM bigint [FOR bigint])',
    translate: ([s, start, len, ...rest]) => {
      if (!s || !isString(s.type) || !start || !isIntegerOrUnknown(start.type) || (len && !isIntegerOrUnknown(len.type)) || rest.length > 0) return undefined;
      const text = cast(s, T.varchar);
      const st = cast(start, T.bigint);
      const from = `(CASE WHEN ${st} < 0 THEN length(${text}) + ${st} + 1 ELSE ${st} END)`;
      const empty = `${from} <= 0 OR ${from} > length(${text})${len ? ` OR ${cast(len, T.bigint)} <= 0` : ''}`;
      const body = len ? `substring(${text}, ${from}, ${cast(len, T.bigint)})` : `substring(${text}, ${from})`;
      return { sql: `(CASE WHEN ${empty} THEN '' ELSE ${body} END)`, type: s.type.k === 'unknown' ? varchar() : s.type };
    },
  };
}

/** lpad/rpad with a non-empty literal padding (Trino raises an error for an empty one). */
function pad(duck: string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${duck}(varchar, bigint, non-empty literal varchar)`,
    translate: ([s, size, padding, ...rest]) => {
      const p = padding && stringLiteral(padding);
      if (!s || !isString(s.type) || !size || !isIntegerOrUnknown(size.type) || !p || rest.length > 0) return undefined;
      const n = cast(size, T.bigint);
      return {
        sql: `(CASE WHEN ${n} < 0 THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'Target length must be in the range [0..2147483647]')} ELSE ${duck}(${cast(s, T.varchar)}, CAST(${n} AS INTEGER), ${padding!.sql}) END)`,
        type: varchar(),
      };
    },
  };
}

const NUMBER_KINDS: ReadonlyArray<TrinoType['k']> = ['tinyint', 'smallint', 'integer', 'bigint', 'real', 'double', 'decimal'];

/** Argument types of a kind no signature of the function takes (`kinds`): Trino fails with FUNCTION_NOT_FOUND. */
function rejecting(kinds: ReadonlyArray<TrinoType['k']>): (types: TrinoType[]) => boolean {
  return (types) => types.some((t) => kinds.includes(t.k));
}

const NOT_NUMBERS = rejecting(['varchar', 'date', 'boolean', 'varbinary']);
const NOT_DATES = rejecting([...NUMBER_KINDS, 'varchar', 'boolean', 'varbinary']);
const NOT_STRINGS = rejecting([...NUMBER_KINDS, 'date', 'boolean', 'varbinary']);
const NOT_STRINGS_OR_BYTES = rejecting([...NUMBER_KINDS, 'date', 'boolean']);

/**
 * Functions whose Trino signatures take none of some argument kinds (math: numbers only; date
 * fields: dates and times; string functions: strings, some also varbinary). Called with such an
 * argument, Trino fails with FUNCTION_NOT_FOUND and so does the translation, instead of refusing.
 */
export const TRINO_REJECTS: Readonly<Record<string, (types: TrinoType[]) => boolean>> = {
  ...Object.fromEntries(
    ['abs', 'ceil', 'ceiling', 'floor', 'round', 'sign', 'sqrt', 'exp', 'ln', 'log2', 'log10', 'power', 'pow', 'is_nan', 'is_finite', 'is_infinite', 'mod'].map((name) => [name, NOT_NUMBERS]),
  ),
  ...Object.fromEntries(Object.keys(DATE_FIELDS).map((name) => [name, NOT_DATES])),
  ...Object.fromEntries(['lower', 'upper', 'ltrim', 'rtrim', 'trim'].map((name) => [name, NOT_STRINGS])),
  ...Object.fromEntries(['length', 'reverse'].map((name) => [name, NOT_STRINGS_OR_BYTES])),
  // sequence takes integers, dates or timestamps (and intervals as steps), array_agg one argument.
  sequence: (types) => types.some((t) => !(isInteger(t) || ['unknown', 'date', 'timestamp', 'timestampTz', 'intervalDayToSecond', 'intervalYearToMonth'].includes(t.k))),
  array_agg: (types) => types.length !== 1,
};

/**
 * A table with more mappings: one of a name already in it is tried first, then the earlier one
 * (the signatures of both listed), as the date/time, char and JSON modules extend `length` or
 * `year` to their types.
 */
export function extendMappings(base: Record<string, FunctionMapping>, more: Record<string, FunctionMapping>): Record<string, FunctionMapping> {
  const table = { ...base };
  for (const [name, mapping] of Object.entries(more)) {
    const other = Object.hasOwn(base, name) ? base[name] : undefined;
    table[name] = other
      ? { kind: other.kind, signatures: `${other.signatures}; ${mapping.signatures}`, translate: (args, over) => mapping.translate(args, over) ?? other.translate(args, over) }
      : mapping;
  }
  return table;
}
