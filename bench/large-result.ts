/**
 * Large results: throughput of a >= 1 GiB result through the gateway versus straight from the fake
 * responder (and through bench/node-proxy.js, a bare Node hop), and the gateway process's peak
 * memory at two result sizes, to show that it streams (memory flat in the result size). The sides
 * alternate within every round. See bench/README.md.
 */
import { parseFlags, runMain, UsageError, type FlagSpec } from './lib/args.js';
import { BENCH_USER, memoryOf, resetPeakMemory, sampleRss, startFakeTrino, startGateway, startNginx, startNodeProxy, startTrinoGateway, stopAll, type Service } from './lib/processes.js';
import { BenchClient, ProtocolError } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, median, pct, table } from './lib/stats.js';

const FLAGS = {
  sizes: { kind: 'string', help: 'result sizes in MiB, comma-separated (default 256,1024)' },
  rounds: { kind: 'number', help: 'rounds per size, one query per side each (default 3)' },
  'page-kb': { kind: 'number', help: 'page size of the fake responder in KiB (default 1024)' },
  'sample-ms': { kind: 'number', help: 'RSS sampling interval in ms (default 20)' },
  smoke: { kind: 'boolean', help: 'sizes 8,32 MiB, 1 round, every page parsed and rows counted; exit non-zero on errors' },
  profile: { kind: 'string', help: 'write a V8 CPU profile of the gateway into this directory' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
  baseline: { kind: 'string', help: 'a built checkout of an earlier gateway, measured as a further side (before/after in one run)' },
  nginx: { kind: 'boolean', help: 'nginx as a plain reverse proxy, measured as a further side (what a C proxy achieves here)' },
  'trino-gateway': { kind: 'boolean', help: 'trino-gateway 20, the peer, measured as a further side (MiB/s and peak RSS)' },
  'pg-port': { kind: 'number', help: "port of the test PostgreSQL trino-gateway's state lives in (default 15432)" },
} satisfies FlagSpec;

const MIB = 1024 * 1024;

interface Run {
  seconds: number;
  bytes: number;
  mibPerSecond: number;
}

interface GatewayRun extends Run {
  /** VmHWM after the run (reset to the current RSS before it). */
  peakRss: number;
  /** Largest VmRSS sample during the run. */
  sampledRss: number;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const sizes = (smoke ? '8,32' : (flags.sizes ?? '256,1024')).split(',').map(Number);
  if (sizes.some((s) => !Number.isFinite(s) || s <= 0)) throw new UsageError('--sizes must be positive numbers of MiB, e.g. 256,1024');
  const rounds = smoke ? 1 : (flags.rounds ?? 3);
  const sampleMs = flags['sample-ms'] ?? 20;

  console.log(`large-result: ${machineLine()}`);
  const client = new BenchClient(BENCH_USER);
  try {
    const fake = await startFakeTrino(flags['page-kb'] === undefined ? {} : { pageKb: flags['page-kb'] });
    const gateway: Service = await startGateway({ backendUrl: fake.url, ...(flags.profile ? { profileDir: flags.profile } : {}) });
    const proxy = await startNodeProxy(fake.url);
    const baseline = flags.baseline === undefined ? undefined : await startGateway({ backendUrl: fake.url, repo: flags.baseline });
    const nginx = flags.nginx ? await startNginx({ upstreamUrl: fake.url, workers: 1, keepalive: 16 }) : undefined;
    const trinoGateway = flags['trino-gateway'] ? await startTrinoGateway({ backendUrl: fake.url, postgresPort: flags['pg-port'] ?? 15432 }) : undefined;
    const canResetPeak = resetPeakMemory(gateway.pid);
    console.log(
      `fake ${fake.url} (pages of ${fake.pageBytes} bytes, ${fake.rowsPerPage} rows), gateway ${gateway.url} (pid ${gateway.pid}); ` +
        `${rounds} round(s) per size; peak RSS from ${canResetPeak ? 'VmHWM reset before each run' : 'RSS samples only (clear_refs not permitted)'}`,
    );

    const query = async (baseUrl: string, pages: number): Promise<Run> => {
      const start = process.hrtime.bigint();
      const outcome = await client.runQuery(baseUrl, `BENCH LARGE ${pages}`, { parse: smoke });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // Direct: POST, the queued poll, one poll per page, the final poll. A gateway may answer the
      // POST having followed the queued poll itself (one fewer), never fewer than a poll per page.
      const direct = pages + 3;
      if (outcome.roundTrips > direct || outcome.roundTrips < pages + 2) {
        throw new ProtocolError(`${baseUrl}: ${outcome.roundTrips} round trips for ${pages} pages, expected ${pages + 2} to ${direct}`);
      }
      if (smoke && outcome.rows !== pages * fake.rowsPerPage) throw new ProtocolError(`${baseUrl}: ${outcome.rows} rows, expected ${pages * fake.rowsPerPage}`);
      return { seconds, bytes: outcome.bytes, mibPerSecond: outcome.bytes / MIB / seconds };
    };
    const watched = async (service: Service, pages: number): Promise<GatewayRun> => {
      resetPeakMemory(service.pid);
      const sampler = sampleRss(service.pid, sampleMs);
      let run: Run;
      let sampledRss: number;
      try {
        run = await query(service.url, pages);
      } finally {
        sampledRss = sampler.stop();
      }
      return { ...run, sampledRss, peakRss: canResetPeak ? memoryOf(service.pid).peak : sampledRss };
    };
    const viaGateway = (pages: number) => watched(gateway, pages);

    // Warm-up (JIT, connections): 64 MiB each way, not recorded.
    const warmPages = Math.ceil(((smoke ? 4 : 64) * MIB) / fake.pageBytes);
    await query(fake.url, warmPages);
    await viaGateway(warmPages);
    await query(proxy.url, warmPages);
    if (baseline) await query(baseline.url, warmPages);
    if (nginx) await query(nginx.url, warmPages);
    if (trinoGateway) await query(trinoGateway.url, warmPages);
    const idleRss = memoryOf(gateway.pid).rss;

    const results: Array<{ mib: number; pages: number; direct: Run[]; gateway: GatewayRun[]; proxy: Run[]; baseline: Run[]; nginx: Run[]; trinoGateway: GatewayRun[] }> = [];
    for (const mib of sizes) {
      const pages = Math.ceil((mib * MIB) / fake.pageBytes);
      const entry = { mib, pages, direct: [] as Run[], gateway: [] as GatewayRun[], proxy: [] as Run[], baseline: [] as Run[], nginx: [] as Run[], trinoGateway: [] as GatewayRun[] };
      const sides = [
        async () => entry.direct.push(await query(fake.url, pages)),
        async () => entry.gateway.push(await viaGateway(pages)),
        async () => entry.proxy.push(await query(proxy.url, pages)),
        ...(baseline ? [async () => entry.baseline.push(await query(baseline.url, pages))] : []),
        ...(nginx ? [async () => entry.nginx.push(await query(nginx.url, pages))] : []),
        ...(trinoGateway ? [async () => entry.trinoGateway.push(await watched(trinoGateway, pages))] : []),
      ];
      for (let r = 0; r < rounds; r++) {
        // The order rotates each round so that no side always runs first.
        for (let k = 0; k < sides.length; k++) await sides[(r + k) % sides.length]!();
        const [d, g, p] = [entry.direct[r]!, entry.gateway[r]!, entry.proxy[r]!];
        console.log(
          `${mib} MiB round ${r + 1}: direct ${d.mibPerSecond.toFixed(0)} MiB/s, gateway ${g.mibPerSecond.toFixed(0)} MiB/s, ` +
            `node-proxy ${p.mibPerSecond.toFixed(0)} MiB/s; ${baseline ? `baseline gateway ${entry.baseline[r]!.mibPerSecond.toFixed(0)} MiB/s; ` : ''}` +
            `${nginx ? `nginx ${entry.nginx[r]!.mibPerSecond.toFixed(0)} MiB/s; ` : ''}` +
            `${trinoGateway ? `trino-gateway ${entry.trinoGateway[r]!.mibPerSecond.toFixed(0)} MiB/s (peak RSS ${(entry.trinoGateway[r]!.peakRss / MIB).toFixed(1)} MiB); ` : ''}` +
            `gateway peak RSS ${(g.peakRss / MIB).toFixed(1)} MiB`,
        );
      }
      results.push(entry);
    }
    const finalRss = memoryOf(gateway.pid).rss;
    await gateway.stop();
    // Further sides: the gateway's MiB/s over theirs, per round, median.
    const perRound = (a: Run[], b: Run[]) => median(a.map((x, i) => x.mibPerSecond / b[i]!.mibPerSecond));
    const further = [
      ...(baseline ? [{ name: 'baseline gateway', runs: (e: (typeof results)[number]) => e.baseline }] : []),
      ...(nginx ? [{ name: 'nginx', runs: (e: (typeof results)[number]) => e.nginx }] : []),
      ...(trinoGateway ? [{ name: 'trino-gateway', runs: (e: (typeof results)[number]) => e.trinoGateway }] : []),
    ];
    for (const side of further) {
      console.log(
        `\n${table([
          ['result', `${side.name} MiB/s`, `${side.name} / direct`, `gateway / ${side.name} (per round, median)`],
          ...results.map((e) => [`${e.mib} MiB`, median(side.runs(e).map((x) => x.mibPerSecond)).toFixed(0), pct(perRound(side.runs(e), e.direct)), pct(perRound(e.gateway, side.runs(e)))]),
        ])}`,
      );
    }

    if (trinoGateway) {
      const peak = (runs: GatewayRun[]) => fixed(Math.max(...runs.map((x) => x.peakRss)) / MIB, 1);
      console.log(`\npeak RSS, gateway vs trino-gateway: ${results.map((e) => `${e.mib} MiB: ${peak(e.gateway)} vs ${peak(e.trinoGateway)} MiB`).join('; ')}`);
    }
    console.log(`\ngateway RSS after warm-up (idle): ${(idleRss / MIB).toFixed(1)} MiB`);
    console.log(
      table([
        ['result', 'bytes', 'direct MiB/s', 'gateway MiB/s', 'node-proxy MiB/s', 'gw/direct', 'per-round', 'proxy/direct', 'gw peak RSS MiB', 'gw max sampled RSS MiB'],
        ...results.map((e) => {
          const d = median(e.direct.map((x) => x.mibPerSecond));
          const g = median(e.gateway.map((x) => x.mibPerSecond));
          const p = median(e.proxy.map((x) => x.mibPerSecond));
          return [
            `${e.mib} MiB (${e.pages} pages)`,
            String(e.gateway[0]!.bytes),
            d.toFixed(0),
            g.toFixed(0),
            p.toFixed(0),
            pct(g / d),
            pct(median(e.gateway.map((x, i) => x.mibPerSecond / e.direct[i]!.mibPerSecond))),
            pct(p / d),
            fixed(Math.max(...e.gateway.map((x) => x.peakRss)) / MIB, 1),
            fixed(Math.max(...e.gateway.map((x) => x.sampledRss)) / MIB, 1),
          ];
        }),
      ]),
    );
    const peaks = results.map((e) => Math.max(...e.gateway.map((x) => x.peakRss)));
    const growth = (peaks[peaks.length - 1]! - peaks[0]!) / MIB;
    const largest = results[results.length - 1]!;
    const ratio = median(largest.gateway.map((x) => x.mibPerSecond)) / median(largest.direct.map((x) => x.mibPerSecond));
    console.log(
      `peak RSS growth from ${results[0]!.mib} MiB to ${largest.mib} MiB results: ${growth.toFixed(1)} MiB; ` +
        `gateway RSS at the end: ${(finalRss / MIB).toFixed(1)} MiB`,
    );
    console.log(`target: throughput >= 90% of direct at ${largest.mib} MiB: ${pct(ratio)} ${ratio >= 0.9 ? 'met' : 'NOT met'}; memory flat (growth < 32 MiB): ${growth < 32 ? 'met' : 'NOT met'}`);
    console.log(loadLine());
    writeJson(flags.json, { benchmark: 'large-result', rounds, idleRss, finalRss, results });
    if (smoke) console.log('smoke: OK (every page parsed, row counts match)');
  } finally {
    await client.close();
    await stopAll();
  }
}

await runMain('large-result', FLAGS, main);
