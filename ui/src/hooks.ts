import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, query } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  updatedAt: number | undefined;
  reload: () => void;
}

/**
 * Loads with `load` and, with an interval, again every `intervalMs` while the tab is visible
 * (live updates by polling). The last good data stays on screen when a refresh fails.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number | undefined, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number>();
  const generation = useRef(0);
  const run = useCallback(load, deps);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    run().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
        setUpdatedAt(Date.now());
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
        setLoading(false);
      },
    );
  }, [run]);

  useEffect(() => {
    setLoading(true);
    setData(undefined);
    reload();
    if (intervalMs === undefined) return undefined;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, intervalMs);
    return () => {
      window.clearInterval(timer);
      generation.current++;
    };
  }, [reload, intervalMs]);

  return { data, error, loading, updatedAt, reload };
}

export interface PagedSearch<T> extends Omit<Loaded<unknown>, 'data'> {
  items: T[] | undefined;
  /** Loads the next (older) page, when there is one. */
  more: (() => void) | undefined;
  moreError: ApiError | undefined;
}

/** A history-style search (`items`, `nextCursor`): the first page, then older pages on demand. */
export function usePagedSearch<T>(path: string, filters: Record<string, string>): PagedSearch<T> {
  const [older, setOlder] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [moreError, setMoreError] = useState<ApiError>();
  const first = usePolling(
    async () => {
      const page = await api<{ items: T[]; nextCursor?: string }>(`${path}${query({ ...filters, limit: '50' })}`);
      setOlder([]);
      setCursor(page.nextCursor);
      return page.items;
    },
    undefined,
    // By identity: searching again with the same filters loads again.
    [path, filters],
  );
  const more = async () => {
    try {
      const page = await api<{ items: T[]; nextCursor?: string }>(`${path}${query({ ...filters, limit: '50', cursor })}`);
      setOlder((items) => [...items, ...page.items]);
      setCursor(page.nextCursor);
      setMoreError(undefined);
    } catch (err) {
      setMoreError(err as ApiError);
    }
  };
  return {
    items: first.data === undefined ? undefined : [...first.data, ...older],
    error: first.error,
    loading: first.loading,
    updatedAt: first.updatedAt,
    reload: first.reload,
    more: cursor === undefined ? undefined : () => void more(),
    moreError,
  };
}

/** A button's action against the API: busy while it runs, its error kept for display. */
export function useAction(): { busy: boolean; error: ApiError | undefined; run: (action: () => Promise<void>) => Promise<void>; reset: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, reset: () => setError(undefined) };
}
