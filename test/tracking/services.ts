/**
 * The real PostgreSQL and Redis of the tracking tests, started through scripts/postgres and
 * scripts/redis (reused when already running). `started` says whether this call started the
 * server, so a test stops only what it started.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RedisLeaseStore } from '../../src/cluster/redis-leases.js';

const exec = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export const PG_PORT = Number(process.env.QUERYGATE_PG_PORT ?? 15432);
export const REDIS_PORT = Number(process.env.QUERYGATE_REDIS_PORT ?? 16379);

export interface Service {
  url: string;
  started: boolean;
}

async function script(service: 'postgres' | 'redis', action: 'start' | 'stop', port: number): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec('bash', [`${REPO}scripts/${service}/${action}.sh`, '--port', String(port)], { timeout: 600_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`scripts/${service}/${action}.sh --port ${port} failed: ${e.stderr || e.message}`);
  }
}

export async function startPostgres(port = PG_PORT): Promise<Service> {
  const { stdout, stderr } = await script('postgres', 'start', port);
  return { url: stdout.trim().split('\n').pop()!, started: !/reusing PostgreSQL/.test(stderr) };
}

export async function stopPostgres(port = PG_PORT): Promise<void> {
  await script('postgres', 'stop', port);
}

export async function startRedis(port = REDIS_PORT): Promise<Service> {
  const { stderr } = await script('redis', 'start', port);
  return { url: `redis://127.0.0.1:${port}/0`, started: !/reusing redis-server/.test(stderr) };
}

export async function stopRedis(port = REDIS_PORT): Promise<void> {
  await script('redis', 'stop', port);
}

/** Runs `use` with the test Redis (started when not running, and stopped again after when this call started it). */
export async function withRedis<T>(use: (url: string) => Promise<T>): Promise<T> {
  const redis = await startRedis();
  try {
    return await use(redis.url);
  } finally {
    if (redis.started) await stopRedis();
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A lease store on the test Redis at `url`, connected, its keys under `prefix`. */
export async function connectedLeaseStore(url: string, prefix: string): Promise<RedisLeaseStore> {
  const store = new RedisLeaseStore({ redis: url, prefix });
  await store.connect();
  return store;
}
