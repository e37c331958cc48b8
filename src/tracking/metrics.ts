/**
 * Prometheus metrics for the tracking writer and the live counters, read from their getters at
 * scrape time. Optional: call with the registry the gateway exposes.
 */
import { Gauge, type Registry } from 'prom-client';
import type { BufferedHistoryWriter } from './buffered-writer.js';
import type { LiveCount } from '../routing/cluster-load.js';
import { totalFromSource } from '../observability/metrics.js';

export interface TrackingMetricSources {
  writer?: BufferedHistoryWriter;
  counters?: { snapshot(): LiveCount[]; readonly degraded: boolean };
}

export function registerTrackingMetrics(registry: Registry, sources: TrackingMetricSources, prefix = 'querygate_'): void {
  const { writer, counters } = sources;
  if (writer) {
    new Gauge({
      name: `${prefix}history_backlog_records`,
      help: 'Tracking records not yet committed to the store, by where they wait',
      labelNames: ['where'],
      registers: [registry],
      collect() {
        const b = writer.backlog;
        this.set({ where: 'queue' }, b.queued);
        this.set({ where: 'in_flight' }, b.inFlight);
        this.set({ where: 'spill' }, b.spilled);
      },
    });
    new Gauge({
      name: `${prefix}history_spill_bytes`,
      help: 'Size of the tracking spill file',
      registers: [registry],
      collect() {
        this.set(writer.backlog.spillBytes);
      },
    });
    totalFromSource(registry, `${prefix}history_records_total`, 'Tracking records by outcome: written, spilled, replayed, dropped (lost), rejected (dead-lettered)', ['outcome'], () => {
      const s = writer.stats;
      return (['written', 'spilled', 'replayed', 'dropped', 'rejected'] as const).map((outcome) => [{ outcome }, s[outcome]]);
    });
    new Gauge({
      name: `${prefix}history_store_degraded`,
      help: '1 while the tracking store is failing and records are spilled to disk',
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.set(writer.degraded ? 1 : 0);
      },
    });
  }
  if (counters) {
    new Gauge({
      name: `${prefix}live_queries`,
      help: 'Running and queued queries across gateway instances',
      labelNames: ['scope', 'name', 'metric'],
      // Every worker of a host reads the same shared counts.
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.reset();
        for (const e of counters.snapshot()) this.set({ scope: e.scope, name: e.name, metric: e.metric }, e.value);
      },
    });
    new Gauge({
      name: `${prefix}live_counters_degraded`,
      help: '1 while the shared store is unreachable and each limit falls back to this instance’s share',
      aggregator: 'max',
      registers: [registry],
      collect() {
        this.set(counters.degraded ? 1 : 0);
      },
    });
  }
}
