import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkippingRewriter, TopLevelValueRewriter } from '../../src/protocol/uri-rewriter.js';
import { seededRandom } from '../support/random.js';

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

test("skipping data: the output is the full scan's", () => {
  const doc =
    '{"id":"q1","infoUri":"http://b/ui/q1","nextUri":"http://b/v1/statement/executing/q1/y/1","columns":[{"name":"a","type":"varchar"}],' +
    '"data":[["x\\\\"],["{\\"y\\":[1]}"],[12345678901234567890]],"stats":{"state":"RUNNING","progressPercentage":1.0}}\n';
  const result = sameAsFullScan(doc);
  assert.deepEqual(result.seen, ['infoUri=http://b/ui/q1', 'nextUri=http://b/v1/statement/executing/q1/y/1']);
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

test('skipping data: strings with brackets, quotes and backslash runs inside data, and a scalar data value', () => {
  sameAsFullScan('{"data":[["]\\\\","\\\\\\"]}",{"k":"[{"}],[null]],"nextUri":"http://b/v1/statement/executing/q/y/4"}');
  sameAsFullScan('{"data":"[not an array]","nextUri":"http://b/v1/statement/executing/q/y/5"}');
  sameAsFullScan('{"data":null,"nextUri":"http://b/v1/statement/executing/q/y/6"}');
  sameAsFullScan('{"data":{"encoding":"json","segments":[]},"nextUri":"http://b/v1/statement/executing/q/y/7"}');
});

test("skipping data: generated documents cut into random chunks and truncated anywhere agree with the full scan", () => {
  const pieces = ['"', '\\\\', '\\"', '[', ']', '{', '}', 'nextUri', ':', ',', 'a', '1'];
  for (let seed = 1; seed <= 300; seed++) {
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(pieces)).join('');
    const value = (depth: number): string => {
      const kind = next();
      if (depth > 3 || kind < 0.4) return JSON.stringify(text());
      if (kind < 0.5) return String(Math.floor(next() * 1e6));
      if (kind < 0.75) return `[${Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1)).join(',')}]`;
      return `{${Array.from({ length: Math.floor(next() * 3) }, () => `${JSON.stringify(pick(['nextUri', 'k', text()]))}:${value(depth + 1)}`).join(',')}}`;
    };
    const doc = `{"id":"q","nextUri":"http://b/v1/statement/executing/q/y/1","data":${value(0)},"stats":${value(1)},"infoUri":"http://b/ui"}`;
    for (const cut of [doc.length, Math.floor(next() * doc.length)]) {
      const truncated = doc.slice(0, cut);
      const expected = rewriteIn([truncated]);
      const chunks: string[] = [];
      for (let at = 0; at < truncated.length; ) {
        const size = 1 + Math.floor(next() * 9);
        chunks.push(truncated.slice(at, at + size));
        at += size;
      }
      const skipped = rewriteSkipping(chunks);
      assert.equal(skipped.text, expected.text, `seed ${seed}, cut ${cut}`);
      assert.equal(skipped.complete, expected.complete, `seed ${seed}, cut ${cut}`);
      assert.deepEqual(skipped.seen, expected.seen, `seed ${seed}, cut ${cut}`);
    }
  }
});
