/**
 * Table metadata for governance from the Glue Data Catalog (the catalog Athena reads): the
 * columns of a table, partition keys last as Athena lists them, and whether a relation is a view.
 *
 * What an Athena view reads underneath is not reported by any API (Trino's coordinator reports it
 * for a Trino backend); a governed read of a view is therefore refused rather than guessed.
 */
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { ViewExpansion } from '../../sql/analyzer/types.js';
import { apiFailure } from './errors.js';

/** Hive type names Glue stores, as Trino names them. */
const HIVE_TYPES: Record<string, string> = { string: 'varchar', int: 'integer', float: 'real', binary: 'varbinary' };

export class GlueMetadata {
  constructor(
    private readonly glue: GlueClient,
    /** The catalog name clients use for the Glue Data Catalog. */
    private readonly catalog: string,
    private readonly workgroup: string,
  ) {}

  async columnsOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }>> {
    const found = await this.table(catalog, schema, table);
    if (found === undefined) return [];
    const columns = [...(found.StorageDescriptor?.Columns ?? []), ...(found.PartitionKeys ?? [])];
    return columns.map((c) => ({ name: (c.Name ?? '').toLowerCase(), type: trinoType(c.Type ?? '') }));
  }

  async viewReads(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    const found = await this.table(catalog, schema, name);
    if (found?.TableType !== 'VIRTUAL_VIEW') return undefined;
    throw new QueryFailure(
      ErrorCodes.NOT_SUPPORTED,
      `View ${catalog}.${schema}.${name} is an Athena view: the gateway cannot tell which tables it reads, so governed reads of Athena views are not supported`,
    );
  }

  close(): void {
    this.glue.destroy();
  }

  private async table(catalog: string, schema: string, table: string) {
    if (catalog.toLowerCase() !== this.catalog.toLowerCase()) return undefined;
    try {
      const { Table } = await this.glue.send(new GetTableCommand({ DatabaseName: schema, Name: table }));
      return Table;
    } catch (err) {
      if ((err as { name?: string }).name === 'EntityNotFoundException') return undefined;
      throw apiFailure(this.workgroup, 'Glue GetTable', err);
    }
  }
}

/** `array<int>` → `array(integer)`, `struct<a:int>` → `row(a integer)`, `map<string,int>` → `map(varchar, integer)`. */
export function trinoType(hive: string): string {
  const text = hive.trim().toLowerCase();
  const open = text.indexOf('<');
  if (open < 0) return HIVE_TYPES[text] ?? text;
  const outer = text.slice(0, open);
  const inner = splitTopLevel(text.slice(open + 1, text.lastIndexOf('>')));
  if (outer === 'struct') {
    return `row(${inner.map((field) => {
      const colon = field.indexOf(':');
      return `${field.slice(0, colon).trim()} ${trinoType(field.slice(colon + 1))}`;
    }).join(', ')})`;
  }
  return `${outer}(${inner.map(trinoType).join(', ')})`;
}

/** The comma-separated parts of a type's parameters, ignoring commas nested in `<>` or `()`. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}
