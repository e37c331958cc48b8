/**
 * Casts from varchar to the integer types, double and boolean. Trino parses with Java
 * (Long.parseLong after trimming, Double.parseDouble, a case-insensitive true/t/1/false/f/0),
 * which accepts texts DuckDB reads otherwise (Unicode digits, `1d`, hexadecimal doubles) and
 * rejects some DuckDB accepts. So each text falls in one of three parts, decided in SQL per value:
 * texts both engines read alike (ASCII digits and signs, decimal notation, the exact spellings of
 * NaN and Infinity) are cast; texts Trino surely rejects fail with its INVALID_CAST_ARGUMENT (null
 * under TRY_CAST); any other text fails with NOT_SUPPORTED rather than risk another answer.
 */
import { raise } from './functions.js';
import { duckType, isInteger, type TrinoType } from './types.js';

/** Trino's name of the type in its cast error. */
const ERROR_TYPE_NAME: Record<string, string> = { tinyint: 'TINYINT', smallint: 'SMALLINT', integer: 'INT', bigint: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN' };

/** Printable ASCII and tab: the texts whose reading by Java is modelled here. */
const MODELLED = `'^[ -~\\t]*$'`;
/** Spaces and tabs around the text, which Trino's integer and double casts ignore. */
const TRIMMED = (text: string): string => `trim(${text}, ' ' || chr(9))`;
const INTEGER_TEXT = `'^[ \\t]*[+-]?[0-9]+[ \\t]*$'`;
const DECIMAL_NOTATION = `'^[ \\t]*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?[ \\t]*$'`;
const SPECIAL_DOUBLE = `'^[ \\t]*[+-]?(NaN|Infinity)[ \\t]*$'`;

function rejected(text: string, to: TrinoType, safe: boolean): string {
  return safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Cannot cast ''' || ${text} || ''' to ${ERROR_TYPE_NAME[to.k]}')`;
}

/** DuckDB SQL casting the varchar `text` to `to` as Trino's CAST (or TRY_CAST when `safe`) does, or undefined for another target type. */
export function castFromVarchar(text: string, to: TrinoType, safe: boolean): string | undefined {
  if (!(isInteger(to) || to.k === 'double' || to.k === 'boolean')) return undefined;
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
  const specialValue = `(CASE replace(${special}, '+', '') WHEN 'NaN' THEN CAST('NaN' AS DOUBLE) WHEN '-NaN' THEN CAST('NaN' AS DOUBLE) WHEN 'Infinity' THEN CAST('Infinity' AS DOUBLE) ELSE CAST('-Infinity' AS DOUBLE) END)`;
  // A magnitude beyond double's range is an infinity in Java; DuckDB's cast fails on it (left to the refusal).
  const value = `TRY_CAST(${TRIMMED(text)} AS DOUBLE)`;
  return (
    `(CASE WHEN ${text} IS NULL THEN NULL ${outside} WHEN regexp_matches(${text}, ${SPECIAL_DOUBLE}) THEN ${specialValue} ` +
    `WHEN regexp_matches(${text}, ${DECIMAL_NOTATION}) AND ${value} IS NOT NULL THEN ${value} ` +
    // Java reads no number from a text without a digit (NaN and Infinity aside).
    `WHEN NOT regexp_matches(${text}, '[0-9]') THEN ${rejected(text, to, safe)} ELSE ${unmodelled} END)`
  );
}
