/**
 * Incremental, strict parser of HTTP/1.1 responses, for the gateway's backend connections.
 * It frames bodies by Content-Length or chunked transfer coding, and refuses anything ambiguous
 * (both Content-Length and Transfer-Encoding, conflicting lengths, malformed chunk sizes, bytes
 * after a complete response): a backend answer the gateway cannot frame exactly is never relayed.
 * A body delimited by the connection closing is refused too: Trino never sends one, and a
 * connection cut short would be indistinguishable from the body's end.
 */
import { TOKEN, trimSpaces } from './fields.js';

export type HeaderValues = Record<string, string | string[]>;

export interface ResponseHead {
  statusCode: number;
  /** Names lower-cased; repeated headers joined with ", " (set-cookie kept as a list). */
  headers: HeaderValues;
  /** False when the server closes the connection after this response. */
  keepAlive: boolean;
}

export interface ResponseEvents {
  head(head: ResponseHead): void;
  body(chunk: Buffer): void;
  complete(): void;
}

export class HttpProtocolError extends Error {}

/** Largest response head (status line and headers) accepted. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Largest chunk-size or trailer line accepted. */
const MAX_LINE_BYTES = 8 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})(?:[ \t]*;.*)?$/;

type BodyState =
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-end' }
  | { kind: 'trailers' }
  | { kind: 'done' };

/** Parses one response; make a new parser per request (the method decides whether a body follows). */
export class ResponseParser {
  private state: BodyState = { kind: 'head' };
  /** Bytes of an unfinished head or line. */
  private pending: Buffer | undefined;

  constructor(
    private readonly method: string,
    private readonly events: ResponseEvents,
  ) {}

  get done(): boolean {
    return this.state.kind === 'done';
  }

  /** True once the head has been parsed (a failure after this point cannot be retried). */
  get started(): boolean {
    return this.state.kind !== 'head' || this.pending !== undefined;
  }

  /** Feeds bytes from the connection; throws HttpProtocolError on a malformed response. */
  push(input: Buffer): void {
    let chunk = this.pending === undefined ? input : Buffer.concat([this.pending, input]);
    this.pending = undefined;
    while (chunk.length > 0) {
      const state = this.state;
      switch (state.kind) {
        case 'head': {
          const end = chunk.indexOf(HEAD_END);
          // The limit holds however the head arrives, in pieces or in one read.
          if ((end === -1 ? chunk.length : end + 4) > MAX_HEAD_BYTES) throw new HttpProtocolError('response head too large');
          if (end === -1) {
            this.pending = chunk;
            return;
          }
          this.parseHead(chunk.toString('latin1', 0, end));
          chunk = chunk.subarray(end + 4);
          break;
        }
        case 'length':
          chunk = this.forward(state, chunk);
          if (state.remaining === 0) this.finish();
          break;
        case 'chunk-size':
        case 'trailers': {
          const lineEnd = chunk.indexOf('\r\n');
          if (lineEnd === -1) {
            if (chunk.length > MAX_LINE_BYTES) throw new HttpProtocolError('chunk header too long');
            this.pending = chunk;
            return;
          }
          const line = chunk.toString('latin1', 0, lineEnd);
          chunk = chunk.subarray(lineEnd + 2);
          if (state.kind === 'trailers') {
            if (line === '') this.finish();
            continue;
          }
          const size = CHUNK_SIZE.exec(line);
          if (!size) throw new HttpProtocolError('invalid chunk size');
          const length = parseInt(size[1]!, 16);
          this.state = length === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: length };
          break;
        }
        case 'chunk-data':
          chunk = this.forward(state, chunk);
          if (state.remaining === 0) this.state = { kind: 'chunk-end' };
          break;
        case 'chunk-end': {
          if (chunk.length < 2) {
            this.pending = chunk;
            return;
          }
          if (chunk[0] !== 13 || chunk[1] !== 10) throw new HttpProtocolError('chunk not terminated by CRLF');
          chunk = chunk.subarray(2);
          this.state = { kind: 'chunk-size' };
          break;
        }
        case 'done':
          throw new HttpProtocolError('unexpected bytes after the response');
      }
    }
  }

  /** The connection closed: unless the response was complete, it is truncated. */
  closed(): void {
    if (this.state.kind !== 'done') throw new HttpProtocolError(this.started ? 'response truncated' : 'connection closed before a response');
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw new HttpProtocolError('invalid status line');
    const minorVersion = status[1]!;
    const statusCode = Number(status[2]);
    const headers: HeaderValues = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw new HttpProtocolError('invalid header line');
      const key = name.toLowerCase();
      const value = trimSpaces(line.slice(colon + 1));
      const existing = headers[key];
      if (existing === undefined) headers[key] = key === 'set-cookie' ? [value] : value;
      else if (Array.isArray(existing)) existing.push(value);
      else if (key === 'content-length') {
        if (existing !== value) throw new HttpProtocolError('conflicting Content-Length headers');
      } else headers[key] = `${existing}, ${value}`;
    }
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (statusCode >= 100 && statusCode < 200) return;
    const connection = String(headers.connection ?? '').toLowerCase();
    const keepAlive = minorVersion === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.state = this.framing(statusCode, headers);
    this.events.head({ statusCode, headers, keepAlive });
    if (this.state.kind === 'done') this.events.complete();
  }

  private framing(statusCode: number, headers: HeaderValues): BodyState {
    if (this.method === 'HEAD' || statusCode === 204 || statusCode === 304) return { kind: 'done' };
    const transferEncoding = headers['transfer-encoding'];
    const contentLength = headers['content-length'];
    if (transferEncoding !== undefined) {
      if (contentLength !== undefined) throw new HttpProtocolError('both Transfer-Encoding and Content-Length');
      if (String(transferEncoding).trim().toLowerCase() !== 'chunked') throw new HttpProtocolError(`unsupported Transfer-Encoding: ${String(transferEncoding)}`);
      return { kind: 'chunk-size' };
    }
    if (contentLength !== undefined) {
      if (typeof contentLength !== 'string' || !/^\d{1,15}$/.test(contentLength)) throw new HttpProtocolError('invalid Content-Length');
      const length = Number(contentLength);
      return length === 0 ? { kind: 'done' } : { kind: 'length', remaining: length };
    }
    throw new HttpProtocolError('response body without Content-Length or chunked framing');
  }

  /** Passes on the body bytes of `chunk` still owed (`state.remaining`); returns the rest. */
  private forward(state: { remaining: number }, chunk: Buffer): Buffer {
    const take = Math.min(state.remaining, chunk.length);
    this.events.body(take === chunk.length ? chunk : chunk.subarray(0, take));
    state.remaining -= take;
    return chunk.subarray(take);
  }

  private finish(): void {
    this.state = { kind: 'done' };
    this.events.complete();
  }
}
