/**
 * Trino 483's metadata tables as the gateway serves them: each table's columns (names and types
 * exactly as Trino declares them, hidden columns included), and its rows derived from catalog
 * descriptions. Which rows a user sees is decided elsewhere (by the key columns declared here).
 */
import type { CatalogDescription, ColumnDescription, TableDescription } from './model.js';
import { JDBC_TYPE_ROWS } from './jdbc-types.js';
import { ErrorCodes, type ErrorCode } from '../protocol/errors.js';
import type { QueryRecord } from '../tracking/types.js';

export interface MetadataColumn {
  name: string;
  type: string;
  /** Selectable by name but not part of `SELECT *` nor listed by metadata (information_schema.columns comment, extra_info). */
  hidden?: boolean;
}

/** Which columns of a row name the catalog object it describes (for access control filtering). */
export interface RowKeys {
  catalog?: number;
  schema?: number;
  table?: number;
  column?: number;
  /** The user who runs the query the row describes (filtered by the `queries` rules). */
  queryOwner?: number;
}

export interface MetadataTable {
  schema: 'information_schema' | 'jdbc' | 'metadata' | 'runtime';
  name: string;
  columns: MetadataColumn[];
  keys: RowKeys;
}

const v = (name: string, hidden = false): MetadataColumn => (hidden ? { name, type: 'varchar', hidden } : { name, type: 'varchar' });
const b = (name: string): MetadataColumn => ({ name, type: 'bigint' });
const bool = (name: string): MetadataColumn => ({ name, type: 'boolean' });
/** DuckDB's type holding each column type of the metadata tables, as the scratch engine loads them. */
export const METADATA_DUCKDB_TYPES: Readonly<Record<string, string>> = {
  varchar: 'VARCHAR',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  double: 'DOUBLE',
  // Epoch milliseconds; printed with millisecond precision (the execution is not parametric).
  'timestamp(3) with time zone': 'TIMESTAMPTZ',
  'array(varchar)': 'VARCHAR[]',
};

const instant = (name: string): MetadataColumn => ({ name, type: 'timestamp(3) with time zone' });

function table(schema: MetadataTable['schema'], name: string, columns: MetadataColumn[], keys: RowKeys = {}): MetadataTable {
  return { schema, name, columns, keys };
}

/** Every catalog's information_schema (Trino 483's eight tables). */
export const INFORMATION_SCHEMA_TABLES: readonly MetadataTable[] = [
  table('information_schema', 'applicable_roles', [v('grantee'), v('grantee_type'), v('role_name'), v('is_grantable')]),
  table(
    'information_schema',
    'columns',
    [v('table_catalog'), v('table_schema'), v('table_name'), v('column_name'), b('ordinal_position'), v('column_default'), v('is_nullable'), v('data_type'), v('comment', true), v('extra_info', true)],
    { catalog: 0, schema: 1, table: 2, column: 3 },
  ),
  table('information_schema', 'enabled_roles', [v('role_name')]),
  table('information_schema', 'roles', [v('role_name')]),
  table('information_schema', 'schemata', [v('catalog_name'), v('schema_name')], { catalog: 0, schema: 1 }),
  table(
    'information_schema',
    'table_privileges',
    [v('grantor'), v('grantor_type'), v('grantee'), v('grantee_type'), v('table_catalog'), v('table_schema'), v('table_name'), v('privilege_type'), v('is_grantable'), v('with_hierarchy')],
    { catalog: 4, schema: 5, table: 6 },
  ),
  table('information_schema', 'tables', [v('table_catalog'), v('table_schema'), v('table_name'), v('table_type')], { catalog: 0, schema: 1, table: 2 }),
  table('information_schema', 'views', [v('table_catalog'), v('table_schema'), v('table_name'), v('view_definition')], { catalog: 0, schema: 1, table: 2 }),
];

/** The system catalog's tables the gateway answers across every backend. */
export const SYSTEM_TABLES: readonly MetadataTable[] = [
  table('jdbc', 'attributes', [
    v('type_cat'), v('type_schem'), v('type_name'), v('attr_name'), b('data_type'), v('attr_type_name'), b('attr_size'), b('decimal_digits'), b('num_prec_radix'), b('nullable'),
    v('remarks'), v('attr_def'), b('sql_data_type'), b('sql_datetime_sub'), b('char_octet_length'), b('ordinal_position'), v('is_nullable'), v('scope_catalog'), v('scope_schema'),
    v('scope_table'), b('source_data_type'),
  ]),
  table('jdbc', 'catalogs', [v('table_cat')], { catalog: 0 }),
  table(
    'jdbc',
    'columns',
    [
      v('table_cat'), v('table_schem'), v('table_name'), v('column_name'), b('data_type'), v('type_name'), b('column_size'), b('buffer_length'), b('decimal_digits'), b('num_prec_radix'),
      b('nullable'), v('remarks'), v('column_def'), b('sql_data_type'), b('sql_datetime_sub'), b('char_octet_length'), b('ordinal_position'), v('is_nullable'), v('scope_catalog'),
      v('scope_schema'), v('scope_table'), b('source_data_type'), v('is_autoincrement'), v('is_generatedcolumn'),
    ],
    { catalog: 0, schema: 1, table: 2, column: 3 },
  ),
  table('jdbc', 'procedure_columns', [
    v('procedure_cat'), v('procedure_schem'), v('procedure_name'), v('column_name'), b('column_type'), b('data_type'), v('type_name'), b('precision'), b('length'), b('scale'), b('radix'),
    b('nullable'), v('remarks'), v('column_def'), b('sql_data_type'), b('sql_datetime_sub'), b('char_octet_length'), b('ordinal_position'), v('is_nullable'), v('specific_name'),
  ]),
  table('jdbc', 'procedures', [v('procedure_cat'), v('procedure_schem'), v('procedure_name'), v('remarks'), b('procedure_type'), v('specific_name')]),
  table('jdbc', 'pseudo_columns', [
    v('table_cat'), v('table_schem'), v('table_name'), v('column_name'), b('data_type'), b('column_size'), b('decimal_digits'), b('num_prec_radix'), v('column_usage'), v('remarks'),
    b('char_octet_length'), b('is_nullable'),
  ]),
  table('jdbc', 'schemas', [v('table_schem'), v('table_catalog')], { catalog: 1, schema: 0 }),
  table('jdbc', 'super_tables', [v('table_cat'), v('table_schem'), v('table_name'), v('supertable_name')]),
  table('jdbc', 'super_types', [v('type_cat'), v('type_schem'), v('type_name'), v('supertype_cat'), v('supertype_schem'), v('supertype_name')]),
  table('jdbc', 'table_types', [v('table_type')]),
  table(
    'jdbc',
    'tables',
    [v('table_cat'), v('table_schem'), v('table_name'), v('table_type'), v('remarks'), v('type_cat'), v('type_schem'), v('type_name'), v('self_referencing_col_name'), v('ref_generation')],
    { catalog: 0, schema: 1, table: 2 },
  ),
  table('jdbc', 'types', [
    v('type_name'), b('data_type'), b('precision'), v('literal_prefix'), v('literal_suffix'), v('create_params'), b('nullable'), bool('case_sensitive'), b('searchable'),
    bool('unsigned_attribute'), bool('fixed_prec_scale'), bool('auto_increment'), v('local_type_name'), b('minimum_scale'), b('maximum_scale'), b('sql_data_type'), b('sql_datetime_sub'),
    b('num_prec_radix'),
  ]),
  table('jdbc', 'udts', [v('type_cat'), v('type_schem'), v('type_name'), v('class_name'), v('data_type'), v('remarks'), v('base_type')]),
  table('metadata', 'catalogs', [v('catalog_name'), v('connector_id'), v('connector_name'), v('state')], { catalog: 0 }),
  table('metadata', 'table_comments', [v('catalog_name'), v('schema_name'), v('table_name'), v('comment')], { catalog: 0, schema: 1, table: 2 }),
  table('runtime', 'nodes', [v('node_id'), v('http_uri'), v('node_version'), bool('coordinator'), v('state')]),
  table(
    'runtime',
    'queries',
    [
      v('query_id'), v('state'), v('user'), v('source'), v('query'), { name: 'resource_group_id', type: 'array(varchar)' }, b('queued_time_ms'), b('analysis_time_ms'),
      b('planning_time_ms'), instant('created'), instant('started'), instant('last_heartbeat'), instant('end'), v('error_type'), v('error_code'),
    ],
    { queryOwner: 2 },
  ),
];

export function informationSchemaTable(name: string): MetadataTable | undefined {
  return INFORMATION_SCHEMA_TABLES.find((t) => t.name === name);
}

export function systemTable(schema: string, name: string): MetadataTable | undefined {
  return SYSTEM_TABLES.find((t) => t.schema === schema && t.name === name);
}

/** information_schema's own tables, as every catalog lists them (visible columns only). */
function informationSchemaDescriptions(): TableDescription[] {
  return INFORMATION_SCHEMA_TABLES.map((t) => describeMetadataTable('information_schema', t));
}

function describeMetadataTable(schema: string, t: MetadataTable): TableDescription {
  return {
    schema,
    name: t.name,
    kind: 'TABLE',
    comment: null,
    viewDefinition: null,
    columns: t.columns.filter((c) => !c.hidden).map((c) => ({ name: c.name, type: c.type, nullable: true, comment: null })),
  };
}

/** The system catalog as the gateway serves it: the tables above. */
export function systemCatalogDescription(): CatalogDescription {
  return {
    name: 'system',
    connector: 'system',
    schemas: ['jdbc', 'metadata', 'runtime'],
    tables: SYSTEM_TABLES.map((t) => describeMetadataTable(t.schema, t)),
  };
}

/** Every table of a catalog, information_schema's included, sorted as Trino lists them. */
export function allTables(catalog: CatalogDescription): TableDescription[] {
  return [...informationSchemaDescriptions(), ...catalog.tables].sort((x, y) => compare(x.schema, y.schema) || compare(x.name, y.name));
}

export function allSchemas(catalog: CatalogDescription): string[] {
  return [...new Set(['information_schema', ...catalog.schemas])].sort(compare);
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

export type Row = unknown[];

/** The rows of `<catalog>.information_schema.<name>` (hidden columns last, as declared). */
export function informationSchemaRows(name: string, catalog: CatalogDescription): Row[] {
  const c = catalog.name;
  switch (name) {
    case 'schemata':
      return allSchemas(catalog).map((s) => [c, s]);
    case 'tables':
      return allTables(catalog).map((t) => [c, t.schema, t.name, t.kind === 'VIEW' ? 'VIEW' : 'BASE TABLE']);
    case 'views':
      return allTables(catalog)
        .filter((t) => t.kind === 'VIEW')
        .map((t) => [c, t.schema, t.name, t.viewDefinition]);
    case 'columns':
      return allTables(catalog).flatMap((t) => t.columns.map((col, i) => [c, t.schema, t.name, col.name, i + 1, null, col.nullable ? 'YES' : 'NO', col.type, col.comment, col.extraInfo ?? null]));
    default:
      // table_privileges (the engine keeps no grants) and the roles tables (no catalog roles).
      return [];
  }
}

/** The rows of `system.<schema>.<name>` for the given catalogs (already sorted by name). */
export function systemRows(schema: string, name: string, catalogs: readonly CatalogDescription[]): Row[] {
  switch (`${schema}.${name}`) {
    case 'jdbc.catalogs':
      return catalogs.map((c) => [c.name]);
    case 'jdbc.schemas':
      return catalogs.flatMap((c) => allSchemas(c).map((s) => [s, c.name]));
    case 'jdbc.tables':
      return catalogs.flatMap((c) => allTables(c).map((t) => [c.name, t.schema, t.name, t.kind, t.comment, null, null, null, null, null]));
    case 'jdbc.columns':
      return catalogs.flatMap((c) => allTables(c).flatMap((t) => t.columns.map((col, i) => jdbcColumnRow(c.name, t, col, i + 1))));
    case 'jdbc.table_types':
      return [['TABLE'], ['VIEW']];
    case 'jdbc.types':
      return JDBC_TYPE_ROWS.map((row) => [...row]);
    case 'metadata.catalogs':
      return catalogs.map((c) => [c.name, c.name, c.connector, 'OPERATIONAL']);
    case 'metadata.table_comments':
      return catalogs.flatMap((c) => allTables(c).map((t) => [c.name, t.schema, t.name, t.comment]));
    default:
      return [];
  }
}

/** java.sql.Types codes Trino's JDBC tables report. */
const JDBC_CODES: ReadonlyArray<readonly [RegExp, number]> = [
  [/^boolean$/, 16],
  [/^tinyint$/, -6],
  [/^smallint$/, 5],
  [/^integer$/, 4],
  [/^bigint$/, -5],
  [/^real$/, 7],
  [/^double$/, 8],
  [/^decimal\(/, 3],
  [/^varchar(\(|$)/, 12],
  [/^char\(/, 1],
  [/^varbinary$/, -3],
  [/^date$/, 91],
  [/^time\(\d+\)$/, 92],
  [/^time\(\d+\) with time zone$/, 2013],
  [/^timestamp\(\d+\)$/, 93],
  [/^timestamp\(\d+\) with time zone$/, 2014],
  [/^array\(/, 2003],
];

/** One system.jdbc.columns row, computed from the type as Trino's ColumnJdbcTable does (checked against Trino 483 in tests). */
function jdbcColumnRow(catalog: string, t: TableDescription, col: ColumnDescription, position: number): Row {
  const type = col.type;
  const code = JDBC_CODES.find(([pattern]) => pattern.test(type))?.[1] ?? 2000;
  const precision = Number(/\((\d+)/.exec(type)?.[1] ?? 0);
  const scale = /^decimal\(\d+,(\d+)\)$/.exec(type)?.[1];
  const FIXED_SIZES: Record<string, number> = { tinyint: 3, smallint: 5, integer: 10, bigint: 19, real: 24, double: 53, date: 14 };
  let size: number | null = FIXED_SIZES[type] ?? null;
  if (code === 3) size = precision;
  else if (code === 12 || code === 1 || code === -3) size = type.includes('(') ? precision : 2147483647;
  else if (code === 92) size = 9 + precision;
  else if (code === 2013) size = 15 + precision;
  else if (code === 93) size = 22 + precision;
  else if (code === 2014) size = 56 + precision;
  const digits = code === 3 ? Number(scale) : [92, 2013, 93, 2014].includes(code) ? precision : null;
  const radix = [-6, 5, 4, -5, 3].includes(code) ? 10 : code === 7 || code === 8 ? 2 : null;
  const octets = code === 12 || code === 1 || code === -3 ? size : null;
  return [
    catalog, t.schema, t.name, col.name, code, type, size, 0, digits, radix,
    col.nullable ? 1 : 0, col.comment, null, null, null, octets, position, col.nullable ? 'YES' : 'NO',
    null, null, null, null, null, null,
  ];
}

/**
 * One system.runtime.queries row for a query of the gateway's history. Trino's states have no
 * CANCELED or ABANDONED: such a query FAILED with USER_CANCELED or ABANDONED_QUERY, as Trino
 * reports it. The gateway does not analyse or plan on the engine's behalf: those times are null.
 */
export function runtimeQueryRow(query: QueryRecord, now: number): Row {
  const cause = query.state === 'CANCELED' ? 'USER_CANCELED' : query.state === 'ABANDONED' ? 'ABANDONED_QUERY' : query.errorName;
  const error = cause === undefined ? undefined : (ErrorCodes as Record<string, ErrorCode>)[cause];
  const ended = query.state !== 'QUEUED' && query.state !== 'RUNNING';
  return [
    query.id,
    ended && query.state !== 'FINISHED' ? 'FAILED' : query.state,
    query.user,
    query.source ?? null,
    query.statement,
    query.routingGroup === undefined ? null : [query.routingGroup],
    query.startedAt === undefined ? null : query.startedAt - query.createdAt,
    null,
    null,
    query.createdAt,
    query.startedAt ?? null,
    query.endedAt ?? now,
    query.endedAt ?? null,
    cause === undefined ? null : (error?.type ?? null),
    cause ?? null,
  ];
}
