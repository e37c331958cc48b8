/**
 * A bounded LRU of authorization results (typically the AccessRequest + Decision of a statement).
 *
 * The key is a SHA-256 over every input that can change the answer, each part length-prefixed
 * so no two different inputs can serialize alike:
 * - the policy version (AccessRules.version: every parse/reload gets a new one),
 * - the user, original user, sorted groups and sorted enabled roles,
 * - the session catalog, schema and SQL path,
 * - the session properties carried in headers (sorted),
 * - every prepared statement of the session (sorted by name), since EXECUTE / DESCRIBE resolve them,
 * - the statement text as received,
 * - a metadata version (table columns decide what `SELECT *` reads: bump it when metadata changes),
 * - any extra caller-defined discriminator (backend, dialect...).
 *
 * Entries also expire after `ttlMs` (default 60 s) so metadata drift is bounded even when the
 * caller has no metadata version. A change of policy version drops every entry at once.
 */
import { createHash } from 'node:crypto';

export interface DecisionKeyInput {
  policyVersion: number;
  user: string;
  originalUser?: string;
  groups: readonly string[];
  roles?: readonly string[];
  catalog?: string;
  schema?: string;
  path?: string;
  sessionProperties?: ReadonlyArray<{ name: string; catalog?: string; value?: string }>;
  preparedStatements?: ReadonlyMap<string, string>;
  sql: string;
  metadataVersion?: string | number;
  extra?: string;
}

export interface DecisionKey {
  /** Hex SHA-256 of the inputs. */
  hash: string;
  policyVersion: number;
}

function part(h: ReturnType<typeof createHash>, tag: string, value: string | undefined): void {
  if (value === undefined) {
    h.update(`${tag}-;`);
    return;
  }
  h.update(`${tag}${Buffer.byteLength(value)}:`);
  h.update(value);
  h.update(';');
}

/** Computes the cache key of one statement in one session. */
export function decisionKey(input: DecisionKeyInput): DecisionKey {
  const h = createHash('sha256');
  part(h, 'v', String(input.policyVersion));
  part(h, 'u', input.user);
  part(h, 'o', input.originalUser);
  const groups = [...new Set(input.groups)].sort();
  part(h, 'g', String(groups.length));
  for (const g of groups) part(h, 'G', g);
  const roles = [...new Set(input.roles ?? [])].sort();
  part(h, 'r', String(roles.length));
  for (const r of roles) part(h, 'R', r);
  part(h, 'c', input.catalog);
  part(h, 's', input.schema);
  part(h, 'p', input.path);
  const props = (input.sessionProperties ?? []).map((p) => `${p.catalog ?? ''}\u0000${p.name}\u0000${p.value ?? ''}`).sort();
  part(h, 'n', String(props.length));
  for (const p of props) part(h, 'N', p);
  const prepared = [...(input.preparedStatements ?? new Map<string, string>()).entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  part(h, 'e', String(prepared.length));
  for (const [name, sql] of prepared) {
    part(h, 'E', name);
    part(h, 'S', sql);
  }
  part(h, 'q', input.sql);
  part(h, 'm', input.metadataVersion === undefined ? undefined : String(input.metadataVersion));
  part(h, 'x', input.extra);
  return { hash: h.digest('hex'), policyVersion: input.policyVersion };
}

export interface DecisionCacheOptions {
  /** Maximum number of entries (default 10,000). */
  maxEntries?: number;
  /** Entry lifetime in ms (default 60,000; 0 disables expiry). */
  ttlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface DecisionCacheStats {
  hits: number;
  misses: number;
  size: number;
  evictions: number;
  invalidations: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class DecisionCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private policyVersion: number | undefined;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private invalidations = 0;

  constructor(options: DecisionCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  get(key: DecisionKey): V | undefined {
    this.observeVersion(key.policyVersion);
    const entry = this.entries.get(key.hash);
    if (!entry || (this.ttlMs > 0 && entry.expiresAt <= this.now())) {
      if (entry) this.entries.delete(key.hash);
      this.misses++;
      return undefined;
    }
    // LRU: move to the most recent position.
    this.entries.delete(key.hash);
    this.entries.set(key.hash, entry);
    this.hits++;
    return entry.value;
  }

  set(key: DecisionKey, value: V): void {
    this.observeVersion(key.policyVersion);
    if (key.policyVersion !== this.policyVersion) return; // an answer from an older policy
    this.entries.delete(key.hash);
    this.entries.set(key.hash, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }

  /** Looks the key up, computing and storing the value on a miss. */
  getOrCompute(key: DecisionKey, compute: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /** Drops every entry (policy reload, metadata change, operator request). */
  invalidateAll(): void {
    this.entries.clear();
    this.invalidations++;
  }

  stats(): DecisionCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size, evictions: this.evictions, invalidations: this.invalidations };
  }

  private observeVersion(version: number): void {
    if (this.policyVersion === undefined || version > this.policyVersion) {
      if (this.policyVersion !== undefined) this.invalidateAll();
      this.policyVersion = version;
    }
  }
}
