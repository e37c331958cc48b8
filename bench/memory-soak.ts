/**
 * The heap ceiling under load: many clients (500 by default) run queries through one gateway,
 * started with the node flags of `npm start` (package.json), in front of the real Trino, for a
 * while; the gateway's RSS is sampled throughout. Prints the peak RSS next to the heap ceiling
 * and fails when the peak passes it, or when any query fails.
 *
 *   node dist/bench/memory-soak.js [--clients N] [--seconds S] [--max-running N] [--trino-name NAME --trino-port PORT]
 *
 * Each client loops: a small query (the nation table) and, every fourth time, a result of a few
 * pages (15,000 orders), to the end. The backend takes --max-running queries at once: the rest
 * wait in the gateway queue, polled as clients poll.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { REPO } from './lib/paths.js';
import { BENCH_USER, ensureTrino, memoryOf, sampleRss, startGateway, stopAll } from './lib/processes.js';
import { BenchClient } from './lib/protocol.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';

const FLAGS = {
  clients: { kind: 'number', help: 'concurrent clients (default 500)' },
  seconds: { kind: 'number', help: 'how long the clients run (default 60)' },
  'max-running': { kind: 'number', help: 'queries the backend takes at once; the rest wait in the gateway queue (default 40)' },
  'trino-name': { kind: 'string', help: 'scripts/trino/start.sh --name (default trino1)' },
  'trino-port': { kind: 'number', help: 'scripts/trino/start.sh --port (default 18080)' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
} satisfies FlagSpec;

const MIB = 1024 * 1024;
const SAMPLE_MS = 200;

/** The node flags `npm start` runs the gateway with, and the heap ceiling among them (MiB). */
function startFlags(): { nodeArgs: string[]; heapLimitMiB: number } {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.start ?? '').split(/\s+/);
  const nodeArgs = words.slice(1, words.findIndex((w) => w.endsWith('cli.js')));
  const limit = nodeArgs.map((a) => /^--max-old-space-size=(\d+)$/.exec(a)?.[1]).find((v) => v !== undefined);
  if (limit === undefined) throw new BenchError(`npm start sets no --max-old-space-size: ${scripts.start}`);
  return { nodeArgs, heapLimitMiB: Number(limit) };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const clients = flags.clients ?? 500;
  const seconds = flags.seconds ?? 60;
  const { nodeArgs, heapLimitMiB } = startFlags();
  const trino = await ensureTrino(flags['trino-name'] ?? 'trino1', flags['trino-port'] ?? 18080);
  const gateway = await startGateway({
    backendUrl: trino,
    nodeArgs,
    extraConfig: {
      backends: [{ name: 'bench', engine: 'trino', url: trino, group: 'soak', maxRunning: flags['max-running'] ?? 40 }],
      routingGroups: [{ name: 'soak', maxQueued: clients * 2, queueTimeout: '10m' }],
      routing: { defaultGroup: 'soak' },
    },
  });
  const idleRss = memoryOf(gateway.pid).rss;
  const sampler = sampleRss(gateway.pid, SAMPLE_MS);
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const client = new BenchClient(BENCH_USER);
      try {
        for (let n = 0; Date.now() < until; n++) {
          const sql = n % 4 === 3 ? `SELECT * FROM tpch.tiny.orders WHERE o_orderkey % 1000 <> ${i}` : `SELECT n_name, ${i} FROM tpch.tiny.nation`;
          const outcome = await client.runQuery(gateway.url, sql, { parse: false }).catch((err: Error) => ({ state: err.message.slice(0, 80) }));
          count(outcome.state);
        }
      } finally {
        await client.close();
      }
    }),
  );
  const peakRss = sampler.stop();
  const results = { clients, seconds, heapLimitMiB, nodeArgs, idleRssMiB: idleRss / MIB, peakRssMiB: peakRss / MIB, outcomes: Object.fromEntries(outcomes) };
  console.log(machineLine());
  console.log(loadLine());
  console.log(`${clients} clients for ${seconds} s through \`npm start\`'s flags (${nodeArgs.join(' ')}):`);
  console.log(`  queries: ${JSON.stringify(results.outcomes)}`);
  console.log(`  gateway RSS idle ${results.idleRssMiB.toFixed(0)} MiB, peak ${results.peakRssMiB.toFixed(0)} MiB (sampled every ${SAMPLE_MS} ms); heap ceiling ${heapLimitMiB} MiB`);
  writeJson(flags.json, results);
  if ([...outcomes.keys()].some((state) => state !== 'FINISHED')) throw new BenchError('some queries did not finish');
  if (peakRss >= heapLimitMiB * MIB) throw new BenchError(`peak RSS ${results.peakRssMiB.toFixed(0)} MiB passed the heap ceiling`);
}

await runMain('memory-soak', FLAGS, async () => {
  try {
    await main();
  } finally {
    await stopAll();
  }
});
