/**
 * The processes a benchmark runs: the fake Trino responder, the gateway (always its own process,
 * so client and gateway never share an event loop), nginx and a real Trino. Everything started
 * here is stopped by `stopAll()` (and killed on exit), and its temporary files are removed.
 */
import { execFile, fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { BenchError } from './args.js';
import { BENCH_DIST, REPO } from './paths.js';

export interface Service {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const services = new Set<Service>();
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Stops every process this one started (services first) and removes the temporary directories. */
export async function stopAll(): Promise<void> {
  await Promise.all([...services].map((s) => s.stop()));
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// Last resort when the benchmark dies or is interrupted: nothing it started may outlive it.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (exited(child)) {
    children.delete(child);
    return;
  }
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
  children.delete(child);
}

function register(name: string, url: string, child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Service {
  const service: Service = {
    name,
    url,
    pid: child.pid!,
    async stop() {
      services.delete(service);
      await stopChild(child, signal);
    },
  };
  services.add(service);
  return service;
}

/** Resolves once `url` answers 200; fails early when `child` exits. `ca` trusts a test certificate for https URLs. */
async function waitForHttp(url: string, child: ChildProcess, describe: () => string, ca?: Buffer, timeoutMs = 20_000): Promise<void> {
  const dispatcher = new Agent({ connect: ca === undefined ? {} : { ca } });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited(child)) throw new BenchError(`process exited during start-up (code ${child.exitCode}, signal ${child.signalCode})\n${describe()}`);
      try {
        const response = await request(url, { dispatcher, headersTimeout: 2000, bodyTimeout: 2000 });
        await response.body.dump();
        if (response.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new BenchError(`${url} did not answer within ${timeoutMs} ms\n${describe()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await dispatcher.destroy();
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface FakeTrinoOptions {
  /** Approximate size of one page of the large result, in KiB. */
  pageKb?: number;
}

export interface FakeTrinoService extends Service {
  /** Bytes and rows of one BENCH LARGE page. */
  pageBytes: number;
  rowsPerPage: number;
}

/** Forks one of the bench fixtures; it reports its port (and more) over IPC and exits when the IPC channel closes. */
async function forkFixture<M extends { port: number }>(name: string, args: string[]): Promise<{ service: Service; ready: M }> {
  // execArgv: []: the benchmark's own node flags (say --cpu-prof) are not the fixture's.
  const child = fork(join(BENCH_DIST, `${name}.js`), args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  const ready = await new Promise<M>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError(`${name} did not start within 10 s`)), 10_000);
    child.once('message', (message: Partial<M>) => {
      clearTimeout(timer);
      if (typeof message.port === 'number') resolve(message as M);
      else reject(new Error(`${name} sent an unexpected message: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new BenchError(`${name} exited during start-up (code ${code})`));
    });
  });
  return { service: register(name, `http://127.0.0.1:${ready.port}`, child), ready };
}

export async function startFakeTrino(options: FakeTrinoOptions = {}): Promise<FakeTrinoService> {
  const args = ['--port', '0'];
  if (options.pageKb !== undefined) args.push('--page-kb', String(options.pageKb));
  const { service, ready } = await forkFixture<{ port: number; pageBytes: number; rowsPerPage: number }>('fake-trino', args);
  return Object.assign(service, { pageBytes: ready.pageBytes, rowsPerPage: ready.rowsPerPage });
}

/** The bare Node pass-through on the gateway's HTTP layer (bench/node-proxy.js): the gateway minus its own work. */
export async function startNodeProxy(upstreamUrl: string): Promise<Service> {
  return (await forkFixture('node-proxy', ['--port', '0', '--upstream', upstreamUrl])).service;
}

export interface TlsMaterial {
  certFile: string;
  keyFile: string;
  /** The certificate itself, for clients to trust (it is self-signed). */
  ca: Buffer;
}

/** A throwaway self-signed RSA 2048 certificate for 127.0.0.1, made with openssl. */
export function createTlsMaterial(): TlsMaterial {
  const dir = makeTempDir('querygate-bench-tls-');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'];
  const made = spawnSync('openssl', [...args, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' });
  if (made.error || made.status !== 0) throw new BenchError(`openssl could not make a certificate: ${made.error?.message ?? made.stderr.toString()}`);
  return { certFile, keyFile, ca: readFileSync(certFile) };
}

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench-password';
const TOKEN_SECRET = 'querygate-benchmark-secret-0123456789';

export interface GatewayOptions {
  backendUrl: string;
  /** Serve HTTPS only, with this certificate. */
  tls?: TlsMaterial;
  /** Require BENCH_USER / BENCH_PASSWORD through a password-file authenticator (needs `tls`). */
  passwordAuth?: boolean;
  /** Directory for a V8 CPU profile of the gateway (written when it stops). */
  profileDir?: string;
  /** Another built checkout of the gateway to run instead of this one (before/after comparisons). */
  repo?: string;
  /** Authorize every statement against this Trino rules.json document (written to a file). */
  accessRules?: unknown;
  /** More top-level configuration sections (e.g. `history`). */
  extraConfig?: Record<string, unknown>;
  /** Flags for node itself (e.g. the heap ceiling `npm start` sets). */
  nodeArgs?: string[];
  /** server.workers: worker processes on the one port (default 1). */
  workers?: number;
}

/** Runs `node dist/src/cli.js serve` with a generated configuration: one Trino pass-through backend. */
export async function startGateway(options: GatewayOptions): Promise<Service> {
  const dir = makeTempDir('querygate-bench-gw-');
  const port = await freePort();
  const server: Record<string, unknown> = { host: '127.0.0.1', port, ...(options.workers === undefined ? {} : { workers: options.workers }) };
  if (options.tls) Object.assign(server, { httpEnabled: false, tls: { port, certFile: options.tls.certFile, keyFile: options.tls.keyFile } });
  // A profile is written when the process exits, and a draining gateway waits for the benchmark's
  // long-running queries beyond stopChild's grace: drain briefly. (Builds before the drain had no
  // such key, and exit at once.)
  if (options.profileDir !== undefined && options.repo === undefined) server.drainTimeout = '1s';
  const config: Record<string, unknown> = {
    server,
    security: { tokenSecret: TOKEN_SECRET },
    logging: { level: 'warn' },
    dataDir: join(dir, 'data'),
    backends: [{ name: 'bench', engine: 'trino', url: options.backendUrl }],
  };
  if (options.passwordAuth) {
    if (!options.tls) throw new BenchError('password authentication needs TLS: the gateway refuses credentials over plain HTTP');
    const passwordFile = join(dir, 'password.db');
    // Cost 10, as htpasswd -B uses; the gateway caches successes, so it is paid once per credential.
    writeFileSync(passwordFile, `${BENCH_USER}:${bcrypt.hashSync(BENCH_PASSWORD, 10)}\n`);
    config.authentication = { authenticators: [{ type: 'password-file', file: passwordFile }] };
  }
  if (options.accessRules !== undefined) {
    const rulesFile = join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(options.accessRules));
    config.accessControl = { rulesFile };
  }
  Object.assign(config, options.extraConfig);
  const configFile = join(dir, 'querygate.yaml');
  writeFileSync(configFile, stringify(config));
  const logFile = join(dir, 'gateway.log');
  const log = openSync(logFile, 'w');
  const nodeArgs = [...(options.nodeArgs ?? []), ...(options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir])];
  const child = spawn(process.execPath, [...nodeArgs, join(options.repo ?? REPO, 'dist/src/cli.js'), 'serve', '--config', configFile], {
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  children.add(child);
  const service = register('gateway', `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, child);
  await waitForHttp(`${service.url}/v1/info`, child, () => `gateway log:\n${tail(logFile)}`, options.tls?.ca);
  // The first worker answers before the others have started: measured only once all of them serve.
  while ((options.workers ?? 1) > 1 && readFileSync(logFile, 'utf8').split('"msg":"worker started"').length - 1 < options.workers!) {
    if (child.exitCode !== null) throw new BenchError(`gateway exited: ${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return service;
}

export interface NginxOptions {
  upstreamUrl: string;
  workers: number;
  /** Idle keep-alive connections nginx keeps to the upstream. */
  keepalive: number;
  /** Terminate HTTPS with this certificate. */
  tls?: TlsMaterial;
}

/** Starts nginx in the foreground as a plain reverse proxy with a keep-alive upstream. */
export async function startNginx(options: NginxOptions): Promise<Service> {
  if (spawnSync('nginx', ['-v']).error) throw new BenchError('nginx is not installed (or not on PATH): apt-get install -y nginx-light');
  const dir = makeTempDir('querygate-bench-nginx-');
  const port = await freePort();
  const upstream = new URL(options.upstreamUrl);
  const conf = `
daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes ${options.workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream backend {
    server ${upstream.host};
    keepalive ${options.keepalive};
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port}${options.tls ? ' ssl' : ''};
    ${options.tls ? `ssl_certificate ${options.tls.certFile}; ssl_certificate_key ${options.tls.keyFile};` : ''}
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  const child = spawn('nginx', ['-p', dir, '-c', confFile, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  // SIGQUIT is nginx's graceful stop; the master waits for its workers.
  const service = register('nginx', `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, child, 'SIGQUIT');
  await waitForHttp(`${service.url}/v1/info`, child, () => `nginx error log:\n${tail(join(dir, 'error.log'))}`, options.tls?.ca);
  return service;
}

export interface TrinoGatewayOptions {
  backendUrl: string;
  /** Port of the test PostgreSQL trino-gateway keeps its state in (default 15432; started when not running). */
  postgresPort?: number;
}

/**
 * trino-gateway 20 (the Trino project's gateway, a peer) in front of one backend, in its default
 * routing group `adhoc`, with its PostgreSQL store and its health monitor reading `/v1/info`
 * (scripts/bench-tools/trino-gateway.sh fetches it). It follows queries by their id, so the
 * backend must build URIs from X-Forwarded-Host as Trino with http-server.process-forwarded=true
 * does (bench/fake-trino.js does). Resolves once a `SELECT 1` submitted through it comes back
 * with a next URI leading through it again.
 */
export async function startTrinoGateway(options: TrinoGatewayOptions): Promise<Service> {
  const { stdout } = await promisify(execFile)('bash', [join(REPO, 'scripts/bench-tools/trino-gateway.sh'), '--pg-port', String(options.postgresPort ?? 15432)], {
    timeout: 900_000,
  });
  const [java, jar, jdbcUrl] = stdout.trim().split('\n');
  if (!java || !jar || !jdbcUrl) throw new BenchError(`scripts/bench-tools/trino-gateway.sh printed no java, jar and JDBC URL: ${stdout}`);
  const dir = makeTempDir('querygate-bench-trino-gateway-');
  const port = await freePort();
  const config = {
    serverConfig: { 'node.environment': 'bench', 'http-server.http.port': port, 'log.path': join(dir, 'server.log') },
    dataStore: { jdbcUrl, user: 'querygate', password: 'querygate', driver: 'org.postgresql.Driver', queryHistoryHoursRetention: 1 },
    clusterStatsConfiguration: { monitorType: 'INFO_API' },
    monitor: { taskDelay: '1s' },
  };
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(config));
  const logFile = join(dir, 'console.log');
  const log = openSync(logFile, 'w');
  const child = spawn(java, ['-Xmx1g', '-jar', jar, configFile], { cwd: dir, stdio: ['ignore', log, log] });
  closeSync(log);
  children.add(child);
  const service = register('trino-gateway', `http://127.0.0.1:${port}`, child);
  const describe = () => `trino-gateway log:\n${tail(logFile)}`;
  await waitForHttp(`${service.url}/entity/GATEWAY_BACKEND`, child, describe, undefined, 180_000);
  const added = await request(`${service.url}/entity?entityType=GATEWAY_BACKEND`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', proxyTo: options.backendUrl, active: true, routingGroup: 'adhoc' }),
  });
  const addedBody = await added.body.text();
  if (added.statusCode !== 200) throw new BenchError(`trino-gateway refused the backend (${added.statusCode}): ${addedBody}`);
  // The backend takes queries once the health monitor has seen it up.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited(child)) throw new BenchError(`trino-gateway exited\n${describe()}`);
    const response = await request(`${service.url}/v1/statement`, { method: 'POST', headers: { 'x-trino-user': BENCH_USER }, body: 'SELECT 1' });
    const text = await response.body.text();
    if (response.statusCode === 200 && String((JSON.parse(text) as { nextUri?: string }).nextUri).startsWith(service.url)) return service;
    if (Date.now() > deadline) throw new BenchError(`trino-gateway did not route a query within 120 s (last answer ${response.statusCode}: ${text.slice(0, 300)})\n${describe()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts (or reuses) the test Trino through scripts/trino/start.sh; returns its URL. */
export async function ensureTrino(name: string, port: number): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(REPO, 'scripts/trino/start.sh'), '--name', name, '--port', String(port)], {
    timeout: 300_000,
  });
  return stdout.trim().split('\n').pop() ?? `http://127.0.0.1:${port}`;
}

/** Starts (or reuses) the test PostgreSQL through scripts/postgres/start.sh; returns its connection string. */
export async function ensurePostgres(port: number): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(REPO, 'scripts/postgres/start.sh'), '--port', String(port)], { timeout: 600_000 });
  return stdout.trim().split('\n').pop()!;
}

/** Stops a Trino started by ensureTrino (only call it for an instance this run started). */
export async function stopTrino(name: string): Promise<void> {
  await promisify(execFile)('bash', [join(REPO, 'scripts/trino/stop.sh'), '--name', name], { timeout: 120_000 });
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets a process's VmHWM to its current RSS (Linux clear_refs "5"); false when not permitted. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's RSS every `intervalMs`; `stop()` returns the largest sample. */
export function sampleRss(pid: number, intervalMs: number): { stop(): number } {
  let max = memoryOf(pid).rss;
  const sample = () => {
    try {
      max = Math.max(max, memoryOf(pid).rss);
    } catch {
      clearInterval(timer); // the process is gone; the run fails on its own
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}
