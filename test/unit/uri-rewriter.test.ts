import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkippingRewriter, TopLevelValueRewriter } from '../../src/protocol/uri-rewriter.js';

const KEYS = new Set(['nextUri', 'infoUri', 'partialCancelUri']);

function rewriteIn(chunks: string[], rewrite = (key: string, value: string) => `gw:${key}:${value}`): { text: string; complete: boolean; seen: string[] } {
  const seen: string[] = [];
  const rewriter = new TopLevelValueRewriter(KEYS, (key, value) => {
    seen.push(`${key}=${value}`);
    return rewrite(key, value);
  });
  const out: Buffer[] = [];
  for (const chunk of chunks) out.push(...rewriter.push(Buffer.from(chunk, 'utf8')));
  return { text: Buffer.concat(out).toString('utf8'), complete: rewriter.complete, seen };
}

/** Every way of cutting a text into two or three chunks must give the same output. */
function allSplits(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    const j = Math.min(text.length - 1, i + 7);
    if (j > i) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

test('rewrites only top-level URI values and keeps data bytes exactly', () => {
  const doc =
    '{"id":"q1","infoUri":"http://b/ui/query.html?q1","nextUri":"http://b/v1/statement/executing/q1/y1/1",' +
    '"columns":[{"name":"m","type":"map(varchar, varchar)"}],' +
    '"data":[[{"nextUri":"http://evil/x"},1.0,12345678901234567890,"a\\"nextUri\\":\\"x"]],"stats":{"state":"RUNNING"}}';
  const expected = doc
    .replace('"http://b/ui/query.html?q1"', '"gw:infoUri:http://b/ui/query.html?q1"')
    .replace('"http://b/v1/statement/executing/q1/y1/1"', '"gw:nextUri:http://b/v1/statement/executing/q1/y1/1"');
  for (const chunks of allSplits(doc)) {
    const { text, complete, seen } = rewriteIn(chunks);
    assert.equal(text, expected, `split ${JSON.stringify(chunks.map((c) => c.length))}`);
    assert.equal(complete, true);
    assert.deepEqual(seen, ['infoUri=http://b/ui/query.html?q1', 'nextUri=http://b/v1/statement/executing/q1/y1/1']);
  }
});

test('decodes escaped characters in a watched value and handles backslash runs across chunks', () => {
  const doc = '{"x":"a\\\\","nextUri":"http:\\/\\/b\\/p?q=\\"1\\"","y":"\\\\\\""}';
  for (const chunks of allSplits(doc)) {
    const { text, seen } = rewriteIn(chunks, () => 'NEW');
    assert.equal(text, '{"x":"a\\\\","nextUri":"NEW","y":"\\\\\\""}');
    assert.deepEqual(seen, ['nextUri=http://b/p?q="1"']);
  }
});

test('keeps a value when the rewrite declines and reports truncated documents as incomplete', () => {
  const { text } = rewriteIn(['{"nextUri":"keep"}'], () => undefined as unknown as string);
  assert.equal(text, '{"nextUri":"keep"}');
  assert.equal(rewriteIn(['{"nextUri":"http://b/', 'x']).complete, false);
  assert.equal(rewriteIn(['{"data":[[1,2]']).complete, false);
});

test('non-string values of watched keys pass through untouched', () => {
  const { text, seen } = rewriteIn(['{"nextUri":null,"infoUri" : "u"}']);
  assert.equal(text, '{"nextUri":null,"infoUri" : "gw:infoUri:u"}');
  assert.deepEqual(seen, ['infoUri=u']);
});

/** A SkippingRewriter over `chunks`, with what the rewriter saw and whether `error` was noticed. */
function rewriteSkipping(chunks: string[]): { text: string; complete: boolean; seen: string[]; error: boolean; rewriter: TopLevelValueRewriter } {
  const seen: string[] = [];
  let error = false;
  const rewriter = new TopLevelValueRewriter(
    KEYS,
    (key, value) => {
      seen.push(`${key}=${value}`);
      return `gw:${key}:${value}`;
    },
    { keys: new Set(['error']), notice: () => (error = true) },
  );
  const skipping = new SkippingRewriter(rewriter, 'data');
  const out: Buffer[] = [];
  for (const chunk of chunks) out.push(...skipping.push(Buffer.from(chunk, 'utf8')));
  return { text: Buffer.concat(out).toString('utf8'), complete: skipping.complete, seen, error, rewriter };
}

/** The output of a SkippingRewriter must be the full scan's, however the document is cut. */
function sameAsFullScan(doc: string): ReturnType<typeof rewriteSkipping> {
  const expected = rewriteIn([doc]);
  let last: ReturnType<typeof rewriteSkipping> | undefined;
  for (const chunks of allSplits(doc)) {
    last = rewriteSkipping(chunks);
    assert.equal(last.text, expected.text, `split ${JSON.stringify(chunks.map((c) => c.length))}`);
    assert.equal(last.complete, expected.complete, `split ${JSON.stringify(chunks.map((c) => c.length))}`);
    assert.deepEqual(last.seen, expected.seen);
  }
  return last!;
}

test("skipping data: the output is the full scan's, and data that cannot matter is not scanned", () => {
  const doc =
    '{"id":"q1","infoUri":"http://b/ui/q1","nextUri":"http://b/v1/statement/executing/q1/y/1","columns":[{"name":"a","type":"varchar"}],' +
    '"data":[["x\\\\"],["{\\"y\\":[1]}"],[12345678901234567890]],"stats":{"state":"RUNNING","progressPercentage":1.0}}\n';
  const result = sameAsFullScan(doc);
  assert.deepEqual(result.seen, ['infoUri=http://b/ui/q1', 'nextUri=http://b/v1/statement/executing/q1/y/1']);
  assert.equal(result.rewriter.couldMatter(Buffer.from(doc.slice(doc.indexOf('"data":') + 7))), false, 'so it is passed on unscanned');
});

test('skipping data: anything after data that could matter is scanned, even across chunk boundaries', () => {
  // A URI member after data (not Trino's order) is still rewritten.
  const late = sameAsFullScan('{"id":"q","data":[[1],[2]],"nextUri":"http://b/v1/statement/executing/q/y/2"}');
  assert.equal(late.text, '{"id":"q","data":[[1],[2]],"nextUri":"gw:nextUri:http://b/v1/statement/executing/q/y/2"}');
  // A map key named like a URI member inside data is nested, so left alone.
  const nested = sameAsFullScan('{"nextUri":"http://b/1","data":[[{"nextUri":"v"}],[3]],"stats":{}}');
  assert.equal(nested.text, '{"nextUri":"gw:nextUri:http://b/1","data":[[{"nextUri":"v"}],[3]],"stats":{}}');
  // An escaped spelling of a key is recognised.
  const escaped = sameAsFullScan('{"data":[[1]],"next\\u0055ri":"http://b/v1/statement/executing/q/y/3"}');
  assert.equal(escaped.text, '{"data":[[1]],"next\\u0055ri":"gw:nextUri:http://b/v1/statement/executing/q/y/3"}');
  // An error member after data is noticed.
  assert.equal(sameAsFullScan('{"id":"q","data":[[1]],"error":{"message":"boom"}}').error, true);
  assert.equal(sameAsFullScan('{"id":"q","data":[[1]],"stats":{}}').error, false);
});

test('skipping data: a truncated document is incomplete', () => {
  for (const doc of ['{"id":"q","data":[[1],[2]', '{"id":"q","data":[[1],[2]],"stats":{"state":"RUN', '{"id":"q","nextUri":"http://b/', '{"id":"q"']) {
    for (const chunks of allSplits(doc)) assert.equal(rewriteSkipping(chunks).complete, false, `${doc} split ${JSON.stringify(chunks.map((c) => c.length))}`);
  }
});
