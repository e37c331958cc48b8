/**
 * node-proxy: the thinnest Node.js pass-through for the Trino protocol.
 *
 * BENCHMARK FIXTURE ONLY: a reference point, not a product. It is built from the gateway's own
 * building blocks (node:http server, undici Pool to the backend, streamed bodies with
 * backpressure) but does nothing else: no token, no header translation, no URI rewriting. The
 * Host header goes to the backend unchanged, so the backend's URIs point back at this proxy (as
 * nginx's `proxy_set_header Host $http_host` does). Its figures mark what a single Node process
 * costs before any gateway logic: the gap between it and the gateway is the gateway's own work,
 * the gap between it and nginx is the platform's.
 *
 * Run: `node dist/bench/node-proxy.js --upstream http://127.0.0.1:PORT [--port N]`; when forked
 * with an IPC channel it sends `{ port }` once listening and exits when its parent goes away.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { UsageError, parseFlags, runMain, type FlagSpec } from './lib/args.js';

const FLAGS = {
  upstream: { kind: 'string', help: 'backend base URL, e.g. http://127.0.0.1:18080' },
  port: { kind: 'number', help: 'port on 127.0.0.1 (default 0: any free port)' },
} satisfies FlagSpec;

const FORWARDED = /^(x-trino-|x-presto-|host$|content-type$|user-agent$)/;

async function relay(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && FORWARDED.test(name)) headers[name] = value;
  const response = await pool.request({
    method: req.method as 'GET' | 'POST' | 'DELETE',
    path: req.url ?? '/',
    headers,
    body: req.method === 'POST' ? req : null,
  });
  const contentType = response.headers['content-type'];
  res.writeHead(response.statusCode, contentType === undefined ? {} : { 'content-type': contentType });
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    if (!res.write(chunk)) await once(res, 'drain');
  }
  res.end();
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.upstream === undefined) throw new UsageError('--upstream is required');
  // The same pool settings as the gateway's Trino backend.
  const pool = new Pool(new URL(flags.upstream).origin, { connections: 256, keepAliveTimeout: 30_000 });
  const server = createServer((req, res) => {
    relay(pool, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve) => server.listen(flags.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  if (process.send) {
    process.send({ port });
    process.on('disconnect', () => process.exit(0));
  } else {
    console.log(`node-proxy listening on http://127.0.0.1:${port} -> ${flags.upstream}`);
  }
}

await runMain('node-proxy', FLAGS, main);
