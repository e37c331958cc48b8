/**
 * Real services for integration tests: a Trino coordinator started by scripts/trino/start.sh
 * (reused when already running) and gateways started in-process on a free port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { startGatewayProcess } from './gateway-process.js';

const exec = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export const TRINO_PORT = Number(process.env.QUERYGATE_TRINO_PORT ?? 18080);
export const TRINO_URL = `http://127.0.0.1:${TRINO_PORT}`;
/** The run directory name of the test Trino (scripts/trino/start.sh --name): several engineers' Trinos side by side. */
export const TRINO_NAME = process.env.QUERYGATE_TRINO_NAME ?? 'trino1';

/** Starts (or reuses) the test Trino, TRINO_NAME on TRINO_PORT; resolves when it answers queries. */
export async function ensureTrino(name = TRINO_NAME, port = TRINO_PORT): Promise<string> {
  await exec('bash', [`${REPO}scripts/trino/start.sh`, '--name', name, '--port', String(port)], { timeout: 300_000 });
  return `http://127.0.0.1:${port}`;
}

export const TEST_SECRET = 'integration-test-secret-0123456789abcdef';

/**
 * Worker processes of the gateways tests start (QUERYGATE_TEST_WORKERS=2): then each is
 * `querygate serve` in its own process with `server.workers` at that number, not an in-process
 * gateway; a test that reloads a configuration file or drains in-process still gets one process.
 */
const TEST_WORKERS = Number(process.env.QUERYGATE_TEST_WORKERS ?? 1);

/**
 * Test options that skip a test when the gateways run as several workers, for what worker mode
 * does differently by design; `reason` says what (node:test prints it).
 */
export function unlessWorkers(reason: string): { skip: string | false } {
  return { skip: TEST_WORKERS > 1 ? `with QUERYGATE_TEST_WORKERS=${TEST_WORKERS}: ${reason}` : false };
}

export async function startTestGateway(config: Record<string, unknown>, options: { configPath?: string } = {}): Promise<RunningGateway> {
  const settings = {
    server: { port: 0, host: '127.0.0.1' },
    security: { tokenSecret: TEST_SECRET },
    logging: { level: 'warn' },
    // Each gateway its own history file: SQLite is opened exclusively by one gateway.
    dataDir: mkdtempSync(join(tmpdir(), 'qg-data-')),
    ...config,
  };
  const validated = validateConfig(settings, 'test');
  if (TEST_WORKERS > 1 && options.configPath === undefined) return startWorkersGateway(settings);
  return startGateway(validated, pino({ level: process.env.QUERYGATE_TEST_LOG ?? 'silent' }), options);
}

async function startWorkersGateway(settings: Record<string, unknown>): Promise<RunningGateway> {
  const server = { ...(settings.server as Record<string, unknown>), workers: TEST_WORKERS };
  // The process's start is read from its info lines.
  const gateway = await startGatewayProcess({ ...settings, server, logging: { level: 'info' } });
  return {
    port: gateway.port,
    url: gateway.url,
    ...(gateway.tlsUrl !== undefined ? { tlsUrl: gateway.tlsUrl } : {}),
    drain: () => Promise.reject(new Error('drain() is in-process only: with QUERYGATE_TEST_WORKERS the gateway is drained by SIGTERM')),
    reload: () => void gateway.child.kill('SIGHUP'),
    close: () => gateway.close(),
  };
}

/** A gateway governed by `rules` (written to a rules file of its own) in front of one Trino. */
export async function startGovernedTrinoGateway(trinoUrl: string, rules: unknown): Promise<RunningGateway> {
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-rules-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(rules));
  return startTestGateway({
    accessControl: { rulesFile },
    backends: [{ name: 'trino1', engine: 'trino', url: trinoUrl, group: 'cluster' }],
    routing: { defaultGroup: 'cluster' },
  });
}

/** Environment of the real clients installed by scripts/clients/install.sh. */
export async function clientEnv(): Promise<Record<string, string>> {
  const { stdout } = await exec('bash', ['-c', `source "${REPO}scripts/clients/env.sh" && env`], { timeout: 600_000 });
  const env: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(file: string, args: string[], options: { env?: Record<string, string>; timeout?: number; input?: string } = {}): Promise<ProcessResult> {
  try {
    const { stdout, stderr } = await exec(file, args, { env: { ...process.env, ...options.env }, timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

