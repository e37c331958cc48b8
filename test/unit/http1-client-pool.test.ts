import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { BackendRequestError, ClientPool, InvalidRequestHeader, type PoolOptions } from '../../src/http1/client-pool.js';

const OPTIONS: PoolOptions = { maxConnections: 4, connectTimeout: 1000, headersTimeout: 2000, bodyTimeout: 2000, idleTimeout: 5000 };

/**
 * A raw HTTP/1.1 server scripted per request: `answer` gets the connection's request number
 * (1-based) and the request head, and writes whatever it likes to the socket.
 */
async function scriptedServer(answer: (socket: Socket, index: number, head: string) => void): Promise<{ server: Server; url: URL; connections: () => number; closed: () => number }> {
  let connections = 0;
  let closed = 0;
  const server = createServer((socket) => {
    connections++;
    let index = 0;
    let buffer = '';
    socket.on('close', () => closed++);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n\r\n'); end !== -1; end = buffer.indexOf('\r\n\r\n')) {
        const head = buffer.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.slice(end + 4 + length);
        answer(socket, ++index, head);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: new URL(`http://127.0.0.1:${port}`), connections: () => connections, closed: () => closed };
}

function ok(socket: Socket, body: string, extra = ''): void {
  socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
}

test('keep-alive: sequential requests share one connection; headers and body arrive intact', async () => {
  const heads: string[] = [];
  const backend = await scriptedServer((socket, _index, head) => {
    heads.push(head);
    ok(socket, '{"state":"RUNNING"}', 'X-Trino-Set-Schema: tiny\r\n');
  });
  const pool = new ClientPool(backend.url, OPTIONS);
  try {
    for (let i = 0; i < 3; i++) {
      const response = await pool.request({ method: 'GET', path: '/v1/statement/x/1', headers: { 'x-trino-user': 'alice', 'x-trino-session': ['a=1', 'b=2'] } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-trino-set-schema'], 'tiny');
      assert.deepEqual(await response.body.json(), { state: 'RUNNING' });
    }
    assert.equal(backend.connections(), 1);
    assert.match(heads[0]!, /^GET \/v1\/statement\/x\/1 HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nx-trino-user: alice\r\nx-trino-session: a=1\r\nx-trino-session: b=2$/);
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('a connection the server dropped while idle: GET is sent again on a new one, POST is not (no statement runs twice)', async () => {
  // The second request on any connection finds it closed, as when a server's idle timeout fires.
  const backend = await scriptedServer((socket, index) => (index === 1 ? ok(socket, 'first') : socket.destroy()));
  const pool = new ClientPool(backend.url, OPTIONS);
  try {
    assert.equal(await (await pool.request({ method: 'GET', path: '/a', headers: {} })).body.text(), 'first');
    assert.equal(await (await pool.request({ method: 'GET', path: '/b', headers: {} })).body.text(), 'first');
    assert.equal(backend.connections(), 2);
    await assert.rejects(pool.request({ method: 'POST', path: '/v1/statement', headers: {}, body: 'SELECT 1' }), (err: Error) => err instanceof BackendRequestError && err.reason === 'connection reset');
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('failures carry a reason: refused, response timeout, invalid response, header injection', async () => {
  const closedPort = await scriptedServer(() => {});
  closedPort.server.close();
  await once(closedPort.server, 'close');
  const refused = new ClientPool(closedPort.url, OPTIONS);
  await assert.rejects(refused.request({ method: 'GET', path: '/', headers: {} }), (err: Error) => err instanceof BackendRequestError && err.reason === 'connection refused');

  const silent = await scriptedServer(() => {});
  const invalid = await scriptedServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'));
  const slow = new ClientPool(silent.url, { ...OPTIONS, headersTimeout: 100 });
  const broken = new ClientPool(invalid.url, OPTIONS);
  try {
    await assert.rejects(slow.request({ method: 'GET', path: '/', headers: {} }), (err: Error) => err instanceof BackendRequestError && err.reason === 'response timeout');
    await assert.rejects(broken.request({ method: 'GET', path: '/', headers: {} }), (err: Error) => err instanceof BackendRequestError && err.reason === 'invalid response');
    for (const user of ['a\r\nX-Injected: 1', 'a\u010d\u010aX-Injected: 1']) {
      await assert.rejects(broken.request({ method: 'GET', path: '/', headers: { 'x-trino-user': user } }), (err: Error) => err instanceof InvalidRequestHeader, JSON.stringify(user));
    }
    // The refused response's connection was closed, not put back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(invalid.closed(), invalid.connections());
  } finally {
    await slow.close();
    await broken.close();
    silent.server.close();
    invalid.server.close();
  }
});

test('a large chunked body streams through intact; leaving it half-read closes its connection', async () => {
  const piece = Buffer.alloc(256 * 1024, 'x');
  const backend = await scriptedServer((socket, _index, head) => {
    if (head.startsWith('GET /small')) {
      ok(socket, 'small');
      return;
    }
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < 20; i++) socket.write(`${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`);
    socket.write('0\r\n\r\n');
  });
  const pool = new ClientPool(backend.url, OPTIONS);
  try {
    let bytes = 0;
    for await (const chunk of (await pool.request({ method: 'GET', path: '/large', headers: {} })).body) bytes += chunk.length;
    assert.equal(bytes, 20 * piece.length);

    const partial = await pool.request({ method: 'GET', path: '/large', headers: {} });
    for await (const _ of partial.body) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(backend.closed(), 1, 'the half-read connection is closed');
    assert.equal(await (await pool.request({ method: 'GET', path: '/small', headers: {} })).body.text(), 'small');
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('at most maxConnections are opened; further requests wait for one to come free', async () => {
  const backend = await scriptedServer((socket) => setTimeout(() => ok(socket, 'done'), 20));
  const pool = new ClientPool(backend.url, { ...OPTIONS, maxConnections: 1 });
  try {
    const texts = await Promise.all([1, 2].map(async (i) => (await pool.request({ method: 'GET', path: `/${i}`, headers: {} })).body.text()));
    assert.deepEqual(texts, ['done', 'done']);
    assert.equal(backend.connections(), 1);
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('a body that filled its buffer as it completed leaves the connection reading for the next request', async () => {
  // With a 10-byte high-water mark a 40-byte body pauses reading in the same read that ends it.
  const backend = await scriptedServer((socket) => ok(socket, 'x'.repeat(40)));
  const pool = new ClientPool(backend.url, { ...OPTIONS, headersTimeout: 1000, bodyHighWater: 10 });
  try {
    const first = await pool.request({ method: 'GET', path: '/1', headers: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await pool.request({ method: 'GET', path: '/2', headers: {} });
    assert.equal(await second.body.text(), 'x'.repeat(40));
    assert.equal(await first.body.text(), 'x'.repeat(40));
    assert.equal(backend.connections(), 1);
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('a request waiting for a free connection gives up after the headers timeout', async () => {
  // The only connection is held by an answer whose body never ends (a reader that stalls).
  const backend = await scriptedServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nstarted'));
  const pool = new ClientPool(backend.url, { ...OPTIONS, maxConnections: 1, headersTimeout: 300, bodyTimeout: 10_000 });
  try {
    const holding = await pool.request({ method: 'GET', path: '/held', headers: {} });
    const started = Date.now();
    await assert.rejects(pool.request({ method: 'GET', path: '/waiting', headers: {} }), (err: Error) => err instanceof BackendRequestError && err.reason === 'response timeout');
    assert.ok(Date.now() - started < 2000, 'within the timeout and one sweep');
    // Leaving the held body closes its connection.
    for await (const _ of holding.body) break;
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('bytes that arrive on an idle connection close it: a late, unsolicited answer never reaches the next request', async () => {
  // The socket that answered /1, the request after which the backend misbehaves.
  let first: Socket | undefined;
  const backend = await scriptedServer((socket, _index, head) => {
    const path = head.split(' ')[1];
    if (path === '/1') first = socket;
    ok(socket, path === '/1' ? 'first' : `answer to ${path}`);
  });
  const pool = new ClientPool(backend.url, OPTIONS);
  try {
    assert.equal(await (await pool.request({ method: 'GET', path: '/1', headers: {} })).body.text(), 'first');
    // The connection is idle. The backend sends an answer nobody asked for, and it reaches this
    // host's socket buffer before the event loop has had a turn to read it (a busy loop: bcrypt,
    // a large page) while the next request is already being sent on the idle connection.
    first!.setNoDelay(true).write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nnot yours!');
    const texts = await Promise.all(['/2', '/3'].map(async (path) => (await pool.request({ method: 'GET', path, headers: {} })).body.text()));
    assert.deepEqual(texts, ['answer to /2', 'answer to /3']);
    for (const method of ['GET', 'POST'] as const) {
      assert.equal(await (await pool.request({ method: 'GET', path: '/1', headers: {} })).body.text(), 'first');
      first!.setNoDelay(true).write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nnot yours!');
      const response = await pool.request(method === 'GET' ? { method, path: '/4', headers: {} } : { method, path: '/4', headers: {}, body: 'SELECT 1' });
      assert.equal(await response.body.text(), 'answer to /4', method);
    }
  } finally {
    await pool.close();
    backend.server.close();
  }
});

test('one owner holds at most maxPerOwner connections: answers it never reads cannot starve the other owners', async () => {
  const PAGE = 4 * 1024 * 1024;
  const backend = await scriptedServer((socket, _index, head) => {
    if (/x-user: mallory/.test(head)) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${PAGE}\r\n\r\n${'x'.repeat(PAGE)}`);
    else ok(socket, 'for alice');
  });
  const pool = new ClientPool(backend.url, { ...OPTIONS, maxConnections: 8, maxPerOwner: 2, headersTimeout: 1500, bodyHighWater: 64 * 1024 });
  try {
    // Mallory asks for as many pages as the pool has connections and reads none of them.
    let answered = 0;
    let twoAnswered!: () => void;
    const two = new Promise<void>((resolve) => (twoAnswered = resolve));
    const mallory = Array.from({ length: 8 }, () =>
      pool.request({ method: 'GET', path: '/page', headers: { 'x-user': 'mallory' }, owner: 'mallory' }).then((response) => {
        if (++answered === 2) twoAnswered();
        return response;
      }),
    );
    await two;
    const alice = await pool.request({ method: 'GET', path: '/poll', headers: { 'x-user': 'alice' }, owner: 'alice' });
    assert.equal(await alice.body.text(), 'for alice');
    assert.equal(answered, 2, 'mallory holds her share, no more');
    // Her waiting requests proceed as she reads (or give up at the headers timeout), never beyond her share.
    const settled = await Promise.allSettled(mallory);
    const held = settled.filter((r) => r.status === 'fulfilled');
    assert.equal(held.length, 2);
    assert.ok(settled.every((r) => r.status === 'fulfilled' || (r.reason instanceof BackendRequestError && r.reason.reason === 'response timeout')));
    for (const r of held) for await (const _ of (r as PromiseFulfilledResult<Awaited<(typeof mallory)[number]>>).value.body) break;
  } finally {
    await pool.close();
    backend.server.close();
  }
});
