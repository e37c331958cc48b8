/**
 * Grant options (Lake Formation's "with grant option"): whoever holds a grant marked
 * `withGrantOption` may pass it on to others, never wider than they hold it. A passed-on grant
 * must be covered by one grant option its giver holds: privileges among that grant's (ALL covers
 * every one), and an expression at least as narrow (every key of the held expression present,
 * with values among the held ones), keeping the held grant's row filter and column masks (it may
 * add its own). Its giver, and administrators, may revoke it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TagGrant } from './document.js';
import type { TagPolicy, TagSubject } from './engine.js';

function covers(held: TagGrant, given: TagGrant): boolean {
  const privileges = held.privileges.includes('ALL') || given.privileges.every((p) => p !== 'ALL' && held.privileges.includes(p));
  const narrower = Object.entries(held.expression).every(([key, values]) => {
    const wanted = given.expression[key];
    return wanted !== undefined && wanted.every((v) => values.includes(v));
  });
  const filtered = held.rowFilter === undefined || held.rowFilter === given.rowFilter;
  const masked = (held.columnMasks ?? []).every((m) => (given.columnMasks ?? []).some((g) => isDeepStrictEqual(g, m)));
  return privileges && narrower && filtered && masked;
}

/** The grant option of `giver` that covers `given`, or a message saying why none does. */
export function grantOptionFor(policy: TagPolicy, giver: TagSubject, given: TagGrant): { held: TagGrant } | { refused: string } {
  const options = policy.grantsOf(giver).filter((g) => g.withGrantOption === true);
  if (options.length === 0) return { refused: `${giver.user} holds no grant with grant option` };
  const held = options.find((g) => covers(g, given));
  if (held) return { held };
  return { refused: `no grant option of ${giver.user} covers ${given.privileges.join(', ')} on this expression (held: ${options.map((g) => g.name).join(', ')}): a passed-on grant keeps every key of the held expression, with values among the held ones, privileges among the held ones, and the held row filter and column masks` };
}
