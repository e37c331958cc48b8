import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TopLevelValueRewriter } from '../../src/protocol/uri-rewriter.js';

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
