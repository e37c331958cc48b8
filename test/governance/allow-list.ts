/**
 * Deliberate differences between the gateway's decisions and Trino's on the decision
 * differential's corpus: cases where the gateway is stricter (it refuses what Trino allows, or
 * both refuse and the gateway's answer differs), each with the reason. Entries marked `pending`
 * name a class another change fixes: the lead removes them when that change lands; only pending
 * entries may cover a statement the gateway lets through while Trino denies it.
 *
 * The README's Governance section carries the same table.
 */
export type DisagreementKind = 'bypass' | 'false-denial' | 'message' | 'error-differs';

export interface AllowListEntry {
  /** Corpus case ids (default: any case, narrowed by `gateway`). */
  cases?: readonly string[];
  /** Users the entry covers (default: every user). */
  users?: readonly string[];
  kinds: readonly DisagreementKind[];
  /** The gateway's answer must match this. */
  gateway?: RegExp;
  why: string;
  /** `pending: <class>`: fixed by another change, to be removed once merged. */
  pending?: string;
}

export const ALLOW_LIST: readonly AllowListEntry[] = [
  {
    cases: ['drop-schema-missing', 'drop-mv'],
    kinds: ['false-denial'],
    why: 'DROP ... IF EXISTS of an object that does not exist: Trino skips the access check; the gateway cannot know the object is still missing when the engine runs the statement (another session may create it in between), so it requires the right to drop it.',
  },
  {
    cases: ['set-role-named'],
    kinds: ['false-denial'],
    why: 'The gateway takes no roles from clients, so enabling a named role is refused; Trino\'s file access control has no roles either and answers ROLE_NOT_FOUND.',
  },
  {
    cases: ['set-session-authorization', 'set-session-authorization-admin'],
    kinds: ['false-denial'],
    why: 'The gateway checks the impersonation when SET SESSION AUTHORIZATION runs; Trino when the client then sends the new user (this client does not, so Trino answers NOT_SUPPORTED). Both refuse the switch itself.',
  },
  {
    cases: ['path-header-catalog'],
    kinds: ['false-denial'],
    why: 'Under an X-Trino-Path, the gateway cannot tell a builtin (abs) from a catalog function of the same name, so every path schema must allow it.',
  },
  {
    cases: ['analyze', 'set-table-properties', 'table-execute', 'refresh-mv', 'show-create-mv', 'grant-role', 'revoke-role', 'schema-authorization-role'],
    kinds: ['false-denial'],
    why: 'Trino reports a missing object, role, property or connector feature before checking access; the gateway checks access first, without looking those up.',
  },
];
