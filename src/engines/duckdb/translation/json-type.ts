/**
 * Trino's `json` type, held in DuckDB as a VARCHAR of Trino's canonical text (json-value.ts), so a
 * result column shows it as Trino does. Values are made exactly: from literal texts (`JSON '...'`,
 * `json_parse('...')`, read while translating) and by casts of SQL values (varchar, integers,
 * decimals, booleans, dates, json, and arrays of them). The functions that read a json value's
 * structure (json_extract, json_array_get, json_array_contains) are evaluated while translating,
 * so only for values whose text the translator knows (literals); casts from json to varchar,
 * integers, double and boolean are decided per value, refusing the values whose Java text or
 * parse rules are not modelled (numbers with a fraction or exponent to varchar or integers, strings
 * to numbers or booleans).
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { quoteString } from '../../../sql/quoting.js';
import { raise, type FunctionMapping, type Typed } from './functions.js';
import { atJsonPath, canonicalJson, copiedJson, readJson, readJsonPath, type JsonNode, type JsonPathStep } from './json-value.js';
import { notSupported, type Expr, type Pos } from './syntax.js';
import { T, isInteger, typeName, type TrinoType } from './types.js';

export const JSON_TYPE: TrinoType = { k: 'json' };

/** `JSON '...'`: the canonical text; text Trino cannot read fails as Trino fails, while analysing. */
export function jsonLiteral(text: string, pos: Pos): { sql: string; type: TrinoType } {
  const node = readJson(text);
  if (node === 'invalid') {
    throw new QueryFailure(ErrorCodes.INVALID_LITERAL, `line ${pos.line}:${pos.column}: '${text}' is not a valid JSON literal`, { lineNumber: pos.line, columnNumber: pos.column });
  }
  if (node === 'unmodelled') throw notSupported(`The JSON literal '${text}'`, pos);
  return { sql: quoteString(canonicalJson(node)), type: JSON_TYPE };
}

/** The parsed value of a json or varchar argument whose text is known while translating: a string literal, `JSON '...'` or json_parse of a literal. */
function knownJson(t: Typed, name: string): JsonNode | undefined {
  const text = literalText(t.expr);
  if (text === undefined) return undefined;
  const node = readJson(text);
  if (node === 'unmodelled') throw notSupported(`${name} of the text '${text}'`, t.expr.pos);
  if (node === 'invalid') return undefined;
  // A json value is its canonical text, which is what Trino's functions read.
  return t.type.k === 'json' ? (readJson(canonicalJson(node)) as JsonNode) : node;
}

function literalText(e: Expr): string | undefined {
  if (e.k === 'literal' && e.lit.k === 'string') return e.lit.value;
  if (e.k === 'literal' && e.lit.k === 'typed' && e.lit.type === 'json') return e.lit.value;
  if (e.k === 'call' && e.name === 'json_parse' && e.args.length === 1) return literalText(e.args[0]!);
  return undefined;
}

/** A known json or varchar argument, or a refusal naming the function (its text is computed, so not known while translating). */
function requireKnown(t: Typed | undefined, name: string): JsonNode | 'null' | undefined {
  if (!t) return undefined;
  if (t.type.k === 'unknown') return 'null';
  if (t.type.k !== 'json' && t.type.k !== 'varchar') return undefined;
  const node = knownJson(t, name);
  if (node === undefined) {
    if (literalText(t.expr) !== undefined) throw notSupported(`${name} of a text that is not JSON`, t.expr.pos);
    throw notSupported(`${name} of a computed JSON value`, t.expr.pos);
  }
  return node;
}

function knownPath(t: Typed | undefined, name: string): JsonPathStep[] | 'invalid' | undefined {
  if (!t) return undefined;
  const path = t.expr.k === 'literal' && t.expr.lit.k === 'string' ? t.expr.lit.value : undefined;
  if (path === undefined) throw notSupported(`${name} with a path that is not a string literal`, t.expr.pos);
  const steps = readJsonPath(path);
  if (steps === 'unmodelled') throw notSupported(`The JSON path '${path}'`, t.expr.pos);
  return steps;
}

/** A literal integer argument (`2`, `-1`). */
function knownInteger(e: Expr): bigint | undefined {
  if (e.k === 'literal' && e.lit.k === 'integer') return BigInt(e.lit.text);
  if (e.k === 'unary' && e.op === '-') {
    const value = knownInteger(e.arg);
    return value === undefined ? undefined : -value;
  }
  return undefined;
}

const jsonValue = (text: string | undefined): { sql: string; type: TrinoType } => ({ sql: text === undefined ? 'CAST(NULL AS VARCHAR)' : quoteString(text), type: JSON_TYPE });

export const JSON_TYPE_FUNCTIONS: Record<string, FunctionMapping> = {
  json_parse: {
    kind: 'scalar',
    signatures: "json_parse(literal varchar) → json: Trino's canonical text (keys sorted, numbers as BigDecimal prints them)",
    translate: ([text, ...rest]) => {
      if (!text || rest.length > 0) return undefined;
      if (text.type.k === 'unknown') return jsonValue(undefined);
      if (text.type.k !== 'varchar') return undefined;
      const written = literalText(text.expr);
      if (written === undefined) throw notSupported('json_parse of a computed text', text.expr.pos);
      const node = readJson(written);
      if (node === 'unmodelled') throw notSupported(`json_parse of the text '${written}'`, text.expr.pos);
      if (node === 'invalid') return { sql: raise('INVALID_FUNCTION_ARGUMENT', `Cannot convert value to JSON: '${written}'`), type: JSON_TYPE };
      return jsonValue(canonicalJson(node));
    },
  },
  json_format: {
    kind: 'scalar',
    signatures: 'json_format(json) → varchar',
    translate: ([json, ...rest]) => (json && rest.length === 0 && json.type.k === 'json' ? { sql: json.sql, type: T.varchar } : undefined),
  },
  json_extract: {
    kind: 'scalar',
    signatures: 'json_extract(literal json or varchar, literal path of $, .key, ["key"], [index]) → json',
    translate: ([json, path, ...rest]) => {
      const node = rest.length === 0 ? requireKnown(json, 'json_extract') : undefined;
      const steps = node === undefined ? undefined : knownPath(path, 'json_extract');
      if (node === undefined || steps === undefined) return undefined;
      if (steps === 'invalid') return { sql: raise('INVALID_FUNCTION_ARGUMENT', `Invalid JSON path: '${(path!.expr as { lit: { value: string } }).lit.value}'`), type: JSON_TYPE };
      if (node === 'null') return jsonValue(undefined);
      const found = atJsonPath(node, steps);
      if (found === 'unmodelled') throw notSupported('json_extract of this path on this value', path!.expr.pos);
      return jsonValue(found && copiedJson(found));
    },
  },
  json_array_get: {
    kind: 'scalar',
    signatures: "json_array_get(literal json or varchar, literal bigint) → json: a scalar element's text (a string's characters), a structure's copied text; null past either end",
    translate: ([json, index, ...rest]) => {
      const node = rest.length === 0 && index && (isInteger(index.type) || index.type.k === 'unknown') ? requireKnown(json, 'json_array_get') : undefined;
      if (node === undefined) return undefined;
      const at = index!.type.k === 'unknown' ? undefined : knownInteger(index!.expr);
      if (index!.type.k !== 'unknown' && at === undefined) throw notSupported('json_array_get with an index that is not a literal', index!.expr.pos);
      if (node === 'null' || at === undefined || node.k !== 'array') return jsonValue(undefined);
      const position = at < 0n ? BigInt(node.items.length) + at : at;
      const element = position >= 0n && position < BigInt(node.items.length) ? node.items[Number(position)]! : undefined;
      return jsonValue(element && scalarText(element));
    },
  },
  json_array_contains: {
    kind: 'scalar',
    signatures: 'json_array_contains(literal json or varchar, bigint, double, varchar or boolean) → boolean: elements of the same JSON kind only (2 is not 2.0), nested arrays not searched',
    translate: ([json, value, ...rest]) => {
      const matches = json && value && rest.length === 0 ? elementsLike(value.type, json.expr.pos) : undefined;
      const node = matches ? requireKnown(json, 'json_array_contains') : undefined;
      if (node === undefined || !value || !matches) return undefined;
      if (node === 'null' || node.k !== 'array' || value.type.k === 'unknown') return { sql: 'CAST(NULL AS BOOLEAN)', type: T.boolean };
      const candidates = node.items.flatMap((item) => matches(item) ?? []);
      const list = candidates.length === 0 ? 'false' : `(${value.sql} IN (${candidates.join(', ')}))`;
      return { sql: `(CASE WHEN ${value.sql} IS NULL THEN NULL ELSE ${list} END)`, type: T.boolean };
    },
  },
};

/** What json_array_get gives for an element: a scalar's own text (a string unquoted, a number as written, null for null), a structure copied. */
function scalarText(node: JsonNode): string | undefined {
  switch (node.k) {
    case 'null':
      return undefined;
    case 'string':
      return node.value;
    case 'number':
      return node.text;
    case 'boolean':
      return String(node.value);
    default:
      return copiedJson(node);
  }
}

/** For json_array_contains: the SQL constants of the elements a value of the type can equal (Jackson's token kinds: an integer token for a bigint, a fraction or exponent for a double). */
function elementsLike(type: TrinoType, pos: Pos): ((item: JsonNode) => string | undefined) | undefined {
  if (type.k === 'unknown') return () => undefined;
  if (isInteger(type)) {
    return (item) => {
      if (item.k !== 'number' || !item.integer) return undefined;
      const value = BigInt(item.text);
      // Beyond a long Jackson's getLongValue fails: not modelled.
      if (value > 9223372036854775807n || value < -9223372036854775808n) throw notSupported('json_array_contains over an integer beyond bigint', pos);
      return `CAST(${value} AS BIGINT)`;
    };
  }
  if (type.k === 'double') {
    return (item) => {
      if (item.k !== 'number' || item.integer) return undefined;
      const value = Number(item.text);
      // Trino finds no infinity for a number beyond double's range (1E+400): not modelled.
      if (!Number.isFinite(value)) throw notSupported('json_array_contains over a number beyond double', pos);
      return `CAST('${value}' AS DOUBLE)`;
    };
  }
  if (type.k === 'varchar') return (item) => (item.k === 'string' ? quoteString(item.value) : undefined);
  if (type.k === 'boolean') return (item) => (item.k === 'boolean' ? String(item.value) : undefined);
  return undefined;
}

/** DuckDB SQL escaping a varchar as Jackson writes a string: quotes, backslashes and control characters; a character beyond the BMP (written as surrogate escapes) refused when met. */
function stringToJson(sql: string): string {
  let escaped = `replace(replace(${sql}, '\\', '\\\\'), '"', '\\"')`;
  const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
  for (let code = 0; code < 0x20; code++) escaped = `replace(${escaped}, chr(${code}), '${short[code] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`}')`;
  const beyondBmp = raise('NOT_SUPPORTED', 'CAST to json of a string with a character beyond the Basic Multilingual Plane is not supported by the embedded engine');
  return `(CASE WHEN regexp_matches(${sql}, '[\\x{10000}-\\x{10FFFF}]') THEN ${beyondBmp} ELSE '"' || ${escaped} || '"' END)`;
}

/** DuckDB SQL of a value's json text, or undefined for types not modelled. `depth` names nested lambda variables apart. */
function toJson(sql: string, type: TrinoType, pos: Pos, depth = 0): string | undefined {
  if (type.k === 'json') return sql;
  if (type.k === 'varchar') return stringToJson(sql);
  if (isInteger(type) || type.k === 'boolean') return `CAST(${sql} AS VARCHAR)`;
  if (type.k === 'date') return `('"' || CAST(${sql} AS VARCHAR) || '"')`;
  if (type.k === 'decimal') {
    // BigDecimal prints a value below 1E-6 (0 too) of more than 6 fraction digits in scientific notation, DuckDB plainly.
    // DuckDB drops the 0 before the point of a decimal(p,p) (`.05`): one more digit of precision keeps it.
    if (type.p === type.s && type.p === 38) throw notSupported('CAST to json of a decimal(38, 38)', pos);
    const text = `CAST(${type.p === type.s ? `CAST(${sql} AS DECIMAL(${type.p + 1},${type.s}))` : sql} AS VARCHAR)`;
    if (type.s <= 6) return text;
    return `(CASE WHEN abs(${sql}) < 0.000001 THEN ${raise('NOT_SUPPORTED', 'CAST to json of a decimal below 1E-6 is not supported by the embedded engine')} ELSE ${text} END)`;
  }
  if (type.k === 'array') {
    const x = `_j${depth}`;
    const element = toJson(x, type.element, pos, depth + 1);
    return element && `('[' || array_to_string(list_transform(${sql}, lambda ${x}: coalesce(${element}, 'null')), ',') || ']')`;
  }
  return undefined;
}

/** `CAST(x AS json)` of the types modelled; undefined when neither side is json. */
export function castToJson(arg: Typed, to: TrinoType, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (to.k !== 'json') return undefined;
  const sql = toJson(arg.sql, arg.type, pos);
  if (sql === undefined) throw notSupported(`CAST from ${typeName(arg.type)} to json`, pos);
  return { sql, type: JSON_TYPE };
}

/**
 * `CAST(json AS varchar|integer types|double|boolean)`, decided per value on the canonical text:
 * null is null, a structure fails with Trino's INVALID_CAST_ARGUMENT (null under TRY_CAST); what
 * Trino reads by Java rules not modelled here (a string to a number, a number with a fraction to
 * a varchar or an integer) is refused when met.
 */
export function castFromJson(arg: Typed, to: TrinoType, safe: boolean, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (arg.type.k !== 'json') return undefined;
  const t = arg.sql;
  const target = to.k === 'varchar' ? 'varchar(2147483647)' : typeName(to);
  const structure = safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Cannot cast ''' || ${t} || ''' to ${target}')`;
  const refuse = (what: string): string => raise('NOT_SUPPORTED', `CAST of a json ${what} to ${typeName(to)} is not supported by the embedded engine`);
  const integer = `regexp_full_match(${t}, '-?[0-9]+')`;
  const common = `WHEN ${t} IS NULL OR ${t} = 'null' THEN NULL WHEN left(${t}, 1) IN ('[', '{') THEN ${structure}`;
  let cases: string;
  if (to.k === 'varchar' && to.length === undefined) {
    cases = `WHEN ${t} IN ('true', 'false') OR ${integer} THEN ${t} WHEN left(${t}, 1) = '"' THEN json_extract_string(${t}, '$') ELSE ${refuse('number with a fraction or an exponent')}`;
  } else if (isInteger(to)) {
    const outOfRange = safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Cannot cast ''' || ${t} || ''' to ${typeName(to)}')`;
    cases =
      `WHEN ${t} = 'true' THEN 1 WHEN ${t} = 'false' THEN 0 WHEN left(${t}, 1) = '"' THEN ${refuse('string')} ` +
      `WHEN ${integer} THEN coalesce(TRY_CAST(${t} AS ${to.k.toUpperCase()}), ${outOfRange}) ELSE ${refuse('number with a fraction or an exponent')}`;
  } else if (to.k === 'double') {
    cases = `WHEN ${t} = 'true' THEN 1 WHEN ${t} = 'false' THEN 0 WHEN left(${t}, 1) = '"' THEN ${refuse('string')} ELSE CAST(${t} AS DOUBLE)`;
  } else if (to.k === 'boolean') {
    cases = `WHEN ${t} IN ('true', 'false') THEN ${t} = 'true' WHEN ${integer} THEN ${t} <> '0' ELSE ${refuse('string or number with a fraction or an exponent')}`;
  } else {
    throw notSupported(`CAST from json to ${typeName(to)}`, pos);
  }
  const duck = to.k === 'varchar' ? 'VARCHAR' : to.k === 'boolean' ? 'BOOLEAN' : to.k === 'double' ? 'DOUBLE' : to.k.toUpperCase();
  return { sql: `CAST((CASE ${common} ${cases} END) AS ${duck})`, type: to };
}
