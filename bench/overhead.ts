/**
 * Per-query overhead of the gateway: `SELECT 1` over the whole protocol (POST and every poll until
 * the final document), straight to the backend and through a gateway process, with the same
 * client, alternating in every iteration. A third side, bench/node-proxy.js, shows what a bare
 * Node hop costs on the same machine. See bench/README.md.
 */
import { UsageError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { BENCH_PASSWORD, BENCH_USER, createTlsMaterial, ensureTrino, startFakeTrino, startGateway, startNginx, startNodeProxy, startTrinoGateway, stopAll, stopTrino } from './lib/processes.js';
import { alternateSides } from './lib/alternate.js';
import { BenchClient, ProtocolError } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { fixed, median, pct, summarize, table, type Summary } from './lib/stats.js';

const FLAGS = {
  backend: { kind: 'string', help: "'fake' (default: bench/fake-trino.js) or 'trino' (scripts/trino/start.sh)" },
  iterations: { kind: 'number', help: 'measured iterations, one query per side each (default 2000 fake, 200 trino)' },
  warmup: { kind: 'number', help: 'unmeasured iterations first (default 300 fake, 20 trino)' },
  'trino-port': { kind: 'number', help: 'port of the real Trino (default 18080)' },
  'trino-name': { kind: 'string', help: 'scripts/trino instance name (default trino1)' },
  smoke: { kind: 'boolean', help: 'a few iterations, exit non-zero on any protocol error' },
  tls: { kind: 'boolean', help: 'client to gateway over HTTPS (self-signed RSA 2048 certificate)' },
  auth: { kind: 'boolean', help: 'like --tls, plus a password-file authenticator and Basic credentials on every request' },
  profile: { kind: 'string', help: 'write a V8 CPU profile of the gateway into this directory' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
  baseline: { kind: 'string', help: 'a built checkout of an earlier gateway, measured as a further side (before/after in one run)' },
  authorization: { kind: 'boolean', help: 'also measure a gateway that authorizes every statement against a rules file (a further side)' },
  nginx: { kind: 'boolean', help: 'nginx as a plain reverse proxy (plain HTTP), a further side: what a C proxy adds here' },
  'trino-gateway': { kind: 'boolean', help: 'trino-gateway 20 (the peer, plain HTTP, fake backend only) as a further side' },
  'pg-port': { kind: 'number', help: "port of the test PostgreSQL trino-gateway's state lives in (default 15432)" },
} satisfies FlagSpec;

const SQL = 'SELECT 1';
/**
 * The `--authorization` side's rules: a realistic shape (group and catalog rules before the
 * catch-alls) that allows the benchmark user's `SELECT 1`. After the first query every decision is
 * a cache hit, as for any repeated statement; bench/authorization.js measures uncached analysis.
 */
const BENCH_RULES = {
  catalogs: [{ group: 'admins', allow: 'all' }, { catalog: 'hive', allow: 'read-only' }, { allow: 'all' }],
  schemas: [{ group: 'admins', owner: true }, { owner: false }],
  tables: [{ user: 'banned', privileges: [] }, { catalog: 'hive', schema: 'finance', group: 'finance', privileges: ['SELECT'] }, { privileges: ['SELECT'] }],
};
/** Round trips of `SELECT 1` against bench/fake-trino.js (Trino 476's shortest path). */
const FAKE_ROUND_TRIPS = 4;

async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(3000) });
    return response.ok && ((await response.json()) as { starting?: boolean }).starting === false;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const backendKind = flags.backend ?? 'fake';
  if (backendKind !== 'fake' && backendKind !== 'trino') throw new UsageError(`--backend must be 'fake' or 'trino', not '${backendKind}'`);
  const real = backendKind === 'trino';
  // scripts/trino runs Trino without http-server.process-forwarded, which trino-gateway needs.
  if (real && flags['trino-gateway']) throw new UsageError('--trino-gateway needs the fake backend');
  const iterations = flags.smoke ? 20 : (flags.iterations ?? (real ? 200 : 2000));
  const warmup = flags.smoke ? 5 : (flags.warmup ?? (real ? 20 : 300));

  console.log(`overhead: ${machineLine()}`);
  let startedTrino: string | undefined;
  let client: BenchClient | undefined;
  try {
    let backendUrl: string;
    if (real) {
      const name = flags['trino-name'] ?? 'trino1';
      const port = flags['trino-port'] ?? 18080;
      backendUrl = `http://127.0.0.1:${port}`;
      if (!(await isUp(backendUrl))) {
        console.log(`starting Trino '${name}' on port ${port} (scripts/trino/start.sh); it is stopped again at the end`);
        await ensureTrino(name, port);
        startedTrino = name;
      }
    } else {
      backendUrl = (await startFakeTrino()).url;
    }
    const passwordAuth = flags.auth ?? false;
    const tls = flags.tls || passwordAuth ? createTlsMaterial() : undefined;
    const gateway = await startGateway({ backendUrl, passwordAuth, ...(tls ? { tls } : {}), ...(flags.profile ? { profileDir: flags.profile } : {}) });
    const proxy = await startNodeProxy(backendUrl);
    const baseline = flags.baseline === undefined ? undefined : await startGateway({ backendUrl, passwordAuth, repo: flags.baseline, ...(tls ? { tls } : {}) });
    const authorizing = flags.authorization ? await startGateway({ backendUrl, passwordAuth, accessRules: BENCH_RULES, ...(tls ? { tls } : {}) }) : undefined;
    const nginx = flags.nginx ? await startNginx({ upstreamUrl: backendUrl, workers: 1, keepalive: 16 }) : undefined;
    const trinoGateway = flags['trino-gateway'] ? await startTrinoGateway({ backendUrl, postgresPort: flags['pg-port'] ?? 15432 }) : undefined;
    client = new BenchClient(BENCH_USER, {
      ...(tls ? { ca: tls.ca } : {}),
      // Every gateway side authenticates; direct, node-proxy, nginx and trino-gateway take no credentials.
      ...(passwordAuth ? { credentials: { origins: [gateway, baseline, authorizing].flatMap((g) => (g ? [g.url] : [])), password: BENCH_PASSWORD } } : {}),
    });
    const variant = passwordAuth ? 'gateway over HTTPS with password authentication' : tls ? 'gateway over HTTPS' : 'plain HTTP';
    console.log(`variant: ${variant} (backend and node-proxy: plain HTTP)`);
    const sides = [
      { name: 'direct', url: backendUrl },
      { name: 'gateway', url: gateway.url },
      { name: 'node-proxy', url: proxy.url },
      ...(baseline ? [{ name: 'baseline gateway', url: baseline.url }] : []),
      ...(authorizing ? [{ name: 'gateway + authorization', url: authorizing.url }] : []),
      ...(nginx ? [{ name: 'nginx', url: nginx.url }] : []),
      ...(trinoGateway ? [{ name: 'trino-gateway', url: trinoGateway.url }] : []),
    ];
    console.log(`backend ${backendUrl} (${backendKind}), gateway ${gateway.url} (pid ${gateway.pid}), node-proxy ${proxy.url}; ${warmup} warm-up + ${iterations} measured iterations`);

    const samples = await alternateSides(
      client,
      sides.map((s) => s.url),
      {
        sql: SQL,
        rows: 1,
        maxRoundTrips: 1000,
        warmup,
        iterations,
        check: (side, sample) => {
          // The gateway may take fewer: it follows data-less documents of a submission itself.
          if (!real && (sample.roundTrips > FAKE_ROUND_TRIPS || (sides[side]!.name === 'direct' && sample.roundTrips !== FAKE_ROUND_TRIPS))) {
            throw new ProtocolError(`${sides[side]!.name}: expected ${FAKE_ROUND_TRIPS} round trips (at most, through a gateway), got ${sample.roundTrips}`);
          }
        },
      },
    );
    await gateway.stop();
    await baseline?.stop();
    await authorizing?.stop();

    const ms = samples.map((list) => list.map((s) => s.ms));
    const stats = ms.map(summarize);
    const [ds, gs, ps] = stats as [Summary, Summary, Summary];
    const addedPct = (s: Summary): Summary => ({ p50: s.p50 - ds.p50, p95: s.p95 - ds.p95, p99: s.p99 - ds.p99, mean: s.mean - ds.mean });
    const addedPairs = (side: number) => summarize(ms[side]!.map((v, i) => v - ms[0]![i]!));
    const trips = samples.map((list) => median(list.map((s) => s.roundTrips)));
    const row = (label: string, s: Summary) => [label, fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.mean)];
    const ratio = (label: string, s: Summary) => [label, fixed(s.p50 / ds.p50, 2), fixed(s.p95 / ds.p95, 2), fixed(s.p99 / ds.p99, 2), fixed(s.mean / ds.mean, 2)];
    console.log(`\nSELECT 1, full protocol; median round trips per query: ${sides.map((s, i) => `${s.name} ${trips[i]}`).join(', ')}`);
    console.log(
      table([
        ['ms per query', 'p50', 'p95', 'p99', 'mean'],
        row('direct', ds),
        row('gateway', gs),
        row('node-proxy (bare Node hop)', ps),
        row('gateway added (pct - pct)', addedPct(gs)),
        row('gateway added (per-pair diff)', addedPairs(1)),
        row('node-proxy added (pct - pct)', addedPct(ps)),
        row('node-proxy added (per-pair diff)', addedPairs(2)),
        ratio('ratio gateway / direct', gs),
        ratio('ratio node-proxy / direct', ps),
        ...sides.slice(3).flatMap((side, k) => [row(side.name, stats[3 + k]!), row(`${side.name} added (per-pair diff)`, addedPairs(3 + k)), ratio(`ratio ${side.name} / direct`, stats[3 + k]!)]),
      ]),
    );
    const added = addedPct(gs);
    const pairs = addedPairs(1);
    console.log(
      `gateway added per round trip: ${fixed(pairs.p50 / trips[1]!)} ms (node-proxy: ${fixed(addedPairs(2).p50 / trips[2]!)} ms); ` +
        `gateway p50 is ${pct(gs.p50 / ds.p50)} of direct`,
    );
    if (!real) {
      const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log(
        `targets (fast responder): added p50 <= 0.25 ms: ${fixed(added.p50)} ms (per-pair ${fixed(pairs.p50)}) ${verdict(Math.max(added.p50, pairs.p50) <= 0.25)}; ` +
          `added p99 <= 0.8 ms: ${fixed(added.p99)} ms ${verdict(added.p99 <= 0.8)}`,
      );
    }
    console.log(loadLine());
    writeJson(flags.json, {
      benchmark: 'overhead',
      backend: backendKind,
      variant,
      iterations,
      warmup,
      roundTrips: Object.fromEntries(sides.map((s, i) => [s.name, trips[i]])),
      ms: Object.fromEntries(sides.map((s, i) => [s.name, stats[i]])),
      gatewayAdded: { percentiles: added, perPair: pairs },
      nodeProxyAdded: { percentiles: addedPct(ps), perPair: addedPairs(2) },
      ...Object.fromEntries(sides.slice(3).map((side, k) => [`${side.name} added`, { perPair: addedPairs(3 + k) }])),
    });
    if (flags.smoke) console.log(`smoke: OK (${iterations} iterations, no protocol errors)`);
  } finally {
    await client?.close();
    await stopAll();
    if (startedTrino !== undefined) await stopTrino(startedTrino);
  }
}

await runMain('overhead', FLAGS, main);
