/**
 * `server.workers`: the primary process of a host runs that many gateway workers (node:cluster)
 * on one port and holds the state they share (in-host.ts). It serves no request itself. It
 * starts the first worker alone (a configuration or history database that cannot be opened stops
 * the start there, once), then the others; restarts a worker that exits unasked (its queries are
 * then in the state of an instance's kill -9: Trino queries are served by the other workers, an
 * embedded engine's are gone); and turns its signals into commands to every worker: SIGTERM or
 * SIGINT drains them all (a second one stops them at once), SIGHUP reloads them.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { InHostState } from '../cluster/in-host.js';
import type { GatewayConfig } from '../config/schema.js';

/** Set in a worker's environment: its index (1..workers) and its own socket. */
export const WORKER_INDEX_ENV = 'QUERYGATE_WORKER_INDEX';
export const WORKER_SOCKET_ENV = 'QUERYGATE_WORKER_SOCKET';
/** A worker that exits sooner than this after its start is restarted only after the same delay (no restart storm). */
const RESTART_BACKOFF_MS = 5_000;

export function workerCount(config: GatewayConfig): number {
  return config.server.workers === 'auto' ? availableParallelism() : config.server.workers;
}

/** This process's place when it is one of a host's workers. */
export function workerOfHost(): { index: number; socketPath: string } | undefined {
  const index = Number(process.env[WORKER_INDEX_ENV]);
  const socketPath = process.env[WORKER_SOCKET_ENV];
  return cluster.isWorker && Number.isInteger(index) && index > 0 && socketPath !== undefined ? { index, socketPath } : undefined;
}

/** Runs the host's workers until they have all stopped after a signal; resolves with the exit code. */
export function runWorkers(config: GatewayConfig, count: number, log: Logger): Promise<number> {
  // Only this user may enter it: a worker trusts what arrives on its socket there.
  const runDir = mkdtempSync(join(tmpdir(), 'querygate-'));
  const startedAt = new Map<Worker, number>();
  const indexOf = new Map<Worker, number>();
  let stopping = false;
  let failed = false;
  let onFirstStarted: (() => void) | undefined;
  const { maxFailures, maxFailuresPerClient, failureWindow } = config.authentication;
  const loginLimits = { maxFailures, maxFailuresPerClient, failureWindowMs: failureWindow };
  const state = new InHostState(config.security.tokenSecret ?? randomBytes(32).toString('base64url'), loginLimits, (worker) => {
    startedAt.set(worker, Date.now());
    log.info({ worker: indexOf.get(worker), pid: worker.process.pid }, 'worker started');
    onFirstStarted?.();
  });
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index), [WORKER_SOCKET_ENV]: join(runDir, `worker-${index}.sock`) });
    indexOf.set(worker, index);
    state.attach(worker);
    worker.on('exit', (code, signal) => {
      state.detach(worker);
      const started = startedAt.get(worker);
      if (stopping) return;
      if (started === undefined) {
        // It never served: the configuration (or what it names) cannot be started; restarting would fail alike.
        log.fatal({ worker: index, code, signal }, 'a worker failed to start: stopping');
        failed = true;
        stopAll('stop');
        return;
      }
      const delay = Date.now() - started < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0;
      log.error({ worker: index, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited unexpectedly: restarting it');
      setTimeout(() => {
        if (!stopping) fork(index);
      }, delay);
    });
  };
  const stopAll = (command: 'drain' | 'stop') => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) if (worker) state.command(worker, command);
  };
  return new Promise((resolve) => {
    cluster.on('exit', () => {
      if (!stopping || Object.keys(cluster.workers ?? {}).length > 0) return;
      rmSync(runDir, { recursive: true, force: true });
      resolve(failed ? 1 : 0);
    });
    let signalled = false;
    const onStop = (signal: string) => {
      log.info({ signal, workers: count, drainTimeout: config.server.drainTimeout }, signalled ? 'second signal: stopping the workers at once' : 'shutting down: draining every worker');
      stopAll(signalled ? 'stop' : 'drain');
      signalled = true;
    };
    process.on('SIGTERM', () => onStop('SIGTERM'));
    process.on('SIGINT', () => onStop('SIGINT'));
    process.on('SIGHUP', () => {
      log.info('reloading every worker (SIGHUP)');
      for (const worker of Object.values(cluster.workers ?? {})) if (worker) state.command(worker, 'reload');
    });
    // The first worker alone: it creates what the others then open (the history database's tables).
    onFirstStarted = () => {
      onFirstStarted = undefined;
      for (let index = 2; index <= count; index++) fork(index);
    };
    fork(1);
  });
}
