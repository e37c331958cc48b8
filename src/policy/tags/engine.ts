/**
 * Tag-based decisions (Lake Formation semantics, ACCESS-CONTROL.md section 4):
 *
 * - A resource's effective tags are its own, over its table's, over its schema's, over its
 *   catalog's: a child's value for a key overrides the inherited one.
 * - A grant matches a resource when, for every key of its expression, the resource's effective
 *   value of that key is one of the listed values (AND across keys, OR within a key). Tags the
 *   expression does not mention do not matter, so PII is protected by tagging every column
 *   (`pii=false` inherited, `pii=true` on PII columns) and granting `pii=false` to analysts
 *   without clearance.
 * - A read or write naming columns needs every column covered; one without columns (count(*),
 *   DROP, DELETE) needs the table covered; a schema statement (CREATE/DROP SCHEMA, SHOW TABLES,
 *   renames) needs the schema covered. Anything not covered is denied (fail closed), and the
 *   message names the tag values no grant covered.
 */
import type { AccessRequest, Privilege, QualifiedName, StatementKind, TableAccess } from '../../sql/analyzer/types.js';
import type { RuleExpression } from '../filter-mask/expression.js';
import { compileForPrincipal, maskFor, type TagColumnMask } from './data-filters.js';
import type { TagExpression, TagGrant, TagPolicyDocument } from './document.js';

/** Who asks: user, groups, and attributes from the authenticator (JWT claims) on top of the stored ones. */
export interface TagSubject {
  user: string;
  groups: readonly string[];
  attributes?: Readonly<Record<string, readonly string[]>>;
}

export type SchemaAccess = AccessRequest['schemas'][number];

export interface TagCheck {
  /** The access of the request this check decides (a table or a schema access). */
  access: TableAccess | SchemaAccess;
  check: string;
  resource: string;
  allowed: boolean;
  /** The grants that decided (allowed), or the tags nobody covered (denied). */
  decidedBy: string;
  /** Trino-style denial and its tag part alone (`no tag grant covers pii=true`), set when denied. */
  denial?: string;
  reason?: string;
  /** The columns no tag grant covers, when the access names columns and is denied. */
  uncoveredColumns?: string[];
  /** The grants that covered the table or some of its columns (their data filters apply to it). */
  grants?: TagGrant[];
}

/** Row filters and column masks the tag grants put on one table, for one principal (see data-filters.ts). */
export interface TagRestriction {
  filters: Array<{ expression: RuleExpression; source: string }>;
  /** Column name → its mask; the first grant (in policy order) masking a column wins. */
  masks: Map<string, { mask: RuleExpression; source: string }>;
}

/** The grants named in `used`, in policy order. */
function inPolicyOrder(grants: readonly TagGrant[], used: ReadonlyMap<string, unknown>): TagGrant[] {
  return grants.filter((g) => used.has(g.name));
}

type Attributes = ReadonlyMap<string, ReadonlySet<string>>;

function holdsAny(attributes: Attributes, want: TagExpression | undefined): boolean {
  return want !== undefined && Object.entries(want).some(([k, vs]) => vs.some((v) => attributes.get(k)?.has(v)));
}

/** The column masks of a grant that apply to a column with these tags, for a principal with these attributes. */
function applicableMasks(grant: TagGrant, tags: EffectiveTags, attributes: Attributes): TagColumnMask[] {
  return (grant.columnMasks ?? []).filter((m) => matches(m.columns, tags) && !holdsAny(attributes, m.unless));
}

type EffectiveTags = ReadonlyMap<string, string>;

function display(t: TableAccess): string {
  return `${t.table.catalog}.${t.table.schema}.${t.table.name}`;
}

function formatTags(tags: EffectiveTags): string {
  return tags.size === 0 ? '{}' : `{${[...tags].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

export function formatExpression(expr: TagExpression): string {
  return Object.entries(expr)
    .map(([k, vs]) => (vs.length === 1 ? `${k}=${vs[0]}` : `${k} in (${vs.join(', ')})`))
    .join(' AND ');
}

function matches(expr: TagExpression, tags: EffectiveTags): boolean {
  for (const key in expr) {
    const value = tags.get(key);
    if (value === undefined || !expr[key]!.includes(value)) return false;
  }
  return true;
}

/** What a grant lacks for these tags: `pii=true`, or `no value for tag domain`. */
function shortfall(expr: TagExpression, tags: EffectiveTags): string[] {
  const missing: string[] = [];
  for (const key in expr) {
    const value = tags.get(key);
    if (value === undefined) missing.push(`no value for tag ${key}`);
    else if (!expr[key]!.includes(value)) missing.push(`${key}=${value}`);
  }
  return missing;
}

function grantCovers(grant: TagGrant, privilege: Privilege): boolean {
  const p = grant.privileges;
  if (p.includes('ALL')) return true;
  // SHOW (DESCRIBE, SHOW COLUMNS) needs any privilege on the table, as in Trino.
  return privilege === 'SHOW' ? p.length > 0 : (p as string[]).includes(privilege);
}

function denialText(t: TableAccess, columns: readonly string[]): string {
  const name = display(t);
  const cols = `[${[...columns].sort().join(', ')}]`;
  switch (t.privilege) {
    case 'SELECT':
      return columns.length > 0 ? `Cannot select from columns ${cols} in table or view ${name}` : `Cannot select from table ${name}`;
    case 'INSERT':
      return `Cannot insert into table ${name}`;
    case 'DELETE':
      return `Cannot delete from table ${name}`;
    case 'UPDATE':
      return `Cannot update columns ${cols} in table ${name}`;
    case 'SHOW':
      return `Cannot show columns of table ${name}`;
    default:
      return `Cannot ${t.privilege.toLowerCase()} table ${name}`;
  }
}

const SCHEMA_DENIALS: Partial<Record<Privilege, string>> = {
  CREATE: 'Cannot create schema %s',
  DROP: 'Cannot drop schema %s',
  SHOW: 'Cannot show tables of schema %s',
};

/** Statements whose schema access Trino does not check as such: USE needs catalog access only; creating a table checks the table. */
const SCHEMA_ACCESS_NOT_CHECKED: ReadonlySet<StatementKind> = new Set(['use', 'createTable', 'createTableAsSelect', 'createView', 'createMaterializedView']);

/** The schema accesses the tag grants decide (the same ones the rules engine checks). */
function schemaAccesses(request: AccessRequest): SchemaAccess[] {
  const kind = request.innerKind !== undefined && request.kind !== 'prepare' ? request.innerKind : request.kind;
  return SCHEMA_ACCESS_NOT_CHECKED.has(kind) ? [] : request.schemas;
}

export class TagPolicy {
  private readonly assignments: ReadonlyMap<string, ReadonlyMap<string, string>>;

  constructor(
    readonly document: TagPolicyDocument,
    /** Increases with every stored change; decision caches key on it. */
    readonly version: number,
  ) {
    this.assignments = new Map(Object.entries(document.assignments).map(([r, a]) => [r, new Map(Object.entries(a))]));
  }

  /** Own tags over inherited ones, from the catalog down to `parts` (lower-case names). */
  effectiveTags(parts: readonly string[]): Map<string, string> {
    const tags = new Map<string, string>();
    let name = '';
    for (const part of parts) {
      name = name === '' ? part : `${name}.${part}`;
      const own = this.assignments.get(name);
      if (own) for (const [k, v] of own) tags.set(k, v);
    }
    return tags;
  }

  /** Stored attributes of the user and of each group, plus the subject's own (from the authenticator). */
  attributesOf(subject: TagSubject): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const add = (attrs: Readonly<Record<string, readonly string[]>> | undefined) => {
      for (const [k, vs] of Object.entries(attrs ?? {})) {
        const set = out.get(k) ?? new Set<string>();
        for (const v of vs) set.add(v);
        out.set(k, set);
      }
    };
    add(this.document.principals.users[subject.user]);
    for (const g of subject.groups) add(this.document.principals.groups[g]);
    add(subject.attributes);
    return out;
  }

  /** The grants given to this subject, by user, group or attribute match. */
  grantsOf(subject: TagSubject): TagGrant[] {
    const attributes = this.attributesOf(subject);
    return this.document.grants.filter((g) => {
      if (g.to.users?.includes(subject.user)) return true;
      if (g.to.groups?.some((grp) => subject.groups.includes(grp))) return true;
      const want = g.to.attributes;
      return want !== undefined && Object.entries(want).every(([k, vs]) => vs.some((v) => attributes.get(k)?.has(v)));
    });
  }

  /** One check per table access and per schema access of the request (see schemaAccesses). */
  evaluate(subject: TagSubject, request: AccessRequest): TagCheck[] {
    const grants = this.grantsOf(subject);
    const attributes = this.attributesOf(subject);
    return [...request.tables.map((t) => this.checkTable(t, grants, attributes)), ...schemaAccesses(request).map((s) => this.checkSchema(s, grants))];
  }

  /**
   * The filters (every grant's, to be combined with AND) and masks (first grant masking a column
   * wins) that `grants` put on a table with these columns (name and Trino type), for this subject.
   * Throws BindingError when a bound attribute has several values.
   */
  restrictions(subject: TagSubject, grants: readonly TagGrant[], table: QualifiedName, columns: ReadonlyArray<{ name: string; type: string }>): TagRestriction | undefined {
    const attributes = this.attributesOf(subject);
    const parts = [table.catalog, table.schema, table.name];
    const filters = grants.flatMap((g) => (g.rowFilter === undefined ? [] : [{ expression: compileForPrincipal(g.rowFilter, attributes, g.name), source: `tag grant '${g.name}'` }]));
    const masks: TagRestriction['masks'] = new Map();
    for (const c of columns) {
      const tags = this.effectiveTags([...parts, c.name]);
      for (const g of grants) {
        const mask = applicableMasks(g, tags, attributes).find((m) => m.exclude !== true);
        if (mask === undefined) continue;
        masks.set(c.name, { mask: compileForPrincipal(maskFor(mask.mask, c.type), attributes, g.name), source: `tag grant '${g.name}'` });
        break;
      }
    }
    return filters.length === 0 && masks.size === 0 ? undefined : { filters, masks };
  }

  private checkSchema(s: SchemaAccess, subjectGrants: readonly TagGrant[]): TagCheck {
    const grants = subjectGrants.filter((g) => grantCovers(g, s.privilege));
    const name = `${s.catalog}.${s.schema}`;
    const tags = this.effectiveTags([s.catalog, s.schema]);
    const check = `TagSchema${s.privilege[0]}${s.privilege.slice(1).toLowerCase()}`;
    const grant = grants.find((g) => matches(g.expression, tags));
    if (grant !== undefined) return { access: s, check, resource: name, allowed: true, decidedBy: `tag grant '${grant.name}' (${formatExpression(grant.expression)})` };
    const reason = grants.length === 0 ? `no tag grant gives ${s.privilege} on ${formatTags(tags)}` : `no tag grant covers ${this.missing([{ tags }], grants)}`;
    const denial = SCHEMA_DENIALS[s.privilege] ?? `Cannot access schema ${name}: ownership required`;
    return { access: s, check, resource: name, allowed: false, decidedBy: `tags: ${reason} (effective tags: ${formatTags(tags)})`, denial: `Access Denied: ${denial.replace('%s', name)}: ${reason}`, reason };
  }

  private checkTable(t: TableAccess, subjectGrants: readonly TagGrant[], attributes: Attributes): TagCheck {
    const grants = subjectGrants.filter((g) => grantCovers(g, t.privilege));
    const tableParts = [t.table.catalog, t.table.schema, t.table.name];
    const targets = t.columns.length > 0 ? t.columns.map((c) => ({ label: c, tags: this.effectiveTags([...tableParts, c]) })) : [{ label: display(t), tags: this.effectiveTags(tableParts) }];
    const usedGrants = new Map<string, string[]>();
    const uncovered: Array<{ label: string; tags: EffectiveTags }> = [];
    // A grant does not cover the columns it excludes for this principal.
    const excludes = (g: TagGrant, tags: EffectiveTags) => t.columns.length > 0 && applicableMasks(g, tags, attributes).some((m) => m.exclude === true);
    for (const target of targets) {
      const grant = grants.find((g) => matches(g.expression, target.tags) && !excludes(g, target.tags));
      if (grant === undefined) uncovered.push(target);
      else usedGrants.set(grant.name, [...(usedGrants.get(grant.name) ?? []), target.label]);
    }
    const check = `Tag${t.privilege[0]}${t.privilege.slice(1).toLowerCase()}`;
    const resource = `${display(t)}${t.columns.length > 0 ? ` [${t.columns.join(', ')}]` : ''}`;
    if (uncovered.length === 0) {
      const byGrant = [...usedGrants].map(([name, labels]) => {
        const g = grants.find((x) => x.name === name)!;
        return `'${name}' (${formatExpression(g.expression)})${t.columns.length > 0 ? ` for [${labels.join(', ')}]` : ''}`;
      });
      return { access: t, check, resource, allowed: true, decidedBy: `tag grant ${byGrant.join('; ')}`, grants: inPolicyOrder(grants, usedGrants) };
    }
    const missing = this.missing(uncovered, grants);
    const columns = t.columns.length > 0 ? uncovered.map((u) => u.label) : [];
    const tagsOf = uncovered.map((u) => `${u.label} ${formatTags(u.tags)}`).join('; ');
    const reason = grants.length === 0 ? `no tag grant gives ${t.privilege} on ${[...new Set(uncovered.map((u) => formatTags(u.tags)))].join(' or ')}` : `no tag grant covers ${missing}`;
    return {
      access: t,
      check,
      resource,
      allowed: false,
      decidedBy: `tags: ${reason} (effective tags: ${tagsOf})`,
      denial: `Access Denied: ${denialText(t, columns)}: ${reason}`,
      reason,
      ...(columns.length > 0 ? { uncoveredColumns: columns } : {}),
      ...(usedGrants.size > 0 ? { grants: inPolicyOrder(grants, usedGrants) } : {}),
    };
  }

  /** The smallest shortfall among the candidate grants, per uncovered target, joined. */
  private missing(uncovered: ReadonlyArray<{ tags: EffectiveTags }>, grants: readonly TagGrant[]): string {
    const all = new Set<string>();
    for (const u of uncovered) {
      let best: string[] | undefined;
      for (const g of grants) {
        const lack = shortfall(g.expression, u.tags);
        if (best === undefined || lack.length < best.length) best = lack;
      }
      for (const m of best ?? []) all.add(m);
    }
    return [...all].sort().join(', ');
  }
}
