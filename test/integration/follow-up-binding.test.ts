/**
 * Follow-up URIs as a hostile authenticated user sees them (issue 15, items 1 and 12). Mallory
 * holds valid follow-up tokens of her own queries and puts Alice's query id in the path: she must
 * get nothing of Alice's query (no rows, no cancel, no status code that tells Alice's id from a
 * random one), and on a Trino backend her requests must not touch Alice's admission slot, live
 * record or history, nor create history rows for ids she makes up. The tokens themselves must
 * not name the backend, its paths or the user.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, startAdminGateway, type AdminGateway } from '../support/admin-gateway.js';

let admin: AdminGateway;
/** Alice is `ops` (also an administrator, to read the admin API); Mallory is `hanna`. */
const ALICE = 'ops';
const MALLORY = 'hanna';
/** A query id in the gateway's shape that no query has. */
const RANDOM_ID = '20200101_000000_00042_abcde';

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function call(url: string, user: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: basic(user), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
    dispatcher: admin.dispatcher,
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Submits to a routing group (`main`, the default, is chosen by sending no hint). */
const submit = (user: string, sql: string, group: string) =>
  call(`${admin.url}/v1/statement`, user, { method: 'POST', body: sql, headers: group === 'main' ? {} : { 'X-Trino-Routing-Group': group } });

/** The same follow-up URI with another query id in its path (the id is the segment before the token). */
function withQueryId(uri: string, queryId: string): string {
  const parts = uri.split('/');
  parts[parts.length - 2] = queryId;
  return parts.join('/');
}

/** Polls a query to its end; returns every document. */
async function finish(user: string, first: Answer): Promise<Answer[]> {
  const docs = [first];
  for (let doc = first; typeof doc.json.nextUri === 'string'; ) {
    doc = await call(doc.json.nextUri, user);
    assert.equal(doc.status, 200, doc.text);
    docs.push(doc);
  }
  return docs;
}

/**
 * Queries running on a backend through the whole gateway (`fleetRunning`: with several workers a
 * worker reads the others' slots once per lease round, so the count is awaited until it is
 * `expected`, for a few rounds at most); returns the last count read.
 */
async function backendRunning(name: string, expected: number): Promise<number> {
  let running = -1;
  for (let read = 0; read < 30 && running !== expected; read++) {
    if (read > 0) await new Promise((r) => setTimeout(r, 100));
    const answer = await call(`${admin.url}/api/backends`, ALICE);
    const found = (answer.json.backends as Array<{ name: string; fleetRunning: number }>).find((b) => b.name === name);
    assert.ok(found, answer.text);
    running = found.fleetRunning;
  }
  return running;
}

before(async () => {
  admin = await startAdminGateway({
    backends: [
      { name: 'trino1', engine: 'trino', url: 'http://127.0.0.1:18080', group: 'main', maxRunning: 1 },
      { name: 'embedded', engine: 'duckdb', group: 'local' },
      // One slot: the second query waits in the gateway queue.
      { name: 'tiny', engine: 'duckdb', group: 'tiny', demo: false, maxRunning: 1 },
    ],
    routing: { defaultGroup: 'main', allowHints: ['local', 'tiny'] },
  });
});
after(async () => admin?.close());

describe('embedded engine', () => {
  test("Mallory's executing token with Alice's query id: no rows, no cancel, the status of a random id", async () => {
    const alice = await submit(ALICE, 'SELECT * FROM demo.tpch.lineitem', 'local');
    const aliceId = alice.json.id as string;
    // Alice is at token 1; her next URI asks for token 2.
    const alicePage1 = await call(alice.json.nextUri as string, ALICE);
    assert.equal(alicePage1.status, 200);

    const mallory = await submit(MALLORY, 'SELECT 1', 'local');
    const malloryExecuting = (await call(mallory.json.nextUri as string, MALLORY)).json.nextUri as string;
    assert.ok(malloryExecuting.includes('/executing/'), 'Mallory holds an executing URI for token 2');

    for (const method of ['GET', 'DELETE']) {
      const guessed = await call(withQueryId(malloryExecuting, aliceId), MALLORY, { method });
      const random = await call(withQueryId(malloryExecuting, RANDOM_ID), MALLORY, { method });
      assert.equal(guessed.status, random.status, `${method}: a guessed id answers like a random one`);
      assert.equal(guessed.status, 404, method);
      assert.doesNotMatch(guessed.text, /"data"/);
    }
    // Alice's query was neither read ahead nor canceled: she gets every row.
    const rest = await finish(ALICE, alicePage1);
    assert.equal(rest.at(-1)!.json.error, undefined, JSON.stringify(rest.at(-1)!.json.error));
    const count = await finish(ALICE, await submit(ALICE, 'SELECT count(*) FROM demo.tpch.lineitem', 'local'));
    const rows = [alicePage1, ...rest.slice(1)].reduce((n, doc) => n + ((doc.json.data as unknown[] | undefined)?.length ?? 0), 0);
    assert.equal(String(rows), JSON.stringify(count.find((d) => d.json.data)!.json.data).slice(2, -2));
  });

  test("Mallory's queued token with Alice's query id: no document, no cancel", async () => {
    const alice = await submit(ALICE, 'SELECT 42', 'local');
    const aliceId = alice.json.id as string;
    const mallory = await submit(MALLORY, 'SELECT 1', 'local');
    const malloryQueued = mallory.json.nextUri as string;
    assert.ok(malloryQueued.includes('/queued/'));
    for (const method of ['GET', 'DELETE']) {
      const guessed = await call(withQueryId(malloryQueued, aliceId), MALLORY, { method });
      const random = await call(withQueryId(malloryQueued, RANDOM_ID), MALLORY, { method });
      assert.equal(guessed.status, random.status, method);
      assert.equal(guessed.status, 404, method);
    }
    const docs = await finish(ALICE, alice);
    assert.equal(docs.at(-1)!.json.error, undefined, JSON.stringify(docs.at(-1)!.json.error));
    assert.deepEqual(docs.find((d) => d.json.data)?.json.data, [[42]]);
  });

  test("a query waiting in the gateway queue: Mallory's queue token with Alice's id answers like a random id", async () => {
    const holder = await submit(ALICE, 'SELECT 1', 'tiny');
    const alice = await submit(ALICE, 'SELECT 2', 'tiny');
    const mallory = await submit(MALLORY, 'SELECT 3', 'tiny');
    const aliceId = alice.json.id as string;
    for (const method of ['GET', 'DELETE']) {
      const guessed = await call(withQueryId(mallory.json.nextUri as string, aliceId), MALLORY, { method });
      const random = await call(withQueryId(mallory.json.nextUri as string, RANDOM_ID), MALLORY, { method });
      assert.equal(guessed.status, random.status, method);
      assert.equal(guessed.status, 404, method);
    }
    await finish(ALICE, holder);
    const docs = await finish(ALICE, alice);
    assert.deepEqual(docs.find((d) => d.json.data)?.json.data, [[2]]);
    await finish(MALLORY, mallory);
  });
});

describe('Trino backend', () => {
  test("Mallory's last URI with Alice's id: Alice's slot, live record and history stay; no history row for a made-up id", async () => {
    // Mallory runs her query to the end and keeps the URI of its final document.
    const mallory = await submit(MALLORY, 'SELECT 1', 'main');
    const docs = await finish(MALLORY, mallory);
    assert.ok(docs.length >= 2, mallory.text);
    const lastUri = docs.at(-2)!.json.nextUri as string;
    assert.equal(await backendRunning('trino1', 0), 0, "Mallory's slot is free again");
    // Alice's query holds trino1's only slot while she is away.
    const alice = await submit(ALICE, 'SELECT 2', 'main');
    const aliceId = alice.json.id as string;
    assert.equal(await backendRunning('trino1', 1), 1);

    for (const method of ['GET', 'DELETE']) {
      const guessed = await call(withQueryId(lastUri, aliceId), MALLORY, { method });
      const random = await call(withQueryId(lastUri, RANDOM_ID), MALLORY, { method });
      assert.equal(guessed.status, random.status, method);
      assert.equal(guessed.status, 404, method);
      assert.equal(await backendRunning('trino1', 1), 1, `${method}: Alice's admission slot is still hers`);
      const live = (await call(`${admin.url}/api/queries/live`, ALICE)).json.items as Array<{ id: string; state: string }>;
      assert.ok(live.some((q) => q.id === aliceId && q.state === 'RUNNING'), `${method}: Alice's query is still live`);
    }

    // Alice finishes; once her end is in history, everything written before it is too.
    const aliceDocs = await finish(ALICE, alice);
    assert.deepEqual(aliceDocs.find((d) => d.json.data)?.json.data, [[2]]);
    let record: Answer | undefined;
    for (let i = 0; i < 100; i++) {
      record = await call(`${admin.url}/api/queries/${aliceId}`, ALICE);
      if (record.json.state === 'FINISHED' && record.json.endedAt !== undefined) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(record!.json.state, 'FINISHED');
    assert.equal((await call(`${admin.url}/api/queries/${RANDOM_ID}`, ALICE)).status, 404, 'no history row for a made-up id');
  });
});

test("a partial cancel stops a stage, not the query: the query keeps its admission slot and live record", async () => {
  const alice = await submit(ALICE, 'SELECT count(*) FROM tpch.sf1000.orders a CROSS JOIN tpch.sf1000.orders b', 'main');
  let doc = alice;
  for (let polls = 0; doc.json.partialCancelUri === undefined; polls++) {
    assert.ok(polls < 60 && typeof doc.json.nextUri === 'string', doc.text);
    doc = await call(doc.json.nextUri as string, ALICE);
  }
  try {
    assert.equal((await call(doc.json.partialCancelUri as string, ALICE, { method: 'DELETE' })).status, 204);
    assert.equal(await backendRunning('trino1', 1), 1);
    const live = (await call(`${admin.url}/api/queries/live`, ALICE)).json.items as Array<{ id: string }>;
    assert.ok(live.some((q) => q.id === alice.json.id));
  } finally {
    await call(doc.json.nextUri as string, ALICE, { method: 'DELETE' });
  }
  assert.equal(await backendRunning('trino1', 0), 0);
});

test("GET and DELETE /v1/query/{id}: Alice's id answers Mallory as a random id does, and nothing is canceled", async () => {
  for (const group of ['local', 'main']) {
    const alice = await submit(ALICE, 'SELECT 7', group);
    const aliceId = alice.json.id as string;
    for (const method of ['GET', 'DELETE']) {
      const guessed = await call(`${admin.url}/v1/query/${aliceId}`, MALLORY, { method });
      const random = await call(`${admin.url}/v1/query/${RANDOM_ID}`, MALLORY, { method });
      assert.equal(guessed.status, random.status, `${group} ${method}`);
      assert.equal(guessed.text, random.text, `${group} ${method}`);
    }
    // Alice herself sees her query; it was not canceled.
    assert.equal((await call(`${admin.url}/v1/query/${aliceId}`, ALICE)).status, 200, group);
    const docs = await finish(ALICE, alice);
    assert.deepEqual(docs.find((d) => d.json.data)?.json.data, [[7]], group);
  }
});

test('follow-up URIs do not show the backend, its paths or the user', async () => {
  for (const [group, backend] of [['main', 'trino1'], ['local', 'embedded']] as const) {
    const first = await submit(MALLORY, 'SELECT 1', group);
    const docs = await finish(MALLORY, first);
    for (const doc of docs) {
      for (const key of ['nextUri', 'partialCancelUri']) {
        const uri = doc.json[key] as string | undefined;
        if (uri === undefined) continue;
        const token = uri.slice(uri.lastIndexOf('/') + 1);
        for (const part of token.split('.')) {
          const decoded = Buffer.from(part, 'base64url').toString('latin1');
          for (const secret of [backend, MALLORY, 'statement', '127.0.0.1']) assert.ok(!decoded.includes(secret), `${key} token reveals ${secret}`);
        }
      }
    }
  }
});
