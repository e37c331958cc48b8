import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { FrontDoor, type FrontRequest, type FrontResponse } from '../../src/http1/front-door.js';

interface Harness {
  port: number;
  close(): Promise<void>;
}

/**
 * A front door serving /fast/* itself (answering with what it read) in front of a node:http
 * server that answers everything else, wired as GatewayServer wires them.
 */
async function harness(options: { keepAliveTimeout?: number; chunked?: boolean } = {}): Promise<Harness> {
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => res.end(`node ${req.method} ${req.url} ${body}`));
  });
  const [nodeConnection] = server.listeners('connection') as Array<(socket: Socket) => void>;
  const frontDoor = new FrontDoor({
    serves: (_method, url) => url.startsWith('/fast/'),
    handle: (req: FrontRequest, res: FrontResponse) => {
      void (async () => {
        let body = '';
        for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
        const text = `front ${req.method} ${req.url} ${req.headers['x-trino-user'] ?? ''} ${body}`;
        if (req.url.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 100));
        if (req.url.includes('inject')) {
          // A value whose characters' low bytes are CR LF once written as latin1 must not go out.
          try {
            res.writeHead(200, { 'X-Trino-Set-Authorization-User': 'bob\u010d\u010aSet-Cookie: a=b' });
          } catch (err) {
            const message = `refused: ${(err as { code?: string }).code}`;
            res.writeHead(500, { 'Content-Length': message.length });
            res.end(message);
          }
          return;
        }
        if (options.chunked) {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write(Buffer.from(text.slice(0, 5)));
          res.end(text.slice(5));
        } else {
          // A writer may ask for the connection to be closed after its answer.
          const close = req.url.includes('close-me') ? { Connection: 'close' } : {};
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), ...close });
          res.end(text);
        }
      })();
    },
    handOff: (socket) => nodeConnection!.call(server, socket),
    maxHeadBytes: 16 * 1024,
    maxBodyBytes: 64,
    maxBufferedBytes: 1024 * 1024,
    requestTimeout: 2000,
    keepAliveTimeout: options.keepAliveTimeout ?? 5000,
  });
  server.off('connection', nodeConnection!);
  server.on('connection', (socket: Socket) => frontDoor.accept(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      frontDoor.closeAll();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Writes `requests` in one go and collects what comes back until the server closes or `until` holds. */
async function exchange(port: number, requests: string, until: (text: string) => boolean = () => false, waitMs = 1000): Promise<{ text: string; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.write(requests);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.on('data', () => {
      if (until(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return { text, closed };
}

/** A raw client connection and everything it has received so far. */
function openClient(port: number): { socket: Socket; text(): string } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return { socket, text: () => text };
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: gw\r\nX-Trino-User: alice\r\n${extra}\r\n`;
const post = (path: string, body: string) => `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const bodies = (text: string) => [...text.matchAll(/\r\n\r\n((?:front|node) [^\r]*?)(?=HTTP\/1\.1|$)/g)].map((m) => m[1]);

test('pipelined requests are answered in order, whichever side serves them', async () => {
  const gw = await harness();
  try {
    // Fast, fast, then one for node:http (the connection is handed off) and one more after it.
    const requests = get('/fast/1') + post('/fast/2', 'SELECT 1') + post('/admin', 'x=1') + get('/fast/3');
    const { text } = await exchange(gw.port, requests, (t) => t.includes('node GET /fast/3'));
    assert.deepEqual(bodies(text), ['front GET /fast/1 alice ', 'front POST /fast/2  SELECT 1', 'node POST /admin x=1', 'node GET /fast/3 ']);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: 24\r\nDate: .+ GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n/);
  } finally {
    await gw.close();
  }
});

test('a request split across many writes is assembled; its body may arrive later than its head', async () => {
  const gw = await harness();
  try {
    const client = openClient(gw.port);
    const socket = client.socket;
    const request = post('/fast/split', 'SELECT 42');
    for (const ch of request) {
      socket.write(ch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 100 && !client.text().includes('SELECT 42'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    assert.deepEqual(bodies(client.text()), ['front POST /fast/split  SELECT 42']);
  } finally {
    await gw.close();
  }
});

test('without a Content-Length the answer is chunked and reads back whole', async () => {
  const gw = await harness({ chunked: true });
  try {
    const response = await fetch(`http://127.0.0.1:${gw.port}/fast/chunked`, { headers: { 'X-Trino-User': 'bob' } });
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(await response.text(), 'front GET /fast/chunked bob ');
  } finally {
    await gw.close();
  }
});

test('bad input: malformed heads get 400 and the connection closes; oversized heads 431; large bodies and chunked uploads go to node:http', async () => {
  const gw = await harness();
  try {
    const malformed = await exchange(gw.port, 'GET /fast/x HTTP/1.1\r\nHost: gw\r\nX-Trino-User: a\x01b\r\n\r\n');
    assert.match(malformed.text, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Connection: close\r\n\r\nBad request: invalid characters in header x-trino-user$/);
    assert.equal(malformed.closed, true);

    const huge = await exchange(gw.port, `GET /fast/x HTTP/1.1\r\nX-Big: ${'a'.repeat(20 * 1024)}`);
    assert.match(huge.text, /^HTTP\/1\.1 431 /);
    assert.equal(huge.closed, true);

    const large = await exchange(gw.port, post('/fast/large', 'x'.repeat(100)), (t) => t.includes('node POST'));
    assert.deepEqual(bodies(large.text), [`node POST /fast/large ${'x'.repeat(100)}`]);

    const chunkedUpload = `POST /fast/up HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
    assert.deepEqual(bodies((await exchange(gw.port, chunkedUpload, (t) => t.includes('node POST'))).text), ['node POST /fast/up hello']);
  } finally {
    await gw.close();
  }
});

test('Connection: close is honoured, and an idle connection is closed after the keep-alive timeout', async () => {
  const gw = await harness({ keepAliveTimeout: 100 });
  try {
    const closing = await exchange(gw.port, get('/fast/bye', 'Connection: close\r\n'));
    assert.match(closing.text, /Connection: close\r\n\r\nfront GET \/fast\/bye/);
    assert.equal(closing.closed, true);

    const asked = await exchange(gw.port, get('/fast/close-me') + get('/fast/never'));
    assert.equal(asked.text.match(/Connection:/g)?.length, 1, 'one Connection header');
    assert.match(asked.text, /Connection: close\r\n\r\nfront GET \/fast\/close-me alice $/);
    assert.equal(asked.closed, true, 'closed after the answer, the pipelined request unanswered');

    const idle = await exchange(gw.port, get('/fast/hello'), () => false, 2000);
    assert.deepEqual(bodies(idle.text), ['front GET /fast/hello alice ']);
    assert.equal(idle.closed, true, 'closed by the idle timeout well before the 2 s wait');
  } finally {
    await gw.close();
  }
});

test('pipelined requests keep their order when reading pauses behind a slow answer', async () => {
  const gw = await harness();
  try {
    const client = openClient(gw.port);
    const socket = client.socket;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Each waiting request is over 8 kB: with B, C and D waiting behind A the 16 kB limit is
    // passed and reading pauses; E arrives while it is paused. B is slow and C is not, so
    // answers would overtake each other if two requests ever ran at once.
    const pad = `X-Pad: ${'p'.repeat(8 * 1024)}\r\n`;
    socket.write(get('/fast/slow-A'));
    await pause(20);
    socket.write(get('/fast/slow-B', pad) + get('/fast/C', pad) + get('/fast/D', pad));
    await pause(20);
    socket.write(get('/fast/E'));
    for (let i = 0; i < 300 && !client.text().includes('/fast/E'); i++) await pause(10);
    socket.destroy();
    assert.deepEqual(bodies(client.text()), ['front GET /fast/slow-A alice ', 'front GET /fast/slow-B alice ', 'front GET /fast/C alice ', 'front GET /fast/D alice ', 'front GET /fast/E alice ']);
  } finally {
    await gw.close();
  }
});

test('a header value that would become a line break in latin1 is refused before anything is written', async () => {
  const gw = await harness();
  try {
    const { text } = await exchange(gw.port, get('/fast/inject'), (t) => t.includes('refused'));
    assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
    assert.match(text, /refused: ERR_INVALID_CHAR$/);
    assert.doesNotMatch(text, /Set-Cookie/);
  } finally {
    await gw.close();
  }
});
