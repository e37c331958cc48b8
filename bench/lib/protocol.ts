/**
 * The benchmark's Trino-protocol client: one keep-alive undici Pool per origin, used the same way
 * for the backend and the gateway, so any difference in a measurement comes from what is between
 * the client and the backend. It checks the protocol as it goes and throws ProtocolError on
 * anything a real client would reject.
 */
import { Pool } from 'undici';
import { BenchError } from './args.js';

export class ProtocolError extends BenchError {}

export interface Page {
  status: number;
  /** Body bytes received. */
  bytes: number;
  nextUri: string | undefined;
  /** The parsed document: always for the last page and for non-200 answers, else only when asked. */
  doc: Record<string, unknown> | undefined;
}

export interface QueryOutcome {
  roundTrips: number;
  rows: number;
  bytes: number;
  /** stats.state of the final document. */
  state: string;
}

/** Largest document kept whole when the caller did not ask for parsing (the last page is small). */
const MAX_KEPT_BYTES = 256 * 1024;
/** How far into a document the client looks for `nextUri` (Trino writes it before `columns`/`data`). */
const HEAD_BYTES = 64 * 1024;

export function splitUri(uri: string): { origin: string; path: string } {
  const slash = uri.indexOf('/', uri.indexOf('//') + 2);
  return slash === -1 ? { origin: uri, path: '/' } : { origin: uri.slice(0, slash), path: uri.slice(slash) };
}

export interface ClientOptions {
  connectionsPerOrigin?: number;
  /** Certificate to trust for https origins (the benchmark's self-signed one). */
  ca?: Buffer;
  /** Basic credentials, sent to these origins only: backends without authentication refuse passwords. */
  credentials?: { origins: string[]; password: string };
}

export class BenchClient {
  private readonly pools = new Map<string, Pool>();
  private readonly authorization: string | undefined;

  constructor(
    private readonly user: string,
    private readonly options: ClientOptions = {},
  ) {
    const password = options.credentials?.password;
    this.authorization = password === undefined ? undefined : `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  /** Closes every connection at once (destroy, not close: after a failure a request may still hang). */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connectionsPerOrigin ?? 1,
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
        ...(this.options.ca ? { connect: { ca: this.options.ca } } : {}),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** One protocol request. Large bodies are streamed: only their head is decoded, to find nextUri. */
  async page(method: 'GET' | 'POST' | 'DELETE', uri: string, body: string | undefined, parse: boolean): Promise<Page> {
    const { origin, path } = splitUri(uri);
    const headers: Record<string, string> = { 'x-trino-user': this.user };
    if (this.authorization !== undefined && this.options.credentials?.origins.includes(origin)) headers.authorization = this.authorization;
    if (body !== undefined) headers['content-type'] = 'text/plain; charset=utf-8';
    const response = await this.pool(origin).request({ method, path, headers, body: body ?? null });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let headLength = 0;
    let keepAll = true;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (keepAll || headLength < HEAD_BYTES) {
        chunks.push(chunk);
        headLength += chunk.length;
      }
      if (!parse && bytes > MAX_KEPT_BYTES) keepAll = false;
    }
    if (response.statusCode !== 200) {
      return { status: response.statusCode, bytes, nextUri: undefined, doc: { text: Buffer.concat(chunks).toString('utf8').slice(0, 500) } };
    }
    if (keepAll) {
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      return { status: 200, bytes, nextUri: doc.nextUri as string | undefined, doc };
    }
    const nextUri = nextUriInHead(Buffer.concat(chunks).toString('latin1'));
    if (nextUri === undefined) throw new ProtocolError(`a document of ${bytes} bytes without nextUri (the last one should be small)`);
    return { status: 200, bytes, nextUri, doc: undefined };
  }

  /**
   * Runs a statement to completion like a client: POST, then GET every nextUri. `parse` decodes
   * every page (and counts rows); without it, pages are streamed and only counted in bytes.
   */
  async runQuery(baseUrl: string, sql: string, options: { parse: boolean; maxRoundTrips?: number }): Promise<QueryOutcome> {
    let page = await this.page('POST', `${baseUrl}/v1/statement`, sql, options.parse);
    let roundTrips = 1;
    let rows = 0;
    let bytes = 0;
    for (;;) {
      if (page.status !== 200) throw new ProtocolError(`HTTP ${page.status} after ${roundTrips} round trips: ${JSON.stringify(page.doc)}`);
      bytes += page.bytes;
      if (page.doc !== undefined && Array.isArray(page.doc.data)) {
        if (!Array.isArray(page.doc.columns)) throw new ProtocolError('data without columns');
        rows += page.doc.data.length;
      }
      if (page.nextUri === undefined) break;
      if (++roundTrips > (options.maxRoundTrips ?? 100_000)) throw new ProtocolError(`no end after ${roundTrips - 1} round trips`);
      page = await this.page('GET', page.nextUri, undefined, options.parse);
    }
    const doc = page.doc!;
    const state = (doc.stats as { state?: string } | undefined)?.state ?? 'MISSING';
    if (doc.error !== undefined) throw new ProtocolError(`query failed: ${JSON.stringify(doc.error).slice(0, 500)}`);
    if (state !== 'FINISHED') throw new ProtocolError(`final document has state ${state}, not FINISHED`);
    return { roundTrips, rows, bytes, state };
  }
}

/** `nextUri` of a document whose head (everything before `data`) is in `head`. */
function nextUriInHead(head: string): string | undefined {
  const dataAt = head.indexOf('"data":');
  const scope = dataAt === -1 ? head : head.slice(0, dataAt);
  const match = /"nextUri":"((?:[^"\\]|\\.)*)"/.exec(scope);
  return match ? (JSON.parse(`"${match[1]}"`) as string) : undefined;
}
