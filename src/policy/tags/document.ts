/**
 * The tag policy document (policy as code): tag keys with their allowed values, assignments of
 * one value per key to catalogs, schemas, tables and columns, grants on tag expressions, and
 * principal attributes. The same shape is stored in the database, exported and imported as YAML,
 * and served by the admin API. `validatePolicy` is the one place that decides what is acceptable;
 * every failure is a TagPolicyError naming the offending field.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ExpressionError } from '../filter-mask/expression.js';
import { checkDataFilterExpression, maskTexts, type TagColumnMask, type TypedMask } from './data-filters.js';

/** Privileges a tag grant can give: the analyzer's table privileges, and ALL for every one of them. */
export const TAG_PRIVILEGES = ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP', 'CREATE', 'DROP', 'SHOW', 'ALL'] as const;
export type TagPrivilege = (typeof TAG_PRIVILEGES)[number];

/** key → accepted values; AND across keys, OR within the values of one key. */
export type TagExpression = Record<string, string[]>;

export interface TagGrant {
  name: string;
  privileges: TagPrivilege[];
  /** Who receives it: any listed user, any member of a listed group, or anyone whose attributes match. */
  to: { users?: string[]; groups?: string[]; attributes?: TagExpression };
  expression: TagExpression;
  /** Its holders may pass it on, narrowed (Lake Formation's grant option); see delegation.ts. */
  withGrantOption?: boolean;
  /** The holder of a grant option who passed this grant on; absent when an administrator gave it. */
  grantedBy?: string;
  /** Rows of the tables it grants are limited to those where this is true (see data-filters.ts). */
  rowFilter?: string;
  /** Masks and exclusions of the columns carrying given tags (see data-filters.ts). */
  columnMasks?: TagColumnMask[];
}

export interface TagPolicyDocument {
  tags: Record<string, string[]>;
  /** `catalog`, `catalog.schema`, `catalog.schema.table` or `catalog.schema.table.column` → key → value. */
  assignments: Record<string, Record<string, string>>;
  grants: TagGrant[];
  /** Attributes of users and groups (e.g. clearance: [pii]); a principal may hold several values of a key. */
  principals: { users: Record<string, Record<string, string[]>>; groups: Record<string, Record<string, string[]>> };
}

export class TagPolicyError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TagPolicyError';
  }
}

const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const MAX_VALUES_PER_KEY = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** YAML reads `true` and `1` as a boolean and a number; tag values are always text. */
function scalar(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  throw new TagPolicyError(field, `expected a text value, got ${value === null ? 'null' : typeof value}`);
}

function scalarList(value: unknown, field: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new TagPolicyError(field, 'needs at least one value');
  return [...new Set(items.map((v, i) => scalar(v, `${field}[${i}]`)))];
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new TagPolicyError(field, 'expected a mapping');
  return value;
}

function onlyFields(value: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new TagPolicyError(`${field}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
}

/** Canonical resource name: lower-cased (Trino resolves identifiers case-insensitively), 1 to 4 dotted parts. */
export function resourceName(text: string, field: string): string {
  const parts = text.trim().toLowerCase().split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) throw new TagPolicyError(field, `'${text}' is not a resource: expected catalog[.schema[.table[.column]]]`);
  return parts.join('.');
}

function checkKey(tags: Record<string, string[]>, key: string, field: string): string[] {
  const values = tags[key];
  if (values === undefined) throw new TagPolicyError(field, `unknown tag key '${key}'${Object.keys(tags).length > 0 ? ` (known: ${Object.keys(tags).sort().join(', ')})` : ' (no tag keys are defined)'}`);
  return values;
}

function checkValue(tags: Record<string, string[]>, key: string, value: string, field: string): void {
  const values = checkKey(tags, key, field);
  if (!values.includes(value)) throw new TagPolicyError(field, `'${value}' is not an allowed value of tag '${key}' (allowed: ${values.join(', ')})`);
}

function expression(value: unknown, field: string, tags: Record<string, string[]> | undefined): TagExpression {
  const raw = record(value, field);
  const out: TagExpression = {};
  for (const [key, values] of Object.entries(raw)) {
    const list = scalarList(values, `${field}.${key}`);
    if (tags) for (const v of list) checkValue(tags, key, v, `${field}.${key}`);
    out[key] = list;
  }
  return out;
}

function names(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TagPolicyError(field, 'expected a list of names');
  return value.map((v, i) => {
    const name = scalar(v, `${field}[${i}]`);
    if (name === '') throw new TagPolicyError(`${field}[${i}]`, 'must not be empty');
    return name;
  });
}

export function validateTags(raw: unknown): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(record(raw, 'tags'))) {
    const field = `tags.${key}`;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new TagPolicyError(field, `a tag key has 1 to ${MAX_KEY_LENGTH} characters`);
    const list = scalarList(values, field);
    if (list.length > MAX_VALUES_PER_KEY) throw new TagPolicyError(field, `at most ${MAX_VALUES_PER_KEY} values per key`);
    for (const v of list) if (v.length === 0 || v.length > MAX_VALUE_LENGTH) throw new TagPolicyError(field, `a tag value has 1 to ${MAX_VALUE_LENGTH} characters`);
    tags[key] = list;
  }
  return tags;
}

/** One resource's assignments: one value per key, each a known value of a known key. */
export function validateAssignment(tags: Record<string, string[]>, raw: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(raw, field))) {
    if (Array.isArray(value)) {
      if (value.length !== 1) throw new TagPolicyError(`${field}.${key}`, `a resource holds one value per key, not ${value.length} (${value.join(', ')})`);
    }
    const text = scalar(Array.isArray(value) ? value[0] : value, `${field}.${key}`);
    checkValue(tags, key, text, `${field}.${key}`);
    out[key] = text;
  }
  return out;
}

export function validateGrant(tags: Record<string, string[]>, raw: unknown, field: string): TagGrant {
  const g = record(raw, field);
  onlyFields(g, field, ['name', 'privileges', 'to', 'expression', 'withGrantOption', 'grantedBy', 'rowFilter', 'columnMasks']);
  const name = scalar(g.name, `${field}.name`);
  if (name === '') throw new TagPolicyError(`${field}.name`, 'must not be empty');
  const privileges = scalarList(g.privileges, `${field}.privileges`).map((p) => p.toUpperCase());
  for (const p of privileges) if (!(TAG_PRIVILEGES as readonly string[]).includes(p)) throw new TagPolicyError(`${field}.privileges`, `'${p}' is not a privilege (expected ${TAG_PRIVILEGES.join(', ')})`);
  const to = record(g.to, `${field}.to`);
  onlyFields(to, `${field}.to`, ['users', 'groups', 'attributes']);
  const grantee: TagGrant['to'] = {};
  const users = names(to.users, `${field}.to.users`);
  const groups = names(to.groups, `${field}.to.groups`);
  const attributes = expression(to.attributes, `${field}.to.attributes`, undefined);
  if (users.length > 0) grantee.users = users;
  if (groups.length > 0) grantee.groups = groups;
  if (Object.keys(attributes).length > 0) grantee.attributes = attributes;
  if (Object.keys(grantee).length === 0) throw new TagPolicyError(`${field}.to`, 'name at least one user, group or attribute match');
  const expr = expression(g.expression, `${field}.expression`, tags);
  if (Object.keys(expr).length === 0) throw new TagPolicyError(`${field}.expression`, 'needs at least one tag key');
  if (g.withGrantOption !== undefined && typeof g.withGrantOption !== 'boolean') throw new TagPolicyError(`${field}.withGrantOption`, 'expected true or false');
  const grantedBy = g.grantedBy === undefined ? undefined : scalar(g.grantedBy, `${field}.grantedBy`);
  const rowFilter = g.rowFilter === undefined ? undefined : dataFilterExpression(g.rowFilter, `${field}.rowFilter`, 'row filter');
  if (g.columnMasks !== undefined && !Array.isArray(g.columnMasks)) throw new TagPolicyError(`${field}.columnMasks`, 'expected a list');
  const columnMasks = ((g.columnMasks as unknown[] | undefined) ?? []).map((m, i) => columnMask(tags, m, `${field}.columnMasks[${i}]`));
  return {
    name,
    privileges: privileges as TagPrivilege[],
    to: grantee,
    expression: expr,
    ...(g.withGrantOption === true ? { withGrantOption: true } : {}),
    ...(grantedBy !== undefined ? { grantedBy } : {}),
    ...(rowFilter !== undefined ? { rowFilter } : {}),
    ...(columnMasks.length > 0 ? { columnMasks } : {}),
  };
}

/** A filter or mask as the rules file's (plus principal.<attribute>), checked now: refused at load, not per statement. */
function dataFilterExpression(value: unknown, field: string, what: string): string {
  const text = scalar(value, field);
  try {
    checkDataFilterExpression(text);
  } catch (err) {
    if (err instanceof ExpressionError) throw new TagPolicyError(field, `invalid ${what} '${text}': ${err.message}`);
    throw err;
  }
  return text;
}

const MASK_FAMILIES = ['string', 'number', 'boolean', 'other'] as const;

function columnMask(tags: Record<string, string[]>, raw: unknown, field: string): TagColumnMask {
  const m = record(raw, field);
  onlyFields(m, field, ['columns', 'mask', 'exclude', 'unless']);
  const columns = expression(m.columns, `${field}.columns`, tags);
  if (Object.keys(columns).length === 0) throw new TagPolicyError(`${field}.columns`, 'needs at least one tag key');
  if (m.exclude !== undefined && typeof m.exclude !== 'boolean') throw new TagPolicyError(`${field}.exclude`, 'expected true or false');
  if (m.exclude === true && m.mask !== undefined) throw new TagPolicyError(`${field}.mask`, 'an excluded column is not masked: give mask or exclude, not both');
  let mask: TagColumnMask['mask'];
  if (m.mask !== undefined && isRecord(m.mask)) {
    onlyFields(m.mask, `${field}.mask`, MASK_FAMILIES);
    const typed: TypedMask = {};
    for (const family of MASK_FAMILIES) if (m.mask[family] !== undefined) typed[family] = scalar(m.mask[family], `${field}.mask.${family}`);
    mask = typed;
  } else if (m.mask !== undefined) mask = scalar(m.mask, `${field}.mask`);
  for (const text of maskTexts(mask)) dataFilterExpression(text, `${field}.mask`, 'column mask');
  const unless = expression(m.unless, `${field}.unless`, undefined);
  return {
    columns,
    ...(mask !== undefined ? { mask } : {}),
    ...(m.exclude === true ? { exclude: true } : {}),
    ...(Object.keys(unless).length > 0 ? { unless } : {}),
  };
}

function attributeMap(raw: unknown, field: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [name, attrs] of Object.entries(record(raw, field))) {
    // Sorted: the values of an attribute are a set, and the store returns them sorted.
    out[name] = Object.fromEntries(Object.entries(expression(attrs, `${field}.${name}`, undefined)).map(([k, vs]) => [k, [...vs].sort()]));
  }
  return out;
}

/** Validates a whole document (parsed YAML or JSON); throws TagPolicyError on the first problem. */
export function validatePolicy(raw: unknown): TagPolicyDocument {
  const doc = record(raw, 'policy');
  onlyFields(doc, 'policy', ['tags', 'assignments', 'grants', 'principals']);
  const tags = validateTags(doc.tags);
  const assignments: TagPolicyDocument['assignments'] = {};
  for (const [resource, raw] of Object.entries(record(doc.assignments, 'assignments'))) {
    const name = resourceName(resource, `assignments.${resource}`);
    if (assignments[name] !== undefined) throw new TagPolicyError(`assignments.${resource}`, `resource ${name} is listed twice`);
    assignments[name] = validateAssignment(tags, raw, `assignments.${resource}`);
  }
  if (doc.grants !== undefined && !Array.isArray(doc.grants)) throw new TagPolicyError('grants', 'expected a list');
  const grants = ((doc.grants as unknown[] | undefined) ?? []).map((g, i) => validateGrant(tags, g, `grants[${i}]`));
  const seen = new Set<string>();
  for (const [i, g] of grants.entries()) {
    if (seen.has(g.name)) throw new TagPolicyError(`grants[${i}].name`, `a grant named '${g.name}' already exists`);
    seen.add(g.name);
  }
  const principals = record(doc.principals, 'principals');
  onlyFields(principals, 'principals', ['users', 'groups']);
  return { tags, assignments, grants, principals: { users: attributeMap(principals.users, 'principals.users'), groups: attributeMap(principals.groups, 'principals.groups') } };
}

export function parsePolicyYaml(text: string, source: string): TagPolicyDocument {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new TagPolicyError(source, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return validatePolicy(raw ?? {});
}

/** Sorted, so exports of the same policy are byte-identical and diff well in Git. */
export function policyToYaml(doc: TagPolicyDocument): string {
  const sortKeys = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const sorted = {
    tags: sortKeys(doc.tags),
    assignments: Object.fromEntries(Object.entries(sortKeys(doc.assignments)).map(([r, a]) => [r, sortKeys(a)])),
    grants: [...doc.grants].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    principals: { users: sortKeys(doc.principals.users), groups: sortKeys(doc.principals.groups) },
  };
  return stringifyYaml(sorted, { defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}
