/**
 * The front door's protections, each tried as an attacker would, byte by byte (issue 15: work
 * before authentication, buffered bodies, write backpressure, head limits, head scanning).
 * Memory attacks assert a bound on what is held (bytes, requests started), never a time.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import { test } from 'node:test';
import type { FrontRequest, FrontResponse } from '../../src/http1/front-door.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { converse, echo, frontDoorServer, responses } from '../support/front-door-harness.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `value()` has not changed for a while (at most a few seconds). */
async function settled(value: () => number): Promise<number> {
  let last = value();
  for (let quiet = 0, i = 0; quiet < 5 && i < 60; i++) {
    await pause(60);
    const now = value();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

/** A raw connection that keeps what it receives. */
async function open(port: number): Promise<{ socket: Socket; text(): string }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, text: () => text };
}

test('a head over the limit is refused with 431 even when it arrives in one read', async () => {
  const gw = await frontDoorServer();
  try {
    const head = `GET /x HTTP/1.1\r\nHost: gw\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`;
    const { bytes, closed } = await converse(gw.port, [Buffer.from(head)]);
    assert.deepEqual(responses(bytes).map((r) => r.status), [431]);
    assert.equal(closed, true);
    assert.equal(gw.handled, 0);
  } finally {
    await gw.close();
  }
});

test('more than 2000 header fields are refused with 431; a request without Host gets 400', async () => {
  const gw = await frontDoorServer({ maxHeadBytes: 256 * 1024 });
  try {
    let fields = '';
    for (let i = 0; i < 2001; i++) fields += `X-${i}: v\r\n`;
    const many = await converse(gw.port, [Buffer.from(`GET /x HTTP/1.1\r\nHost: gw\r\n${fields}\r\n`)]);
    assert.deepEqual(responses(many.bytes), [{ status: 431, body: 'Request header fields too large: too many fields' }]);

    const noHost = await converse(gw.port, [Buffer.from('GET /x HTTP/1.1\r\nX-Trino-User: a\r\n\r\n')]);
    assert.deepEqual(responses(noHost.bytes), [{ status: 400, body: 'Bad request: missing Host header' }]);
    assert.equal(gw.handled, 0);
  } finally {
    await gw.close();
  }
});

test('header fields are kept in a null-prototype object: `constructor` is a field like any other', async () => {
  const gw = await frontDoorServer({
    handler: async (req, res) => {
      const text = JSON.stringify([req.headers.constructor, Object.getPrototypeOf(req.headers)]);
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    },
  });
  try {
    const { bytes } = await converse(gw.port, [Buffer.from('GET /x HTTP/1.1\r\nHost: gw\r\nConstructor: x\r\n\r\n')]);
    assert.deepEqual(responses(bytes), [{ status: 200, body: '["x",null]' }]);
  } finally {
    await gw.close();
  }
});

test('pipelined requests whose answers are not read are not all started (write backpressure)', async (t) => {
  // 4 MiB answers: more than the loopback socket buffers take in, so unread answers pile up in the gateway.
  const page = Buffer.alloc(4 * 1024 * 1024, 'x');
  const gw = await frontDoorServer({
    handler: async (_req, res) => {
      res.writeHead(200, { 'Content-Length': page.length });
      res.end(page);
    },
  });
  try {
    const client = connect(gw.port, '127.0.0.1');
    await once(client, 'connect');
    client.pause(); // never reads
    const requests = 'GET /page HTTP/1.1\r\nHost: gw\r\n\r\n'.repeat(30);
    client.write(requests);
    const started = await settled(() => gw.handled);
    // The kernel's buffers take a few answers; node:http's own limit would be the same.
    t.diagnostic(`${started} of 30 pipelined requests started while the client read nothing`);
    assert.ok(started <= 6, `${started} of 30 requests started while the client read nothing`);
    client.destroy();
  } finally {
    await gw.close();
  }
});

/** Refuses a request without credentials before reading its body, as the gateway's statement path does. */
async function authenticating(req: FrontRequest | IncomingMessage, res: FrontResponse | ServerResponse): Promise<void> {
  if (req.headers.authorization === undefined) {
    req.resume();
    res.writeHead(401, { 'Content-Length': 12 });
    res.end('Unauthorized');
    return;
  }
  await echo(req, res);
}

test('a request is answered before its body arrives, and a refused body is dropped, not buffered', async (t) => {
  const gw = await frontDoorServer({ handler: authenticating });
  const clients: Array<{ socket: Socket; text(): string }> = [];
  try {
    // 30 unauthenticated connections each withhold the rest of a 200 kB body.
    for (let i = 0; i < 30; i++) {
      const client = await open(gw.port);
      client.socket.write(`POST /v1/statement HTTP/1.1\r\nHost: gw\r\nContent-Length: 200000\r\n\r\n${'s'.repeat(100_000)}`);
      clients.push(client);
    }
    for (let i = 0; i < 100 && clients.some((c) => !c.text().includes('401')); i++) await pause(20);
    assert.equal(clients.filter((c) => /^HTTP\/1\.1 401 /.test(c.text())).length, 30, 'every one refused before its body is complete');
    const held = await settled(() => gw.door!.bufferedBytes);
    t.diagnostic(`${held} bytes held for 30 refused bodies`);
    assert.ok(held < 64 * 1024, `${held} bytes held for 30 refused bodies`);
  } finally {
    for (const c of clients) c.socket.destroy();
    await gw.close();
  }
});

test('bodies being read share one budget: past it, a request is answered 503 and closed', async (t) => {
  const budget = 256 * 1024;
  const gw = await frontDoorServer({ handler: authenticating, maxBufferedBytes: budget });
  const clients: Array<{ socket: Socket; text(): string }> = [];
  try {
    for (let i = 0; i < 8; i++) {
      const client = await open(gw.port);
      client.socket.write(`POST /v1/statement HTTP/1.1\r\nHost: gw\r\nAuthorization: Basic x\r\nContent-Length: 100000\r\n\r\n${'s'.repeat(50_000)}`);
      clients.push(client);
      await settled(() => gw.door!.bufferedBytes);
    }
    t.diagnostic(`${gw.door!.bufferedBytes} bytes held against a budget of ${budget}`);
    assert.ok(gw.door!.bufferedBytes <= budget, `${gw.door!.bufferedBytes} bytes held against a budget of ${budget}`);
    const refused = clients.filter((c) => c.text().startsWith('HTTP/1.1 503 ') && c.text().endsWith('Server busy: too many request bytes are waiting to be read; retry later'));
    assert.equal(refused.length, 6, 'two 100 kB bodies fit in 256 kB, the other six do not');
    // The two that fit complete normally once their bodies arrive.
    const waiting = clients.filter((c) => c.text() === '');
    for (const c of waiting) c.socket.write('s'.repeat(50_000));
    for (let i = 0; i < 100 && waiting.some((c) => !c.text().includes('200 OK')); i++) await pause(20);
    assert.equal(waiting.filter((c) => c.text().startsWith('HTTP/1.1 200 OK')).length, 2);
  } finally {
    for (const c of clients) c.socket.destroy();
    await gw.close();
  }
});

test('a head arriving in many pieces is scanned once, not from its start on every read', async (t) => {
  const gw = await frontDoorServer({ maxHeadBytes: 256 * 1024 });
  // Reads are fed to the connection directly, so each piece is one read.
  const socket = new Socket();
  socket.write = () => true;
  gw.door!.accept(socket);
  const pieces: Buffer[] = [Buffer.from('GET /x HTTP/1.1\r\nHost: gw\r\n')];
  for (let i = 0; i < 1000; i++) pieces.push(Buffer.from(`X-Field-${String(i).padStart(4, '0')}: ${'v'.repeat(80)}\r\n`));
  const size = pieces.reduce((n, p) => n + p.length, 0);
  let work = 0;
  const indexOf = Buffer.prototype.indexOf;
  const concat = Buffer.concat;
  Buffer.prototype.indexOf = function (this: Buffer, value: string | number | Uint8Array, byteOffset?: number, encoding?: BufferEncoding) {
    work += this.length - (typeof byteOffset === 'number' ? byteOffset : 0);
    return indexOf.call(this, value, byteOffset, encoding);
  } as typeof indexOf;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    work += total ?? list.reduce((n, b) => n + b.length, 0);
    return concat(list, total);
  }) as typeof concat;
  try {
    for (const piece of pieces) socket.emit('data', piece);
  } finally {
    Buffer.prototype.indexOf = indexOf;
    Buffer.concat = concat;
    socket.destroy();
    await gw.close();
  }
  t.diagnostic(`${work} bytes scanned or copied for a ${size}-byte head in ${pieces.length} reads`);
  assert.ok(work <= 3 * size, `${work} bytes scanned or copied for a ${size}-byte head in ${pieces.length} reads`);
});

test('pipelined requests sent before the client half-closes are all answered, then the connection closes', async () => {
  const gw = await frontDoorServer({
    handler: async (req, res) => {
      // Answers come later than the client's end of sending.
      await pause(30);
      await echo(req, res);
    },
  });
  try {
    const requests = ['GET /a', 'POST /b', 'GET /c'].map((line) => `${line} HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\n\r\nx`).join('');
    const { bytes, closed } = await converse(gw.port, [Buffer.from(requests)]);
    assert.deepEqual(responses(bytes), [
      { status: 200, body: 'GET /a x' },
      { status: 200, body: 'POST /b x' },
      { status: 200, body: 'GET /c x' },
    ]);
    assert.equal(closed, true);
  } finally {
    await gw.close();
  }
});
