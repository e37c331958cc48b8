/**
 * What the gateway knows of one catalog's objects, whatever engine serves it: the source every
 * metadata table (information_schema, system.jdbc, system.metadata) is derived from for catalogs
 * the gateway describes itself.
 */
export interface ColumnDescription {
  name: string;
  /** Trino's metadata spelling of the type (`decimal(12,2)`, `row("a" bigint)`, `timestamp(6)`). */
  type: string;
  nullable: boolean;
  comment: string | null;
  /** What information_schema.columns' extra_info and DESCRIBE's `Extra` say (Trino's Hive connector: `partition key`). */
  extraInfo?: string;
}

export interface TableDescription {
  schema: string;
  name: string;
  kind: 'TABLE' | 'VIEW';
  comment: string | null;
  /** A view's definition as its engine stores it. */
  viewDefinition: string | null;
  columns: ColumnDescription[];
}

export interface CatalogDescription {
  name: string;
  /** The connector's name system.metadata.catalogs reports. */
  connector: string;
  /** Schemas other than information_schema (every catalog has that one). */
  schemas: string[];
  tables: TableDescription[];
}
