/**
 * Athena's result values to Trino's JSON encoding. `GetQueryResults` returns every value as a
 * string (a missing `VarCharValue` is SQL NULL) and describes each column by `ColumnInfo`: a type
 * name, and for some types a precision and scale. One decoder per column is compiled from that
 * description; a value that does not read as its column's type fails the query (a shifted or
 * misread row must never reach a client as data).
 *
 * `ColumnInfo` names `array`, `map` and `row` without their element or field types, so the text
 * of such a value (`[1, 2]`, `{a=1}`) cannot be read back into a typed Trino value without
 * guessing: `"1"` could be a number or a string, and a string holding `, ` or `=` cannot be told
 * from a separator. Those columns are reported as `varchar` holding Athena's text (see the README).
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { column, type Column } from '../../protocol/types.js';
import { formatDouble, formatReal } from '../duckdb/format.js';

/** The part of Athena's ColumnInfo the decoders read. */
export interface AthenaColumnInfo {
  Name?: string | undefined;
  Label?: string | undefined;
  Type?: string | undefined;
  Precision?: number | undefined;
  Scale?: number | undefined;
}

export interface ColumnDecoder {
  readonly column: Column;
  /** The JSON token of one value (`undefined` is NULL); throws when the text is not of the column's type. */
  readonly decode: (text: string | undefined) => string;
}

const UNBOUNDED = 2147483647;
const INTEGER = /^-?\d+$/;
const FLOATING = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|-?Infinity)$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)\.\d+(?:[eE][+-]?\d+)?$/;
const DATE = /^-?\d{4,}-\d{2}-\d{2}$/;
const INTERVAL_YEAR_MONTH = /^-?\d+-\d+$/;
const INTERVAL_DAY_SECOND = /^-?\d+ \d{2}:\d{2}:\d{2}\.\d{3}$/;
const HEX_BYTES = /^(?:[0-9a-f]{2}(?: [0-9a-f]{2})*)?$/;

const INTEGER_RANGES: Record<string, readonly [bigint, bigint]> = {
  tinyint: [-(2n ** 7n), 2n ** 7n - 1n],
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Trino types whose Athena text is also their JSON string. */
const TEXTUAL = new Set(['json', 'uuid', 'ipaddress', 'ipprefix']);

/** Athena's names for array, map and row columns: reported as varchar (see above). */
export const COMPOSITE_TYPES = new Set(['array', 'map', 'row', 'struct']);

/**
 * The decoder of one result column. `parametricDatetime`: the client understands `timestamp(p)`
 * (else timestamps are reported as `timestamp`, as Trino does for old clients).
 */
export function decoderFor(info: AthenaColumnInfo, parametricDatetime: boolean): ColumnDecoder {
  const name = info.Label ?? info.Name ?? '';
  const athenaType = (info.Type ?? '').trim().toLowerCase();
  const precision = info.Precision;
  const make = (type: string, read: (text: string) => string | undefined): ColumnDecoder => ({
    column: column(name, type),
    decode: (text) => {
      if (text === undefined) return 'null';
      const token = read(text);
      if (token === undefined) throw mismatch(name, type, text);
      return token;
    },
  });
  const quoted = (pattern?: RegExp) => (text: string) => (pattern === undefined || pattern.test(text) ? JSON.stringify(text) : undefined);
  const integerType = athenaType === 'int' ? 'integer' : athenaType;
  const range = INTEGER_RANGES[integerType];
  if (range !== undefined) {
    return make(integerType, (text) => {
      if (!INTEGER.test(text)) return undefined;
      const value = BigInt(text);
      return value < range[0] || value > range[1] ? undefined : value.toString();
    });
  }
  const fraction = (p: number) => (p === 0 ? '' : `\\.\\d{${p}}`);
  const datetimePrecision = precision !== undefined && precision >= 0 && precision <= 12 ? precision : 3;
  /**
   * A time or timestamp type: `timestamp(3) with time zone` for clients that understand precision;
   * for older clients Trino reports `timestamp with time zone` with exactly milliseconds.
   */
  const datetime = (family: string, pattern: string): ColumnDecoder => {
    const exact = new RegExp(pattern);
    if (parametricDatetime) return make(family.replace(/^(timestamp|time)/, `$1(${datetimePrecision})`), quoted(exact));
    return make(family, (text) => (exact.test(text) ? JSON.stringify(inMilliseconds(text, name)) : undefined));
  };
  switch (athenaType) {
    case 'boolean':
      return make('boolean', (text) => (text === 'true' || text === 'false' ? text : undefined));
    case 'double':
      return make('double', (text) => floating(text, formatDouble));
    case 'float':
    case 'real':
      return make('real', (text) => floating(text, (x) => formatReal(Math.fround(x))));
    case 'decimal': {
      const p = precision ?? 38;
      const s = info.Scale ?? 0;
      const pattern = new RegExp(`^-?\\d{1,${Math.max(1, p - s)}}${fraction(s)}$`);
      return make(`decimal(${p}, ${s})`, quoted(pattern));
    }
    case 'varchar':
    case 'string':
      return make(precision === undefined || precision >= UNBOUNDED ? 'varchar' : `varchar(${precision})`, quoted());
    case 'char':
      return make(`char(${precision ?? 1})`, quoted());
    case 'varbinary':
      return make('varbinary', (text) => (HEX_BYTES.test(text) ? JSON.stringify(Buffer.from(text.replaceAll(' ', ''), 'hex').toString('base64')) : undefined));
    case 'date':
      return make('date', quoted(DATE));
    case 'time':
      return datetime('time', `^\\d{2}:\\d{2}:\\d{2}${fraction(datetimePrecision)}$`);
    case 'time with time zone':
      return datetime('time with time zone', `^\\d{2}:\\d{2}:\\d{2}${fraction(datetimePrecision)}[+-]\\d{2}:\\d{2}$`);
    case 'timestamp':
      return datetime('timestamp', `^-?\\d{4,}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}${fraction(datetimePrecision)}$`);
    case 'timestamp with time zone':
      return datetime('timestamp with time zone', `^-?\\d{4,}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}${fraction(datetimePrecision)} \\S+$`);
    // Trino names interval types in capitals.
    case 'interval year to month':
      return make('INTERVAL YEAR TO MONTH', quoted(INTERVAL_YEAR_MONTH));
    case 'interval day to second':
      return make('INTERVAL DAY TO SECOND', quoted(INTERVAL_DAY_SECOND));
    case 'unknown':
      return make('unknown', () => undefined);
  }
  if (TEXTUAL.has(athenaType)) return make(athenaType, quoted());
  if (COMPOSITE_TYPES.has(athenaType)) return make('varchar', quoted());
  throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `Athena result column '${name}' has type '${info.Type ?? ''}', which the gateway cannot translate to a Trino type`);
}

/**
 * Athena prints floating point as Java does (`1.0E20`, `1.4E-45`), which is also Trino's JSON
 * token: a finite value already in JSON number syntax passes unchanged, byte for byte.
 */
function floating(text: string, format: (x: number) => string): string | undefined {
  if (!FLOATING.test(text)) return undefined;
  return JSON_NUMBER.test(text) ? text : format(Number(text));
}

/** A time or timestamp text with exactly three fraction digits, as Trino shows one to a client without PARAMETRIC_DATETIME. */
function inMilliseconds(text: string, name: string): string {
  return text.replace(/(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/, (_, hms: string, digits: string | undefined = '') => {
    if (digits.length > 3 && /[1-9]/.test(digits.slice(3))) {
      // Trino rounds to milliseconds here, carrying into seconds, days and zones: not redone by the gateway.
      throw new QueryFailure(
        ErrorCodes.NOT_SUPPORTED,
        `Column '${name}' holds ${JSON.stringify(text)}, finer than milliseconds: clients without the PARAMETRIC_DATETIME capability cannot be shown it as Trino would; use a current client or round the value in the query`,
      );
    }
    return `${hms}.${digits.slice(0, 3).padEnd(3, '0')}`;
  });
}

function mismatch(name: string, type: string, text: string): QueryFailure {
  const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return new QueryFailure(
    ErrorCodes.GENERIC_INTERNAL_ERROR,
    `Athena returned ${JSON.stringify(shown)} for column '${name}' of type ${type}: the row does not match its declared type, so the query fails rather than return a misread row`,
  );
}
