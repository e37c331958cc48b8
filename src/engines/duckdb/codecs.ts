/**
 * One codec per result column, compiled once from the column's DuckDB type: the Trino type
 * string the column is reported as, and encoders writing a value as Trino's JSON encoding.
 *
 * Values are read straight from DuckDB's vectors. Nested values go through the vector tree where
 * the driver exposes it (lists, structs) because its value objects key struct fields by name and
 * so lose the fields of unnamed structs (`ROW(1, 2)`); maps and fixed-size arrays only offer
 * value objects, so an unnamed struct inside those keeps only its last field.
 */
import {
  DuckDBTypeId,
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBIntervalValue,
  type DuckDBListValue,
  type DuckDBListVector,
  type DuckDBMapValue,
  type DuckDBStructValue,
  type DuckDBStructVector,
  type DuckDBTimeNSValue,
  type DuckDBTimeTZValue,
  type DuckDBTimeValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import {
  civilDate,
  formatBase64,
  formatDecimal,
  formatDouble,
  formatInterval,
  formatOffset,
  formatReal,
  formatTime,
  formatTimestamp,
} from './format.js';

export interface Codec {
  /** Trino type string, e.g. `decimal(12, 2)`, `row(a bigint, "b c" varchar)`. */
  readonly type: string;
  /** JSON token for one value object (`null` included). */
  readonly value: (value: DuckDBValue) => string;
  /** JSON token for the value at `row` of a vector of this type. */
  readonly vector: (vector: DuckDBVector, row: number) => string;
}

function scalar<T>(type: string, encode: (value: T) => string): Codec {
  const value = (v: DuckDBValue): string => (v === null ? 'null' : encode(v as T));
  return { type, value, vector: (vector, row) => value(vector.getItem(row)) };
}

const quote = (text: string): string => JSON.stringify(text);

interface Finite {
  readonly isFinite: boolean;
}

/** DuckDB has infinite dates and timestamps, Trino does not: they are sent as text. */
function temporal<T extends Finite>(type: string, sign: (value: T) => boolean, encode: (value: T) => string): Codec {
  return scalar<T>(type, (v) => (v.isFinite ? `"${encode(v)}"` : sign(v) ? '"infinity"' : '"-infinity"'));
}

/** Trino writes a row field name bare when it is a plain identifier, else quoted. */
function fieldName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A map key's JSON member name: the key's text form. */
function memberName(encodedKey: string): string {
  return encodedKey.startsWith('"') ? encodedKey : quote(encodedKey);
}

function timestampCodec<T extends Finite>(
  parametric: boolean,
  precision: number,
  epoch: (value: T) => bigint,
  suffix = '',
): Codec {
  const digits = parametric ? precision : 3;
  const name = suffix === '' ? 'timestamp' : 'timestamp with time zone';
  const type = parametric ? name.replace('timestamp', `timestamp(${precision})`) : name;
  return temporal<T>(type, (v) => epoch(v) > 0n, (v) => formatTimestamp(epoch(v), precision, digits) + suffix);
}

function listCodec(element: Codec): Codec {
  const value = (v: DuckDBValue): string => {
    if (v === null) return 'null';
    const items = (v as DuckDBListValue).items;
    let out = '[';
    for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + element.value(items[i]!);
    return `${out}]`;
  };
  return {
    type: `array(${element.type})`,
    value,
    vector: (vector, row) => {
      const items = (vector as DuckDBListVector).getItemVector(row);
      if (items === null) return 'null';
      let out = '[';
      for (let i = 0; i < items.itemCount; i++) out += (i === 0 ? '' : ',') + element.vector(items, i);
      return `${out}]`;
    },
  };
}

/** Compiles the codec for a DuckDB type; `parametric` is the client's PARAMETRIC_DATETIME capability. */
export function codecFor(type: DuckDBType, parametric: boolean): Codec {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return scalar<boolean>('boolean', (v) => (v ? 'true' : 'false'));
    case DuckDBTypeId.TINYINT:
      return scalar<number>('tinyint', String);
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return scalar<number>('smallint', String);
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return scalar<number>('integer', String);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return scalar<number | bigint>('bigint', String);
    case DuckDBTypeId.UBIGINT:
      return scalar<bigint>('decimal(20, 0)', (v) => `"${v}"`);
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return scalar<bigint>('decimal(38, 0)', (v) => `"${v}"`);
    case DuckDBTypeId.FLOAT:
      return scalar<number>('real', formatReal);
    case DuckDBTypeId.DOUBLE:
      return scalar<number>('double', formatDouble);
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type;
      return scalar<DuckDBDecimalValue>(`decimal(${width}, ${scale})`, (v) => formatDecimal(v.value, scale));
    }
    case DuckDBTypeId.VARCHAR:
      return scalar<string>(type.alias === 'JSON' ? 'json' : 'varchar', quote);
    case DuckDBTypeId.ENUM:
      return scalar<string>('varchar', quote);
    case DuckDBTypeId.BLOB:
      return scalar<DuckDBBlobValue>('varbinary', (v) => formatBase64(v.bytes));
    case DuckDBTypeId.UUID:
      return scalar<{ toString(): string }>('uuid', (v) => quote(v.toString()));
    case DuckDBTypeId.DATE:
      return temporal<DuckDBDateValue>('date', (v) => v.days > 0, (v) => civilDate(v.days));
    case DuckDBTypeId.TIME:
      return scalar<DuckDBTimeValue>(parametric ? 'time(6)' : 'time', (v) => `"${formatTime(v.micros, 6, parametric ? 6 : 3)}"`);
    case DuckDBTypeId.TIME_NS:
      return scalar<DuckDBTimeNSValue>(parametric ? 'time(9)' : 'time', (v) => `"${formatTime(v.nanos, 9, parametric ? 9 : 3)}"`);
    case DuckDBTypeId.TIME_TZ:
      return scalar<DuckDBTimeTZValue>(
        parametric ? 'time(6) with time zone' : 'time with time zone',
        (v) => `"${formatTime(v.micros, 6, parametric ? 6 : 3)}${formatOffset(v.offset)}"`,
      );
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampCodec<DuckDBTimestampSecondsValue>(parametric, 0, (v) => v.seconds);
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampCodec<DuckDBTimestampMillisecondsValue>(parametric, 3, (v) => v.millis);
    case DuckDBTypeId.TIMESTAMP:
      return timestampCodec<DuckDBTimestampValue>(parametric, 6, (v) => v.micros);
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampCodec<DuckDBTimestampNanosecondsValue>(parametric, 9, (v) => v.nanos);
    case DuckDBTypeId.TIMESTAMP_TZ:
      // Rendered in UTC: the instant is exact and every client can shift it to its own zone.
      return timestampCodec<DuckDBTimestampTZValue>(parametric, 6, (v) => v.micros, ' UTC');
    case DuckDBTypeId.INTERVAL:
      return scalar<DuckDBIntervalValue>('interval day to second', (v) => formatInterval(v.months, v.days, v.micros));
    case DuckDBTypeId.SQLNULL:
      return { type: 'unknown', value: () => 'null', vector: () => 'null' };
    case DuckDBTypeId.LIST:
      return listCodec(codecFor(type.valueType, parametric));
    case DuckDBTypeId.ARRAY: {
      const list = listCodec(codecFor(type.valueType, parametric));
      return { type: list.type, value: list.value, vector: (vector, row) => list.value(vector.getItem(row)) };
    }
    case DuckDBTypeId.MAP: {
      const key = codecFor(type.keyType, parametric);
      const item = codecFor(type.valueType, parametric);
      const value = (v: DuckDBValue): string => {
        if (v === null) return 'null';
        let out = '{';
        for (const entry of (v as DuckDBMapValue).entries) {
          out += `${out.length === 1 ? '' : ','}${memberName(key.value(entry.key))}:${item.value(entry.value)}`;
        }
        return `${out}}`;
      };
      return { type: `map(${key.type}, ${item.type})`, value, vector: (vector, row) => value(vector.getItem(row)) };
    }
    case DuckDBTypeId.STRUCT: {
      const names = type.entryNames;
      const fields = type.entryTypes.map((t) => codecFor(t, parametric));
      const named = names.some((n) => n !== '');
      const signature = fields.map((f, i) => (named ? `${fieldName(names[i]!)} ${f.type}` : f.type)).join(', ');
      return {
        type: `row(${signature})`,
        value: (v) => {
          if (v === null) return 'null';
          const entries = (v as DuckDBStructValue).entries;
          return `[${fields.map((f, i) => f.value(entries[names[i]!] ?? null)).join(',')}]`;
        },
        vector: (vector, row) => {
          const struct = vector as DuckDBStructVector;
          if (!struct.isItemValid(row)) return 'null';
          let out = '[';
          for (let i = 0; i < fields.length; i++) out += (i === 0 ? '' : ',') + fields[i]!.vector(struct.entryVectorAt(i), row);
          return `${out}]`;
        },
      };
    }
    default:
      // UNION, BIT, BIGNUM, GEOMETRY, VARIANT...: Trino has no counterpart; send their text.
      return scalar<{ toString(): string }>('varchar', (v) => quote(v.toString()));
  }
}
