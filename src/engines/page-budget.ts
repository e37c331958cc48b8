/**
 * Result pages an embedded backend holds at once: the page a poll is building (reserved at the
 * page size it asked for) and each query's last page, kept so that a client retrying its last
 * poll gets the same answer. Held pages are bounded per user and in total; a page that does not
 * fit fails its query with a clear error instead of growing the heap. Sizes are the length of a
 * page's JSON text.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';

export interface ResultLimits {
  /** Largest page: a client's targetResultSize is capped to it; a larger single row fails its query. */
  maxPageSize: number;
  /** Pages one user's queries may hold at once. */
  maxHeldPerUser: number;
  /** Pages all queries of the backend may hold at once. */
  maxHeld: number;
}

export class PageBudget {
  private total = 0;
  private readonly byUser = new Map<string, number>();

  constructor(readonly limits: ResultLimits) {}

  /** Holds `size` for `user`; returns the failure for the query instead when a limit would be passed. */
  take(user: string, size: number): QueryFailure | undefined {
    const mine = this.byUser.get(user) ?? 0;
    if (mine + size > this.limits.maxHeldPerUser) {
      return new QueryFailure(
        ErrorCodes.EXCEEDED_GLOBAL_MEMORY_LIMIT,
        `Query exceeded the embedded engine's result memory per user (${formatSize(this.limits.maxHeldPerUser)}): ` +
          `your queries already hold ${formatSize(mine)} of pages not yet fetched or kept for a retry. ` +
          'Fetch or cancel your other queries, or ask for smaller pages (targetResultSize)',
      );
    }
    if (this.total + size > this.limits.maxHeld) {
      return new QueryFailure(
        ErrorCodes.EXCEEDED_GLOBAL_MEMORY_LIMIT,
        `Query exceeded the embedded engine's result memory (${formatSize(this.limits.maxHeld)} for all queries), ` +
          'held by pages not yet fetched or kept for a retry; retry the query later',
      );
    }
    this.byUser.set(user, mine + size);
    this.total += size;
    return undefined;
  }

  give(user: string, size: number): void {
    if (size === 0) return;
    const left = (this.byUser.get(user) ?? 0) - size;
    if (left > 0) this.byUser.set(user, left);
    else this.byUser.delete(user);
    this.total -= size;
  }

  /** The failure of a query whose single row is larger than a page may be. */
  rowTooLarge(): QueryFailure {
    return new QueryFailure(
      ErrorCodes.EXCEEDED_LOCAL_MEMORY_LIMIT,
      `Query exceeded the embedded engine's page size limit (${formatSize(this.limits.maxPageSize)}): a single row of its result is larger`,
    );
  }
}

function formatSize(bytes: number): string {
  for (const [unit, size] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['kB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
