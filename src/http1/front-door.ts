/**
 * The gateway's front door for the statement protocol: it reads HTTP/1.1 requests straight off
 * the client's socket and serves the ones it is built for (POST /v1/statement and the follow-ups)
 * with its own small request and response objects, one exchange at a time per connection.
 *
 * Why: node:http's general machinery (IncomingMessage and ServerResponse streams, deferred
 * writes) cost more per poll than everything the gateway itself does for it, and polls are most
 * of a client's requests (bench/README.md, "the front door").
 *
 * Everything else, and anything unusual about a request (request-head.ts), is handed to a
 * node:http server together with the bytes already read: from then on that connection belongs to
 * node:http, which serves the admin API, the UI and the odd client exactly as before.
 */
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientRequest, ClientResponse } from './exchange.js';
import { BadRequest, HAND_OFF, parseRequestHead, type RequestHead } from './request-head.js';

export interface FrontDoorOptions {
  /** Whether the front door serves this request itself. */
  serves(method: string, url: string): boolean;
  handle(req: FrontRequest, res: FrontResponse): void;
  /** Gives a connection, its unread bytes put back, to node:http. */
  handOff(socket: Socket): void;
  maxHeadBytes: number;
  /** Larger bodies are handed off (node:http answers them with the gateway's 413). */
  maxBodyBytes: number;
  /** For a request head, and its body, to arrive in full. */
  requestTimeout: number;
  /** An idle connection is closed after this long. */
  keepAliveTimeout: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Connection timeouts are deadlines checked this often (one sweep, not a timer per request). */
const SWEEP_MS = 250;
/** How long a closing connection waits for the client to close its side. */
const LINGER_MS = 5_000;
const EMPTY = Buffer.alloc(0);

export class FrontDoor {
  private readonly connections = new Set<FrontConnection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: FrontDoorOptions) {}

  accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new FrontConnection(socket, this.options, () => this.connections.delete(connection));
    this.connections.add(connection);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => {
        const now = Date.now();
        for (const open of this.connections) open.checkDeadline(now);
      }, SWEEP_MS);
      this.sweeper.unref();
    }
  }

  /** Closes every connection still served here (handed-off ones belong to node:http). */
  closeAll(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }
}

class FrontConnection {
  /** Bytes read and not yet consumed (a partial request, or pipelined ones), in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The head of the request whose body is still arriving. */
  private head: RequestHead | undefined;
  private active: FrontResponse | undefined;
  /** When an idle, incomplete or closing connection is dropped (ms since the epoch; 0: none). */
  private deadline = 0;
  /** A request has begun to arrive: its deadline runs from its first bytes, not its latest. */
  private arriving = false;
  /** The connection ends after the current answer (the client asked, or has stopped sending). */
  private closing = false;
  private nextScheduled = false;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onError = () => this.socket.destroy();
  private readonly onEnd = () => this.clientEnded();
  private readonly onClose = () => this.forget();

  constructor(
    private readonly socket: Socket,
    private readonly options: FrontDoorOptions,
    private readonly forget: () => void,
  ) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    this.arm(options.keepAliveTimeout);
  }

  checkDeadline(now: number): void {
    if (this.deadline !== 0 && now >= this.deadline) this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    if (this.closing) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.active !== undefined) {
      // A pipelined request waits for the current answer; past one request's worth, stop reading.
      if (this.pendingBytes > this.options.maxHeadBytes + this.options.maxBodyBytes) this.socket.pause();
      return;
    }
    this.next();
  }

  /** Starts the next buffered request once it has fully arrived; one request at a time. */
  private next(): void {
    if (this.active !== undefined || this.closing || this.socket.destroyed || this.pendingBytes === 0) return;
    if (this.head === undefined && !this.readHead()) return;
    const head = this.head!;
    if (this.pendingBytes < head.contentLength) {
      this.requestArriving();
      return;
    }
    // The body is gathered once it is complete: a body sent in many small pieces is copied once.
    const buffer = this.takeAll();
    const body = buffer.subarray(0, head.contentLength);
    this.putBack(buffer.subarray(head.contentLength));
    this.head = undefined;
    this.deadline = 0;
    this.arriving = false;
    const res = new FrontResponse(this.socket, head.keepAlive ? this.options.keepAliveTimeout : undefined, () => this.finished(res));
    this.active = res;
    this.options.handle(new FrontRequest(head.method, head.url, head.headers, this.socket, body), res);
  }

  /** Parses the head of the next request when it is all there; false when not (yet) to be served here. */
  private readHead(): boolean {
    // Heads are small (at most maxHeadBytes), so gathering the pieces for each search is bounded.
    const buffer = this.takeAll();
    this.putBack(buffer);
    const headEnd = buffer.indexOf(HEAD_END);
    if (headEnd === -1) {
      // Bare-LF line endings are node:http's business (it refuses or accepts them by its rules).
      if (buffer.indexOf('\n\n') !== -1) this.handOff();
      else if (buffer.length > this.options.maxHeadBytes) this.refuse(431, 'Request header fields too large');
      else this.requestArriving();
      return false;
    }
    let head: RequestHead | typeof HAND_OFF;
    try {
      head = parseRequestHead(buffer.toString('latin1', 0, headEnd));
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      this.refuse(400, `Bad request: ${err.message}`);
      return false;
    }
    if (head === HAND_OFF || !this.options.serves(head.method, head.url) || head.contentLength > this.options.maxBodyBytes) {
      this.handOff();
      return false;
    }
    this.takeAll();
    this.putBack(buffer.subarray(headEnd + 4));
    this.head = head;
    return true;
  }

  private finished(res: FrontResponse): void {
    if (this.active !== res) return;
    this.active = undefined;
    if (!res.keepAlive || this.closing) {
      this.close();
      return;
    }
    this.socket.resume();
    this.arm(this.options.keepAliveTimeout);
    if (this.pendingBytes > 0 && !this.nextScheduled) {
      this.nextScheduled = true;
      process.nextTick(() => {
        this.nextScheduled = false;
        this.next();
      });
    }
  }

  /** The client sent its last bytes: answer what it asked, then close. */
  private clientEnded(): void {
    if (this.active !== undefined) this.closing = true;
    else this.close();
  }

  /**
   * Ends the connection after what was written: no further request is read. What the client still
   * sends is read and dropped until it closes (closing on unread bytes would reset the connection
   * and could destroy the answer before the client reads it), for at most LINGER_MS.
   */
  private close(): void {
    this.closing = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.arm(LINGER_MS);
    this.socket.resume();
    this.socket.end();
  }

  private handOff(): void {
    this.deadline = 0;
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onClose);
    this.forget();
    this.socket.pause();
    const buffer = this.takeAll();
    if (buffer.length > 0) this.socket.unshift(buffer);
    this.options.handOff(this.socket);
    // node:http reads the socket's handle directly; resuming first replays the bytes put back
    // (on the next tick, before any new bytes can arrive), so requests stay in order.
    this.socket.resume();
  }

  private refuse(status: number, message: string): void {
    const res = new FrontResponse(this.socket, undefined, () => this.finished(res));
    this.active = res;
    this.pending = [];
    this.pendingBytes = 0;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
    res.end(message);
  }

  /** Everything pending as one buffer, taken out. */
  private takeAll(): Buffer {
    const buffer = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return buffer;
  }

  private putBack(buffer: Buffer): void {
    if (buffer.length === 0) return;
    this.pending = [buffer];
    this.pendingBytes = buffer.length;
  }

  private arm(ms: number): void {
    this.deadline = Date.now() + ms;
  }

  private requestArriving(): void {
    if (this.arriving) return;
    this.arriving = true;
    this.arm(this.options.requestTimeout);
  }
}

/** A request served by the front door: head parsed, body (a statement, at most) read in full. */
export class FrontRequest implements ClientRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    readonly socket: Socket,
    private readonly body: Buffer,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.body.length > 0) yield this.body;
  }

  resume(): void {
    // The body is already read.
  }
}

/**
 * A response written straight to the socket. The head is held until the first body bytes so a
 * small answer leaves in one write; without a Content-Length the body is sent chunked.
 */
export class FrontResponse implements ClientResponse {
  headersSent = false;
  private pendingHead: string | undefined;
  private chunked = false;
  private ended = false;

  /** Whether the connection stays open after this response (the client's wish, or the writer's `Connection: close`). */
  keepAlive: boolean;

  constructor(
    private readonly socket: Socket,
    /** How long the connection stays open for the next request; undefined: closed after this one. */
    private readonly keepAliveMs: number | undefined,
    private readonly onFinish: () => void,
  ) {
    this.keepAlive = keepAliveMs !== undefined;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  writeHead(statusCode: number, headers: OutgoingHttpHeaders = {}): this {
    if (this.headersSent) throw new Error('response head already written');
    let head = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Unknown'}\r\n`;
    let hasLength = false;
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
      // The connection's fate is this object's to announce: a writer can only ask to close it.
      if (name.length === 10 && name.toLowerCase() === 'connection') {
        if (/\bclose\b/i.test(String(value))) this.keepAlive = false;
        continue;
      }
      // node:http's own checks: a value built from SQL (a session header) must not carry a line
      // break, spelled directly or as a character whose low byte is one once written as latin1.
      validateHeaderName(name);
      for (const item of Array.isArray(value) ? value : [value]) {
        const text = String(item);
        validateHeaderValue(name, text);
        head += `${name}: ${text}\r\n`;
      }
    }
    this.chunked = !hasLength && statusCode !== 204 && statusCode !== 304;
    if (this.chunked) head += 'Transfer-Encoding: chunked\r\n';
    head += `Date: ${httpDate()}\r\n`;
    head +=
      this.keepAlive && this.keepAliveMs !== undefined
        ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(this.keepAliveMs / 1000)}\r\n\r\n`
        : 'Connection: close\r\n\r\n';
    this.pendingHead = head;
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (!this.headersSent) this.writeHead(200);
    this.socket.cork();
    this.flushHead();
    const writable = this.writeBody(chunk);
    this.socket.uncork();
    return writable;
  }

  end(chunk?: Buffer | string): this {
    if (this.ended) return this;
    this.ended = true;
    if (!this.headersSent) this.writeHead(200);
    if (this.pendingHead !== undefined && !this.chunked) {
      // The usual small answer: head and body leave in one buffer, one write.
      const head = this.pendingHead;
      this.pendingHead = undefined;
      const body = chunk === undefined ? EMPTY : typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const whole = Buffer.allocUnsafe(head.length + body.length);
      whole.write(head, 0, 'latin1');
      body.copy(whole, head.length);
      this.socket.write(whole);
      this.onFinish();
      return this;
    }
    this.socket.cork();
    this.flushHead();
    if (chunk !== undefined) this.writeBody(chunk);
    if (this.chunked) this.socket.write('0\r\n\r\n');
    this.socket.uncork();
    this.onFinish();
    return this;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  destroy(): this {
    this.socket.destroy();
    return this;
  }

  once(event: 'drain' | 'close', listener: () => void): this {
    this.socket.once(event, listener);
    return this;
  }

  off(event: 'drain' | 'close', listener: () => void): this {
    this.socket.off(event, listener);
    return this;
  }

  private flushHead(): void {
    if (this.pendingHead === undefined) return;
    this.socket.write(this.pendingHead, 'latin1');
    this.pendingHead = undefined;
  }

  private writeBody(chunk: Buffer | string): boolean {
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (length === 0) return !this.socket.writableNeedDrain;
    if (!this.chunked) return this.socket.write(chunk);
    this.socket.write(`${length.toString(16)}\r\n`, 'latin1');
    this.socket.write(chunk);
    return this.socket.write('\r\n', 'latin1');
  }
}

let cachedDate = '';
let cachedSecond = -1;

/** The Date header's value, formatted once per second. */
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}
