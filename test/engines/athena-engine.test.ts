/**
 * The Athena engine's query life against the emulator (moto plus its relay; no real AWS): the
 * session's catalog and schema as execution context, USE, cancel and abandon stopping the Athena
 * query, throttling retried then reported, Athena's failure reasons as Trino errors, refused and
 * missing credentials, an assumed role, an unreachable endpoint, an unknown workgroup, rows that do
 * not match their declared types, and configuration mistakes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { validateConfig } from '../../src/config/load.js';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, athenaBackend, eventually, oneInteger, useEmulatorCredentials } from '../support/athena-emulator.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { startTestGateway } from '../support/services.js';

/** Moto keeps executions while it runs: markers unique to this run keep earlier runs' queries out of the faults. */
const RUN = Date.now().toString(36);
const USER = { 'X-Trino-User': 'alice' };
const SESSION = { ...USER, 'X-Trino-Catalog': 'awsdatacatalog', 'X-Trino-Schema': 'default' };

/** The Athena id of the query whose text contains `marker` (from the StartQueryExecution the relay saw, then its polls). */
function athenaIdOf(emulator: AthenaEmulator, marker: string): string | undefined {
  const started = emulator.calls.findIndex((c) => c.operation === 'StartQueryExecution' && String(c.body.QueryString).includes(marker));
  if (started < 0) return undefined;
  const poll = emulator.calls.slice(started).find((c) => c.operation === 'GetQueryExecution');
  return poll === undefined ? undefined : String(poll.body.QueryExecutionId);
}

describe('Athena engine against the emulator (no real AWS)', () => {
  let emulator: AthenaEmulator;
  let gateway: RunningGateway;

  before(async () => {
    useEmulatorCredentials();
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['engine-wg']);
    gateway = await startTestGateway({
      queries: { clientTimeout: '1s' },
      admin: { users: ['ops'] },
      backends: [athenaBackend(emulator, 'athena1', 'engine-wg', { maxAttempts: 3 })],
    });
  });

  after(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  beforeEach(() => emulator.clearFaults());

  it("runs with the session's catalog and schema as Athena's execution context", async () => {
    emulator.serveResult('/*context*/', oneInteger('7'));
    const run = await runQuery(gateway.url, 'SELECT 7 AS x /*context*/', SESSION);
    assert.equal(run.error, undefined);
    assert.equal(run.rowsText, '[7]');
    const start = emulator.calls.find((c) => c.operation === 'StartQueryExecution');
    assert.deepEqual(start?.body.QueryExecutionContext, { Catalog: 'AwsDataCatalog', Database: 'default' });
    assert.equal(start?.body.WorkGroup, 'engine-wg');
  });

  it("records Athena's data scanned, engine time and queue time in history", async () => {
    emulator.reportStatistics(`/*costly-${RUN}*/`, { DataScannedInBytes: 123_456_789, EngineExecutionTimeInMillis: 4_321, QueryQueueTimeInMillis: 765 });
    emulator.serveResult(`/*costly-${RUN}*/`, oneInteger('1'));
    const run = await runQuery(gateway.url, `SELECT 1 AS x /*costly-${RUN}*/`, USER);
    assert.equal(run.error, undefined);
    let stats: Record<string, number> | undefined;
    const id = String(run.last.id);
    const deadline = Date.now() + 20_000;
    while (stats?.processedBytes === undefined && Date.now() < deadline) {
      const response = await fetch(`${gateway.url}/api/queries/${id}`, { headers: { 'X-Trino-User': 'ops' } });
      if (response.status === 200) stats = ((await response.json()) as { stats?: Record<string, number> }).stats;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(stats?.processedBytes, 123_456_789);
    assert.equal(stats?.engineMs, 4_321);
    assert.equal(stats?.engineQueuedMs, 765);
  });

  it('answers USE from Athena\'s catalog: an existing schema is set, a missing one is SCHEMA_NOT_FOUND', async () => {
    const ok = await runQuery(gateway.url, 'USE awsdatacatalog.default', USER);
    assert.equal(ok.error, undefined);
    assert.equal(ok.responses.at(-1)?.headers.get('x-trino-set-schema'), 'default');
    const missing = await runQuery(gateway.url, 'USE awsdatacatalog.no_such_schema', USER);
    assert.equal(missing.error?.errorName, 'SCHEMA_NOT_FOUND');
  });

  it('stops the Athena query when the client cancels it', async () => {
    emulator.holdQueries(`/*hold-cancel-${RUN}*/`, 'RUNNING');
    const first = await post(gateway.url, `SELECT 1 /*hold-cancel-${RUN}*/`, USER);
    await eventually(() => athenaIdOf(emulator, `hold-cancel-${RUN}`) !== undefined, 'the query to start in Athena');
    const id = athenaIdOf(emulator, `hold-cancel-${RUN}`)!;
    const next = await get(first.json.nextUri as string, USER);
    assert.equal(next.status, 200);
    assert.equal((await get(next.json.nextUri as string, USER, 'DELETE')).status, 204);
    await eventually(() => emulator.stoppedIds().includes(id), 'StopQueryExecution');
  });

  it('stops the Athena query when its client stops polling (abandoned)', async () => {
    emulator.holdQueries(`/*hold-abandon-${RUN}*/`, 'QUEUED');
    await post(gateway.url, `SELECT 1 /*hold-abandon-${RUN}*/`, USER);
    await eventually(() => athenaIdOf(emulator, `hold-abandon-${RUN}`) !== undefined, 'the query to start in Athena');
    const id = athenaIdOf(emulator, `hold-abandon-${RUN}`)!;
    await eventually(() => emulator.stoppedIds().includes(id), 'StopQueryExecution of the abandoned query');
  });

  it('retries throttled calls with backoff, and reports throttling once the attempts are exhausted', async () => {
    emulator.serveResult('SELECT 1 AS x', oneInteger('1'));
    emulator.throttle('StartQueryExecution', 2);
    const retried = await runQuery(gateway.url, 'SELECT 1 AS x', USER);
    assert.equal(retried.error, undefined);
    assert.equal(emulator.calls.filter((c) => c.operation === 'StartQueryExecution').length, 3);

    emulator.throttle('GetQueryExecution', 100);
    const exhausted = await runQuery(gateway.url, 'SELECT 1 AS x', USER);
    assert.equal(exhausted.error?.errorName, 'QUERY_QUEUE_FULL');
    assert.match(String(exhausted.error?.message), /Athena workgroup 'engine-wg' \(GetQueryExecution\): throttled by Athena after 3 attempts/);
  });

  const failures: Array<[reason: string, category: number, errorName: string, message: RegExp]> = [
    ["SYNTAX_ERROR: line 1:8: mismatched input 'FROM'", 2, 'SYNTAX_ERROR', /^line 1:8: mismatched input 'FROM'$/],
    ["line 1:8: mismatched input 'FROM'. Expecting: <expression>", 2, 'SYNTAX_ERROR', /mismatched input/],
    ["TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.default.nope' does not exist", 2, 'TABLE_NOT_FOUND', /^line 1:15: Table/],
    ["COLUMN_NOT_FOUND: line 1:8: Column 'y' cannot be resolved", 2, 'COLUMN_NOT_FOUND', /Column 'y'/],
    ['Access denied when writing output to url: s3://bucket/out/ . Please ensure you are allowed to access the S3 bucket.', 2, 'PERMISSION_DENIED', /Access denied/],
    ['Insufficient Lake Formation permission(s) on nope', 2, 'PERMISSION_DENIED', /Lake Formation/],
    ['Query exhausted resources at this scale factor', 1, 'GENERIC_INTERNAL_ERROR', /engine-wg.*exhausted resources/],
    ['Something odd the user did', 2, 'GENERIC_USER_ERROR', /engine-wg.*Something odd/],
  ];
  for (const [reason, category, errorName, message] of failures) {
    it(`reports an Athena failure '${reason.slice(0, 40)}' as ${errorName}`, async () => {
      emulator.failQueries('/*fails*/', reason, category);
      const run = await runQuery(gateway.url, 'SELECT 1 /*fails*/', USER);
      assert.equal(run.error?.errorName, errorName);
      assert.match(String(run.error?.message), message);
    });
  }

  it('fails a query whose row does not match its declared type, or has too few values, or lacks its header row', async () => {
    emulator.serveResult('SELECT 1 AS x', oneInteger('abc'));
    const mistyped = await runQuery(gateway.url, 'SELECT 1 AS x', USER);
    assert.match(String(mistyped.error?.message), /Athena returned "abc" for column 'x' of type integer/);

    const short = oneInteger('1');
    short.rows.push({ Data: [] });
    emulator.serveResult('SELECT 1 AS x', short);
    const shifted = await runQuery(gateway.url, 'SELECT 1 AS x', USER);
    assert.match(String(shifted.error?.message), /result row 2 has 0 values for 1 columns/);

    const headless = oneInteger('1');
    headless.rows.shift();
    headless.rows.push({ Data: [{ VarCharValue: '2' }] });
    emulator.serveResult('SELECT 1 AS x', headless);
    const noHeader = await runQuery(gateway.url, 'SELECT 1 AS x', USER);
    assert.match(String(noHeader.error?.message), /the first result row is not the header row/);
  });

  it('reports credentials AWS refuses, naming the workgroup', async () => {
    emulator.refuseAccessKey(process.env.AWS_ACCESS_KEY_ID!, 'ExpiredTokenException');
    const run = await runQuery(gateway.url, 'SELECT 1', USER);
    assert.equal(run.error?.errorName, 'PERMISSION_DENIED');
    assert.match(String(run.error?.message), /Athena workgroup 'engine-wg' \(StartQueryExecution\): the AWS credentials were refused \(ExpiredTokenException/);
  });

  it('queries with the credentials of the role it is configured to assume', async () => {
    const roleGateway = await startTestGateway({
      backends: [athenaBackend(emulator, 'athena-role', 'engine-wg', { roleArn: 'arn:aws:iam::123456789012:role/querygate-reader' })],
    });
    try {
      emulator.serveResult('SELECT 3 AS x', oneInteger('3'));
      const run = await runQuery(roleGateway.url, 'SELECT 3 AS x', USER);
      assert.equal(run.error, undefined);
      assert.ok(emulator.calls.some((c) => c.operation === 'AssumeRole'));
      const start = emulator.calls.find((c) => c.operation === 'StartQueryExecution');
      assert.ok(start?.accessKeyId !== undefined && start.accessKeyId !== process.env.AWS_ACCESS_KEY_ID, 'signed with the assumed role, not the chain');
    } finally {
      await roleGateway.close();
    }
  });

  it('names the workgroup when it does not exist, or the endpoint cannot be reached', async () => {
    const broken = await startTestGateway({
      backends: [
        athenaBackend(emulator, 'missing-wg', 'no-such-workgroup', { group: 'missing' }),
        { ...athenaBackend(emulator, 'unreachable', 'engine-wg', { group: 'unreachable', maxAttempts: 1 }), endpoint: 'http://127.0.0.1:9' },
      ],
      routing: { defaultGroup: 'missing', allowHints: ['unreachable'] },
    });
    try {
      const missing = await runQuery(broken.url, 'SELECT 1', USER);
      assert.match(String(missing.error?.message), /Athena workgroup 'no-such-workgroup'.*WorkGroup does not exist/);
      const unreachable = await runQuery(broken.url, 'SELECT 1', { ...USER, 'X-Trino-Routing-Group': 'unreachable' });
      assert.equal(unreachable.error?.errorName, 'BACKEND_UNAVAILABLE');
      assert.match(String(unreachable.error?.message), /Athena workgroup 'engine-wg' \(StartQueryExecution\): the Athena endpoint is unreachable \(ECONNREFUSED/);
    } finally {
      await broken.close();
    }
  });

  it('reports missing credentials clearly when the default chain finds none', async () => {
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    const bare = await startTestGateway({ backends: [athenaBackend(emulator, 'no-creds', 'engine-wg')] });
    try {
      const run = await runQuery(bare.url, 'SELECT 1', USER);
      assert.equal(run.error?.errorName, 'PERMISSION_DENIED');
      assert.match(String(run.error?.message), /Athena workgroup 'engine-wg' \(StartQueryExecution\): no AWS credentials found by the default provider chain/);
    } finally {
      await bare.close();
      process.env = saved;
    }
  });

  it('refuses a configuration without region or workgroup, naming the setting', () => {
    const backend = { name: 'a', engine: 'athena', region: 'us-east-1', workgroup: 'wg' };
    assert.throws(() => validateConfig({ backends: [{ ...backend, region: undefined }] }, 'test'), /backends\[0\]\.region: is required: the AWS region/);
    assert.throws(() => validateConfig({ backends: [{ ...backend, workgroup: undefined }] }, 'test'), /backends\[0\]\.workgroup: is required/);
    assert.throws(() => validateConfig({ backends: [{ ...backend, region: 'mars' }] }, 'test'), /must be an AWS region/);
    assert.throws(() => validateConfig({ backends: [{ ...backend, outputLocation: 'bucket/x' }] }, 'test'), /s3:\/\/bucket/);
  });
});
