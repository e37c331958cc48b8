/**
 * Trino's `timestamp(p)`, `time(p)` and `interval day to second` on DuckDB. A timestamp or time
 * of precision p ≤ 6 is a DuckDB TIMESTAMP or TIME (microseconds) whose value is always rounded to
 * p fraction digits, as Trino's is; an interval day to second is a BIGINT count of milliseconds,
 * Trino's own representation. Every result column of these types leaves DuckDB as Trino's text of
 * the value (p digits, or milliseconds for a client without PARAMETRIC_DATETIME), so nothing
 * depends on how the engine would print DuckDB's types. A `timestamp(p) with time zone` is a
 * DuckDB TIMESTAMPTZ (the instant) whose zone the translator knows from the query (a literal's,
 * the session's, AT TIME ZONE's). Precisions 7 to 12 (picoseconds) and what is not listed here
 * are refused.
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { quoteString } from '../../../sql/quoting.js';
import { DATE_FIELDS, cast, extendMappings, raise, strftimeFormat, type FunctionMapping, type Typed } from './functions.js';
import { notSupported, type Literal, type Pos } from './syntax.js';
import { T, isInteger, isNumeric, typeMismatch, typeName, varchar, type TrinoType } from './types.js';

type Timestamp = { k: 'timestamp'; p: number };
type TimestampTz = { k: 'timestampTz'; p: number; zone: string | undefined };
type Time = { k: 'time'; p: number };

/** DuckDB's (and Trino's) microsecond precision: the finest modelled. */
const MAX_PRECISION = 6;
const MILLIS_PER_DAY = 86_400_000;

const isTimestamp = (t: TrinoType): t is Timestamp => t.k === 'timestamp';
const isTime = (t: TrinoType): t is Time => t.k === 'time';
const isTimestampTz = (t: TrinoType): t is TimestampTz => t.k === 'timestampTz';
const timestamp = (p: number): Timestamp => ({ k: 'timestamp', p });

function invalidLiteral(message: string, pos: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes.INVALID_LITERAL, `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

/** Whether a clock time's parts as written (`hh:mm[:ss]`) are within a day. */
function clock(hour: string, minute: string, second = '00'): boolean {
  return Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

function validDate(year: number, month: number, day: number): boolean {
  const probe = new Date(0);
  // setUTCFullYear, unlike Date.UTC, reads years 0-99 as written.
  probe.setUTCFullYear(year, month - 1, day);
  return year >= 1 && probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/**
 * `TIMESTAMP 'yyyy-mm-dd[ hh:mm[:ss[.f...]]]'`, typed `timestamp(p)` by its fraction digits as
 * Trino types it. Other spellings Trino may read (one-digit fields, a zone) are refused.
 */
export function timestampLiteral(value: string, pos: Pos): { sql: string; type: TrinoType } {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?(?: ?([+-]\d{2}:\d{2})| ([A-Za-z]\S*))?$/.exec(value);
  if (!m) throw notSupported(`TIMESTAMP '${value}'`, pos);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset, region] = m;
  if (!validDate(Number(year), Number(month), Number(day)) || !clock(hour, minute, second)) {
    throw invalidLiteral(`'${value}' is not a valid TIMESTAMP literal`, pos);
  }
  if (fraction.length > MAX_PRECISION) throw notSupported(`TIMESTAMP literal of precision ${fraction.length}`, pos);
  const written = offset ?? region;
  if (written === undefined) return { sql: `TIMESTAMP '${year}-${month}-${day} ${hour}:${minute}:${second}${fraction && `.${fraction}`}'`, type: timestamp(fraction.length) };
  const zone = zoneName(written);
  if (zone === undefined) throw notSupported(`TIMESTAMP literal with the zone ${written}`, pos);
  const local = new Date(0);
  local.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  local.setUTCHours(Number(hour), Number(minute), Number(second));
  const instant = instantOf(local.getTime(), zone);
  // A local time the zone skips (a DST gap) is not a valid literal in Trino.
  if (instant === undefined) throw invalidLiteral(`'${value}' is not a valid TIMESTAMP literal`, pos);
  const utc = new Date(instant);
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) throw notSupported(`TIMESTAMP '${value}' (an instant outside the years 1 to 9999)`, pos);
  const text = `${utc.toISOString().slice(0, 19).replace('T', ' ')}${fraction && `.${fraction}`}+00`;
  return { sql: `TIMESTAMPTZ '${text}'`, type: { k: 'timestampTz', p: fraction.length, zone } };
}

/** `timestamp(p) with time zone` as a CAST target (a column type of that name is the metadata tables' carried type): its zone is the value's. */
export function zonedCastTarget(text: string): TrinoType | undefined {
  const m = /^timestamp(?:\((\d+)\))? with time zone$/.exec(text);
  const p = Number(m?.[1] ?? 3);
  // A placeholder zone: only a null or a value with its own zone is cast to the type.
  return m && p <= MAX_PRECISION ? { k: 'timestampTz', p, zone: 'UTC' } : undefined;
}

/** Trino's name of a zone as written: UTC for its spellings, an offset ±hh:mm, a region; undefined for what Trino would rename (Etc/GMT+5, GMT) or not know. */
export function zoneName(text: string): string | undefined {
  if (['UTC', 'Z', 'UT', '+00:00', '-00:00'].includes(text)) return 'UTC';
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(text);
  if (offset) return Number(offset[1]) <= 14 && Number(offset[2]) <= 59 ? text : undefined;
  if (!/^[A-Z][A-Za-z_-]*(\/[A-Z][A-Za-z0-9_+-]*)+$/.test(text) || text.startsWith('Etc/')) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: text });
    return text;
  } catch {
    return undefined;
  }
}

/** A fixed zone's offset from UTC in minutes (UTC, ±hh:mm), undefined for a region. */
function fixedOffset(zone: string): number | undefined {
  if (zone === 'UTC') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
}

/** A region's offset from UTC in milliseconds at an instant (whole seconds), from the ICU data Node ships. */
function regionOffset(instant: number, zone: string): number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = new Date(0);
  wall.setUTCFullYear(parts.year!, parts.month! - 1, parts.day!);
  wall.setUTCHours(parts.hour!, parts.minute!, parts.second!);
  return wall.getTime() - instant;
}

/**
 * The instant of a local time (epoch milliseconds, whole seconds) in a zone, as Java resolves
 * it: in a DST overlap the earlier instant; undefined in a gap.
 */
function instantOf(local: number, zone: string): number | undefined {
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return local - fixed * 60_000;
  const candidates = [local - regionOffset(local - MILLIS_PER_DAY, zone), local - regionOffset(local + MILLIS_PER_DAY, zone)];
  const valid = candidates.filter((instant) => instant + regionOffset(instant, zone) === local);
  return valid.length === 0 ? undefined : Math.min(...valid);
}

/** The local time (DuckDB TIMESTAMP) of an instant in a zone. */
function localTime(instant: string, zone: string): string {
  const fixed = fixedOffset(zone);
  if (fixed === undefined) return `timezone(${quoteString(zone)}, ${instant})`;
  return fixed === 0 ? `timezone('UTC', ${instant})` : `(timezone('UTC', ${instant}) + INTERVAL (${fixed}) MINUTE)`;
}

/** ISO 8601's offset of an instant in a zone: `Z` for UTC, else ±hh:mm (a region's offset at that instant). */
function isoOffset(instant: string, zone: string): string {
  if (zone === 'UTC') return "'Z'";
  if (fixedOffset(zone) !== undefined) return quoteString(zone);
  const minutes = `CAST(date_diff('second', timezone('UTC', ${instant}), ${localTime(instant, zone)}) AS BIGINT)`;
  const refused = raise('NOT_SUPPORTED', 'to_iso8601 of a zone offset with seconds (local mean time) is not supported by the embedded engine');
  const two = (n: string): string => `lpad(CAST(${n} AS VARCHAR), 2, '0')`;
  return `(CASE WHEN ${minutes} % 60 <> 0 THEN ${refused} ELSE (CASE WHEN ${minutes} < 0 THEN '-' ELSE '+' END) || ${two(`abs(${minutes}) // 3600`)} || ':' || ${two(`abs(${minutes}) // 60 % 60`)} END)`;
}

/** An instant rounded half up from `from` to `to` fraction digits. */
function roundInstant(sql: string, from: number, to: number): string {
  return to >= from ? sql : `timezone('UTC', ${roundTimestamp(`timezone('UTC', ${sql})`, from, to)})`;
}

/** Where a refusal of a result column points: the statement (a column has no position of its own here). */
const RESULT_POSITION: Pos = { line: 1, column: 1 };

function zoneOf(type: TimestampTz, pos: Pos): string {
  if (type.zone === undefined) throw notSupported('Values of timestamp with time zone in different zones in one expression', pos);
  return type.zone;
}

/** Trino's text of a timestamp with time zone: the local time in its zone, then the zone. */
function zonedText(sql: string, type: TimestampTz, digits: number, pos: Pos): string {
  const zone = zoneOf(type, pos);
  return `(${timestampText(localTime(roundInstant(sql, type.p, digits), zone), digits)} || ${quoteString(` ${zone}`)})`;
}

/** `TIME 'hh:mm[:ss[.f...]]'`, typed `time(p)` by its fraction digits. */
export function timeLiteral(value: string, pos: Pos): { sql: string; type: TrinoType } {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?$/.exec(value);
  if (!m) throw notSupported(`TIME '${value}'`, pos);
  const [, hour = '', minute = '', second = '00', fraction = ''] = m;
  if (!clock(hour, minute, second)) throw invalidLiteral(`'${value}' is not a valid TIME literal`, pos);
  if (fraction.length > MAX_PRECISION) throw notSupported(`TIME literal of precision ${fraction.length}`, pos);
  return { sql: `TIME '${hour}:${minute}:${second}${fraction && `.${fraction}`}'`, type: { k: 'time', p: fraction.length } };
}

/** The milliseconds in one of each field of an interval day to second, in order. */
const FIELD_MILLIS = { DAY: 86_400_000n, HOUR: 3_600_000n, MINUTE: 60_000n, SECOND: 1000n } as const;
type Field = keyof typeof FIELD_MILLIS;
const FIELDS = Object.keys(FIELD_MILLIS) as Field[];

/**
 * `INTERVAL '2 03:04:05.123' DAY TO SECOND`, `INTERVAL '90' MINUTE`, `INTERVAL '1.5' SECOND`: a
 * count of milliseconds (fraction digits past the third are dropped, as Trino drops them). The
 * fields after the first are written `d hh:mm:ss` with one or two digits each.
 */
export function dayToSecondLiteral(lit: Literal & { k: 'interval' }, pos: Pos): { sql: string; type: TrinoType } {
  const [from, to = from] = lit.unit.split(' TO ') as [Field, Field?];
  const fields = FIELDS.slice(FIELDS.indexOf(from), FIELDS.indexOf(to) + 1);
  // The hours after the days are separated by a space, the other fields by a colon.
  const pattern = fields.map((f, i) => (i === 0 ? '(\\d+)' : `${f === 'HOUR' ? ' ' : ':'}(\\d{1,2})`)).join('');
  const m = new RegExp(`^([+-]?)${pattern}${to === 'SECOND' ? '(?:\\.(\\d+))?' : ''}$`).exec(lit.value);
  if (fields.length === 0 || !m) throw notSupported(`INTERVAL '${lit.value}' ${lit.unit}`, pos);
  const values = m.slice(2, 2 + fields.length);
  // Trino holds each field in an int.
  if (values.some((v) => BigInt(v!) > 2147483647n)) throw invalidLiteral(`Invalid INTERVAL ${lit.unit} value: ${lit.value}`, pos);
  let millis = fields.reduce((sum, f, i) => sum + BigInt(values[i]!) * FIELD_MILLIS[f], 0n);
  if (to === 'SECOND') millis += BigInt((m[2 + fields.length] ?? '').padEnd(3, '0').slice(0, 3));
  if (millis > 9223372036854775807n) throw notSupported(`INTERVAL '${lit.value}' ${lit.unit} (beyond a long of milliseconds)`, pos);
  const signed = millis * BigInt(lit.sign) * (m[1] === '-' ? -1n : 1n);
  return { sql: `CAST(${signed} AS BIGINT)`, type: T.intervalDayToSecond };
}

/** A timestamp rounded (half up, as Trino rounds) from `from` to `to` fraction digits. */
function roundTimestamp(sql: string, from: number, to: number): string {
  if (to >= from) return sql;
  const unit = 10 ** (MAX_PRECISION - to);
  const shifted = `(epoch_us(${sql}) + ${unit / 2})`;
  return `make_timestamp(${shifted} - ((${shifted} % ${unit}) + ${unit}) % ${unit})`;
}

function roundTime(sql: string, from: number, to: number): string {
  return to >= from ? sql : `CAST(${roundTimestamp(`(DATE '2000-01-01' + ${sql})`, from, to)} AS TIME)`;
}

/** Beyond the years 1 to 9999 DuckDB's text of a timestamp differs from Trino's: refused when met. */
function withinYears(sql: string, text: string): string {
  const refused = raise('NOT_SUPPORTED', 'A timestamp outside the years 1 to 9999 is not supported by the embedded engine');
  return `(CASE WHEN year(${sql}) NOT BETWEEN 1 AND 9999 THEN ${refused} ELSE ${text} END)`;
}

/** Trino's text of a timestamp with `digits` fraction digits (the value has no finer ones). */
function timestampText(sql: string, digits: number): string {
  return withinYears(sql, `left(strftime(${sql}, '%Y-%m-%d %H:%M:%S.%f'), ${digits === 0 ? 19 : 20 + digits})`);
}

function timeText(sql: string, digits: number): string {
  return `left(strftime(DATE '2000-01-01' + ${sql}, '%H:%M:%S.%f'), ${digits === 0 ? 8 : 9 + digits})`;
}

/** Trino's text of an interval day to second held as milliseconds: `[-]d hh:mm:ss.mmm`. */
function dayToSecondText(sql: string): string {
  const magnitude = `abs(CAST(${sql} AS HUGEINT))`;
  const two = (part: string): string => `lpad(CAST(${part} AS VARCHAR), 2, '0')`;
  return (
    `((CASE WHEN ${sql} < 0 THEN '-' ELSE '' END) || CAST(${magnitude} // ${MILLIS_PER_DAY} AS VARCHAR) || ' ' || ` +
    `${two(`${magnitude} // 3600000 % 24`)} || ':' || ${two(`${magnitude} // 60000 % 60`)} || ':' || ${two(`${magnitude} // 1000 % 60`)} || '.' || ` +
    `lpad(CAST(${magnitude} % 1000 AS VARCHAR), 3, '0'))`
  );
}

/**
 * A result column of a date/time type as Trino sends it: its text, and its type as Trino names
 * it. A client without PARAMETRIC_DATETIME gets `timestamp` and `time` rounded to milliseconds.
 */
export function datetimeResult(type: TrinoType, column: string, parametric: boolean): { sql: string; type: string } | undefined {
  if (type.k === 'intervalDayToSecond') return { sql: dayToSecondText(column), type: 'INTERVAL DAY TO SECOND' };
  if (isTimestampTz(type)) return { sql: zonedText(column, type, parametric ? type.p : 3, RESULT_POSITION), type: parametric ? typeName(type) : 'timestamp with time zone' };
  if (!isTimestamp(type) && !isTime(type)) return undefined;
  const digits = parametric ? type.p : 3;
  const rounded = isTimestamp(type) ? roundTimestamp(column, type.p, digits) : roundTime(column, type.p, digits);
  return { sql: isTimestamp(type) ? timestampText(rounded, digits) : timeText(rounded, digits), type: parametric ? typeName(type) : type.k };
}

/** An interval day to second computed in HUGEINT, failing as Trino does when it leaves a long. */
function checkedMillis(sql: string, operation: string): string {
  const overflow = raise('NUMERIC_VALUE_OUT_OF_RANGE', `interval day to second ${operation} overflow`);
  return `(CASE WHEN ${sql} NOT BETWEEN -9223372036854775808 AND 9223372036854775807 THEN ${overflow} ELSE CAST(${sql} AS BIGINT) END)`;
}

export function negateDayToSecond(arg: Typed): { sql: string; type: TrinoType } {
  return { sql: checkedMillis(`(- CAST(${arg.sql} AS HUGEINT))`, 'negation'), type: T.intervalDayToSecond };
}

const DATETIME_KINDS = new Set<TrinoType['k']>(['timestamp', 'time', 'intervalDayToSecond', 'timestampTz']);

/**
 * Arithmetic on timestamps and intervals day to second, or undefined when neither operand is one
 * (a date ± interval is the translator's): timestamp ± interval, interval + timestamp, timestamp
 * − timestamp, interval ± interval, interval × integer.
 */
export function datetimeArithmetic(op: string, a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (!DATETIME_KINDS.has(a.type.k) && !DATETIME_KINDS.has(b.type.k)) return undefined;
  if (a.type.k === 'date' || b.type.k === 'date') return undefined;
  const mismatch = (): QueryFailure => typeMismatch(`Cannot apply operator: ${typeName(a.type)} ${op} ${typeName(b.type)}`, pos);
  // With a null operand Trino chooses among several operators: refused.
  if (a.type.k === 'unknown' || b.type.k === 'unknown') throw notSupported(`NULL ${op} a value of type ${typeName(a.type.k === 'unknown' ? b.type : a.type)}`, pos);
  const [x, y] = [a.type, b.type];
  if (isTimestampTz(x) || isTimestampTz(y)) throw notSupported(`Arithmetic on ${typeName(isTimestampTz(x) ? x : y)}`, pos);
  if (isTimestamp(x) || isTimestamp(y)) {
    const [ts, interval] = isTimestamp(x) ? [a, b] : [b, a];
    const p = (ts.type as Timestamp).p;
    if (isTimestamp(x) && isTimestamp(y) && op === '-') {
      // Trino subtracts milliseconds; finer digits would need its exact rounding: refused.
      if (x.p > 3 || y.p > 3) throw notSupported('Subtracting timestamps of precision above 3', pos);
      return { sql: `(epoch_ms(${a.sql}) - epoch_ms(${b.sql}))`, type: T.intervalDayToSecond };
    }
    const sign = op === '-' ? '-' : '+';
    if ((op === '+' || (op === '-' && ts === a)) && interval.type.k === 'intervalDayToSecond') {
      return { sql: `(${ts.sql} ${sign} to_milliseconds(${interval.sql}))`, type: timestamp(Math.max(p, 3)) };
    }
    if ((op === '+' || (op === '-' && ts === a)) && interval.type.k === 'intervalYearToMonth') {
      // DuckDB clamps to the month's end as Trino does (Jan 31 + 1 month = Feb 29 or 28).
      return { sql: `(${ts.sql} ${sign} to_months(${interval.sql}))`, type: ts.type };
    }
    throw mismatch();
  }
  if (x.k === 'intervalDayToSecond' && y.k === 'intervalDayToSecond' && (op === '+' || op === '-')) {
    return { sql: checkedMillis(`(CAST(${a.sql} AS HUGEINT) ${op} CAST(${b.sql} AS HUGEINT))`, op === '+' ? 'addition' : 'subtraction'), type: T.intervalDayToSecond };
  }
  if (op === '*' && ((x.k === 'intervalDayToSecond' && isInteger(y)) || (isInteger(x) && y.k === 'intervalDayToSecond'))) {
    return { sql: checkedMillis(`(CAST(${a.sql} AS HUGEINT) * CAST(${b.sql} AS HUGEINT))`, 'multiplication'), type: T.intervalDayToSecond };
  }
  if ((op === '*' || op === '/') && (isNumeric(x) || isNumeric(y)) && (x.k === 'intervalDayToSecond' || y.k === 'intervalDayToSecond')) {
    throw notSupported(`Interval day to second ${op === '*' ? 'multiplication' : 'division'} by ${typeName(isNumeric(x) ? x : y)}`, pos);
  }
  if (isTime(x) || isTime(y)) throw notSupported(`Arithmetic on ${typeName(isTime(x) ? x : y)}`, pos);
  throw mismatch();
}

/**
 * The text a varchar is cast to a date or timestamp from, as Trino reads it: white space around
 * it, one- or two-digit fields, a year of four digits (up to four in a date), up to six
 * fraction digits. Text that cannot be a date (it does not start `[sign]digits-digits-digits`) fails as in Trino; text that
 * might be one in Trino but is not read here (a sign, a longer year, a zone, more digits) is
 * refused when met.
 */
const DATE_TEXT = '^\\s*(\\d{1,4})-(\\d{1,2})-(\\d{1,2})';
const CLOCK_TEXT = '(?: (\\d{1,2}):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{1,6}))?)?)?';
const MAYBE_DATE = '^\\s*[+-]?\\d+-\\d+-\\d+';

function parsedText(s: string, to: Timestamp | { k: 'date' }, safe: boolean): string {
  // Trino reads a date's year of one to four digits, a timestamp's of four only.
  const pattern = `${to.k === 'date' ? DATE_TEXT : DATE_TEXT.replace('{1,4}', '{4}')}${to.k === 'date' ? '' : CLOCK_TEXT}\\s*$`;
  const group = (i: number, width: number): string => `lpad(coalesce(nullif(regexp_extract(${s}, '${pattern}', ${i}), ''), '0'), ${width}, '0')`;
  const date = `${group(1, 4)} || '-' || ${group(2, 2)} || '-' || ${group(3, 2)}`;
  const fraction = `rpad(regexp_extract(${s}, '${pattern}', 7), 6, '0')`;
  const canonical = to.k === 'date' ? date : `${date} || ' ' || ${group(4, 2)} || ':' || ${group(5, 2)} || ':' || ${group(6, 2)} || '.' || ${fraction}`;
  const parsed = to.k === 'date' ? `TRY_CAST(${canonical} AS DATE)` : roundTimestamp(`TRY_CAST(${canonical} AS TIMESTAMP)`, MAX_PRECISION, to.p);
  // DuckDB would carry an hour 24 or a second 60 over; Trino rejects them.
  const outOfRange = to.k === 'date' ? 'false' : `CAST(${group(4, 2)} AS INTEGER) > 23 OR CAST(${group(5, 2)} AS INTEGER) > 59 OR CAST(${group(6, 2)} AS INTEGER) > 59`;
  const invalid = safe ? 'NULL' : `error('QG:INVALID_CAST_ARGUMENT:Value cannot be cast to ${to.k}: ' || ${s})`;
  const unread = raise('NOT_SUPPORTED', `CAST of this text to ${typeName(to)} is not supported by the embedded engine`);
  return (
    `(CASE WHEN ${s} IS NULL THEN NULL WHEN NOT regexp_matches(${s}, '${MAYBE_DATE}${to.k === 'date' ? '\\s*$' : ''}') THEN ${invalid} ` +
    `WHEN NOT regexp_matches(${s}, '${pattern}') OR ${group(1, 4)} = '0000' THEN ${unread} WHEN ${outOfRange} OR ${parsed} IS NULL THEN ${invalid} ELSE ${parsed} END)`
  );
}

/**
 * CAST between the date/time types and from or to varchar, or undefined when neither side is a
 * date/time type (or the cast is from varchar to date, handled here too).
 */
export function datetimeCast(arg: Typed, to: TrinoType, safe: boolean, pos: Pos): { sql: string; type: TrinoType } | undefined {
  const from = arg.type;
  const involved = DATETIME_KINDS.has(from.k) || DATETIME_KINDS.has(to.k);
  if (!involved && !(from.k === 'varchar' && to.k === 'date')) return undefined;
  const unsupported = (): QueryFailure => notSupported(`CAST from ${typeName(from)} to ${typeName(to)}`, pos);
  const noCast = (t: TrinoType): boolean => isNumeric(t) || t.k === 'boolean' || t.k === 'varbinary';
  if ((DATETIME_KINDS.has(from.k) && noCast(to)) || (DATETIME_KINDS.has(to.k) && noCast(from))) throw typeMismatch(`Cannot cast ${typeName(from)} to ${typeName(to)}`, pos);
  if (isTimestampTz(from)) {
    const local = (): string => localTime(arg.sql, zoneOf(from, pos));
    if (isTimestampTz(to)) return { sql: roundInstant(arg.sql, from.p, to.p), type: { ...to, zone: from.zone } };
    if (isTimestamp(to)) return { sql: roundTimestamp(local(), from.p, to.p), type: to };
    if (to.k === 'date') return { sql: `CAST(${local()} AS DATE)`, type: to };
    if (to.k === 'varchar' && to.length === undefined) return { sql: zonedText(arg.sql, from, from.p, pos), type: varchar() };
    throw unsupported();
  }
  // Into a zone: the session's, which DuckDB resolves differently in a DST overlap.
  if (isTimestampTz(to)) throw unsupported();
  if (isTimestamp(to)) {
    if (isTimestamp(from)) return { sql: roundTimestamp(arg.sql, from.p, to.p), type: to };
    if (from.k === 'date') return { sql: `CAST(${arg.sql} AS TIMESTAMP)`, type: to };
    if (from.k === 'varchar') return { sql: parsedText(arg.sql, to, safe), type: to };
  }
  if (to.k === 'date' && isTimestamp(from)) return { sql: `CAST(${arg.sql} AS DATE)`, type: to };
  if (to.k === 'date' && from.k === 'varchar') return { sql: parsedText(arg.sql, T.date, safe), type: to };
  if (isTime(to) && isTime(from)) return { sql: roundTime(arg.sql, from.p, to.p), type: to };
  if (isTime(to) && isTimestamp(from)) {
    // Trino 483 gives a time one second early for an instant before 1970 with a fraction of a second: refused.
    const refused = raise('NOT_SUPPORTED', 'CAST to time of a timestamp before 1970 with a fraction of a second is not supported by the embedded engine');
    const rounded = roundTimestamp(arg.sql, from.p, to.p);
    return { sql: `(CASE WHEN epoch_us(${rounded}) < 0 AND epoch_us(${rounded}) % 1000000 <> 0 THEN ${refused} ELSE CAST(${rounded} AS TIME) END)`, type: to };
  }
  if ((isTime(to) && from.k === 'date') || (to.k === 'date' && isTime(from))) throw typeMismatch(`Cannot cast ${typeName(from)} to ${typeName(to)}`, pos);
  if (to.k === 'varchar' && to.length === undefined && from.k === 'intervalDayToSecond') return { sql: dayToSecondText(arg.sql), type: varchar() };
  if (to.k === 'varchar' && to.length === undefined && (isTimestamp(from) || isTime(from))) {
    // Trino's cast writes all p digits whatever the client.
    return { sql: isTimestamp(from) ? timestampText(arg.sql, from.p) : timeText(arg.sql, from.p), type: varchar() };
  }
  throw unsupported();
}

/** Trino's EXTRACT fields of a time of day (a timestamp has these and the date fields). */
const CLOCK_FIELDS: Record<string, string> = { hour: 'hour', minute: 'minute', second: 'second' };

/** EXTRACT(field FROM timestamp or time), and the clock fields of a date, which Trino rejects. */
export function extractField(field: string, arg: Typed, pos: Pos): { sql: string; type: TrinoType } | undefined {
  const t = arg.type;
  if (t.k === 'date' && Object.hasOwn(CLOCK_FIELDS, field)) throw typeMismatch(`Cannot extract ${field.toUpperCase()} from date`, pos);
  if (!isTimestamp(t) && !isTime(t)) return undefined;
  const part = Object.hasOwn(CLOCK_FIELDS, field) ? CLOCK_FIELDS[field] : isTimestamp(t) && Object.hasOwn(DATE_FIELDS, field) ? DATE_FIELDS[field] : undefined;
  if (part === undefined && isTime(t) && Object.hasOwn(DATE_FIELDS, field)) throw typeMismatch(`Cannot extract ${field.toUpperCase()} from ${typeName(t)}`, pos);
  if (part === undefined) throw notSupported(`EXTRACT(${field.toUpperCase()} FROM ${typeName(t)})`, pos);
  return { sql: `CAST(${part}(${arg.sql}) AS BIGINT)`, type: T.bigint };
}

/**
 * The session's zone when the client set a fixed one (UTC, ±hh:mm): its wall clock is computed
 * here, as ICU (so DuckDB's TimeZone) has no zone for an offset of other than whole hours.
 */
function fixedSessionZone(timeZone: string | undefined): string | undefined {
  const zone = timeZone === undefined ? undefined : zoneName(timeZone);
  return zone !== undefined && fixedOffset(zone) !== undefined ? zone : undefined;
}

/** The session zone's wall clock: computed for a fixed zone, else DuckDB's (whose TimeZone is the session's). */
function sessionWallClock(timeZone: string | undefined): string {
  const fixed = fixedSessionZone(timeZone);
  return fixed === undefined ? 'CAST(current_localtimestamp() AS TIMESTAMP)' : localTime('get_current_timestamp()', fixed);
}

/** `localtimestamp`: the session zone's wall clock, as timestamp(3). */
export function localTimestamp(timeZone: string | undefined): { sql: string; type: TrinoType } {
  return { sql: roundTimestamp(sessionWallClock(timeZone), MAX_PRECISION, 3), type: timestamp(3) };
}

/** `current_date`: the session zone's date. */
export function currentDate(timeZone: string | undefined): { sql: string; type: TrinoType } {
  return { sql: `CAST(${sessionWallClock(timeZone)} AS DATE)`, type: T.date };
}

/** The session's zone as Trino names it: the client's, or else the gateway's own (DuckDB's default TimeZone). */
function sessionZone(timeZone: string | undefined, pos: Pos): string {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = zoneName(timeZone ?? (own === 'Etc/UTC' ? 'UTC' : own));
  if (zone === undefined) throw notSupported(`The session time zone ${timeZone ?? own}`, pos);
  return zone;
}

/** `current_timestamp` and `now()`: the transaction's instant in the session's zone, as timestamp(3) with time zone. */
export function currentTimestamp(timeZone: string | undefined, pos: Pos): { sql: string; type: TrinoType } {
  return { sql: roundInstant('get_current_timestamp()', MAX_PRECISION, 3), type: { k: 'timestampTz', p: 3, zone: sessionZone(timeZone, pos) } };
}

function literalZone(t: Typed | undefined, pos: Pos): string | undefined {
  if (t === undefined || t.expr.k !== 'literal' || t.expr.lit.k !== 'string') return undefined;
  const zone = zoneName(t.expr.lit.value);
  if (zone === undefined) throw notSupported(`The time zone '${t.expr.lit.value}'`, pos);
  return zone;
}

/**
 * The functions that need the session's zone: `now()`, `at_timezone` (and `AT TIME ZONE`) of a
 * timestamp with time zone, `with_timezone`, `from_unixtime`; undefined for any other call.
 */
export function zonedCall(name: string, args: Typed[], timeZone: string | undefined, pos: Pos): { sql: string; type: TrinoType } | undefined {
  const [x, zoneArgument, ...rest] = args;
  if (name === 'now' && args.length === 0) return currentTimestamp(timeZone, pos);
  const fixedZone = name === 'current_timezone' && args.length === 0 ? fixedSessionZone(timeZone) : undefined;
  if (fixedZone !== undefined) return { sql: quoteString(fixedZone), type: varchar() };
  // A timestamp where Trino takes one with a zone is placed in the session's zone; exactly only for a fixed zone (no DST).
  const sessionOffset = x && isTimestamp(x.type) && (name === 'to_unixtime' || name === 'at_timezone') ? fixedOffset(sessionZone(timeZone, pos)) : undefined;
  if (sessionOffset !== undefined && x && isTimestamp(x.type)) {
    const instant: Typed = { ...x, sql: `timezone('UTC', ${x.sql} - INTERVAL (${sessionOffset}) MINUTE)`, type: { k: 'timestampTz', p: x.type.p, zone: undefined } };
    return zonedCall(name, [instant, ...args.slice(1)], timeZone, pos) ?? unixTime(instant);
  }
  if (name === 'at_timezone' && x && isTimestampTz(x.type) && rest.length === 0) {
    const zone = literalZone(zoneArgument, pos);
    return zone === undefined ? undefined : { sql: x.sql, type: { ...x.type, zone } };
  }
  if (name === 'with_timezone' && x && isTimestamp(x.type) && rest.length === 0) {
    const zone = literalZone(zoneArgument, pos);
    if (zone === undefined) return undefined;
    const fixed = fixedOffset(zone);
    const type: TrinoType = { k: 'timestampTz', p: x.type.p, zone };
    if (fixed !== undefined) return { sql: `timezone('UTC', ${x.sql} - INTERVAL (${fixed}) MINUTE)`, type };
    // DuckDB takes a local time in a DST overlap at the later instant, Java at the earlier; a local time in a gap is refused.
    const later = `timezone(${quoteString(zone)}, ${x.sql})`;
    const gap = raise('NOT_SUPPORTED', 'with_timezone of a local time that the zone skips is not supported by the embedded engine');
    const earlier = (minutes: number): string => `(${later} - INTERVAL ${minutes} MINUTE)`;
    const back = (minutes: number): string => `${localTime(earlier(minutes), zone)} = ${x.sql}`;
    return {
      sql: `(CASE WHEN ${x.sql} IS NULL THEN NULL WHEN ${localTime(later, zone)} <> ${x.sql} THEN ${gap} WHEN ${back(60)} THEN ${earlier(60)} WHEN ${back(30)} THEN ${earlier(30)} ELSE ${later} END)`,
      type,
    };
  }
  if (name === 'from_iso8601_timestamp' && x && args.length === 1 && x.expr.k === 'literal' && x.expr.lit.k === 'string') return iso8601Timestamp(x.expr.lit.value, timeZone, pos);
  if (name === 'from_unixtime' && x && isInteger(x.type) && args.length <= 2) {
    // Whole seconds only: Trino's rounding of a double's fraction is not modelled.
    const zone = zoneArgument === undefined ? sessionZone(timeZone, pos) : literalZone(zoneArgument, pos);
    if (zone === undefined) return undefined;
    const refused = raise('NOT_SUPPORTED', 'from_unixtime outside the years 1 to 9999 is not supported by the embedded engine');
    return { sql: `(CASE WHEN ${x.sql} NOT BETWEEN -62135596800 AND 253402300799 THEN ${refused} ELSE timezone('UTC', make_timestamp(CAST(${x.sql} AS BIGINT) * 1000000)) END)`, type: { k: 'timestampTz', p: 3, zone } };
  }
  return undefined;
}

/**
 * from_iso8601_timestamp of a literal: `yyyy-mm-dd[Thh:mm[:ss[.fff]]][Z|±hh:mm]`, in the session's
 * zone when the text has no offset; other texts are refused.
 */
function iso8601Timestamp(text: string, timeZone: string | undefined, pos: Pos): { sql: string; type: TrinoType } {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!m) throw notSupported(`from_iso8601_timestamp('${text}')`, pos);
  const [, date, time = '00:00', offset] = m;
  const zone = offset === undefined ? sessionZone(timeZone, pos) : offset === 'Z' ? 'UTC' : zoneName(offset);
  if (zone === undefined) throw notSupported(`from_iso8601_timestamp('${text}')`, pos);
  const fraction = time.split('.')[1] ?? '';
  try {
    const literal = timestampLiteral(`${date} ${time.split('.')[0]}${fraction && `.${fraction.padEnd(3, '0')}`} ${zone}`, pos);
    return { sql: literal.sql, type: { k: 'timestampTz', p: 3, zone } };
  } catch {
    // An impossible date or a local time in a DST gap: Trino's answer (an error or a shifted time) is not modelled.
    throw notSupported(`from_iso8601_timestamp('${text}')`, pos);
  }
}

/** A timestamp argument, or a date Trino coerces to timestamp(0) where only timestamps are taken. */
function asTimestamp(t: Typed | undefined, dates: boolean): { sql: string; p: number } | undefined {
  if (t && isTimestamp(t.type)) return { sql: t.sql, p: t.type.p };
  if (t && dates && t.type.k === 'date') return { sql: cast(t, timestamp(0)), p: 0 };
  return undefined;
}

function literalUnit(t: Typed | undefined, units: ReadonlySet<string>): string | undefined {
  const unit = t?.expr.k === 'literal' && t.expr.lit.k === 'string' ? t.expr.lit.value.toLowerCase() : undefined;
  return unit !== undefined && units.has(unit) ? unit : undefined;
}

const UNITS = new Set(['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
const UNIT_MILLIS: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: MILLIS_PER_DAY, week: 7 * MILLIS_PER_DAY };

/** The clock-field extractors, of a timestamp, a time, or a date (midnight, as Trino coerces it). */
function clockField(name: string, render: (x: string) => string): FunctionMapping {
  return {
    kind: 'scalar',
    signatures: `${name}(timestamp(p)), ${name}(time(p)), ${name}(date)`,
    translate: ([x, ...rest]) => {
      if (!x || rest.length > 0 || !(isTimestamp(x.type) || isTime(x.type) || x.type.k === 'date')) return undefined;
      return { sql: `CAST(${render(x.type.k === 'date' ? cast(x, timestamp(0)) : x.sql)} AS BIGINT)`, type: T.bigint };
    },
  };
}

/**
 * date_parse's MySQL-style specifiers whose parsing DuckDB's strptime does as Trino's Joda
 * formatter does, with the text each reads (a four-digit year, one or two digits otherwise).
 */
const PARSE_SPECIFIERS: Record<string, { strptime: string; pattern: string }> = {
  Y: { strptime: '%Y', pattern: '\\d{4}' },
  m: { strptime: '%m', pattern: '\\d{1,2}' },
  d: { strptime: '%d', pattern: '\\d{1,2}' },
  H: { strptime: '%H', pattern: '\\d{1,2}' },
  i: { strptime: '%M', pattern: '\\d{1,2}' },
  s: { strptime: '%S', pattern: '\\d{1,2}' },
  S: { strptime: '%S', pattern: '\\d{1,2}' },
};
/** Literal characters allowed between specifiers (Joda matches letters case-insensitively: not modelled). */
const PARSE_SEPARATORS = new Set(['-', '/', ':', '.', ',', ' ']);

/** A date_parse format as a strptime format and the regular expression of the text it reads; undefined for a computed format. */
function parseFormat(format: Typed): { strptime: string; pattern: string } | undefined {
  if (format.expr.k !== 'literal' || format.expr.lit.k !== 'string') return undefined;
  const text = format.expr.lit.value;
  let strptime = '';
  let pattern = '';
  let previousWasField = false;
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      if (!PARSE_SEPARATORS.has(c)) throw notSupported(`date_parse format character '${c}'`, format.expr.pos);
      strptime += c;
      pattern += c === '.' ? '\\.' : c;
      previousWasField = false;
      continue;
    }
    const specifier = text[++i] ?? '';
    const mapped = Object.hasOwn(PARSE_SPECIFIERS, specifier) ? PARSE_SPECIFIERS[specifier] : undefined;
    if (mapped === undefined) throw notSupported(`date_parse specifier %${specifier}`, format.expr.pos);
    // Adjacent numbers are split by width in Joda, not modelled here.
    if (previousWasField) throw notSupported('date_parse with two adjacent specifiers', format.expr.pos);
    strptime += mapped.strptime;
    pattern += `(${mapped.pattern})`;
    previousWasField = true;
    seen.add(specifier);
  }
  // Trino's missing fields default to 1970-01-01 00:00:00, DuckDB's year to 1900.
  if (!['Y', 'm', 'd'].every((f) => seen.has(f))) throw notSupported('date_parse with a format lacking %Y, %m or %d', format.expr.pos);
  return { strptime, pattern };
}

/** to_unixtime of a timestamp with time zone: its epoch milliseconds over 1000, as Trino divides them. */
function unixTime(x: Typed): { sql: string; type: TrinoType } | undefined {
  return isTimestampTz(x.type) && x.type.p <= 3 ? { sql: `(CAST(epoch_ms(${x.sql}) AS DOUBLE) / 1000)`, type: T.double } : undefined;
}

/** min and max of timestamps, times and intervals day to second: DuckDB orders their values as Trino does. */
function extremeValue(name: string): FunctionMapping {
  return {
    kind: 'aggregate',
    signatures: `${name}(x) for timestamp(p), time(p), timestamp(p) with time zone, interval day to second`,
    translate: ([x, ...rest], over) => (x && rest.length === 0 && DATETIME_KINDS.has(x.type.k) ? { sql: `${name}(${x.sql})${over}`, type: x.type } : undefined),
  };
}

/** Mappings of timestamps and times: new functions, and timestamp forms of the date functions. */
const DATETIME_FUNCTIONS: Record<string, FunctionMapping> = {
  ...Object.fromEntries(
    Object.entries(DATE_FIELDS).map(([name, part]): [string, FunctionMapping] => [
      name,
      {
        kind: 'scalar',
        signatures: `${name}(timestamp(p))`,
        translate: ([x, ...rest]) => (x && rest.length === 0 && isTimestamp(x.type) ? { sql: `CAST(${part}(${x.sql}) AS BIGINT)`, type: T.bigint } : undefined),
      },
    ]),
  ),
  hour: clockField('hour', (x) => `hour(${x})`),
  minute: clockField('minute', (x) => `minute(${x})`),
  second: clockField('second', (x) => `second(${x})`),
  // DuckDB's millisecond() counts from the minute, Trino's from the second.
  millisecond: clockField('millisecond', (x) => `(microsecond(${x}) % 1000000 // 1000)`),
  date_trunc: {
    kind: 'scalar',
    signatures: `date_trunc(unit, timestamp(p)) for units ${[...UNITS].map((u) => `'${u}'`).join(', ')}`,
    translate: ([unit, x, ...rest]) => {
      const u = literalUnit(unit, UNITS);
      return u && x && rest.length === 0 && isTimestamp(x.type) ? { sql: `date_trunc('${u}', ${x.sql})`, type: x.type } : undefined;
    },
  },
  date_add: {
    kind: 'scalar',
    signatures: 'date_add(unit, bigint, timestamp(p)) for the same units, rounded to p digits',
    translate: ([unit, n, x, ...rest]) => {
      const u = literalUnit(unit, UNITS);
      if (!u || !n || !(isInteger(n.type) || n.type.k === 'unknown') || !x || !isTimestamp(x.type) || rest.length > 0) return undefined;
      const added = `(${x.sql} + to_${u}s(${cast(n, u === 'millisecond' || u === 'second' ? T.bigint : T.integer)}))`;
      return { sql: roundTimestamp(added, 3, x.type.p), type: x.type };
    },
  },
  date_diff: {
    kind: 'scalar',
    signatures: 'date_diff(unit, timestamp(p), timestamp(p)) for the same units and p ≤ 3',
    translate: ([unit, a, b, ...rest]) => {
      const u = literalUnit(unit, UNITS);
      const [x, y] = [asTimestamp(a, false), asTimestamp(b, false)];
      if (!u || !x || !y || x.p > 3 || y.p > 3 || rest.length > 0) return undefined;
      // Whole units of elapsed time, truncated toward zero; months and years as whole calendar units, as Joda counts them.
      const sql = Object.hasOwn(UNIT_MILLIS, u) ? `((epoch_ms(${y.sql}) - epoch_ms(${x.sql})) // ${UNIT_MILLIS[u]})` : `date_sub('${u}', ${x.sql}, ${y.sql})`;
      return { sql: `CAST(${sql} AS BIGINT)`, type: T.bigint };
    },
  },
  date_format: {
    kind: 'scalar',
    signatures: 'date_format(timestamp(p), literal format) with the same specifiers, of the value rounded to milliseconds',
    translate: ([x, format, ...rest]) => {
      if (!x || !isTimestamp(x.type) || !format || rest.length > 0) return undefined;
      const strftime = strftimeFormat(format);
      // Trino formats the value rounded to milliseconds (%f shows them as microseconds).
      const rounded = roundTimestamp(x.sql, x.type.p, 3);
      return strftime === undefined ? undefined : { sql: withinYears(rounded, `strftime(${rounded}, ${quoteString(strftime)})`), type: varchar() };
    },
  },
  to_unixtime: {
    kind: 'scalar',
    signatures: 'to_unixtime(timestamp(p) with time zone) for p ≤ 3 (of a timestamp(p) in a session zone without DST too)',
    translate: ([x, ...rest]) => (x && rest.length === 0 ? unixTime(x) : undefined),
  },
  to_iso8601: {
    kind: 'scalar',
    signatures: 'to_iso8601(date), to_iso8601(timestamp(p)), to_iso8601(timestamp(p) with time zone)',
    translate: ([x, ...rest]) => {
      if (!x || rest.length > 0) return undefined;
      if (x.type.k === 'date') return { sql: withinYears(x.sql, `strftime(${x.sql}, '%Y-%m-%d')`), type: varchar(16) };
      const zoned = isTimestampTz(x.type) ? x.type : undefined;
      if (!isTimestamp(x.type) && !zoned) return undefined;
      const p = isTimestamp(x.type) ? x.type.p : zoned!.p;
      const zone = zoned && zoned.zone;
      if (zoned && zone === undefined) return undefined;
      const local = zone === undefined ? x.sql : localTime(x.sql, zone);
      const text = `replace(${timestampText(local, p)}, ' ', 'T')`;
      if (zone === undefined) return { sql: text, type: varchar(22 + (p > 0 ? p + 1 : 0)) };
      return { sql: `(${text} || ${isoOffset(x.sql, zone)})`, type: varchar(28 + (p > 0 ? p + 1 : 0)) };
    },
  },
  from_iso8601_date: {
    kind: 'scalar',
    signatures: 'from_iso8601_date(varchar) of yyyy-m-d, years 1 to 9999 (week and ordinal dates refused)',
    translate: ([s, ...rest]) => {
      if (!s || rest.length > 0 || (s.type.k !== 'varchar' && s.type.k !== 'unknown')) return undefined;
      const text = cast(s, varchar());
      const pattern = "'^(\\d{4})-(\\d{1,2})-(\\d{1,2})$'";
      const part = (i: number, width: number): string => `lpad(regexp_extract(${text}, ${pattern}, ${i}), ${width}, '0')`;
      const parsed = `TRY_CAST(${part(1, 4)} || '-' || ${part(2, 2)} || '-' || ${part(3, 2)} AS DATE)`;
      const unread = raise('NOT_SUPPORTED', 'from_iso8601_date of a text other than yyyy-m-d (years 1 to 9999) is not supported by the embedded engine');
      const invalid = `error('QG:INVALID_FUNCTION_ARGUMENT:Cannot parse "' || ${text} || '"')`;
      return { sql: `(CASE WHEN ${text} IS NULL THEN NULL WHEN NOT regexp_matches(${text}, ${pattern}) OR ${part(1, 4)} = '0000' THEN ${unread} WHEN ${parsed} IS NULL THEN ${invalid} ELSE ${parsed} END)`, type: T.date };
    },
  },
  date_parse: {
    kind: 'scalar',
    signatures: `date_parse(varchar, literal format) with ${Object.keys(PARSE_SPECIFIERS).map((x) => `%${x}`).join(' ')} (%Y, %m and %d all present, no two adjacent), separated by ${[...PARSE_SEPARATORS].map((c) => `'${c}'`).join(' ')}`,
    translate: ([s, format, ...rest]) => {
      const parse = format && rest.length === 0 && s && (s.type.k === 'varchar' || s.type.k === 'unknown') ? parseFormat(format) : undefined;
      if (!parse) return undefined;
      const text = cast(s!, varchar());
      const parsed = `try_strptime(${text}, ${quoteString(parse.strptime)})`;
      const unread = raise('NOT_SUPPORTED', 'date_parse of a text its format does not match digit for digit is not supported by the embedded engine');
      const invalid = `error('QG:INVALID_FUNCTION_ARGUMENT:Invalid format: "' || ${text} || '"')`;
      return { sql: `(CASE WHEN ${text} IS NULL THEN NULL WHEN NOT regexp_full_match(${text}, ${quoteString(parse.pattern)}) THEN ${unread} WHEN ${parsed} IS NULL THEN ${invalid} ELSE ${parsed} END)`, type: timestamp(3) };
    },
  },
  min: extremeValue('min'),
  max: extremeValue('max'),
  current_timezone: {
    kind: 'scalar',
    signatures: 'current_timezone()',
    translate: (args) => {
      if (args.length > 0) return undefined;
      // The execution sets DuckDB's TimeZone from the session's zone (whole-hour offsets as ICU's Etc/GMT∓h): read back as Trino names it.
      const zone = "current_setting('TimeZone')";
      const hours = `CAST(regexp_extract(${zone}, '\\d+$') AS INTEGER)`;
      const offset = `(CASE WHEN starts_with(${zone}, 'Etc/GMT-') THEN '+' ELSE '-' END) || lpad(CAST(${hours} AS VARCHAR), 2, '0') || ':00'`;
      return { sql: `(CASE WHEN ${zone} IN ('UTC', 'Etc/UTC') THEN 'UTC' WHEN regexp_full_match(${zone}, 'Etc/GMT[+-]\\d+') THEN ${offset} ELSE ${zone} END)`, type: varchar() };
    },
  },
};

/** The functions datetime.ts maps (for the differential's corpus). */
export const DATETIME_FUNCTION_NAMES: readonly string[] = Object.keys(DATETIME_FUNCTIONS);

/** The function table with the date/time mappings: a function with both tries the timestamp form first. */
export function withDatetime(base: Record<string, FunctionMapping>): Record<string, FunctionMapping> {
  return extendMappings(base, DATETIME_FUNCTIONS);
}
