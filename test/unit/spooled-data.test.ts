import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpFailure } from '../../src/protocol/errors.js';
import { QueryTokenSigner } from '../../src/protocol/query-token.js';
import { rewriteSegmentUris } from '../../src/protocol/spooled-data.js';
import { parseFollowUpPath, parseSegmentPath, segmentUri } from '../../src/protocol/uris.js';

const COORDINATOR = 'http://trino:8080';

/** A Trino data page of the spooling protocol (the shape of Trino 483's answers). */
function spooledPage(): string {
  return (
    '{"id":"20261207_115557_00002_5g79i","infoUri":"http://trino:8080/ui#/queries/20261207_115557_00002_5g79i",' +
    '"nextUri":"http://trino:8080/v1/statement/executing/20261207_115557_00002_5g79i/y1/2","columns":[{"name":"x","type":"bigint"}],' +
    '"data":{"encoding":"json","segments":[' +
    '{"type":"inline","data":"W1sxXSxbMl1d","metadata":{"segmentSize":9,"rowsCount":2,"rowOffset":0}},' +
    '{"type":"spooled","uri":"http://s3:9000/bucket/segments/a?X-Amz-Signature=ab","ackUri":"http://trino:8080/v1/spooled/ack/ID1","headers":{"x-note":["a }\\" ] {"]},"metadata":{"segmentSize":4033907,"rowsCount":32307,"rowOffset":2}},' +
    '{"type":"spooled","uri":"http://trino:8080/v1/spooled/download/ID2","ackUri":"http://trino:8080/v1/spooled/ack/ID2","metadata":{"segmentSize":10,"rowsCount":1,"rowOffset":32309}}' +
    ']},"stats":{"state":"RUNNING","progressPercentage":100.0,"cpuTimeMillis":12},"warnings":[]}'
  );
}

const toGateway = (key: string, uri: string, queryId: string | undefined) => (uri.startsWith(COORDINATOR) ? `https://gw/${key}/${queryId}/${uri.slice(COORDINATOR.length)}` : undefined);

test('coordinator segment URIs are rewritten; storage URIs, inline data and every byte outside data are kept', () => {
  const page = spooledPage();
  const out = rewriteSegmentUris(Buffer.from(page), toGateway).toString('utf8');
  const doc = JSON.parse(out) as { data: { encoding: string; segments: Array<Record<string, unknown>> } };
  const [inline, storage, coordinator] = doc.data.segments as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  assert.equal(inline.data, 'W1sxXSxbMl1d');
  assert.equal(storage.uri, 'http://s3:9000/bucket/segments/a?X-Amz-Signature=ab');
  assert.equal(storage.ackUri, 'https://gw/ackUri/20261207_115557_00002_5g79i//v1/spooled/ack/ID1');
  assert.deepEqual(storage.headers, { 'x-note': ['a }" ] {'] });
  assert.equal(coordinator.uri, 'https://gw/uri/20261207_115557_00002_5g79i//v1/spooled/download/ID2');
  assert.deepEqual(doc.data.segments.map((s) => s.metadata), JSON.parse(page).data.segments.map((s: { metadata: unknown }) => s.metadata));
  // Outside data nothing changes, not even `100.0` (JSON.stringify would write 100).
  const before = page.slice(0, page.indexOf('"data":'));
  const after = page.slice(page.indexOf(',"stats":'));
  assert.ok(out.startsWith(before) && out.endsWith(after));
});

test('pages of the direct protocol, pages without data and pages with nothing to rewrite come back as they were', () => {
  for (const page of [
    '{"id":"q","data":[[1,"{\\"uri\\":1}"]],"stats":{"state":"RUNNING"}}',
    '{"id":"q","nextUri":"http://trino:8080/v1/statement/queued/q/y/1","stats":{"state":"QUEUED"}}',
    '{"id":"q","data":{"encoding":"json","segments":[{"type":"spooled","uri":"http://s3/b/k","ackUri":"http://elsewhere/ack"}]}}',
  ]) {
    const input = Buffer.from(page);
    assert.equal(rewriteSegmentUris(input, toGateway), input);
  }
});

test('a truncated or malformed data object is refused, not relayed half rewritten', () => {
  const page = spooledPage();
  assert.throws(() => rewriteSegmentUris(Buffer.from(page.slice(0, page.indexOf('"stats"') - 40)), toGateway), SyntaxError);
  assert.throws(() => rewriteSegmentUris(Buffer.from('{"id":"q","data":{"segments":[{"uri":"http://trino:8080/x",}]}}'), toGateway), SyntaxError);
});

test("a segment token opens only for its own action and query, never as a follow-up's", () => {
  const signer = new QueryTokenSigner('x'.repeat(40), 60_000);
  const queryId = '20261207_115557_00002_5g79i';
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = signer.sign({ backend: 'trino1', user: 'alice', issuedAt, queryId, phase: 'ack', target: '/v1/spooled/ack/ID1' });
  const uri = new URL(segmentUri('https://gw', 'ack', queryId, token));
  const path = parseSegmentPath(uri.pathname)!;
  assert.equal(signer.verifyFollowUp(path).target, '/v1/spooled/ack/ID1');
  const notFound = (err: unknown) => err instanceof HttpFailure && err.status === 404;
  assert.throws(() => signer.verifyFollowUp({ ...path, phase: 'download' }), notFound);
  assert.throws(() => signer.verifyFollowUp({ ...path, queryId: '20261207_115557_00003_5g79i' }), notFound);
  assert.throws(() => signer.verifyFollowUp({ ...parseFollowUpPath(`/v1/statement/executing/${queryId}/${token}`)! }), notFound);
  for (const bad of ['/v1/spooled/ack', `/v1/spooled/ack/${queryId}`, `/v1/spooled/delete/${queryId}/${token}`, `/v1/spooled/ack/${queryId}/${token}/x`]) {
    assert.equal(parseSegmentPath(bad), undefined, bad);
  }
});
