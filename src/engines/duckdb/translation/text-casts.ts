/**
 * Casts from varchar to the integer types, double, real, decimal and boolean. Trino parses with
 * Java (Long.parseLong after trimming, Double.parseDouble, Float.parseFloat, new BigDecimal, a
 * case-insensitive true/t/1/false/f/0),
 * which accepts texts DuckDB reads otherwise (Unicode digits, `1d`, hexadecimal doubles) and
 * rejects some DuckDB accepts. So each text falls in one of three parts, decided in SQL per value:
 * texts both engines read alike (ASCII digits and signs, decimal notation, the exact spellings of
 * NaN and Infinity) are cast; texts Trino surely rejects fail with its INVALID_CAST_ARGUMENT (null
 * under TRY_CAST); any other text fails with NOT_SUPPORTED rather than risk another answer.
 */
import { raise } from './functions.js';
import { duckType, isInteger, type TrinoType } from './types.js';

/** Trino's name of the type in its cast error. */
const ERROR_TYPE_NAME: Record<string, string> = { tinyint: 'TINYINT', smallint: 'SMALLINT', integer: 'INT', bigint: 'BIGINT', double: 'DOUBLE', real: 'REAL', boolean: 'BOOLEAN' };

/** Printable ASCII and tab: the texts whose reading by Java is modelled here. */
const MODELLED = `'^[ -~\\t]*$'`;
/** Spaces and tabs around the text, which Trino's integer and double casts ignore. */
const TRIMMED = (text: string): string => `trim(${text}, ' ' || chr(9))`;
const INTEGER_TEXT = `'^[ \\t]*[+-]?[0-9]+[ \\t]*$'`;
const DECIMAL_NOTATION = `'^[ \\t]*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?[ \\t]*$'`;
const SPECIAL_DOUBLE = `'^[ \\t]*[+-]?(NaN|Infinity)[ \\t]*$'`;
/** BigDecimal's grammar in ASCII, without an exponent (DuckDB's decimal cast reads few exponent forms): no spaces, which Trino's decimal cast rejects. */
const PLAIN_DECIMAL = `'^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)$'`;
const DECIMAL_WITH_EXPONENT = `'^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)[eE][+-]?[0-9]+$'`;

function rejected(text: string, to: TrinoType, safe: boolean): string {
  return safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Cannot cast ''' || ${text} || ''' to ${ERROR_TYPE_NAME[to.k]}')`;
}

/** DuckDB SQL casting the varchar `text` to `to` as Trino's CAST (or TRY_CAST when `safe`) does, or undefined for another target type. */
export function castFromVarchar(text: string, to: TrinoType, safe: boolean): string | undefined {
  if (to.k === 'decimal') return castToDecimal(text, to, safe);
  if (!(isInteger(to) || to.k === 'double' || to.k === 'real' || to.k === 'boolean')) return undefined;
  const unmodelled = raise('NOT_SUPPORTED', `A cast of this varchar value to ${to.k} is not supported by the embedded engine`);
  const outside = `WHEN NOT regexp_matches(${text}, ${MODELLED}) THEN ${unmodelled}`;
  if (to.k === 'boolean') {
    const word = `lower(${text})`;
    return `(CASE WHEN ${text} IS NULL THEN NULL ${outside} WHEN ${word} IN ('true', 't', '1') THEN true WHEN ${word} IN ('false', 'f', '0') THEN false ELSE ${rejected(text, to, safe)} END)`;
  }
  const duck = duckType(to);
  if (isInteger(to)) {
    // Digits beyond the type's range fail in Trino; DuckDB's TRY_CAST gives null for them.
    const value = `TRY_CAST(${TRIMMED(text)} AS ${duck})`;
    return `(CASE WHEN ${text} IS NULL THEN NULL ${outside} WHEN regexp_matches(${text}, ${INTEGER_TEXT}) AND ${value} IS NOT NULL THEN ${value} ELSE ${rejected(text, to, safe)} END)`;
  }
  const special = TRIMMED(text);
  const specialValue = `(CASE replace(${special}, '+', '') WHEN 'NaN' THEN CAST('NaN' AS ${duck}) WHEN '-NaN' THEN CAST('NaN' AS ${duck}) WHEN 'Infinity' THEN CAST('Infinity' AS ${duck}) ELSE CAST('-Infinity' AS ${duck}) END)`;
  // A magnitude beyond the type's range is an infinity in Java; DuckDB's cast fails on it (left to the refusal). Both round the text correctly.
  const value = `TRY_CAST(${TRIMMED(text)} AS ${duck})`;
  return (
    `(CASE WHEN ${text} IS NULL THEN NULL ${outside} WHEN regexp_matches(${text}, ${SPECIAL_DOUBLE}) THEN ${specialValue} ` +
    `WHEN regexp_matches(${text}, ${DECIMAL_NOTATION}) AND ${value} IS NOT NULL THEN ${value} ` +
    // Java reads no number from a text without a digit (NaN and Infinity aside).
    `WHEN NOT regexp_matches(${text}, '[0-9]') THEN ${rejected(text, to, safe)} ELSE ${unmodelled} END)`
  );
}

/**
 * varchar to decimal(p,s) as Trino's cast: the text as BigDecimal reads it (no spaces), rounded
 * half up to s digits (as DuckDB's cast rounds), failing when it then has more than p digits.
 */
function castToDecimal(text: string, to: TrinoType & { k: 'decimal' }, safe: boolean): string {
  const failing = (reason: string): string => (safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Cannot cast VARCHAR ''' || ${text} || ''' to DECIMAL(${to.p}, ${to.s}). ${reason}')`);
  const value = `TRY_CAST(${text} AS ${duckType(to)})`;
  const unmodelled = raise('NOT_SUPPORTED', `A cast of this varchar value to decimal is not supported by the embedded engine`);
  return (
    `(CASE WHEN ${text} IS NULL THEN NULL WHEN regexp_matches(${text}, ${PLAIN_DECIMAL}) THEN coalesce(${value}, ${failing('Value too large.')}) ` +
    // Java's BigDecimal also reads Unicode digits; an exponent is not modelled.
    `WHEN NOT regexp_matches(${text}, ${MODELLED}) OR regexp_matches(${text}, ${DECIMAL_WITH_EXPONENT}) THEN ${unmodelled} ELSE ${failing('Value is not a number.')} END)`
  );
}
