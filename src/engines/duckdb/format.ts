/**
 * Value formatting for Trino's JSON row encoding (PROTOCOL.md §2.3). Every function returns a
 * JSON token: numbers as number tokens, everything textual already quoted.
 */

export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  // Java clients reject an integer token for a double column.
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/**
 * A REAL arrives widened to a double; print the shortest decimal of at least two digits that
 * reads back as the same float, as Java's Float.toString does (the smallest subnormal is 1.4E-45,
 * not 1E-45, which reads back as another double).
 */
export function formatReal(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatDouble(x);
  for (let digits = 2; digits < 9; digits++) {
    const shorter = Number(x.toPrecision(digits));
    if (Math.fround(shorter) === x) return formatDouble(shorter);
  }
  return formatDouble(Number(x.toPrecision(9)));
}

/** A decimal held as its unscaled integer: exactly `scale` fraction digits, as a JSON string. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return `"${negative ? '-' : ''}${digits}"`;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const point = digits.length - scale;
  return `"${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}"`;
}

function pad(value: number | bigint, width: number): string {
  return String(value).padStart(width, '0');
}

/** Years as java.time prints them: four digits, a sign beyond 9999 or before year 0. */
function formatYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${pad(-year, 4)}`;
  return pad(year, 4);
}

/** Proleptic Gregorian `yyyy-mm-dd` of a day count since 1970-01-01 (no JSON quotes). */
export function civilDate(epochDay: number): string {
  // Howard Hinnant's days-to-civil algorithm, exact for the whole range DuckDB supports.
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const POWERS_OF_TEN = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));

/** Round half up from `fromDigits` to `toDigits` fraction digits (or widen when toDigits is larger). */
function rescale(value: bigint, fromDigits: number, toDigits: number): bigint {
  if (toDigits >= fromDigits) return value * POWERS_OF_TEN[toDigits - fromDigits]!;
  const factor = POWERS_OF_TEN[fromDigits - toDigits]!;
  const shifted = value + factor / 2n;
  const quotient = shifted / factor;
  // BigInt division truncates; floor it for negative values.
  return shifted % factor < 0n ? quotient - 1n : quotient;
}

function floorDivMod(value: bigint, divisor: bigint): [bigint, bigint] {
  let quotient = value / divisor;
  let remainder = value % divisor;
  if (remainder < 0n) {
    quotient -= 1n;
    remainder += divisor;
  }
  return [quotient, remainder];
}

/** `hh:mm:ss[.fff...]` of a non-negative count of `digits`-fraction units within a day. */
function clock(unitsOfDay: bigint, digits: number): string {
  const [seconds, fraction] = floorDivMod(unitsOfDay, POWERS_OF_TEN[digits]!);
  const s = Number(seconds);
  const text = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  return digits === 0 ? text : `${text}.${pad(fraction, digits)}`;
}

/**
 * A timestamp given as `epoch` units of 10^-unitDigits seconds, printed with `digits` fraction
 * digits (rounded half up when fewer): `yyyy-mm-dd hh:mm:ss.fff` without quotes.
 */
export function formatTimestamp(epoch: bigint, unitDigits: number, digits: number): string {
  const units = rescale(epoch, unitDigits, digits);
  const [days, ofDay] = floorDivMod(units, 86_400n * POWERS_OF_TEN[digits]!);
  return `${civilDate(Number(days))} ${clock(ofDay, digits)}`;
}

/** A time of day given in 10^-unitDigits seconds, with `digits` fraction digits, wrapping at midnight. */
export function formatTime(units: bigint, unitDigits: number, digits: number): string {
  const [, ofDay] = floorDivMod(rescale(units, unitDigits, digits), 86_400n * POWERS_OF_TEN[digits]!);
  return clock(ofDay, digits);
}

/** A UTC offset in seconds as `+hh:mm`. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60);
  return `${sign}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * Trino's `interval day to second` text, `[-]d hh:mm:ss.mmm`. DuckDB intervals also carry
 * months, which have no day count of their own: like DuckDB's interval arithmetic we count a
 * month as 30 days. Microseconds are truncated to milliseconds, Trino's interval precision.
 */
export function formatInterval(months: number, days: number, micros: bigint): string {
  const total = (BigInt(months) * 30n + BigInt(days)) * MICROS_PER_DAY + micros;
  const negative = total < 0n;
  const millis = (negative ? -total : total) / 1000n;
  const [wholeDays, ofDay] = floorDivMod(millis, 86_400_000n);
  return `"${negative ? '-' : ''}${wholeDays} ${clock(ofDay, 3)}"`;
}

export function formatBase64(bytes: Uint8Array): string {
  return `"${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}"`;
}
