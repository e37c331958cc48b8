/**
 * What translating Trino SQL for the embedded engine costs (issue 19), in-process:
 * - translation per statement, cold (a new translator: parse, type, render) and cached (the same
 *   statement again, answered from the translator's cache), for TPC-H's 22 queries;
 * - each TPC-H query's latency on DuckDB over the same demo data, side by side in one run: the
 *   text as written (what the engine ran before translation) and translation (cold) plus the
 *   translated text. Rounds alternate the order; medians. See bench/README.md.
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DEMO_STATEMENTS, demoTableColumns } from '../src/engines/duckdb/demo-data.js';
import { QueryTranslator } from '../src/engines/duckdb/translation/index.js';
import { TPCH_QUERIES } from '../test/integration/embedded-differential/tpch-queries.js';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { loadLine, machineLine } from './lib/report.js';
import { fixed, median, table } from './lib/stats.js';

const FLAGS = {
  rounds: { kind: 'number', help: 'latency rounds per query (default 7)' },
  smoke: { kind: 'boolean', help: 'one round, few translations' },
} satisfies FlagSpec;

const SESSION = { user: 'bench', catalog: 'demo', schema: 'tpch' };

function translator(): QueryTranslator {
  const columns = async (catalog: string, schema: string, table: string) => (demoTableColumns(catalog, schema, table) ?? []).map(([name, type]) => ({ name, type }));
  return new QueryTranslator(columns, async () => 'table', (c, s, t) => demoTableColumns(c, s, t) !== undefined);
}

async function timeRun(connection: DuckDBConnection, sql: string): Promise<number> {
  const start = performance.now();
  await connection.runAndReadAll(sql);
  return performance.now() - start;
}

await runMain('translation', FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const rounds = flags.smoke ? 1 : (flags.rounds ?? 7);
  const translations = flags.smoke ? 20 : 2000;
  console.log(machineLine());
  console.log(loadLine());

  // Translation cost.
  const cold: number[] = [];
  const cached: number[] = [];
  const warm = translator();
  for (let i = 0; i < translations; i++) {
    const sql = TPCH_QUERIES[i % TPCH_QUERIES.length]!;
    let start = performance.now();
    await translator().translate(sql, [], SESSION);
    cold.push((performance.now() - start) * 1000);
    await warm.translate(sql, [], SESSION);
    start = performance.now();
    await warm.translate(sql, [], SESSION);
    cached.push((performance.now() - start) * 1000);
  }
  console.log(`\ntranslation of TPC-H's 22 queries, ${translations} translations, µs per statement (median)`);
  console.log(table([['', 'cold', 'cached'], ['median µs', fixed(median(cold), 1), fixed(median(cached), 1)]]));

  // Query latency: as written vs translated, same DuckDB instance and data.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const sql of DEMO_STATEMENTS) await connection.run(sql);
  await connection.run('USE demo.tpch');
  const asWritten: number[][] = TPCH_QUERIES.map(() => []);
  const translated: number[][] = TPCH_QUERIES.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let q = 0; q < TPCH_QUERIES.length; q++) {
      const sql = TPCH_QUERIES[q]!;
      const sides = [
        async () => asWritten[q]!.push(await timeRun(connection, sql)),
        async () => {
          const start = performance.now();
          const translation = await translator().translate(sql, [], SESSION);
          await connection.runAndReadAll(translation!.sql);
          translated[q]!.push(performance.now() - start);
        },
      ];
      if ((round + q) % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
  }
  const rows = [['query', 'as written ms', 'translated ms', 'ratio']];
  for (let q = 0; q < TPCH_QUERIES.length; q++) {
    const before = median(asWritten[q]!);
    const after = median(translated[q]!);
    rows.push([`Q${q + 1}`, fixed(before, 1), fixed(after, 1), fixed(after / before, 2)]);
  }
  const totalBefore = asWritten.reduce((sum, runs) => sum + median(runs), 0);
  const totalAfter = translated.reduce((sum, runs) => sum + median(runs), 0);
  rows.push(['all 22', fixed(totalBefore, 1), fixed(totalAfter, 1), fixed(totalAfter / totalBefore, 2)]);
  console.log(`\nTPC-H on the embedded engine's data, ${rounds} rounds, median ms (DuckDB execution, rows read, no encoding)`);
  console.log(table(rows));
  connection.closeSync();
  instance.closeSync();
  if (flags.smoke) console.log('smoke: OK');
});
