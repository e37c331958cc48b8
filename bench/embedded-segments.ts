/**
 * Would the embedded engine deliver a large result faster as spooled segments (written to local
 * disk, downloaded from the gateway) than as the inline JSON pages it serves now (issue 24)?
 * Measured in parts, side by side in every round (the order rotates), for one result:
 * - `engine alone`: the engine producing the result's Trino JSON rows in-process, page by page,
 *   with no HTTP: what either delivery has to spend first;
 * - `engine + segment files`: the same, each page written to a file as a spooled segment's JSON
 *   (`[rows]`): the producer side of a spooling design;
 * - `segment files over HTTP`: those files downloaded one after another from a node:http server
 *   that streams them from disk, each parsed by the client: the consumer side;
 * - `gateway, inline pages` at the default page size and at `targetResultSize=16MB`: what clients
 *   get now, every page parsed by the client.
 * A spooling design cannot beat max(producer, consumer) (perfect overlap) and would reach the sum
 * when not overlapped; it is worth building only if that is clearly below the inline time.
 * See bench/README.md (embedded-segments).
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engines/duckdb/duckdb-engine.js';
import { rotateRounds, type Side } from './lib/alternate.js';
import { BenchError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { BENCH_USER, startGateway, stopAll } from './lib/processes.js';
import { loadLine, machineLine, writeJson } from './lib/report.js';
import { median, pct, table } from './lib/stats.js';

const FLAGS = {
  copies: { kind: 'number', help: 'copies of demo.tpch.lineitem (60,175 rows, about 8 MiB as JSON each) in the result (default 32)' },
  rounds: { kind: 'number', help: 'rounds, one run per side each (default 3)' },
  smoke: { kind: 'boolean', help: 'one copy, one round, row counts checked; exit non-zero on errors' },
  json: { kind: 'string', help: 'also write the results to this JSON file' },
} satisfies FlagSpec;

const MIB = 1024 * 1024;
/** The gateway's default page size for the embedded engine (targetResultSize not sent). */
const DEFAULT_PAGE_BYTES = 1024 * 1024;

interface Run {
  seconds: number;
  /** Bytes of row JSON produced or received. */
  bytes: number;
  rows: number;
}

async function timed(work: () => Promise<{ bytes: number; rows: number }>): Promise<Run> {
  const started = process.hrtime.bigint();
  const { bytes, rows } = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes, rows };
}

/** Runs `sql` on the in-process engine, handing each page's rows JSON to `onPage`. */
async function drainEngine(engine: DuckDbEngine, sql: string, onPage: (rowsJson: string, index: number) => void): Promise<{ bytes: number; rows: number }> {
  const execution = await engine.execute(
    { sql, parameters: [], user: BENCH_USER, catalog: 'demo', schema: 'tpch', parametricDatetime: false },
    new AbortController().signal,
  );
  let bytes = 0;
  let rows = 0;
  for (let index = 0; ; index++) {
    const page = await execution.nextPage(DEFAULT_PAGE_BYTES);
    if (page === null) return { bytes, rows };
    bytes += page.rowsJson.length;
    rows += page.rowCount;
    onPage(page.rowsJson, index);
  }
}

/** Follows the query's pages through the gateway as a client does, parsing every document. */
async function fetchInline(gatewayUrl: string, sql: string, targetResultSize: string | undefined): Promise<{ bytes: number; rows: number }> {
  const headers = { 'X-Trino-User': BENCH_USER, 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' };
  let response = await fetch(`${gatewayUrl}/v1/statement`, { method: 'POST', headers, body: sql });
  let bytes = 0;
  let rows = 0;
  for (;;) {
    const text = await response.text();
    const doc = JSON.parse(text) as { nextUri?: string; data?: unknown[][]; error?: { message: string } };
    if (doc.error !== undefined) throw new BenchError(`query failed: ${doc.error.message}`);
    if (doc.data !== undefined) {
      bytes += text.length;
      rows += doc.data.length;
    }
    if (doc.nextUri === undefined) return { bytes, rows };
    const next = targetResultSize === undefined ? doc.nextUri : `${doc.nextUri}${doc.nextUri.includes('?') ? '&' : '?'}targetResultSize=${targetResultSize}`;
    response = await fetch(next, { headers });
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const copies = smoke ? 1 : (flags.copies ?? 32);
  const rounds = smoke ? 1 : (flags.rounds ?? 3);
  const sql = `SELECT l.* FROM lineitem l CROSS JOIN UNNEST(sequence(1, ${copies})) AS t (copy)`;
  const segmentDir = mkdtempSync(join(tmpdir(), 'querygate-bench-segments-'));
  const segmentPath = (index: number) => join(segmentDir, `${index}.json`);
  let segmentCount = 0;
  const segmentServer = createServer((request, response) => {
    createReadStream(join(segmentDir, `${Number(request.url!.slice(1))}.json`)).pipe(response);
  });
  console.log(`embedded-segments: ${machineLine()}`);
  try {
    const engine = new DuckDbEngine({ demo: true });
    await engine.start();
    await new Promise<void>((resolve) => segmentServer.listen(0, '127.0.0.1', resolve));
    const segmentUrl = `http://127.0.0.1:${(segmentServer.address() as AddressInfo).port}`;
    const gateway = await startGateway({ backendUrl: '', extraConfig: { backends: [{ name: 'embedded', engine: 'duckdb', demo: true }] } });
    console.log(`gateway ${gateway.url} (pid ${gateway.pid}), embedded engine; ${rounds} round(s) of ${sql}`);

    const sides: Array<Side<Run>> = [
      { name: 'engine alone', run: () => timed(() => drainEngine(engine, sql, () => undefined)) },
      {
        name: 'engine + segment files',
        run: () =>
          timed(() => drainEngine(engine, sql, (rowsJson, index) => writeFileSync(segmentPath(index), `[${rowsJson}]`))),
      },
      {
        name: 'segment files over HTTP',
        run: () =>
          timed(async () => {
            let bytes = 0;
            let rows = 0;
            for (let index = 0; index < segmentCount; index++) {
              const text = await (await fetch(`${segmentUrl}/${index}`)).text();
              bytes += text.length;
              rows += (JSON.parse(text) as unknown[]).length;
            }
            return { bytes, rows };
          }),
      },
      { name: 'gateway, inline pages (1 MB)', run: () => timed(() => fetchInline(gateway.url, sql, undefined)) },
      { name: 'gateway, inline pages (16 MB)', run: () => timed(() => fetchInline(gateway.url, sql, '16MB')) },
    ];
    // The segment files the consumer side downloads: written once before the rounds.
    const written = await drainEngine(engine, sql, (rowsJson, index) => {
      writeFileSync(segmentPath(index), `[${rowsJson}]`);
      segmentCount = index + 1;
    });
    console.log(`${segmentCount} segments, ${(written.bytes / MIB).toFixed(1)} MiB of rows, ${written.rows} rows`);
    const runs = await rotateRounds(sides, rounds, (round, roundRuns) => {
      console.log(`round ${round + 1}: ${sides.map((side, i) => `${side.name} ${roundRuns[i]!.seconds.toFixed(2)} s`).join(', ')}`);
    });
    const rowCounts = new Set(runs.flat().map((r) => r.rows));
    if (rowCounts.size !== 1) throw new BenchError(`the sides saw different row counts: ${[...rowCounts].join(', ')}`);

    const seconds = runs.map((sideRuns) => median(sideRuns.map((r) => r.seconds)));
    console.log(
      `\n${table([
        ['side', 'seconds p50', 'MiB/s p50', 'rows'],
        ...sides.map((side, i) => [side.name, seconds[i]!.toFixed(2), median(runs[i]!.map((r) => r.bytes / MIB / r.seconds)).toFixed(1), String(runs[i]![0]!.rows)]),
      ])}`,
    );
    // Per round: a spooling design's time over the faster inline side's, overlapped and not.
    const [, producer, consumer, inline1, inline16] = runs as [Run[], Run[], Run[], Run[], Run[]];
    const perRound = (spooled: (round: number) => number) =>
      pct(median(producer.map((_, round) => spooled(round) / Math.min(inline1[round]!.seconds, inline16[round]!.seconds))));
    console.log(
      `spooled to local disk vs the faster inline side (per round, median): at best (producer and consumer fully overlapped) ` +
        `${perRound((round) => Math.max(producer[round]!.seconds, consumer[round]!.seconds))}, not overlapped ${perRound((round) => producer[round]!.seconds + consumer[round]!.seconds)}`,
    );
    console.log(loadLine());
    writeJson(flags.json, { benchmark: 'embedded-segments', sql, rounds, sides: sides.map((side, i) => ({ name: side.name, runs: runs[i] })) });
    await engine.close();
    if (smoke) console.log('smoke: OK (row counts match)');
  } finally {
    segmentServer.close();
    rmSync(segmentDir, { recursive: true, force: true });
    await stopAll();
  }
}

await runMain('embedded-segments', FLAGS, main);
