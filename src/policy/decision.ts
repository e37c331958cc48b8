/**
 * Authorization of one analyzed statement against Trino file-based access control rules, with
 * Trino's semantics (FileBasedSystemAccessControl) and denial messages, plus gateway fail-closed
 * additions where a proxy cannot do what the engine does:
 *
 * - Every check a statement needs is evaluated (for explain-access and history); the decision is
 *   denied when any check is denied, and `message` is the first denial (Trino's text).
 * - Defaults when a section is absent vs. present-with-no-match follow ACCESS-CONTROL.md 1.2.
 * - Fail closed: an unknown statement kind, privilege or flag; a wrapper whose inner statement kind
 *   is unknown; SET ROLE to a named role (the gateway takes no
 *   roles from clients); an unqualified function under an X-Trino-Path unless every path schema
 *   allows it (the gateway cannot tell builtins from catalog functions); reads of system.runtime
 *   without system_information read; a kill_query whose query id is not a string literal.
 */
import type { AccessRequest, QualifiedName, StatementKind, TableAccess } from '../sql/analyzer/types.js';
import {
  catalogRules,
  checkImpersonation,
  type AccessRules,
  type CatalogAccessMode,
  type QueryAccessMode,
  type SubjectPatterns,
  type SystemInformationMode,
  type TablePrivilege,
  type TableRule,
} from './file-rules.js';

export interface Decision {
  allowed: boolean;
  /** Trino-style message for the first denial, e.g. "Access Denied: Cannot select from columns [c_phone] in table or view demo.tpch.customer" */
  message?: string;
  /** every check made, in order, with the rule that decided it (section + index, or 'default: <reason>') — for explain-access and history */
  checks: Array<{ check: string; resource: string; allowed: boolean; decidedBy: string }>;
}

export type DecisionCheck = Decision['checks'][number];

export interface AccessIdentity {
  /** The session user (after impersonation). */
  user: string;
  groups: readonly string[];
  /** Enabled roles; none unless the gateway establishes them (role rules then never match). */
  roles?: readonly string[];
  /** The user before SET SESSION AUTHORIZATION / impersonation (defaults to `user`). */
  originalUser?: string;
}

/** Session state that changes what a statement means; everything here must also be in the cache key. */
export interface AuthorizeContext {
  /** Session catalog/schema (X-Trino-Catalog / X-Trino-Schema), used to qualify function names. */
  catalog?: string;
  schema?: string;
  /** X-Trino-Path: unqualified function names may resolve to its schemas (see sqlPath). */
  path?: string;
  /** Session properties carried in X-Trino-Session: Trino re-checks them for every statement. */
  sessionProperties?: ReadonlyArray<{ name: string; catalog?: string }>;
  /** New owner for ALTER SCHEMA/TABLE/VIEW ... SET AUTHORIZATION (default: the AccessRequest's). */
  authorizationTarget?: { type: 'USER' | 'ROLE'; name: string };
  /** Groups of a user other than the caller (a definer view's owner), as Trino's group provider gives them. */
  groupsOf?: (user: string) => readonly string[];
  /** Who runs each query id a kill_query names (looked up on the backends; empty: not found). */
  queryOwners?: ReadonlyMap<string, readonly string[]>;
}

// ------------------------------------------------------------------ statement kinds

const WRAPPER_KINDS: ReadonlySet<StatementKind> = new Set(['execute', 'executeImmediate', 'describeInput', 'describeOutput', 'explain', 'explainAnalyze']);

/** Kinds whose checks are fully described by the access lists (plus the kind-specific ones below). */
const KNOWN_KINDS: ReadonlySet<string> = new Set<StatementKind>([
  'query', 'insert', 'delete', 'truncate', 'update', 'merge', 'createTable', 'createTableAsSelect', 'createView',
  'createMaterializedView', 'refreshMaterializedView', 'dropTable', 'dropView', 'dropMaterializedView', 'createSchema',
  'dropSchema', 'renameSchema', 'setSchemaAuthorization', 'renameTable', 'addColumn', 'dropColumn', 'renameColumn',
  'alterColumn', 'setTableProperties', 'setTableAuthorization', 'alterTableExecute', 'renameView', 'setViewAuthorization',
  'renameMaterializedView', 'setMaterializedViewProperties', 'comment', 'analyze', 'showCatalogs', 'showSchemas',
  'showTables', 'showColumns', 'describe', 'showCreateTable', 'showCreateView', 'showCreateMaterializedView',
  'showCreateSchema', 'showStats', 'showFunctions', 'showSession', 'showRoles', 'showCurrentRoles', 'showRoleGrants',
  'showGrants', 'use', 'setSession', 'resetSession', 'setRole', 'setSessionAuthorization', 'resetSessionAuthorization',
  'setPath', 'setTimeZone', 'startTransaction', 'commit', 'rollback', 'prepare', 'deallocate', 'call', 'grant', 'revoke',
  'deny', 'createRole', 'dropRole', 'grantRoles', 'revokeRoles', 'createFunction', 'dropFunction',
]);

const KNOWN_FLAGS: ReadonlySet<string> = new Set(['timeTravel', 'executesStatement', 'tableFunction', 'showStats']);

const TABLE_CREATING_KINDS: ReadonlySet<string> = new Set(['createTable', 'createTableAsSelect', 'createView', 'createMaterializedView']);

/** Trino's file-based access control denies all role management. */
const ROLE_MANAGEMENT: Readonly<Record<string, string>> = {
  createRole: 'Cannot create role',
  dropRole: 'Cannot drop role',
  grantRoles: 'Cannot grant roles',
  revokeRoles: 'Cannot revoke roles',
};

/** Builtin table functions (system.builtin); any other unqualified table function is a catalog one. */
const BUILTIN_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['sequence', 'exclude_columns']);

// ------------------------------------------------------------------ matching

function subjectMatches(rule: SubjectPatterns, id: AccessIdentity): boolean {
  if (rule.user && !rule.user.test(id.user)) return false;
  if (rule.role && !(id.roles ?? []).some((r) => rule.role!.test(r))) return false;
  if (rule.group && !id.groups.some((g) => rule.group!.test(g))) return false;
  return true;
}

function opt(re: RegExp | undefined, value: string): boolean {
  return re === undefined || re.test(value);
}

/** The first tables rule matching the identity and table (the one that supplies privileges, filter and masks). */
export function firstTableRule(rules: AccessRules, id: AccessIdentity, q: QualifiedName): TableRule | undefined {
  return rules.tables?.find((r) => subjectMatches(r, id) && opt(r.catalog, q.catalog) && opt(r.schema, q.schema) && opt(r.table, q.name));
}

const ACCESS_RANK: Record<CatalogAccessMode, number> = { none: 0, 'read-only': 1, all: 2 };

function display(q: QualifiedName): string {
  return `${q.catalog}.${q.schema}.${q.name}`;
}

function list(columns: readonly string[]): string {
  return `[${[...columns].sort().join(', ')}]`;
}

interface Verdict {
  allowed: boolean;
  decidedBy: string;
}

// ------------------------------------------------------------------ the evaluator

class Evaluator {
  readonly checks: DecisionCheck[] = [];
  message: string | undefined;
  private readonly catalogCache = new Map<string, { mode: CatalogAccessMode; decidedBy: string }>();
  private readonly tableCache = new Map<string, { rule: TableRule | null; decidedBy: string }>();

  constructor(
    readonly rules: AccessRules,
    readonly id: AccessIdentity,
    readonly ctx: AuthorizeContext,
  ) {}

  record(check: string, resource: string, verdict: Verdict, denial: string): boolean {
    this.checks.push({ check, resource, allowed: verdict.allowed, decidedBy: verdict.decidedBy });
    if (!verdict.allowed && this.message === undefined) this.message = `Access Denied: ${denial}`;
    return verdict.allowed;
  }

  deny(check: string, resource: string, decidedBy: string, denial: string): false {
    this.record(check, resource, { allowed: false, decidedBy }, denial);
    return false;
  }

  note(check: string, resource: string, decidedBy: string): void {
    this.checks.push({ check, resource, allowed: true, decidedBy });
  }

  // -------------------------------------------------------------- catalogs

  catalogAccess(catalog: string): { mode: CatalogAccessMode; decidedBy: string } {
    let hit = this.catalogCache.get(catalog);
    if (hit) return hit;
    const rules = catalogRules(this.rules);
    if (!rules) hit = { mode: 'all', decidedBy: 'default: catalogs section absent (all access)' };
    else {
      const rule = rules.find((r) => subjectMatches(r, this.id) && opt(r.catalog, catalog));
      hit = rule ? { mode: rule.allow, decidedBy: `${rule.path} (${rule.allow})` } : { mode: 'none', decidedBy: 'default: no catalogs rule matched (deny)' };
    }
    this.catalogCache.set(catalog, hit);
    return hit;
  }

  hasCatalogAccess(catalog: string, required: CatalogAccessMode): Verdict & { mode: CatalogAccessMode } {
    const { mode, decidedBy } = this.catalogAccess(catalog);
    return { allowed: ACCESS_RANK[mode] >= ACCESS_RANK[required], decidedBy, mode };
  }

  // -------------------------------------------------------------- tables

  tableRule(q: QualifiedName): { rule: TableRule | null; decidedBy: string } {
    const key = `${q.catalog}\u0000${q.schema}\u0000${q.name}`;
    let hit = this.tableCache.get(key);
    if (hit) return hit;
    if (!this.rules.tables) hit = { rule: null, decidedBy: 'default: tables section absent (all privileges)' };
    else {
      const rule = firstTableRule(this.rules, this.id, q);
      hit = rule ? { rule, decidedBy: rule.path } : { rule: null, decidedBy: 'default: no tables rule matched (deny)' };
    }
    this.tableCache.set(key, hit);
    return hit;
  }

  /**
   * Trino's checkTablePermission: information_schema is exempt (for reads); the catalog gate
   * comes first (reads need read-only, writes and ownership need all); then the first matching
   * table rule's privileges decide.
   */
  tablePermission(q: QualifiedName, test: (p: ReadonlySet<TablePrivilege>) => boolean, write: boolean): Verdict & { rule: TableRule | null } {
    if (!write && q.schema === 'information_schema') return { allowed: true, decidedBy: 'default: information_schema tables are exempt from table rules', rule: null };
    const cat = this.hasCatalogAccess(q.catalog, write ? 'all' : 'read-only');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access ${write ? 'all' : 'read-only'} required`, rule: null };
    const { rule, decidedBy } = this.tableRule(q);
    if (!this.rules.tables) return { allowed: true, decidedBy, rule: null };
    if (!rule) return { allowed: false, decidedBy, rule: null };
    const ok = test(rule.privileges);
    return { allowed: ok, decidedBy: `${decidedBy} (privileges: ${[...rule.privileges].join(', ') || 'none'})`, rule };
  }

  /**
   * A read inside a SECURITY DEFINER view, checked as the view owner the way Trino's ViewAccessControl
   * does (FileBasedSystemAccessControl.checkCanCreateViewWithSelectFromColumns): catalog access all,
   * SELECT on the columns, and GRANT_SELECT on the table.
   */
  viewOwnerSelect(t: TableAccess, owner: string): void {
    const name = display(t.table);
    const resource = `${name} ${list(t.columns)} as view owner ${owner}`;
    // Trino's ViewAccessControl rewrites the owner's denial (verified against Trino 483).
    const OWNER = 'View owner does not have sufficient privileges: ';
    const ownerEv = new Evaluator(this.rules, { user: owner, groups: this.ctx.groupsOf?.(owner) ?? [] }, this.ctx);
    const cat = ownerEv.hasCatalogAccess(t.table.catalog, 'all');
    if (!cat.allowed) {
      this.deny('CreateViewWithSelectFromColumns', resource, `${cat.decidedBy}: catalog access all required`, `${OWNER}Cannot select from table ${name}`);
      return;
    }
    if (t.table.schema === 'information_schema') {
      this.note('CreateViewWithSelectFromColumns', resource, 'default: information_schema tables are exempt from table rules');
      return;
    }
    const { rule, decidedBy } = ownerEv.tableRule(t.table);
    if (!this.rules.tables) this.note('CreateViewWithSelectFromColumns', resource, decidedBy);
    else if (!rule || !(rule.privileges.has('SELECT') || rule.privileges.has('GRANT_SELECT')) || t.columns.some((c) => rule.deniedColumns.has(c))) {
      this.deny('CreateViewWithSelectFromColumns', resource, decidedBy, `${OWNER}Cannot select from table ${name}`);
    } else if (!rule.privileges.has('GRANT_SELECT')) {
      this.deny('CreateViewWithSelectFromColumns', resource, `${decidedBy} (no GRANT_SELECT)`, `${OWNER}View owner '${owner}' cannot create view that selects from ${name}`);
    } else this.note('CreateViewWithSelectFromColumns', resource, decidedBy);
    if (t.table.catalog === 'system' && t.table.schema === 'runtime') {
      this.record('ReadSystemInformation', name, checkSystemInformation(this.rules, { user: owner, groups: [] }, 'read'), `Cannot read system information`);
    }
  }

  select(t: TableAccess): void {
    if (t.viewOwner !== undefined) {
      this.viewOwnerSelect(t, t.viewOwner);
      return;
    }
    const name = display(t.table);
    const resource = `${name} ${list(t.columns)}`;
    const v = this.tablePermission(t.table, (p) => p.has('SELECT') || p.has('GRANT_SELECT'), false);
    const rule = v.rule;
    if (!v.allowed || !rule) {
      this.record('SelectFromColumns', resource, v, `Cannot select from table ${name}`);
    } else {
      const denied = t.columns.filter((c) => rule.deniedColumns.has(c));
      if (denied.length > 0) {
        // Trino names the table, not the columns, when a column restriction denies the read.
        this.deny('SelectFromColumns', resource, `${rule.path}: columns ${list(denied)} have allow: false`, `Cannot select from table ${name}`);
      } else this.record('SelectFromColumns', resource, v, '');
    }
    if (t.table.catalog === 'system' && t.table.schema === 'runtime') {
      // Other users' query text, nodes, tasks: Trino filters these rows per user; a gateway cannot.
      this.record('ReadSystemInformation', name, this.systemInformation('read'), `Cannot read system information`);
    }
  }

  /** INSERT / DELETE / UPDATE on a table: the privilege itself (what a row filter or mask on it refuses: filter-mask/rewrite.ts). */
  write(check: string, t: TableAccess, privilege: TablePrivilege, denial: string): void {
    this.record(check, display(t.table), this.tablePermission(t.table, (p) => p.has(privilege), true), denial);
  }

  ownership(check: string, q: QualifiedName, denial: string): boolean {
    return this.record(check, display(q), this.tablePermission(q, (p) => p.has('OWNERSHIP'), true), denial);
  }

  anyPrivilege(check: string, q: QualifiedName, denial: string): boolean {
    return this.record(check, display(q), this.tablePermission(q, (p) => p.size > 0, false), denial);
  }

  // -------------------------------------------------------------- schemas

  /** Trino's isSchemaOwner: catalog access all, then the first matching schema rule's owner flag. */
  schemaOwner(catalog: string, schema: string): Verdict {
    const cat = this.hasCatalogAccess(catalog, 'all');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access all required` };
    if (!this.rules.schemas) return { allowed: true, decidedBy: 'default: schemas section absent (everyone is owner)' };
    const rule = this.rules.schemas.find((r) => subjectMatches(r, this.id) && opt(r.catalog, catalog) && opt(r.schema, schema));
    if (!rule) return { allowed: false, decidedBy: 'default: no schemas rule matched (not owner)' };
    return { allowed: rule.owner, decidedBy: `${rule.path} (owner: ${rule.owner})` };
  }

  /**
   * Trino's checkAnySchemaAccess (SHOW TABLES / SHOW FUNCTIONS): catalog read access and ANY rule
   * (not the first) that could grant something inside the schema: a schemas rule with owner: true,
   * or a tables / functions / procedures rule with at least one privilege. An absent schemas or
   * tables section is Trino's allow-all rule, so the schema is visible.
   */
  schemaVisible(catalog: string, schema: string): Verdict {
    const cat = this.hasCatalogAccess(catalog, 'read-only');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access read-only required` };
    if (!this.rules.schemas) return { allowed: true, decidedBy: 'default: schemas section absent (everyone is owner)' };
    if (!this.rules.tables) return { allowed: true, decidedBy: 'default: tables section absent (all privileges)' };
    const here = (r: SubjectPatterns & { catalog?: RegExp; schema?: RegExp }) => subjectMatches(r, this.id) && opt(r.catalog, catalog) && opt(r.schema, schema);
    const hit =
      this.rules.schemas.find((r) => r.owner && here(r)) ??
      this.rules.tables.find((r) => r.privileges.size > 0 && here(r)) ??
      (this.rules.functions ?? []).find((r) => r.privileges.size > 0 && here(r)) ??
      (this.rules.procedures ?? []).find((r) => r.privileges.size > 0 && here(r));
    return hit ? { allowed: true, decidedBy: `${hit.path} grants something in the schema` } : { allowed: false, decidedBy: 'default: no rule grants anything in the schema' };
  }

  /** Trino's checkAnyCatalogAccess (SHOW SCHEMAS): read access and any rule granting something in the catalog. */
  catalogVisible(catalog: string): Verdict {
    const cat = this.hasCatalogAccess(catalog, 'read-only');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access read-only required` };
    if (!this.rules.schemas || !this.rules.tables || !this.rules.catalogSessionProperties) return { allowed: true, decidedBy: 'default: a schemas, tables or catalog_session_properties section is absent (allow-all rule)' };
    const here = (r: SubjectPatterns & { catalog?: RegExp }) => subjectMatches(r, this.id) && opt(r.catalog, catalog);
    const hit =
      this.rules.schemas.find((r) => r.owner && here(r)) ??
      this.rules.tables.find((r) => r.privileges.size > 0 && here(r)) ??
      this.rules.catalogSessionProperties.find((r) => r.allow && here(r)) ??
      (this.rules.functions ?? []).find((r) => r.privileges.size > 0 && here(r)) ??
      (this.rules.procedures ?? []).find((r) => r.privileges.size > 0 && here(r));
    return hit ? { allowed: true, decidedBy: `${hit.path} grants something in the catalog` } : { allowed: false, decidedBy: 'default: no rule grants anything in the catalog' };
  }

  // -------------------------------------------------------------- routines, properties, identity

  functionPermission(catalog: string, schema: string, fn: string, kind: 'functions' | 'procedures', privilege: 'EXECUTE' | 'OWNERSHIP' = 'EXECUTE'): Verdict {
    if (catalog === 'system' && schema === 'builtin' && privilege === 'EXECUTE') return { allowed: true, decidedBy: 'builtin: system.builtin is always allowed' };
    const cat = this.hasCatalogAccess(catalog, 'read-only');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access read-only required` };
    const rules = kind === 'functions' ? this.rules.functions : this.rules.procedures;
    if (!rules) return { allowed: false, decidedBy: `default: ${kind} section absent (only system.builtin)` };
    const rule =
      kind === 'functions'
        ? this.rules.functions!.find((r) => subjectMatches(r, this.id) && opt(r.catalog, catalog) && opt(r.schema, schema) && opt(r.function, fn))
        : this.rules.procedures!.find((r) => subjectMatches(r, this.id) && opt(r.catalog, catalog) && opt(r.schema, schema) && opt(r.procedure, fn));
    if (!rule) return { allowed: false, decidedBy: `default: no ${kind} rule matched (deny)` };
    const ok = (rule.privileges as ReadonlySet<string>).has(privilege);
    return { allowed: ok, decidedBy: `${rule.path} (privileges: ${[...rule.privileges].join(', ') || 'none'})` };
  }

  systemSessionProperty(name: string): Verdict {
    if (!this.rules.systemSessionProperties) return { allowed: true, decidedBy: 'default: system_session_properties section absent (allowed)' };
    const rule = this.rules.systemSessionProperties.find((r) => subjectMatches(r, this.id) && opt(r.property, name));
    if (!rule) return { allowed: false, decidedBy: 'default: no system_session_properties rule matched (deny)' };
    return { allowed: rule.allow, decidedBy: rule.path };
  }

  catalogSessionProperty(catalog: string, name: string): Verdict {
    const cat = this.hasCatalogAccess(catalog, 'read-only');
    if (!cat.allowed) return { allowed: false, decidedBy: `${cat.decidedBy}: catalog access read-only required` };
    if (!this.rules.catalogSessionProperties) return { allowed: true, decidedBy: 'default: catalog_session_properties section absent (allowed)' };
    const rule = this.rules.catalogSessionProperties.find((r) => subjectMatches(r, this.id) && opt(r.catalog, catalog) && opt(r.property, name));
    if (!rule) return { allowed: false, decidedBy: 'default: no catalog_session_properties rule matched (deny)' };
    return { allowed: rule.allow, decidedBy: rule.path };
  }

  systemInformation(mode: SystemInformationMode): Verdict {
    return checkSystemInformation(this.rules, this.id, mode);
  }

  executeQuery(): Verdict {
    return queryAccess(this.rules, this.id, 'execute');
  }
}

// ------------------------------------------------------------------ query / system information helpers

function queryAccess(rules: AccessRules, id: AccessIdentity, mode: QueryAccessMode, owner?: string): Verdict {
  if (mode !== 'execute' && owner !== undefined && owner === id.user) return { allowed: true, decidedBy: 'default: users may always view and kill their own queries' };
  if (!rules.queries) return { allowed: true, decidedBy: 'default: queries section absent (allowed)' };
  for (const r of rules.queries) {
    if (!subjectMatches(r, id)) continue;
    if (r.queryOwner && (owner === undefined || !r.queryOwner.test(owner))) continue;
    return { allowed: r.allow.has(mode), decidedBy: `${r.path} (allow: ${[...r.allow].join(', ') || 'none'})` };
  }
  return { allowed: false, decidedBy: 'default: no queries rule matched (deny)' };
}

/** Trino's checkCanViewQueryOwnedBy / checkCanKillQueryOwnedBy (users may always see/kill their own). */
export function checkQueryAccess(rules: AccessRules, identity: AccessIdentity, mode: 'view' | 'kill', queryOwner: string): { allowed: boolean; decidedBy: string } {
  return queryAccess(rules, identity, mode, queryOwner);
}

/** Trino's checkCanRead/WriteSystemInformation: denied for everyone when the section is absent. */
export function checkSystemInformation(rules: AccessRules, identity: AccessIdentity, mode: SystemInformationMode): { allowed: boolean; decidedBy: string } {
  if (!rules.systemInformation) return { allowed: false, decidedBy: 'default: system_information section absent (deny)' };
  const rule = rules.systemInformation.find((r) => opt(r.user, identity.user) && (r.role === undefined || (identity.roles ?? []).some((x) => r.role!.test(x))));
  if (!rule) return { allowed: false, decidedBy: 'default: no system_information rule matched (deny)' };
  return { allowed: rule.allow.has(mode), decidedBy: `${rule.path} (allow: ${[...rule.allow].join(', ') || 'none'})` };
}

/**
 * Trino's authorization rules for ALTER ... SET AUTHORIZATION (the object's OWNERSHIP is checked
 * separately). Absent section: denied (Trino evaluates an empty rule list).
 */
export function checkSetAuthorization(rules: AccessRules, identity: AccessIdentity, target: { type: 'USER' | 'ROLE'; name: string }): { allowed: boolean; decidedBy: string } {
  if (!rules.authorization) return { allowed: false, decidedBy: 'default: authorization section absent (deny)' };
  for (const r of rules.authorization) {
    if (!opt(r.originalUser, identity.user)) continue;
    if (r.originalGroup && !identity.groups.some((g) => r.originalGroup!.test(g))) continue;
    if (r.originalRole && !(identity.roles ?? []).some((x) => r.originalRole!.test(x))) continue;
    const pattern = target.type === 'USER' ? r.newUser : r.newRole;
    if (!pattern || !pattern.test(target.name)) continue;
    return { allowed: r.allow, decidedBy: r.path };
  }
  return { allowed: false, decidedBy: 'default: no authorization rule matched (deny)' };
}

// ------------------------------------------------------------------ name resolution for routines

interface Routine {
  catalog: string;
  schema: string;
  name: string;
}

/**
 * Scalar/aggregate/window function names as the analyzer reports them (parts joined with '.'):
 * 1 part → system.builtin (with an X-Trino-Path, authorize() checks the path's schemas instead);
 * 2 parts → session catalog; 3 parts → as written. Anything else cannot be resolved (deny).
 */
function resolveFunction(name: string, ctx: AuthorizeContext): Routine | string {
  const parts = name.split('.');
  if (parts.length === 1) return { catalog: 'system', schema: 'builtin', name };
  if (parts.length === 2) {
    if (!ctx.catalog) return 'a 2-part function name needs a session catalog';
    return { catalog: ctx.catalog.toLowerCase(), schema: parts[0]!, name: parts[1]! };
  }
  if (parts.length === 3) return { catalog: parts[0]!, schema: parts[1]!, name: parts[2]! };
  return 'function name has too many parts';
}

/**
 * Table function names: the analyzer qualifies 2-part names; a 1-part name is a builtin
 * (sequence, exclude_columns) or resolves to `<session catalog>.system.<name>` — the connector
 * table functions such as `query` live there.
 */
function resolveTableFunction(name: string, ctx: AuthorizeContext): Routine | string {
  const parts = name.split('.');
  if (parts.length === 1) {
    if (BUILTIN_TABLE_FUNCTIONS.has(name)) return { catalog: 'system', schema: 'builtin', name };
    if (!ctx.catalog) return 'an unqualified table function needs a session catalog';
    return { catalog: ctx.catalog.toLowerCase(), schema: 'system', name };
  }
  if (parts.length === 3) return { catalog: parts[0]!, schema: parts[1]!, name: parts[2]! };
  return 'table function name cannot be resolved';
}

/** The schemas of X-Trino-Path other than system.builtin, or why the path cannot be read. */
function sqlPath(ctx: AuthorizeContext): Array<{ catalog: string; schema: string }> | string {
  if (ctx.path === undefined) return [];
  const out: Array<{ catalog: string; schema: string }> = [];
  for (const raw of ctx.path.split(',')) {
    const element = raw.trim();
    if (element === '') continue;
    // Plain identifiers only: quoted ones could hold commas and dots.
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(element)) return `path element '${element}' is not a plain [catalog.]schema name`;
    const parts = element.toLowerCase().split('.');
    const catalog = parts.length === 2 ? parts[0]! : ctx.catalog?.toLowerCase();
    if (catalog === undefined) return `path element '${element}' needs a session catalog`;
    const schema = parts[parts.length - 1]!;
    if (!(catalog === 'system' && schema === 'builtin')) out.push({ catalog, schema });
  }
  return out;
}

// ------------------------------------------------------------------ table checks per privilege and kind

/** `SELECT `: Trino's GRANT / REVOKE / DENY denials name the privilege. */
function privilegeOf(request: AccessRequest): string {
  return request.grantedPrivilege !== undefined ? `${request.grantedPrivilege} ` : '';
}

/** ` to USER bob`: Trino's SET AUTHORIZATION denials name the new owner. */
function newOwner(request: AccessRequest): string {
  const t = request.authorizationTarget;
  return t ? ` to ${t.type} ${t.name}` : '';
}

function tableMessages(kind: StatementKind, t: TableAccess, request: AccessRequest): { check: string; denial: string } {
  const name = display(t.table);
  const target = request.tables.find((x) => x.privilege === 'CREATE');
  const source = request.tables.find((x) => x.privilege === 'OWNERSHIP');
  const rename = (what: string) => `Cannot rename ${what} from ${source ? display(source.table) : name} to ${target ? display(target.table) : name}`;
  switch (t.privilege) {
    case 'CREATE':
      if (kind === 'renameTable') return { check: 'RenameTable', denial: rename('table') };
      if (kind === 'renameView') return { check: 'RenameView', denial: rename('view') };
      if (kind === 'renameMaterializedView') return { check: 'RenameMaterializedView', denial: rename('materialized view') };
      if (kind === 'createView') return { check: 'CreateView', denial: `Cannot create view ${name}` };
      if (kind === 'createMaterializedView') return { check: 'CreateMaterializedView', denial: `Cannot create materialized view ${name}` };
      return { check: 'CreateTable', denial: `Cannot create table ${name}` };
    case 'DROP':
      if (kind === 'dropView') return { check: 'DropView', denial: `Cannot drop view ${name}` };
      if (kind === 'dropMaterializedView') return { check: 'DropMaterializedView', denial: `Cannot drop materialized view ${name}` };
      return { check: 'DropTable', denial: `Cannot drop table ${name}` };
    case 'OWNERSHIP':
      switch (kind) {
        case 'renameTable':
          return { check: 'RenameTable', denial: rename('table') };
        case 'renameView':
          return { check: 'RenameView', denial: rename('view') };
        case 'renameMaterializedView':
          return { check: 'RenameMaterializedView', denial: rename('materialized view') };
        case 'addColumn':
          return { check: 'AddColumn', denial: `Cannot add a column to table ${name}` };
        case 'dropColumn':
          return { check: 'DropColumn', denial: `Cannot drop a column from table ${name}` };
        case 'renameColumn':
          return { check: 'RenameColumn', denial: `Cannot rename a column in table ${name}` };
        case 'alterColumn':
          return { check: 'AlterColumn', denial: `Cannot alter a column for table ${name}` };
        case 'setTableProperties':
          return { check: 'SetTableProperties', denial: `Cannot set table properties to ${name}` };
        case 'setMaterializedViewProperties':
          return { check: 'SetMaterializedViewProperties', denial: `Cannot set properties of materialized view ${name}` };
        case 'setTableAuthorization':
          return { check: 'SetTableAuthorization', denial: `Cannot set authorization for table ${name}${newOwner(request)}` };
        case 'setViewAuthorization':
          return { check: 'SetViewAuthorization', denial: `Cannot set authorization for view ${name}${newOwner(request)}` };
        case 'comment':
          return t.columns.length > 0 ? { check: 'SetColumnComment', denial: `Cannot comment column to ${name}` } : { check: 'SetTableComment', denial: `Cannot comment table to ${name}` };
        case 'showCreateTable':
        case 'showCreateView':
        case 'showCreateMaterializedView':
        case 'createTable': // CREATE TABLE ... (LIKE src INCLUDING PROPERTIES)
          return { check: 'ShowCreateTable', denial: `Cannot show create table for ${name}` };
        case 'alterTableExecute':
          return { check: 'ExecuteTableProcedure', denial: `Cannot execute table procedure ${request.procedures.map((p) => p.split('.').pop()).join(', ')} on ${name}` };
        case 'grant':
          return { check: 'GrantTablePrivilege', denial: `Cannot grant privilege ${privilegeOf(request)}on table ${name}` };
        case 'revoke':
          return { check: 'RevokeTablePrivilege', denial: `Cannot revoke privilege ${privilegeOf(request)}on table ${name}` };
        case 'deny':
          return { check: 'DenyTablePrivilege', denial: `Cannot deny privilege ${privilegeOf(request)}on table ${name}` };
        default:
          return { check: 'TableOwnership', denial: `Cannot ${kind} on table ${name}: ownership required` };
      }
    case 'SHOW':
      return { check: 'ShowColumns', denial: `Cannot show columns of table ${name}` };
    case 'INSERT':
      return { check: 'InsertIntoTable', denial: `Cannot insert into table ${name}` };
    case 'DELETE':
      return kind === 'truncate' ? { check: 'TruncateTable', denial: `Cannot truncate table ${name}` } : { check: 'DeleteFromTable', denial: `Cannot delete from table ${name}` };
    case 'UPDATE':
      return kind === 'refreshMaterializedView'
        ? { check: 'RefreshMaterializedView', denial: `Cannot refresh materialized view ${name}` }
        : { check: 'UpdateTableColumns', denial: `Cannot update columns ${list(t.columns)} in table ${name}` };
    default:
      return { check: 'SelectFromColumns', denial: `Cannot select from table ${name}` };
  }
}

function tableCheck(ev: Evaluator, kind: StatementKind, t: TableAccess, request: AccessRequest): void {
  const { check, denial } = tableMessages(kind, t, request);
  switch (t.privilege) {
    case 'SELECT':
      ev.select(t);
      return;
    case 'INSERT':
    case 'DELETE':
      ev.write(check, t, t.privilege, denial);
      return;
    case 'UPDATE':
      // REFRESH MATERIALIZED VIEW needs UPDATE too (Trino's file-based checkCanRefreshMaterializedView).
      ev.write(check, t, 'UPDATE', denial);
      return;
    case 'CREATE': // the new object must be owned by the creator
    case 'DROP':
    case 'OWNERSHIP':
      ev.ownership(check, t.table, denial);
      return;
    case 'SHOW':
      if (kind === 'showGrants') {
        // Trino's SHOW GRANTS checks that the schema's tables may be listed.
        const schema = `${t.table.catalog}.${t.table.schema}`;
        ev.record('ShowTables', schema, ev.schemaVisible(t.table.catalog, t.table.schema), `Cannot show tables of schema ${schema}`);
      } else ev.anyPrivilege(check, t.table, denial);
      return;
    default:
      ev.deny('Unknown', display(t.table), `gateway: unknown table privilege '${String(t.privilege)}' (fail closed)`, `Cannot access table ${display(t.table)}: unknown privilege`);
  }
}

function schemaCheck(ev: Evaluator, kind: StatementKind, s: AccessRequest['schemas'][number], request: AccessRequest): void {
  const name = `${s.catalog}.${s.schema}`;
  if (s.privilege === 'SHOW') {
    if (kind === 'use') {
      // Trino's USE: the catalog must be visible (filterCatalogs), then the schema (filterSchemas).
      if (ev.record('AccessCatalog', s.catalog, ev.catalogVisible(s.catalog), `Cannot access catalog ${s.catalog}`)) {
        ev.record('AccessSchema', name, ev.schemaVisible(s.catalog, s.schema), `Cannot access schema: ${name}`);
      }
      return;
    }
    const check = kind === 'showFunctions' ? 'ShowFunctions' : 'ShowTables';
    const denial = kind === 'showFunctions' ? `Cannot show functions of schema ${name}` : `Cannot show tables of schema ${name}`;
    ev.record(check, name, ev.schemaVisible(s.catalog, s.schema), denial);
    return;
  }
  if (s.privilege === 'OWNERSHIP' && TABLE_CREATING_KINDS.has(kind)) {
    ev.note('CreateTableInSchema', name, 'default: Trino checks table OWNERSHIP (above/below), not schema ownership, for table creation');
    return;
  }
  let check: string;
  let denial: string;
  const source = request.schemas.find((x) => x.privilege === 'OWNERSHIP');
  const target = request.schemas.find((x) => x.privilege === 'CREATE');
  switch (kind) {
    case 'createSchema':
      [check, denial] = ['CreateSchema', `Cannot create schema ${name}`];
      break;
    case 'dropSchema':
      [check, denial] = ['DropSchema', `Cannot drop schema ${name}`];
      break;
    case 'renameSchema':
      [check, denial] = ['RenameSchema', `Cannot rename schema from ${source ? `${source.catalog}.${source.schema}` : name} to ${target ? target.schema : s.schema}`];
      break;
    case 'setSchemaAuthorization':
      [check, denial] = ['SetSchemaAuthorization', `Cannot set authorization for schema ${name}${newOwner(request)}`];
      break;
    case 'showCreateSchema':
      [check, denial] = ['ShowCreateSchema', `Cannot show create schema for ${name}`];
      break;
    case 'grant':
    case 'revoke':
    case 'deny':
      [check, denial] = [`${kind[0]!.toUpperCase()}${kind.slice(1)}SchemaPrivilege`, `Cannot ${kind} privilege ${privilegeOf(request)}on schema ${name}`];
      break;
    default:
      [check, denial] = ['SchemaOwnership', `Cannot ${kind} on schema ${name}: ownership required`];
  }
  if (!['CREATE', 'DROP', 'OWNERSHIP'].includes(s.privilege)) {
    ev.deny(check, name, `gateway: unknown schema privilege '${s.privilege}' (fail closed)`, `${denial}: unknown privilege`);
    return;
  }
  ev.record(check, name, ev.schemaOwner(s.catalog, s.schema), denial);
}

// ------------------------------------------------------------------ entry point

/**
 * Authorizes one analyzed statement. Every check is evaluated and recorded; the decision is
 * allowed only when every check allows. Never throws for a well-formed AccessRequest; anything it
 * does not understand is a denial.
 */
export function authorize(rules: AccessRules, identity: AccessIdentity, request: AccessRequest, context: AuthorizeContext = {}): Decision {
  const ev = new Evaluator(rules, identity, context);

  // 1. Every statement: ExecuteQuery (Trino checks it before anything else).
  ev.record('ExecuteQuery', identity.user, ev.executeQuery(), 'Cannot execute query');

  // 2. The statement kind, unwrapping EXPLAIN / EXECUTE / DESCRIBE (the lists describe the inner statement).
  let kind: StatementKind = request.kind;
  let kindOk = true;
  if (WRAPPER_KINDS.has(kind)) {
    const inner = request.innerKind;
    if (inner === undefined || WRAPPER_KINDS.has(inner) || inner === 'prepare') {
      kindOk = ev.deny(
        'StatementKind',
        `${kind}(${inner ?? '?'})`,
        'gateway: the statement inside the wrapper is not known (fail closed)',
        `Cannot ${kind} this statement: the statement it wraps is not known to the gateway`,
      );
    } else kind = inner;
  }
  if (kindOk && !KNOWN_KINDS.has(kind)) {
    kindOk = ev.deny('StatementKind', String(kind), 'gateway: statement kind not known to the access control (fail closed)', `Statement kind '${String(kind)}' is not supported by the gateway's access control`);
  }
  for (const flag of request.flags) {
    if (!KNOWN_FLAGS.has(flag)) ev.deny('StatementFlag', String(flag), 'gateway: unknown flag (fail closed)', `Statement construct '${String(flag)}' is not supported by the gateway's access control`);
  }

  // 3. Session state that changes what names mean.
  const path = sqlPath(context);
  if (typeof path === 'string') ev.deny('SetPath', context.path!, `gateway: ${path} (fail closed)`, `The SQL path (X-Trino-Path) cannot be read by the gateway: ${path}`);
  for (const p of context.sessionProperties ?? []) {
    if (p.catalog === undefined) ev.record('SetSystemSessionProperty', p.name, ev.systemSessionProperty(p.name), `Cannot set system session property ${p.name}`);
    else ev.record('SetCatalogSessionProperty', `${p.catalog}.${p.name}`, ev.catalogSessionProperty(p.catalog, p.name), `Cannot set catalog session property ${p.name}`);
  }

  // 4. Kind-specific checks.
  switch (kind) {
    case 'createRole':
    case 'dropRole':
    case 'grantRoles':
    case 'revokeRoles':
      ev.deny(
        kind[0]!.toUpperCase() + kind.slice(1),
        kind,
        'default: the file-based access control denies role management',
        request.role !== undefined && (kind === 'createRole' || kind === 'dropRole') ? `${ROLE_MANAGEMENT[kind]} ${request.role}` : ROLE_MANAGEMENT[kind]!,
      );
      break;
    case 'setRole':
      // The gateway never takes enabled roles from the client, so ALL / NONE change none of its
      // decisions; a named role is refused (fail closed: it would mean a role the gateway ignores).
      if (request.roleMode === 'ALL' || request.roleMode === 'NONE') ev.note('SetRole', request.roleMode, 'default: enabled roles are not taken from the client, so ALL / NONE change no decision');
      else ev.deny('SetRole', 'role', 'gateway: enabled roles are established by the gateway, not by SET ROLE (fail closed)', 'Cannot set role: roles are managed by the gateway');
      break;
    case 'createFunction':
    case 'dropFunction': {
      // Trino's checkCanCreateFunction / checkCanDropFunction: OWNERSHIP in the functions rules.
      const verb = kind === 'createFunction' ? 'create' : 'drop';
      const r = request.routine;
      if (!r) ev.deny(verb === 'create' ? 'CreateFunction' : 'DropFunction', '?', 'gateway: the function name is not known (fail closed)', `Cannot ${verb} function`);
      else {
        const full = `${r.catalog}.${r.schema}.${r.name}`;
        // Trino checks the catalog before the function rules.
        if (!ev.record('AccessCatalog', r.catalog, ev.hasCatalogAccess(r.catalog, 'read-only'), `Cannot access catalog ${r.catalog}`)) break;
        ev.record(verb === 'create' ? 'CreateFunction' : 'DropFunction', full, ev.functionPermission(r.catalog, r.schema, r.name, 'functions', 'OWNERSHIP'), `Cannot ${verb} function ${full}`);
      }
      break;
    }
    case 'setPath':
      ev.note('SetPath', 'path', 'default: the new path comes back as X-Trino-Path, which is checked on every statement');
      break;
    case 'setSchemaAuthorization':
    case 'setTableAuthorization':
    case 'setViewAuthorization': {
      const target = context.authorizationTarget ?? request.authorizationTarget;
      const object = kind === 'setSchemaAuthorization' ? 'schema' : kind === 'setTableAuthorization' ? 'table' : 'view';
      const schema = request.schemas.find((x) => x.privilege === 'OWNERSHIP');
      const table = request.tables.find((x) => x.privilege === 'OWNERSHIP');
      const name = kind === 'setSchemaAuthorization' ? (schema ? ` ${schema.catalog}.${schema.schema}` : '') : table ? ` ${display(table.table)}` : '';
      if (!target) ev.deny('SetAuthorization', object, 'gateway: the new owner is not known to the gateway (fail closed)', `Cannot set authorization for ${object}${name}: the new owner is not known to the gateway`);
      else ev.record('SetAuthorization', `${target.type} ${target.name}`, checkSetAuthorization(rules, identity, target), `Cannot set authorization for ${object}${name} to ${target.type} ${target.name}`);
      break;
    }
    case 'showSchemas':
      for (const c of request.catalogs) {
        if (ev.record('AccessCatalog', c, ev.hasCatalogAccess(c, 'read-only'), `Cannot access catalog ${c}`)) ev.record('ShowSchemas', c, ev.catalogVisible(c), 'Cannot show schemas');
      }
      break;
    case 'prepare':
      ev.note('Prepare', String(request.innerKind ?? '?'), 'default: PREPARE stores text; the statement is authorized when executed or described');
      break;
    case 'resetSession':
      for (const p of request.sessionProperties) ev.note('ResetSessionProperty', p.catalog ? `${p.catalog}.${p.name}` : p.name, 'default: RESET SESSION is not access-checked by Trino');
      break;
    default:
      break;
  }
  if (request.authorizationUser !== undefined || kind === 'setSessionAuthorization') {
    const from = identity.originalUser ?? identity.user;
    const to = request.authorizationUser;
    if (to === undefined) ev.deny('ImpersonateUser', '?', 'gateway: SET SESSION AUTHORIZATION without a user (fail closed)', `User ${from} cannot impersonate an unknown user`);
    else {
      const d = checkImpersonation(rules, from, identity.roles ?? [], to);
      const decidedBy = from === to ? 'default: a user may always be itself' : d.rule !== undefined ? `impersonation[${d.rule}]` : rules.impersonation ? 'default: no impersonation rule matched (deny)' : 'default: impersonation section absent (deny)';
      ev.record('ImpersonateUser', `${from} -> ${to}`, { allowed: d.allowed, decidedBy }, `User ${from} cannot impersonate user ${to}`);
    }
  }

  // CREATE TABLE ... LIKE: Trino checks each LIKE source before anything else and rewords any
  // denial (the catalog's included): columns first, then, INCLUDING PROPERTIES, SHOW CREATE TABLE.
  if (kind === 'createTable') {
    for (const t of request.tables) {
      if (t.privilege !== 'SELECT') continue;
      const name = display(t.table);
      const catalog = ev.hasCatalogAccess(t.table.catalog, 'read-only');
      const verdict = catalog.allowed ? ev.tablePermission(t.table, (p) => p.has('SELECT'), false) : catalog;
      if (!ev.record('ReferenceColumns', name, verdict, `Cannot reference columns of table ${name}`)) break;
      if (request.tables.some((o) => o.privilege === 'OWNERSHIP' && display(o.table) === name))
        ev.record('ReferenceProperties', name, ev.tablePermission(t.table, (p) => p.has('OWNERSHIP'), true), `Cannot reference properties of table ${name}`);
    }
  }

  // 5. Catalog gate for every catalog the statement resolves (read-only; writes re-check 'all' per table).
  for (const catalog of request.catalogs) {
    ev.record('AccessCatalog', catalog, ev.hasCatalogAccess(catalog, 'read-only'), `Cannot access catalog ${catalog}`);
  }

  // 6. Schemas, then tables: writes before reads (Trino checks the target during analysis and
  //    the collected column reads at the end).
  for (const s of request.schemas) schemaCheck(ev, kind, s, request);
  for (const t of request.tables) if (t.privilege !== 'SELECT') tableCheck(ev, kind, t, request);
  for (const t of request.tables) if (t.privilege === 'SELECT') tableCheck(ev, kind, t, request);

  // 7. Routines.
  for (const fn of request.functions) {
    if (!fn.includes('.') && Array.isArray(path) && path.length > 0) {
      // Trino resolves an unqualified name to a builtin first, else to the first path schema that
      // has it. The gateway does not know which names are builtins, so every path schema must allow it.
      for (const p of path) ev.record('ExecuteFunction', `${p.catalog}.${p.schema}.${fn}`, ev.functionPermission(p.catalog, p.schema, fn, 'functions'), `Cannot execute function ${fn}`);
      continue;
    }
    const r = resolveFunction(fn, context);
    if (typeof r === 'string') {
      ev.deny('ExecuteFunction', fn, `gateway: ${r} (fail closed)`, `Cannot execute function ${fn}`);
      continue;
    }
    const full = `${r.catalog}.${r.schema}.${r.name}`;
    ev.record('ExecuteFunction', full, ev.functionPermission(r.catalog, r.schema, r.name, 'functions'), `Cannot execute function ${full}`);
  }
  for (const fn of request.tableFunctions) {
    if (!fn.includes('.') && !BUILTIN_TABLE_FUNCTIONS.has(fn) && Array.isArray(path)) {
      for (const p of path) ev.record('ExecuteTableFunction', `${p.catalog}.${p.schema}.${fn}`, ev.functionPermission(p.catalog, p.schema, fn, 'functions'), `Cannot execute function ${fn}`);
    }
    const r = resolveTableFunction(fn, context);
    if (typeof r === 'string') {
      ev.deny('ExecuteTableFunction', fn, `gateway: ${r} (fail closed)`, `Cannot execute function ${fn}`);
      continue;
    }
    const full = `${r.catalog}.${r.schema}.${r.name}`;
    ev.record('ExecuteTableFunction', full, ev.functionPermission(r.catalog, r.schema, r.name, 'functions'), `Cannot execute function ${full}`);
  }
  for (const proc of request.procedures) {
    const parts = proc.split('.');
    if (parts.length !== 3) {
      ev.deny('ExecuteProcedure', proc, 'gateway: procedure name cannot be resolved (fail closed)', `Cannot execute procedure ${proc}`);
      continue;
    }
    const verdict = ev.functionPermission(parts[0]!, parts[1]!, parts[2]!, 'procedures');
    if (kind === 'alterTableExecute') {
      const table = request.tables.find((t) => t.privilege === 'OWNERSHIP');
      ev.record('ExecuteTableProcedure', proc, verdict, `Cannot execute table procedure ${parts[2]} on ${table ? display(table.table) : '?'}`);
    } else ev.record('ExecuteProcedure', proc, verdict, `Cannot execute procedure ${proc}`);
  }

  // 7b. system.runtime.kill_query: the queries section's kill rule for the target query's owner.
  for (const queryId of request.killQueries ?? []) {
    if (queryId === undefined) {
      ev.deny('KillQuery', '?', 'gateway: the query id is not a string literal (fail closed)', 'Cannot kill query');
      continue;
    }
    const owners = context.queryOwners?.get(queryId) ?? [];
    // An unknown query is answered NOT_FOUND by the access stage, as Trino's procedure does.
    if (owners.length === 0) ev.note('KillQuery', queryId, 'default: query not found');
    for (const owner of owners) ev.record('KillQueryOwnedBy', `${queryId} (owner ${owner})`, queryAccess(rules, identity, 'kill', owner), 'Cannot kill query');
  }

  // 8. Session properties set by the statement.
  if (kind !== 'resetSession') {
    for (const p of request.sessionProperties) {
      if (p.catalog === undefined) ev.record('SetSystemSessionProperty', p.name, ev.systemSessionProperty(p.name), `Cannot set system session property ${p.name}`);
      else ev.record('SetCatalogSessionProperty', `${p.catalog}.${p.name}`, ev.catalogSessionProperty(p.catalog, p.name), `Cannot set catalog session property ${p.name}`);
    }
  }

  const allowed = ev.checks.every((c) => c.allowed);
  const decision: Decision = { allowed, checks: ev.checks };
  if (!allowed) decision.message = ev.message ?? 'Access Denied';
  return decision;
}

// ------------------------------------------------------------------ metadata filtering

/** Which catalogs, schemas, tables and columns metadata may show one user (see metadataVisibility). */
export interface MetadataVisibility {
  catalog(catalog: string): boolean;
  schema(catalog: string, schema: string): boolean;
  table(table: QualifiedName): boolean;
  column(table: QualifiedName, column: string): boolean;
  /** Whether a query run by `owner` may be listed (system.runtime.queries): Trino's filterViewQueryOwnedBy. */
  query(owner: string): boolean;
}

/**
 * Trino's filterCatalogs / filterSchemas / filterTables / filterColumns of the file-based access
 * control, which decide what SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS, DESCRIBE and information_schema
 * list: a catalog (system: with catalog access) or schema when some rule grants something in it, a table when the user is the
 * schema owner or the first matching table rule has a privilege (information_schema tables
 * always), a column unless that rule denies it.
 */
export function metadataVisibility(rules: AccessRules, identity: AccessIdentity): MetadataVisibility {
  const ev = new Evaluator(rules, identity, {});
  const table = (q: QualifiedName) =>
    ev.hasCatalogAccess(q.catalog, 'read-only').allowed && (ev.schemaOwner(q.catalog, q.schema).allowed || ev.tablePermission(q, (p) => p.size > 0, false).allowed);
  return {
    // Trino lists the system catalog to everyone who may access it (verified against Trino 483).
    catalog: (catalog) => (catalog === 'system' ? ev.hasCatalogAccess(catalog, 'read-only').allowed : ev.catalogVisible(catalog).allowed),
    schema: (catalog, schema) => ev.schemaVisible(catalog, schema).allowed,
    table,
    column: (q, column) => {
      if (!ev.hasCatalogAccess(q.catalog, 'read-only').allowed) return false;
      if (q.schema === 'information_schema' || !rules.tables) return true;
      if (!ev.tablePermission(q, (p) => p.size > 0, false).allowed) return false;
      const { rule } = ev.tableRule(q);
      return rule !== null && !rule.deniedColumns.has(column);
    },
    query: (owner) => queryAccess(rules, identity, 'view', owner).allowed,
  };
}
