/**
 * The embedded engine's result memory (issue 15, item 7): a client's targetResultSize is capped
 * to the page limit, and the pages held for queries (being built, or kept for a retry) are
 * bounded per user and in total; what does not fit fails with EXCEEDED_GLOBAL_MEMORY_LIMIT and a
 * message naming the limit. Limits are set small here so the bounds are counted in pages.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { get, post, topLevelRaw, type RawResponse } from '../support/protocol-client.js';
import { startTestGateway } from '../support/services.js';

const PAGE = 256 * 1024;
const PER_USER = 1024 * 1024;
const TOTAL = 2 * 1024 * 1024;
/** A lineitem row's JSON text is far below this; a page may exceed its target by less than one row. */
const ROW = 1024;
const SQL = 'SELECT * FROM demo.tpch.lineitem';

let gateway: RunningGateway;

before(async () => {
  gateway = await startTestGateway({
    backends: [{ name: 'embedded', engine: 'duckdb', results: { maxPageSize: '256kB', maxHeldPerUser: '1MB', maxHeld: '2MB' } }],
  });
});
after(async () => gateway?.close());

const as = (user: string) => ({ 'X-Trino-User': user });

/** Submits and polls (asking for `targetResultSize`) until the first page with data or an error. */
async function firstPage(user: string, targetResultSize = '128MB'): Promise<{ doc: RawResponse; uri: string }> {
  let doc = await post(gateway.url, SQL, as(user));
  let uri = '';
  while (doc.json.data === undefined && doc.json.error === undefined) {
    uri = `${doc.json.nextUri as string}?targetResultSize=${targetResultSize}`;
    doc = await get(uri, as(user));
    assert.equal(doc.status, 200, doc.text);
  }
  return { doc, uri };
}

const dataLength = (doc: RawResponse) => topLevelRaw(doc.text, 'data')?.length ?? 0;

test('targetResultSize is capped at the page limit', async () => {
  const { doc, uri } = await firstPage('alice');
  assert.equal(doc.json.error, undefined);
  const size = dataLength(doc);
  assert.ok(size > PAGE / 2 && size <= PAGE + ROW, `a page of ${size} characters against a limit of ${PAGE}`);
  await get(uri.replace(/\?.*/, ''), as('alice'), 'DELETE');
});

test('pages held are bounded per user and in total; canceling gives them back; the error says which limit', async () => {
  const held: Array<{ user: string; uri: string }> = [];
  const run = async (user: string) => {
    const { doc, uri } = await firstPage(user, '256kB');
    if (doc.json.error === undefined) held.push({ user, uri });
    return doc;
  };
  // Mallory's queries each keep one page she never fetches past: four fit in her 1MB.
  const mallory = [];
  for (let i = 0; i < 5; i++) mallory.push(await run('mallory'));
  assert.equal(mallory.filter((d) => d.json.error === undefined).length, PER_USER / PAGE);
  const refused = mallory.at(-1)!.json.error as { errorName: string; errorType: string; message: string };
  assert.equal(refused.errorName, 'EXCEEDED_GLOBAL_MEMORY_LIMIT');
  assert.equal(refused.errorType, 'INSUFFICIENT_RESOURCES');
  assert.match(refused.message, /result memory per user \(1MB\)/);

  // Another user is not locked out by Mallory; the total caps everyone together.
  const others = [];
  for (let i = 0; i < 5; i++) others.push(await run(i < 2 ? 'alice' : 'bob'));
  assert.equal(others.filter((d) => d.json.error === undefined).length, (TOTAL - PER_USER) / PAGE);
  assert.match((others.at(-1)!.json.error as { message: string }).message, /result memory \(2MB for all queries\)/);

  // A retry of the last poll gets the page kept for it.
  const kept = held.find((h) => h.user === 'alice')!;
  const retry = await get(kept.uri, as('alice'));
  assert.equal(retry.status, 200);
  assert.ok(dataLength(retry) > 0);

  // Canceled queries give their pages back: Mallory can read again.
  for (const { user, uri } of held.filter((h) => h.user === 'mallory')) {
    assert.equal((await get(uri.replace(/\?.*/, ''), as(user), 'DELETE')).status, 204);
  }
  const again = await run('mallory');
  assert.equal(again.json.error, undefined, JSON.stringify(again.json.error));
  for (const { user, uri } of held) await get(uri.replace(/\?.*/, ''), as(user), 'DELETE');
});

test('a page the client has moved past is let go: a retry of it is gone (410)', async () => {
  const { doc, uri } = await firstPage('carol', '64kB');
  const next = await get(`${doc.json.nextUri as string}?targetResultSize=64kB`, as('carol'));
  assert.equal(next.status, 200);
  assert.equal((await get(uri, as('carol'))).status, 410);
  await get(doc.json.nextUri as string, as('carol'), 'DELETE');
});

test('a single row larger than the page limit fails its query with EXCEEDED_LOCAL_MEMORY_LIMIT', async () => {
  let doc = await post(gateway.url, `SELECT lpad('x', ${PAGE + 1000}, 'x') AS big`, as('dave'));
  let rows = 0;
  while (typeof doc.json.nextUri === 'string') {
    doc = await get(doc.json.nextUri, as('dave'));
    rows += (doc.json.data as unknown[] | undefined)?.length ?? 0;
  }
  assert.equal(rows, 0);
  const error = doc.json.error as { errorName: string; message: string } | undefined;
  assert.equal(error?.errorName, 'EXCEEDED_LOCAL_MEMORY_LIMIT');
  assert.match(error.message, /page size limit \(256kB\): a single row of its result is larger/);
});
