/**
 * Table metadata for statement analysis: which backend serves a catalog, and the real columns of
 * a table (so `SELECT *` is checked column by column). Answers are cached briefly; a catalog no
 * backend serves, or a table that does not exist, resolves to "unknown" and the analyzer fails
 * closed on it.
 */
import type { Logger } from 'pino';
import type { Backend } from '../engines/backend.js';
import type { MetadataProvider, QualifiedName } from '../sql/analyzer/index.js';

const COLUMNS_TTL_MS = 60_000;
const CATALOGS_TTL_MS = 60_000;
const UNKNOWN_CATALOG_RECHECK_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class BackendMetadata implements MetadataProvider {
  private catalogOwners = new Map<string, Backend>();
  private catalogsLoadedAt = 0;
  private readonly columns = new Map<string, { value: string[] | undefined; expiresAt: number }>();

  constructor(
    private readonly backends: Backend[],
    private readonly log: Logger,
  ) {}

  async columnsOf(table: QualifiedName): Promise<string[] | undefined> {
    const key = `${table.catalog}\u0000${table.schema}\u0000${table.name}`;
    const now = Date.now();
    const cached = this.columns.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const owner = await this.ownerOf(table.catalog);
    const value = owner === undefined ? undefined : await owner.columnsOf(table.catalog, table.schema, table.name);
    if (this.columns.size >= MAX_ENTRIES) this.columns.delete(this.columns.keys().next().value!);
    this.columns.set(key, { value, expiresAt: now + COLUMNS_TTL_MS });
    return value;
  }

  /** Who runs `queryId`, asked of every backend that can tell (never cached: queries come and go). */
  async queryOwners(queryId: string): Promise<string[]> {
    const owners = new Set<string>();
    for (const backend of this.backends) {
      if (backend.queryOwner === undefined) continue;
      try {
        const owner = await backend.queryOwner(queryId);
        if (owner !== undefined) owners.add(owner);
      } catch (err) {
        this.log.warn({ backend: backend.name, err: (err as Error).message }, 'could not look up a query owner for access control');
      }
    }
    return [...owners];
  }

  /** Forgets cached answers (after DDL through the gateway, or on demand). */
  invalidate(): void {
    this.columns.clear();
    this.catalogsLoadedAt = 0;
  }

  private async ownerOf(catalog: string): Promise<Backend | undefined> {
    const age = Date.now() - this.catalogsLoadedAt;
    // An unknown catalog may be new: look again, but not more than every few seconds.
    if (age > CATALOGS_TTL_MS || (!this.catalogOwners.has(catalog) && age > UNKNOWN_CATALOG_RECHECK_MS)) await this.loadCatalogs();
    return this.catalogOwners.get(catalog);
  }

  private async loadCatalogs(): Promise<void> {
    const owners = new Map<string, Backend>();
    for (const backend of this.backends) {
      try {
        for (const catalog of await backend.catalogs()) if (!owners.has(catalog)) owners.set(catalog, backend);
      } catch (err) {
        this.log.warn({ backend: backend.name, err: (err as Error).message }, 'could not list catalogs for access control');
      }
    }
    this.catalogOwners = owners;
    this.catalogsLoadedAt = Date.now();
  }
}
