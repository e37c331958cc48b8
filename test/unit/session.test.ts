import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpFailure } from '../../src/protocol/errors.js';
import { PREPARED_DECODE_BUDGET } from '../../src/protocol/prepared.js';
import { formEncode, parseSession } from '../../src/protocol/session.js';
import { hugeWindowFrame, rleFrame, zstdValue } from '../support/zstd-frames.js';

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

const tooMuch = (err: unknown) => err instanceof HttpFailure && err.status === 400 && /decode to more than \d+ bytes in one request/.test(err.message);

test('$zstd prepared statements decode as sent, RLE blocks included', () => {
  const session = parseSession({ 'x-trino-prepared-statement': `p=${zstdValue(rleFrame('SELECT 1 -- ', 'x', 200_000))}` });
  assert.equal(session.preparedStatements.get('p'), `SELECT 1 -- ${'x'.repeat(200_000)}`);
});

test('all prepared statements of a request share one decoding budget (360 RLE frames cannot expand to gigabytes)', () => {
  // 16 entries of 1 MiB each: every one is small, together they are four times the budget.
  const entry = zstdValue(rleFrame('SELECT 1 -- ', 'x', 1024 * 1024));
  const headers = { 'x-trino-prepared-statement': Array.from({ length: 16 }, (_, i) => `p${i}=${entry}`).join(',') };
  assert.throws(() => parseSession(headers), tooMuch);
  // The shape, smaller: one entry of 360 frames, each just under 128 KiB of RLE.
  const frames = Buffer.concat(Array.from({ length: 360 }, () => rleFrame('', 'y', 128 * 1024 - 1)));
  assert.throws(() => parseSession({ 'x-trino-prepared-statement': `q=${zstdValue(frames)}` }), tooMuch);
  // Up to the budget is fine.
  const fits = zstdValue(rleFrame('SELECT 1 -- ', 'x', PREPARED_DECODE_BUDGET / 2 - 100));
  assert.equal(parseSession({ 'x-trino-prepared-statement': `a=${fits},b=${fits}` }).preparedStatements.size, 2);
});

test('a frame declaring a huge window is refused before anything is allocated for it', () => {
  const before = process.memoryUsage().arrayBuffers;
  // A 1 GiB window in an 8-byte frame.
  assert.throws(() => parseSession({ 'x-trino-prepared-statement': `w=${zstdValue(hugeWindowFrame(20))}` }), tooMuch);
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 16 * 1024 * 1024, `${grown} bytes of array buffers allocated`);
});
