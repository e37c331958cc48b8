/**
 * The measuring loop of the latency benchmarks: one `SELECT 1`-sized query per side per
 * iteration, timed from the POST to the final document, the order of the sides rotating so that
 * none always goes first, after unmeasured warm-up iterations.
 */
import { ProtocolError, type BenchClient } from './protocol.js';

export interface Sample {
  ms: number;
  roundTrips: number;
}

export interface AlternateOptions {
  sql: string;
  /** Rows every query must return. */
  rows: number;
  warmup: number;
  iterations: number;
  /** A query taking more round trips than this is a protocol error. */
  maxRoundTrips: number;
  /** Called with every sample, warm-up included, e.g. to check the protocol path. */
  check?: (side: number, sample: Sample) => void;
}

/** The measured samples of each of `urls`, in the order given. */
export async function alternateSides(client: BenchClient, urls: readonly string[], options: AlternateOptions): Promise<Sample[][]> {
  const samples: Sample[][] = urls.map(() => []);
  for (let i = 0; i < options.warmup + options.iterations; i++) {
    for (let k = 0; k < urls.length; k++) {
      const side = (i + k) % urls.length;
      const start = process.hrtime.bigint();
      const outcome = await client.runQuery(urls[side]!, options.sql, { parse: true, maxRoundTrips: options.maxRoundTrips });
      const sample = { ms: Number(process.hrtime.bigint() - start) / 1e6, roundTrips: outcome.roundTrips };
      if (outcome.rows !== options.rows) throw new ProtocolError(`${urls[side]}: expected ${options.rows} row(s), got ${outcome.rows}`);
      options.check?.(side, sample);
      if (i >= options.warmup) samples[side]!.push(sample);
    }
  }
  return samples;
}

/** A measured side of a benchmark whose runs are whole queries (or transfers). */
export interface Side<T> {
  name: string;
  run: () => Promise<T>;
}

/**
 * One unmeasured warm-up run per side, then `rounds` rounds of one run per side, the order
 * rotating every round; `onRound` sees each round's runs (in the order of `sides`). The runs of
 * each side, in the order of `sides`.
 */
export async function rotateRounds<T>(sides: ReadonlyArray<Side<T>>, rounds: number, onRound: (round: number, runs: T[]) => void): Promise<T[][]> {
  for (const side of sides) await side.run();
  const runs: T[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const index = (round + k) % sides.length;
      runs[index]!.push(await sides[index]!.run());
    }
    onRound(round, runs.map((sideRuns) => sideRuns[round]!));
  }
  return runs;
}
