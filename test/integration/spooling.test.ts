/**
 * Trino's spooling protocol through the gateway, with a real Trino 483 that spools result
 * segments to S3 (moto, through the test-only spooling manager of scripts/trino/start-spooling.sh)
 * in both retrieval modes: STORAGE (segment URIs are pre-signed S3 URLs the gateway leaves alone;
 * only acknowledgements pass through it) and COORDINATOR_PROXY (segment URIs point at the
 * coordinator: the gateway hands out its own URIs with sealed, user-bound tokens and relays them).
 * The real clients (CLI --encoding, JDBC encoding=, Python encoding=) run against Trino directly
 * and through the gateway, and their output must be identical.
 *
 * Instances: QUERYGATE_SPOOLING_TRINO_PORT/_NAME (STORAGE, default 18380, trino-spooling),
 * QUERYGATE_SPOOLING_PROXY_TRINO_PORT/_NAME (COORDINATOR_PROXY, default 18381,
 * trino-spooling-proxy), QUERYGATE_MOTO_PORT (default 15000), and the plain Trino of the other tests
 * (QUERYGATE_TRINO_PORT, QUERYGATE_TRINO_NAME) as the oracle for engines that cannot spool.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunningGateway } from '../../src/gateway.js';
import type { SegmentDescription as Segment } from '../../src/protocol/spooled-data.js';
import { htpasswdLine } from '../support/admin-gateway.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const MOTO_PORT = Number(process.env.QUERYGATE_MOTO_PORT ?? 15000);
const BUCKET = 'querygate-spooling';
const MODES = [
  { mode: 'STORAGE', name: process.env.QUERYGATE_SPOOLING_TRINO_NAME ?? 'trino-spooling', port: Number(process.env.QUERYGATE_SPOOLING_TRINO_PORT ?? 18380) },
  { mode: 'COORDINATOR_PROXY', name: process.env.QUERYGATE_SPOOLING_PROXY_TRINO_NAME ?? 'trino-spooling-proxy', port: Number(process.env.QUERYGATE_SPOOLING_PROXY_TRINO_PORT ?? 18381) },
] as const;
/** 100,000 rows (about 12 MB as JSON): inline segments first, then spooled ones of 1-4 MB. */
const LARGE_SQL = 'SELECT * FROM tpch.sf1.orders WHERE o_orderkey <= 400000 ORDER BY o_orderkey';
/** What the clients run: 50,000 rows (about 6 MB as JSON), two inline segments and spooled ones. */
const CLIENT_SQL = 'SELECT * FROM tpch.sf1.orders WHERE o_orderkey <= 200000 ORDER BY o_orderkey';

let env: Record<string, string>;
const trinoUrls: Record<string, string> = {};
const gateways: Record<string, RunningGateway> = {};
/** Instances this file started (and stops): an instance already running is reused and left running. */
const started: string[] = [];

async function startSpoolingTrino(name: string, port: number, mode: string): Promise<string> {
  const running = await fetch(`http://127.0.0.1:${port}/v1/info`).then(
    (response) => response.ok,
    () => false,
  );
  if (!running) started.push(name);
  await exec('bash', [`${REPO}scripts/trino/start-spooling.sh`, '--name', name, '--port', String(port), '--moto-port', String(MOTO_PORT), '--retrieval-mode', mode], { timeout: 400_000 });
  return `http://127.0.0.1:${port}`;
}

before(async () => {
  env = await clientEnv();
  // One after the other: two JVMs starting at once on two cores time out.
  for (const { mode, name, port } of MODES) {
    trinoUrls[mode] = await startSpoolingTrino(name, port, mode);
    gateways[mode] = await startTestGateway({ backends: [{ name: 'spooling', engine: 'trino', url: trinoUrls[mode] }] });
  }
});
after(async () => {
  for (const gateway of Object.values(gateways)) await gateway.close();
  for (const name of started) await exec('bash', [`${REPO}scripts/trino/stop.sh`, '--name', name], { timeout: 120_000 });
});

/** Object keys in the spooling bucket (moto answers unsigned ListObjectsV2). */
async function spooledObjects(): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${MOTO_PORT}/${BUCKET}?list-type=2&max-keys=100000`);
  const xml = await response.text();
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}

async function segmentRequests(gateway: RunningGateway): Promise<{ download: number; ack: number }> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const count = (action: string) => Number(new RegExp(`querygate_spooled_segment_requests_total\\{action="${action}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { download: count('download'), ack: count('ack') };
}

/** Runs a statement over the raw protocol asking for `encoding`; every page's segments, and the response headers seen. */
async function spooledQuery(baseUrl: string, sql: string, user: string, encoding = 'json'): Promise<{ segments: Segment[]; encodings: Set<string | null>; arrays: number }> {
  const headers = { 'X-Trino-User': user, 'X-Trino-Query-Data-Encoding': encoding };
  let response = await fetch(`${baseUrl}/v1/statement`, { method: 'POST', headers, body: sql });
  const segments: Segment[] = [];
  const encodings = new Set<string | null>();
  let arrays = 0;
  for (;;) {
    assert.equal(response.status, 200);
    encodings.add(response.headers.get('x-trino-query-data-encoding'));
    const doc = (await response.json()) as { nextUri?: string; data?: unknown; error?: { message: string } };
    assert.equal(doc.error, undefined, doc.error?.message);
    if (Array.isArray(doc.data)) arrays++;
    else if (doc.data !== undefined) segments.push(...(doc.data as { segments: Segment[] }).segments);
    if (doc.nextUri === undefined) return { segments, encodings, arrays };
    response = await fetch(doc.nextUri, { headers });
  }
}

function rowsOf(json: string): unknown[][] {
  return JSON.parse(json) as unknown[][];
}

const CLIENTS = [
  {
    name: 'trino CLI --encoding json',
    run: (url: string) => run(env.QUERYGATE_CLIENT_JAVA!, ['-jar', env.TRINO_CLI_JAR!, '--server', url, '--user', 'alice', '--encoding', 'json', '--output-format', 'CSV', '--execute', CLIENT_SQL], { timeout: 300_000 }),
  },
  {
    name: 'JDBC driver, encoding=json+lz4',
    run: (url: string) => run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcQuery', `jdbc:trino://${new URL(url).host}/tpch/sf1?user=alice&encoding=json%2Blz4`, CLIENT_SQL], { timeout: 300_000 }),
  },
  {
    name: 'Python client, encoding=json+zstd',
    run: (url: string) => {
      const { hostname, port } = new URL(url);
      return run(env.QUERYGATE_PYTHON!, [`${REPO}test/clients/py_query.py`, '--host', hostname, '--port', port, '--user', 'alice', '--encoding', 'json+zstd', '--sql', CLIENT_SQL], { timeout: 300_000 });
    },
  },
] as const;

for (const { mode } of MODES) {
  describe(`spooled results, retrieval mode ${mode}`, () => {
    for (const client of CLIENTS) {
      test(`${client.name}: the same 50,000 rows directly and through the gateway, segments acknowledged`, async () => {
        const gateway = gateways[mode]!;
        const objectsBefore = await spooledObjects();
        const relayedBefore = await segmentRequests(gateway);
        const direct = await client.run(trinoUrls[mode]!);
        assert.equal(direct.code, 0, direct.stderr);
        const through = await client.run(gateway.url);
        assert.equal(through.code, 0, through.stderr);
        assert.ok(direct.stdout.length > 4_000_000, `expected a large result, got ${direct.stdout.length} bytes`);
        assert.ok(through.stdout === direct.stdout, 'the output through the gateway differs from the output of Trino directly');
        const relayed = await segmentRequests(gateway);
        const acks = relayed.ack - relayedBefore.ack;
        const downloads = relayed.download - relayedBefore.download;
        // Every spooled segment is acknowledged through the gateway; only coordinator-served ones are downloaded through it.
        assert.ok(acks > 0, 'no segment was spooled and acknowledged through the gateway');
        assert.equal(downloads, mode === 'STORAGE' ? 0 : acks);
        // Acknowledged segments are deleted (acks are sent asynchronously by the Java clients).
        for (let i = 0; i < 50 && (await spooledObjects()).length > objectsBefore.length; i++) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual((await spooledObjects()).sort(), objectsBefore.sort());
      });
    }

    test('a statement Trino does not spool (SHOW) keeps its JSON array pages, as directly', async () => {
      const direct = await spooledQuery(trinoUrls[mode]!, 'SHOW SCHEMAS FROM tpch', 'alice');
      const through = await spooledQuery(gateways[mode]!.url, 'SHOW SCHEMAS FROM tpch', 'alice');
      // The header as Trino sends it (on the answers that name it), the same pages of arrays.
      assert.deepEqual([...through.encodings], [...direct.encodings]);
      assert.ok(direct.encodings.has('json'));
      for (const answer of [direct, through]) {
        assert.equal(answer.segments.length, 0);
        assert.ok(answer.arrays > 0);
      }
    });

    test('segments keep their bytes: storage URIs untouched, coordinator URIs rewritten to the gateway', async () => {
      const gateway = gateways[mode]!;
      const { segments, encodings } = await spooledQuery(gateway.url, LARGE_SQL, 'alice');
      assert.deepEqual([...encodings], ['json']);
      const spooled = segments.filter((s) => s.type === 'spooled');
      assert.ok(spooled.length >= 2 && segments.some((s) => s.type === 'inline'), `expected inline and spooled segments, got ${segments.map((s) => s.type).join(',')}`);
      let rows = 0;
      for (const segment of segments) {
        assert.equal(segment.metadata.rowOffset, rows);
        if (segment.type === 'inline') {
          rows += rowsOf(Buffer.from(segment.data!, 'base64').toString('utf8')).length;
          continue;
        }
        assert.ok(segment.ackUri!.startsWith(`${gateway.url}/v1/spooled/ack/`), segment.ackUri);
        if (mode === 'STORAGE') assert.ok(segment.uri!.startsWith(`http://127.0.0.1:${MOTO_PORT}/${BUCKET}/`), segment.uri);
        else assert.ok(segment.uri!.startsWith(`${gateway.url}/v1/spooled/download/`), segment.uri);
        const download = await fetch(segment.uri!, { headers: new Headers(Object.entries(segment.headers ?? {}).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]))) });
        assert.equal(download.status, 200);
        const body = await download.text();
        assert.equal(Buffer.byteLength(body), segment.metadata.segmentSize);
        const segmentRows = rowsOf(body);
        assert.equal(segmentRows.length, segment.metadata.rowsCount);
        rows += segmentRows.length;
        assert.equal((await fetch(segment.ackUri!)).status, 200);
      }
      assert.equal(rows, 100_000);
    });
  });
}

describe('segment URIs are bound to their user and their action', () => {
  let segments: Segment[];
  let gateway: RunningGateway;
  before(async () => {
    gateway = gateways.COORDINATOR_PROXY!;
    segments = (await spooledQuery(gateway.url, LARGE_SQL, 'alice')).segments.filter((s) => s.type === 'spooled');
    assert.ok(segments.length >= 2);
  });
  after(async () => {
    for (const segment of segments) await fetch(segment.ackUri!);
  });

  test("another user can neither download nor acknowledge alice's segment; it is still there for her", async () => {
    const [segment] = segments;
    for (const uri of [segment!.uri!, segment!.ackUri!]) {
      const bob = await fetch(uri, { headers: { 'X-Trino-User': 'bob' } });
      assert.equal(bob.status, 403);
      assert.match(await bob.text(), /Cannot access a segment of a query started by another user/);
      const bobBasic = await fetch(uri, { headers: { Authorization: `Basic ${Buffer.from('bob:').toString('base64')}` } });
      assert.equal(bobBasic.status, 403);
    }
    const alice = await fetch(segment!.uri!, { headers: { 'X-Trino-User': 'alice' } });
    assert.equal(alice.status, 200);
    assert.equal(rowsOf(await alice.text()).length, segment!.metadata.rowsCount);
  });

  test('a tampered token, a token moved to another action or query, and a follow-up path are refused', async () => {
    const segment = segments[1]!;
    const { pathname } = new URL(segment.uri!);
    const [, , , , queryId, token] = pathname.split('/') as [string, string, string, string, string, string];
    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    const refused = [
      `/v1/spooled/download/${queryId}/${flipped}`,
      // A download token presented as an acknowledgement (and the reverse) does not open.
      `/v1/spooled/ack/${queryId}/${token}`,
      `/v1/spooled/download/${queryId}/${new URL(segment.ackUri!).pathname.split('/')[5]}`,
      `/v1/spooled/download/20200101_000000_00000_aaaaa/${token}`,
      `/v1/statement/executing/${queryId}/${token}`,
      `/v1/spooled/download/${queryId}`,
    ];
    for (const path of refused) {
      const response = await fetch(gateway.url + path, { headers: { 'X-Trino-User': 'alice' } });
      assert.equal(response.status, 404, path);
    }
    assert.equal((await fetch(segment.uri!, { method: 'DELETE', headers: { 'X-Trino-User': 'alice' } })).status, 405);
    // Nothing above acknowledged it: the segment is still served.
    assert.equal((await fetch(segment.uri!)).status, 200);
  });

  test('an acknowledged segment is gone on the coordinator', async () => {
    const segment = segments[1]!;
    assert.equal((await fetch(segment.ackUri!)).status, 200);
    assert.notEqual((await fetch(segment.uri!)).status, 200);
  });
});

describe('with authentication', () => {
  test('a segment request with wrong or foreign credentials is refused; one with no token is not found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qg-spool-auth-'));
    writeFileSync(join(dir, 'password.db'), [htpasswdLine('alice', 'alice-pw'), htpasswdLine('bob', 'bob-pw')].join('\n') + '\n');
    const secured = await startTestGateway({
      authentication: { authenticators: [{ type: 'password-file', file: join(dir, 'password.db') }], trustForwardedProto: true },
      backends: [{ name: 'spooling', engine: 'trino', url: trinoUrls.COORDINATOR_PROXY! }],
    });
    const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, 'X-Forwarded-Proto': 'https' });
    try {
      let response = await fetch(`${secured.url}/v1/statement`, { method: 'POST', headers: { ...basic('alice', 'alice-pw'), 'X-Trino-Query-Data-Encoding': 'json' }, body: LARGE_SQL });
      const segments: Segment[] = [];
      for (;;) {
        const doc = (await response.json()) as { nextUri?: string; data?: { segments: Segment[] } | unknown[] };
        if (doc.data !== undefined && !Array.isArray(doc.data)) segments.push(...doc.data.segments.filter((s) => s.type === 'spooled'));
        if (doc.nextUri === undefined) break;
        response = await fetch(doc.nextUri, { headers: basic('alice', 'alice-pw') });
      }
      const segment = segments[0]!;
      assert.equal((await fetch(segment.ackUri!, { headers: basic('alice', 'wrong') })).status, 401);
      assert.equal((await fetch(segment.ackUri!, { headers: basic('bob', 'bob-pw') })).status, 403);
      assert.equal((await fetch(`${secured.url}/v1/spooled/ack/`, { headers: basic('alice', 'alice-pw') })).status, 404);
      for (const s of segments) assert.equal((await fetch(s.ackUri!, { headers: basic('alice', 'alice-pw') })).status, 200);
    } finally {
      await secured.close();
    }
  });
});

describe('engines that cannot spool answer as Trino without spooling does', () => {
  test('the encoding header is ignored: data comes as JSON arrays, no encoding is named', async () => {
    const plainTrino = await ensureTrino();
    const embedded = await startTestGateway({});
    try {
      const oracle = await spooledQuery(plainTrino, 'SELECT * FROM tpch.tiny.nation', 'alice', 'json+zstd,json');
      const gateway = await spooledQuery(embedded.url, 'SELECT * FROM demo.tpch.nation', 'alice', 'json+zstd,json');
      for (const answer of [oracle, gateway]) {
        assert.deepEqual([...answer.encodings], [null]);
        assert.equal(answer.segments.length, 0);
        assert.ok(answer.arrays > 0);
      }
    } finally {
      await embedded.close();
    }
  });
});
