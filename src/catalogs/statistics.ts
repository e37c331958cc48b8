/**
 * SHOW STATS on the embedded engine, in Trino 483's shape: one row per column (data_size,
 * distinct_values_count, nulls_fraction, low_value, high_value) and a last row with row_count.
 * Trino reports what its connector estimates; the embedded engine has no statistics, so they are
 * computed exactly over the rows by one aggregate query the engine runs (Trino SQL, translated
 * like any other). Where Trino has a value the gateway reports it as Trino does: data_size for
 * varchar columns, low/high values for numbers and dates (doubles printed as Java prints them).
 */
import { quoteIdentifier } from '../sql/quoting.js';
import type { MetadataColumn, Row } from './metadata-tables.js';

export const STATS_COLUMNS: readonly MetadataColumn[] = [
  { name: 'column_name', type: 'varchar' },
  { name: 'data_size', type: 'double' },
  { name: 'distinct_values_count', type: 'double' },
  { name: 'nulls_fraction', type: 'double' },
  { name: 'row_count', type: 'double' },
  { name: 'low_value', type: 'varchar' },
  { name: 'high_value', type: 'varchar' },
];

interface Described {
  name: string;
  /** Trino's type name. */
  type: string;
}

const sized = (type: string) => /^varchar\b/.test(type);
const ranged = (type: string) => /^(tinyint|smallint|integer|bigint|real|double|decimal\b|date)/.test(type);
const comparable = (type: string) => !/^(array|map|row|json|varbinary)\b/.test(type);

/** The aggregate query over `source` (a table name, or a parenthesized query with an alias): count(*), then per column count, distinct, size, min, max. */
export function statisticsQuery(source: string, columns: readonly Described[]): string {
  const items = ['count(*)'];
  for (const c of columns) {
    const ref = quoteIdentifier(c.name);
    items.push(
      `count(${ref})`,
      comparable(c.type) ? `count(DISTINCT ${ref})` : 'NULL',
      sized(c.type) ? `sum(length(${ref}))` : 'NULL',
      ranged(c.type) ? `min(${ref})` : 'NULL',
      ranged(c.type) ? `max(${ref})` : 'NULL',
    );
  }
  return `SELECT ${items.join(', ')} FROM ${source}`;
}

/** Trino's rows from the aggregate query's single row. */
export function statisticsRows(columns: readonly Described[], aggregates: readonly unknown[]): Row[] {
  const rowCount = Number(aggregates[0]);
  const rows: Row[] = columns.map((c, i) => {
    const [present, distinct, size, low, high] = aggregates.slice(1 + 5 * i, 6 + 5 * i);
    const nulls = rowCount === 0 ? null : (rowCount - Number(present)) / rowCount;
    return [c.name, size === null ? null : Number(size), distinct === null ? null : Number(distinct), nulls, null, bound(c.type, low), bound(c.type, high)];
  });
  rows.push([null, null, null, null, rowCount, null, null]);
  return rows;
}

function bound(type: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return type === 'double' || type === 'real' ? javaDouble(Number(value)) : String(value);
}

/** A double as Java's Double.toString prints it (Trino's SHOW STATS does): `1.0`, `94949.5`, `1.0E7`. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
