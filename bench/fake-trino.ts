/**
 * fake-trino: a minimal, fast Trino-protocol responder.
 *
 * BENCHMARK FIXTURE ONLY. It runs no SQL and answers canned documents; it exists so that the
 * benchmarks can measure the gateway's own cost without a JVM's noise. Never use it for
 * correctness tests: those run against the real Trino (test/support/services.ts).
 *
 * Statements it knows (the POST body):
 *   SELECT 1            the shortest path a real Trino 476 takes for `SELECT 1`, 4 round trips:
 *                       POST -> QUEUED (queued/1); GET -> QUEUED (executing/0);
 *                       GET -> RUNNING, columns + data [[1]] (executing/1); GET -> FINISHED.
 *                       (Trino often needs 1-3 more polls; 4 is its minimum.)
 *   BENCH LARGE <n>     the same path with n pages of lineitem-like rows (~--page-kb each).
 *   BENCH POLL          its executing page (data [[1]]) names itself as nextUri, so it can be
 *                       polled forever: the follow-up path for throughput runs.
 *
 * URIs have Trino's layout and lengths. The slug segment carries the statement kind, so the
 * fixture keeps no per-query state: any instance answers any URI it issued, any number of times.
 *
 * Run: `node dist/bench/fake-trino.js [--port N] [--page-kb K]`. When forked with an IPC channel
 * it sends `{ port }` once listening and exits when its parent goes away.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import {
  FINISHED_STATS,
  LINEITEM_COLUMNS,
  QUEUED_STATS,
  RUNNING_STATS,
  SELECT1_COLUMNS,
  buildLargePage,
  documentParts,
  type DocumentParts,
} from './lib/trino-documents.js';

const FLAGS = {
  port: { kind: 'number', help: 'port on 127.0.0.1 (default 0: any free port)' },
  'page-kb': { kind: 'number', help: 'size of one BENCH LARGE page in KiB (default 1024)' },
} satisfies FlagSpec;

type Kind = 'select1' | 'large' | 'poll';
const KIND_CODES: Record<Kind, string> = { select1: 's', large: 'l', poll: 'p' };

/** Trino's slug is `y` + 40 hex digits; ours carries the statement instead, padded to that length. */
function slugFor(kind: Kind, pages: number): string {
  return `y${KIND_CODES[kind]}.${pages}.`.padEnd(41, '0');
}

function parseSlug(slug: string): { kind: Kind; pages: number } | undefined {
  const [head, pages] = slug.split('.');
  const kind = (Object.keys(KIND_CODES) as Kind[]).find((k) => `y${KIND_CODES[k]}` === head);
  return kind === undefined ? undefined : { kind, pages: Number(pages) };
}

function statementOf(sql: string): { kind: Kind; pages: number } | undefined {
  const text = sql.trim().replace(/;$/, '').toUpperCase();
  if (text === 'SELECT 1') return { kind: 'select1', pages: 1 };
  if (text === 'BENCH POLL') return { kind: 'poll', pages: 0 };
  const large = /^BENCH LARGE (\d+)$/.exec(text);
  return large ? { kind: 'large', pages: Number(large[1]) } : undefined;
}

function send(res: ServerResponse, parts: DocumentParts): void {
  const { head, data, tail } = documentParts(parts);
  if (data instanceof Buffer) {
    // The shared page buffer is written as is, never copied.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(head) + data.length + Buffer.byteLength(tail) });
    res.write(head);
    res.write(data);
    res.end(tail);
    return;
  }
  const body = head + (data ?? '') + tail;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The origin the responder's URIs name, as Trino with http-server.process-forwarded=true builds it:
 * behind a TLS-terminating proxy they say https, and a proxy that names itself in
 * X-Forwarded-Host/-Port (trino-gateway does; nginx passes the client's Host instead) gets URIs
 * that lead back through it.
 */
function baseUri(req: IncomingMessage): string {
  const scheme = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  const forwardedHost = req.headers['x-forwarded-host'];
  if (typeof forwardedHost !== 'string') return `${scheme}://${req.headers.host ?? '127.0.0.1'}`;
  const forwardedPort = req.headers['x-forwarded-port'];
  return `${scheme}://${typeof forwardedPort === 'string' ? `${forwardedHost.replace(/:\d+$/, '')}:${forwardedPort}` : forwardedHost}`;
}

class FakeTrino {
  private counter = 0;

  constructor(private readonly largePage: Buffer) {}

  handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const base = baseUri(req);
    if (path === '/v1/statement') {
      if (req.method !== 'POST') return text(res, 405, 'Method not allowed');
      const statement = statementOf(body);
      if (!statement) return text(res, 400, 'fake-trino knows only: SELECT 1, BENCH LARGE <pages>, BENCH POLL');
      const id = this.nextQueryId();
      return send(res, { base, id, nextUri: `${base}/v1/statement/queued/${id}/${slugFor(statement.kind, statement.pages)}/1`, stats: QUEUED_STATS });
    }
    if (path === '/v1/info') {
      return text(res, 200, '{"nodeVersion":{"version":"476-fake"},"environment":"bench","coordinator":true,"starting":false,"uptime":"1.00m"}', 'application/json');
    }
    // The gateway's health checks ask for the backend's load: no query is ever queued or running here.
    if (path === '/v1/query') return text(res, 200, '[]', 'application/json');
    // ['', 'v1', 'statement', 'queued' | 'executing', id, slug, token]
    const parts = path.split('/');
    if (parts.length !== 7 || parts[1] !== 'v1' || parts[2] !== 'statement') return text(res, 404, 'Query not found');
    const [, , , phase, id, slug, tokenText] = parts as [string, string, string, string, string, string, string];
    const statement = parseSlug(slug);
    if (!statement || (phase !== 'queued' && phase !== 'executing')) return text(res, 404, 'Query not found');
    if (req.method === 'DELETE') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method !== 'GET') return text(res, 405, 'Method not allowed');
    const executing = `${base}/v1/statement/executing/${id}/${slug}/`;
    if (phase === 'queued') return send(res, { base, id, nextUri: `${executing}0`, stats: QUEUED_STATS });
    const token = Number(tokenText);
    const partialCancelUri = `${base}/v1/statement/executing/partialCancel/${id}/0/${slug}/${token + 1}`;
    if (statement.kind === 'poll') {
      return send(res, { base, id, partialCancelUri, nextUri: `${executing}${token}`, columns: SELECT1_COLUMNS, data: '[[1]]', stats: RUNNING_STATS });
    }
    const columns = statement.kind === 'large' ? LINEITEM_COLUMNS : SELECT1_COLUMNS;
    if (token >= statement.pages) return send(res, { base, id, columns, stats: FINISHED_STATS });
    const data = statement.kind === 'large' ? this.largePage : '[[1]]';
    send(res, { base, id, partialCancelUri, nextUri: `${executing}${token + 1}`, columns, data, stats: RUNNING_STATS });
  }

  private nextQueryId(): string {
    this.counter = (this.counter + 1) % 100_000;
    return `20260101_000000_${String(this.counter).padStart(5, '0')}_bench`;
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const page = buildLargePage((flags['page-kb'] ?? 1024) * 1024);
  const fake = new FakeTrino(page.data);
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      req.resume();
      fake.handle(req, res, '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => fake.handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  // Longer than any pause between benchmark rounds, so pooled connections stay open, as with Trino.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve) => server.listen(flags.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  if (process.send) {
    process.send({ port, pageBytes: page.data.length, rowsPerPage: page.rows });
    process.on('disconnect', () => process.exit(0));
  } else {
    console.log(`fake-trino listening on http://127.0.0.1:${port} (BENCH LARGE pages: ${page.data.length} bytes, ${page.rows} rows)`);
  }
}

await runMain('fake-trino', FLAGS, main);
