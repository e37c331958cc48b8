/**
 * `querygate serve` in its own process (as an operator runs it), for tests of what only a process
 * has: several workers on one port (server.workers), signals, a worker killed. Also the client
 * side that makes workers visible: a request on a connection of its own, which the kernel may
 * hand to any worker (fetch would reuse one connection, hence one worker).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RawResponse } from './protocol-client.js';
import { REPO } from './services.js';

export interface GatewayProcess {
  url: string;
  port: number;
  /** The HTTPS listener, when TLS is configured. */
  tlsUrl?: string;
  child: ChildProcess;
  /** Everything the process wrote (JSON log lines). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Stops it: SIGTERM, then a second one (stop at once), then waits for the exit. */
  close(): Promise<void>;
}

/**
 * Starts `querygate serve` with `config` (port 0 unless given); resolves once every worker serves
 * and /readyz no longer says `starting` (a gateway whose backends are all down serves, not ready).
 */
export async function startGatewayProcess(config: Record<string, unknown>): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'qg-process-'));
  const file = join(dir, 'gateway.yaml');
  const server = (config.server ?? {}) as Record<string, unknown>;
  // YAML reads JSON as it is.
  writeFileSync(file, JSON.stringify({ dataDir: join(dir, 'data'), ...config, server: { host: '127.0.0.1', port: 0, ...server } }));
  const child = spawn(process.execPath, [join(REPO, 'dist/src/cli.js'), 'serve', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // QUERYGATE_TEST_PROCESS_LOGS=dir keeps every gateway process's log lines there, to read after a failed run.
  const kept = process.env.QUERYGATE_TEST_PROCESS_LOGS === undefined ? undefined : createWriteStream(join(process.env.QUERYGATE_TEST_PROCESS_LOGS, `${basename(dir)}.log`));
  const collect = (d: Buffer) => {
    output += d.toString();
    kept?.write(d);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () => output.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
  const workers = typeof server.workers === 'number' ? server.workers : 1;
  let port: number | undefined;
  let tlsPort: number | undefined;
  // No time limit: a slow machine is not a failure (the test's own timeout bounds it).
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${output}`);
    const listening = lines().find((l) => l.msg === 'querygate is listening');
    tlsPort = listening?.httpsPort as number | undefined;
    port ??= (listening?.httpPort ?? tlsPort) as number | undefined;
    const started = workers === 1 ? 1 : lines().filter((l) => l.msg === 'worker started').length;
    const serving = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.json() as Promise<{ status?: string }>, (): { status?: string } => ({}))).status;
    if (port !== undefined && started >= workers && (tlsPort === port || ![undefined, 'starting'].includes(await serving()))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: tlsPort === port ? `https://127.0.0.1:${port}` : `http://127.0.0.1:${port}`,
    port,
    ...(tlsPort !== undefined ? { tlsUrl: `https://127.0.0.1:${tlsPort}` } : {}),
    child,
    output: () => output,
    exited,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** One request on a connection of its own (closed after it). */
export function freshRequest(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        const json = (res.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {};
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
