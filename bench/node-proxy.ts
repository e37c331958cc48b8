/**
 * node-proxy: the thinnest Node.js pass-through for the Trino protocol.
 *
 * BENCHMARK FIXTURE ONLY: a reference point, not a product. It is built from the gateway's own
 * HTTP layer (src/http1: the front door for client connections, the keep-alive client pool to the
 * backend, whole or streamed bodies with backpressure) but does nothing else: no token, no header
 * translation, no URI rewriting, no tracking. The Host header goes to the backend unchanged, so
 * the backend's URIs point back at this proxy (as nginx's `proxy_set_header Host $http_host`
 * does). Its figures mark what a single Node process costs before any gateway logic: the gap
 * between it and the gateway is the gateway's own work, the gap between it and nginx is the
 * platform's. (Before commit "bench: node-proxy on the gateway's own HTTP layer" it was built on
 * node:http and undici, as the gateway then was; older figures in bench/README.md are of that.)
 *
 * Run: `node dist/bench/node-proxy.js --upstream http://127.0.0.1:PORT [--port N]`; when forked
 * with an IPC channel it sends `{ port }` once listening and exits when its parent goes away.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { ClientPool, ResponseBody } from '../src/http1/client-pool.js';
import { drained } from '../src/http1/exchange.js';
import { FrontDoor, type FrontRequest, type FrontResponse } from '../src/http1/front-door.js';
import { UsageError, parseFlags, runMain, type FlagSpec } from './lib/args.js';

const FLAGS = {
  upstream: { kind: 'string', help: 'backend base URL, e.g. http://127.0.0.1:18080' },
  port: { kind: 'number', help: 'port on 127.0.0.1 (default 0: any free port)' },
} satisfies FlagSpec;

const FORWARDED = /^(x-trino-|x-presto-|host$|content-type$|user-agent$)/;

async function relay(pool: ClientPool, req: FrontRequest, res: FrontResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && FORWARDED.test(name)) headers[name] = value;
  let body: string | undefined;
  if (req.method === 'POST') {
    body = '';
    for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
  }
  const response = await pool.request({ method: req.method as 'GET' | 'POST' | 'DELETE', path: req.url, headers, ...(body === undefined ? {} : { body }) });
  const contentType = response.headers['content-type'];
  const outHeaders = contentType === undefined ? {} : { 'content-type': contentType };
  const whole = response.body instanceof ResponseBody ? response.body.takeWhole() : undefined;
  if (whole !== undefined) {
    res.writeHead(response.statusCode, { ...outHeaders, 'content-length': whole.length });
    res.end(whole);
    return;
  }
  res.writeHead(response.statusCode, outHeaders);
  for await (const chunk of response.body) {
    if (!res.write(chunk) && !(await drained(res, 60_000))) return;
  }
  res.end();
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.upstream === undefined) throw new UsageError('--upstream is required');
  // The same pool settings as the gateway's Trino backend.
  const pool = new ClientPool(new URL(flags.upstream), { maxConnections: 256, connectTimeout: 5_000, headersTimeout: 60_000, bodyTimeout: 60_000, idleTimeout: 30_000 });
  const frontDoor = new FrontDoor({
    serves: () => true,
    handle: (req, res) => {
      relay(pool, req, res).catch(() => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-length': 0 }).end();
      });
    },
    // Everything the front door takes is served; what it would hand off is refused here.
    handOff: (socket) => socket.destroy(),
    maxHeadBytes: 256 * 1024,
    maxBodyBytes: 1024 * 1024,
    maxBufferedBytes: 64 * 1024 * 1024,
    requestTimeout: 60_000,
    keepAliveTimeout: 120_000,
  });
  const server = createServer((socket) => frontDoor.accept(socket));
  server.listen(flags.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  if (process.send) {
    process.send({ port });
    process.on('disconnect', () => process.exit(0));
  } else {
    console.log(`node-proxy listening on http://127.0.0.1:${port} -> ${flags.upstream}`);
  }
}

await runMain('node-proxy', FLAGS, main);
