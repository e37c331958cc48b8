/**
 * Statement analysis: turns one Trino SQL statement into an AccessRequest listing every table read
 * or written (with the columns and privilege), every catalog, schema, function, table function,
 * procedure and session property it touches.
 *
 * Name resolution follows Trino's StatementAnalyzer:
 * - identifiers are case-insensitive (quoted or not) and lower-cased;
 * - 1-part table names take catalog and schema from the session, 2-part names the catalog; a missing
 *   session value is an error (MISSING_CATALOG_NAME / MISSING_SCHEMA_NAME), as in Trino;
 * - a 1-part table name is a CTE if a WITH in scope defines it (innermost wins; a non-recursive CTE
 *   does not see itself, so `WITH t AS (SELECT * FROM t)` reads the real table `t`);
 * - a table's fields are qualified by the name as written (or its alias) and matched by suffix, so
 *   `FROM tiny.nation` accepts `nation.n_name` and `tiny.nation.n_name`;
 * - `a.b.c` is first tried as a column `c` of a relation qualified `a.b`, then as column `b` of
 *   relation `a` with row field `c`, then as column `a` with fields `b.c`, innermost scope first at
 *   each length (Trino's tryResolveField + isColumnReference);
 * - ORDER BY names match output columns (aliases) first, then the FROM scope; GROUP BY and HAVING see
 *   only the FROM scope; lambda parameters shadow columns;
 * - every column referenced anywhere — including inside CTEs and derived tables whose outputs are
 *   never used, and every column `*` expands to — counts as read. This is what Trino records in
 *   `referencedTables` and passes to checkCanSelectFromColumns (it does not prune at analysis).
 *
 * Views: reading a view is the caller's SELECT on the view's columns, plus every read the view's
 * definition makes, as the engine itself expanded it (MetadataProvider.viewOf, recursively through
 * nested views): reads inside SECURITY INVOKER views are the caller's; reads inside SECURITY
 * DEFINER views are the owner's (checked with Trino's view-owner rules, see TableAccess.viewOwner).
 *
 * Analysis is synchronous over a metadata cache; missing metadata is fetched in parallel between
 * passes (at most a handful), so only the MetadataProvider is asynchronous.
 */
import { ErrorCodes, QueryFailure, type ErrorCode } from '../../protocol/errors.js';
import type { Expr, Ident, InlineFunction, Pos, Principal, Query, QueryBody, Relation, Spec, Statement, WindowSpec } from './ast.js';
import { notSupported, parseStatement, withStackLimit } from './parser.js';
import type {
  AccessFlag,
  AccessRequest,
  MetadataProvider,
  Privilege,
  QualifiedName,
  SessionContext,
  TableReference,
  StatementKind,
  TableAccess,
  ViewExpansion,
} from './types.js';

const MISSING_CATALOG_NAME: ErrorCode = { name: 'MISSING_CATALOG_NAME', code: 56, type: 'USER_ERROR' };
const MISSING_SCHEMA_NAME: ErrorCode = { name: 'MISSING_SCHEMA_NAME', code: 57, type: 'USER_ERROR' };
const MAX_METADATA_PASSES = 8;
const MAX_PREPARED_NESTING = 2;

function failure(code: ErrorCode, message: string, pos?: Pos): QueryFailure {
  if (!pos) return new QueryFailure(code, message);
  return new QueryFailure(code, `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

function keyOf(q: QualifiedName): string {
  return `${q.catalog}\u0000${q.schema}\u0000${q.name}`;
}

function display(q: QualifiedName): string {
  return `${q.catalog}.${q.schema}.${q.name}`;
}

// ------------------------------------------------------------------ scopes

interface BaseColumn {
  key: string;
  column: string;
}

interface Field {
  name: string | null;
  bases: BaseColumn[];
  /** Hidden from unqualified lookup (a JOIN ... USING column of one side). */
  qualifiedOnly?: boolean;
}

interface Rel {
  qual: string[] | null;
  fields: Field[];
  /** Fields unknown to the gateway (UNNEST without column aliases, table functions, pending metadata). */
  wildcard: boolean;
}

interface Cte {
  name: string;
  fields: Field[];
  wildcard: boolean;
}

class Scope {
  constructor(
    readonly parent: Scope | null,
    readonly rels: Rel[] = [],
    readonly cte?: Cte,
  ) {}
}

interface Output {
  fields: Field[];
  wildcard: boolean;
}

/** Thrown when the pass needs metadata that is not cached yet. */
class PendingMetadata extends Error {}

function hasSuffix(qual: string[], prefix: string[]): boolean {
  if (prefix.length > qual.length) return false;
  const off = qual.length - prefix.length;
  for (let i = 0; i < prefix.length; i++) if (qual[off + i] !== prefix[i]) return false;
  return true;
}

function nameOf(e: Expr): string | null {
  if (e.k === 'ref') return e.parts[e.parts.length - 1]!.value;
  if (e.k === 'deref') return e.field.value;
  return null;
}

// ------------------------------------------------------------------ the analysis of one statement

type MetaCache = Map<string, string[] | undefined>;
type ViewCache = Map<string, ViewExpansion | undefined>;

class Analysis {
  readonly reads = new Map<string, { name: QualifiedName; columns: Set<string> }>();
  readonly writes: TableAccess[] = [];
  readonly names = new Map<string, QualifiedName>();
  readonly catalogs = new Set<string>();
  readonly schemas: Array<{ catalog: string; schema: string; privilege: Privilege }> = [];
  readonly functions = new Set<string>();
  readonly tableFunctions = new Set<string>();
  readonly procedures = new Set<string>();
  readonly sessionProperties: Array<{ name: string; catalog?: string }> = [];
  readonly flags = new Set<AccessFlag>();
  readonly missing = new Map<string, QualifiedName>();
  readonly missingViews = new Map<string, QualifiedName>();
  /** Reads made inside views (see TableAccess.viewOwner). */
  readonly viewReads: TableAccess[] = [];
  readonly references: TableReference[] = [];
  /** The text being analyzed when it is not the statement itself: a prepared statement's, or EXECUTE IMMEDIATE's. */
  private source: string | undefined;
  authorizationUser?: string;
  authorizationTarget?: Principal;
  /** Query ids given to system.runtime.kill_query; undefined when not a plain string literal. */
  readonly killQueries: Array<string | undefined> = [];
  roleMode?: 'ALL' | 'NONE' | 'ROLE';
  routine?: { catalog: string; schema: string; name: string };
  /** The role CREATE / DROP ROLE names, and the privilege GRANT / REVOKE / DENY names first. */
  role?: string;
  grantedPrivilege?: string;

  constructor(
    private readonly session: SessionContext,
    private readonly meta: MetaCache,
    private readonly prepared: Map<string, string>,
    private readonly views: ViewCache | undefined,
  ) {}

  // -------------------------------------------------------------- names and metadata

  qualify(parts: Ident[], pos: Pos): QualifiedName {
    let q: QualifiedName;
    if (parts.length === 3) q = { catalog: parts[0]!.value, schema: parts[1]!.value, name: parts[2]!.value };
    else if (parts.length === 2) {
      if (!this.session.catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', pos);
      q = { catalog: this.session.catalog.toLowerCase(), schema: parts[0]!.value, name: parts[1]!.value };
    } else if (parts.length === 1) {
      if (!this.session.catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', pos);
      if (!this.session.schema) throw failure(MISSING_SCHEMA_NAME, 'Schema must be specified when session schema is not set', pos);
      q = { catalog: this.session.catalog.toLowerCase(), schema: this.session.schema.toLowerCase(), name: parts[0]!.value };
    } else throw failure(ErrorCodes.SYNTAX_ERROR, `Too many dots in table name: ${parts.map((p) => p.value).join('.')}`, pos);
    this.catalogs.add(q.catalog);
    this.names.set(keyOf(q), q);
    return q;
  }

  /** A routine body sees only its parameters. */
  private routineBody(f: InlineFunction): void {
    this.expr(f.body, new Scope(null, [{ qual: null, fields: f.params.map((p) => ({ name: p.value, bases: [] })), wildcard: false }]));
  }

  /**
   * CREATE / DROP FUNCTION names: catalog.schema.name, or schema.name in the session catalog. A bare
   * name goes to Trino's default function schema, which the gateway does not know: refused.
   */
  private qualifyRoutine(parts: Ident[], pos: Pos): { catalog: string; schema: string; name: string } {
    if (parts.length === 1) throw failure(ErrorCodes.NOT_SUPPORTED, 'The gateway needs a qualified function name (catalog.schema.name)', pos);
    const sc = this.qualifySchema(parts.slice(0, -1), pos);
    return { ...sc, name: parts[parts.length - 1]!.value };
  }

  qualifySchema(parts: Ident[], pos: Pos): { catalog: string; schema: string } {
    if (parts.length === 2) {
      this.catalogs.add(parts[0]!.value);
      return { catalog: parts[0]!.value, schema: parts[1]!.value };
    }
    if (parts.length === 1) {
      if (!this.session.catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', pos);
      const catalog = this.session.catalog.toLowerCase();
      this.catalogs.add(catalog);
      return { catalog, schema: parts[0]!.value };
    }
    throw failure(ErrorCodes.SYNTAX_ERROR, `Too many parts in schema name: ${parts.map((p) => p.value).join('.')}`, pos);
  }

  sessionSchema(pos: Pos): { catalog: string; schema: string } {
    if (!this.session.catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', pos);
    if (!this.session.schema) throw failure(MISSING_SCHEMA_NAME, 'Schema must be specified when session schema is not set', pos);
    const catalog = this.session.catalog.toLowerCase();
    this.catalogs.add(catalog);
    return { catalog, schema: this.session.schema.toLowerCase() };
  }

  /** Real columns of a table; undefined while metadata is pending (the pass will be repeated). */
  columnsOf(q: QualifiedName, pos: Pos): string[] | undefined {
    const key = keyOf(q);
    if (!this.meta.has(key)) {
      this.missing.set(key, q);
      return undefined;
    }
    const cols = this.meta.get(key);
    if (!cols) throw failure(ErrorCodes.TABLE_NOT_FOUND, `Table '${display(q)}' does not exist`, pos);
    return cols;
  }

  requireColumns(q: QualifiedName, pos: Pos): string[] {
    const cols = this.columnsOf(q, pos);
    if (!cols) throw new PendingMetadata();
    return cols;
  }

  /** Adds the reads of the view `q` (if it is one) as the engine expands it; pending metadata repeats the pass. */
  expandView(q: QualifiedName): void {
    if (!this.views) return;
    const key = keyOf(q);
    if (!this.views.has(key)) {
      this.missingViews.set(key, q);
      return;
    }
    // Not added to `catalogs`: the catalog gate of a read inside a definer view is the owner's (checked with the read).
    for (const r of this.views.get(key)?.reads ?? []) {
      this.viewReads.push({ table: r.table, privilege: 'SELECT', columns: [...new Set(r.columns)].sort(), ...(r.viewOwner !== undefined ? { viewOwner: r.viewOwner } : {}) });
    }
  }

  touch(q: QualifiedName): void {
    const key = keyOf(q);
    if (!this.reads.has(key)) this.reads.set(key, { name: q, columns: new Set() });
  }

  read(base: BaseColumn): void {
    let entry = this.reads.get(base.key);
    if (!entry) {
      entry = { name: this.names.get(base.key)!, columns: new Set() };
      this.reads.set(base.key, entry);
    }
    entry.columns.add(base.column);
  }

  write(q: QualifiedName, privilege: Privilege, columns: string[] = []): void {
    this.writes.push({ table: q, privilege, columns: [...new Set(columns)].sort() });
  }

  schema(catalog: string, schema: string, privilege: Privilege): void {
    this.catalogs.add(catalog);
    this.schemas.push({ catalog, schema, privilege });
  }

  // -------------------------------------------------------------- statements

  statement(s: Statement, nesting = 0): { kind: StatementKind; innerKind?: StatementKind } {
    switch (s.k) {
      case 'query':
        // Inline function bodies see only their parameters; their calls (and calls of the inline
        // functions themselves, as builtins) are access-checked like any call: stricter, never laxer.
        for (const f of s.functions ?? []) this.routineBody(f);
        this.query(s.query, null);
        return { kind: 'query' };
      case 'createFunction':
        this.routine = this.qualifyRoutine(s.fn.name, s.fn.pos);
        this.routineBody(s.fn);
        return { kind: 'createFunction' };
      case 'dropFunction':
        this.routine = this.qualifyRoutine(s.name, s.pos);
        return { kind: 'dropFunction' };
      case 'insert': {
        const q = this.qualify(s.table, s.pos);
        const cols = this.requireColumns(q, s.pos);
        let written = cols;
        if (s.columns) {
          written = s.columns.map((c) => {
            if (!cols.includes(c.value)) throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Insert column name does not exist in target table: ${c.value}`, c.pos);
            return c.value;
          });
        }
        this.write(q, 'INSERT', written);
        this.query(s.query, null);
        return { kind: 'insert' };
      }
      case 'delete': {
        const q = this.qualify(s.table, s.pos);
        const scope = this.targetScope(q, s.table, s.pos);
        this.write(q, 'DELETE');
        if (s.where) this.expr(s.where, scope);
        return { kind: 'delete' };
      }
      case 'truncate': {
        this.write(this.qualify(s.table, s.pos), 'DELETE');
        return { kind: 'truncate' };
      }
      case 'update': {
        const q = this.qualify(s.table, s.pos);
        const cols = this.requireColumns(q, s.pos);
        const scope = this.targetScope(q, s.table, s.pos);
        const written = s.set.map((a) => {
          if (!cols.includes(a.column.value)) throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Column '${a.column.value}' cannot be resolved`, a.column.pos);
          return a.column.value;
        });
        this.write(q, 'UPDATE', written);
        for (const a of s.set) this.expr(a.value, scope);
        if (s.where) this.expr(s.where, scope);
        return { kind: 'update' };
      }
      case 'merge':
        this.merge(s);
        return { kind: 'merge' };
      case 'createTable': {
        const q = this.qualify(s.table, s.pos);
        this.write(q, 'CREATE', s.columns.map((c) => c.value));
        this.schema(q.catalog, q.schema, 'OWNERSHIP');
        for (const like of s.likes) {
          const src = this.qualify(like.table, like.pos);
          const cols = this.requireColumns(src, like.pos);
          this.touch(src);
          for (const c of cols) this.read({ key: keyOf(src), column: c });
          if (like.includingProperties) this.write(src, 'OWNERSHIP');
        }
        for (const p of s.props) this.expr(p, new Scope(null));
        return { kind: 'createTable' };
      }
      case 'createTableAsSelect': {
        const q = this.qualify(s.table, s.pos);
        const out = this.query(s.query, null);
        const columns = s.columns ? s.columns.map((c) => c.value) : out.fields.map((f) => f.name ?? '');
        this.write(q, 'CREATE', columns.filter((c) => c !== ''));
        this.schema(q.catalog, q.schema, 'OWNERSHIP');
        for (const p of s.props) this.expr(p, new Scope(null));
        return { kind: 'createTableAsSelect' };
      }
      case 'createView': {
        const q = this.qualify(s.table, s.pos);
        const out = this.query(s.query, null);
        this.write(q, 'CREATE', out.fields.map((f) => f.name ?? '').filter((c) => c !== ''));
        this.schema(q.catalog, q.schema, 'OWNERSHIP');
        for (const p of s.props) this.expr(p, new Scope(null));
        return { kind: s.materialized ? 'createMaterializedView' : 'createView' };
      }
      case 'dropObject':
        this.write(this.qualify(s.table, s.pos), 'DROP');
        return { kind: s.kind };
      case 'refreshMaterializedView':
        this.write(this.qualify(s.table, s.pos), 'UPDATE');
        return { kind: 'refreshMaterializedView' };
      case 'createSchema': {
        const sc = this.qualifySchema(s.schema, s.pos);
        this.schema(sc.catalog, sc.schema, 'CREATE');
        for (const p of s.props) this.expr(p, new Scope(null));
        return { kind: 'createSchema' };
      }
      case 'dropSchema': {
        const sc = this.qualifySchema(s.schema, s.pos);
        this.schema(sc.catalog, sc.schema, 'DROP');
        return { kind: 'dropSchema' };
      }
      case 'renameSchema': {
        const sc = this.qualifySchema(s.schema, s.pos);
        this.schema(sc.catalog, sc.schema, 'OWNERSHIP');
        this.schema(sc.catalog, s.target.value, 'CREATE');
        return { kind: 'renameSchema' };
      }
      case 'setSchemaAuthorization': {
        const sc = this.qualifySchema(s.schema, s.pos);
        this.schema(sc.catalog, sc.schema, 'OWNERSHIP');
        this.authorizationTarget = s.principal;
        return { kind: 'setSchemaAuthorization' };
      }
      case 'alterTable': {
        const q = this.qualify(s.table, s.pos);
        if (s.principal) this.authorizationTarget = s.principal;
        this.write(q, 'OWNERSHIP', s.columns.map((c) => c.value));
        if (s.target) {
          let target = s.target;
          // Trino: a 1-part target keeps the source's catalog and schema.
          if (target.length === 1) target = [{ value: q.catalog, pos: s.pos }, { value: q.schema, pos: s.pos }, target[0]!];
          else if (target.length === 2) target = [{ value: q.catalog, pos: s.pos }, ...target];
          this.write(this.qualify(target, s.pos), 'CREATE');
        }
        if (s.procedure) this.procedures.add(`${q.catalog}.system.${s.procedure.value}`);
        for (const a of s.args) this.expr(a, s.kind === 'alterTableExecute' ? this.targetScope(q, s.table, s.pos) : new Scope(null));
        return { kind: s.kind };
      }
      case 'comment':
        this.write(this.qualify(s.table, s.pos), 'OWNERSHIP', s.column ? [s.column.value] : []);
        return { kind: 'comment' };
      case 'analyzeTable': {
        const q = this.qualify(s.table, s.pos);
        const cols = this.requireColumns(q, s.pos);
        this.touch(q);
        for (const c of cols) this.read({ key: keyOf(q), column: c });
        this.write(q, 'INSERT');
        for (const p of s.props) this.expr(p, new Scope(null));
        return { kind: 'analyze' };
      }
      case 'showCatalogs':
        return { kind: 'showCatalogs' };
      case 'showSchemas': {
        if (s.catalog) this.catalogs.add(s.catalog.value);
        else if (this.session.catalog) this.catalogs.add(this.session.catalog.toLowerCase());
        else throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set');
        return { kind: 'showSchemas' };
      }
      case 'showTables': {
        const sc = s.schema ? this.qualifySchema(s.schema, s.pos) : this.sessionSchema(s.pos);
        this.schema(sc.catalog, sc.schema, 'SHOW');
        return { kind: 'showTables' };
      }
      case 'showColumns': {
        const q = this.qualify(s.table, s.pos);
        this.columnsOf(q, s.pos); // fails for unknown tables, as Trino does
        this.write(q, 'SHOW');
        return { kind: s.kind };
      }
      case 'showCreate':
        this.write(this.qualify(s.table, s.pos), 'OWNERSHIP');
        return { kind: s.kind };
      case 'showCreateSchema': {
        const sc = this.qualifySchema(s.schema, s.pos);
        this.schema(sc.catalog, sc.schema, 'OWNERSHIP');
        return { kind: 'showCreateSchema' };
      }
      case 'showStats': {
        this.flags.add('showStats');
        if (s.query) this.query(s.query, null);
        else {
          const q = this.qualify(s.table!, s.pos);
          const cols = this.requireColumns(q, s.pos);
          this.touch(q);
          for (const c of cols) this.read({ key: keyOf(q), column: c });
        }
        return { kind: 'showStats' };
      }
      case 'showFunctions':
        if (s.schema) {
          const sc = this.qualifySchema(s.schema, s.pos);
          this.schema(sc.catalog, sc.schema, 'SHOW');
        }
        return { kind: 'showFunctions' };
      case 'showSession':
        return { kind: 'showSession' };
      case 'showRoles':
        if (s.catalog) this.catalogs.add(s.catalog.value);
        return { kind: s.kind };
      case 'showGrants':
        if (s.table) this.write(this.qualify(s.table, s.pos), 'SHOW');
        return { kind: 'showGrants' };
      case 'use': {
        const catalog = s.catalog?.value ?? this.session.catalog?.toLowerCase();
        if (!catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', s.schema.pos);
        this.schema(catalog, s.schema.value, 'SHOW');
        return { kind: 'use' };
      }
      case 'setSession': {
        if (s.name.length > 2) throw failure(ErrorCodes.INVALID_SESSION_PROPERTY, `Invalid session property '${s.name.map((p) => p.value).join('.')}'`, s.name[0]!.pos);
        if (s.name.length === 2) {
          this.catalogs.add(s.name[0]!.value);
          this.sessionProperties.push({ name: s.name[1]!.value, catalog: s.name[0]!.value });
        } else this.sessionProperties.push({ name: s.name[0]!.value });
        if (s.value) this.constant(s.value);
        return { kind: s.reset ? 'resetSession' : 'setSession' };
      }
      case 'setRole':
        if (s.catalog) this.catalogs.add(s.catalog.value);
        this.roleMode = s.mode;
        return { kind: 'setRole' };
      case 'setSessionAuthorization':
        if (s.reset) return { kind: 'resetSessionAuthorization' };
        this.authorizationUser = s.user;
        return { kind: 'setSessionAuthorization' };
      case 'setPath':
        return { kind: 'setPath' };
      case 'setTimeZone':
        if (s.value) this.constant(s.value);
        return { kind: 'setTimeZone' };
      case 'transaction':
        return { kind: s.kind };
      case 'prepare': {
        // PREPARE only hands the text back to the client (X-Trino-Added-Prepare); it is analyzed and
        // authorized when EXECUTEd or DESCRIBEd. It has been parsed (syntax errors fail here).
        const inner = s.statement;
        if (inner.k === 'prepare' || inner.k === 'execute' || inner.k === 'executeImmediate' || inner.k === 'deallocate')
          throw notSupported(`Invalid statement type for prepared statement: ${inner.k.toUpperCase()}`);
        return { kind: 'prepare', innerKind: new Analysis(this.session, this.meta, this.prepared, undefined).kindOnly(inner) };
      }
      case 'deallocate':
        return { kind: 'deallocate' };
      case 'execute':
      case 'describePrepared': {
        const text = this.prepared.get(s.name);
        if (text === undefined) throw failure(ErrorCodes.NOT_FOUND, `Prepared statement not found: ${s.name}`);
        if (nesting >= MAX_PREPARED_NESTING) throw notSupported('Nested prepared statements are not supported');
        const inner = parseStatement(text);
        if (inner.k === 'prepare' || inner.k === 'execute' || inner.k === 'executeImmediate')
          throw notSupported(`Invalid statement type for prepared statement: ${inner.k.toUpperCase()}`);
        const outer = this.source;
        this.source = text;
        const r = this.statement(inner, nesting + 1);
        this.source = outer;
        if (s.k === 'execute') {
          for (const a of s.args) this.constant(a);
          return { kind: 'execute', innerKind: r.kind };
        }
        return { kind: s.kind, innerKind: r.kind };
      }
      case 'executeImmediate': {
        if (nesting >= MAX_PREPARED_NESTING) throw notSupported('Nested prepared statements are not supported');
        const inner = parseStatement(s.sql);
        if (inner.k === 'prepare' || inner.k === 'execute' || inner.k === 'executeImmediate')
          throw notSupported(`Invalid statement type for prepared statement: ${inner.k.toUpperCase()}`);
        const outer = this.source;
        this.source = s.sql;
        const r = this.statement(inner, nesting + 1);
        this.source = outer;
        for (const a of s.args) this.constant(a);
        return { kind: 'executeImmediate', innerKind: r.kind };
      }
      case 'explain': {
        const r = this.statement(s.statement, nesting);
        if (s.analyze) this.flags.add('executesStatement');
        return { kind: s.analyze ? 'explainAnalyze' : 'explain', innerKind: r.kind };
      }
      case 'call': {
        if (s.name.length > 3) throw failure(ErrorCodes.SYNTAX_ERROR, 'Too many dots in procedure name', s.pos);
        const q = this.qualify(s.name, s.pos);
        this.procedures.add(`${q.catalog}.${q.schema}.${q.name}`);
        this.names.delete(keyOf(q));
        if (q.catalog === 'system' && q.schema === 'runtime' && q.name === 'kill_query') {
          // The query_id argument: named, or the first positional one.
          const named = s.argNames.indexOf('query_id');
          const arg = named !== -1 ? s.args[named] : s.argNames[0] === undefined ? s.args[0] : undefined;
          this.killQueries.push(arg?.k === 'lit' ? arg.text : undefined);
        }
        for (const a of s.args) this.constant(a);
        return { kind: 'call' };
      }
      case 'grant': {
        if (s.schema) {
          const sc = this.qualifySchema(s.schema, s.pos);
          this.schema(sc.catalog, sc.schema, 'OWNERSHIP');
        } else this.write(this.qualify(s.table!, s.pos), 'OWNERSHIP');
        if (s.privilege !== undefined) this.grantedPrivilege = s.privilege;
        return { kind: s.kind };
      }
      case 'roles':
        if (s.catalog) this.catalogs.add(s.catalog.value);
        if (s.role !== undefined) this.role = s.role;
        return { kind: s.kind };
    }
  }

  /** Statement kind without analysis (for PREPARE). */
  kindOnly(s: Statement): StatementKind {
    switch (s.k) {
      case 'query':
        return 'query';
      case 'dropObject':
      case 'alterTable':
      case 'showColumns':
      case 'showCreate':
      case 'showRoles':
      case 'transaction':
      case 'grant':
      case 'roles':
        return s.kind;
      case 'createView':
        return s.materialized ? 'createMaterializedView' : 'createView';
      case 'explain':
        return s.analyze ? 'explainAnalyze' : 'explain';
      case 'describePrepared':
        return s.kind;
      case 'setSession':
        return s.reset ? 'resetSession' : 'setSession';
      case 'setSessionAuthorization':
        return s.reset ? 'resetSessionAuthorization' : 'setSessionAuthorization';
      case 'analyzeTable':
        return 'analyze';
      default:
        return s.k as StatementKind;
    }
  }

  /** A scope holding the target table of a DML statement; its columns count as read only when referenced. */
  private targetScope(q: QualifiedName, written: Ident[], pos: Pos, alias?: Ident): Scope {
    const cols = this.requireColumns(q, pos);
    const key = keyOf(q);
    const rel: Rel = {
      qual: alias ? [alias.value] : written.map((p) => p.value),
      fields: cols.map((c) => ({ name: c, bases: [{ key, column: c }] })),
      wildcard: false,
    };
    return new Scope(null, [rel]);
  }

  private merge(s: Extract<Statement, { k: 'merge' }>): void {
    const q = this.qualify(s.table, s.pos);
    const cols = this.requireColumns(q, s.pos);
    const scope = this.targetScope(q, s.table, s.pos, s.alias);
    this.relation(s.source, scope);
    this.expr(s.on, scope);
    for (const c of s.clauses) {
      if (c.condition) this.expr(c.condition, scope);
      if (c.k === 'update') {
        const written = c.set.map((a) => {
          if (!cols.includes(a.column.value)) throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Merge column name does not exist in target table: ${a.column.value}`, a.column.pos);
          return a.column.value;
        });
        for (const a of c.set) this.expr(a.value, scope);
        this.write(q, 'UPDATE', written);
      } else if (c.k === 'delete') {
        this.write(q, 'DELETE');
      } else {
        const written = c.columns ? c.columns.map((x) => x.value) : cols;
        for (const w of written) if (!cols.includes(w)) throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Merge column name does not exist in target table: ${w}`, s.pos);
        for (const v of c.values) this.expr(v, scope);
        this.write(q, 'INSERT', written);
      }
    }
  }

  /** An expression that must not reference columns (session values, procedure arguments, parameters). */
  private constant(e: Expr): void {
    this.expr(e, new Scope(null));
  }

  // -------------------------------------------------------------- queries

  query(q: Query, outer: Scope | null): Output {
    let scope = outer ?? new Scope(null);
    if (q.with) scope = this.withClause(q.with, scope);
    const { out, source } = this.body(q.body, scope);
    if (q.orderBy.length > 0) {
      const outputs: Rel = { qual: null, fields: out.fields.map((f) => ({ name: f.name, bases: [] })), wildcard: false };
      const orderScope = new Scope(source ?? scope, [outputs]);
      for (const s of q.orderBy) this.expr(s.e, orderScope);
    }
    return out;
  }

  private withClause(w: NonNullable<Query['with']>, outer: Scope): Scope {
    let scope = outer;
    for (const cte of w.ctes) {
      if (w.recursive && cte.columns) {
        const self: Cte = { name: cte.name.value, fields: cte.columns.map((c) => ({ name: c.value, bases: [] })), wildcard: false };
        scope = new Scope(scope, [], self);
        this.query(cte.query, scope);
        continue;
      }
      const out = this.query(cte.query, scope);
      scope = new Scope(scope, [], { name: cte.name.value, ...this.rename(out, cte.columns, cte.name) });
    }
    return scope;
  }

  private rename(out: Output, columns: Ident[] | undefined, at: Ident | undefined, pos?: Pos): Output {
    if (!columns) return { fields: out.fields.map((f) => ({ name: f.name, bases: [] })), wildcard: out.wildcard };
    if (!out.wildcard && columns.length !== out.fields.length) {
      const p = at?.pos ?? pos;
      throw failure(ErrorCodes.GENERIC_USER_ERROR, `Column alias list has ${columns.length} entries but relation has ${out.fields.length} columns`, p);
    }
    return { fields: columns.map((c) => ({ name: c.value, bases: [] })), wildcard: false };
  }

  private body(b: QueryBody, scope: Scope): { out: Output; source?: Scope } {
    switch (b.k) {
      case 'spec':
        return this.spec(b, scope);
      case 'setop': {
        let first: Output | undefined;
        for (const t of b.terms) {
          const { out } = this.body(t, scope);
          first ??= out;
        }
        return { out: first! };
      }
      case 'table': {
        const fromScope = new Scope(scope);
        this.tableRelation({ k: 'table', name: b.name, pos: b.pos, ...(b.span ? { span: b.span } : {}) }, fromScope, true);
        const rel = fromScope.rels[0]!;
        for (const f of rel.fields) for (const base of f.bases) this.read(base);
        return { out: { fields: rel.fields.map((f) => ({ name: f.name, bases: [] })), wildcard: rel.wildcard } };
      }
      case 'values':
        for (const r of b.rows) this.expr(r, scope);
        return { out: { fields: [], wildcard: true } };
      case 'nested':
        return { out: this.query(b.query, scope) };
    }
  }

  private spec(s: Spec, outer: Scope): { out: Output; source: Scope } {
    const from = new Scope(outer);
    for (const r of s.from) this.relation(r, from);
    if (s.where) this.expr(s.where, from);
    for (const w of s.windows) this.window(w.spec, from);
    const fields: Field[] = [];
    let wildcard = false;
    for (const item of s.select) {
      if (item.k === 'expr') {
        this.expr(item.e, from);
        fields.push({ name: item.alias?.value ?? nameOf(item.e), bases: [] });
        continue;
      }
      // * and x.*
      let rels: Rel[];
      if (!item.prefix) {
        if (s.from.length === 0) throw failure(ErrorCodes.GENERIC_USER_ERROR, 'SELECT * not allowed in queries without FROM clause', item.pos);
        rels = from.rels;
      } else {
        const prefix = item.prefix.k === 'ref' ? item.prefix.parts.map((p) => p.value) : null;
        rels = prefix ? from.rels.filter((r) => r.qual !== null && hasSuffix(r.qual, prefix)) : [];
        if (rels.length > 1) throw failure(ErrorCodes.AMBIGUOUS_NAME, `'${prefix!.join('.')}' is ambiguous`, item.pos);
        if (rels.length === 0) {
          // row.* : the prefix is an expression of row type
          this.expr(item.prefix, from);
          if (item.aliases) for (const a of item.aliases) fields.push({ name: a.value, bases: [] });
          else wildcard = true;
          continue;
        }
      }
      const expanded: Field[] = [];
      for (const rel of rels) {
        if (rel.wildcard) wildcard = true;
        for (const f of rel.fields) {
          for (const base of f.bases) this.read(base);
          if (!f.qualifiedOnly || item.prefix) expanded.push({ name: f.name, bases: [] });
        }
      }
      if (item.aliases) {
        if (!wildcard && item.aliases.length !== expanded.length) throw failure(ErrorCodes.GENERIC_USER_ERROR, 'Column alias list has wrong number of entries', item.pos);
        for (const a of item.aliases) fields.push({ name: a.value, bases: [] });
      } else fields.push(...expanded);
    }
    for (const g of s.groupBy) this.expr(g, from);
    if (s.having) this.expr(s.having, from);
    return { out: { fields, wildcard }, source: from };
  }

  private window(w: WindowSpec, scope: Scope): void {
    for (const e of w.partitionBy) this.expr(e, scope);
    for (const e of w.orderBy) this.expr(e.e, scope);
    for (const e of w.frame) this.expr(e, scope);
  }

  // -------------------------------------------------------------- relations

  /** Analyzes a FROM item and appends its relations to `from` (so later items see it laterally). */
  private relation(r: Relation, from: Scope): void {
    switch (r.k) {
      case 'table':
        this.tableRelation(r, from);
        return;
      case 'subquery': {
        const out = this.query(r.query, r.lateral ? from : from.parent);
        const renamed = this.rename(out, r.columns, r.alias, r.pos);
        from.rels.push({ qual: r.alias ? [r.alias.value] : null, fields: renamed.fields, wildcard: renamed.wildcard });
        return;
      }
      case 'unnest': {
        for (const a of r.args) this.expr(a, from);
        if (r.columns) from.rels.push({ qual: r.alias ? [r.alias.value] : null, fields: r.columns.map((c) => ({ name: c.value, bases: [] })), wildcard: false });
        else from.rels.push({ qual: r.alias ? [r.alias.value] : null, fields: [], wildcard: true });
        return;
      }
      case 'jsonTable': {
        for (const a of r.args) this.expr(a, from);
        const names = r.columns ?? r.names;
        if (r.columns && r.columns.length !== r.names.length) throw failure(ErrorCodes.GENERIC_USER_ERROR, 'Column alias list has wrong number of entries', r.pos);
        from.rels.push({ qual: r.alias ? [r.alias.value] : null, fields: names.map((c) => ({ name: c.value, bases: [] })), wildcard: false });
        return;
      }
      case 'tableFunction': {
        this.flags.add('tableFunction');
        const name = this.tableFunctionName(r.name, r.pos);
        this.tableFunctions.add(name);
        // The builtin exclude_columns reads every column of its input except the ones it names.
        const descriptors = r.args.filter((a) => a.k === 'descriptor');
        const excluded =
          (name === 'exclude_columns' || name === 'system.builtin.exclude_columns') && descriptors.length === 1 && r.args.filter((a) => a.k === 'table').length === 1
            ? new Set(descriptors[0]!.names)
            : new Set<string>();
        for (const a of r.args) {
          if (a.k === 'expr') this.expr(a.e, from.parent ?? new Scope(null));
          else if (a.k === 'table') {
            const argScope = new Scope(from.parent);
            this.relation(a.rel, argScope);
            if (argScope.rels.some((rel) => rel.wildcard)) excluded.clear();
            for (const rel of argScope.rels) for (const f of rel.fields) if (!excluded.has(f.name ?? '')) for (const base of f.bases) this.read(base);
            for (const e of a.partitionBy) this.expr(e, argScope);
            for (const e of a.orderBy) this.expr(e.e, argScope);
          }
        }
        from.rels.push({
          qual: r.alias ? [r.alias.value] : null,
          fields: r.columns ? r.columns.map((c) => ({ name: c.value, bases: [] })) : [],
          wildcard: !r.columns,
        });
        return;
      }
      case 'paren': {
        const inner = new Scope(from.parent);
        this.relation(r.rel, inner);
        if (!r.alias) {
          from.rels.push(...inner.rels);
          return;
        }
        const fields = inner.rels.flatMap((x) => x.fields.filter((f) => !f.qualifiedOnly));
        const wildcard = inner.rels.some((x) => x.wildcard);
        let renamed = fields;
        if (r.columns) {
          if (!wildcard && r.columns.length !== fields.length) throw failure(ErrorCodes.GENERIC_USER_ERROR, 'Column alias list has wrong number of entries', r.pos);
          renamed = r.columns.map((c, i) => ({ name: c.value, bases: fields[i]?.bases ?? [] }));
        }
        from.rels.push({ qual: [r.alias.value], fields: renamed, wildcard });
        return;
      }
      case 'join': {
        this.relation(r.left, from);
        if (r.sample) this.expr(r.sample, new Scope(null));
        for (const j of r.joins) {
          const leftRels = from.rels.slice();
          this.relation(j.right, from);
          const rightRels = from.rels.slice(leftRels.length);
          if (j.on) this.expr(j.on, from);
          if (j.using) this.using(j.using, leftRels, rightRels, from);
        }
        return;
      }
    }
  }

  private using(columns: Ident[], left: Rel[], right: Rel[], from: Scope): void {
    const merged: Field[] = [];
    const find = (rels: Rel[], c: Ident): { rel: Rel; index: number } | null => {
      const hits: Array<{ rel: Rel; index: number }> = [];
      for (const rel of rels) rel.fields.forEach((f, index) => f.name === c.value && !f.qualifiedOnly && hits.push({ rel, index }));
      if (hits.length > 1) throw failure(ErrorCodes.AMBIGUOUS_NAME, `Column '${c.value}' is ambiguous`, c.pos);
      if (hits.length === 0 && !rels.some((r) => r.wildcard)) throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Column '${c.value}' is missing from the join input`, c.pos);
      return hits[0] ?? null;
    };
    for (const c of columns) {
      const bases: BaseColumn[] = [];
      for (const side of [left, right]) {
        const hit = find(side, c);
        if (!hit) continue;
        const f = hit.rel.fields[hit.index]!;
        bases.push(...f.bases);
        for (const b of f.bases) this.read(b);
        // hide the side's column from unqualified lookup (copy-on-write: fields may be shared with a CTE)
        hit.rel.fields = hit.rel.fields.slice();
        hit.rel.fields[hit.index] = { ...f, qualifiedOnly: true };
      }
      merged.push({ name: c.value, bases });
    }
    from.rels.push({ qual: null, fields: merged, wildcard: false });
  }

  private tableFunctionName(parts: Ident[], pos: Pos): string {
    const names = parts.map((p) => p.value);
    if (names.length === 1) return names[0]!;
    if (names.length === 2) {
      if (!this.session.catalog) throw failure(MISSING_CATALOG_NAME, 'Catalog must be specified when session catalog is not set', pos);
      names.unshift(this.session.catalog.toLowerCase());
    }
    if (names.length > 3) throw failure(ErrorCodes.SYNTAX_ERROR, 'Too many dots in table function name', pos);
    this.catalogs.add(names[0]!);
    return names.join('.');
  }

  private lookupCte(name: string, scope: Scope | null): Cte | undefined {
    for (let s = scope; s; s = s.parent) if (s.cte && s.cte.name === name) return s.cte;
    return undefined;
  }

  private tableRelation(r: Extract<Relation, { k: 'table' }>, from: Scope, queryBody = false): void {
    const written = r.name.map((p) => p.value);
    if (r.name.length === 1 && !r.timeTravel) {
      const cte = this.lookupCte(written[0]!, from);
      if (cte) {
        const renamed = this.rename({ fields: cte.fields, wildcard: cte.wildcard }, r.columns, r.alias, r.pos);
        from.rels.push({ qual: r.alias ? [r.alias.value] : written, fields: renamed.fields, wildcard: renamed.wildcard });
        return;
      }
    }
    const q = this.qualify(r.name, r.pos);
    this.references.push({
      table: q,
      ...(r.span !== undefined && !r.timeTravel ? { span: r.span } : {}),
      ...(this.source !== undefined ? { text: this.source } : {}),
      aliased: r.alias !== undefined,
      queryBody,
      ...(r.tableArgument ? { tableArgument: true } : {}),
    });
    if (r.timeTravel) {
      this.flags.add('timeTravel');
      this.expr(r.timeTravel, new Scope(null));
    }
    const cols = this.columnsOf(q, r.pos);
    this.touch(q);
    this.expandView(q);
    const qual = r.alias ? [r.alias.value] : written;
    if (!cols) {
      from.rels.push({ qual, fields: [], wildcard: true });
      return;
    }
    const key = keyOf(q);
    if (r.columns && r.columns.length !== cols.length)
      throw failure(ErrorCodes.GENERIC_USER_ERROR, `Column alias list has ${r.columns.length} entries but '${r.alias?.value}' has ${cols.length} columns available`, r.pos);
    from.rels.push({ qual, fields: cols.map((c, i) => ({ name: r.columns ? r.columns[i]!.value : c, bases: [{ key, column: c }] })), wildcard: false });
  }

  // -------------------------------------------------------------- expressions

  expr(e: Expr, scope: Scope): void {
    switch (e.k) {
      case 'ref':
        this.resolve(e.parts, scope);
        return;
      case 'deref':
        this.expr(e.base, scope);
        return;
      case 'lit':
      case 'param':
        return;
      case 'call':
        if (!e.special) this.functions.add(e.name.map((p) => p.value).join('.'));
        for (const a of e.args) this.expr(a, scope);
        for (const s of e.orderBy) this.expr(s.e, scope);
        if (e.filter) this.expr(e.filter, scope);
        if (e.window) this.window(e.window, scope);
        return;
      case 'lambda':
        this.expr(e.body, new Scope(scope, [{ qual: null, fields: e.params.map((p) => ({ name: p.value, bases: [] })), wildcard: false }]));
        return;
      case 'subquery':
        this.query(e.query, scope);
        return;
      case 'op':
        for (const a of e.args) this.expr(a, scope);
        return;
    }
  }

  /** Trino's resolution of an identifier chain: longest qualified match first, innermost scope first. */
  private resolve(parts: Ident[], scope: Scope): void {
    const names = parts.map((p) => p.value);
    // A relation with unknown fields (UNNEST without aliases, table function output) may or may not
    // define the name. Keep searching outward anyway: if an outer column has the name, Trino could be
    // resolving to it (correlation), so it is recorded as read — over-reporting, never under-reporting.
    let sawWildcard = false;
    for (let len = names.length; len >= 1; len--) {
      const column = names[len - 1]!;
      const qualifier = names.slice(0, len - 1);
      for (let s: Scope | null = scope; s; s = s.parent) {
        let hit: Field | undefined;
        let hits = 0;
        let wildcardQualified = false;
        for (const rel of s.rels) {
          if (qualifier.length > 0 && (rel.qual === null || !hasSuffix(rel.qual, qualifier))) continue;
          for (const f of rel.fields) {
            if (f.name !== column) continue;
            if (qualifier.length === 0 && f.qualifiedOnly) continue;
            hits++;
            hit = f;
          }
          if (rel.wildcard && qualifier.length > 0) wildcardQualified = true;
        }
        if (hits > 1) throw failure(ErrorCodes.AMBIGUOUS_NAME, `Column '${names.slice(0, len).join('.')}' is ambiguous`, parts[0]!.pos);
        if (hit) {
          for (const b of hit.bases) this.read(b);
          return;
        }
        if (wildcardQualified || (qualifier.length === 0 && s.rels.some((r) => r.wildcard))) sawWildcard = true;
      }
    }
    if (sawWildcard) return;
    throw failure(ErrorCodes.COLUMN_NOT_FOUND, `Column '${names.join('.')}' cannot be resolved`, parts[0]!.pos);
  }

  result(kind: StatementKind, innerKind?: StatementKind): AccessRequest {
    const reads: TableAccess[] = [...this.reads.values()].map((r) => ({ table: r.name, privilege: 'SELECT' as const, columns: [...r.columns].sort() }));
    const tables = [...this.writes, ...reads, ...this.viewReads];
    const seen = new Set<string>();
    const dedup: TableAccess[] = [];
    const accessKey = (t: TableAccess) => `${keyOf(t.table)}\u0000${t.privilege}\u0000${t.viewOwner ?? ''}`;
    for (const t of tables) {
      const k = accessKey(t);
      if (seen.has(k)) {
        const prev = dedup.find((d) => accessKey(d) === k)!;
        prev.columns = [...new Set([...prev.columns, ...t.columns])].sort();
        continue;
      }
      seen.add(k);
      dedup.push({ ...t });
    }
    // No sorting: reads stay in the order the tables were first visited, the order in which Trino
    // checks them (and so names the first one it denies).
    const schemaSeen = new Set<string>();
    const schemas = this.schemas.filter((s) => {
      const k = `${s.catalog}\u0000${s.schema}\u0000${s.privilege}`;
      if (schemaSeen.has(k)) return false;
      schemaSeen.add(k);
      return true;
    });
    const out: AccessRequest = {
      kind,
      tables: dedup,
      catalogs: [...this.catalogs].sort(),
      schemas,
      functions: [...this.functions].sort(),
      tableFunctions: [...this.tableFunctions].sort(),
      procedures: [...this.procedures].sort(),
      sessionProperties: this.sessionProperties,
      flags: [...this.flags].sort(),
    };
    if (innerKind) out.innerKind = innerKind;
    if (this.references.length > 0) out.references = this.references;
    if (this.viewReads.length > 0) out.viewReads = this.viewReads;
    if (this.authorizationUser !== undefined) out.authorizationUser = this.authorizationUser;
    if (this.authorizationTarget !== undefined) out.authorizationTarget = this.authorizationTarget;
    if (this.killQueries.length > 0) out.killQueries = this.killQueries;
    if (this.roleMode !== undefined) out.roleMode = this.roleMode;
    if (this.routine !== undefined) out.routine = this.routine;
    if (this.role !== undefined) out.role = this.role;
    if (this.grantedPrivilege !== undefined) out.grantedPrivilege = this.grantedPrivilege;
    return out;
  }
}

// ------------------------------------------------------------------ entry point

/**
 * Analyzes one statement. `prepared` holds the session's prepared statements (name → SQL, already
 * decoded from X-Trino-Prepared-Statement); EXECUTE and DESCRIBE INPUT/OUTPUT are analyzed as the
 * statement they name. Throws a QueryFailure for anything it cannot parse, classify or resolve.
 */
export async function analyze(
  sql: string,
  session: SessionContext,
  metadata: MetadataProvider,
  prepared: Map<string, string> = new Map(),
): Promise<AccessRequest> {
  const statement = parseStatement(sql);
  return analyzeStatement(statement, session, metadata, prepared);
}

export async function analyzeStatement(
  statement: Statement,
  session: SessionContext,
  metadata: MetadataProvider,
  prepared: Map<string, string> = new Map(),
): Promise<AccessRequest> {
  const meta: MetaCache = new Map();
  const views: ViewCache | undefined = metadata.viewOf ? new Map() : undefined;
  for (let pass = 0; pass < MAX_METADATA_PASSES; pass++) {
    const a = new Analysis(session, meta, prepared, views);
    let result: { kind: StatementKind; innerKind?: StatementKind } | undefined;
    let error: unknown;
    try {
      result = withStackLimit(() => a.statement(statement));
    } catch (err) {
      if (!(err instanceof PendingMetadata) && !(err instanceof QueryFailure)) throw err;
      error = err;
    }
    if (a.missing.size === 0 && a.missingViews.size === 0) {
      if (error) throw error;
      return a.result(result!.kind, result!.innerKind);
    }
    const missing = [...a.missing.entries()];
    const missingViews = [...a.missingViews.entries()];
    const [answers, expansions] = await Promise.all([
      Promise.all(missing.map(([, q]) => metadata.columnsOf(q))),
      Promise.all(missingViews.map(([, q]) => metadata.viewOf!(q))),
    ]);
    missing.forEach(([key], i) => {
      const cols = answers[i];
      meta.set(key, cols ? cols.map((c) => c.toLowerCase()) : undefined);
    });
    missingViews.forEach(([key], i) => views!.set(key, expansions[i]));
  }
  throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'Statement references too many tables to resolve');
}
