/**
 * Trino's answer written in Athena's exact `GetQueryResults` form, so the emulator's canned
 * results are true: ColumnInfo with Athena's type names (`float` for real, `array`/`map`/`row`
 * without element types, precision and scale as separate fields), every value as a string (a
 * missing VarCharValue for NULL), the header row first. Athena's text of a value is the one its
 * engine (Trino) prints: Java's Double.toString for floating point, hex bytes separated by spaces
 * for varbinary, `[a, b]`, `{k=v}` and `{field=v}` for arrays, maps and rows.
 */
import { splitTopLevel } from '../../src/engines/athena/glue-metadata.js';
import type { AthenaResult } from './athena-emulator.js';

type Info = AthenaResult['columnInfo'][number];

const UNBOUNDED = 2147483647;

export function athenaColumn(name: string, trinoType: string): Info {
  const t = trinoType.toLowerCase();
  const info: Info = { Name: name, Label: name, Type: '', Nullable: 'UNKNOWN', CaseSensitive: false };
  const composite = /^(array|map|row)\(/.exec(t);
  if (composite) return { ...info, Type: composite[1]!, Precision: 0, Scale: 0 };
  const m = /^([a-z ]+?)(?:\((\d+)(?:,\s*(\d+))?\))?( with time zone)?$/.exec(t);
  if (!m) throw new Error(`no Athena type for ${trinoType}`);
  const base = m[1]! + (m[4] ?? '');
  const precision = m[2] === undefined ? undefined : Number(m[2]);
  switch (base) {
    case 'varchar':
      return { ...info, Type: 'varchar', Precision: precision ?? UNBOUNDED, Scale: 0, CaseSensitive: true };
    case 'real':
      return { ...info, Type: 'float', Precision: 17, Scale: 0 };
    case 'decimal':
      return { ...info, Type: 'decimal', Precision: precision!, Scale: Number(m[3]) };
    default:
      return { ...info, Type: base, ...(precision === undefined ? {} : { Precision: precision }), Scale: 0 };
  }
}

/** Java's Double.toString (and Float.toString for a real given as its shortest decimal). */
export function javaFloating(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** Athena's text of one Trino value (as decoded from Trino's JSON) of `type`. */
export function athenaText(value: unknown, type: string): string {
  const t = type.toLowerCase();
  if (value === null) return 'null';
  if (t === 'double' || t === 'real') return typeof value === 'string' ? value : javaFloating(value as number);
  if (t === 'varbinary') return (Buffer.from(value as string, 'base64').toString('hex').match(/../g) ?? []).join(' ');
  if (t.startsWith('array(')) {
    const element = inner(t);
    return `[${(value as unknown[]).map((v) => athenaText(v, element)).join(', ')}]`;
  }
  if (t.startsWith('map(')) {
    const [keyType, valueType] = splitTopLevel(inner(t)) as [string, string];
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${athenaText(k, keyType)}=${athenaText(v, valueType)}`).join(', ')}}`;
  }
  if (t.startsWith('row(')) {
    const fields = splitTopLevel(inner(t)).map((f) => {
      const space = f.indexOf(' ');
      return { name: f.slice(0, space).replaceAll('"', ''), type: f.slice(space + 1) };
    });
    return `{${(value as unknown[]).map((v, i) => `${fields[i]!.name}=${athenaText(v, fields[i]!.type)}`).join(', ')}}`;
  }
  return String(value);
}

/** Trino's result (columns and rows decoded from its JSON) in GetQueryResults form. */
export function toAthenaResult(columns: Array<{ name: string; type: string }>, rows: unknown[][]): AthenaResult {
  const header = { Data: columns.map((c) => ({ VarCharValue: c.name })) };
  return {
    columnInfo: columns.map((c) => athenaColumn(c.name, c.type)),
    rows: [header, ...rows.map((row) => ({ Data: row.map((v, i) => (v === null ? {} : { VarCharValue: athenaText(v, columns[i]!.type) })) }))],
  };
}

/**
 * A result's rows (header first) as Athena writes them to `<QueryID>.csv` in the output location:
 * every value double-quoted with quotes doubled, NULL an empty unquoted field, `\n` after each record.
 */
export function toAthenaCsv(rows: AthenaResult['rows']): string {
  return rows.map((row) => `${row.Data.map((d) => (d.VarCharValue === undefined ? '' : `"${d.VarCharValue.replaceAll('"', '""')}"`)).join(',')}\n`).join('');
}

/**
 * Rows from Trino's JSON text (`[..],[..]`) without losing integers beyond 2^53: those become
 * their digits as a string (on both sides of a comparison alike).
 */
export function parseRows(rowsText: string): unknown[][] {
  let out = '';
  let inString = false;
  for (let i = 0; i < rowsText.length; i++) {
    const c = rowsText[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += rowsText[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const number = /^-?\d{16,}(?![.eE\d])/.exec(rowsText.slice(i, i + 40));
    if (number && !/[\d.eE-]/.test(rowsText[i - 1] ?? '')) {
      out += `"${number[0]}"`;
      i += number[0].length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(`[${out}]`) as unknown[][];
}

function inner(type: string): string {
  return type.slice(type.indexOf('(') + 1, type.lastIndexOf(')'));
}
