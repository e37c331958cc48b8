/**
 * OpenTelemetry tracing end to end: a gateway exporting to a real OTLP/HTTP receiver (a small
 * server here that keeps what the exporter posts), in front of the shared Trino through a relay
 * that records the headers Trino receives. The spans, their parent links, the client's trace id
 * and the traceparent Trino got are checked in what was exported at shutdown.
 */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, runQuery, type RawResponse } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway, TRINO_PORT } from '../support/services.js';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  name: string;
  status?: { code?: number };
  attributes: Record<string, string | undefined>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}

const exported: ExportedSpan[] = [];
const exportRequests: Array<{ contentType: string | undefined; serviceName: string | undefined }> = [];
/** Headers of every client statement POST Trino received through the relay (not the gateway's own metadata queries). */
const trinoSubmissions: IncomingHttpHeaders[] = [];
let receiver: Server;
let relay: Server;
let gateway: RunningGateway;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** An OTLP/HTTP traces receiver for the JSON encoding (what exporter-trace-otlp-http sends). */
function otlpReceiver(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      assert.equal(req.url, '/v1/traces');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ spans: Array<Omit<ExportedSpan, 'attributes'> & { attributes: OtlpAttribute[] }> }> }>;
      };
      for (const resourceSpans of body.resourceSpans) {
        exportRequests.push({ contentType: req.headers['content-type'], serviceName: attributesOf(resourceSpans.resource.attributes)['service.name'] });
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) exported.push({ ...span, attributes: attributesOf(span.attributes) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
}

function attributesOf(list: OtlpAttribute[]): Record<string, string | undefined> {
  return Object.fromEntries(list.map((a) => [a.key, a.value.stringValue ?? (a.value.intValue !== undefined ? String(a.value.intValue) : String(a.value.boolValue))]));
}

/** Forwards everything to trino1, keeping the Host header (Trino's nextUri then point back at the relay). */
function trinoRelay(): Server {
  return createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/statement' && req.headers['x-trino-user'] !== 'querygate') trinoSubmissions.push(req.headers);
    const upstream = request({ host: '127.0.0.1', port: TRINO_PORT, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
}

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const INVALID_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

before(async () => {
  await ensureTrino();
  receiver = otlpReceiver();
  relay = trinoRelay();
  const [receiverUrl, relayUrl] = await Promise.all([listen(receiver), listen(relay)]);
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-rules-')), 'rules.json');
  // alice may read tpch; bob may read nothing.
  writeFileSync(rulesFile, JSON.stringify({ tables: [{ user: 'alice|carol|dave', catalog: 'tpch', privileges: ['SELECT'] }] }));
  gateway = await startTestGateway({
    accessControl: { rulesFile },
    // One query at a time: a second one waits in the gateway queue.
    backends: [{ name: 'trino1', engine: 'trino', url: relayUrl, group: 'cluster', maxRunning: 1 }],
    routing: { defaultGroup: 'cluster' },
    tracing: { otlpEndpoint: `${receiverUrl}/v1/traces`, serviceName: 'querygate-test' },
  });
  await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.nation', { 'X-Trino-User': 'alice', traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`, tracestate: 'vendor=abc' });
  await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.region', { 'X-Trino-User': 'alice' });
  await runQuery(gateway.url, 'SELECT * FROM tpch.tiny.nation', { 'X-Trino-User': 'bob' });
  // Version ff is forbidden by W3C Trace Context: the gateway must start its own trace, not pass it on.
  await runQuery(gateway.url, 'SELECT count(*) FROM tpch.tiny.customer', { 'X-Trino-User': 'carol', traceparent: `ff-${INVALID_TRACE_ID}-${CLIENT_SPAN_ID}-01` });
  // dave's query waits in the gateway queue while alice's holds the only slot.
  const holding = await post(gateway.url, 'SELECT count(*) FROM tpch.tiny.supplier', { 'X-Trino-User': 'alice' });
  const waiting = await post(gateway.url, 'SELECT count(*) FROM tpch.tiny.part', { 'X-Trino-User': 'dave' });
  assert.equal((waiting.json.stats as { state: string }).state, 'QUEUED');
  await followToEnd(holding, 'alice');
  await followToEnd(waiting, 'dave');
  // Closing the gateway shuts the tracer provider down, which exports the batch.
  await gateway.close();
});

async function followToEnd(first: RawResponse, user: string): Promise<void> {
  let response = first;
  while (typeof response.json.nextUri === 'string') response = await get(response.json.nextUri, { 'X-Trino-User': user });
  assert.equal((response.json.stats as { state: string }).state, 'FINISHED', response.text);
}

after(async () => {
  relay?.close();
  receiver?.close();
});

function spansOf(traceId: string): ExportedSpan[] {
  return exported.filter((s) => s.traceId === traceId);
}

function only(spans: ExportedSpan[], name: string): ExportedSpan {
  const found = spans.filter((s) => s.name === name);
  assert.equal(found.length, 1, `one ${name} span, found ${found.length} among ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

test('spans are exported as OTLP/HTTP JSON with the configured service name', () => {
  assert.ok(exportRequests.length > 0, 'the receiver got an export');
  for (const r of exportRequests) {
    assert.equal(r.contentType, 'application/json');
    assert.equal(r.serviceName, 'querygate-test');
  }
});

test("a client's traceparent is the parent of the query span, and the stages are its children", () => {
  const spans = spansOf(CLIENT_TRACE_ID);
  const query = only(spans, 'querygate.query');
  assert.equal(query.parentSpanId, CLIENT_SPAN_ID);
  assert.equal(query.attributes['enduser.id'], 'alice');
  assert.equal(query.attributes['querygate.outcome'], 'finished');
  assert.equal(query.attributes['querygate.group'], 'cluster');
  assert.equal(query.attributes['querygate.backend'], 'trino1');
  assert.match(query.attributes['querygate.query_id'] ?? '', /^\d{8}_\d{6}_\d{5}_\w+$/);
  for (const name of ['querygate.authenticate', 'querygate.authorize', 'querygate.route', 'querygate.backend']) {
    assert.equal(only(spans, name).parentSpanId, query.spanId, `${name} is a child of the query span`);
  }
  const backend = only(spans, 'querygate.backend');
  assert.equal(backend.attributes['querygate.query_id'], query.attributes['querygate.query_id']);
  assert.equal(backend.attributes['querygate.outcome'], 'finished');
  assert.deepEqual(spans.map((s) => s.name).sort(), ['querygate.authenticate', 'querygate.authorize', 'querygate.backend', 'querygate.query', 'querygate.route']);
});

test("Trino receives the gateway's backend span as traceparent, in the client's trace", () => {
  const backend = only(spansOf(CLIENT_TRACE_ID), 'querygate.backend');
  const received = trinoSubmissions.filter((h) => String(h.traceparent).includes(CLIENT_TRACE_ID));
  assert.equal(received.length, 1, `submissions: ${JSON.stringify(trinoSubmissions.map((h) => h.traceparent))}`);
  assert.equal(received[0]!.traceparent, `00-${CLIENT_TRACE_ID}-${backend.spanId}-01`);
  assert.equal(received[0]!.tracestate, 'vendor=abc');
});

test('without a client traceparent the gateway starts the trace and still passes it to Trino', () => {
  const roots = exported.filter((s) => s.name === 'querygate.query' && !s.parentSpanId && s.attributes['enduser.id'] === 'alice');
  assert.equal(roots.length, 2, 'the region and supplier counts');
  for (const root of roots) {
    const backend = only(spansOf(root.traceId), 'querygate.backend');
    assert.ok(trinoSubmissions.some((h) => h.traceparent === `00-${root.traceId}-${backend.spanId}-01`), `Trino got trace ${root.traceId}`);
  }
});

test('a denied statement ends its trace at authorization with the error name, and never reaches Trino', () => {
  const bob = exported.filter((s) => s.name === 'querygate.query' && s.attributes['enduser.id'] === 'bob');
  assert.equal(bob.length, 1);
  const spans = spansOf(bob[0]!.traceId);
  assert.equal(bob[0]!.attributes['querygate.outcome'], 'failed');
  assert.equal(bob[0]!.attributes['querygate.error_name'], 'PERMISSION_DENIED');
  assert.equal(bob[0]!.status?.code, 2, 'status ERROR');
  const authorize = only(spans, 'querygate.authorize');
  assert.equal(authorize.attributes['querygate.error_name'], 'PERMISSION_DENIED');
  assert.deepEqual(spans.map((s) => s.name).sort(), ['querygate.authenticate', 'querygate.authorize', 'querygate.query']);
  assert.equal(trinoSubmissions.filter((h) => h['x-trino-user'] === 'bob').length, 0, 'the denied statement was not submitted to Trino');
});

test('an invalid client traceparent is not followed: the gateway starts a new trace and sends that one to Trino', () => {
  const carol = exported.filter((s) => s.name === 'querygate.query' && s.attributes['enduser.id'] === 'carol');
  assert.equal(carol.length, 1);
  assert.ok(!carol[0]!.parentSpanId, 'a root span');
  assert.notEqual(carol[0]!.traceId, INVALID_TRACE_ID);
  const sent = trinoSubmissions.filter((h) => h['x-trino-user'] === 'carol').map((h) => h.traceparent);
  assert.deepEqual(sent, [`00-${carol[0]!.traceId}-${only(spansOf(carol[0]!.traceId), 'querygate.backend').spanId}-01`]);
});

test('a query that waited in the gateway queue has a queue span before its backend span', () => {
  const dave = exported.filter((s) => s.name === 'querygate.query' && s.attributes['enduser.id'] === 'dave');
  assert.equal(dave.length, 1);
  const spans = spansOf(dave[0]!.traceId);
  const queue = only(spans, 'querygate.queue');
  assert.equal(queue.parentSpanId, dave[0]!.spanId);
  assert.equal(queue.attributes['querygate.group'], 'cluster');
  assert.equal(dave[0]!.attributes['querygate.outcome'], 'finished');
  assert.deepEqual(spans.map((s) => s.name).sort(), ['querygate.authenticate', 'querygate.authorize', 'querygate.backend', 'querygate.query', 'querygate.queue', 'querygate.route']);
});
