/**
 * Differential test of the front door against node:http's own parser (llhttp): generated request
 * streams (valid pipelines and malformed heads of every class) are sent to a front door in front
 * of node:http, as GatewayServer wires them, and to node:http alone, both with the same echo handler.
 *
 * Agreement: both hand the same requests (method and target) to the handler in the same order,
 * echo the same bodies for the requests both answer (so both ended each request at the same
 * byte), and refuse the same way: the same statuses, after the same requests. Refusal messages
 * may differ (the front door says why; node:http sends none), and node:http may drop the answers
 * to requests before a refused one in the same read (it answers the parse error at once); the
 * handler saw them all the same, which is what the first condition compares.
 *
 * Splits: each stream is also fed to a front door connection directly, split at every byte
 * offset into two reads, which must frame it exactly as when it arrives whole; over TCP each
 * stream is also sent in two writes split at a random offset.
 *
 * Runs a smoke of SMOKE_STREAMS streams; QUERYGATE_DIFFERENTIAL_STREAMS=<n> runs more (the long run),
 * QUERYGATE_DIFFERENTIAL_SEED=<n> replays one.
 */
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { test } from 'node:test';
import { FrontDoor } from '../../src/http1/front-door.js';
import { converse, echo, frontDoorServer, nodeServer, responses } from '../support/front-door-harness.js';
import { seededRandom } from '../support/random.js';

const SMOKE_STREAMS = 1000;
const SPLIT_EVERY = 8;
const streams = Number(process.env.QUERYGATE_DIFFERENTIAL_STREAMS ?? SMOKE_STREAMS);
const firstSeed = Number(process.env.QUERYGATE_DIFFERENTIAL_SEED ?? 1);

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** Ways a head goes wrong (or merely unusual), each a transformation of a valid request. */
const MUTATIONS: ReadonlyArray<(rand: Rand, lines: string[], body: string) => { lines: string[]; body: string; eol?: string }> = [
  // Content-Length and Transfer-Encoding together, in both orders.
  (_r, lines, body) => ({ lines: [...lines, 'Transfer-Encoding: chunked'], body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` }),
  (_r, lines, body) => ({ lines: [lines[0]!, 'Transfer-Encoding: chunked', ...lines.slice(1)], body }),
  // Obfuscated Transfer-Encoding.
  (r, lines, body) => ({
    lines: [...lines.filter((l) => !/^content-length/i.test(l)), pick(r, ['Transfer-Encoding: xchunked', 'Transfer-Encoding:  chunked', 'Transfer-Encoding: chunked, identity', 'Transfer-Encoding : chunked', 'Transfer-Encoding:\tchunked', 'Transfer-encoding: CHUNKED', 'Transfer-Encoding: identity', 'Transfer-Encoding: chunked\r\n x'])],
    body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
  }),
  // A valid chunked body (handed to node:http).
  (_r, lines, body) => ({ lines: [...lines.filter((l) => !/^content-length/i.test(l)), 'Transfer-Encoding: chunked'], body: body === '' ? '0\r\n\r\n' : `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` }),
  // Repeated or malformed Content-Length.
  (r, lines, body) => ({ lines: [...lines, pick(r, [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`])], body }),
  (r, lines, body) => ({ lines: [...lines.filter((l) => !/^content-length/i.test(l)), `Content-Length: ${pick(r, [`+${body.length}`, `${body.length} 1`, `0x${body.length}`, '-1', '', `${body.length}.0`, ` ${body.length}`, `${body.length}\t`, '99999999999999999999'])}`], body }),
  // Bare LF and bare CR line endings, in one line or all.
  (r, lines, body) => ({ lines, body, eol: pick(r, ['\n', '\r']) }),
  (r, lines, body) => {
    const at = 1 + Math.floor(r() * (lines.length - 1));
    return { lines: [...lines.slice(0, at), `${lines[at]}${pick(r, ['\n', '\r'])}X-Tail: t`, ...lines.slice(at + 1)], body };
  },
  // obs-fold.
  (_r, lines, body) => ({ lines: [...lines.slice(0, 2), ' folded', ...lines.slice(2)], body }),
  (_r, lines, body) => ({ lines: [...lines.slice(0, 2), '\tfolded', ...lines.slice(2)], body }),
  // Control bytes in a value, a name, the target.
  (r, lines, body) => ({ lines: [...lines, `X-Ctl: a${pick(r, ['\x00', '\x01', '\x7f', '\x0b', '\x1b'])}b`], body }),
  (r, lines, body) => ({ lines: [...lines, `X-C${pick(r, ['\x00', '\x01', ' ', '(', '"'])}tl: v`], body }),
  (r, lines, body) => ({ lines: [lines[0]!.replace(' HTTP/1.1', `${pick(r, ['\x01', '\x7f', ' x', '\t'])} HTTP/1.1`), ...lines.slice(1)], body }),
  // Whitespace before the colon, an empty name, no colon.
  (_r, lines, body) => ({ lines: [...lines, 'X-Space : v'], body }),
  (_r, lines, body) => ({ lines: [...lines, ': v'], body }),
  (_r, lines, body) => ({ lines: [...lines, 'NoColon'], body }),
  // Missing or repeated Host.
  (_r, lines, body) => ({ lines: lines.filter((l) => !/^host:/i.test(l)), body }),
  (_r, lines, body) => ({ lines: [...lines, 'Host: other'], body }),
  // Request lines node:http takes and the front door hands over.
  (r, lines, body) => ({ lines: [lines[0]!.replace(/HTTP\/1\.1$/, pick(r, ['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'http/1.1'])), ...lines.slice(1)], body }),
  (r, lines, body) => ({ lines: [lines[0]!.replace(/^\S+/, pick(r, ['get', 'OPTIONS', 'PATCH', 'G\x01T', 'PUT'])), ...lines.slice(1)], body }),
  (_r, lines, body) => ({ lines: [lines[0]!.replace(' /', ' http://gw/'), ...lines.slice(1)], body }),
  (_r, lines, body) => ({ lines: [lines[0]!.replace(' /', ' *'), ...lines.slice(1)], body }),
  // Double spaces in the request line.
  (_r, lines, body) => ({ lines: [lines[0]!.replace(' ', '  '), ...lines.slice(1)], body }),
  // Connection: close in the middle of a pipeline.
  (_r, lines, body) => ({ lines: [...lines, 'Connection: close'], body }),
  // obs-text and tabs in a value (allowed).
  (_r, lines, body) => ({ lines: [...lines, 'X-Text: caf\xe9\tbar'], body }),
];

/** One request: valid, or (with some probability) carrying one mutation. */
function request(rand: Rand): string {
  const method = pick(rand, ['GET', 'POST', 'DELETE'] as const);
  const path = pick(rand, ['/v1/statement', '/v1/statement/queued/q1/t1', '/v1/info', '/ui/', '/v1/statement?x=1']);
  const body = method === 'POST' || rand() < 0.1 ? 'SELECT 1'.repeat(Math.floor(rand() * 3)) : '';
  let lines = [`${method} ${path} HTTP/1.1`, 'Host: gw', `X-Trino-User: u${Math.floor(rand() * 10)}`];
  if (body !== '' || rand() < 0.3) lines.push(`Content-Length: ${body.length}`);
  let eol = '\r\n';
  let payload = body;
  if (rand() < 0.6) {
    const mutated = pick(rand, MUTATIONS)(rand, lines, body);
    lines = mutated.lines;
    payload = mutated.body;
    eol = mutated.eol ?? eol;
  }
  return `${lines.join(eol)}${eol}${eol}${payload}`;
}

function stream(seed: number): Buffer {
  const rand = seededRandom(seed);
  const count = 1 + Math.floor(rand() * 3);
  let text = '';
  for (let i = 0; i < count; i++) {
    const next = request(rand);
    text += next;
    // Nothing after a request asking to close, or refused for want of a Host, is read by the
    // front door; node:http parses what follows all the same (and may even serve it, after the
    // 400 that closes the connection): such a request ends its stream.
    if (next.includes('Connection: close') || !/\nHost:/.test(next)) break;
  }
  return Buffer.from(text, 'latin1');
}

/** What a server did with a stream: answers in order; a refusal's body is not compared. */
function outcome(bytes: Buffer): string[] {
  return responses(bytes).map((r) => (r.status === 200 ? `200 ${r.body}` : String(r.status)));
}

/** Whether the front door's answers agree with node:http's (see the file comment). */
function agree(front: string[], node: string[]): boolean {
  const ok = (list: string[]) => list.filter((a) => a.startsWith('200 '));
  const refusals = (list: string[]) => list.filter((a) => !a.startsWith('200 '));
  const [a, b] = [ok(front), ok(node)];
  const shorter = a.length <= b.length ? a : b;
  const longer = a.length <= b.length ? b : a;
  const prefix = shorter.every((answer, i) => answer === longer[i]);
  // Only the side whose answers were cut short by a refusal may have fewer.
  const cut = a.length === b.length || refusals(a.length < b.length ? front : node).length > 0;
  return prefix && cut && JSON.stringify(refusals(front)) === JSON.stringify(refusals(node));
}

/**
 * Feeds `bytes` to one front door connection directly, split into reads at `split`: the answers
 * it wrote and where (if anywhere) it handed the connection to node:http.
 */
async function direct(bytes: Buffer, split: number): Promise<{ written: string; handedOffAt: number | undefined }> {
  let written = '';
  let handedOffAt: number | undefined;
  let fed = 0;
  const door = new FrontDoor({
    serves: (method) => method === 'GET' || method === 'POST' || method === 'DELETE',
    handle: (req, res) => void echo(req, res).catch(() => res.destroy()),
    handOff: () => {},
    maxHeadBytes: 16 * 1024,
    maxBodyBytes: 1024 * 1024,
    maxBufferedBytes: 64 * 1024 * 1024,
    requestTimeout: 5_000,
    keepAliveTimeout: 5_000,
  });
  const socket = new Socket();
  socket.write = ((chunk: string | Uint8Array, encoding?: unknown) => {
    written += typeof chunk === 'string' ? Buffer.from(chunk, encoding === 'latin1' ? 'latin1' : 'utf8').toString('latin1') : Buffer.from(chunk).toString('latin1');
    return true;
  }) as Socket['write'];
  socket.end = (() => socket) as unknown as Socket['end'];
  // What is put back for node:http tells where the front door stopped reading.
  socket.unshift = ((chunk: Buffer) => {
    handedOffAt = fed - chunk.length;
  }) as Socket['unshift'];
  door.accept(socket);
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  for (const piece of split > 0 && split < bytes.length ? [bytes.subarray(0, split), bytes.subarray(split)] : [bytes]) {
    if (handedOffAt !== undefined) break;
    fed += piece.length;
    socket.emit('data', piece);
    await settle();
  }
  // Nothing more was read after a hand-off: its offset does not depend on the split.
  if (handedOffAt === undefined && fed < bytes.length) handedOffAt = fed;
  door.closeAll();
  return { written: outcome(Buffer.from(written, 'latin1')).join('\n'), handedOffAt };
}

test(`the front door frames ${streams} generated request streams as llhttp does, at every split point`, async () => {
  const front = await frontDoorServer();
  const node = await nodeServer();
  let cases = 0;
  let splitCases = 0;
  const statuses = new Map<string, number>();
  try {
    for (let seed = firstSeed; seed < firstSeed + streams; seed++) {
      const bytes = stream(seed);
      const rand = seededRandom(seed * 7919);
      const split = 1 + Math.floor(rand() * (bytes.length - 1));
      for (const pieces of [[bytes], [bytes.subarray(0, split), bytes.subarray(split)]]) {
        front.log.length = 0;
        node.log.length = 0;
        const [a, b] = await Promise.all([converse(front.port, pieces), converse(node.port, pieces)]);
        const got = outcome(a.bytes);
        const want = outcome(b.bytes);
        const where = `seed ${seed} split ${pieces.length > 1 ? split : 'none'}: ${JSON.stringify(bytes.toString('latin1'))}`;
        assert.deepEqual(front.log, node.log, `requests handled, ${where}`);
        assert.ok(agree(got, want), `answers ${JSON.stringify(got)} against node:http's ${JSON.stringify(want)}, ${where}`);
        cases++;
        for (const answer of want) statuses.set(answer.slice(0, 3), (statuses.get(answer.slice(0, 3)) ?? 0) + 1);
      }
      // Every split point of every SPLIT_EVERY-th stream (each costs a few hundred direct runs).
      if (seed % SPLIT_EVERY !== 0) continue;
      const whole = await direct(bytes, 0);
      for (let at = 1; at < bytes.length; at++) {
        assert.deepEqual(await direct(bytes, at), whole, `seed ${seed} read split at ${at}: ${JSON.stringify(bytes.toString('latin1'))}`);
        splitCases++;
      }
    }
  } finally {
    await front.close();
    await node.close();
  }
  console.log(`differential: ${streams} streams, ${cases} TCP comparisons with node:http, ${splitCases} split-point runs; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
});
