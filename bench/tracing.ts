/**
 * What tracing costs: `SELECT 1` over the whole protocol through two gateway processes in front
 * of the same backend, one without `tracing` (no SDK loaded) and one tracing every query
 * (sampleRatio 1) and exporting by OTLP/HTTP to a local sink, alternating in every iteration,
 * with direct to the backend as a third side. See bench/README.md.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { alternateSides } from './lib/alternate.js';
import { BENCH_USER, startFakeTrino, startGateway, stopAll } from './lib/processes.js';
import { BenchClient, ProtocolError } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, summarize, table, type Summary } from './lib/stats.js';

const FLAGS = {
  iterations: { kind: 'number', help: 'measured iterations, one query per side each (default 2000)' },
  warmup: { kind: 'number', help: 'unmeasured iterations first (default 300)' },
  smoke: { kind: 'boolean', help: 'a few iterations; exit non-zero on a protocol error or if no span reached the sink' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
  baseline: { kind: 'string', help: 'a built checkout of the gateway without tracing, measured as a further side (does "off" cost anything?)' },
} satisfies FlagSpec;

/**
 * The OTLP sink: accepts every export and counts spans. It runs in the benchmark process (the
 * exporter posts a batch every 5 s, so it hardly competes with the load generator).
 */
async function startSink(): Promise<{ url: string; spans: () => number; server: Server }> {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      spans += (Buffer.concat(chunks).toString('utf8').match(/"spanId"/g) ?? []).length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, spans: () => spans, server };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const iterations = flags.smoke ? 20 : (flags.iterations ?? 2000);
  const warmup = flags.smoke ? 5 : (flags.warmup ?? 300);
  console.log(`tracing: ${machineLine()}`);
  const sink = await startSink();
  let client: BenchClient | undefined;
  try {
    const backendUrl = (await startFakeTrino()).url;
    const untraced = await startGateway({ backendUrl });
    const traced = await startGateway({ backendUrl, extraConfig: { tracing: { otlpEndpoint: sink.url, sampleRatio: 1 } } });
    const baseline = flags.baseline === undefined ? undefined : await startGateway({ backendUrl, repo: flags.baseline });
    client = new BenchClient(BENCH_USER, {});
    const sides = [
      { name: 'direct', url: backendUrl },
      { name: 'gateway, tracing off', url: untraced.url },
      { name: 'gateway, tracing on (every query sampled, OTLP export)', url: traced.url },
      ...(baseline ? [{ name: 'baseline gateway (no tracing code)', url: baseline.url }] : []),
    ];
    console.log(`fake backend ${backendUrl}; ${warmup} warm-up + ${iterations} measured iterations; OTLP sink ${sink.url}`);
    const samples = await alternateSides(
      client,
      sides.map((s) => s.url),
      { sql: 'SELECT 1', rows: 1, maxRoundTrips: 1000, warmup, iterations },
    );
    // Stopping the traced gateway (SIGTERM: drain, then close) exports its last batch.
    await untraced.stop();
    await traced.stop();
    await baseline?.stop();
    const ms = samples.map((list) => list.map((s) => s.ms));
    const stats = ms.map(summarize) as [Summary, Summary, Summary, ...Summary[]];
    const [ds, off, on] = stats;
    const perPair = (side: number, against: number) => summarize(ms[side]!.map((v, i) => v - ms[against]![i]!));
    const row = (label: string, s: Summary) => [label, fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.mean)];
    console.log('\nSELECT 1, full protocol');
    console.log(
      table([
        ['ms per query', 'p50', 'p95', 'p99', 'mean'],
        ...sides.map((side, i) => row(side.name, stats[i]!)),
        row('tracing on - off (per-pair diff)', perPair(2, 1)),
        row('gateway off - direct (per-pair diff)', perPair(1, 0)),
        ...(baseline ? [row('tracing off - baseline (per-pair diff)', perPair(1, 3))] : []),
      ]),
    );
    const baselineRatio = baseline ? `; tracing off / baseline: ${fixed(off.p50 / stats[3]!.p50, 3)}` : '';
    console.log(`median ratio tracing on / off: ${fixed(on.p50 / off.p50, 3)}${baselineRatio}; gateway off / direct: ${fixed(off.p50 / ds.p50, 2)}; spans received by the sink: ${sink.spans()}`);
    console.log(loadLine());
    writeJson(flags.json, { benchmark: 'tracing', iterations, warmup, ms: Object.fromEntries(sides.map((s, i) => [s.name, stats[i]])), tracingAdded: perPair(2, 1), spans: sink.spans() });
    if (flags.smoke) {
      if (sink.spans() === 0) throw new ProtocolError('the traced gateway exported no span');
      console.log(`smoke: OK (${iterations} iterations, ${sink.spans()} spans exported)`);
    }
  } finally {
    await client?.close();
    await stopAll();
    sink.server.close();
  }
}

await runMain('tracing', FLAGS, main);
