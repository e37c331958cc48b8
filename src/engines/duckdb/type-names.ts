/**
 * The Trino type name metadata reports for a column of the embedded engine (information_schema,
 * system.jdbc, DESCRIBE). Metadata spells types as Trino's type signatures do, which differs from
 * the result-column types of the protocol (codecs.ts) only in decimals (`decimal(12,2)`) and row
 * fields (always quoted: `row("a" bigint)`); every scalar is the codec's.
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { codecFor } from './codecs.js';

export function trinoMetadataType(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `array(${trinoMetadataType(type.valueType)})`;
    case DuckDBTypeId.MAP:
      return `map(${trinoMetadataType(type.keyType)}, ${trinoMetadataType(type.valueType)})`;
    case DuckDBTypeId.STRUCT: {
      const named = type.entryNames.some((n) => n !== '');
      const fields = type.entryTypes.map((t, i) => (named ? `"${type.entryNames[i]!.replace(/"/g, '""')}" ${trinoMetadataType(t)}` : trinoMetadataType(t)));
      return `row(${fields.join(', ')})`;
    }
    default:
      return codecFor(type, true).type.replace(/^decimal\((\d+), (\d+)\)$/, 'decimal($1,$2)');
  }
}
