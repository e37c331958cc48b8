/**
 * Athena results read with GetQueryResults (1,000 rows per call) versus from the query's CSV file
 * in S3, side by side in one run: for each result size, every round runs the same query through a
 * gateway configured `s3Results: never` and one configured `s3Results: always`, in alternating
 * order, and reports the medians of latency (POST to the last row) and rows/s. The result is
 * Trino 483's answer (trino1) to a lineitem query, served by the test emulator (moto plus its relay,
 * test/support/athena-emulator.ts), so what is measured is the gateway's reading and translation
 * of each path plus the emulator's cost of serving it, not AWS's. See bench/README.md.
 */
import type { RunningGateway } from '../src/gateway.js';
import { AthenaEmulator, RESULTS_LOCATION, athenaBackend, useEmulatorCredentials } from '../test/support/athena-emulator.js';
import { parseRows, toAthenaCsv, toAthenaResult } from '../test/support/athena-results.js';
import { runQuery } from '../test/support/protocol-client.js';
import { ensureTrino, startTestGateway } from '../test/support/services.js';
import { BenchError, parseFlags, runMain, UsageError, type FlagSpec } from './lib/args.js';
import { machineLine } from './lib/report.js';
import { fixed, median, table } from './lib/stats.js';

const FLAGS = {
  rows: { kind: 'string', help: 'result sizes in rows of lineitem, comma-separated (default 1000,5000,20000,60175)' },
  rounds: { kind: 'number', help: 'rounds per size, one query per path each (default 5)' },
  smoke: { kind: 'boolean', help: '1,000 and 3,000 rows, 1 round, row counts checked; exit non-zero on errors' },
} satisfies FlagSpec;

const HEADERS = { 'X-Trino-User': 'bench', 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' };
const PATHS = ['GetQueryResults', 'S3 file'] as const;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const smoke = flags.smoke ?? false;
  const sizes = (smoke ? '1000,3000' : (flags.rows ?? '1000,5000,20000,60175')).split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 60175)) throw new UsageError('--rows must be integers from 1 to 60175 (the rows of tpch.tiny.lineitem)');
  const rounds = smoke ? 1 : (flags.rounds ?? 5);

  console.log(`athena-results: ${machineLine()}`);
  useEmulatorCredentials();
  const trinoUrl = await ensureTrino();
  const emulator = await AthenaEmulator.start();
  const gateways: RunningGateway[] = [];
  try {
    await emulator.createWorkgroups(['bench-wg']);
    for (const s3Results of ['never', 'always']) {
      gateways.push(await startTestGateway({ backends: [athenaBackend(emulator, 'athena', 'bench-wg', { s3Results, outputLocation: RESULTS_LOCATION })] }));
    }
    const report = [['rows', 'CSV file', 'path', 'latency p50 ms', 'rows/s p50', 'S3 / GetQueryResults']];
    for (const size of sizes) {
      const sql = `SELECT * FROM tpch.tiny.lineitem ORDER BY l_orderkey, l_linenumber LIMIT ${size}`;
      const trino = await runQuery(trinoUrl, sql, HEADERS);
      if (trino.error !== undefined) throw new BenchError(`Trino failed ${sql}: ${JSON.stringify(trino.error)}`);
      const result = toAthenaResult(trino.columns ?? [], parseRows(trino.rowsText));
      const fileBytes = Buffer.byteLength(toAthenaCsv(result.rows));
      const latencies: number[][] = PATHS.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < PATHS.length; k++) {
          const side = (round + k) % PATHS.length;
          emulator.serveResult(sql, result);
          const started = performance.now();
          const run = await runQuery(gateways[side]!.url, sql, HEADERS);
          const ms = performance.now() - started;
          if (run.error !== undefined || run.rowCount !== trino.rowCount) throw new BenchError(`${PATHS[side]} answered ${run.rowCount} rows of ${trino.rowCount}: ${JSON.stringify(run.error)}`);
          latencies[side]!.push(ms);
        }
      }
      const medians = latencies.map((l) => median(l));
      PATHS.forEach((path, side) => {
        report.push([
          String(size),
          `${fixed(fileBytes / 1024, 0)} KiB`,
          path,
          fixed(medians[side]!, 1),
          fixed(size / (medians[side]! / 1000), 0),
          side === 1 ? `${fixed(medians[0]! / medians[1]!, 2)}x faster` : '',
        ]);
      });
    }
    console.log(`${rounds} round(s) per size, medians; both paths served by moto and its relay\n${table(report)}`);
    if (smoke) console.log('smoke: OK (row counts match on both paths)');
  } finally {
    for (const gateway of gateways) await gateway.close();
    await emulator.close();
  }
}

void runMain('athena-results', FLAGS, main);
