import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequest, HAND_OFF, parseRequestHead } from '../../src/http1/request-head.js';
import { HttpProtocolError, ResponseParser, type ResponseHead } from '../../src/http1/response-parser.js';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  completed: number;
}

/** Feeds `chunks` to a fresh parser; `close` signals the connection closing at the end. */
function parse(chunks: string[], method = 'GET', close = false): Parsed {
  const parsed: Parsed = { heads: [], body: '', completed: 0 };
  const parser = new ResponseParser(method, {
    head: (head) => parsed.heads.push(head),
    body: (chunk) => (parsed.body += chunk.toString('latin1')),
    complete: () => parsed.completed++,
  });
  for (const chunk of chunks) parser.push(Buffer.from(chunk, 'latin1'));
  if (close) parser.closed();
  return parsed;
}

/** Every cut of `text` into two or three pieces. */
function splits(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    for (let j = i + 1; j < text.length; j += 7) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

test('responses are framed the same whatever the chunking: Content-Length, chunked with extensions and trailers', () => {
  const byLength = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\nX-Trino-Set-Catalog: tpch\r\n\r\n{"a":"\xe9b"}';
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a"\r\n6\r\n:"\xe9b"}\r\n0\r\nTrailer: x\r\n\r\n';
  for (const [text, body] of [
    [byLength, '{"a":"\xe9b"}'],
    [chunked, '{"a":"\xe9b"}'],
  ] as const) {
    for (const pieces of splits(text)) {
      const parsed = parse(pieces);
      assert.equal(parsed.body, body, JSON.stringify(pieces));
      assert.equal(parsed.completed, 1);
      assert.equal(parsed.heads.length, 1);
      assert.equal(parsed.heads[0]!.statusCode, 200);
      assert.equal(parsed.heads[0]!.keepAlive, true);
    }
  }
  assert.equal(parse([byLength]).heads[0]!.headers['x-trino-set-catalog'], 'tpch');
});

test('a body delimited by the connection closing is refused (a cut one would look whole); HEAD, 204 and 304 have none; 1xx heads are skipped', () => {
  for (const close of [false, true]) {
    assert.throws(() => parse(['HTTP/1.1 200 OK\r\n\r\nsome', ' text}'], 'GET', close), (err: Error) => err instanceof HttpProtocolError && /without Content-Length or chunked/.test(err.message));
  }
  assert.equal(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n'], 'HEAD').completed, 1);

  assert.equal(parse(['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'], 'HEAD').completed, 1);
  assert.equal(parse(['HTTP/1.1 204 No Content\r\n\r\n']).completed, 1);
  const interim = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
  assert.deepEqual(interim.heads.map((h) => h.statusCode), [200]);
  assert.equal(interim.body, 'ok');
});

test('keep-alive follows the version and Connection header; repeated headers are joined', () => {
  assert.equal(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive, false);
  assert.equal(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive, false);
  assert.equal(parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive, true);
  const repeated = parse(['HTTP/1.1 200 OK\r\nX-Trino-Added-Prepare: a=1\r\nX-Trino-Added-Prepare: b=2\r\nSet-Cookie: c=1\r\nSet-Cookie: d=2\r\nContent-Length: 0\r\n\r\n']);
  assert.equal(repeated.heads[0]!.headers['x-trino-added-prepare'], 'a=1, b=2');
  assert.deepEqual(repeated.heads[0]!.headers['set-cookie'], ['c=1', 'd=2']);
});

test('ambiguous or malformed responses are refused, never relayed', () => {
  const refused: Array<[string[], string, boolean?]> = [
    [['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n'], 'both Transfer-Encoding and Content-Length'],
    [['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n'], 'conflicting Content-Length'],
    [['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'], 'invalid Content-Length'],
    [['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'], 'unsupported Transfer-Encoding'],
    [['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], 'invalid chunk size'],
    [['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX'], 'chunk not terminated'],
    [['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok!'], 'unexpected bytes'],
    [['HTTP/2 200\r\n\r\n'], 'invalid status line'],
    [['HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n'], 'invalid header line'],
    [['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok'], 'response truncated', true],
    [[''], 'connection closed before a response', true],
  ];
  for (const [chunks, message, close] of refused) {
    assert.throws(() => parse(chunks, 'GET', close ?? false), (err: Error) => err instanceof HttpProtocolError && err.message.includes(message), message);
  }
  assert.throws(() => parse(['HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(20_000)]), /response head too large/);
  // A complete head over the limit in one read is refused too.
  assert.throws(() => parse(['HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(20_000) + '\r\n']), /response head too large/);
});

test('request heads: the plain shape is parsed; repeats are joined as node:http joins them', () => {
  const head = parseRequestHead(
    'POST /v1/statement HTTP/1.1\r\nHost: gw:8080\r\nX-Trino-User: alice\r\nX-Trino-Session: a=1\r\nx-trino-session: b=2\r\nCookie: c=1\r\nCookie: d=2\r\nContent-Length: 8\r\nX-Trino-Client-Info: caf\xe9',
  );
  assert.notEqual(head, HAND_OFF);
  if (head === HAND_OFF) return;
  assert.equal(head.method, 'POST');
  assert.equal(head.url, '/v1/statement');
  assert.equal(head.contentLength, 8);
  assert.equal(head.keepAlive, true);
  assert.equal(head.headers['x-trino-session'], 'a=1, b=2');
  assert.equal(head.headers.cookie, 'c=1; d=2');
  assert.equal(head.headers['x-trino-client-info'], 'caf\xe9');
  // llhttp takes spaces and tabs before the digits, only spaces after them.
  const spaced = parseRequestHead('POST /v1/statement HTTP/1.1\r\nHost: gw\r\nContent-Length: \t 5  ');
  assert.equal(spaced !== HAND_OFF && spaced.contentLength, 5);
  assert.throws(() => parseRequestHead('POST /v1/statement HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\t'), BadRequest);
  const closing = parseRequestHead('GET /v1/statement/x HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive, close');
  assert.equal(closing !== HAND_OFF && closing.keepAlive, false);
});

test('request heads the fast path does not take are handed to node:http; malformed ones are refused', () => {
  for (const text of [
    'GET /v1/statement HTTP/1.0\r\nHost: gw',
    'POST /v1/statement HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked',
    'POST /v1/statement HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue',
    'GET /v1/statement HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket',
    'GET /v1/statement HTTP/1.1\r\nHost: a\r\nHost: b',
    'POST /v1/statement HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 1',
    'GET http://other/v1/statement HTTP/1.1\r\nHost: gw',
    'get /v1/statement HTTP/1.1\r\nHost: gw',
  ]) {
    assert.equal(parseRequestHead(text), HAND_OFF, text);
  }
  for (const [text, message] of [
    ['GET / HTTP/1.1\r\nHost: gw\r\n folded', 'folded'],
    ['GET / HTTP/1.1\r\nNo colon here', 'malformed header line'],
    ['GET / HTTP/1.1\r\nBad Name: x', 'malformed header name'],
    ['GET / HTTP/1.1\r\nX-Trino-User: a\x00b', 'invalid characters'],
    ['GET / HTTP/1.1\r\nX-Trino-User: a\rb', 'invalid characters'],
    ['POST / HTTP/1.1\r\nContent-Length: 1e3', 'invalid Content-Length'],
    // Only spaces and tabs surround a value (node:http answers 400 to all of these too).
    ['POST / HTTP/1.1\r\nContent-Length: \xa05', 'invalid Content-Length'],
    ['POST / HTTP/1.1\r\nContent-Length: 5\x0b', 'invalid characters'],
    ['POST / HTTP/1.1\r\nContent-Length: \x0c5', 'invalid characters'],
  ] as const) {
    assert.throws(() => parseRequestHead(text), (err: Error) => err instanceof BadRequest && err.message.includes(message), text);
  }
});
