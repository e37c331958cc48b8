/**
 * What applying one tag policy over another would change, one line per change, for
 * `querygate policy diff` and `policy apply`: `+` added, `-` removed, `~` changed.
 */
import type { TagGrant, TagPolicyDocument } from './document.js';
import { formatExpression } from './engine.js';

function describeGrant(g: TagGrant): string {
  const to = [
    ...(g.to.users ?? []).map((u) => `user ${u}`),
    ...(g.to.groups ?? []).map((grp) => `group ${grp}`),
    ...(g.to.attributes ? [`attributes ${formatExpression(g.to.attributes)}`] : []),
  ];
  const filters = [
    ...(g.rowFilter !== undefined ? [` row filter ${g.rowFilter}`] : []),
    ...(g.columnMasks ?? []).map((m) => ` ${m.exclude === true ? 'excluding' : `masking (${JSON.stringify(m.mask ?? 'NULL')})`} ${formatExpression(m.columns)}${m.unless ? ` unless ${formatExpression(m.unless)}` : ''}`),
  ];
  return `${g.privileges.join(', ')} on ${formatExpression(g.expression)} to ${to.join(', ')}${g.withGrantOption ? ' with grant option' : ''}${filters.join(';')}`;
}

/** Compares two keyed collections; `show` renders one side's value. */
function compare<T>(label: string, before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>, show: (value: T) => string, out: string[]): void {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === undefined) out.push(`+ ${label} ${key}: ${show(b!)}`);
    else if (b === undefined) out.push(`- ${label} ${key}: ${show(a)}`);
    else if (show(a) !== show(b)) out.push(`~ ${label} ${key}: ${show(a)} -> ${show(b)}`);
  }
}

function attributeEntries(doc: TagPolicyDocument): Map<string, Record<string, string[]>> {
  return new Map([...Object.entries(doc.principals.users).map(([n, a]) => [`users/${n}`, a] as const), ...Object.entries(doc.principals.groups).map(([n, a]) => [`groups/${n}`, a] as const)]);
}

export function diffPolicies(current: TagPolicyDocument, next: TagPolicyDocument): string[] {
  const out: string[] = [];
  compare('tag', new Map(Object.entries(current.tags)), new Map(Object.entries(next.tags)), (values) => values.join(', '), out);
  const assignments = (doc: TagPolicyDocument) => new Map(Object.entries(doc.assignments).flatMap(([r, a]) => Object.entries(a).map(([k, v]) => [`${r} ${k}`, v] as const)));
  compare('assignment', assignments(current), assignments(next), (value) => value, out);
  compare('grant', new Map(current.grants.map((g) => [g.name, g])), new Map(next.grants.map((g) => [g.name, g])), describeGrant, out);
  const showAttributes = (a: Record<string, string[]>) => formatExpression(Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1))));
  compare('principal', attributeEntries(current), attributeEntries(next), showAttributes, out);
  return out;
}
