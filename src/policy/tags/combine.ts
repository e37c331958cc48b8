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
 */
import type { AccessRequest } from '../../sql/analyzer/types.js';
import { authorize, type AccessIdentity, type AuthorizeContext, type Decision, type DecisionCheck } from '../decision.js';
import type { AccessRules } from '../file-rules.js';
import type { TagCheck } from './engine.js';

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
