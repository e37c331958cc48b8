/**
 * Spooled results: a large result fetched with Trino's spooling protocol from a real Trino 483
 * whose segments go to S3 (moto or S3Proxy, scripts/trino/start-spooling.sh, retrieval mode STORAGE), directly
 * and through the gateway, side by side in every round (the order alternates). The client is the
 * same for both sides and does what the official clients do: it follows nextUri asking for
 * `X-Trino-Query-Data-Encoding`, decodes inline segments, downloads each spooled segment from its
 * URI and acknowledges it. Through the gateway only the protocol documents and the acknowledgements
 * cross it; segment bytes go from storage to the client. `--inline` adds the same query without
 * the encoding header through the gateway (every row crossing it as JSON pages) as a further side.
 * See bench/README.md.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SegmentDescription } from '../src/protocol/spooled-data.js';
import { rotateRounds } from './lib/alternate.js';
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { REPO } from './lib/paths.js';
import { BENCH_USER, startGateway, stopAll } from './lib/processes.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { median, pct, table } from './lib/stats.js';

const FLAGS = {
  sql: { kind: 'string', help: 'the query (default SELECT * FROM tpch.sf1.orders: 1.5 million rows, about 170 MiB as JSON)' },
  rounds: { kind: 'number', help: 'rounds, one query per side each (default 3)' },
  encoding: { kind: 'string', help: 'encoding to ask for: json, json+zstd, json+lz4 (default json)' },
  inline: { kind: 'boolean', help: 'also run the query through the gateway without the encoding header (inline JSON pages)' },
  'trino-port': { kind: 'number', help: 'port of the spooling Trino (default 18380; started when not running)' },
  'trino-name': { kind: 'string', help: 'instance name of the spooling Trino (default trino-spooling)' },
  store: { kind: 'string', help: 'the S3 server the segments go to: s3proxy (a Java server) or moto (a Python one, slower on large results) (default s3proxy)' },
  'store-port': { kind: 'number', help: 'port of that S3 server (default 15100 for s3proxy, 15000 for moto; started when not running)' },
  smoke: { kind: 'boolean', help: '200,000 rows of orders, 1 round, row counts checked; exit non-zero on errors' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
} satisfies FlagSpec;

const MIB = 1024 * 1024;

interface Run {
  seconds: number;
  /** Bytes of row data the client received: inline and downloaded segments, or JSON pages. */
  bytes: number;
  /** Bytes of the protocol documents (with any inline segments): all of the result that crossed the server asked. */
  documentBytes: number;
  documents: number;
  rows: number;
  spooledSegments: number;
  mibPerSecond: number;
}

/** Runs `sql` at `baseUrl` as the official clients do with the spooling protocol (or without, `encoding` undefined). */
async function fetchResult(baseUrl: string, sql: string, encoding: string | undefined): Promise<Run> {
  const headers: Record<string, string> = { 'X-Trino-User': BENCH_USER };
  if (encoding !== undefined) headers['X-Trino-Query-Data-Encoding'] = encoding;
  const started = process.hrtime.bigint();
  let response = await fetch(`${baseUrl}/v1/statement`, { method: 'POST', headers, body: sql });
  let bytes = 0;
  let documentBytes = 0;
  let documents = 0;
  let rows = 0;
  let spooledSegments = 0;
  for (;;) {
    if (response.status !== 200) throw new BenchError(`${baseUrl}: HTTP ${response.status}: ${await response.text()}`);
    const text = await response.text();
    documentBytes += Buffer.byteLength(text);
    documents++;
    const doc = JSON.parse(text) as { nextUri?: string; data?: unknown[][] | { segments: SegmentDescription[] }; error?: { message: string }; stats: { state: string } };
    if (doc.error !== undefined) throw new BenchError(`${baseUrl}: query failed: ${doc.error.message}`);
    if (Array.isArray(doc.data)) {
      rows += doc.data.length;
      bytes += Buffer.byteLength(text);
    } else if (doc.data !== undefined) {
      for (const segment of doc.data.segments) {
        rows += segment.metadata.rowsCount;
        if (segment.type === 'inline') {
          bytes += Buffer.from(segment.data!, 'base64').length;
          continue;
        }
        spooledSegments++;
        const download = await fetch(segment.uri!, { headers: Object.entries(segment.headers ?? {}).flatMap(([name, values]) => values.map((value): [string, string] => [name, value])) });
        if (download.status !== 200) throw new BenchError(`segment download answered HTTP ${download.status}`);
        bytes += (await download.arrayBuffer()).byteLength;
        const ack = await fetch(segment.ackUri!);
        await ack.arrayBuffer();
        if (ack.status !== 200) throw new BenchError(`segment acknowledgement answered HTTP ${ack.status}`);
      }
    }
    if (doc.nextUri === undefined) {
      if (doc.stats.state !== 'FINISHED') throw new BenchError(`${baseUrl}: final state ${doc.stats.state}`);
      break;
    }
    response = await fetch(doc.nextUri, { headers });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, bytes, documentBytes, documents, rows, spooledSegments, mibPerSecond: bytes / MIB / seconds };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const sql = smoke ? 'SELECT * FROM tpch.sf1.orders WHERE o_orderkey <= 800000' : (flags.sql ?? 'SELECT * FROM tpch.sf1.orders');
  const rounds = smoke ? 1 : (flags.rounds ?? 3);
  const encoding = flags.encoding ?? 'json';
  const trinoPort = flags['trino-port'] ?? 18380;
  const store = flags.store ?? 's3proxy';
  if (store !== 's3proxy' && store !== 'moto') throw new BenchError(`--store must be s3proxy or moto, got '${store}'`);
  const storePort = flags['store-port'] ?? (store === 's3proxy' ? 15100 : 15000);

  console.log(`spooled-result: ${machineLine()}`);
  try {
    const { stdout } = await promisify(execFile)(
      'bash',
      [join(REPO, 'scripts/trino/start-spooling.sh'), '--name', flags['trino-name'] ?? 'trino-spooling', '--port', String(trinoPort), `--${store}-port`, String(storePort)],
      { timeout: 600_000 },
    );
    const trinoUrl = stdout.trim().split('\n').pop()!;
    const gateway = await startGateway({ backendUrl: trinoUrl });
    console.log(`Trino ${trinoUrl} spooling to ${store} on port ${storePort}, gateway ${gateway.url} (pid ${gateway.pid}); ${rounds} round(s) of ${sql} with encoding ${encoding}`);

    const sides = [
      { name: 'direct', run: () => fetchResult(trinoUrl, sql, encoding) },
      { name: 'gateway', run: () => fetchResult(gateway.url, sql, encoding) },
      ...(flags.inline ? [{ name: 'gateway, inline pages', run: () => fetchResult(gateway.url, sql, undefined) }] : []),
    ];
    // The warm-up run warms the JIT, the connections and Trino's own caches.
    const runs = await rotateRounds(sides, rounds, (round, roundRuns) => {
      console.log(`round ${round + 1}: ${sides.map((side, i) => `${side.name} ${roundRuns[i]!.mibPerSecond.toFixed(1)} MiB/s (${roundRuns[i]!.seconds.toFixed(2)} s)`).join(', ')}`);
    });
    const rowCounts = new Set(runs.flat().map((r) => r.rows));
    if (rowCounts.size !== 1) throw new BenchError(`the sides received different row counts: ${[...rowCounts].join(', ')}`);
    const spooled = runs[0]!.map((r) => r.spooledSegments);
    if (spooled.some((n) => n === 0)) throw new BenchError('no segment was spooled: is protocol.spooling.enabled set on the Trino?');

    const direct = runs[0]!;
    console.log(
      `\n${table([
        ['side', 'seconds p50', 'MiB/s p50', 'vs direct (per round, median)', 'rows', 'MiB received', 'spooled segments', 'documents', 'MiB of documents'],
        ...sides.map((side, i) => [
          side.name,
          median(runs[i]!.map((r) => r.seconds)).toFixed(2),
          median(runs[i]!.map((r) => r.mibPerSecond)).toFixed(1),
          pct(median(runs[i]!.map((r, round) => r.mibPerSecond / direct[round]!.mibPerSecond))),
          String(runs[i]![0]!.rows),
          (runs[i]![0]!.bytes / MIB).toFixed(1),
          String(runs[i]![0]!.spooledSegments),
          String(runs[i]![0]!.documents),
          (runs[i]![0]!.documentBytes / MIB).toFixed(1),
        ]),
      ])}`,
    );
    const ratio = median(runs[1]!.map((r, round) => r.mibPerSecond / direct[round]!.mibPerSecond));
    console.log(`target: spooled through the gateway >= 90% of direct: ${pct(ratio)} ${ratio >= 0.9 ? 'met' : 'NOT met'}`);
    console.log(loadLine());
    writeJson(flags.json, { benchmark: 'spooled-result', sql, encoding, store, rounds, sides: sides.map((side, i) => ({ name: side.name, runs: runs[i] })) });
    if (smoke) console.log('smoke: OK (row counts match, segments spooled)');
  } finally {
    await stopAll();
  }
}

await runMain('spooled-result', FLAGS, main);
