/**
 * What translating Trino SQL for the embedded engine costs (issue 19), in-process:
 * - translation per statement, cold (a new translator: parse, type, render) and cached (the same
 *   statement again, answered from the translator's cache), for TPC-H's 22 queries;
 * - each TPC-H query's latency on DuckDB over the same demo data, side by side in one run: the
 *   text as written (what the engine ran before translation) and translation (cold) plus the
 *   translated text. Rounds alternate the order; medians. See bench/README.md.
 * With `--baseline <dir>` (a built checkout of another version) its translator is a further side
 * of both measurements: translation cost and latency before and after, in one run.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  baseline: { kind: 'string', help: "a built checkout of another version, whose translator is measured as a further side (before/after in one run)" },
} satisfies FlagSpec;

const SESSION = { user: 'bench', catalog: 'demo', schema: 'tpch' };

/** A build's translator over the demo tables (a fresh one is a cold translator). */
interface Build {
  name: string;
  translator(): Pick<QueryTranslator, 'translate'>;
}

function buildOf(name: string, Translator: typeof QueryTranslator, columnsOf: typeof demoTableColumns): Build {
  const columns = async (catalog: string, schema: string, table: string) => (columnsOf(catalog, schema, table) ?? []).map(([column, type]) => ({ name: column, type }));
  return { name, translator: () => new Translator(columns, async () => 'table', (c, s, t) => columnsOf(c, s, t) !== undefined) };
}

/** The translator of another built checkout (its dist/), loaded beside this one. */
async function baselineBuild(dir: string): Promise<Build> {
  const module = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(resolve(dir), 'dist/src/engines/duckdb', path)).href)) as T;
  const { QueryTranslator: Translator } = await module<{ QueryTranslator: typeof QueryTranslator }>('translation/index.js');
  const { demoTableColumns: columnsOf } = await module<{ demoTableColumns: typeof demoTableColumns }>('demo-data.js');
  return buildOf('baseline', Translator, columnsOf);
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
  const builds = [buildOf('this build', QueryTranslator, demoTableColumns), ...(flags.baseline === undefined ? [] : [await baselineBuild(flags.baseline)])];
  console.log(machineLine());
  console.log(loadLine());

  // Translation cost, the builds interleaved statement by statement.
  const cold = builds.map((): number[] => []);
  const cached = builds.map((): number[] => []);
  const warm = builds.map((b) => b.translator());
  for (let i = 0; i < translations; i++) {
    const sql = TPCH_QUERIES[i % TPCH_QUERIES.length]!;
    for (let b = 0; b < builds.length; b++) {
      let start = performance.now();
      await builds[b]!.translator().translate(sql, [], SESSION);
      cold[b]!.push((performance.now() - start) * 1000);
      await warm[b]!.translate(sql, [], SESSION);
      start = performance.now();
      await warm[b]!.translate(sql, [], SESSION);
      cached[b]!.push((performance.now() - start) * 1000);
    }
  }
  console.log(`\ntranslation of TPC-H's 22 queries, ${translations} translations, µs per statement (median)`);
  console.log(table([['', 'cold', 'cached'], ...builds.map((b, i) => [b.name, fixed(median(cold[i]!), 1), fixed(median(cached[i]!), 1)])]));

  // Query latency: as written vs translated, same DuckDB instance and data.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const sql of DEMO_STATEMENTS) await connection.run(sql);
  await connection.run('USE demo.tpch');
  const asWritten: number[][] = TPCH_QUERIES.map(() => []);
  const translated = builds.map(() => TPCH_QUERIES.map((): number[] => []));
  for (let round = 0; round < rounds; round++) {
    for (let q = 0; q < TPCH_QUERIES.length; q++) {
      const sql = TPCH_QUERIES[q]!;
      const sides = [
        async () => asWritten[q]!.push(await timeRun(connection, sql)),
        ...builds.map((build, b) => async () => {
          const start = performance.now();
          const translation = await build.translator().translate(sql, [], SESSION);
          await connection.runAndReadAll(translation.sql);
          translated[b]![q]!.push(performance.now() - start);
        }),
      ];
      // Each side runs first in turn.
      const first = (round + q) % sides.length;
      for (const side of [...sides.slice(first), ...sides.slice(0, first)]) await side();
    }
  }
  const sum = (runs: number[][]): number => runs.reduce((total, r) => total + median(r), 0);
  const rows = [['query', 'as written ms', ...builds.flatMap((b) => [`${b.name} ms`, 'ratio'])]];
  for (let q = 0; q < TPCH_QUERIES.length; q++) {
    const before = median(asWritten[q]!);
    rows.push([`Q${q + 1}`, fixed(before, 1), ...translated.flatMap((runs) => [fixed(median(runs[q]!), 1), fixed(median(runs[q]!) / before, 2)])]);
  }
  rows.push(['all 22', fixed(sum(asWritten), 1), ...translated.flatMap((runs) => [fixed(sum(runs), 1), fixed(sum(runs) / sum(asWritten), 2)])]);
  console.log(`\nTPC-H on the embedded engine's data, ${rounds} rounds, median ms (DuckDB execution, rows read, no encoding; translated: a cold translation plus the translated text)`);
  console.log(table(rows));
  connection.closeSync();
  instance.closeSync();
  if (flags.smoke) console.log('smoke: OK');
});
