/**
 * A front door in front of a node:http server, wired as GatewayServer wires them, with a handler
 * of the test's choosing; and a plain node:http server with the same handler, as the reference.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { BodyUnavailable, FrontDoor, type FrontDoorOptions, type FrontRequest, type FrontResponse } from '../../src/http1/front-door.js';

export interface Served {
  port: number;
  door?: FrontDoor;
  /** Requests that reached the handler. */
  handled: number;
  /** Method and target of each, in order. */
  log: string[];
  close(): Promise<void>;
}

/** Echoes what it was asked: method, target, body (as the front door and node:http both hand them over). */
export async function echo(req: FrontRequest | IncomingMessage, res: FrontResponse | ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    // The body cannot be had (cut short, or no room for it): answered as the gateway answers it.
    if (!(err instanceof BodyUnavailable)) throw err;
    res.writeHead(err.status, { 'Content-Length': Buffer.byteLength(err.message), Connection: 'close' });
    res.end(err.message);
    return;
  }
  const text = `${req.method} ${req.url} ${Buffer.concat(chunks).toString('latin1')}`;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text, 'latin1') });
  res.end(Buffer.from(text, 'latin1'));
}

type Handler = (req: FrontRequest | IncomingMessage, res: FrontResponse | ServerResponse) => Promise<void>;

const SERVER_OPTIONS = { maxHeaderSize: 16 * 1024, requestTimeout: 5_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 };

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** The front door serving `serves` requests itself, node:http the rest; both call `handler`. */
export async function frontDoorServer(options: { handler?: Handler; serves?: FrontDoorOptions['serves'] } & Partial<FrontDoorOptions> = {}): Promise<Served> {
  const handler = options.handler ?? echo;
  const served: Served = { port: 0, handled: 0, log: [], close: async () => {} };
  const server = createHttpServer(SERVER_OPTIONS, (req, res) => {
    served.handled++;
    served.log.push(`${req.method} ${req.url}`);
    handler(req, res).catch(() => res.destroy());
  });
  const [nodeConnection] = server.listeners('connection') as Array<(socket: Socket) => void>;
  const door = new FrontDoor({
    serves: options.serves ?? ((method) => method === 'GET' || method === 'POST' || method === 'DELETE'),
    handle: (req, res) => {
      served.handled++;
      served.log.push(`${req.method} ${req.url}`);
      handler(req, res).catch(() => res.destroy());
    },
    handOff: (socket) => nodeConnection!.call(server, socket),
    maxHeadBytes: options.maxHeadBytes ?? SERVER_OPTIONS.maxHeaderSize,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
    requestTimeout: SERVER_OPTIONS.requestTimeout,
    keepAliveTimeout: SERVER_OPTIONS.keepAliveTimeout,
  });
  server.off('connection', nodeConnection!);
  server.on('connection', (socket: Socket) => door.accept(socket));
  served.port = await listen(server);
  served.door = door;
  served.close = async () => {
    door.closeAll();
    server.closeAllConnections();
    server.close();
  };
  return served;
}

/** node:http alone (llhttp parsing everything), with the same handler and limits. */
export async function nodeServer(handler: Handler = echo): Promise<Served> {
  const served: Served = { port: 0, handled: 0, log: [], close: async () => {} };
  const server = createHttpServer(SERVER_OPTIONS, (req, res) => {
    served.handled++;
    served.log.push(`${req.method} ${req.url}`);
    handler(req, res).catch(() => res.destroy());
  });
  served.port = await listen(server);
  served.close = async () => {
    server.closeAllConnections();
    server.close();
  };
  return served;
}

/**
 * Sends `pieces` (each its own write, a pause between them), ends the sending side, and collects
 * everything until the server closes (or `waitMs` passes).
 */
export async function converse(port: number, pieces: Buffer[], waitMs = 3000): Promise<{ bytes: Buffer; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  await once(socket, 'connect');
  let closed = false;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
  });
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 2));
    if (!socket.destroyed) socket.write(pieces[i]!);
  }
  if (!socket.destroyed) socket.end();
  await done;
  socket.destroy();
  return { bytes: Buffer.concat(received), closed };
}

/** A response stream cut into (status, body) pairs (Content-Length or chunked bodies). */
export function responses(bytes: Buffer): Array<{ status: number; body: string }> {
  const out: Array<{ status: number; body: string }> = [];
  const text = bytes.toString('latin1');
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const head = text.slice(at, end);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? NaN);
    at = end + 4;
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      let body = '';
      for (;;) {
        const lineEnd = text.indexOf('\r\n', at);
        if (lineEnd === -1) return out;
        const size = parseInt(text.slice(at, lineEnd), 16);
        body += text.slice(lineEnd + 2, lineEnd + 2 + size);
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      out.push({ status, body });
      continue;
    }
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const bodyLength = length ? Number(length[1]) : 0;
    out.push({ status, body: text.slice(at, at + bodyLength) });
    at += bodyLength;
  }
  return out;
}
