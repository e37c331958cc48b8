/** Prints analysis timings over the corpus: `node dist/test/sql/measure.js` (not a test). */
import { analyze } from '../../src/sql/analyzer/index.js';
import { BENCH_SESSION, BENCH_STATEMENTS, benchMetadata, largeStatement } from './bench-data.js';

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const meta = benchMetadata();
const cold: number[] = [];
for (const sql of BENCH_STATEMENTS) {
  const t = performance.now();
  await analyze(sql, BENCH_SESSION, meta);
  cold.push(performance.now() - t);
}
for (let r = 0; r < 20; r++) for (const sql of BENCH_STATEMENTS) await analyze(sql, BENCH_SESSION, meta);
const warm: number[] = [];
for (const sql of BENCH_STATEMENTS) {
  const t = performance.now();
  await analyze(sql, BENCH_SESSION, meta);
  warm.push(performance.now() - t);
}
const big = largeStatement();
const bigTimes: number[] = [];
for (let r = 0; r < 50; r++) {
  const t = performance.now();
  await analyze(big, BENCH_SESSION, meta);
  bigTimes.push(performance.now() - t);
}
const f = (x: number) => `${(x * 1000).toFixed(0)}µs`;
console.log(`statements: ${BENCH_STATEMENTS.length}`);
console.log(`cold (first run in process): median ${f(pct(cold, 50))}, p99 ${f(pct(cold, 99))}, max ${f(Math.max(...cold))}`);
console.log(`warm: median ${f(pct(warm, 50))}, p99 ${f(pct(warm, 99))}, max ${f(Math.max(...warm))}`);
console.log(`largest (${big.split('\n').length} lines, ${big.length} chars): first ${f(bigTimes[0]!)}, median ${f(pct(bigTimes, 50))}, p99 ${f(pct(bigTimes, 99))}`);
