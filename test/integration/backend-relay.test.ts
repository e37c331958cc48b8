/**
 * The relay between a misbehaving party and the backend's connections: a backend answer that is
 * not a complete document must never reach the client as a complete 200, and a client that stops
 * reading must not keep a backend connection. The backend here is a raw socket server, so each
 * test controls the bytes exactly: a real Trino cannot be made to send a truncated document or a
 * close-delimited body.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { startTestGateway } from '../support/services.js';

/** How the fake backend answers a statement: the SQL names the misbehaviour. */
type Answer = (socket: Socket, document: string) => void;

let backend: Server;
let backendUrl: string;
let gateway: RunningGateway;
const answers = new Map<string, Answer>();
/** The backend connection each statement last arrived on. */
const statementSockets = new Map<string, Socket>();

/** A Trino QueryResults document with `rows` rows of map values (each row ends with `}]`). */
function document(rows: number): string {
  const row = '[{"k":"v"}]';
  return (
    `{"id":"20261207_000000_00001_abcde","infoUri":"${backendUrl}/ui/query.html?20261207_000000_00001_abcde",` +
    `"columns":[{"name":"m","type":"map(varchar(1),varchar(1))"}],"data":[${Array(rows).fill(row).join(',')}],` +
    `"stats":{"state":"FINISHED"},"warnings":[]}`
  );
}

/** The document cut after the last `}` that falls inside `data`: it ends with `}` as a whole document does. */
function truncated(doc: string): string {
  return doc.slice(0, doc.lastIndexOf('}]],"stats"') + 1);
}

function head(status: string, fields: string[]): string {
  return `HTTP/1.1 ${status}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

before(async () => {
  backend = createServer((socket) => {
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n\r\n'); end !== -1; end = buffer.indexOf('\r\n\r\n')) {
        const requestHead = buffer.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(requestHead)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.slice(end + 4, end + 4 + length);
        buffer = buffer.slice(end + 4 + length);
        if (requestHead.startsWith('POST /v1/statement ')) {
          const [sql, rows] = body.split(' ');
          statementSockets.set(sql!, socket);
          answers.get(sql!)!(socket, document(Number(rows)));
        } else {
          // Health probes (/v1/info) and load queries (/v1/query?state=...).
          const json = requestHead.startsWith('GET /v1/info') ? '{"starting":false}' : '[]';
          socket.write(head('200 OK', ['Content-Type: application/json', `Content-Length: ${json.length}`]) + json);
        }
      }
    });
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  // Every refused answer counts against the backend's health: it must stay in service for the next test.
  gateway = await startTestGateway({
    backends: [{ name: 'fake', engine: 'trino', url: backendUrl, requestTimeout: '60s', clientStallTimeout: '300ms' }],
    healthCheck: { unhealthyThreshold: 1000 },
  });
});
after(async () => {
  await gateway?.close();
  backend?.close();
});

answers.set('PAGE', (socket, doc) => socket.write(head('200 OK', ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(doc)}`]) + doc));
answers.set('WHOLE', (socket, doc) => socket.write(head('200 OK', ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(doc)}`]) + doc));
// Framed exactly by Content-Length, but the document itself stops inside `data`.
answers.set('FRAMED_TRUNCATED', (socket, doc) => {
  const cut = truncated(doc);
  socket.write(head('200 OK', ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(cut)}`]) + cut);
});
// No Content-Length, no chunked coding: the body runs until the connection closes (Trino never does this).
answers.set('CLOSE_DELIMITED', (socket, doc) => socket.end(head('200 OK', ['Content-Type: application/json', 'Connection: close']) + doc));
answers.set('CLOSE_DELIMITED_CUT', (socket, doc) => socket.end(head('200 OK', ['Content-Type: application/json', 'Connection: close']) + truncated(doc)));

interface Outcome {
  status: number;
  /** False when the response broke off before its framing said it was complete. */
  complete: boolean;
  body: string;
}

function submit(sql: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway.url}/v1/statement`, { method: 'POST', headers: { 'X-Trino-User': 'alice' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const settle = (complete: boolean) => resolve({ status: res.statusCode!, complete, body: Buffer.concat(chunks).toString('utf8') });
      res.on('end', () => settle(res.complete));
      res.on('error', () => settle(false));
      res.on('aborted', () => settle(false));
    });
    req.on('error', reject);
    req.end(sql);
  });
}

/** What a client must see instead of a complete result: a broken-off response or a query error. */
function assertNotRelayedAsComplete(outcome: Outcome, label: string): void {
  if (!outcome.complete) return;
  let json: { error?: { errorName?: string }; data?: unknown };
  try {
    json = JSON.parse(outcome.body) as typeof json;
  } catch {
    assert.fail(`${label}: a truncated document was relayed as a complete ${outcome.status}`);
  }
  assert.equal(json.data, undefined, `${label}: no rows may be relayed`);
  assert.equal(json.error?.errorName, 'BACKEND_UNAVAILABLE', `${label}: ${outcome.body.slice(0, 200)}`);
}

test('a well-formed document passes, held whole or streamed', async () => {
  for (const rows of [10, 20_000]) {
    const outcome = await submit(`WHOLE ${rows}`);
    assert.equal(outcome.status, 200);
    assert.ok(outcome.complete);
    assert.equal((JSON.parse(outcome.body) as { data: unknown[] }).data.length, rows);
  }
});

test('a correctly framed document that stops inside data (its last byte a `}`) is not relayed as complete', async () => {
  // 10 rows: held and sent whole; 20,000 rows (~220 KiB): streamed past the first 64 KiB.
  for (const rows of [10, 20_000]) assertNotRelayedAsComplete(await submit(`FRAMED_TRUNCATED ${rows}`), `${rows} rows`);
});

test('a close-delimited body is refused, whole or cut short', async () => {
  for (const sql of ['CLOSE_DELIMITED', 'CLOSE_DELIMITED_CUT']) {
    for (const rows of [10, 20_000]) {
      const outcome = await submit(`${sql} ${rows}`);
      assert.equal(outcome.status, 200, `${sql} ${rows}`);
      assert.ok(outcome.complete, `${sql} ${rows}: refused at the head, so the client gets a clean error document`);
      assertNotRelayedAsComplete(outcome, `${sql} ${rows}`);
    }
  }
});

test('a client that stops reading a page gives up its backend connection after clientStallTimeout, not requestTimeout', { timeout: 30_000 }, async () => {
  // ~33 MB: more than the sockets between client, gateway and backend can buffer.
  const client = connect(Number(new URL(gateway.url).port), '127.0.0.1');
  client.on('error', () => {});
  const sql = 'PAGE 3000000';
  client.write(`POST /v1/statement HTTP/1.1\r\nHost: gateway\r\nX-Trino-User: mallory\r\nContent-Length: ${sql.length}\r\n\r\n${sql}`);
  // Read the first bytes, then nothing more.
  await once(client, 'data');
  client.pause();
  while (statementSockets.get('PAGE') === undefined) await new Promise((resolve) => setImmediate(resolve));
  const backendSide = statementSockets.get('PAGE')!;
  // Resolves when the gateway lets go of the backend connection; with requestTimeout (60 s) it held on past the test's timeout.
  if (!backendSide.destroyed) await new Promise((resolve) => backendSide.on('close', resolve));
  assert.ok(backendSide.destroyed);
  client.destroy();
});
