/**
 * The seeds' routing example end to end, with real clients and emulated Athena (moto plus its
 * relay; no real AWS): three workgroups, each a backend of its own routing group, chained
 * reserved → shared → on-demand; the hint `extraCredentials=routing:athena` in the JDBC URL (or
 * X-Trino-Routing-Group) picks the chain, other queries go to Trino. Under load each workgroup
 * takes its maxRunning and the next query moves down the chain; queries Athena reports QUEUED in
 * the reserved workgroup from other clients (past its maxQueued) move new ones on too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AthenaClient, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { RunningGateway } from '../../src/gateway.js';
import { AthenaEmulator, REGION, athenaBackend, eventually, oneInteger, useEmulatorCredentials } from '../support/athena-emulator.js';
import { get, post, type RawResponse } from '../support/protocol-client.js';
import { clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

/** Moto keeps executions while it runs: markers unique to this run keep earlier runs' queries out of the faults. */
const RUN = Date.now().toString(36);
const HINTED = { 'X-Trino-User': 'bi', 'X-Trino-Routing-Group': 'athena' };

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

  it('fills reserved, then shared, then on-demand; the JDBC hint picks the chain and releases move new queries back', async () => {
    emulator.holdQueries(`/*held-${RUN}*/`, 'RUNNING');
    const held: RawResponse[] = [];
    for (let i = 0; i < 5; i++) {
      held.push(await post(gateway.url, `SELECT ${i} /*held-${RUN}*/ /*load-${i}*/`, HINTED));
      await eventually(() => workgroupOf(`load-${i}`) !== undefined, `held query ${i} to start`);
    }
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => workgroupOf(`load-${i}`)), ['reserved-wg', 'reserved-wg', 'shared-wg', 'shared-wg', 'ondemand-wg']);

    await emulator.registerResults([oneInteger('42')]);
    const hinted = await jdbc('SELECT 42 AS x /*jdbc-while-full*/', true);
    assert.deepEqual(hinted.rows, [['42']]);
    assert.equal(workgroupOf('jdbc-while-full'), 'ondemand-wg');

    const unhinted = await jdbc('SELECT count(*) FROM tpch.tiny.nation', false);
    assert.deepEqual(unhinted.rows, [['25']], 'without the hint the query runs on Trino');

    for (const response of held) assert.equal((await get(response.json.nextUri as string, { 'X-Trino-User': 'bi' }, 'DELETE')).status, 204);
    await emulator.registerResults([oneInteger('7')]);
    await eventually(() => emulator.stoppedIds().length >= 5, 'the held queries to be stopped');
    const after = await jdbc('SELECT 7 AS x /*jdbc-after-release*/', true);
    assert.deepEqual(after.rows, [['7']]);
    assert.equal(workgroupOf('jdbc-after-release'), 'reserved-wg');
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
      await emulator.registerResults([oneInteger('5')]);
      const moved = await jdbc('SELECT 5 AS x /*jdbc-pending*/', true);
      assert.deepEqual(moved.rows, [['5']]);
      assert.equal(workgroupOf('jdbc-pending'), 'shared-wg');

      await stop(others);
      const cleared = emulator.calls.length;
      await eventually(() => emulator.calls.slice(cleared).filter((c) => c.operation === 'BatchGetQueryExecution').length >= 6, 'health checks after the other queries ended');
      await emulator.registerResults([oneInteger('6')]);
      const back = await jdbc('SELECT 6 AS x /*jdbc-back*/', true);
      assert.deepEqual(back.rows, [['6']]);
      assert.equal(workgroupOf('jdbc-back'), 'reserved-wg');
    } finally {
      await stop(others);
      athena.destroy();
    }
  });
});
