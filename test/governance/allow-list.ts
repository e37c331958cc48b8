/**
 * Deliberate differences between the gateway's decisions and Trino's on the decision
 * differential's corpus. Only cases where the gateway is stricter (it refuses what Trino allows,
 * or both refuse with different messages), each with the reason. Entries marked `pending` name a
 * class another change fixes: they are removed when that change lands (and are the only entries
 * allowed to cover a statement the gateway lets through while Trino denies it).
 *
 * The README's Governance section carries the same table.
 */
export type DisagreementKind = 'bypass' | 'false-denial' | 'message' | 'error-differs';

export interface AllowListEntry {
  /** Corpus case ids. */
  cases: readonly string[];
  /** Users the entry covers (default: every user). */
  users?: readonly string[];
  kinds: readonly DisagreementKind[];
  why: string;
  /** `pending: <class>`: fixed elsewhere, to be removed once merged. */
  pending?: string;
}

export const ALLOW_LIST: readonly AllowListEntry[] = [];
