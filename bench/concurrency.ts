/**
 * Thousands of in-flight queries tracked by one gateway: memory per in-flight query (running on
 * the backend or waiting in the gateway's queue), event-loop lag while their clients keep
 * polling, and the `SELECT 1` overhead under that load against the same figure idle, side by
 * side with direct.
 *
 *   node dist/bench/concurrency.js [--queries N] [--running N] [--poll-ms MS] [--iterations N] [--smoke]
 *
 * Two routing groups on the same fake Trino: user `holder`'s `BENCH POLL` queries go to `held`
 * (maxRunning --running; the rest wait in the gateway queue), the measured `SELECT 1` of user
 * `bench` to `measure`, so measuring never takes a held query's slot. Each held query's client
 * polls it every --poll-ms (queued ones with maxWait=0, so a poll never parks a connection).
 */
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { BENCH_USER, memoryOf, startFakeTrino, startGateway, stopAll } from './lib/processes.js';
import { alternateSides } from './lib/alternate.js';
import { BenchClient } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, summarize, table, type Summary } from './lib/stats.js';

const FLAGS = {
  queries: { kind: 'number', help: 'in-flight queries held open (default 4000)' },
  running: { kind: 'number', help: 'of which running on the backend; the rest wait in the gateway queue (default half)' },
  'poll-ms': { kind: 'number', help: 'each held query is polled this often (default 2000)' },
  iterations: { kind: 'number', help: 'measured SELECT 1 per side, idle and under load (default 400)' },
  warmup: { kind: 'number', help: 'unmeasured SELECT 1 per side before each measurement (default 300)' },
  smoke: { kind: 'boolean', help: '200 queries, 30 iterations; exit non-zero on any protocol error' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
} satisfies FlagSpec;

const HOLDER = 'holder';
/** prom-client's default event-loop sampling interval (eventLoopMonitoringPrecision). */
const LAG_SAMPLING_MS = 10;
const MIB = 1024 * 1024;

interface Held {
  nextUri: string;
  queued: boolean;
}

/**
 * Samples from one scrape of the gateway's /metrics (first series of each name). One scrape: the
 * event-loop lag histogram starts afresh after every scrape.
 */
async function scrape(base: string, ...names: string[]): Promise<number[]> {
  const lines = (await (await fetch(`${base}/metrics`)).text()).split('\n');
  return names.map((name) => {
    const line = lines.find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    if (line === undefined) throw new BenchError(`${name} is not on /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  });
}

async function backendsView(base: string): Promise<{ running: number; queued: number }> {
  const view = (await (await fetch(`${base}/api/backends`, { headers: { 'X-Trino-User': BENCH_USER } })).json()) as {
    backends: Array<{ name: string; running: number }>;
    groups: Array<{ name: string; queued: number }>;
  };
  return { running: view.backends.find((b) => b.name === 'held')?.running ?? 0, queued: view.groups.find((g) => g.name === 'held')?.queued ?? 0 };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const total = smoke ? 200 : (flags.queries ?? 4000);
  const running = Math.min(total, flags.running ?? Math.floor(total / 2));
  const pollMs = flags['poll-ms'] ?? 2000;
  const iterations = smoke ? 30 : (flags.iterations ?? 400);
  const warmup = smoke ? 5 : (flags.warmup ?? 300);
  console.log(`concurrency: ${machineLine()}`);
  const measurer = new BenchClient(BENCH_USER);
  const holder = new BenchClient(HOLDER, { connectionsPerOrigin: 128 });
  let polling = false;
  try {
    const fake = await startFakeTrino();
    const gateway = await startGateway({
      backendUrl: fake.url,
      extraConfig: {
        backends: [
          { name: 'held', engine: 'trino', url: fake.url, group: 'held', maxRunning: running },
          { name: 'measure', engine: 'trino', url: fake.url, group: 'measure' },
        ],
        routingGroups: [{ name: 'held', maxQueued: total }],
        routing: { defaultGroup: 'measure', rules: [{ name: 'holders', match: { user: HOLDER }, routeTo: 'held' }] },
        admin: { users: [BENCH_USER] },
      },
    });

    const selectOne = async (): Promise<{ direct: number[]; gateway: number[] }> => {
      const [direct, through] = await alternateSides(measurer, [fake.url, gateway.url], { sql: 'SELECT 1', rows: 1, maxRoundTrips: 100, warmup, iterations });
      return { direct: direct!.map((s) => s.ms), gateway: through!.map((s) => s.ms) };
    };
    const added = (s: { direct: number[]; gateway: number[] }): Summary => summarize(s.gateway.map((ms, i) => ms - s.direct[i]!));

    // Idle: the reference figures.
    const idle = await selectOne();
    const idleRss = memoryOf(gateway.pid).rss;
    const [idleHeap] = (await scrape(gateway.url, 'querygate_nodejs_heap_size_used_bytes')) as [number];

    // Open every held query, 64 at a time.
    const held: Held[] = [];
    const openStarted = Date.now();
    for (let at = 0; at < total; at += 64) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(64, total - at) }, async () => {
          const page = await holder.page('POST', `${gateway.url}/v1/statement`, 'BENCH POLL', true);
          if (page.status !== 200 || !page.nextUri) throw new BenchError(`POST BENCH POLL: HTTP ${page.status} ${JSON.stringify(page.doc).slice(0, 200)}`);
          return { nextUri: page.nextUri, queued: page.nextUri.includes('/queued/') };
        }),
      );
      held.push(...batch);
    }
    const openSeconds = (Date.now() - openStarted) / 1000;
    const view = await backendsView(gateway.url);
    if (view.running !== running || view.queued !== total - running) {
      throw new BenchError(`expected ${running} running and ${total - running} queued, the gateway says ${view.running} and ${view.queued}`);
    }

    // Keep them alive: each is polled every pollMs, spread evenly.
    polling = true;
    let polls = 0;
    let pollErrors = 0;
    const poller = (async () => {
      while (polling) {
        const cycle = Date.now();
        for (let i = 0; i < held.length && polling; i++) {
          const due = cycle + (i * pollMs) / held.length;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const query = held[i]!;
          void holder
            .page('GET', `${query.nextUri}${query.nextUri.includes('?') ? '&' : '?'}maxWait=0s`, undefined, true)
            .then((page) => {
              polls++;
              if (page.status === 200 && page.nextUri) query.nextUri = page.nextUri;
              else pollErrors++;
            })
            .catch(() => pollErrors++);
        }
      }
    })();
    // One full cycle before measuring, then a scrape to start the lag histogram afresh.
    await new Promise((resolve) => setTimeout(resolve, pollMs + 500));
    await scrape(gateway.url);
    const loaded = await selectOne();
    const loadedRss = memoryOf(gateway.pid).rss;
    const [loadedHeap, lagP50, lagP99, lagMax] = (await scrape(
      gateway.url,
      'querygate_nodejs_heap_size_used_bytes',
      'querygate_nodejs_eventloop_lag_p50_seconds',
      'querygate_nodejs_eventloop_lag_p99_seconds',
      'querygate_nodejs_eventloop_lag_max_seconds',
    )) as [number, number, number, number];
    const stillHeld = await backendsView(gateway.url);
    polling = false;
    await poller;
    if (pollErrors > 0) throw new BenchError(`${pollErrors} of ${polls} keep-alive polls failed`);

    const idleAdded = added(idle);
    const loadedAdded = added(loaded);
    console.log(
      `\n${total} in-flight queries (${running} running on the backend, ${total - running} in the gateway queue), opened in ${openSeconds.toFixed(1)} s, ` +
        `each polled every ${pollMs} ms (${polls} polls, ${(polls / ((Date.now() - openStarted) / 1000)).toFixed(0)}/s); still held at the end: ${stillHeld.running} running, ${stillHeld.queued} queued`,
    );
    console.log(
      table([
        ['gateway memory', 'idle', `${total} in flight`, 'per in-flight query'],
        ['RSS MiB', fixed(idleRss / MIB, 1), fixed(loadedRss / MIB, 1), `${fixed((loadedRss - idleRss) / total / 1024, 2)} KiB`],
        ['JS heap used MiB', fixed(idleHeap / MIB, 1), fixed(loadedHeap / MIB, 1), `${fixed((loadedHeap - idleHeap) / total / 1024, 2)} KiB`],
      ]),
    );
    // prom-client samples the loop with a 10 ms timer, and each sample is the whole interval: an
    // idle loop reads 10.0-10.4 ms. The lag is what exceeds the interval.
    const lag = (seconds: number) => fixed(Math.max(0, seconds * 1000 - LAG_SAMPLING_MS), 2);
    console.log(`event-loop lag under load (beyond the ${LAG_SAMPLING_MS} ms sampling interval): p50 ${lag(lagP50)} ms, p99 ${lag(lagP99)} ms, max ${lag(lagMax)} ms`);
    const row = (label: string, s: Summary) => [label, fixed(s.p50), fixed(s.p95), fixed(s.p99)];
    console.log(
      '\n' +
        table([
          ['SELECT 1, ms (added = per-pair gateway - direct)', 'p50', 'p95', 'p99'],
          row('direct, idle', summarize(idle.direct)),
          row('added, idle', idleAdded),
          row('direct, under load', summarize(loaded.direct)),
          row(`added, ${total} in flight`, loadedAdded),
        ]),
    );
    console.log(loadLine());
    writeJson(flags.json, {
      benchmark: 'concurrency',
      total,
      running,
      pollMs,
      polls,
      memory: { idleRss, loadedRss, idleHeap, loadedHeap },
      eventLoopLagSeconds: { p50: lagP50, p99: lagP99, max: lagMax },
      selectOne: { idleAdded, loadedAdded, idleDirect: summarize(idle.direct), loadedDirect: summarize(loaded.direct) },
    });
    if (smoke) console.log(`smoke: OK (${total} in-flight queries, no protocol errors)`);
  } finally {
    polling = false;
    await measurer.close();
    await holder.close();
    await stopAll();
  }
}

await runMain('concurrency', FLAGS, main);
