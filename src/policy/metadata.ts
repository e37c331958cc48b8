/**
 * Table metadata for statement analysis: which backend serves a catalog, and the real columns of
 * a table (so `SELECT *` is checked column by column). Answers are cached briefly; a catalog no
 * backend serves, or a table that does not exist, resolves to "unknown" and the analyzer fails
 * closed on it.
 */
import type { Logger } from 'pino';
import type { Backend, CatalogObjects } from '../engines/backend.js';
import type { MetadataProvider, QualifiedName, ViewDefinition, ViewExpansion } from '../sql/analyzer/index.js';
import type { ShowAnswer, ShowLister } from './metadata-filter.js';
import { catalogUnavailable, lastKnownCatalogs } from '../catalogs/placement.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';

const COLUMNS_TTL_MS = 60_000;
const CATALOGS_TTL_MS = 60_000;
const UNKNOWN_CATALOG_RECHECK_MS = 5_000;
const MAX_ENTRIES = 10_000;

function varcharLength(type: string | undefined): number {
  const match = /^varchar\((\d+)\)$/.exec(type ?? '');
  return match ? Number(match[1]) : -1;
}

export class BackendMetadata implements MetadataProvider, ShowLister {
  private catalogOwners = new Map<string, Backend>();
  /** Catalogs of backends that could not be asked at the last look, with those backends' names. */
  private unreachable = new Map<string, string[]>();
  private catalogsLoadedAt = 0;
  private readonly columns = new Map<string, { value: Array<{ name: string; type: string }> | undefined; expiresAt: number }>();
  private readonly views = new Map<string, { value: ViewExpansion | undefined; expiresAt: number }>();
  private readonly viewDefinitions = new Map<string, { value: ViewDefinition | undefined; expiresAt: number }>();
  private readonly expressionTypes = new Map<string, { value: string | undefined; expiresAt: number }>();
  /** Bumped by invalidate(): an answer looked up before a schema change is not cached after it. */
  private generation = 0;

  constructor(
    private readonly backends: Backend[],
    private readonly log: Logger,
  ) {}

  async columnsOf(table: QualifiedName): Promise<string[] | undefined> {
    return (await this.columnTypesOf(table))?.map((c) => c.name);
  }

  async columnTypesOf(table: QualifiedName): Promise<Array<{ name: string; type: string }> | undefined> {
    return this.perTable(this.columns, table, (owner) => owner.columnTypesOf(table.catalog, table.schema, table.name));
  }

  /**
   * The type the backend serving the table gives an expression over it (a row filter or column
   * mask; the text is one expression the gateway's parser accepted). Undefined when that backend
   * does not type expressions.
   */
  async expressionTypeOf(table: QualifiedName, expression: string): Promise<string | undefined> {
    return this.perTable(this.expressionTypes, table, (owner) => owner.expressionTypeOf?.(table.catalog, table.schema, table.name, expression), expression);
  }

  /**
   * The view expansion from the backend serving the catalog (Trino: from its referencedTables;
   * the embedded engine: from DuckDB's own plan of the view). A failed lookup fails the statement
   * (fail closed) and is not cached.
   */
  async viewOf(table: QualifiedName): Promise<ViewExpansion | undefined> {
    return this.perTable(this.views, table, (owner) => owner.viewOf?.(table.catalog, table.schema, table.name));
  }

  /** A view's stored definition from the backend serving the catalog (cached like the expansion). */
  async viewDefinitionOf(table: QualifiedName): Promise<ViewDefinition | undefined> {
    return this.perTable(this.viewDefinitions, table, (owner) => owner.viewDefinitionOf?.(table.catalog, table.schema, table.name));
  }

  /**
   * One table's answer from the backend serving its catalog, cached for COLUMNS_TTL_MS; an answer
   * looked up across an invalidate() is returned but not cached (it may predate the change).
   */
  private async perTable<T>(
    cache: Map<string, { value: T | undefined; expiresAt: number }>,
    table: QualifiedName,
    lookup: (owner: Backend) => Promise<T | undefined> | undefined,
    /** What else the answer depends on (an expression). */
    detail = '',
  ): Promise<T | undefined> {
    const key = `${table.catalog}\u0000${table.schema}\u0000${table.name}\u0000${detail}`;
    const now = Date.now();
    const cached = cache.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const generation = this.generation;
    const value = await this.askOwner(table.catalog, lookup);
    if (generation !== this.generation) return value;
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, { value, expiresAt: now + COLUMNS_TTL_MS });
    return value;
  }

  async showRows(catalog: string | undefined, sql: string, session: { catalog?: string; schema?: string }): Promise<ShowAnswer | undefined> {
    if (catalog !== undefined) return this.askOwner(catalog, (owner) => owner.showRows?.(sql, session));
    // SHOW CATALOGS: every backend's catalogs, each backend answering the statement itself.
    let columns = [{ name: 'Catalog', type: 'varchar' }];
    const names = new Set<string>();
    for (const backend of this.backends) {
      if (backend.showRows !== undefined) {
        const own = await backend.showRows(sql, session);
        // Several Trino backends: the widest varchar(n) covers every name.
        if (columns[0]!.type === 'varchar' || varcharLength(own.columns[0]?.type) > varcharLength(columns[0]!.type)) columns = own.columns;
        for (const row of own.rows) names.add(String(row[0]));
      } else {
        // A backend that cannot run SHOW CATALOGS lists its catalog names; a LIKE pattern cannot be applied to them.
        if (/like/i.test(sql)) return undefined;
        for (const c of await backend.catalogs()) names.add(c);
      }
    }
    return { columns, rows: [...names].sort().map((c) => [c]) };
  }

  /** Every schema, table and column of a catalog; undefined when its backend cannot list them. */
  async objectsOf(catalog: string): Promise<CatalogObjects | undefined> {
    return this.askOwner(catalog, (owner) => owner.objectsOf?.(catalog));
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

  /** Forgets cached answers (when a statement that changes tables or views through the gateway ends). */
  invalidate(): void {
    this.generation++;
    this.columns.clear();
    this.views.clear();
    this.viewDefinitions.clear();
    this.expressionTypes.clear();
    this.catalogsLoadedAt = 0;
  }

  /**
   * Asks the backend serving `catalog`; undefined when no backend serves it. A backend that cannot
   * be reached (it went down since its catalogs were listed) fails the statement with
   * BACKEND_UNAVAILABLE naming it, and its catalogs are listed again at the next look.
   */
  private async askOwner<T>(catalog: string, ask: (owner: Backend) => Promise<T | undefined> | undefined): Promise<T | undefined> {
    const owner = await this.ownerOf(catalog);
    if (owner === undefined) return undefined;
    try {
      return await ask(owner);
    } catch (err) {
      if (err instanceof QueryFailure) throw err;
      this.log.warn({ backend: owner.name, catalog, err: (err as Error).message }, 'could not read metadata for access control');
      this.catalogsLoadedAt = 0;
      throw new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, catalogUnavailable(catalog, [owner.name]));
    }
  }

  private async ownerOf(catalog: string): Promise<Backend | undefined> {
    const age = Date.now() - this.catalogsLoadedAt;
    // An unknown catalog may be new: look again, but not more than every few seconds.
    if (age > CATALOGS_TTL_MS || (!this.catalogOwners.has(catalog) && age > UNKNOWN_CATALOG_RECHECK_MS)) await this.loadCatalogs();
    const owner = this.catalogOwners.get(catalog);
    const down = this.unreachable.get(catalog);
    if (owner === undefined && down !== undefined) throw new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, catalogUnavailable(catalog, down));
    return owner;
  }

  private async loadCatalogs(): Promise<void> {
    const owners = new Map<string, Backend>();
    const unreachable = new Map<string, string[]>();
    for (const backend of this.backends) {
      try {
        for (const catalog of await backend.catalogs()) if (!owners.has(catalog)) owners.set(catalog, backend);
      } catch (err) {
        this.log.warn({ backend: backend.name, err: (err as Error).message }, 'could not list catalogs for access control');
        // What it served at the last look, or was already remembered for while it was down.
        const seen = [
          ...[...this.catalogOwners].filter(([, b]) => b === backend).map(([c]) => c),
          ...[...this.unreachable].filter(([, names]) => names.includes(backend.name)).map(([c]) => c),
        ];
        for (const c of lastKnownCatalogs(backend, seen)) unreachable.set(c, [...(unreachable.get(c) ?? []), backend.name]);
      }
    }
    this.catalogOwners = owners;
    this.unreachable = unreachable;
    this.catalogsLoadedAt = Date.now();
  }
}
