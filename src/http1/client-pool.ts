/**
 * Keep-alive HTTP/1.1 connections to one backend origin: the gateway's data path to Trino.
 *
 * Why not undici: a relayed poll is a few hundred bytes each way, and there the general-purpose
 * client's scheduling (request queue, wasm parser, deferred writes) cost more than the loopback
 * hop itself (bench/README.md, "the backend client"). This pool does one thing: it writes a
 * request in one syscall on an idle connection and parses the answer as it arrives
 * (ResponseParser), handing the body on as an async iterable with backpressure.
 *
 * A request that fails on a reused connection before any byte of the answer (the server closed
 * it while idle) is sent again on a new connection when its method is idempotent; a POST is not
 * (it could start a statement twice).
 *
 * A reused connection gets one turn of the event loop's I/O poll before its request is written:
 * bytes that reached it while idle (a late or unsolicited answer) close it there, instead of being
 * read as the answer to the next request.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { HttpProtocolError, ResponseParser, type HeaderValues, type ResponseHead } from './response-parser.js';

export type FailureReason = 'connect timeout' | 'response timeout' | 'connection refused' | 'connection reset' | 'connection failed' | 'invalid response' | 'pool closed';

/** A request header cannot be sent as HTTP/1.1 (a line break, or a character beyond latin1): nothing was sent. */
export class InvalidRequestHeader extends Error {}

/** A request did not get a complete, well-formed answer. */
export class BackendRequestError extends Error {
  constructor(
    readonly reason: FailureReason,
    detail?: string,
  ) {
    super(detail === undefined ? reason : `${reason}: ${detail}`);
  }
}

export interface PoolOptions {
  maxConnections: number;
  connectTimeout: number;
  /** From the request being written to the end of the response head. */
  headersTimeout: number;
  /** Longest silence while a body is being read (not counted while the reader holds back). */
  bodyTimeout: number;
  /** An idle connection is closed after this long. */
  idleTimeout: number;
  /** Bytes a body may hold unread before its connection stops reading (default 1 MiB). */
  bodyHighWater?: number;
  /**
   * Connections one owner (PoolRequest.owner) may hold at once, from request to the end of the
   * body (default: all): one user's unread answers cannot take every connection from the others.
   */
  maxPerOwner?: number;
}

export interface PoolRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  headers: HeaderValues;
  body?: string;
  /** Who the request is for (a user), held to PoolOptions.maxPerOwner; none: the gateway itself. */
  owner?: string;
  /** Overrides of the pool's timeouts for this request (health probes). */
  headersTimeout?: number;
  bodyTimeout?: number;
}

export interface PoolResponse {
  statusCode: number;
  headers: HeaderValues;
  body: ResponseBody;
}

const BODY_HIGH_WATER = 1024 * 1024;
/**
 * Timeouts are deadlines checked this often by one sweep per pool rather than a timer per
 * request (re-arming timers on every poll and chunk cost more than the check): a timeout fires
 * up to this much late.
 */
const SWEEP_MS = 100;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);

export class ClientPool {
  private readonly idle: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private readonly sweeper: NodeJS.Timeout;
  /** Requests waiting for a connection to come free (or for their owner to hold fewer), in order. */
  private readonly waiting: Waiter[] = [];
  /** Connections held per owner, counted from the moment one is taken or being opened for them. */
  private readonly held = new Map<string, number>();
  private open = 0;
  private closed = false;
  private readonly host: string;
  private readonly port: number;
  private readonly tls: boolean;
  private readonly hostHeader: string;

  constructor(
    origin: URL,
    readonly options: PoolOptions,
  ) {
    this.tls = origin.protocol === 'https:';
    this.host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = origin.port === '' ? (this.tls ? 443 : 80) : Number(origin.port);
    this.hostHeader = origin.host;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async request(request: PoolRequest): Promise<PoolResponse> {
    const head = this.requestHead(request);
    for (let attempt = 0; ; attempt++) {
      const connection = await this.acquire(request.owner);
      if (connection.reused) {
        await afterNextPoll();
        // Closed by bytes nobody asked for (or by the server): its slot is freed as it goes.
        if (!connection.usable) {
          this.disown(connection);
          attempt--;
          continue;
        }
      }
      try {
        return await connection.exchange(request, head);
      } catch (err) {
        this.disown(connection);
        const retry = attempt === 0 && connection.reused && err instanceof StaleConnectionError && IDEMPOTENT.has(request.method);
        if (!retry) throw err instanceof StaleConnectionError ? new BackendRequestError('connection reset', err.message) : err;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const connection of this.idle.splice(0)) connection.destroy();
    for (const waiter of this.waiting.splice(0)) waiter.settle(new BackendRequestError('pool closed'));
  }

  private requestHead(request: PoolRequest): string {
    // The origin's host unless the caller names one (a pass-through keeping the client's Host).
    const host = request.headers.host;
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${typeof host === 'string' ? host : this.hostHeader}\r\n`;
    for (const [name, value] of Object.entries(request.headers)) {
      if (name === 'host' || name === 'content-length' || name === 'connection' || name === 'transfer-encoding') continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        // Values come from clients and identities (a user name from a token): written as latin1,
        // a line break, or a character whose low byte is one, would split the request.
        try {
          validateHeaderName(name);
          validateHeaderValue(name, item);
        } catch {
          throw new InvalidRequestHeader(`The ${name} header holds characters that cannot be sent in an HTTP header`);
        }
        head += `${name}: ${item}\r\n`;
      }
    }
    if (request.body !== undefined) head += `content-length: ${Buffer.byteLength(request.body)}\r\n`;
    return head + '\r\n';
  }

  private acquire(owner: string | undefined): Promise<Connection> {
    if (this.closed) return Promise.reject(new BackendRequestError('pool closed'));
    const taken = this.mayTake(owner) ? this.take(owner) : undefined;
    if (taken !== undefined) return taken;
    return new Promise((resolve, reject) =>
      this.waiting.push({ owner, settle: (next) => (next instanceof Error ? reject(next) : resolve(next)), deadline: Date.now() + this.options.headersTimeout }),
    );
  }

  private mayTake(owner: string | undefined): boolean {
    return owner === undefined || (this.held.get(owner) ?? 0) < (this.options.maxPerOwner ?? this.options.maxConnections);
  }

  /** An idle connection or a new one for `owner`, counted against them; undefined when none is free. */
  private take(owner: string | undefined): Promise<Connection> | undefined {
    const idle = this.idle.pop();
    if (idle !== undefined) {
      idle.claim(owner);
      this.hold(owner, 1);
      return Promise.resolve(idle);
    }
    if (this.open >= this.options.maxConnections) return undefined;
    this.hold(owner, 1);
    return this.connect().then(
      (connection) => {
        connection.claim(owner);
        return connection;
      },
      (err: Error) => {
        this.hold(owner, -1);
        throw err;
      },
    );
  }

  private hold(owner: string | undefined, delta: number): void {
    if (owner === undefined) return;
    const count = (this.held.get(owner) ?? 0) + delta;
    if (count === 0) this.held.delete(owner);
    else this.held.set(owner, count);
  }

  /**
   * The connection's exchange is over (or never started): its owner holds one fewer. Waiters are
   * served by the release or forget that follows (a failed exchange always closes its connection).
   */
  private disown(connection: Connection): void {
    const owner = connection.owner;
    connection.owner = undefined;
    this.hold(owner, -1);
  }

  /** Hands free connections to the waiters, in order, skipping those whose owner holds their share. */
  private dispatch(): void {
    for (let i = 0; i < this.waiting.length && !this.closed; ) {
      const waiter = this.waiting[i]!;
      if (!this.mayTake(waiter.owner)) {
        i++;
        continue;
      }
      const taken = this.take(waiter.owner);
      if (taken === undefined) return;
      this.waiting.splice(i, 1);
      taken.then(waiter.settle, waiter.settle);
    }
  }

  private connect(): Promise<Connection> {
    this.open++;
    return new Promise((resolve, reject) => {
      const socket: Socket = this.tls
        ? connectTls({ host: this.host, port: this.port, ALPNProtocols: ['http/1.1'], ...(isIP(this.host) === 0 ? { servername: this.host } : {}) })
        : connectTcp({ host: this.host, port: this.port });
      const timer = setTimeout(() => fail(new BackendRequestError('connect timeout')), this.options.connectTimeout);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        this.open--;
        reject(err instanceof BackendRequestError ? err : new BackendRequestError(connectFailure(err)));
        this.dispatch();
      };
      socket.once('error', fail);
      socket.once(this.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.setNoDelay(true);
        const connection = new Connection(socket, this);
        this.connections.add(connection);
        resolve(connection);
      });
    });
  }

  /** Called by a connection when its exchange is over. */
  release(connection: Connection, reusable: boolean): void {
    if (!reusable || this.closed) {
      this.disown(connection);
      connection.destroy();
      return;
    }
    connection.idleFor(this.options.idleTimeout);
    this.idle.push(connection);
    this.disown(connection);
    this.dispatch();
  }

  /** Called once per connection when its socket is gone. */
  forget(connection: Connection): void {
    this.connections.delete(connection);
    const index = this.idle.indexOf(connection);
    if (index !== -1) this.idle.splice(index, 1);
    this.open--;
    this.disown(connection);
    // A slot is free: a waiter may open a new connection.
    this.dispatch();
  }

  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) connection.checkDeadline(now);
    // Every connection is busy (clients reading slowly hold theirs): waiting has a limit too.
    for (let i = 0; i < this.waiting.length; ) {
      if (this.waiting[i]!.deadline > now) i++;
      else this.waiting.splice(i, 1)[0]!.settle(new BackendRequestError('response timeout', 'no connection to the backend came free'));
    }
  }

}

interface Waiter {
  owner: string | undefined;
  settle: (connection: Connection | Error) => void;
  deadline: number;
}

/**
 * Resolves after the event loop's next I/O poll has read what is waiting on the sockets: an
 * immediate queued during the poll phase runs in that same iteration, so the second one runs
 * after the following poll.
 */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The connection was closed before any byte of the answer arrived. */
class StaleConnectionError extends Error {}

class Connection {
  /** True once this connection has served an exchange (a failure on it may be a stale close). */
  reused = false;
  /** Whether the response being read leaves the connection open for the next exchange. */
  private keepAlive = false;
  private parser: ResponseParser | undefined;
  private body: ResponseBody | undefined;
  /** When the connection gives up (ms since the epoch; 0: no deadline), and how. */
  private deadline = 0;
  private deadlineAction: 'fail' | 'close' = 'close';
  private gone = false;
  private onResponse: ((response: PoolResponse) => void) | undefined;
  private onFailure: ((err: Error) => void) | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly pool: ClientPool,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.ended());
    socket.on('error', (err: Error) => this.broken(err));
    socket.on('close', () => this.broken(new Error('connection closed')));
  }

  /** Who the exchange on this connection is for (the pool counts it against them until disowned). */
  owner: string | undefined;

  claim(owner: string | undefined): void {
    this.deadline = 0;
    this.owner = owner;
  }

  get usable(): boolean {
    return !this.gone && !this.socket.destroyed;
  }

  idleFor(ms: number): void {
    this.deadline = Date.now() + ms;
    this.deadlineAction = 'close';
  }

  checkDeadline(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    this.deadline = 0;
    if (this.deadlineAction === 'close') this.destroy();
    else this.fail(new BackendRequestError('response timeout'));
  }

  destroy(): void {
    this.socket.destroy();
  }

  exchange(request: PoolRequest, head: string): Promise<PoolResponse> {
    const options = this.pool.options;
    return new Promise((resolve, reject) => {
      if (this.gone) {
        reject(new StaleConnectionError('connection closed while idle'));
        return;
      }
      this.onResponse = resolve;
      this.onFailure = reject;
      const headersTimeout = request.headersTimeout ?? options.headersTimeout;
      const bodyTimeout = request.bodyTimeout ?? options.bodyTimeout;
      this.parser = new ResponseParser(request.method, {
        head: (response: ResponseHead) => {
          this.body = new ResponseBody(this, bodyTimeout, options.bodyHighWater ?? BODY_HIGH_WATER);
          this.keepAlive = response.keepAlive;
          this.onResponse?.({ statusCode: response.statusCode, headers: response.headers, body: this.body });
          this.onResponse = undefined;
          this.onFailure = undefined;
        },
        body: (chunk) => this.body!.push(chunk),
        complete: () => this.completed(),
      });
      this.deadline = Date.now() + headersTimeout;
      this.deadlineAction = 'fail';
      // Header values are byte strings (latin1, as node:http reads them); the body is text.
      this.socket.cork();
      this.socket.write(head, 'latin1');
      if (request.body !== undefined) this.socket.write(request.body, 'utf8');
      this.socket.uncork();
    });
  }

  /** The body reader holds back or asks for more: stop or resume reading the socket. */
  setReading(reading: boolean): void {
    if (reading) this.socket.resume();
    else this.socket.pause();
  }

  private received(chunk: Buffer): void {
    const parser = this.parser;
    if (parser === undefined) {
      // Bytes nobody asked for: the connection is out of step and cannot be reused.
      this.destroy();
      return;
    }
    try {
      parser.push(chunk);
    } catch (err) {
      this.fail(new BackendRequestError('invalid response', (err as Error).message));
    }
  }

  private completed(): void {
    this.deadline = 0;
    const body = this.body!;
    this.parser = undefined;
    this.body = undefined;
    this.reused = true;
    body.end();
    // The body may have paused reading at its high-water mark; the next exchange needs it on.
    this.socket.resume();
    this.pool.release(this, this.keepAlive);
  }

  private ended(): void {
    const parser = this.parser;
    if (parser === undefined) {
      this.destroy();
      return;
    }
    try {
      parser.closed();
    } catch (err) {
      this.fail(parser.started ? new BackendRequestError('connection reset', (err as Error).message) : new StaleConnectionError((err as Error).message));
    }
  }

  private broken(err: Error): void {
    if (this.gone) return;
    if (this.parser !== undefined) {
      const started = this.parser.started;
      this.fail(started || !this.reused ? new BackendRequestError(connectFailure(err), err.message) : new StaleConnectionError(err.message));
    }
    this.gone = true;
    this.deadline = 0;
    this.socket.destroy();
    this.pool.forget(this);
  }

  /** Ends the exchange in progress with an error; the connection is not reused. */
  fail(err: Error): void {
    this.parser = undefined;
    this.deadline = 0;
    const reject = this.onFailure;
    this.onResponse = undefined;
    this.onFailure = undefined;
    if (reject !== undefined) reject(err);
    else this.body?.fail(err);
    this.body = undefined;
    this.socket.destroy();
  }

  /** Restarts (or stops, with 0) the silence deadline of a body being read. */
  watchBody(timeoutMs: number): void {
    this.deadline = timeoutMs > 0 ? Date.now() + timeoutMs : 0;
    this.deadlineAction = 'fail';
  }
}

/**
 * A response body as it arrives. Iterate it (or call text/json/dump) exactly once; leaving the
 * loop early closes the connection, since the rest of the body would still be on its way.
 */
export class ResponseBody implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private finished = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
    private readonly highWater: number,
  ) {
    connection.watchBody(timeoutMs);
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered >= this.highWater) {
      this.connection.setReading(false);
      this.connection.watchBody(0);
    } else this.connection.watchBody(this.timeoutMs);
    this.notify();
  }

  end(): void {
    this.finished = true;
    this.notify();
  }

  fail(err: Error): void {
    this.error = err;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    let complete = false;
    try {
      for (;;) {
        if (this.chunks.length > 0) {
          const chunk = this.chunks.shift()!;
          this.buffered -= chunk.length;
          if (this.buffered < this.highWater && !this.finished && this.error === undefined) {
            this.connection.setReading(true);
            this.connection.watchBody(this.timeoutMs);
          }
          yield chunk;
          continue;
        }
        if (this.error !== undefined) throw this.error;
        if (this.finished) {
          complete = true;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!complete && !this.finished) this.connection.fail(new BackendRequestError('connection reset', 'body abandoned'));
    }
  }

  /**
   * The whole body when it has already arrived in full (a small answer usually comes in the same
   * read as its head), without the cost of iterating; undefined otherwise. Either this or the
   * iterator reads the body.
   */
  takeWhole(): Buffer | undefined {
    if (!this.finished || this.error !== undefined) return undefined;
    const whole = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks.length = 0;
    this.buffered = 0;
    return whole;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new BackendRequestError('invalid response', `body is not JSON: ${(err as Error).message}`);
    }
  }

  async dump(): Promise<void> {
    for await (const _ of this) {
      // read to the end so the connection can be reused
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function connectFailure(err: Error): FailureReason {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (err instanceof HttpProtocolError) return 'invalid response';
  return 'connection failed';
}
