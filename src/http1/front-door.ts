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
import { BadRequest, HAND_OFF, TooManyFields, parseRequestHead, type RequestHead } from './request-head.js';

export interface FrontDoorOptions {
  /** Whether the front door serves this request itself. */
  serves(method: string, url: string): boolean;
  /** Called as soon as a head is read; the body is read when the handler iterates the request. */
  handle(req: FrontRequest, res: FrontResponse): void;
  /** Gives a connection, its unread bytes put back, to node:http. */
  handOff(socket: Socket): void;
  /** A longer head, terminator included, is answered 431. */
  maxHeadBytes: number;
  /** Larger bodies are handed off (node:http answers them with the gateway's 413). */
  maxBodyBytes: number;
  /**
   * Bytes all connections together may hold unconsumed (heads arriving, pipelined requests,
   * bodies being gathered). A read or a body that would go past it is answered 503 and closed.
   */
  maxBufferedBytes: number;
  /** For a request head, and its body, to arrive in full. */
  requestTimeout: number;
  /** An idle connection is closed after this long. */
  keepAliveTimeout: number;
}

/** Why a request's body cannot be had: it does not fit in the buffer budget (503), or the client stopped sending it (400). */
export class BodyUnavailable extends Error {
  constructor(
    readonly status: 400 | 503,
    message: string,
  ) {
    super(message);
  }
}

export const BUFFER_FULL_MESSAGE = 'Server busy: too many request bytes are waiting to be read; retry later';

/** Connection timeouts are deadlines checked this often (one sweep, not a timer per request). */
const SWEEP_MS = 250;
/** How long a closing connection waits for the client to close its side. */
const LINGER_MS = 5_000;
const EMPTY = Buffer.alloc(0);
const ENDED_EARLY = 'Bad request: the connection ended in the middle of a request';
const CR = 13;
const LF = 10;

export class FrontDoor {
  private readonly connections = new Set<FrontConnection>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Bytes held by all connections (FrontDoorOptions.maxBufferedBytes). */
  bufferedBytes = 0;

  constructor(private readonly options: FrontDoorOptions) {}

  accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new FrontConnection(socket, this.options, this, () => this.connections.delete(connection));
    this.connections.add(connection);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => {
        const now = Date.now();
        for (const open of this.connections) open.checkDeadline(now);
      }, SWEEP_MS);
      this.sweeper.unref();
    }
  }

  /** Takes `bytes` from the shared buffer budget; false (and nothing taken) when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.bufferedBytes + bytes > this.options.maxBufferedBytes) return false;
    this.bufferedBytes += bytes;
    return true;
  }

  /** Takes `bytes` whether or not they fit (bytes already read that must be kept). */
  hold(bytes: number): void {
    this.bufferedBytes += bytes;
  }

  release(bytes: number): void {
    this.bufferedBytes -= bytes;
  }

  /** Closes every connection still served here (handed-off ones belong to node:http). */
  closeAll(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }
}

/** The body of the request being served: how much is still to come and who waits for it. */
interface BodyState {
  request: FrontRequest;
  /** Body bytes not yet taken off the connection. */
  remaining: number;
  /** Gathered bytes (once the handler asked for the body). */
  chunks: Buffer[];
  /** The budget taken for this body (its full length, from when the handler asks for it). */
  reserved: number;
  /** The handler asked for the body / no longer wants it (its answer is out, or it refused the request). */
  wanted: boolean;
  discard: boolean;
}

class FrontConnection {
  /** Bytes read and not yet consumed (a partial head, or pipelined requests), in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** How far the pending head has been scanned for its end: a head is scanned once, not on every read. */
  private scanChunk = 0;
  private scanOffset = 0;
  private scanned = 0;
  /** Where the last LF of the pending head was (absolute), and the byte before the scan position. */
  private lastLf = -1;
  private previousByte = -1;
  private body: BodyState | undefined;
  private active: FrontResponse | undefined;
  /** When an idle, incomplete or closing connection is dropped (ms since the epoch; 0: none). */
  private deadline = 0;
  /** A request has begun to arrive: its deadline runs from its first bytes, not its latest. */
  private arriving = false;
  /** The connection ends after the current answer (the client asked, or it was refused). */
  private closing = false;
  /** The client has sent its last bytes: what it sent is answered, then the connection closes. */
  private ended = false;
  private nextScheduled = false;
  /** Waiting for the client to read what was written before the next request is started. */
  private awaitingDrain = false;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onError = () => this.socket.destroy();
  private readonly onEnd = () => this.clientEnded();
  private readonly onClose = () => this.closed();
  private readonly onDrain = () => this.drained();

  constructor(
    private readonly socket: Socket,
    private readonly options: FrontDoorOptions,
    private readonly door: FrontDoor,
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
    const body = this.body;
    if (body !== undefined && body.remaining > 0 && (body.wanted || body.discard)) {
      const used = Math.min(chunk.length, body.remaining);
      this.bodyBytes(body, chunk.subarray(0, used));
      chunk = chunk.subarray(used);
      if (chunk.length === 0) return;
    }
    const busy = this.active !== undefined || this.awaitingDrain;
    if (!this.door.reserve(chunk.length)) {
      if (!busy) {
        this.refuse(503, BUFFER_FULL_MESSAGE);
        return;
      }
      // An answer is being written: keep what was read (one read over the budget at most) and
      // read no more until it is done.
      this.door.hold(chunk.length);
      this.socket.pause();
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (busy) {
      // The next request waits for the current answer; past one head's worth, stop reading.
      if (this.pendingBytes > this.options.maxHeadBytes) this.socket.pause();
      return;
    }
    this.next();
  }

  /** Starts the next buffered request once its head has arrived; one request at a time. */
  private next(): void {
    if (this.active !== undefined || this.awaitingDrain || this.closing || this.socket.destroyed || this.pendingBytes === 0) return;
    const head = this.readHead();
    if (head === undefined) return;
    this.arriving = false;
    this.deadline = 0;
    const res = new FrontResponse(this.socket, head.keepAlive ? this.options.keepAliveTimeout : undefined, () => this.finished(res));
    this.active = res;
    const req = new FrontRequest(head.method, head.url, head.headers, this.socket, this);
    this.body = { request: req, remaining: head.contentLength, chunks: [], reserved: 0, wanted: false, discard: false };
    if (head.contentLength > 0) {
      // The body is read only once the handler asks for it (after it authenticated the caller).
      this.requestArriving();
      this.socket.pause();
    }
    this.options.handle(req, res);
  }

  /** The handler wants the body: reserve room for all of it, then gather it. */
  wantBody(req: FrontRequest): void {
    const body = this.body;
    if (body === undefined || body.request !== req || body.wanted || body.discard) return;
    if (body.remaining === 0) {
      this.deliver(body);
      return;
    }
    // Body bytes already read are counted once: as pending now, in the body's reservation next.
    const alreadyRead = Math.min(this.pendingBytes, body.remaining);
    this.door.release(alreadyRead);
    const fits = this.door.reserve(body.remaining);
    this.door.hold(alreadyRead);
    if (!fits) {
      req.fail(new BodyUnavailable(503, BUFFER_FULL_MESSAGE));
      return;
    }
    body.reserved = body.remaining;
    body.wanted = true;
    this.takeBodyFromPending(body);
    if (body.remaining > 0) this.socket.resume();
  }

  /** The handler will not read the body (it answered without it): what is left is read and dropped. */
  discardBody(req: FrontRequest): void {
    const body = this.body;
    if (body === undefined || body.request !== req || body.discard) return;
    body.discard = true;
    this.door.release(body.reserved);
    body.reserved = 0;
    body.chunks = [];
    if (body.remaining > 0) {
      this.takeBodyFromPending(body);
      if (this.body === body && !this.closing) this.socket.resume();
    }
  }

  private takeBodyFromPending(body: BodyState): void {
    while (body.remaining > 0 && this.pending.length > 0) {
      const chunk = this.pending[0]!;
      const used = Math.min(chunk.length, body.remaining);
      if (used === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(used);
      this.pendingBytes -= used;
      this.door.release(used);
      this.bodyBytes(body, chunk.subarray(0, used));
    }
  }

  private bodyBytes(body: BodyState, bytes: Buffer): void {
    body.remaining -= bytes.length;
    if (!body.discard) body.chunks.push(bytes);
    if (body.remaining > 0) return;
    this.arriving = false;
    if (this.active !== undefined) this.deadline = 0;
    if (body.discard) this.bodyDone();
    else this.deliver(body);
  }

  private deliver(body: BodyState): void {
    const bytes = body.chunks.length === 1 ? body.chunks[0]! : Buffer.concat(body.chunks);
    body.chunks = [];
    // Delivered: from here the body is the handler's, no longer bytes waiting on this connection.
    this.door.release(body.reserved);
    body.reserved = 0;
    body.request.arrived(bytes);
    this.bodyDone();
  }

  /** The body is all read (or dropped): the connection reads on, for the next request. */
  private bodyDone(): void {
    if (this.active === undefined) {
      this.body = undefined;
      this.startNext();
    } else if (this.pendingBytes <= this.options.maxHeadBytes) {
      this.socket.resume();
    }
  }

  /**
   * The head of the next request when it is all there and served here; otherwise undefined (not
   * there yet, refused, or handed off). The pending bytes are scanned from where the last read
   * left off, so a head arriving in many pieces costs its length once.
   */
  private readHead(): RequestHead | undefined {
    const end = this.scanForHeadEnd();
    if (end === 'bare') {
      this.refuse(400, 'Bad request: line breaks must be CRLF');
      return undefined;
    }
    if (end === undefined) {
      if (this.pendingBytes > this.options.maxHeadBytes) this.refuse(431, 'Request header fields too large');
      // Half a head and no more to come: as node:http, say so before closing.
      else if (this.ended) this.refuse(400, ENDED_EARLY);
      else this.requestArriving();
      return undefined;
    }
    if (end > this.options.maxHeadBytes) {
      this.refuse(431, 'Request header fields too large');
      return undefined;
    }
    const buffer = this.takeAll();
    this.putBack(buffer);
    let head: RequestHead | typeof HAND_OFF;
    try {
      head = parseRequestHead(buffer.toString('latin1', 0, end - 4));
    } catch (err) {
      if (err instanceof TooManyFields) this.refuse(431, 'Request header fields too large: too many fields');
      else if (err instanceof BadRequest) this.refuse(400, `Bad request: ${err.message}`);
      else throw err;
      return undefined;
    }
    if (head === HAND_OFF || !this.options.serves(head.method, head.url) || head.contentLength > this.options.maxBodyBytes) {
      this.handOff();
      return undefined;
    }
    this.takeAll();
    this.putBack(buffer.subarray(end));
    return head;
  }

  /**
   * Continues the scan of the pending bytes: the offset just past `CRLF CRLF`, 'bare' for a CR or
   * an LF not part of a CRLF (llhttp refuses both), or undefined (not there yet).
   */
  private scanForHeadEnd(): number | 'bare' | undefined {
    while (this.scanChunk < this.pending.length) {
      const chunk = this.pending[this.scanChunk]!;
      if (this.scanOffset === 0 && this.previousByte === CR && chunk[0] !== LF) return 'bare';
      while (this.scanOffset < chunk.length) {
        const lf = chunk.indexOf(LF, this.scanOffset);
        // A CR anywhere but right before the line's LF (or at the very end, undecided yet) is bare.
        const lineEnd = lf === -1 ? chunk.length : lf;
        const cr = chunk.subarray(this.scanOffset, lineEnd).indexOf(CR);
        if (cr !== -1 && this.scanOffset + cr < lineEnd - 1) return 'bare';
        if (lf === -1) {
          this.previousByte = chunk[chunk.length - 1]!;
          this.scanned += chunk.length - this.scanOffset;
          this.scanOffset = chunk.length;
          break;
        }
        const before = lf > 0 ? chunk[lf - 1]! : this.previousByte;
        const at = this.scanned + (lf - this.scanOffset);
        this.scanned = at + 1;
        this.scanOffset = lf + 1;
        this.previousByte = LF;
        if (before !== CR) return 'bare';
        // CR LF CR LF: this LF ends an empty line right after the previous one.
        if (this.lastLf === at - 2) return at + 1;
        this.lastLf = at;
      }
      this.scanChunk++;
      this.scanOffset = 0;
    }
    return undefined;
  }

  private resetScan(): void {
    this.scanChunk = 0;
    this.scanOffset = 0;
    this.scanned = 0;
    this.lastLf = -1;
    this.previousByte = -1;
  }

  private finished(res: FrontResponse): void {
    if (this.active !== res) return;
    this.active = undefined;
    const body = this.body;
    if (!res.keepAlive || this.closing) {
      this.close();
      return;
    }
    if (body !== undefined && body.remaining > 0) {
      // Answered before its body was read (refused, say): the rest is read and dropped, then
      // the next request starts (bodyDone).
      body.request.discard();
      // The rest of it will never arrive if the client has ended.
      if (this.body === body) {
        if (this.ended) this.close();
        else this.requestArriving();
      }
      return;
    }
    this.body = undefined;
    this.startNext();
  }

  /**
   * Goes on to the next request, once the client has read this answer: a client that pipelines
   * requests and reads none of the answers must not make the gateway hold them all.
   */
  private startNext(): void {
    if (this.closing || this.socket.destroyed) return;
    if (this.socket.writableNeedDrain) {
      this.awaitingDrain = true;
      this.socket.pause();
      this.socket.once('drain', this.onDrain);
      return;
    }
    this.socket.resume();
    if (this.pendingBytes === 0) {
      if (this.ended) this.close();
      else this.arm(this.options.keepAliveTimeout);
      return;
    }
    this.deadline = 0;
    if (!this.nextScheduled) {
      this.nextScheduled = true;
      process.nextTick(() => {
        this.nextScheduled = false;
        this.next();
      });
    }
  }

  private drained(): void {
    this.awaitingDrain = false;
    this.startNext();
  }

  /** The client sent its last bytes: answer the requests it sent (startNext closes after the last), then close. */
  private clientEnded(): void {
    this.ended = true;
    const body = this.body;
    // Body bytes still pending (the handler has not asked for them yet) did arrive.
    if (body !== undefined && body.remaining > (body.wanted || body.discard ? 0 : this.pendingBytes)) {
      body.request.fail(new BodyUnavailable(400, ENDED_EARLY));
      // A body being dropped after its answer will never end.
      if (this.active === undefined) {
        this.close();
        return;
      }
    }
    if (this.closing || this.active !== undefined || this.awaitingDrain || this.nextScheduled) return;
    // Idle: what is pending can only be an incomplete head (a complete one would have started).
    if (this.pendingBytes > 0) this.refuse(400, ENDED_EARLY);
    else this.close();
  }

  private closed(): void {
    if (this.body !== undefined && this.body.remaining > 0) this.body.request.fail(new BodyUnavailable(400, 'Bad request: the connection closed before the whole body arrived'));
    this.releaseAll();
    this.socket.off('drain', this.onDrain);
    this.forget();
  }

  /** Gives back to the shared budget everything this connection holds. */
  private releaseAll(): void {
    this.door.release(this.pendingBytes + (this.body?.reserved ?? 0));
    this.pending = [];
    this.pendingBytes = 0;
    this.resetScan();
    if (this.body !== undefined) {
      this.body.reserved = 0;
      this.body.chunks = [];
    }
  }

  /**
   * Ends the connection after what was written: no further request is read. What the client still
   * sends is read and dropped until it closes (closing on unread bytes would reset the connection
   * and could destroy the answer before the client reads it), for at most LINGER_MS.
   */
  private close(): void {
    this.closing = true;
    this.releaseAll();
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
    this.closing = true;
    this.releaseAll();
    const res = new FrontResponse(this.socket, undefined, () => this.finished(res));
    this.active = res;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
    res.end(message);
  }

  /** Everything pending as one buffer, taken out. */
  private takeAll(): Buffer {
    const buffer = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.door.release(this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.resetScan();
    return buffer;
  }

  private putBack(buffer: Buffer): void {
    if (buffer.length === 0) return;
    this.door.hold(buffer.length);
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

/** A request served by the front door: its head parsed, its body (a statement, at most) read on demand, in full. */
export class FrontRequest implements ClientRequest {
  private body: Buffer | undefined;
  private failure: Error | undefined;
  private waiting: { resolve: (body: Buffer) => void; reject: (err: Error) => void } | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    readonly socket: Socket,
    private readonly connection: { wantBody(req: FrontRequest): void; discardBody(req: FrontRequest): void },
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const body = await this.read();
    if (body.length > 0) yield body;
  }

  /** Discards the body (the request was answered without it). */
  resume(): void {
    this.discard();
  }

  discard(): void {
    this.connection.discardBody(this);
  }

  arrived(body: Buffer): void {
    this.body = body;
    this.waiting?.resolve(body);
    this.waiting = undefined;
  }

  fail(err: Error): void {
    if (this.body !== undefined || this.failure !== undefined) return;
    this.failure = err;
    this.waiting?.reject(err);
    this.waiting = undefined;
  }

  private read(): Promise<Buffer> {
    if (this.body !== undefined) return Promise.resolve(this.body);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const promise = new Promise<Buffer>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.connection.wantBody(this);
    return promise;
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
