import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpFailure } from '../../src/protocol/errors.js';
import { formEncode, parseSession } from '../../src/protocol/session.js';

test('parses every session header of the Trino family', () => {
  const session = parseSession({
    'x-trino-user': 'alice',
    'x-trino-catalog': 'tpch',
    'x-trino-schema': 'tiny',
    'x-trino-time-zone': 'Europe/Paris',
    'x-trino-session': ['query_max_run_time=1h', 'hive.insert_behavior=OVERWRITE,join_distribution_type=BROADCAST'],
    'x-trino-role': 'system=ROLE%7Badmin%7D',
    'x-trino-prepared-statement': 'my+stmt=SELECT+%3F%2C+%27a%2Cb%27',
    'x-trino-extra-credential': 'routing=athena',
    'x-trino-client-tags': 'etl,nightly',
    'x-trino-client-capabilities': 'PATH,PARAMETRIC_DATETIME',
    'x-trino-transaction-id': 'NONE',
    'x-trino-source': 'trino-cli',
  });
  assert.equal(session.dialect, 'trino');
  assert.equal(session.user, 'alice');
  assert.equal(session.catalog, 'tpch');
  assert.equal(session.schema, 'tiny');
  assert.equal(session.timeZone, 'Europe/Paris');
  assert.deepEqual([...session.properties], [
    ['query_max_run_time', '1h'],
    ['hive.insert_behavior', 'OVERWRITE'],
    ['join_distribution_type', 'BROADCAST'],
  ]);
  assert.equal(session.roles.get('system'), 'ROLE{admin}');
  assert.equal(session.preparedStatements.get('my stmt'), "SELECT ?, 'a,b'");
  assert.equal(session.extraCredentials.get('routing'), 'athena');
  assert.deepEqual(session.clientTags, ['etl', 'nightly']);
  assert.deepEqual(session.clientCapabilities, ['PATH', 'PARAMETRIC_DATETIME']);
  assert.equal(session.transactionId, 'NONE');
  assert.equal(session.source, 'trino-cli');
});

test('the Presto family is recognised and mixing families is refused', () => {
  const session = parseSession({ 'x-presto-user': 'bob', 'x-presto-catalog': 'hive' });
  assert.equal(session.dialect, 'presto');
  assert.equal(session.user, 'bob');
  assert.equal(session.catalog, 'hive');
  assert.throws(() => parseSession({ 'x-presto-user': 'bob', 'x-trino-catalog': 'hive' }), (err: unknown) => {
    assert.ok(err instanceof HttpFailure);
    assert.equal(err.status, 400);
    assert.equal(err.message, 'Both Trino and Presto headers detected');
    return true;
  });
});

test('malformed headers are 400 with the header named', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ 'x-trino-session': 'noequals' }, 'Invalid X-Trino-Session header'],
    [{ 'x-trino-session': 'a=b=c' }, 'Invalid X-Trino-Session header'],
    [{ 'x-trino-extra-credential': 'k=%E0%A4%A' }, 'Invalid X-Trino-Extra-Credential header'],
    [{ 'x-trino-schema': 'tiny' }, 'Schema is set but catalog is not'],
    [{ 'x-trino-prepared-statement': 'p=$zstd:!!!' }, 'Invalid X-Trino-Prepared-Statement header: malformed $zstd value'],
    [{ 'x-trino-prepared-statement': 'p=$zstd:AAAA' }, 'Invalid X-Trino-Prepared-Statement header: $zstd value does not decompress'],
  ];
  for (const [headers, message] of cases) {
    assert.throws(() => parseSession(headers), (err: unknown) => err instanceof HttpFailure && err.status === 400 && err.message === message, JSON.stringify(headers));
  }
});

test('formEncode matches Java URLEncoder for the characters clients care about', () => {
  assert.equal(formEncode("a b,c=d'(e)"), 'a+b%2Cc%3Dd%27%28e%29');
  assert.equal(decodeURIComponent(formEncode('ü€').replace(/\+/g, ' ')), 'ü€');
});
