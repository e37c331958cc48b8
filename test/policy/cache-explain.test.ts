/** DecisionCache keys, LRU bound, TTL, policy versions; explainAccess output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecisionCache, decisionKey, type DecisionKeyInput } from '../../src/policy/decision-cache.js';
import { explainAccess } from '../../src/policy/explain.js';
import { decide, rules, who } from './support.js';

const base: DecisionKeyInput = { policyVersion: 1, user: 'bob', groups: ['a', 'b'], catalog: 'tpch', schema: 'tiny', sql: 'SELECT 1' };

test('the key changes with every input that can change the answer, and only with those', () => {
  const k = decisionKey(base).hash;
  const variants: Array<Partial<DecisionKeyInput>> = [
    { policyVersion: 2 },
    { user: 'alice' },
    { originalUser: 'svc' },
    { groups: ['a'] },
    { groups: ['a', 'b', 'c'] },
    { roles: ['admin'] },
    { catalog: 'memory' },
    { catalog: undefined },
    { schema: 'sf1' },
    { path: 'x.y' },
    { sessionProperties: [{ name: 'p', value: '1' }] },
    { preparedStatements: new Map([['s', 'SELECT c_phone FROM customer']]) },
    { sql: 'SELECT 2' },
    { sql: 'SELECT 1 ' },
    { metadataVersion: 7 },
    { extra: 'duckdb' },
  ];
  const seen = new Set([k]);
  for (const v of variants) {
    const h = decisionKey({ ...base, ...v }).hash;
    assert.ok(!seen.has(h), `variant ${JSON.stringify(v)} collides`);
    seen.add(h);
  }
  // Same set of groups in another order, duplicates: the same identity.
  assert.equal(decisionKey({ ...base, groups: ['b', 'a', 'a'] }).hash, k);
  // Length prefixes: moving text between fields never collides.
  assert.notEqual(decisionKey({ ...base, user: 'bo', groups: ['ba', 'b'] }).hash, decisionKey({ ...base, user: 'bob', groups: ['a', 'b'] }).hash.replace(/./, 'x'));
  assert.notEqual(decisionKey({ ...base, catalog: 'ab', schema: 'c' }).hash, decisionKey({ ...base, catalog: 'a', schema: 'bc' }).hash);
  const p1 = decisionKey({ ...base, preparedStatements: new Map([['a', 'b'], ['c', 'd']]) }).hash;
  const p2 = decisionKey({ ...base, preparedStatements: new Map([['c', 'd'], ['a', 'b']]) }).hash;
  assert.equal(p1, p2, 'prepared statement order does not matter');
});

test('LRU: bounded size, least recently used evicted first, hit/miss counters', () => {
  const cache = new DecisionCache<string>({ maxEntries: 2 });
  const k = (sql: string) => decisionKey({ ...base, sql });
  cache.set(k('a'), 'A');
  cache.set(k('b'), 'B');
  assert.equal(cache.get(k('a')), 'A'); // a is now most recent
  cache.set(k('c'), 'C'); // evicts b
  assert.equal(cache.get(k('b')), undefined);
  assert.equal(cache.get(k('c')), 'C');
  assert.deepEqual(cache.stats(), { hits: 2, misses: 1, size: 2, evictions: 1, invalidations: 0 });
  cache.invalidateAll();
  assert.equal(cache.get(k('a')), undefined);
  assert.equal(cache.stats().invalidations, 1);
});

test('a new policy version drops every entry and refuses answers computed under an older one; entries expire', () => {
  let now = 0;
  const cache = new DecisionCache<string>({ ttlMs: 1000, now: () => now });
  const v1 = decisionKey({ ...base, policyVersion: 1 });
  const v2 = decisionKey({ ...base, policyVersion: 2 });
  cache.set(v1, 'old');
  assert.equal(cache.get(v1), 'old');
  assert.equal(cache.get(v2), undefined);
  assert.equal(cache.stats().size, 0, 'seeing version 2 cleared the cache');
  cache.set(v1, 'late answer from the old policy');
  assert.equal(cache.stats().size, 0);
  cache.set(v2, 'new');
  now = 999;
  assert.equal(cache.get(v2), 'new');
  now = 2000;
  assert.equal(cache.get(v2), undefined, 'expired');
  assert.equal(cache.getOrCompute(v2, () => 'computed'), 'computed');
  assert.equal(cache.get(v2), 'computed');
});

test('explainAccess lists the request, the decision and the deciding rule of every check', async () => {
  const r = rules({ tables: [{ catalog: 'tpch', table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_phone', allow: false }] }, { catalog: 'tpch', privileges: ['SELECT'] }] }, 'etc/rules.json');
  const sql = 'SELECT c_name, c_phone, upper(n_name) FROM customer JOIN nation ON c_nationkey = n_nationkey';
  const id = who('bob', ['analysts']);
  const d = await decide(r, id, sql);
  const text = explainAccess({ sql, identity: id, request: d.request, decision: d, rules: r, session: { catalog: 'tpch', schema: 'tiny' } });
  assert.match(text, /^Statement: SELECT c_name/m);
  assert.match(text, /Identity: user=bob groups=\[analysts\]/);
  assert.match(text, /Policy: etc\/rules\.json \(version \d+\)/);
  assert.match(text, /table tpch\.tiny\.customer {2}SELECT {2}columns \[c_name, c_nationkey, c_phone\]/);
  assert.match(text, /functions: upper/);
  assert.match(text, /Decision: DENIED\n {2}Access Denied: Cannot select from table tpch\.tiny\.customer/);
  assert.match(text, /DENY +SelectFromColumns +tpch\.tiny\.customer \[c_name, c_nationkey, c_phone\]\n +decided by tables\[0\]: columns \[c_phone\] have allow: false/);
  assert.match(text, /allow +SelectFromColumns +tpch\.tiny\.nation \[n_name, n_nationkey\]\n +decided by tables\[1\]/);
  assert.match(text, /allow +ExecuteFunction +system\.builtin\.upper\n +decided by builtin/);
  assert.match(text, /Rules used:\n {2}tables\[0\]: \{"catalog":"tpch","table":"customer"/);
});
