/**
 * Syntax tree for the Trino SQL dialect, reduced to what access analysis needs. Operator chains are
 * kept flat (`op` nodes with n arguments) so that long `a + b + c ...` or `x OR y OR ...` chains do
 * not produce deep trees; only real nesting (parentheses, calls, subqueries) adds depth.
 */
import type { AlterTableKind } from './types.js';

export type { AlterTableKind };

/** `LIKE pattern [ESCAPE escape]` of a SHOW statement (the literals' values). */
export interface LikePattern {
  pattern: string;
  escape?: string;
}

export interface Pos {
  line: number;
  column: number;
}

/** Source offsets [start, end) of a construct in the statement text (for rewriting it in place). */
export interface Span {
  start: number;
  end: number;
}

/** An identifier, canonicalised: lower-cased whether quoted or not (Trino resolves names case-insensitively). */
export interface Ident {
  value: string;
  pos: Pos;
}

/** The new owner in ALTER ... SET AUTHORIZATION. */
export interface Principal {
  type: 'USER' | 'ROLE';
  name: string;
}

export type Expr =
  | { k: 'ref'; parts: Ident[] }
  | { k: 'deref'; base: Expr; field: Ident }
  /** `text`: the value of a plain string literal (for procedure arguments such as kill_query's query id). */
  | { k: 'lit'; text?: string }
  | { k: 'param' }
  | { k: 'call'; name: Ident[]; args: Expr[]; orderBy: SortItem[]; filter?: Expr; window?: WindowSpec; special: boolean }
  | { k: 'lambda'; params: Ident[]; body: Expr }
  | { k: 'subquery'; query: Query }
  | { k: 'op'; args: Expr[] };

export interface SortItem {
  e: Expr;
}

export interface WindowSpec {
  existing?: Ident;
  partitionBy: Expr[];
  orderBy: SortItem[];
  frame: Expr[];
}

export interface Query {
  with?: With;
  body: QueryBody;
  orderBy: SortItem[];
  limit: Expr[];
  pos: Pos;
}

export interface With {
  recursive: boolean;
  ctes: Cte[];
}

export interface Cte {
  name: Ident;
  columns?: Ident[];
  query: Query;
}

export type QueryBody =
  | Spec
  | { k: 'setop'; terms: QueryBody[] }
  /** `span`: from TABLE to the end of the name. */
  | { k: 'table'; name: Ident[]; pos: Pos; span?: Span }
  | { k: 'values'; rows: Expr[]; pos: Pos }
  | { k: 'nested'; query: Query };

export interface Spec {
  k: 'spec';
  select: SelectItem[];
  from: Relation[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  windows: Array<{ name: Ident; spec: WindowSpec }>;
  pos: Pos;
}

export type SelectItem =
  | { k: 'expr'; e: Expr; alias?: Ident }
  | { k: 'star'; prefix?: Expr; aliases?: Ident[]; pos: Pos };

export interface Aliasing {
  alias?: Ident;
  columns?: Ident[];
}

export type Relation =
  /** `span`: the table name as written (not the alias); `tableArgument`: inside a table function's TABLE(...). */
  | ({ k: 'table'; name: Ident[]; pos: Pos; span?: Span; timeTravel?: Expr; tableArgument?: boolean } & Aliasing)
  | ({ k: 'subquery'; query: Query; lateral: boolean; pos: Pos } & Aliasing)
  | ({ k: 'unnest'; args: Expr[]; ordinality: boolean; pos: Pos } & Aliasing)
  /** JSON_TABLE: `args` are its input, PASSING and DEFAULT expressions; `names` its declared columns. */
  | ({ k: 'jsonTable'; args: Expr[]; names: Ident[]; pos: Pos } & Aliasing)
  | ({ k: 'tableFunction'; name: Ident[]; args: TableFunctionArg[]; pos: Pos } & Aliasing)
  | ({ k: 'paren'; rel: Relation; pos: Pos } & Aliasing)
  | { k: 'join'; left: Relation; joins: JoinStep[]; sample?: Expr };

export interface JoinStep {
  type: 'inner' | 'left' | 'right' | 'full' | 'cross';
  right: Relation;
  on?: Expr;
  using?: Ident[];
}

export type TableFunctionArg =
  | { k: 'expr'; e: Expr }
  | { k: 'table'; rel: Relation; partitionBy: Expr[]; orderBy: SortItem[] }
  | { k: 'descriptor'; names: string[] };

export interface ColumnDef {
  name: Ident;
}

export type MergeClause =
  | { k: 'update'; condition?: Expr; set: Array<{ column: Ident; value: Expr }> }
  | { k: 'delete'; condition?: Expr }
  | { k: 'insert'; condition?: Expr; columns?: Ident[]; values: Expr[] };

/** A SQL routine with a `RETURN expr` body (WITH FUNCTION, CREATE FUNCTION). */
export interface InlineFunction {
  name: Ident[];
  params: Ident[];
  body: Expr;
  pos: Pos;
}

export type Statement =
  | { k: 'query'; query: Query; functions?: InlineFunction[] }
  | { k: 'insert'; table: Ident[]; pos: Pos; columns?: Ident[]; query: Query }
  | { k: 'delete'; table: Ident[]; pos: Pos; where?: Expr }
  | { k: 'truncate'; table: Ident[]; pos: Pos }
  | { k: 'update'; table: Ident[]; pos: Pos; set: Array<{ column: Ident; value: Expr }>; where?: Expr }
  | { k: 'merge'; table: Ident[]; pos: Pos; alias?: Ident; source: Relation; on: Expr; clauses: MergeClause[] }
  | { k: 'createTable'; table: Ident[]; pos: Pos; columns: Ident[]; likes: Array<{ table: Ident[]; pos: Pos; includingProperties: boolean }>; props: Expr[] }
  | { k: 'createTableAsSelect'; table: Ident[]; pos: Pos; columns?: Ident[]; query: Query; props: Expr[] }
  | { k: 'createView'; table: Ident[]; pos: Pos; query: Query; materialized: boolean; props: Expr[] }
  | { k: 'dropObject'; kind: 'dropTable' | 'dropView' | 'dropMaterializedView'; table: Ident[]; pos: Pos }
  | { k: 'refreshMaterializedView'; table: Ident[]; pos: Pos }
  | { k: 'createSchema'; schema: Ident[]; pos: Pos; props: Expr[] }
  | { k: 'dropSchema'; schema: Ident[]; pos: Pos }
  | { k: 'createFunction'; fn: InlineFunction }
  | { k: 'dropFunction'; name: Ident[]; pos: Pos }
  | { k: 'renameSchema'; schema: Ident[]; pos: Pos; target: Ident }
  | { k: 'setSchemaAuthorization'; schema: Ident[]; pos: Pos; principal: Principal }
  | { k: 'alterTable'; kind: AlterTableKind; table: Ident[]; pos: Pos; columns: Ident[]; target?: Ident[]; procedure?: Ident; args: Expr[]; principal?: Principal | undefined }
  | { k: 'comment'; table: Ident[]; pos: Pos; column?: Ident; onView: boolean }
  | { k: 'analyzeTable'; table: Ident[]; pos: Pos; props: Expr[] }
  | { k: 'showCatalogs'; like?: LikePattern }
  | { k: 'showSchemas'; catalog?: Ident; like?: LikePattern }
  | { k: 'showTables'; schema?: Ident[]; pos: Pos; like?: LikePattern }
  | { k: 'showColumns'; kind: 'showColumns' | 'describe'; table: Ident[]; pos: Pos; like?: LikePattern }
  | { k: 'showCreate'; kind: 'showCreateTable' | 'showCreateView' | 'showCreateMaterializedView'; table: Ident[]; pos: Pos }
  | { k: 'showCreateSchema'; schema: Ident[]; pos: Pos }
  | { k: 'showStats'; table?: Ident[]; query?: Query; pos: Pos }
  | { k: 'showFunctions'; schema?: Ident[]; pos: Pos; like?: LikePattern }
  | { k: 'showSession'; like?: LikePattern }
  | { k: 'showRoles'; catalog?: Ident; kind: 'showRoles' | 'showCurrentRoles' | 'showRoleGrants' }
  | { k: 'showGrants'; table?: Ident[]; pos: Pos }
  | { k: 'use'; catalog?: Ident; schema: Ident }
  | { k: 'setSession'; name: Ident[]; value?: Expr; reset: boolean }
  | { k: 'setRole'; catalog?: Ident; mode: 'ALL' | 'NONE' | 'ROLE' }
  | { k: 'setSessionAuthorization'; user?: string; reset: boolean }
  | { k: 'setPath' }
  | { k: 'setTimeZone'; value?: Expr }
  | { k: 'transaction'; kind: 'startTransaction' | 'commit' | 'rollback' }
  | { k: 'prepare'; name: string; statement: Statement }
  | { k: 'deallocate'; name: string }
  | { k: 'execute'; name: string; args: Expr[] }
  | { k: 'executeImmediate'; sql: string; args: Expr[] }
  | { k: 'describePrepared'; kind: 'describeInput' | 'describeOutput'; name: string }
  | { k: 'explain'; analyze: boolean; statement: Statement }
  /** argNames: the `name =>` of each argument, if named. */
  | { k: 'call'; name: Ident[]; pos: Pos; args: Expr[]; argNames: Array<string | undefined> }
  | { k: 'grant'; kind: 'grant' | 'revoke' | 'deny'; table?: Ident[]; schema?: Ident[]; pos: Pos; privilege: string | undefined }
  | { k: 'roles'; kind: 'createRole' | 'dropRole' | 'grantRoles' | 'revokeRoles'; catalog?: Ident; role?: string };


