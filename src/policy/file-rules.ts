/**
 * Trino's file-based system access control rules (`rules.json`): a complete parser.
 *
 * Every section Trino's FileBasedSystemAccessControl reads is validated and compiled once:
 * catalogs, schemas, tables (privileges, columns with allow/mask, filter), functions, procedures,
 * system_session_properties, catalog_session_properties, queries, impersonation,
 * system_information and authorization. Anything the gateway cannot understand is refused at load
 * time with the path of the offending value (`rules.json: tables[3].table: invalid regular
 * expression ...`), never skipped: an unknown key is usually a typo, and skipping a typo'd
 * restriction would silently grant access.
 *
 * Matching conventions (Trino's, see ACCESS-CONTROL.md 1.3):
 * - every pattern is a whole-string match (Java `matcher().matches()`); an omitted pattern matches
 *   anything;
 * - `group` / `role` match when ANY of the identity's groups / enabled roles match, so a rule naming
 *   a group never matches an identity without groups;
 * - sections are ordered, first match wins; absent section vs. present-with-no-match have different
 *   defaults (implemented in decision.ts).
 *
 * Regular expressions are JavaScript regexes in unicode mode. Java-only syntax (possessive
 * quantifiers, `\Q..\E`, inline `(?i)`) does not compile and the file is refused (fail loud).
 *
 * Also exports the impersonation check with exactly the semantics of the original
 * src/policy/rules-file.ts (checkImpersonation, wholeMatch) so that file can become a re-export.
 */

import { compileExpression, ExpressionError, type RuleExpression } from './filter-mask/expression.js';

let versionCounter = 0;

/** Java-style regex matched against the whole string, as Trino matches rule patterns. */
export function wholeMatch(pattern: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (err) {
    throw new Error(`${where}: invalid regular expression '${pattern}': ${(err as Error).message}`);
  }
}

// ------------------------------------------------------------------ types

export type CatalogAccessMode = 'all' | 'read-only' | 'none';
export type TablePrivilege = 'SELECT' | 'INSERT' | 'DELETE' | 'UPDATE' | 'OWNERSHIP' | 'GRANT_SELECT';
export type FunctionPrivilege = 'EXECUTE' | 'GRANT_EXECUTE' | 'OWNERSHIP';
export type ProcedurePrivilege = 'EXECUTE' | 'GRANT_EXECUTE';
export type QueryAccessMode = 'execute' | 'view' | 'kill';
export type SystemInformationMode = 'read' | 'write';

/** Where a rule came from: `tables[3]`, and its JSON as written (for explain-access). */
export interface RuleOrigin {
  /** Section name + index, e.g. `tables[3]`; synthetic rules say so (`catalogs[implicit system rule]`). */
  path: string;
  index: number;
  source: unknown;
}

/** The user/role/group part shared by most rules; undefined patterns match anything. */
export interface SubjectPatterns {
  user?: RegExp;
  role?: RegExp;
  group?: RegExp;
}

export interface CatalogRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  allow: CatalogAccessMode;
}

export interface SchemaRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  schema?: RegExp;
  owner: boolean;
}

export interface ExpressionEnvironment {
  user?: string;
}

export interface ColumnConstraint {
  /**
   * As written: Trino matches rule column names case-sensitively against the engine's column names
   * (lower case on Trino's connectors), so `"C_PHONE"` in a rule never covers `c_phone`.
   */
  name: string;
  allow: boolean;
  mask?: string;
  /** The mask, parsed as a Trino expression at load (filter-mask/expression.ts). */
  maskExpression?: RuleExpression;
  maskEnvironment?: ExpressionEnvironment;
}

export interface TableRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  schema?: RegExp;
  table?: RegExp;
  privileges: ReadonlySet<TablePrivilege>;
  columns: ColumnConstraint[];
  /** Names (as written) of columns with `allow: false`. */
  deniedColumns: ReadonlySet<string>;
  /** Names (as written) of columns that carry a mask. */
  maskedColumns: ReadonlySet<string>;
  filter?: string;
  /** The filter, parsed as a Trino expression at load (filter-mask/expression.ts). */
  filterExpression?: RuleExpression;
  filterEnvironment?: ExpressionEnvironment;
}

export interface FunctionRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  schema?: RegExp;
  function?: RegExp;
  privileges: ReadonlySet<FunctionPrivilege>;
}

export interface ProcedureRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  schema?: RegExp;
  procedure?: RegExp;
  privileges: ReadonlySet<ProcedurePrivilege>;
}

export interface SystemSessionPropertyRule extends RuleOrigin, SubjectPatterns {
  property?: RegExp;
  allow: boolean;
}

export interface CatalogSessionPropertyRule extends RuleOrigin, SubjectPatterns {
  catalog?: RegExp;
  property?: RegExp;
  allow: boolean;
}

export interface QueryRule extends RuleOrigin, SubjectPatterns {
  queryOwner?: RegExp;
  allow: ReadonlySet<QueryAccessMode>;
}

export interface ImpersonationRule {
  originalUser: RegExp;
  originalRole?: RegExp;
  /** The new_user pattern, possibly with `$1`-style references to original_user groups. */
  newUser: string;
  allow: boolean;
  index: number;
  path?: string;
  source?: unknown;
}

export interface SystemInformationRule extends RuleOrigin {
  user?: RegExp;
  role?: RegExp;
  allow: ReadonlySet<SystemInformationMode>;
}

export interface AuthorizationRule extends RuleOrigin {
  originalUser?: RegExp;
  originalGroup?: RegExp;
  originalRole?: RegExp;
  newUser?: RegExp;
  newRole?: RegExp;
  allow: boolean;
}

/**
 * A parsed rules file. An undefined section means "absent from the file" (its documented default
 * applies); an empty array means "present, nothing matches" (deny).
 */
export interface AccessRules {
  /** Unique per parse, increasing: a reload yields a new version (decision caches key on it). */
  version: number;
  /** The file the rules came from. */
  source: string;
  /** As written, without the implicit system rule (see catalogRules()). */
  catalogs?: CatalogRule[];
  schemas?: SchemaRule[];
  tables?: TableRule[];
  functions?: FunctionRule[];
  procedures?: ProcedureRule[];
  systemSessionProperties?: SystemSessionPropertyRule[];
  catalogSessionProperties?: CatalogSessionPropertyRule[];
  queries?: QueryRule[];
  impersonation?: ImpersonationRule[];
  systemInformation?: SystemInformationRule[];
  authorization?: AuthorizationRule[];
}

/**
 * Trino appends an implicit last catalog rule giving every user `all` on catalog `system` when a
 * catalogs section is present (a rule of your own for `system` placed earlier overrides it).
 */
export const IMPLICIT_SYSTEM_CATALOG_RULE: CatalogRule = {
  path: 'catalogs[implicit system rule]',
  index: -1,
  source: { catalog: 'system', allow: 'all' },
  catalog: /^(?:system)$/u,
  allow: 'all',
};

// ------------------------------------------------------------------ validation helpers

type Json = Record<string, unknown>;

class RulesError extends Error {}

function fail(where: string, message: string): never {
  throw new RulesError(`${where}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function asObject(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, `expected an object, got ${describe(value)}`);
  return value as Json;
}

function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) fail(where, `expected an array of rules, got ${describe(value)}`);
  return value;
}

function onlyKeys(o: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) fail(where, `unknown key '${key}' (allowed: ${allowed.join(', ')})`);
  }
}

function optString(o: Json, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(`${where}.${key}`, `expected a string, got ${describe(v)}`);
  return v;
}

function optRegex(o: Json, key: string, where: string): RegExp | undefined {
  const v = optString(o, key, where);
  if (v === undefined) return undefined;
  try {
    return wholeMatch(v, `${where}.${key}`);
  } catch (err) {
    throw new RulesError((err as Error).message);
  }
}

function optBool(o: Json, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(`${where}.${key}`, `expected true or false, got ${describe(v)}`);
  return v;
}

function reqBool(o: Json, key: string, where: string): boolean {
  const v = optBool(o, key, where);
  if (v === undefined) fail(where, `missing required key '${key}'`);
  return v;
}

function enumSet<T extends string>(o: Json, key: string, allowed: readonly T[], where: string, required: boolean): Set<T> | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) fail(where, `missing required key '${key}'`);
    return undefined;
  }
  if (!Array.isArray(v)) fail(`${where}.${key}`, `expected an array of ${allowed.join(' | ')}, got ${describe(v)}`);
  const out = new Set<T>();
  v.forEach((item, i) => {
    if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item))
      fail(`${where}.${key}[${i}]`, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(item)}`);
    out.add(item as T);
  });
  return out;
}

function expression(text: string, where: string, what: string): RuleExpression {
  try {
    return compileExpression(text);
  } catch (err) {
    if (err instanceof ExpressionError) fail(where, `${what} ${err.message}`);
    throw err;
  }
}

function environment(o: Json, key: string, where: string): ExpressionEnvironment | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const env = asObject(v, `${where}.${key}`);
  onlyKeys(env, ['user'], `${where}.${key}`);
  const user = optString(env, 'user', `${where}.${key}`);
  return user === undefined ? {} : { user };
}

function subject(o: Json, where: string, withGroup = true): SubjectPatterns {
  const s: SubjectPatterns = {};
  const user = optRegex(o, 'user', where);
  const role = optRegex(o, 'role', where);
  if (user) s.user = user;
  if (role) s.role = role;
  if (withGroup) {
    const group = optRegex(o, 'group', where);
    if (group) s.group = group;
  }
  return s;
}

function assign<T extends object>(target: T, extra: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

// ------------------------------------------------------------------ sections

const SUBJECT = ['user', 'role', 'group'] as const;

type SectionParser<T> = (o: Json, where: string, index: number) => T;

function section<T>(raw: Json, key: string, parse: SectionParser<T>): T[] | undefined {
  if (raw[key] === undefined) return undefined;
  return asArray(raw[key], key).map((item, index) => {
    const where = `${key}[${index}]`;
    return parse(asObject(item, where), where, index);
  });
}

const parseCatalogRule: SectionParser<CatalogRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'catalog', 'allow'], where);
  const v = o.allow;
  let allow: CatalogAccessMode;
  // Legacy booleans are still accepted by Trino (true = all, false = none), and the Trino
  // documentation's own example uses `"allow": true`.
  if (v === true) allow = 'all';
  else if (v === false) allow = 'none';
  else if (v === 'all' || v === 'read-only' || v === 'none') allow = v;
  else if (v === undefined) fail(where, `missing required key 'allow' ("all", "read-only" or "none")`);
  else fail(`${where}.allow`, `expected "all", "read-only" or "none" (or legacy true/false), got ${JSON.stringify(v)}`);
  return assign({ path: where, index, source: o, allow, ...subject(o, where) }, { catalog: optRegex(o, 'catalog', where) });
};

const parseSchemaRule: SectionParser<SchemaRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'catalog', 'schema', 'owner'], where);
  return assign(
    { path: where, index, source: o, owner: reqBool(o, 'owner', where), ...subject(o, where) },
    { catalog: optRegex(o, 'catalog', where), schema: optRegex(o, 'schema', where) },
  );
};

const TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP', 'GRANT_SELECT'];

const parseTableRule: SectionParser<TableRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'catalog', 'schema', 'table', 'privileges', 'columns', 'filter', 'filter_environment'], where);
  const privileges = enumSet(o, 'privileges', TABLE_PRIVILEGES, where, true)!;
  const columns: ColumnConstraint[] = [];
  if (o.columns !== undefined) {
    if (!Array.isArray(o.columns)) fail(`${where}.columns`, `expected an array of column constraints, got ${describe(o.columns)}`);
    const seen = new Set<string>();
    o.columns.forEach((c, i) => {
      const cw = `${where}.columns[${i}]`;
      const col = asObject(c, cw);
      onlyKeys(col, ['name', 'allow', 'mask', 'mask_environment'], cw);
      const name = optString(col, 'name', cw);
      if (name === undefined || name === '') fail(cw, `missing required key 'name'`);
      if (seen.has(name)) fail(`${cw}.name`, `duplicate column '${name}'`);
      seen.add(name);
      const allow = optBool(col, 'allow', cw) ?? true;
      const mask = optString(col, 'mask', cw);
      const maskEnvironment = environment(col, 'mask_environment', cw);
      if (!allow && mask !== undefined) fail(cw, `a column cannot both be denied (allow: false) and masked`);
      const maskExpression = mask === undefined ? undefined : expression(mask, `${cw}.mask`, 'column mask');
      columns.push(assign({ name, allow } as ColumnConstraint, { mask, maskExpression, maskEnvironment }));
    });
  }
  const filter = optString(o, 'filter', where);
  const filterExpression = filter === undefined ? undefined : expression(filter, `${where}.filter`, 'row filter');
  const filterEnvironment = environment(o, 'filter_environment', where);
  return assign(
    {
      path: where,
      index,
      source: o,
      privileges,
      columns,
      deniedColumns: new Set(columns.filter((c) => !c.allow).map((c) => c.name)),
      maskedColumns: new Set(columns.filter((c) => c.mask !== undefined).map((c) => c.name)),
      ...subject(o, where),
    },
    {
      catalog: optRegex(o, 'catalog', where),
      schema: optRegex(o, 'schema', where),
      table: optRegex(o, 'table', where),
      filter,
      filterExpression,
      filterEnvironment,
    },
  );
};

const parseFunctionRule: SectionParser<FunctionRule> = (o, where, index) => {
  if (o.function_kinds !== undefined)
    fail(`${where}.function_kinds`, `'function_kinds' is from an older Trino release and is not supported; remove it (rules now match on catalog/schema/function)`);
  onlyKeys(o, [...SUBJECT, 'catalog', 'schema', 'function', 'privileges'], where);
  return assign(
    { path: where, index, source: o, privileges: enumSet(o, 'privileges', ['EXECUTE', 'GRANT_EXECUTE', 'OWNERSHIP'] as const, where, true)!, ...subject(o, where) },
    { catalog: optRegex(o, 'catalog', where), schema: optRegex(o, 'schema', where), function: optRegex(o, 'function', where) },
  );
};

const parseProcedureRule: SectionParser<ProcedureRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'catalog', 'schema', 'procedure', 'privileges'], where);
  return assign(
    { path: where, index, source: o, privileges: enumSet(o, 'privileges', ['EXECUTE', 'GRANT_EXECUTE'] as const, where, true)!, ...subject(o, where) },
    { catalog: optRegex(o, 'catalog', where), schema: optRegex(o, 'schema', where), procedure: optRegex(o, 'procedure', where) },
  );
};

const parseSystemSessionPropertyRule: SectionParser<SystemSessionPropertyRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'property', 'allow'], where);
  return assign({ path: where, index, source: o, allow: reqBool(o, 'allow', where), ...subject(o, where) }, { property: optRegex(o, 'property', where) });
};

const parseCatalogSessionPropertyRule: SectionParser<CatalogSessionPropertyRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'catalog', 'property', 'allow'], where);
  return assign(
    { path: where, index, source: o, allow: reqBool(o, 'allow', where), ...subject(o, where) },
    { catalog: optRegex(o, 'catalog', where), property: optRegex(o, 'property', where) },
  );
};

const parseQueryRule: SectionParser<QueryRule> = (o, where, index) => {
  onlyKeys(o, [...SUBJECT, 'queryOwner', 'allow'], where);
  const allow = enumSet(o, 'allow', ['execute', 'view', 'kill'] as const, where, true)!;
  const queryOwner = optRegex(o, 'queryOwner', where);
  // Trino refuses this combination: ownership only exists once a query runs.
  if (queryOwner && allow.has('execute')) fail(where, `a rule with 'queryOwner' cannot allow 'execute'`);
  return assign({ path: where, index, source: o, allow, ...subject(o, where) }, { queryOwner });
};

const parseImpersonationRule: SectionParser<ImpersonationRule> = (o, where, index) => {
  onlyKeys(o, ['original_user', 'original_role', 'new_user', 'allow'], where);
  const newUser = optString(o, 'new_user', where);
  if (newUser === undefined) fail(where, `missing required key 'new_user'`);
  // Validate the pattern once with the references replaced (they are substituted per check).
  optRegex({ new_user: newUser.replace(/\$\d+/g, 'x') }, 'new_user', where);
  const rule: ImpersonationRule = {
    originalUser: optRegex(o, 'original_user', where) ?? wholeMatch('.*', where),
    newUser,
    allow: optBool(o, 'allow', where) ?? true,
    index,
    path: where,
    source: o,
  };
  const role = optRegex(o, 'original_role', where);
  if (role) rule.originalRole = role;
  return rule;
};

const parseSystemInformationRule: SectionParser<SystemInformationRule> = (o, where, index) => {
  onlyKeys(o, ['user', 'role', 'allow'], where);
  return assign(
    { path: where, index, source: o, allow: enumSet(o, 'allow', ['read', 'write'] as const, where, true)! },
    { user: optRegex(o, 'user', where), role: optRegex(o, 'role', where) },
  );
};

const parseAuthorizationRule: SectionParser<AuthorizationRule> = (o, where, index) => {
  onlyKeys(o, ['original_user', 'original_group', 'original_role', 'new_user', 'new_role', 'allow'], where);
  if (o.new_user === undefined && o.new_role === undefined) fail(where, `at least one of 'new_user' or 'new_role' is required`);
  return assign(
    { path: where, index, source: o, allow: optBool(o, 'allow', where) ?? true },
    {
      originalUser: optRegex(o, 'original_user', where),
      originalGroup: optRegex(o, 'original_group', where),
      originalRole: optRegex(o, 'original_role', where),
      newUser: optRegex(o, 'new_user', where),
      newRole: optRegex(o, 'new_role', where),
    },
  );
};

const SECTIONS = [
  'catalogs',
  'schemas',
  'tables',
  'functions',
  'procedures',
  'system_session_properties',
  'catalog_session_properties',
  'queries',
  'impersonation',
  'system_information',
  'authorization',
] as const;

// ------------------------------------------------------------------ entry points

/**
 * Parses and validates a complete Trino rules.json. Throws an Error whose message starts with
 * `path:` and names the offending value (`tables[3].table`), for invalid JSON, unknown sections or
 * keys, wrong types, invalid regexes, unknown privileges and contradictory rules.
 */
/**
 * Table rule column entries that can never match: Trino matches rule column names
 * case-sensitively, and the names it (and the gateway, on every engine) compares them with are
 * lower case, so a name with an upper-case letter covers no column. One line per entry.
 */
export function unmatchableColumnRules(rules: AccessRules): string[] {
  const found: string[] = [];
  for (const rule of rules.tables ?? []) {
    rule.columns.forEach((column, i) => {
      if (column.name !== column.name.toLowerCase()) {
        found.push(`${rules.source}: ${rule.path}.columns[${i}].name '${column.name}' never matches: column names are matched case-sensitively, as Trino does, against lower-case names (write '${column.name.toLowerCase()}')`);
      }
    });
  }
  return found;
}

export function parseAccessRules(text: string, path: string): AccessRules {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    const top = asObject(raw, '(top level)');
    if (top.principals !== undefined)
      fail('principals', `the deprecated 'principals' section is not supported (it changes impersonation defaults); use 'impersonation' rules`);
    onlyKeys(top, SECTIONS, '(top level)');
    const rules: AccessRules = { version: ++versionCounter, source: path };
    return assign(rules, {
      catalogs: section(top, 'catalogs', parseCatalogRule),
      schemas: section(top, 'schemas', parseSchemaRule),
      tables: section(top, 'tables', parseTableRule),
      functions: section(top, 'functions', parseFunctionRule),
      procedures: section(top, 'procedures', parseProcedureRule),
      systemSessionProperties: section(top, 'system_session_properties', parseSystemSessionPropertyRule),
      catalogSessionProperties: section(top, 'catalog_session_properties', parseCatalogSessionPropertyRule),
      queries: section(top, 'queries', parseQueryRule),
      impersonation: section(top, 'impersonation', parseImpersonationRule),
      systemInformation: section(top, 'system_information', parseSystemInformationRule),
      authorization: section(top, 'authorization', parseAuthorizationRule),
    });
  } catch (err) {
    if (err instanceof RulesError) throw new Error(`${path}: ${err.message}`);
    throw err;
  }
}

/** Rules allowing everything except impersonation and system information (no file configured). */
export function emptyAccessRules(source = '(no rules file)'): AccessRules {
  return { version: ++versionCounter, source };
}

/** The catalog rules Trino evaluates: as written plus the implicit system rule (undefined = section absent). */
export function catalogRules(rules: AccessRules): CatalogRule[] | undefined {
  return rules.catalogs ? [...rules.catalogs, IMPLICIT_SYSTEM_CATALOG_RULE] : undefined;
}

// ------------------------------------------------------------------ impersonation (shared with identity.ts)

/** Escapes text for literal use inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ImpersonationDecision {
  allowed: boolean;
  /** Index of the rule that decided, when one did. */
  rule?: number;
}

/**
 * Trino's impersonation semantics: a user may always act as itself; otherwise the first rule
 * whose original_user (and original_role) match and whose new_user matches decides; no match
 * denies, and so does an absent section. Groups captured by original_user can be referenced in
 * new_user as `$1`; the captured text is matched literally, never as a pattern.
 */
export function checkImpersonation(
  rules: { impersonation?: ImpersonationRule[] | undefined },
  originalUser: string,
  roles: readonly string[],
  newUser: string,
): ImpersonationDecision {
  if (originalUser === newUser) return { allowed: true };
  for (const rule of rules.impersonation ?? []) {
    const match = rule.originalUser.exec(originalUser);
    if (!match) continue;
    if (rule.originalRole && !roles.some((role) => rule.originalRole!.test(role))) continue;
    const pattern = rule.newUser.replace(/\$(\d+)/g, (_, n: string) => escapeRegExp(match[Number(n)] ?? ''));
    if (!wholeMatch(pattern, 'impersonation').test(newUser)) continue;
    return { allowed: rule.allow, rule: rule.index };
  }
  return { allowed: false };
}

/** Compatibility name used by src/gateway.ts (ReloadingFile parser signature). */
export const parseRulesFile = parseAccessRules;
