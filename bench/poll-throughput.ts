/**
 * Requests per second on the follow-up path (GET nextUri), many concurrent connections, against
 * the fake responder directly, through nginx (a plain keep-alive reverse proxy), through the
 * gateway and through bench/node-proxy.js (a bare Node hop, the floor for a Node gateway). The
 * load generator is wrk (Debian package `wrk`); targets alternate in rounds. See bench/README.md.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { BENCH_PASSWORD, BENCH_USER, createTlsMaterial, startFakeTrino, startGateway, startNginx, startNodeProxy, startTrinoGateway, stopAll } from './lib/processes.js';
import { BenchClient, ProtocolError } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, median, pct, table } from './lib/stats.js';

const FLAGS = {
  duration: { kind: 'number', help: 'seconds per wrk run (default 10)' },
  warmup: { kind: 'number', help: 'unrecorded seconds per target before the rounds (default 2; 15 with --trino-gateway, whose JVM compiles its hot paths later)' },
  rounds: { kind: 'number', help: 'rounds over the targets (default 3)' },
  connections: { kind: 'number', help: 'concurrent connections (default 64)' },
  threads: { kind: 'number', help: 'wrk threads (default 1: the machine has 2 cores)' },
  'nginx-workers': { kind: 'number', help: 'nginx worker processes (default 1, like the single gateway process)' },
  tls: { kind: 'boolean', help: 'nginx and the gateway serve HTTPS (self-signed RSA 2048); direct and node-proxy stay plain' },
  auth: { kind: 'boolean', help: 'like --tls, plus password authentication at the gateway (Basic credentials on every poll)' },
  smoke: { kind: 'boolean', help: '1 round of 1 s, 8 connections; exit non-zero on any error' },
  profile: { kind: 'string', help: 'write a V8 CPU profile of the gateway into this directory' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
  baseline: { kind: 'string', help: 'a further target: the gateway of another built checkout (before/after in one run)' },
  workers: { kind: 'number', help: 'a further target: the gateway with server.workers at this number (1 and N side by side)' },
  'trino-gateway': { kind: 'boolean', help: 'a further target: trino-gateway 20, the peer (plain HTTP)' },
  'pg-port': { kind: 'number', help: "port of the test PostgreSQL trino-gateway's state lives in (default 15432)" },
} satisfies FlagSpec;

interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  /** Non-2xx/3xx answers plus socket errors. */
  errors: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

async function wrk(url: string, headers: string[], seconds: number, connections: number, threads: number): Promise<WrkResult> {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url];
  const { stdout } = await promisify(execFile)('wrk', args, { timeout: (seconds + 30) * 1000 });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const latency = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(stdout);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const requests = /(\d+) requests in/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  if (!rps || !requests) throw new Error(`cannot read wrk's output:\n${stdout}`);
  return { rps: Number(rps[1]), p50ms: latency('50'), p99ms: latency('99'), requests: Number(requests[1]), errors: non2xx + socketErrors };
}

/**
 * Starts a BENCH POLL query through `baseUrl` and returns the executing-page URI that base hands
 * out, after checking that polling it repeatedly keeps answering the same page.
 */
async function pollTarget(client: BenchClient, baseUrl: string): Promise<string> {
  const posted = await client.page('POST', `${baseUrl}/v1/statement`, 'BENCH POLL', true);
  if (posted.status !== 200 || !posted.nextUri) throw new ProtocolError(`POST via ${baseUrl}: HTTP ${posted.status} ${JSON.stringify(posted.doc)}`);
  const queued = await client.page('GET', posted.nextUri, undefined, true);
  if (queued.status !== 200 || !queued.nextUri) throw new ProtocolError(`queued poll via ${baseUrl}: HTTP ${queued.status} ${JSON.stringify(queued.doc)}`);
  const uri = queued.nextUri;
  for (let i = 0; i < 3; i++) {
    const page = await client.page('GET', uri, undefined, true);
    const data = JSON.stringify(page.doc?.data);
    if (page.status !== 200 || !page.nextUri || data !== '[[1]]') {
      throw new ProtocolError(`repeated poll ${i + 1} of ${uri}: HTTP ${page.status} ${JSON.stringify(page.doc).slice(0, 300)}`);
    }
  }
  return uri;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const seconds = smoke ? 1 : (flags.duration ?? 10);
  const rounds = smoke ? 1 : (flags.rounds ?? 3);
  const connections = smoke ? 8 : (flags.connections ?? 64);
  const threads = flags.threads ?? 1;

  if (spawnSync('wrk', ['--version']).error) throw new BenchError('wrk is not installed: apt-get install -y wrk');
  console.log(`poll-throughput: ${machineLine()}`);
  let client: BenchClient | undefined;
  try {
    const passwordAuth = flags.auth ?? false;
    const tls = flags.tls || passwordAuth ? createTlsMaterial() : undefined;
    const fake = await startFakeTrino();
    const nginx = await startNginx({ upstreamUrl: fake.url, workers: flags['nginx-workers'] ?? 1, keepalive: Math.max(connections, 16), ...(tls ? { tls } : {}) });
    const gateway = await startGateway({ backendUrl: fake.url, passwordAuth, ...(tls ? { tls } : {}), ...(flags.profile ? { profileDir: flags.profile } : {}) });
    const proxy = await startNodeProxy(fake.url);
    const baseline = flags.baseline === undefined ? undefined : await startGateway({ backendUrl: fake.url, repo: flags.baseline, passwordAuth, ...(tls ? { tls } : {}) });
    const workers = flags.workers === undefined ? undefined : await startGateway({ backendUrl: fake.url, workers: flags.workers, passwordAuth, ...(tls ? { tls } : {}) });
    const workersName = `gateway x${flags.workers} workers`;
    const trinoGateway = flags['trino-gateway'] ? await startTrinoGateway({ backendUrl: fake.url, postgresPort: flags['pg-port'] ?? 15432 }) : undefined;
    client = new BenchClient(BENCH_USER, {
      ...(tls ? { ca: tls.ca } : {}),
      ...(passwordAuth ? { credentials: { origins: [gateway, baseline, workers].flatMap((g) => (g ? [g.url] : [])), password: BENCH_PASSWORD } } : {}),
    });
    const userHeader = `X-Trino-User: ${BENCH_USER}`;
    const basic = `Authorization: Basic ${Buffer.from(`${BENCH_USER}:${BENCH_PASSWORD}`).toString('base64')}`;
    const gatewayHeaders = passwordAuth ? [userHeader, basic] : [userHeader];
    const targets = [
      { name: 'direct', uri: await pollTarget(client, fake.url), headers: [userHeader] },
      { name: 'nginx', uri: await pollTarget(client, nginx.url), headers: [userHeader] },
      { name: 'gateway', uri: await pollTarget(client, gateway.url), headers: gatewayHeaders },
      { name: 'node-proxy', uri: await pollTarget(client, proxy.url), headers: [userHeader] },
      ...(baseline ? [{ name: 'baseline gateway', uri: await pollTarget(client, baseline.url), headers: gatewayHeaders }] : []),
      ...(workers ? [{ name: workersName, uri: await pollTarget(client, workers.url), headers: gatewayHeaders }] : []),
      ...(trinoGateway ? [{ name: 'trino-gateway', uri: await pollTarget(client, trinoGateway.url), headers: [userHeader] }] : []),
    ];
    await client.close();
    const variant = passwordAuth ? 'nginx and gateway over HTTPS, gateway with password authentication' : tls ? 'nginx and gateway over HTTPS' : 'plain HTTP';
    console.log(`variant: ${variant}; wrk: ${threads} thread(s), ${connections} connections, ${seconds} s per run, ${rounds} round(s)`);
    for (const t of targets) console.log(`  ${t.name}: ${t.uri}`);

    if (!smoke) {
      const warmup = flags.warmup ?? (trinoGateway ? 15 : 2);
      for (const t of targets) await wrk(t.uri, t.headers, warmup, connections, threads); // warm-up (JIT, connection pools), not recorded
    }
    const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so that no target always runs first or last.
      const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
      const line: string[] = [];
      for (const t of order) {
        const result = await wrk(t.uri, t.headers, seconds, connections, threads);
        results.get(t.name)!.push(result);
        line.push(`${t.name} ${result.rps.toFixed(0)} rps${result.errors ? ` (${result.errors} errors)` : ''}`);
      }
      console.log(`round ${r + 1}: ${line.join(', ')}`);
    }
    await gateway.stop();
    await baseline?.stop();
    await workers?.stop();

    const med = (name: string, key: keyof WrkResult) => median(results.get(name)!.map((x) => x[key]));
    const perRound = (a: string, b: string) => median(results.get(a)!.map((x, i) => x.rps / results.get(b)![i]!.rps));
    const errors = targets.reduce((n, t) => n + results.get(t.name)!.reduce((m, x) => m + x.errors, 0), 0);
    console.log(
      '\n' +
        table([
          ['target', 'median rps', 'p50 ms', 'p99 ms', 'errors'],
          ...targets.map((t) => [
            t.name,
            med(t.name, 'rps').toFixed(0),
            fixed(med(t.name, 'p50ms')),
            fixed(med(t.name, 'p99ms')),
            String(results.get(t.name)!.reduce((m, x) => m + x.errors, 0)),
          ]),
        ]),
    );
    const gatewayVsNginx = med('gateway', 'rps') / med('nginx', 'rps');
    console.log(
      `gateway = ${pct(gatewayVsNginx)} of nginx (per-round median ${pct(perRound('gateway', 'nginx'))}), ` +
        `${pct(med('gateway', 'rps') / med('direct', 'rps'))} of direct (per-round ${pct(perRound('gateway', 'direct'))}); ` +
        `${pct(med('gateway', 'rps') / med('node-proxy', 'rps'))} of node-proxy; ` +
        `nginx = ${pct(med('nginx', 'rps') / med('direct', 'rps'))} of direct, node-proxy = ${pct(med('node-proxy', 'rps') / med('nginx', 'rps'))} of nginx`,
    );
    if (workers) {
      const latency = (key: 'p50ms' | 'p99ms') => `${fixed(med(workersName, key))} vs ${fixed(med('gateway', key))} ms`;
      console.log(`${workersName} / gateway (1 process): ${(med(workersName, 'rps') / med('gateway', 'rps')).toFixed(2)} (per-round median ${perRound(workersName, 'gateway').toFixed(2)}); p50 ${latency('p50ms')}, p99 ${latency('p99ms')}`);
    }
    if (trinoGateway) console.log(`gateway / trino-gateway: ${(med('gateway', 'rps') / med('trino-gateway', 'rps')).toFixed(2)} (per-round median ${perRound('gateway', 'trino-gateway').toFixed(2)})`);
    if (baseline) console.log(`gateway / baseline gateway: ${(med('gateway', 'rps') / med('baseline gateway', 'rps')).toFixed(2)} (per-round median ${perRound('gateway', 'baseline gateway').toFixed(2)})`);
    console.log(`target: gateway >= 80% of nginx: ${gatewayVsNginx >= 0.8 ? 'met' : 'NOT met'}`);
    console.log(loadLine());
    writeJson(flags.json, {
      benchmark: 'poll-throughput',
      variant,
      seconds,
      rounds,
      connections,
      threads,
      results: Object.fromEntries(results),
      gatewayVsNginx,
      gatewayVsDirect: med('gateway', 'rps') / med('direct', 'rps'),
    });
    if (errors > 0) throw new ProtocolError(`${errors} failed requests (non-2xx answers or socket errors)`);
    if (smoke) console.log('smoke: OK (no errors)');
  } finally {
    await client?.close();
    await stopAll();
  }
}

await runMain('poll-throughput', FLAGS, main);
