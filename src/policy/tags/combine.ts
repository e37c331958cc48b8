/**
 * One decision from the rules file and the tag grants (`accessControl.tags.mode`):
 *
 * - `all` (the default): every rules-file check and every tag check must allow.
 * - `any`: a table or schema access a tag grant allows needs nothing from the rules file (nor the
 *   catalog gate of a catalog reached only through such accesses), as Lake Formation adds
 *   named-resource and tag grants; of an access tags cover in part, the rules file decides the
 *   columns left over; everything else (other tables, functions, session properties...) is
 *   decided by the rules file as before.
 *
 * Without a rules file the tag grants decide table access alone and the rest follows Trino's
 * defaults for an empty rules file (see gateway.ts).
 *
 * Row filters and column masks follow the same split (tagDataFilters): the data filters of the
 * tag grants that covered a table (or some of its columns) always apply to it; the rules file's
 * filter and masks apply where the rules file decided too: always in `all`, and in `any` unless
 * the tag grants allowed the whole access on their own. Every applicable filter is ANDed; a
 * column both mask keeps the rules file's mask.
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { AccessRequest, QualifiedName } from '../../sql/analyzer/types.js';
import type { RewriteInput } from '../filter-mask/rewrite.js';
import { BindingError } from './data-filters.js';
import type { TagGrant } from './document.js';
import { authorize, type AccessIdentity, type AuthorizeContext, type Decision, type DecisionCheck } from '../decision.js';
import type { AccessRules } from '../file-rules.js';
import type { TagCheck, TagPolicy, TagSubject } from './engine.js';

export type TagMode = 'any' | 'all';

function asCheck(c: TagCheck, note = ''): DecisionCheck {
  return { check: c.check, resource: c.resource, allowed: c.allowed, decidedBy: c.decidedBy + note };
}

export function combineDecision(rules: AccessRules, identity: AccessIdentity, request: AccessRequest, context: AuthorizeContext, tagChecks: readonly TagCheck[], mode: TagMode): Decision {
  const firstTagDenial = tagChecks.find((c) => !c.allowed);
  if (mode === 'all') {
    const base = authorize(rules, identity, request, context);
    const allowed = base.allowed && firstTagDenial === undefined;
    const decision: Decision = { allowed, checks: [...base.checks, ...tagChecks.map((c) => asCheck(c))] };
    if (!allowed) decision.message = base.message ?? firstTagDenial!.denial!;
    return decision;
  }
  const byTags = new Set<object>(tagChecks.filter((c) => c.allowed).map((c) => c.access));
  const leftOver = new Map<object, string[]>(tagChecks.filter((c) => c.uncoveredColumns !== undefined).map((c) => [c.access, c.uncoveredColumns!]));
  const tables = request.tables.filter((t) => !byTags.has(t)).map((t) => (leftOver.has(t) ? { ...t, columns: leftOver.get(t)! } : t));
  const schemas = request.schemas.filter((s) => !byTags.has(s));
  const catalogOf = (a: { table: { catalog: string } } | { catalog: string }) => ('table' in a ? a.table.catalog : a.catalog);
  const decidedByTags = tagChecks.filter((c) => c.allowed).map((c) => catalogOf(c.access));
  const reachedOtherwise = (catalog: string) => !decidedByTags.includes(catalog) || [...tables, ...schemas].some((a) => catalogOf(a) === catalog);
  const base = authorize(rules, identity, { ...request, tables, schemas, catalogs: request.catalogs.filter(reachedOtherwise) }, context);
  const checks = [...base.checks, ...tagChecks.map((c) => asCheck(c, c.allowed ? '' : ' (mode any: the rules file decides what the tags do not cover)'))];
  const decision: Decision = { allowed: base.allowed, checks };
  if (!base.allowed) decision.message = firstTagDenial === undefined ? base.message! : `${base.message!} (tags: ${firstTagDenial.reason!})`;
  return decision;
}

function tableKey(t: QualifiedName): string {
  return `${t.catalog}\u0000${t.schema}\u0000${t.name}`;
}

/** The rewrite's view of the tag grants' data filters for one allowed statement (see the header). */
export function tagDataFilters(
  policy: TagPolicy,
  subject: TagSubject,
  tagChecks: readonly TagCheck[],
  mode: TagMode,
  columnTypes: RewriteInput['columnTypes'],
): Pick<RewriteInput, 'addedRestrictions' | 'rulesFileApplies'> {
  const grants = new Map<string, TagGrant[]>();
  const wholly = new Set<string>();
  for (const c of tagChecks) {
    if (!('table' in c.access)) continue;
    const key = tableKey(c.access.table);
    grants.set(key, [...new Set([...(grants.get(key) ?? []), ...(c.grants ?? [])])]);
    if (c.allowed && c.access.privilege === 'SELECT') wholly.add(key);
  }
  return {
    addedRestrictions: async (table) => {
      const held = grants.get(tableKey(table)) ?? [];
      if (!held.some((g) => g.rowFilter !== undefined || g.columnMasks !== undefined)) return undefined;
      const columns = await columnTypes(table);
      try {
        return columns === undefined ? undefined : policy.restrictions(subject, held, table, columns);
      } catch (err) {
        if (err instanceof BindingError) throw new QueryFailure(ErrorCodes.PERMISSION_DENIED, `Access Denied: ${err.message}`);
        throw err;
      }
    },
    ...(mode === 'any' ? { rulesFileApplies: (table: QualifiedName) => !wholly.has(tableKey(table)) } : {}),
  };
}
