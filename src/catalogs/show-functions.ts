/**
 * SHOW FUNCTIONS on the embedded engine: Trino 483's own rows (trino-function-rows.ts) for exactly
 * the signatures the embedded engine runs as Trino does. A row is listed when the mapping table
 * (function-table.ts) accepts every instantiation of its argument types the translator can type, with
 * a column (not a literal) for each argument, and answers the row's return type. Signatures
 * accepted only for literal arguments, some precisions or some values are left out: a row claims
 * its whole signature.
 */
import { FUNCTION_TABLE } from '../engines/duckdb/translation/function-table.js';
import type { Typed } from '../engines/duckdb/translation/functions.js';
import { JSON_FUNCTIONS } from '../engines/duckdb/translation/json.js';
import { T, decimal, parseTypeName, sameType, varchar, type TrinoType } from '../engines/duckdb/translation/types.js';
import type { MetadataColumn, Row } from './metadata-tables.js';
import { TRINO_FUNCTION_ROWS, type TrinoFunctionRow } from './trino-function-rows.js';

/** Functions the mapping accepts by type but refuses for some values at run time (upper of 'ß', the JSON functions of text that is not strict JSON). */
const REFUSED_FOR_SOME_VALUES = new Set(['upper', ...Object.keys(JSON_FUNCTIONS)]);

/** The columns of Trino's rewrite of SHOW FUNCTIONS, before they are renamed. */
export const FUNCTION_COLUMNS: readonly MetadataColumn[] = [
  { name: 'function_name', type: 'varchar' },
  { name: 'return_type', type: 'varchar' },
  { name: 'argument_types', type: 'varchar' },
  { name: 'function_type', type: 'varchar' },
  { name: 'deterministic', type: 'boolean' },
  { name: 'description', type: 'varchar' },
];

type Bindings = Record<string, TrinoType | number | undefined>;

const DECIMALS: ReadonlyArray<[number, number]> = [[1, 0], [10, 2], [18, 18], [19, 4], [38, 0], [38, 38]];
const VARCHAR_LENGTHS: ReadonlyArray<number | undefined> = [1, 7, undefined];
/** The precisions of timestamps and times the translator models (p ≤ 6), ends and default. */
const DATETIME_PRECISIONS: readonly number[] = [0, 3, 6];
/** Zones a `timestamp(p) with time zone` may carry: a fixed one and a region with daylight saving. */
const ZONES: readonly string[] = ['UTC', 'America/New_York'];
const ARRAY_ELEMENTS: readonly TrinoType[] = [T.tinyint, T.smallint, T.integer, T.bigint, T.double, T.boolean, T.date, decimal(10, 2), varchar(3), varchar()];
/** Every type the translator can give an expression, standing in for a type variable (T, E). */
const ANY_TYPE: readonly TrinoType[] = [
  T.tinyint, T.smallint, T.integer, T.bigint, T.real, T.double, T.boolean, T.date, T.varbinary, decimal(10, 2), varchar(3), varchar(),
  T.intervalYearToMonth, T.intervalDayToSecond, ...DATETIME_PRECISIONS.flatMap((p) => [timestamp(p), time(p), ...ZONES.map((zone) => timestampTz(p, zone))]),
  ...ARRAY_ELEMENTS.map(array),
];

function timestamp(p: number): TrinoType {
  return { k: 'timestamp', p };
}
function time(p: number): TrinoType {
  return { k: 'time', p };
}
function timestampTz(p: number, zone: string): TrinoType {
  return { k: 'timestampTz', p, zone };
}
function array(element: TrinoType): TrinoType {
  return { k: 'array', element };
}

/** A parametric datetime pattern (`timestamp(p)`, `time(p)`, `timestamp(p) with time zone`): its instances, binding p. */
function datetimeInstances(pattern: string): Array<{ type: TrinoType; bindings: Bindings }> | undefined {
  const m = /^(timestamp|time)\(([a-z]\w*)\)( with time zone)?$/.exec(pattern);
  if (!m) return undefined;
  const [, kind, variable, zoned] = m;
  // time(p) with time zone is not modelled.
  if (zoned !== undefined && kind === 'time') return undefined;
  return DATETIME_PRECISIONS.flatMap((p) =>
    (zoned === undefined ? [kind === 'timestamp' ? timestamp(p) : time(p)] : ZONES.map((zone) => timestampTz(p, zone))).map((type) => ({ type, bindings: { [variable!]: p } })),
  );
}

/** The types one argument pattern of a signature stands for, with the variables each binds; undefined: a type the translator does not model. */
function instances(pattern: string): Array<{ type: TrinoType; bindings: Bindings }> | undefined {
  if (/^[A-Z]$/.test(pattern)) return ANY_TYPE.map((type) => ({ type, bindings: { [pattern]: type } }));
  const vc = /^varchar\(([a-z]\w*)\)$/.exec(pattern);
  if (vc) return VARCHAR_LENGTHS.map((length) => ({ type: varchar(length), bindings: { [vc[1]!]: length } }));
  const dec = /^decimal\(([a-z]\w*),([a-z]\w*)\)$/.exec(pattern);
  if (dec) return DECIMALS.map(([p, s]) => ({ type: decimal(p, s), bindings: { [dec[1]!]: p, [dec[2]!]: s } }));
  if (/^(timestamp|time)\([a-z]/.test(pattern)) return datetimeInstances(pattern);
  const arrayOf = /^array\(([A-Z])\)$/.exec(pattern);
  if (arrayOf) return ARRAY_ELEMENTS.map((element) => ({ type: array(element), bindings: { [arrayOf[1]!]: element } }));
  const concrete = parseTypeName(pattern);
  return concrete === undefined ? undefined : [{ type: concrete, bindings: {} }];
}

/** The return type pattern with the arguments' bindings; undefined when it names a variable they do not bind. */
function returnType(pattern: string, bindings: Bindings): TrinoType | undefined {
  if (/^[A-Z]$/.test(pattern)) return bindings[pattern] as TrinoType | undefined;
  const arrayOf = /^array\(([A-Z])\)$/.exec(pattern);
  if (arrayOf) return arrayOf[1]! in bindings ? array(bindings[arrayOf[1]!] as TrinoType) : undefined;
  const datetime = /^(timestamp|time)\(([a-z]\w*)\)( with time zone)?$/.exec(pattern);
  if (datetime) {
    const p = bindings[datetime[2]!];
    if (typeof p !== 'number') return undefined;
    // The zone is the argument's; sameType compares names, which do not carry it.
    if (datetime[3] !== undefined) return datetime[1] === 'timestamp' ? timestampTz(p, 'UTC') : undefined;
    return datetime[1] === 'timestamp' ? timestamp(p) : time(p);
  }
  const vc = /^varchar\(([a-z]\w*)\)$/.exec(pattern);
  if (vc) return vc[1]! in bindings ? varchar(bindings[vc[1]!] as number | undefined) : undefined;
  const dec = /^decimal\((\w+),(\w+)\)$/.exec(pattern);
  if (dec) {
    const [p, s] = [dec[1]!, dec[2]!].map((part) => (/^\d+$/.test(part) ? Number(part) : bindings[part]));
    return typeof p === 'number' && typeof s === 'number' ? decimal(p, s) : undefined;
  }
  return parseTypeName(pattern);
}

/** Every combination of the arguments' instances whose shared variables agree. */
function combinations(patterns: string[]): Array<{ types: TrinoType[]; bindings: Bindings }> | undefined {
  let out: Array<{ types: TrinoType[]; bindings: Bindings }> = [{ types: [], bindings: {} }];
  for (const pattern of patterns) {
    const options = instances(pattern);
    if (options === undefined) return undefined;
    out = out.flatMap((c) =>
      options
        .filter((o) => Object.entries(o.bindings).every(([k, v]) => !(k in c.bindings) || c.bindings[k] === v))
        .map((o) => ({ types: [...c.types, o.type], bindings: { ...c.bindings, ...o.bindings } })),
    );
  }
  return out;
}

function columnArgument(type: TrinoType, i: number): Typed {
  const name = `a${i}`;
  return { sql: name, type, expr: { k: 'column', parts: [name], written: name, pos: { line: 1, column: 1 } } };
}

function runsAsTrino([name, returns, argumentTypes, functionType]: TrinoFunctionRow): boolean {
  // count(*) is translated by the translator itself, not by the mapping table.
  if (name === 'count' && argumentTypes === '') return true;
  const mapping = FUNCTION_TABLE[name];
  if (mapping === undefined || mapping.kind !== functionType || REFUSED_FOR_SOME_VALUES.has(name)) return false;
  const cases = combinations(argumentTypes === '' ? [] : argumentTypes.split(', '));
  if (cases === undefined) return false;
  return cases.every(({ types, bindings }) => {
    const expected = returnType(returns, bindings);
    const result = mapping.translate(types.map(columnArgument), '');
    return expected !== undefined && result !== undefined && sameType(result.type, expected);
  });
}

/** The rows SHOW FUNCTIONS lists on the embedded engine. */
export const EMBEDDED_FUNCTION_ROWS: readonly Row[] = TRINO_FUNCTION_ROWS.filter(runsAsTrino).map((row) => [...row]);
