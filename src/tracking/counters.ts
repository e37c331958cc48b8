/**
 * Live counters of running and queued queries per backend and per routing group, shared across
 * gateway instances (redis-counters.ts) or kept in this process only (below).
 */

export type CounterMetric = 'running' | 'queued';
export type CounterScope = 'backend' | 'group';

export interface CounterKey {
  scope: CounterScope;
  /** Backend or routing-group name. */
  name: string;
  metric: CounterMetric;
}

export interface CounterEntry extends CounterKey {
  value: number;
}

export interface SharedCounters {
  /** Adds `by` (default 1). Never rejects: counting must not fail a query. */
  incr(key: CounterKey, by?: number): Promise<void>;
  /** Subtracts `by` (default 1); never below zero for this instance. Never rejects. */
  decr(key: CounterKey, by?: number): Promise<void>;
  /** The value summed over all live instances (only this one's when degraded). */
  get(key: CounterKey): Promise<number>;
  /** Every non-zero counter, summed over all live instances. */
  snapshot(): Promise<CounterEntry[]>;
  /** Every non-zero counter, summed over the live instances other than this one (none when degraded). */
  others(): Promise<CounterEntry[]>;
  /** True when the shared backend is unreachable and only this instance's counts are known. */
  readonly degraded: boolean;
  close(): Promise<void>;
}

export function counterField(key: CounterKey): string {
  return `${key.scope}:${key.metric}:${key.name}`;
}

export function parseCounterField(field: string): CounterKey | undefined {
  const match = /^(backend|group):(running|queued):(.+)$/.exec(field);
  if (!match) return undefined;
  return { scope: match[1] as CounterScope, metric: match[2] as CounterMetric, name: match[3]! };
}

/** This instance's own counts: the in-memory implementation, and the Redis one's local copy. */
export class LocalCounts {
  private readonly values = new Map<string, number>();

  /** Applies a delta (clamped at zero); returns the applied delta. */
  add(key: CounterKey, delta: number): number {
    const field = counterField(key);
    const before = this.values.get(field) ?? 0;
    const after = Math.max(0, before + delta);
    if (after === 0) this.values.delete(field);
    else this.values.set(field, after);
    return after - before;
  }

  get(key: CounterKey): number {
    return this.values.get(counterField(key)) ?? 0;
  }

  fields(): Map<string, number> {
    return new Map(this.values);
  }

  entries(): CounterEntry[] {
    return toEntries(this.values);
  }
}

export function toEntries(values: Map<string, number>): CounterEntry[] {
  const entries: CounterEntry[] = [];
  for (const [field, value] of values) {
    const key = parseCounterField(field);
    if (key && value !== 0) entries.push({ ...key, value });
  }
  return entries.sort((a, b) => counterField(a).localeCompare(counterField(b)));
}

export class InMemorySharedCounters implements SharedCounters {
  private readonly counts = new LocalCounts();
  readonly degraded = false;

  async incr(key: CounterKey, by = 1): Promise<void> {
    this.counts.add(key, by);
  }

  async decr(key: CounterKey, by = 1): Promise<void> {
    this.counts.add(key, -by);
  }

  async get(key: CounterKey): Promise<number> {
    return this.counts.get(key);
  }

  async snapshot(): Promise<CounterEntry[]> {
    return this.counts.entries();
  }

  async others(): Promise<CounterEntry[]> {
    return [];
  }

  async close(): Promise<void> {}
}
