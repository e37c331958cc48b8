/** Public types of statement analysis: what a statement reads, writes and touches. */

export type Privilege = 'SELECT' | 'INSERT' | 'DELETE' | 'UPDATE' | 'OWNERSHIP' | 'CREATE' | 'DROP' | 'SHOW';

/**
 * A fully qualified object name. Every part is lower-cased, whether it was written quoted or not:
 * Trino resolves identifiers case-insensitively (`"Nation"` and `NATION` both mean `nation`), so the
 * gateway canonicalises exactly as the engine will.
 */
export interface QualifiedName {
  catalog: string;
  schema: string;
  name: string;
}

export interface TableAccess {
  table: QualifiedName;
  privilege: Privilege;
  /** Columns read (SELECT) or written (INSERT/UPDATE/CREATE), sorted and deduplicated; [] when none. */
  columns: string[];
  /**
   * A read inside a SECURITY DEFINER view: checked as this view owner, with Trino's view-owner
   * check (checkCanCreateViewWithSelectFromColumns: SELECT on the columns and GRANT_SELECT),
   * not as the caller. Absent: checked as the caller (direct reads, and reads inside invoker views).
   */
  viewOwner?: string;
}

/** The ALTER statements (and renames) the analyzer distinguishes. */
export type AlterTableKind =
  | 'renameTable'
  | 'addColumn'
  | 'dropColumn'
  | 'renameColumn'
  | 'alterColumn'
  | 'setTableProperties'
  | 'setTableAuthorization'
  | 'alterTableExecute'
  | 'renameView'
  | 'setViewAuthorization'
  | 'renameMaterializedView'
  | 'setMaterializedViewProperties';

export type StatementKind =
  | 'query'
  | 'insert'
  | 'delete'
  | 'truncate'
  | 'update'
  | 'merge'
  | 'createTable'
  | 'createTableAsSelect'
  | 'createView'
  | 'createMaterializedView'
  | 'refreshMaterializedView'
  | 'dropTable'
  | 'dropView'
  | 'dropMaterializedView'
  | 'createSchema'
  | 'dropSchema'
  | 'createFunction'
  | 'dropFunction'
  | 'renameSchema'
  | 'setSchemaAuthorization'
  | AlterTableKind
  | 'comment'
  | 'analyze'
  | 'showCatalogs'
  | 'showSchemas'
  | 'showTables'
  | 'showColumns'
  | 'describe'
  | 'showCreateTable'
  | 'showCreateView'
  | 'showCreateMaterializedView'
  | 'showCreateSchema'
  | 'showStats'
  | 'showFunctions'
  | 'showSession'
  | 'showRoles'
  | 'showCurrentRoles'
  | 'showRoleGrants'
  | 'showGrants'
  | 'use'
  | 'setSession'
  | 'resetSession'
  | 'setRole'
  | 'setSessionAuthorization'
  | 'resetSessionAuthorization'
  | 'setPath'
  | 'setTimeZone'
  | 'startTransaction'
  | 'commit'
  | 'rollback'
  | 'prepare'
  | 'deallocate'
  | 'execute'
  | 'executeImmediate'
  | 'describeInput'
  | 'describeOutput'
  | 'explain'
  | 'explainAnalyze'
  | 'call'
  | 'grant'
  | 'revoke'
  | 'deny'
  | 'createRole'
  | 'dropRole'
  | 'grantRoles'
  | 'revokeRoles';

/**
 * One occurrence of a table or view as a relation (FROM item, TABLE query body, table function
 * argument), for rewriting it in place (row filters and column masks).
 */
export interface TableReference {
  table: QualifiedName;
  /** Where the name is written (from TABLE for a query body); absent where it cannot be replaced. */
  span?: { start: number; end: number };
  /** The text the span is in when it is not the statement itself: a prepared statement's (EXECUTE) or EXECUTE IMMEDIATE's. */
  text?: string;
  /** An alias follows the name (so the derived table needs none). */
  aliased: boolean;
  /** A `TABLE name` query body rather than a FROM item. */
  queryBody: boolean;
  /** A table function's `TABLE(name)` argument. */
  tableArgument?: boolean;
}

export interface AccessRequest {
  kind: StatementKind;
  /**
   * For wrappers (`explain`, `explainAnalyze`, `execute`, `executeImmediate`, `describeInput`,
   * `describeOutput`, `prepare`): the kind of the statement inside. The access lists always describe
   * the inner statement (except for `prepare`, which only stores text: see analyzer docs).
   */
  innerKind?: StatementKind;
  tables: TableAccess[];
  catalogs: string[];
  schemas: Array<{ catalog: string; schema: string; privilege: Privilege }>;
  functions: string[];
  tableFunctions: string[];
  procedures: string[];
  sessionProperties: Array<{ name: string; catalog?: string }>;
  /** The SQL routine CREATE / DROP FUNCTION creates or drops. */
  routine?: { catalog: string; schema: string; name: string };
  /** SET SESSION AUTHORIZATION target user (impersonation check needed). */
  authorizationUser?: string;
  /** The new owner in ALTER SCHEMA/TABLE/VIEW ... SET AUTHORIZATION. */
  authorizationTarget?: { type: 'USER' | 'ROLE'; name: string };
  /** Query ids passed to system.runtime.kill_query (undefined: not a plain string literal). */
  killQueries?: Array<string | undefined>;
  /** SET ROLE ALL / NONE / a named role. */
  roleMode?: 'ALL' | 'NONE' | 'ROLE';
  /** The role CREATE / DROP ROLE names (for Trino's denial message). */
  role?: string;
  /** The privilege GRANT / REVOKE / DENY names first (for Trino's denial message). */
  grantedPrivilege?: string;
  /** Constructs a policy may want to deny by default even when every table check passes. */
  flags: AccessFlag[];
  /** Every table or view occurrence as a relation, in text order (absent: none). */
  references?: TableReference[];
  /** The reads made inside views, before they are merged into `tables` (absent: none). */
  viewReads?: TableAccess[];
}

export type AccessFlag = 'timeTravel' | 'executesStatement' | 'tableFunction' | 'showStats';

export interface SessionContext {
  catalog?: string;
  schema?: string;
}

/**
 * What reading a view reads underneath, as the engine itself expanded it (recursively through
 * nested views): every underlying table or view with the columns its definition references and
 * the identity the engine reads it as.
 */
export interface ViewExpansion {
  reads: Array<{
    table: QualifiedName;
    columns: string[];
    /** Absent: read as the caller (invoker views). Otherwise the view owner whose rights apply. */
    viewOwner?: string;
  }>;
}

/**
 * A view's stored definition, for applying row filters and column masks inside it: the text as
 * the engine keeps it, the columns reading the view gives, and the columns its text gives when run
 * in the view's own catalog and schema (undefined when it does not run there: the engine resolved
 * its names elsewhere).
 */
export interface ViewDefinition {
  sql: string;
  columns: Array<{ name: string; type: string }>;
  bodyColumns?: Array<{ name: string; type: string }>;
}

export interface MetadataProvider {
  /** Real column names of a table or view, in order; undefined when the table does not exist. */
  columnsOf(table: QualifiedName): Promise<string[] | undefined>;
  /**
   * The expansion of a view (undefined for a table). A provider without it treats every relation
   * as a table: only for engines that have no views.
   */
  viewOf?(table: QualifiedName): Promise<ViewExpansion | undefined>;
  /** A view's stored definition (undefined for a table, or an engine that cannot give it). */
  viewDefinitionOf?(table: QualifiedName): Promise<ViewDefinition | undefined>;
  /** The users running a query id on the backends (for kill_query); empty when none has it. */
  queryOwners?(queryId: string): Promise<string[]>;
  /** Columns with their Trino types, in order (for row filters and column masks); undefined when the table does not exist. */
  columnTypesOf?(table: QualifiedName): Promise<Array<{ name: string; type: string }> | undefined>;
  /** The Trino type of an expression over a table, as the engine serving it types it; undefined when that engine does not. */
  expressionTypeOf?(table: QualifiedName, expression: string): Promise<string | undefined>;
}
