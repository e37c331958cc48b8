/**
 * Trino's JSON functions over varchar texts, in the part where DuckDB's json extension answers as
 * Trino does. Trino reads the text as a stream (Jackson) and answers as soon as it has what it
 * needs, so its answer for malformed text depends on where the fault is; DuckDB reads the whole
 * text leniently (trailing commas, NaN, raw control characters). So each text is decided at run
 * time: strict JSON (as a conservative check tells it) is answered, anything else fails with
 * NOT_SUPPORTED. Paths are literals of Trino's JSONPath subset `$`, `.key`, `[index]`; other paths
 * are refused. Number values are only returned where DuckDB's text is the written one (integers;
 * not -0, which DuckDB reads as 0). They also read json values (json-type.ts), whose canonical
 * text is strict JSON.
 */
import { quoteString } from '../../../sql/quoting.js';
import { raise, type FunctionMapping, type Typed } from './functions.js';
import { notSupported } from './syntax.js';
import { T, type TrinoType } from './types.js';

/** The texts read here: none of DuckDB's leniencies (NaN/Infinity tokens, a comma before a closing bracket, control characters), nor -0 or surrogate escapes; a string merely containing such text is refused too. */
function strictJson(text: string): string {
  return (
    `(json_valid(${text}) AND NOT regexp_matches(${text}, '[\\x00-\\x1f]') AND NOT regexp_matches(${text}, ',\\s*[\\]}]') ` +
    `AND NOT regexp_matches(${text}, '(^|[\\[,:])\\s*[-+]?(?i:nan|inf)') AND NOT regexp_matches(${text}, '-0([^.0-9eE]|$)') AND NOT regexp_matches(${text}, '(?i)\\\\u[d][89a-f]'))`
  );
}

const UNMODELLED = raise('NOT_SUPPORTED', 'A JSON function of this text (not strict JSON) is not supported by the embedded engine');

/** Trino's JSONPath subset read alike by DuckDB: `$`, then `.key` (an identifier) and `[index]` steps. */
const PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[(0|[1-9][0-9]{0,8})\])*$/;

function jsonPath(t: Typed | undefined): string | undefined {
  if (!t) return undefined;
  const path = t.expr.k === 'literal' && t.expr.lit.k === 'string' ? t.expr.lit.value : undefined;
  if (path === undefined) throw notSupported('A JSON path that is not a string literal', t.expr.pos);
  if (!PATH.test(path)) throw notSupported(`The JSON path '${path}'`, t.expr.pos);
  return quoteString(path);
}

/** The JSON text argument: a varchar, or a json value (its canonical text); a null literal leaves Trino choosing between json and varchar: refused. */
function jsonText(t: Typed | undefined): (Typed & { type: TrinoType & { k: 'varchar' | 'json' } }) | undefined {
  return t && (t.type.k === 'varchar' || t.type.k === 'json') ? (t as Typed & { type: TrinoType & { k: 'varchar' | 'json' } }) : undefined;
}

/** The value of a JSON function over a text decided per value: null for null, refused unless strict. */
function perText(text: string, value: string): string {
  return `(CASE WHEN ${text} IS NULL THEN NULL WHEN NOT ${strictJson(text)} THEN ${UNMODELLED} ELSE ${value} END)`;
}

/** A function of a text alone: `render` gets the JSON type DuckDB finds at its top and the text. */
function ofText(render: (kind: string, text: string) => string, type: TrinoType): FunctionMapping['translate'] {
  return ([json, ...rest]) => {
    const text = jsonText(json);
    return text && rest.length === 0 ? { sql: perText(text.sql, render(`json_type(${text.sql})`, text.sql)), type } : undefined;
  };
}

/** A function of a text and a path: `render` gets the text and the JSON type DuckDB finds at the path (null when it finds nothing). */
function atPath(render: (text: Typed & { type: TrinoType & { k: 'varchar' | 'json' } }, at: string, kind: string) => { sql: string; type: TrinoType }): FunctionMapping['translate'] {
  return ([json, path, ...rest]) => {
    const text = jsonText(json);
    const at = text && rest.length === 0 ? jsonPath(path) : undefined;
    if (!text || at === undefined) return undefined;
    const result = render(text, at, `json_type(${text.sql}, ${at})`);
    return { sql: perText(text.sql, result.sql), type: result.type };
  };
}

export const JSON_FUNCTIONS: Record<string, FunctionMapping> = {
  json_extract_scalar: {
    kind: 'scalar',
    signatures: "json_extract_scalar(varchar(n) or json, literal path of $, .key, [index]) → varchar(n) (varchar of a json) for strict JSON texts, of strings, booleans and integers",
    // Trino returns a number as written; DuckDB re-prints the ones it reads as doubles.
    translate: atPath((text, at, kind) => ({
      sql: `(CASE WHEN ${kind} IN ('VARCHAR', 'BOOLEAN', 'BIGINT', 'UBIGINT') THEN json_extract_string(${text.sql}, ${at}) WHEN ${kind} = 'DOUBLE' THEN ${raise('NOT_SUPPORTED', 'json_extract_scalar of a number with a fraction or an exponent is not supported by the embedded engine')} END)`,
      type: text.type.k === 'json' ? T.varchar : text.type,
    })),
  },
  json_array_length: {
    kind: 'scalar',
    signatures: 'json_array_length(varchar or json) → bigint for strict JSON texts (null unless an array)',
    translate: ofText((kind, text) => `(CASE WHEN ${kind} = 'ARRAY' THEN CAST(json_array_length(${text}) AS BIGINT) END)`, T.bigint),
  },
  is_json_scalar: {
    kind: 'scalar',
    signatures: 'is_json_scalar(varchar or json) for strict JSON texts',
    translate: ofText((kind) => `(${kind} NOT IN ('ARRAY', 'OBJECT'))`, T.boolean),
  },
  json_size: {
    kind: 'scalar',
    signatures: 'json_size(varchar or json, literal path of $, .key, [index]) → bigint for strict JSON texts (0 for a scalar, null when the path finds nothing)',
    translate: atPath((text, at, kind) => ({
      sql: `(CASE WHEN ${kind} = 'ARRAY' THEN CAST(json_array_length(${text.sql}, ${at}) AS BIGINT) WHEN ${kind} = 'OBJECT' THEN CAST(len(json_keys(${text.sql}, ${at})) AS BIGINT) WHEN ${kind} IS NOT NULL THEN CAST(0 AS BIGINT) END)`,
      type: T.bigint,
    })),
  },
};
