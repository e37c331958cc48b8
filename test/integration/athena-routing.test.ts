/**
 * The seeds' routing example end to end, with real clients and emulated Athena (moto plus its
 * relay; no real AWS): three workgroups, each a backend of its own routing group, chained
 * reserved → shared → on-demand; the hint `extraCredentials=routing:athena` in the JDBC URL (or
 * X-Trino-Routing-Group) picks the chain, other queries go to Trino. Under load each workgroup
 * takes its maxRunning and the next query moves down the chain, with clients arriving at once; queries
 * Athena reports QUEUED in the reserved workgroup from other clients (past its maxQueued) move new
 * ones on too. Each query's result is bound to a marker in its text, so concurrent clients cannot
 * receive one another's.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AthenaClient, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, REGION, athenaBackend, eventually, oneInteger, useEmulatorCredentials } from '../support/athena-emulator.js';
import { get, post, runQuery } from '../support/protocol-client.js';
import { freshRequest } from '../support/gateway-process.js';
import { clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';
import { startRedis, stopRedis, type Service } from '../tracking/services.js';

/** Moto keeps executions while it runs: markers unique to this run keep earlier runs' queries out of the faults. */
const RUN = Date.now().toString(36);
const HINTED = { 'X-Trino-User': 'bi', 'X-Trino-Routing-Group': 'athena' };

/** How many times each value occurs. */
function countBy(values: Array<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
}

describe('Athena workgroups in routing: reserved → shared → on-demand under load (emulated Athena, real JDBC)', () => {
  let emulator: AthenaEmulator;
  let gateway: RunningGateway;
  let env: Record<string, string>;

  /** The workgroup the query whose text contains `marker` was started in. */
  const workgroupOf = (marker: string): string | undefined =>
    emulator.calls.find((c) => c.operation === 'StartQueryExecution' && String(c.body.QueryString).includes(marker))?.body.WorkGroup as string | undefined;

  async function jdbc(sql: string, hint: boolean): Promise<{ rows: unknown[][] }> {
    const url = `jdbc:trino://127.0.0.1:${gateway.port}?user=bi${hint ? '&extraCredentials=routing:athena' : ''}`;
    const result = await run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcQuery', url, sql], { timeout: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return JSON.parse(result.stdout) as { rows: unknown[][] };
  }

  before(async () => {
    useEmulatorCredentials();
    env = await clientEnv();
    const trinoUrl = await ensureTrino();
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['reserved-wg', 'shared-wg', 'ondemand-wg']);
    gateway = await startTestGateway({
      backends: [
        { name: 'trino1', engine: 'trino', url: trinoUrl, group: 'trino' },
        athenaBackend(emulator, 'reserved', 'reserved-wg', { group: 'athena', maxRunning: 2, maxQueued: 2 }),
        athenaBackend(emulator, 'shared', 'shared-wg', { group: 'athena-shared', maxRunning: 2 }),
        athenaBackend(emulator, 'ondemand', 'ondemand-wg', { group: 'athena-ondemand', maxRunning: 50 }),
      ],
      routingGroups: [{ name: 'athena', fallback: ['athena-shared', 'athena-ondemand'] }],
      routing: { defaultGroup: 'trino', allowHints: ['athena'] },
      healthCheck: { interval: '200ms', timeout: '2s' },
    });
  });

  after(async () => {
    await gateway?.close();
    await emulator?.close();
  });

  it('fills reserved, then shared, then on-demand under concurrent clients; the JDBC hint picks the chain and releases move new queries back', async () => {
    emulator.holdQueries(`/*held-${RUN}*/`, 'RUNNING');
    // Five clients at once: each workgroup takes its maxRunning, whatever order they arrive in.
    const held = await Promise.all([0, 1, 2, 3, 4].map((i) => post(gateway.url, `SELECT ${i} /*held-${RUN}*/ /*load-${i}*/`, HINTED)));
    await eventually(() => [0, 1, 2, 3, 4].every((i) => workgroupOf(`load-${i}`) !== undefined), 'the held queries to start');
    assert.deepEqual(countBy([0, 1, 2, 3, 4].map((i) => workgroupOf(`load-${i}`))), { 'reserved-wg': 2, 'shared-wg': 2, 'ondemand-wg': 1 });

    // Three hinted JDBC clients and one without the hint, at once, while reserved and shared are full.
    const markers = ['jdbc-full-a', 'jdbc-full-b', 'jdbc-full-c'].map((m) => `${m}-${RUN}`);
    markers.forEach((marker, i) => emulator.serveResult(marker, oneInteger(String(40 + i))));
    const [unhinted, ...hinted] = await Promise.all([
      jdbc('SELECT count(*) FROM tpch.tiny.nation', false),
      ...markers.map((marker, i) => jdbc(`SELECT ${40 + i} AS x /*${marker}*/`, true)),
    ]);
    assert.deepEqual(unhinted!.rows, [['25']], 'without the hint the query runs on Trino');
    assert.deepEqual(hinted.map((r) => r.rows), [[['40']], [['41']], [['42']]], 'each client gets its own query\'s result');
    assert.deepEqual(markers.map(workgroupOf), ['ondemand-wg', 'ondemand-wg', 'ondemand-wg']);

    for (const response of held) assert.equal((await get(response.json.nextUri as string, { 'X-Trino-User': 'bi' }, 'DELETE')).status, 204);
    await eventually(() => emulator.stoppedIds().length >= 5, 'the held queries to be stopped');
    const released = ['jdbc-after-a', 'jdbc-after-b'].map((m) => `${m}-${RUN}`);
    released.forEach((marker, i) => emulator.serveResult(marker, oneInteger(String(7 + i))));
    const after = await Promise.all(released.map((marker, i) => jdbc(`SELECT ${7 + i} AS x /*${marker}*/`, true)));
    assert.deepEqual(after.map((r) => r.rows), [[['7']], [['8']]]);
    assert.deepEqual(released.map(workgroupOf), ['reserved-wg', 'reserved-wg']);
  });

  it("moves on when Athena reports too many queries pending in the reserved workgroup from other clients", async () => {
    emulator.clearFaults();
    emulator.holdQueries(`/*other-client-${RUN}*/`, 'QUEUED');
    const athena = new AthenaClient({ region: REGION, endpoint: emulator.endpoint });
    const others: string[] = [];
    const stop = async (ids: string[]) => {
      for (const id of ids.splice(0)) await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    };
    try {
      for (let i = 0; i < 2; i++) {
        const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: `SELECT ${i} /*other-client-${RUN}*/`, WorkGroup: 'reserved-wg' }));
        others.push(QueryExecutionId!);
      }
      // Two health checks after the queries were queued: the gateway has read Athena's count.
      const seen = emulator.calls.length;
      await eventually(() => emulator.calls.slice(seen).filter((c) => c.operation === 'BatchGetQueryExecution').length >= 6, 'health checks to read the workgroups');
      emulator.serveResult(`jdbc-pending-${RUN}`, oneInteger('5'));
      const moved = await jdbc(`SELECT 5 AS x /*jdbc-pending-${RUN}*/`, true);
      assert.deepEqual(moved.rows, [['5']]);
      assert.equal(workgroupOf(`jdbc-pending-${RUN}`), 'shared-wg');

      await stop(others);
      const cleared = emulator.calls.length;
      await eventually(() => emulator.calls.slice(cleared).filter((c) => c.operation === 'BatchGetQueryExecution').length >= 6, 'health checks after the other queries ended');
      emulator.serveResult(`jdbc-back-${RUN}`, oneInteger('6'));
      const back = await jdbc(`SELECT 6 AS x /*jdbc-back-${RUN}*/`, true);
      assert.deepEqual(back.rows, [['6']]);
      assert.equal(workgroupOf(`jdbc-back-${RUN}`), 'reserved-wg');
    } finally {
      await stop(others);
      athena.destroy();
    }
  });
});

describe('Athena workgroup slots are counted across the fleet: two gateways sharing Redis (emulated Athena)', () => {
  let emulator: AthenaEmulator;
  let redis: Service;
  const gateways: RunningGateway[] = [];
  const USER = { 'X-Trino-User': 'bi' };
  const workgroupOf = (marker: string): string | undefined =>
    emulator.calls.find((c) => c.operation === 'StartQueryExecution' && String(c.body.QueryString).includes(marker))?.body.WorkGroup as string | undefined;

  before(async () => {
    useEmulatorCredentials();
    emulator = await AthenaEmulator.start();
    await emulator.createWorkgroups(['fleet-reserved-wg', 'fleet-ondemand-wg']);
    redis = await startRedis();
    const keyPrefix = `qgtest:${randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      gateways.push(
        await startTestGateway({
          backends: [
            athenaBackend(emulator, 'reserved', 'fleet-reserved-wg', { group: 'athena', maxRunning: 1 }),
            athenaBackend(emulator, 'ondemand', 'fleet-ondemand-wg', { group: 'athena-ondemand', maxRunning: 50 }),
          ],
          routingGroups: [{ name: 'athena', fallback: ['athena-ondemand'] }],
          routing: { defaultGroup: 'athena' },
          redis: { url: redis.url, keyPrefix },
          admin: { users: ['ops'] },
        }),
      );
    }
  });

  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await emulator?.close();
    if (redis?.started) await stopRedis();
  });

  it("a query running through one gateway holds the reserved workgroup's only slot for the other", async () => {
    emulator.holdQueries(`/*fleet-held-${RUN}*/`, 'RUNNING');
    const held = await post(gateways[0]!.url, `SELECT 1 /*fleet-held-${RUN}*/`, USER);
    await eventually(() => workgroupOf(`fleet-held-${RUN}`) !== undefined, 'the held query to start');
    assert.equal(workgroupOf(`fleet-held-${RUN}`), 'fleet-reserved-wg');
    // Each instance reads the fleet's counts from Redis at its next round: wait until the other one has.
    // A request on a connection of its own may reach any worker of it (QUERYGATE_TEST_WORKERS), so
    // every one of four in a row must see the query (the primary hands connections out in turn).
    const fleetRunning = async () => (await freshRequest('GET', `${gateways[1]!.url}/api/backends/reserved`, { 'X-Trino-User': 'ops' })).json.fleetRunning;
    let seenInARow = 0;
    for (let i = 0; i < 200 && seenInARow < 4; i++) {
      const running = await fleetRunning();
      assert.ok(running === 0 || running === 1, `fleetRunning ${String(running)}`);
      seenInARow = running === 1 ? seenInARow + 1 : 0;
      if (running === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(seenInARow, 4, "the other gateway sees the running query in the fleet's count");

    emulator.serveResult(`fleet-next-${RUN}`, oneInteger('2'));
    const next = await runQuery(gateways[1]!.url, `SELECT 2 AS x /*fleet-next-${RUN}*/`, USER);
    assert.equal(next.error, undefined, JSON.stringify(next.error));
    assert.equal(next.rowsText, '[2]');
    assert.equal(workgroupOf(`fleet-next-${RUN}`), 'fleet-ondemand-wg', 'the other gateway counted the running query');

    assert.equal((await get(held.json.nextUri as string, USER, 'DELETE')).status, 204);
    await eventually(() => emulator.stoppedIds().length >= 1, 'the held query to be stopped');
    // The slot is free again once the first gateway has released it in Redis: a later query through the other goes to the reserved workgroup.
    let workgroup: string | undefined;
    for (let i = 0; i < 20 && workgroup !== 'fleet-reserved-wg'; i++) {
      const marker = `fleet-after-${i}-${RUN}`;
      emulator.serveResult(marker, oneInteger('3'));
      const later = await runQuery(gateways[1]!.url, `SELECT 3 AS x /*${marker}*/`, USER);
      assert.equal(later.rowsText, '[3]');
      workgroup = workgroupOf(marker);
      if (workgroup !== 'fleet-reserved-wg') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(workgroup, 'fleet-reserved-wg', 'a later query goes to the reserved workgroup again');
  });
});
