import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TopLevelValueRewriter } from '../../src/protocol/uri-rewriter.js';
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

/** A rewriter noticing `error`, over every split of `doc` (see allSplits): the output, completeness and values seen must not depend on the split. */
function rewriteEverySplit(doc: string): { text: string; complete: boolean; seen: string[]; error: boolean } {
  let first: { text: string; complete: boolean; seen: string[]; error: boolean } | undefined;
  for (const chunks of allSplits(doc)) {
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
    const out: Buffer[] = [];
    for (const chunk of chunks) out.push(...rewriter.push(Buffer.from(chunk, 'utf8')));
    const result = { text: Buffer.concat(out).toString('utf8'), complete: rewriter.complete, seen, error };
    if (first === undefined) first = result;
    else assert.deepEqual(result, first, `split ${JSON.stringify(chunks.map((c) => c.length))}`);
  }
  return first!;
}

/**
 * What the rewriter must make of a complete document, from JSON.parse: the top-level watched
 * string values replaced, everything else (numbers' spelling included) as it was.
 */
function expectedRewrite(doc: string): { parsed: unknown; seen: string[] } {
  const parsed = JSON.parse(doc) as Record<string, unknown>;
  const seen: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (KEYS.has(key) && typeof value === 'string') {
      seen.push(`${key}=${value}`);
      parsed[key] = `gw:${key}:${value}`;
    }
  }
  return { parsed, seen };
}

test('members after data are rewritten and noticed, nested look-alikes are not, even across chunk boundaries', () => {
  const doc =
    '{"id":"q1","infoUri":"http://b/ui/q1","nextUri":"http://b/v1/statement/executing/q1/y/1","columns":[{"name":"a","type":"varchar"}],' +
    '"data":[["x\\\\"],["{\\"y\\":[1]}"],[12345678901234567890]],"stats":{"state":"RUNNING","progressPercentage":1.0}}\n';
  const result = rewriteEverySplit(doc);
  assert.deepEqual(result.seen, ['infoUri=http://b/ui/q1', 'nextUri=http://b/v1/statement/executing/q1/y/1']);
  assert.ok(result.text.includes('[12345678901234567890]],"stats":{"state":"RUNNING","progressPercentage":1.0}}'), 'data and stats byte for byte');
  // A URI member after data (not Trino's order) is still rewritten.
  assert.equal(rewriteEverySplit('{"id":"q","data":[[1],[2]],"nextUri":"http://b/v1/statement/executing/q/y/2"}').text, '{"id":"q","data":[[1],[2]],"nextUri":"gw:nextUri:http://b/v1/statement/executing/q/y/2"}');
  // A map key named like a URI member inside data is nested, so left alone.
  assert.equal(rewriteEverySplit('{"nextUri":"http://b/1","data":[[{"nextUri":"v"}],[3]],"stats":{}}').text, '{"nextUri":"gw:nextUri:http://b/1","data":[[{"nextUri":"v"}],[3]],"stats":{}}');
  // An escaped spelling of a key is recognised.
  assert.equal(rewriteEverySplit('{"data":[[1]],"next\\u0055ri":"http://b/v1/statement/executing/q/y/3"}').text, '{"data":[[1]],"next\\u0055ri":"gw:nextUri:http://b/v1/statement/executing/q/y/3"}');
  // An error member after data is noticed; one inside data is not.
  assert.equal(rewriteEverySplit('{"id":"q","data":[[1]],"error":{"message":"boom"}}').error, true);
  assert.equal(rewriteEverySplit('{"id":"q","data":[[{"error":1}]],"stats":{}}').error, false);
});

test('strings with brackets, quotes and backslash runs inside data, and a scalar data value', () => {
  for (const doc of [
    '{"data":[["]\\\\","\\\\\\"]}",{"k":"[{"}],[null]],"nextUri":"http://b/v1/statement/executing/q/y/4"}',
    '{"data":"[not an array]","nextUri":"http://b/v1/statement/executing/q/y/5"}',
    '{"data":null,"nextUri":"http://b/v1/statement/executing/q/y/6"}',
    '{"data":{"encoding":"json","segments":[]},"nextUri":"http://b/v1/statement/executing/q/y/7"}',
  ]) {
    const result = rewriteEverySplit(doc);
    const expected = expectedRewrite(doc);
    assert.deepEqual(JSON.parse(result.text), expected.parsed, doc);
    assert.deepEqual(result.seen, expected.seen, doc);
    assert.equal(result.complete, true, doc);
  }
});

test('a truncated document is incomplete wherever it is cut', () => {
  for (const doc of ['{"id":"q","data":[[1],[2]', '{"id":"q","data":[[1],[2]],"stats":{"state":"RUN', '{"id":"q","nextUri":"http://b/', '{"id":"q"', '{"id":"q","data":[["a\\"]]']) {
    assert.equal(rewriteEverySplit(doc).complete, false, doc);
  }
});

test('generated documents in random chunks, whole or cut anywhere, are rewritten as JSON.parse reads them', () => {
  const pieces = ['"', '\\', '\\"', '[', ']', '{', '}', 'nextUri', ':', ',', 'a', '1'];
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
    const cut = Math.floor(next() * doc.length);
    for (const bytes of [doc, doc.slice(0, cut)]) {
      const chunks: string[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(next() * 9);
        chunks.push(bytes.slice(at, at + size));
        at += size;
      }
      const result = rewriteIn(chunks);
      if (bytes === doc) {
        const expected = expectedRewrite(doc);
        assert.deepEqual(JSON.parse(result.text), expected.parsed, `seed ${seed}`);
        assert.deepEqual(result.seen, expected.seen, `seed ${seed}`);
        assert.equal(result.complete, true, `seed ${seed}`);
      } else {
        assert.equal(result.complete, false, `seed ${seed}, cut at ${cut}`);
      }
    }
  }
});
