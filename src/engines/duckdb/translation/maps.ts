/**
 * Trino's maps as DuckDB MAPs, which keep their entries in insertion order as Trino's maps do
 * (the order Trino's result shows them in): `map(keys, values)` and `map()`, subscripts (a
 * missing key fails with Trino's error), element_at, map_keys, map_values, cardinality,
 * map_concat (in Trino's order: the last map's entries first), map_entries and map_from_entries
 * (rows of a key and a value, rows.ts), map_agg, and the lambda functions map_filter,
 * transform_values and transform_keys. Keys are exact numbers, varchar, boolean or
 * date (whose text, in results and in messages, both engines write alike); null and duplicate
 * keys fail with Trino's errors. Comparing maps is refused (DuckDB compares entries in order,
 * Trino's maps equal in any order), as are grouping and DISTINCT over them (translator.ts).
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { cast, raise, type FunctionMapping, type Typed } from './functions.js';
import { isLambda, type LambdaFunction } from './lambdas.js';
import { notSupported, type Pos } from './syntax.js';
import { fieldOf } from './rows.js';
import { T, commonType, duckType, isArrayElement, isExactNumeric, isMapKey, structField, typeMismatch, typeName, type TrinoType } from './types.js';

type MapType = TrinoType & { k: 'map' };
type MapTyped = Typed & { type: MapType };

const isMap = (t: TrinoType): t is MapType => t.k === 'map';

/** A DuckDB expression failing with Trino's INVALID_FUNCTION_ARGUMENT, its message computed (`message` is DuckDB SQL of a VARCHAR). */
function failWith(message: string): string {
  return `error('QG:INVALID_FUNCTION_ARGUMENT:' || ${message})`;
}

/**
 * The checks Trino makes of a map's keys (DuckDB SQL of a list): a null key first, wherever it
 * is, then the first key repeating an earlier one, named by its text.
 */
function keyChecks(keys: string): string {
  const duplicate = `list_filter(${keys}, lambda _key, _at: list_position(${keys}, _key) < _at)[1]`;
  return (
    `WHEN list_aggregate(${keys}, 'count') < len(${keys}) THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'map key cannot be null')} ` +
    `WHEN len(list_distinct(${keys})) < len(${keys}) THEN ${failWith(`'Duplicate map keys (' || CAST(${duplicate} AS VARCHAR) || ') are not allowed'`)} `
  );
}

/** `map(keys, values)`: Trino checks the lengths, then the keys; `map()` is the empty map(unknown, unknown). */
function constructor(args: Typed[]): { sql: string; type: TrinoType } | undefined {
  if (args.length === 0) {
    const type: MapType = { k: 'map', key: T.unknown, value: T.unknown };
    return { sql: `CAST(MAP {} AS ${duckType(type)})`, type };
  }
  const [keys, values, ...rest] = args;
  if (!keys || !values || rest.length > 0 || keys.type.k !== 'array' || values.type.k !== 'array') return undefined;
  const type: MapType = { k: 'map', key: keys.type.element, value: values.type.element };
  if (!isMapKey(type.key) || !isArrayElement(type.value)) return undefined;
  const sql =
    `(CASE WHEN ${keys.sql} IS NULL OR ${values.sql} IS NULL THEN NULL ` +
    `WHEN len(${keys.sql}) <> len(${values.sql}) THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'Key and value arrays must be the same length')} ` +
    `${keyChecks(keys.sql)}ELSE map(${keys.sql}, ${values.sql}) END)`;
  return { sql, type };
}

/**
 * A map and a key to look up in it, both of the type Trino coerces them to: the map's key type (a
 * varchar of another length, or a null, looks up as it is), or an exact number type the map's
 * keys widen to without loss (a bigint in a map of integers); undefined for other coercions.
 */
function lookup(map: MapTyped, key: Typed): { map: string; key: string } | undefined {
  if (key.type.k === 'unknown') return { map: map.sql, key: `CAST(NULL AS ${duckType(map.type.key)})` };
  const common = commonType(map.type.key, key.type);
  if (!common) return undefined;
  if (common.k === 'varchar' || typeName(common) === typeName(map.type.key)) return { map: map.sql, key: cast(key, common) };
  if (!isExactNumeric(common)) return undefined;
  return { map: cast(map, { k: 'map', key: common, value: map.type.value }), key: cast(key, common) };
}

/** `map[key]`: Trino fails on a key the map does not hold; a null map or key gives null. */
export function mapSubscript(map: Typed, key: Typed, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (!isMap(map.type)) return undefined;
  if (!commonType(map.type.key, key.type)) throw typeMismatch(`Cannot use ${typeName(key.type)} for subscript of ${typeName(map.type)}`, pos);
  const found = lookup(map as MapTyped, key);
  if (found === undefined) throw notSupported(`A subscript of type ${typeName(key.type)} of ${typeName(map.type)}`, pos);
  const [m, k] = [found.map, found.key];
  const sql =
    `(CASE WHEN ${m} IS NULL OR ${k} IS NULL THEN NULL ` +
    `WHEN NOT map_contains(${m}, ${k}) THEN ${failWith(`'Key not present in map: ' || CAST(${k} AS VARCHAR)`)} ` +
    `ELSE map_extract_value(${m}, ${k}) END)`;
  return { sql, type: map.type.value };
}

/** A mapping of a map function, translated only for a map first argument. */
function mapFunction(signatures: string, translate: (map: MapTyped, rest: Typed[]) => { sql: string; type: TrinoType } | undefined): FunctionMapping {
  return { kind: 'scalar', signatures, translate: ([map, ...rest]) => (map && isMap(map.type) ? translate(map as MapTyped, rest) : undefined) };
}

/**
 * map_concat as Trino builds it: the last map's entries, then each earlier map's entries whose
 * keys no later map holds (so a key takes its last value); null when any map is null.
 */
function mapConcat(args: Typed[]): { sql: string; type: TrinoType } | undefined {
  if (!args.every((a) => isMap(a.type) || a.type.k === 'unknown')) return undefined;
  if (args.length === 1) return { sql: raise('INVALID_FUNCTION_ARGUMENT', 'There must be two or more concatenation arguments to map_concat'), type: args[0]!.type };
  const type = args.reduce<TrinoType | undefined>((common, a) => common && commonType(common, a.type), T.unknown);
  if (!type || !isMap(type) || !isMapKey(type.key) || !isArrayElement(type.value)) return undefined;
  const maps = args.map((a) => cast(a, type));
  const parts = maps
    .map((m, i) => {
      const later = maps.slice(i + 1);
      if (later.length === 0) return `map_entries(${m})`;
      return `list_filter(map_entries(${m}), lambda _entry: NOT (${later.map((l) => `map_contains(${l}, _entry.key)`).join(' OR ')}))`;
    })
    .reverse();
  const nulls = maps.map((m) => `${m} IS NULL`).join(' OR ');
  return { sql: `(CASE WHEN ${nulls} THEN NULL ELSE CAST(map_from_entries(list_concat(${parts.join(', ')})) AS ${duckType(type)}) END)`, type };
}

export const MAP_FUNCTIONS: Record<string, FunctionMapping> = {
  map: {
    kind: 'scalar',
    signatures: 'map(array(K), array(V)) for keys of exact numbers, varchar, boolean or date (null and duplicate keys failing as in Trino), map()',
    translate: constructor,
  },
  cardinality: mapFunction('cardinality(map) → bigint', (m, rest) => (rest.length === 0 ? { sql: `CAST(cardinality(${m.sql}) AS BIGINT)`, type: T.bigint } : undefined)),
  element_at: mapFunction('element_at(map, key): null for a key the map does not hold', (m, [key, ...rest]) => {
    if (!key || rest.length > 0) return undefined;
    const found = lookup(m, key);
    return found && { sql: `(CASE WHEN ${found.key} IS NULL THEN NULL ELSE map_extract_value(${found.map}, ${found.key}) END)`, type: m.type.value };
  }),
  map_keys: mapFunction('map_keys(map) → array(K), in the map\'s order', (m, rest) =>
    rest.length === 0 && isArrayElement(m.type.key) ? { sql: `map_keys(${m.sql})`, type: { k: 'array', element: m.type.key } } : undefined,
  ),
  map_values: mapFunction('map_values(map) → array(V), in the map\'s order, for values of the array element types', (m, rest) =>
    rest.length === 0 && isArrayElement(m.type.value) ? { sql: `map_values(${m.sql})`, type: { k: 'array', element: m.type.value } } : undefined,
  ),
  map_entries: mapFunction('map_entries(map) → array(row(K, V)), in the map\'s order', (m, rest) => {
    const entry: TrinoType = { k: 'row', fields: [{ name: undefined, type: m.type.key }, { name: undefined, type: m.type.value }] };
    if (rest.length > 0 || !isArrayElement(entry)) return undefined;
    return { sql: `list_transform(map_entries(${m.sql}), lambda _entry: struct_pack(${structField(0)} := _entry.key, ${structField(1)} := _entry.value))`, type: { k: 'array', element: entry } };
  }),
  map_from_entries: {
    kind: 'scalar',
    signatures: 'map_from_entries(array(row(K, V))) for the map key types (a null entry or key, then a duplicate key, failing as in Trino)',
    translate: ([entries, ...rest]) => {
      const row = entries?.type.k === 'array' ? entries.type.element : undefined;
      if (!entries || rest.length > 0 || row?.k !== 'row' || row.fields.length !== 2 || !isMapKey(row.fields[0]!.type)) return undefined;
      const type: MapType = { k: 'map', key: row.fields[0]!.type, value: row.fields[1]!.type };
      const a = entries.sql;
      // Trino reads the entries in order and fails at the first null entry or null key.
      const faulty = `list_filter(range(1, len(${a}) + 1), lambda _at: ${a}[_at] IS NULL OR ${fieldOf(`${a}[_at]`, 0)} IS NULL)[1]`;
      const keys = `list_transform(${a}, lambda _entry: ${fieldOf('_entry', 0)})`;
      const values = `list_transform(${a}, lambda _entry: ${fieldOf('_entry', 1)})`;
      const sql =
        `(CASE WHEN ${a} IS NULL THEN NULL ` +
        `WHEN ${faulty} IS NOT NULL THEN (CASE WHEN ${a}[${faulty}] IS NULL THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'map entry cannot be null')} ELSE ${raise('INVALID_FUNCTION_ARGUMENT', 'map key cannot be null')} END) ` +
        `${keyChecks(keys)}ELSE CAST(map(${keys}, ${values}) AS ${duckType(type)}) END)`;
      return { sql, type };
    },
  },
  map_concat: { kind: 'scalar', signatures: 'map_concat(map, map, ...): a key takes its last value, entries in Trino\'s order', translate: mapConcat },
  map_agg: {
    kind: 'aggregate',
    signatures: 'map_agg(key, value): rows with a null key skipped, null for no rows; a key met twice is refused when met (Trino keeps one of its values, which one depends on its execution)',
    translate: ([key, value, ...rest], over) => {
      if (!key || !value || rest.length > 0 || over !== '' || !isMapKey(key.type) || !isArrayElement(value.type)) return undefined;
      const type: MapType = { k: 'map', key: key.type, value: value.type };
      const entries = `list(struct_pack(key := ${key.sql}, value := ${value.sql})) FILTER (WHERE ${key.sql} IS NOT NULL)`;
      const repeated = raise('NOT_SUPPORTED', 'map_agg of a key met in several rows (Trino keeps one of its values) is not supported by the embedded engine');
      return { sql: `(CASE WHEN count(${key.sql}) <> count(DISTINCT ${key.sql}) THEN ${repeated} ELSE CAST(map_from_entries(${entries}) AS ${duckType(type)}) END)`, type };
    },
  },
};

/** The map argument of a map lambda function, and its lambda of two parameters (key, value) bound to an entry `_entry`. */
function entryLambda(args: Parameters<LambdaFunction['translate']>[0], context: Parameters<LambdaFunction['translate']>[1]): { map: MapTyped; body: { sql: string; type: TrinoType }; entry: string } {
  const [first, lambda, ...rest] = args;
  if (!first || first.k === 'lambda' || !isLambda(lambda, 2) || rest.length > 0) throw notSupported(`${context.name} with other arguments than a map and a two-parameter lambda`, context.pos);
  const map = context.translate(first);
  if (!isMap(map.type)) throw notSupported(`${context.name} of ${typeName(map.type)}`, context.pos);
  const entry = context.fresh();
  const body = context.bind(lambda.body, [
    { name: lambda.params[0]!, type: map.type.key, sql: `${entry}.key` },
    { name: lambda.params[1]!, type: map.type.value, sql: `${entry}.value` },
  ]);
  return { map: map as MapTyped, body, entry };
}

/** A map rebuilt from its entries transformed (DuckDB SQL of a list of key/value structs); a null map gives null. */
function rebuilt(map: MapTyped, entries: string, type: MapType): string {
  return `(CASE WHEN ${map.sql} IS NULL THEN NULL ELSE CAST(map_from_entries(${entries}) AS ${duckType(type)}) END)`;
}

export const MAP_LAMBDA_FUNCTIONS: Record<string, LambdaFunction> = {
  map_filter: {
    signatures: 'map_filter(map, (k, v) -> boolean): the entries whose predicate is true, in order',
    translate: (args, context) => {
      const { map, body, entry } = entryLambda(args, context);
      if (body.type.k !== 'boolean' && body.type.k !== 'unknown') {
        throw new QueryFailure(ErrorCodes.FUNCTION_NOT_FOUND, `line ${context.pos.line}:${context.pos.column}: Unexpected parameters (${typeName(map.type)}, <function>) for function map_filter`, { lineNumber: context.pos.line, columnNumber: context.pos.column });
      }
      return { sql: rebuilt(map, `list_filter(map_entries(${map.sql}), lambda ${entry}: ${body.sql})`, map.type), type: map.type };
    },
  },
  transform_values: {
    signatures: 'transform_values(map, (k, v) -> value) for values of the map value types',
    translate: (args, context) => {
      const { map, body, entry } = entryLambda(args, context);
      if (!isArrayElement(body.type)) throw notSupported(`transform_values with a lambda of type ${typeName(body.type)}`, context.pos);
      const type: MapType = { k: 'map', key: map.type.key, value: body.type };
      return { sql: rebuilt(map, `list_transform(map_entries(${map.sql}), lambda ${entry}: struct_pack(key := ${entry}.key, value := ${body.sql}))`, type), type };
    },
  },
  transform_keys: {
    signatures: 'transform_keys(map, (k, v) -> key) for keys of the map key types (null and duplicate keys failing as in Trino)',
    translate: (args, context) => {
      const { map, body, entry } = entryLambda(args, context);
      if (!isMapKey(body.type)) throw notSupported(`transform_keys with a lambda of type ${typeName(body.type)}`, context.pos);
      const type: MapType = { k: 'map', key: body.type, value: map.type.value };
      const keys = `list_transform(map_entries(${map.sql}), lambda ${entry}: ${body.sql})`;
      return { sql: `(CASE WHEN ${map.sql} IS NULL THEN NULL ${keyChecks(keys)}ELSE CAST(map(${keys}, map_values(${map.sql})) AS ${duckType(type)}) END)`, type };
    },
  },
};

/** Arguments of a map function that Trino rejects (FUNCTION_NOT_FOUND), for the translator's error. */
export const MAP_REJECTS: Readonly<Record<string, (types: TrinoType[]) => boolean>> = {
  element_at: ([map, key, ...rest]) => map !== undefined && isMap(map) && key !== undefined && rest.length === 0 && !commonType(map.key, key),
  map_concat: (types) => types.length > 1 && types.every((t) => isMap(t) || t.k === 'unknown') && !types.reduce<TrinoType | undefined>((common, t) => common && commonType(common, t), T.unknown),
  map_agg: (types) => types.length !== 2,
  map_from_entries: ([entries, ...rest]) => rest.length === 0 && entries?.k === 'array' && !(entries.element.k === 'row' && entries.element.fields.length === 2),
};
