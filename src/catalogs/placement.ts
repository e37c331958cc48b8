/**
 * Where a catalog lives: which routing groups have a backend serving it, on which engine. A
 * statement naming catalogs goes to a group serving all of them; routing rules and hints choose
 * among such groups, and when the group they choose serves none of the statement's catalogs the
 * statement goes to the first group (in configuration order) that serves them all. Catalogs that
 * live only on different engines cannot meet in one statement: that is refused, naming both.
 */
import type { Logger } from 'pino';
import type { Backend } from '../engines/backend.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { AccessRequest } from '../sql/analyzer/index.js';
import type { RouteDecision } from '../routing/router.js';
import { tableReferences } from '../sql/table-references.js';

const CATALOGS_TTL_MS = 10_000;
const FAILURE_TTL_MS = 2_000;

/** What a backend that cannot be reached serves as far as the gateway knows: the catalogs last seen on it and those configured for it. */
export function lastKnownCatalogs(backend: Backend, seen: readonly string[] = []): string[] {
  return [...new Set([...seen, ...(backend.declaredCatalogs ?? [])])];
}

/** The message of a statement needing a catalog whose backends are down. */
export function catalogUnavailable(catalog: string, backends: readonly string[]): string {
  return `Catalog ${catalog} is served by backend ${backends.join(', ')}, which is unavailable`;
}

/**
 * The catalogs the tables of `sql` name (unqualified ones: the session's), `system` aside, for a
 * statement the analyzer could not read (an unknown table, say): its catalogs still decide which
 * engine answers it. Empty when it does not parse.
 */
export function catalogsReferenced(sql: string, sessionCatalog: string | undefined): string[] {
  let references: ReturnType<typeof tableReferences>;
  try {
    references = tableReferences(sql);
  } catch {
    return [];
  }
  const names = new Set(references.map((r) => (r.parts.length === 3 ? r.parts[0]! : sessionCatalog?.toLowerCase())).filter((c): c is string => c !== undefined));
  names.delete('system');
  return [...names];
}

/** The catalogs a statement names (tables, SHOW ... FROM, schemas), `system` aside (every engine has one). */
export function catalogsNamed(request: AccessRequest): string[] {
  const names = new Set([...request.tables.map((t) => t.table.catalog), ...request.catalogs, ...request.schemas.map((s) => s.catalog)]);
  names.delete('system');
  return [...names];
}

interface Served {
  /** A backend serving the catalog, and its routing group. */
  backend: Backend;
  group: string;
}

export class CatalogPlacement {
  private known = new Map<string, { catalogs: string[]; reachable: boolean; at: number }>();

  constructor(
    private readonly backends: ReadonlyArray<{ backend: Backend; group: string }>,
    private readonly log: Logger,
  ) {}

  /** Placement matters only when the groups do not all serve the same engine's catalogs. */
  get active(): boolean {
    return new Set(this.backends.map((b) => b.backend.engine)).size > 1 || new Set(this.backends.map((b) => b.group)).size > 1;
  }

  /** The route for a statement naming `catalogs`, given the routing rules' decision. */
  async place(catalogs: readonly string[], decision: RouteDecision): Promise<RouteDecision> {
    if (catalogs.length === 0 || !this.active) return decision;
    const servers = new Map<string, Served[]>();
    /** Catalogs last seen on a backend that cannot be reached now. */
    const lost = new Map<string, string[]>();
    for (const { backend, group } of this.backends) {
      const { catalogs: served, reachable } = await this.catalogsOf(backend);
      for (const c of served) {
        const key = c.toLowerCase();
        if (reachable) servers.set(key, [...(servers.get(key) ?? []), { backend, group }]);
        else lost.set(key, [...(lost.get(key) ?? []), backend.name]);
      }
    }
    const unknown = catalogs.filter((c) => !servers.has(c));
    for (const c of unknown) {
      const down = lost.get(c);
      if (down !== undefined) throw new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, catalogUnavailable(c, down));
    }
    // An unknown catalog: the chosen group's engine reports it as Trino does.
    if (unknown.length > 0) return decision;
    const groupsOf = (c: string) => new Set(servers.get(c)!.map((s) => s.group));
    const common = [...groupsOf(catalogs[0]!)].filter((g) => catalogs.every((c) => groupsOf(c).has(g)));
    if (common.includes(decision.group)) return decision;
    if (common.length === 0) {
      const where = catalogs.map((c) => `${c} (${servers.get(c)!.map((s) => `${s.backend.engine === 'duckdb' ? 'embedded engine' : 'Trino'} backend ${s.backend.name}`).join(', ')})`);
      throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `Catalogs on different engines cannot be used in one statement: ${where.join(' and ')}`);
    }
    const group = this.backends.map((b) => b.group).find((g) => common.includes(g))!;
    return { group, fallback: common.filter((g) => g !== group), reason: `catalog ${catalogs.join(', ')} lives in group '${group}' (${decision.reason} chose '${decision.group}')`, ...(decision.rule ? { rule: decision.rule } : {}) };
  }

  /** A backend's catalogs, cached; an unreachable backend's are the last seen (failures are cached briefly too). */
  private async catalogsOf(backend: Backend): Promise<{ catalogs: string[]; reachable: boolean }> {
    const cached = this.known.get(backend.name);
    if (cached !== undefined && Date.now() - cached.at < (cached.reachable ? CATALOGS_TTL_MS : FAILURE_TTL_MS)) return cached;
    let entry: { catalogs: string[]; reachable: boolean; at: number };
    try {
      entry = { catalogs: await backend.catalogs(), reachable: true, at: Date.now() };
    } catch (err) {
      this.log.warn({ backend: backend.name, err: (err as Error).message }, 'could not list the catalogs of a backend for routing');
      entry = { catalogs: lastKnownCatalogs(backend, cached?.catalogs), reachable: false, at: Date.now() };
    }
    this.known.set(backend.name, entry);
    return entry;
  }
}
