/**
 * Trino's types as far as the translator infers them, their DuckDB storage types and Trino's
 * coercion rules (the common super type of two types, decimal widening of integers).
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import type { Pos } from './syntax.js';

export type TrinoType =
  | { k: 'tinyint' | 'smallint' | 'integer' | 'bigint' | 'real' | 'double' | 'boolean' | 'date' | 'varbinary' | 'unknown' }
  /** Held in DuckDB as a VARCHAR of Trino's canonical text (json-type.ts). */
  | { k: 'json' }
  | { k: 'decimal'; p: number; s: number }
  /** `length` undefined: unbounded varchar. */
  | { k: 'varchar'; length?: number }
  /**
   * A type the translator does not model, of a column whose values it only carries through
   * (selected, tested for null, counted; compared only where DuckDB compares as Trino does). Only
   * the metadata tables declare such columns; `duck` is DuckDB's type holding them.
   */
  | { k: 'carried'; name: string; duck: string }
  /** Held in DuckDB as an INTEGER count of months, Trino's own representation (a Java int). */
  | { k: 'intervalYearToMonth' }
  /** A DuckDB list; only of the element types arrays.ts accepts. */
  | { k: 'array'; element: TrinoType }
  /** A DuckDB MAP, which keeps its entries in the order Trino's map does; only of the key and value types maps.ts accepts. */
  | { k: 'map'; key: TrinoType; value: TrinoType }
  /** A DuckDB STRUCT whose fields are named by position (`_f1`, `_f2`...); Trino's names (undefined for an unnamed field) are the translator's (rows.ts). */
  | { k: 'row'; fields: RowField[] }
  /** Held in DuckDB as a BIGINT count of milliseconds, Trino's own representation (a Java long). */
  | { k: 'intervalDayToSecond' }
  /** `timestamp(p)` and `time(p)` with p ≤ 6, held as DuckDB TIMESTAMP and TIME (microseconds), always rounded to p digits. */
  | { k: 'timestamp' | 'time'; p: number }
  /**
   * `timestamp(p) with time zone`, held as a DuckDB TIMESTAMPTZ (the instant). Trino's value also
   * carries a zone, which the translator knows statically: `zone` names it, undefined when values
   * of several zones meet (such a column is not shown).
   */
  | { k: 'timestampTz'; p: number; zone: string | undefined }
  /** `char(n)`, held as a DuckDB VARCHAR padded with spaces to n code points, as Trino shows it (chars.ts). */
  | { k: 'char'; length: number };

export interface RowField {
  name: string | undefined;
  type: TrinoType;
}

export const T = {
  tinyint: { k: 'tinyint' },
  smallint: { k: 'smallint' },
  integer: { k: 'integer' },
  bigint: { k: 'bigint' },
  real: { k: 'real' },
  double: { k: 'double' },
  boolean: { k: 'boolean' },
  date: { k: 'date' },
  varbinary: { k: 'varbinary' },
  unknown: { k: 'unknown' },
  varchar: { k: 'varchar' },
  intervalYearToMonth: { k: 'intervalYearToMonth' },
  intervalDayToSecond: { k: 'intervalDayToSecond' },
} as const satisfies Record<string, TrinoType>;

export const MAX_DECIMAL_PRECISION = 38;

/** The element types of the arrays the translator models (arrays.ts). */
export const ARRAY_ELEMENT_KINDS: ReadonlySet<string> = new Set(['tinyint', 'smallint', 'integer', 'bigint', 'decimal', 'double', 'varchar', 'boolean', 'date']);

const INTEGER_RANK = { tinyint: 1, smallint: 2, integer: 3, bigint: 4 } as const;
/** The decimal type an integer type widens to (Trino's integer-to-decimal coercion). */
const INTEGER_DECIMAL = { tinyint: 3, smallint: 5, integer: 10, bigint: 19 } as const;

export function isInteger(t: TrinoType): t is { k: 'tinyint' | 'smallint' | 'integer' | 'bigint' } {
  return t.k in INTEGER_RANK;
}

export function isExactNumeric(t: TrinoType): boolean {
  return isInteger(t) || t.k === 'decimal';
}

export function isNumeric(t: TrinoType): boolean {
  return isExactNumeric(t) || t.k === 'real' || t.k === 'double';
}

export function isFloating(t: TrinoType): boolean {
  return t.k === 'real' || t.k === 'double';
}

export function decimal(p: number, s: number): TrinoType {
  return { k: 'decimal', p, s };
}

export function varchar(length?: number): TrinoType {
  return length === undefined ? { k: 'varchar' } : { k: 'varchar', length };
}

/** Trino's name of a type, as result columns report it. */
export function typeName(t: TrinoType): string {
  if (t.k === 'decimal') return `decimal(${t.p}, ${t.s})`;
  if (t.k === 'varchar') return t.length === undefined ? 'varchar' : `varchar(${t.length})`;
  if (t.k === 'carried') return t.name;
  if (t.k === 'intervalYearToMonth') return 'interval year to month';
  if (t.k === 'array') return `array(${typeName(t.element)})`;
  if (t.k === 'map') return `map(${typeName(t.key)}, ${typeName(t.value)})`;
  if (t.k === 'row') return `row(${t.fields.map((f) => (f.name === undefined ? typeName(f.type) : `${rowFieldName(f.name)} ${typeName(f.type)}`)).join(', ')})`;
  if (t.k === 'intervalDayToSecond') return 'interval day to second';
  if (t.k === 'timestamp' || t.k === 'time') return `${t.k}(${t.p})`;
  if (t.k === 'timestampTz') return `timestamp(${t.p}) with time zone`;
  if (t.k === 'char') return `char(${t.length})`;
  return t.k;
}

/** A row field's name as Trino writes it in a type: bare when a plain identifier, else quoted. */
function rowFieldName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB's name of a row's field: its position (`_f1`), whatever Trino's name. */
export function structField(index: number): string {
  return `_f${index + 1}`;
}

/** A type's name as a result column reports it: Trino 483 reports an interval's in capitals, and names it in lower case in messages. */
export function columnTypeName(t: TrinoType): string {
  return t.k === 'intervalYearToMonth' || t.k === 'intervalDayToSecond' ? typeName(t).toUpperCase() : typeName(t);
}

/** DuckDB's type holding values of a Trino type. */
export function duckType(t: TrinoType): string {
  switch (t.k) {
    case 'decimal':
      return `DECIMAL(${t.p},${t.s})`;
    case 'varchar':
    case 'char':
    case 'json':
      return 'VARCHAR';
    case 'real':
      return 'FLOAT';
    case 'varbinary':
      return 'BLOB';
    case 'unknown':
    case 'intervalYearToMonth':
      return 'INTEGER';
    case 'intervalDayToSecond':
      return 'BIGINT';
    case 'timestamp':
    case 'time':
      return t.k.toUpperCase();
    case 'timestampTz':
      return 'TIMESTAMPTZ';
    case 'carried':
      return t.duck;
    case 'array':
      return `${duckType(t.element)}[]`;
    case 'map':
      return `MAP(${duckType(t.key)}, ${duckType(t.value)})`;
    case 'row':
      return `STRUCT(${t.fields.map((f, i) => `${structField(i)} ${duckType(f.type)}`).join(', ')})`;
    default:
      return t.k.toUpperCase();
  }
}

/** The decimal form of an exact numeric type. */
export function asDecimal(t: TrinoType): { p: number; s: number } {
  if (t.k === 'decimal') return { p: t.p, s: t.s };
  if (isInteger(t)) return { p: INTEGER_DECIMAL[t.k], s: 0 };
  throw new Error(`not an exact numeric type: ${typeName(t)}`);
}

/** Reads a column type as catalogs report it (`varchar(25)`, `decimal(12,2)`, `bigint`); undefined for types the translator does not model. */
export function parseTypeName(text: string): TrinoType | undefined {
  const name = text.trim().toLowerCase();
  const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(name);
  if (dec) return decimal(Number(dec[1]), Number(dec[2]));
  if (name === 'decimal') return decimal(38, 0);
  const vc = /^varchar\((\d+)\)$/.exec(name);
  if (vc) return varchar(Number(vc[1]));
  if (name === 'varchar') return varchar();
  if (name === 'int') return T.integer;
  if (name === 'interval year to month') return T.intervalYearToMonth;
  if (name === 'json') return { k: 'json' };
  const array = /^array\((.+)\)$/.exec(name);
  if (array) {
    const element = parseTypeName(array[1]!);
    return element && isArrayElement(element) ? { k: 'array', element } : undefined;
  }
  const map = /^map\((.+)\)$/.exec(name);
  if (map) {
    const parts = splitTopLevel(map[1]!);
    const [key, value] = parts.map(parseTypeName);
    return parts.length === 2 && key && value && isMapKey(key) && isArrayElement(value) ? { k: 'map', key, value } : undefined;
  }
  // Field names keep the case they were quoted with.
  const row = /^row\((.+)\)$/i.exec(text.trim());
  if (row) {
    const fields = splitTopLevel(row[1]!).map(parseRowField);
    return fields.every((f) => f !== undefined) ? { k: 'row', fields } : undefined;
  }
  if (name === 'interval day to second') return T.intervalDayToSecond;
  const datetime = /^(timestamp|time)(?:\((\d+)\))?$/.exec(name);
  // Precision 7 to 12 (picoseconds) does not fit DuckDB's microseconds: not modelled.
  if (datetime) return Number(datetime[2] ?? 3) <= 6 ? { k: datetime[1] as 'timestamp' | 'time', p: Number(datetime[2] ?? 3) } : undefined;
  if (Object.hasOwn(T, name) && name !== 'unknown') return T[name as keyof typeof T];
  return undefined;
}

/** A row field as a type's text writes it: `"name" type`, `name type` or `type`; undefined when its type is not modelled. */
function parseRowField(text: string): RowField | undefined {
  const quoted = /^"((?:[^"]|"")*)"\s+(.+)$/.exec(text);
  const bare = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(text);
  const [name, typeText] = quoted ? [quoted[1]!.replace(/""/g, '"'), quoted[2]!] : bare && parseTypeName(text) === undefined ? [bare[1]!.toLowerCase(), bare[2]!] : [undefined, text];
  const type = parseTypeName(typeText);
  return type && isArrayElement(type) ? { name, type } : undefined;
}

/** A type's parameter list split at its top-level commas (`integer, map(integer, varchar)`). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return [...parts, text.slice(start).trim()];
}

/** Trino's common super type of two types (the type both are coerced to), or undefined when there is none. */
export function commonType(a: TrinoType, b: TrinoType): TrinoType | undefined {
  if (a.k === 'unknown') return b;
  if (b.k === 'unknown') return a;
  if (a.k === 'varchar' && b.k === 'varchar') {
    return a.length === undefined || b.length === undefined ? varchar() : varchar(Math.max(a.length, b.length));
  }
  if (isInteger(a) && isInteger(b)) return INTEGER_RANK[a.k] >= INTEGER_RANK[b.k] ? a : b;
  if (isExactNumeric(a) && isExactNumeric(b)) {
    const x = asDecimal(a);
    const y = asDecimal(b);
    const s = Math.max(x.s, y.s);
    return decimal(Math.min(MAX_DECIMAL_PRECISION, s + Math.max(x.p - x.s, y.p - y.s)), s);
  }
  if (isNumeric(a) && isNumeric(b)) return a.k === 'double' || b.k === 'double' ? T.double : T.real;
  // A date widens to a timestamp; of two precisions, the finer.
  if ((a.k === 'timestamp' || a.k === 'date') && (b.k === 'timestamp' || b.k === 'date') && a.k !== b.k) return a.k === 'timestamp' ? a : b;
  if ((a.k === 'timestamp' && b.k === 'timestamp') || (a.k === 'time' && b.k === 'time')) return a.p >= b.p ? a : b;
  // With a zone: the finer precision; the zone only when both have it.
  const instant = (t: TrinoType): number | undefined => (t.k === 'timestampTz' || t.k === 'timestamp' ? t.p : t.k === 'date' ? 0 : undefined);
  const [pa, pb] = [instant(a), instant(b)];
  if ((a.k === 'timestampTz' || b.k === 'timestampTz') && pa !== undefined && pb !== undefined) {
    return { k: 'timestampTz', p: Math.max(pa, pb), zone: a.k === 'timestampTz' && b.k === 'timestampTz' && a.zone === b.zone ? a.zone : undefined };
  }
  if (a.k === 'carried' || b.k === 'carried') return sameType(a, b) ? a : undefined;
  // Of two chars the longer; a char meeting a varchar becomes a varchar of its length (Trino's coercion, which drops the padding).
  if (a.k === 'char' && b.k === 'char') return a.length >= b.length ? a : b;
  if (a.k === 'char' || b.k === 'char') {
    const asVarchar = (t: TrinoType): TrinoType => (t.k === 'char' ? varchar(t.length) : t);
    return commonType(asVarchar(a), asVarchar(b));
  }
  if (a.k === 'array' || b.k === 'array') {
    const element = a.k === 'array' && b.k === 'array' ? commonType(a.element, b.element) : undefined;
    return element && { k: 'array', element };
  }
  if (a.k === 'map' || b.k === 'map') {
    if (a.k !== 'map' || b.k !== 'map') return undefined;
    const [key, value] = [commonType(a.key, b.key), commonType(a.value, b.value)];
    return key && value && { k: 'map', key, value };
  }
  if (a.k === 'row' || b.k === 'row') {
    if (a.k !== 'row' || b.k !== 'row' || a.fields.length !== b.fields.length) return undefined;
    // A field keeps its name when both rows give it the same one.
    const fields = a.fields.map((f, i) => ({ name: f.name === b.fields[i]!.name ? f.name : undefined, type: commonType(f.type, b.fields[i]!.type) }));
    return fields.every((f): f is RowField => f.type !== undefined) ? { k: 'row', fields } : undefined;
  }
  if (a.k === b.k && a.k !== 'decimal') return a;
  return undefined;
}

/**
 * Whether DuckDB compares and orders values of the type as Trino does. Of the carried types only
 * `timestamp(p) with time zone` (both compare instants); arrays are not (Trino's array equality
 * with a null element is null, DuckDB's is not), nor json values (Trino compares but does not order them; not modelled).
 */
export function isComparable(t: TrinoType): boolean {
  if (t.k === 'array' || t.k === 'map' || t.k === 'row' || t.k === 'json') return false;
  return t.k !== 'carried' || /^timestamp\(\d+\) with time zone$/.test(t.name);
}

export function sameType(a: TrinoType, b: TrinoType): boolean {
  return typeName(a) === typeName(b);
}

export function typeMismatch(message: string, pos: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes.TYPE_MISMATCH, `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

/** Whether arrays of the type are modelled: the element kinds above, and arrays, maps and rows of them (nested to any depth). */
export function isArrayElement(t: TrinoType): boolean {
  if (t.k === 'map') return isMapKey(t.key) && isArrayElement(t.value);
  // A row's field may be null typed (`ROW(1, NULL)` is a row(integer, unknown)).
  if (t.k === 'row') return t.fields.every((f) => f.type.k === 'unknown' || isArrayElement(f.type));
  return t.k === 'array' ? isArrayElement(t.element) : ARRAY_ELEMENT_KINDS.has(t.k);
}

/**
 * Map keys whose text form (a result's JSON member name, a duplicate key's message) both engines
 * write alike; doubles and reals (Trino's own text forms) are not modelled.
 */
export function isMapKey(t: TrinoType): boolean {
  return isExactNumeric(t) || t.k === 'varchar' || t.k === 'boolean' || t.k === 'date';
}

/**
 * Whether DuckDB's equality of the type's values differs from Trino's for grouping (GROUP BY,
 * DISTINCT, set operations, PARTITION BY): DuckDB compares maps entry by entry in order, Trino's
 * maps equal with their entries in any order; so arrays and rows holding maps too.
 */
export function holdsMap(t: TrinoType): boolean {
  return t.k === 'map' || (t.k === 'array' && holdsMap(t.element)) || (t.k === 'row' && t.fields.some((f) => holdsMap(f.type)));
}
