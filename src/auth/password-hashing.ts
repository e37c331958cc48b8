/**
 * bcrypt on a small pool of worker threads. bcryptjs is pure JavaScript: run on the main thread,
 * a flood of password checks took the CPU from every other request. Here at most `size` hashes
 * run at once, off the event loop, and at most `maxQueued` more wait; beyond that a check is
 * refused at once (AuthenticationError, "unavailable") rather than queued without bound.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AuthenticationError } from './authenticator.js';
import type { HashingJob } from './bcrypt-worker.js';

interface Pending {
  job: HashingJob;
  resolve(result: string | boolean): void;
  reject(err: Error): void;
}

export interface HashingStats {
  /** bcrypt runs finished (compares and hashes). */
  runs: number;
  /** The most hashes ever running at once. */
  peakRunning: number;
  /** Compares finished, by the cost of the hash compared against. */
  comparesByCost: Map<number, number>;
}

export class PasswordHashing {
  private readonly idle: Worker[] = [];
  private readonly waiting: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private workers = 0;
  readonly stats: HashingStats = { runs: 0, peakRunning: 0, comparesByCost: new Map() };

  constructor(
    readonly size = Math.max(1, Math.min(2, availableParallelism() - 1)),
    readonly maxQueued = 64,
  ) {}

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ kind: 'compare', password, hash }) as Promise<boolean>;
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ kind: 'hash', password, cost }) as Promise<string>;
  }

  async close(): Promise<void> {
    for (const pending of this.waiting.splice(0)) pending.reject(new AuthenticationError('Password checks stopped', true));
    await Promise.all([...this.idle.splice(0), ...this.running.keys()].map((worker) => worker.terminate()));
  }

  private run(job: HashingJob): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const pending = { job, resolve, reject };
      const worker = this.idle.pop() ?? (this.workers < this.size ? this.spawn() : undefined);
      if (worker !== undefined) this.start(worker, pending);
      else if (this.waiting.length < this.maxQueued) this.waiting.push(pending);
      else reject(new AuthenticationError('Too many password checks in progress; try again later', true));
    });
  }

  private spawn(): Worker {
    this.workers++;
    const worker = new Worker(new URL('./bcrypt-worker.js', import.meta.url));
    worker.on('message', (message: { result?: string | boolean; error?: string }) => {
      const pending = this.running.get(worker)!;
      this.running.delete(worker);
      this.stats.runs++;
      if (pending.job.kind === 'compare') {
        const cost = Number(pending.job.hash.slice(4, 6));
        this.stats.comparesByCost.set(cost, (this.stats.comparesByCost.get(cost) ?? 0) + 1);
      }
      if (message.error !== undefined) pending.reject(new AuthenticationError('Invalid credentials'));
      else pending.resolve(message.result!);
      const next = this.waiting.shift();
      if (next !== undefined) this.start(worker, next);
      else {
        // An idle worker must not keep the process alive.
        worker.unref();
        this.idle.push(worker);
      }
    });
    worker.on('error', () => {
      // A worker that died fails its job; the next job starts a fresh one.
      this.workers--;
      const index = this.idle.indexOf(worker);
      if (index !== -1) this.idle.splice(index, 1);
      this.running.get(worker)?.reject(new AuthenticationError('Password check failed', true));
      this.running.delete(worker);
      const next = this.waiting.shift();
      if (next !== undefined) this.start(this.spawn(), next);
    });
    return worker;
  }

  private start(worker: Worker, pending: Pending): void {
    this.running.set(worker, pending);
    this.stats.peakRunning = Math.max(this.stats.peakRunning, this.running.size);
    worker.ref();
    worker.postMessage(pending.job);
  }
}
