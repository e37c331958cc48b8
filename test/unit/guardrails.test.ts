import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { Guardrails, duplicateKey, estimateViolations, exceeded, failureOfKillMessage, killMessage, preflightViolations, scanEstimateOf, type GuardedStatement, type GuardrailAction, type LiveStats, type RunawayRule } from '../../src/admission/guardrails.js';
import { LiveQueryMonitor } from '../../src/admission/live-query-monitor.js';
import { LocalLeaseStore, type LeaseStore } from '../../src/cluster/leases.js';
import { validateConfig } from '../../src/config/load.js';
import type { GuardrailConfig } from '../../src/config/schema.js';
import type { Backend } from '../../src/engines/backend.js';
import { guardrailError, liveStatsOf } from '../../src/engines/trino/trino-backend.js';
import { QueryTokenSigner } from '../../src/protocol/query-token.js';
import { ErrorCodes, QueryFailure } from '../../src/protocol/errors.js';
import { ClusterLoad } from '../../src/routing/cluster-load.js';
import { parseStatement } from '../../src/sql/analyzer/index.js';
import { connectedLeaseStore, withRedis } from '../tracking/services.js';

const silent = pino({ level: 'silent' });

/** Validated guardrails of a configuration. */
function rules(...raw: unknown[]): GuardrailConfig[] {
  return validateConfig({ guardrails: { rules: raw } }, 'test').guardrails.rules;
}

function configError(raw: unknown): string {
  try {
    validateConfig({ guardrails: { rules: [raw] } }, 'test');
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

test('guardrail mistakes are refused with the path of the value', () => {
  assert.match(configError({ name: 'a', action: 'deny', runaway: { elapsed: '10s' } }), /guardrails\.rules\[0\]\.action: a runaway guardrail acts with warn or kill/);
  assert.match(configError({ name: 'a', action: 'kill', duplicates: {} }), /guardrails\.rules\[0\]\.action: a duplicates guardrail acts with warn or deny/);
  assert.match(configError({ name: 'a', action: 'warn', runaway: { elapsed: 'ten' } }), /guardrails\.rules\[0\]\.runaway\.elapsed: 'ten' is not a duration/);
  assert.match(configError({ name: 'a', action: 'warn', runaway: { elapsd: '1s' } }), /guardrails\.rules\[0\]\.runaway: unknown key 'elapsd'/);
  assert.match(configError({ name: 'a', action: 'warn', runaway: {} }), /guardrails\.rules\[0\]\.runaway: give at least one limit/);
  assert.match(configError({ name: 'a', action: 'warn' }), /guardrails\.rules\[0\]: give exactly one of runaway, duplicates, preflight, rateLimit \(got none\)/);
  assert.match(configError({ name: 'a', action: 'deny', rateLimit: { per: 'team', concurrent: 1 } }), /guardrails\.rules\[0\]\.rateLimit\.per/);
  assert.match(configError({ name: 'a', action: 'deny', rateLimit: { per: 'user', concurrent: 0 } }), /guardrails\.rules\[0\]\.rateLimit\.concurrent/);
  assert.match(configError({ name: 'a', action: 'deny', preflight: { requireLimit: ['lineitem'] } }), /guardrails\.rules\[0\]\.preflight\.requireLimit\[0\]: must be catalog\.schema\.table/);
  assert.match(configError({ name: 'a', action: 'deny', routingGroup: 'nowhere', duplicates: {} }), /guardrails\.rules\[0\]\.routingGroup: unknown routing group 'nowhere'/);
  assert.match(configError({ name: 'a', action: 'deny', user: '(', duplicates: {} }), /guardrails\.rules\[0\]\.user: not a regular expression/);
  assert.throws(() => rules({ name: 'a', action: 'deny', duplicates: {} }, { name: 'a', action: 'warn', duplicates: {} }), /guardrails\.rules\[1\]\.name: duplicate guardrail name 'a'/);
});

const runaway = (limits: RunawayRule['limits'], action: RunawayRule['action'] = 'kill'): RunawayRule => ({ name: 'r', action, limits });

test('each runaway limit fails with the EXCEEDED_* error Trino 483 has for it, naming the limit and what was measured', () => {
  const cases: Array<[RunawayRule['limits'], LiveStats, string, string]> = [
    [{ elapsed: 3000 }, { elapsedMs: 3500 }, 'EXCEEDED_TIME_LIMIT', "Query exceeded the elapsed time limit of 3.00s of guardrail 'r' (measured 3.50s)"],
    [{ queued: 1000 }, { queuedMs: 1001 }, 'EXCEEDED_TIME_LIMIT', "Query exceeded the queued time limit of 1.00s of guardrail 'r' (measured 1.00s)"],
    [{ cpuTime: 60_000 }, { cpuMs: 90_000 }, 'EXCEEDED_CPU_LIMIT', "Query exceeded the CPU time limit of 60.00s of guardrail 'r' (measured 90.00s)"],
    [{ scannedBytes: 1024 ** 3 }, { scannedBytes: 1.5 * 1024 ** 3 }, 'EXCEEDED_SCAN_LIMIT', "Query exceeded the scanned bytes limit of 1.00GB of guardrail 'r' (measured 1.50GB)"],
    [{ scannedRows: 10 }, { scannedRows: 11 }, 'EXCEEDED_SCAN_LIMIT', "Query exceeded the scanned rows limit of 10 of guardrail 'r' (measured 11)"],
    [{ peakMemory: 1024 ** 2 }, { peakMemoryBytes: 2 * 1024 ** 2 }, 'EXCEEDED_GLOBAL_MEMORY_LIMIT', "Query exceeded the peak memory limit of 1.00MB of guardrail 'r' (measured 2.00MB)"],
    [{ outputRows: 5 }, { outputRows: 6 }, 'GENERIC_INSUFFICIENT_RESOURCES', "Query exceeded the output rows limit of 5 of guardrail 'r' (measured 6)"],
    [{ outputBytes: 100 }, { outputBytes: 2048 }, 'GENERIC_INSUFFICIENT_RESOURCES', "Query exceeded the output bytes limit of 100B of guardrail 'r' (measured 2.00kB)"],
  ];
  for (const [limits, stats, errorName, message] of cases) {
    const violation = exceeded(runaway(limits), stats);
    assert.equal(violation?.failure.errorCode.name, errorName);
    assert.equal(violation?.failure.message, message);
  }
  // At the limit, or not reported: nothing.
  assert.equal(exceeded(runaway({ elapsed: 3000 }), { elapsedMs: 3000 }), undefined);
  assert.equal(exceeded(runaway({ cpuTime: 1 }), { elapsedMs: 10_000 }), undefined);
});

test("a kill message carries the guardrail's error back through Trino's ADMINISTRATIVELY_KILLED document", () => {
  const tag = new QueryTokenSigner('a secret', 60_000).killTag;
  assert.equal(new QueryTokenSigner('a secret', 60_000).killTag, tag, 'every instance sharing the secret knows it');
  const failure = new QueryFailure(ErrorCodes.EXCEEDED_CPU_LIMIT, "Query exceeded the CPU time limit of 1.00s of guardrail 'r' (measured 2.00s)");
  const read = failureOfKillMessage(`Query killed. Message: ${killMessage(failure, tag)}`, tag);
  assert.equal(read?.errorCode, ErrorCodes.EXCEEDED_CPU_LIMIT);
  assert.equal(read?.message, failure.message);
  const document = Buffer.from(JSON.stringify({ id: 'q1', stats: { state: 'FAILED' }, error: { message: `Query killed. Message: ${killMessage(failure, tag)}`, errorCode: 38, errorName: 'ADMINISTRATIVELY_KILLED', errorType: 'USER_ERROR' } }));
  const rewritten = JSON.parse(guardrailError(document, tag).toString()) as { id: string; stats: unknown; error: { errorName: string; errorCode: number; errorType: string; message: string } };
  assert.equal(rewritten.id, 'q1');
  assert.deepEqual(rewritten.stats, { state: 'FAILED' });
  assert.deepEqual([rewritten.error.errorName, rewritten.error.errorCode, rewritten.error.errorType, rewritten.error.message], ['EXCEEDED_CPU_LIMIT', 131077, 'INSUFFICIENT_RESOURCES', failure.message]);
  // An operator's own kill, or an unknown error name, is relayed as it is.
  const operatorKill = Buffer.from(JSON.stringify({ error: { message: 'Query killed. Message: maintenance', errorName: 'ADMINISTRATIVELY_KILLED' } }));
  assert.equal(guardrailError(operatorKill, tag), operatorKill);
  assert.equal(failureOfKillMessage(`Query killed. Message: Querygate guardrail ${tag}: NOT_AN_ERROR: x`, tag), undefined);
  // A user's own kill_query(id, message) naming a guardrail error, without the fleet's tag (or with another fleet's), is relayed as it is.
  for (const message of ['Querygate guardrail: EXCEEDED_CPU_LIMIT: x', killMessage(failure, new QueryTokenSigner('another secret', 60_000).killTag)]) {
    const forged = Buffer.from(JSON.stringify({ error: { message: `Query killed. Message: ${message}`, errorName: 'ADMINISTRATIVELY_KILLED' } }));
    assert.equal(guardrailError(forged, tag), forged);
  }
});

test("Trino's QueryStats figures are read as the runaway limits measure them", () => {
  const stats = liveStatsOf({ elapsedTime: '1.50s', queuedTime: '2.30ms', totalCpuTime: '1.00m', physicalInputDataSize: '16MB', physicalInputPositions: 1000, peakTotalMemoryReservation: '136B', totalMemoryReservation: '100B', outputPositions: 3, outputDataSize: '31B' });
  assert.deepEqual(stats, { elapsedMs: 1500, queuedMs: 2.3, cpuMs: 60_000, scannedBytes: 16 * 1024 ** 2, scannedRows: 1000, peakMemoryBytes: 136, memoryBytes: 100, outputRows: 3, outputBytes: 31 });
});

test('the duplicate key ignores comments, spacing and keyword case, not literals or the session catalog', () => {
  const key = duplicateKey('SELECT * FROM t WHERE a = 1', 'c', 's');
  assert.equal(duplicateKey('select *\n  from t -- again\n where a = 1', 'c', 's'), key);
  assert.notEqual(duplicateKey('SELECT * FROM t WHERE a = 2', 'c', 's'), key);
  assert.notEqual(duplicateKey('SELECT * FROM t WHERE a = 1', 'other', 's'), key);
});

function statement(sql: string, tables: string[], catalog = 'tpch', schema = 'tiny'): GuardedStatement {
  const tree = parseStatement(sql);
  return { user: 'u', routingGroup: 'default', sql, catalog, schema, analysis: { kind: tree.k === 'query' ? 'query' : tree.k, tables, tree } };
}

test('pre-flight checks: read-only, LIMIT and WHERE on named tables, tables and joins; what cannot be checked is refused', () => {
  const [config] = rules({ name: 'p', action: 'deny', preflight: { readOnly: true, requireLimit: ['tpch.sf1.lineitem'], requirePredicate: ['tpch.tiny.orders'], maxTables: 2, maxJoins: 1 } });
  const checks = (s: GuardedStatement) => preflightViolations(config!, s).map((v) => `${v.check}: ${v.measured}`);
  assert.deepEqual(checks(statement('SELECT * FROM tpch.sf1.lineitem LIMIT 10', ['tpch.sf1.lineitem'])), []);
  assert.deepEqual(checks(statement('SELECT * FROM tpch.sf1.lineitem', ['tpch.sf1.lineitem'])), ['requireLimit: no LIMIT']);
  // A LIMIT inside a subquery does not bound the query's result.
  assert.deepEqual(checks(statement('SELECT * FROM (SELECT * FROM tpch.sf1.lineitem LIMIT 5) x, tpch.tiny.nation', ['tpch.sf1.lineitem', 'tpch.tiny.nation'])), ['requireLimit: no LIMIT']);
  // The session's catalog and schema name the table.
  assert.deepEqual(checks(statement('SELECT * FROM orders WHERE o_orderkey = 1', ['tpch.tiny.orders'])), []);
  assert.deepEqual(checks(statement('SELECT * FROM orders', ['tpch.tiny.orders'])), ['requirePredicate: no WHERE']);
  assert.deepEqual(checks(statement('SELECT * FROM nation n JOIN orders o ON true WHERE n.n_nationkey = 1', ['tpch.tiny.nation', 'tpch.tiny.orders'])), []);
  // Read through a view: the SELECT that reads it is not the client's to check.
  assert.deepEqual(checks(statement('SELECT * FROM tpch.tiny.orders_view WHERE x = 1', ['tpch.tiny.orders'])), ['requirePredicate: read indirectly']);
  assert.deepEqual(checks(statement('SELECT 1 FROM nation a JOIN nation b ON true JOIN region c ON true', ['tpch.tiny.nation', 'tpch.tiny.region'])), ['maxJoins: 2']);
  // A join inside a scalar subquery counts.
  assert.deepEqual(checks(statement('SELECT (SELECT count(*) FROM nation a JOIN region b ON true JOIN region c ON true) FROM nation', ['tpch.tiny.nation', 'tpch.tiny.region'])), ['maxJoins: 2']);
  assert.deepEqual(checks(statement('SELECT 1 FROM nation, region, customer', ['tpch.tiny.nation', 'tpch.tiny.region', 'tpch.tiny.customer'])), ['maxTables: 3']);
  assert.deepEqual(checks(statement('DELETE FROM nation', ['tpch.tiny.nation'])), ['readOnly: delete']);
  assert.deepEqual(checks({ user: 'u', routingGroup: 'default', sql: 'SELEC 1' }), ['analysis: not analyzed']);
});

/** Two instances, each with its store (the same one, or two connections to one Redis), admit alice's queries. */
async function fleetWide(storeA: LeaseStore, storeB: LeaseStore): Promise<void> {
  const clusterA = new ClusterLoad(storeA, { adoptIdleMs: 60_000, instanceId: 'a' });
  const clusterB = new ClusterLoad(storeB, { adoptIdleMs: 60_000, instanceId: 'b' });
  await clusterA.refresh();
  await clusterB.refresh();
  const configs = rules({ name: 'dup', action: 'deny', duplicates: { per: 'user' } }, { name: 'rate', action: 'deny', rateLimit: { per: 'user', concurrent: 2, queriesPerMinute: 3 } });
  const a = new Guardrails(configs, clusterA);
  const b = new Guardrails(configs, clusterB);
  const actions: GuardrailAction[] = [];
  const query = (sql: string, user = 'alice'): GuardedStatement => ({ user, routingGroup: 'default', sql });
  const first = await a.admit(query('SELECT 1'), (x) => actions.push(x));
  await clusterA.refresh();
  await assert.rejects(b.admit(query('SELECT  1'), (x) => actions.push(x)), (err: QueryFailure) => err.errorCode === ErrorCodes.QUERY_REJECTED && err.message === "An identical statement of user alice is already running (guardrail 'dup')");
  const second = await b.admit(query('SELECT 2'), (x) => actions.push(x));
  await clusterB.refresh();
  await clusterA.refresh();
  await assert.rejects(a.admit(query('SELECT 3'), () => undefined), /Too many queries running for user alice: 2, at most 2 at once \(guardrail 'rate'\)/);
  // Another user is not counted with alice.
  (await a.admit(query('SELECT 1', 'bob'), () => undefined)).release();
  first.release();
  second.release();
  await clusterA.refresh();
  await clusterB.refresh();
  // Two started in the last minute (the refused ones did not start): one more may, then none.
  (await b.admit(query('SELECT 1'), () => undefined)).release();
  await clusterB.refresh();
  await clusterA.refresh();
  await assert.rejects(a.admit(query('SELECT 4'), () => undefined), /Too many queries for user alice: 3 started in the last minute, at most 3 \(guardrail 'rate'\)/);
  assert.deepEqual(actions.map((x) => `${x.guardrail}/${x.check}/${x.action}`), ['dup/per user/deny']);
  await clusterA.close();
  await clusterB.close();
}

test('duplicates and rate limits count across instances sharing the lease store, and let go when queries end', async () => {
  const store = new LocalLeaseStore();
  await fleetWide(store, store);
});

test('duplicates and rate limits count across instances through a real Redis', () =>
  withRedis(async (redisUrl) => {
    const prefix = `qg-guardrails-test-${process.pid}-${Date.now()}:`;
    const connect = () => connectedLeaseStore(redisUrl, prefix);
    await fleetWide(await connect(), await connect());
  }));

test("the EXPLAIN estimate: Trino's IO plan summed over its input tables, NaN as unknown; over a limit, unknown by policy, asked once and only for statements that read", async () => {
  const plan = (estimates: Array<Record<string, unknown>>) => JSON.stringify({ inputTableColumnInfos: estimates.map((estimate) => ({ table: {}, estimate })), estimate: { outputRowCount: 1 } });
  assert.deepEqual(scanEstimateOf(plan([{ outputRowCount: 6001215.0, outputSizeInBytes: 7.8e8 }, { outputRowCount: 25.0, outputSizeInBytes: 2734.0 }])), { rows: 6001240, bytes: 780002734 });
  assert.deepEqual(scanEstimateOf(plan([{ outputRowCount: 'NaN', outputSizeInBytes: 'NaN' }, { outputRowCount: 25.0, outputSizeInBytes: 10 }])), {});
  assert.deepEqual(scanEstimateOf(plan([])), { rows: 0, bytes: 0 });
  assert.match(configError({ name: 'e', action: 'deny', preflight: { explain: {} } }), /guardrails\.rules\[0\]\.preflight\.explain: give maxScanRows, maxScanBytes, or both/);
  assert.match(configError({ name: 'e', action: 'deny', preflight: { explain: { maxScanRows: 1, unknown: 'deny' } } }), /guardrails\.rules\[0\]\.preflight\.explain\.unknown/);
  const [lenient, strict] = rules({ name: 'rows', action: 'deny', preflight: { explain: { maxScanRows: 1000 } } }, { name: 'bytes', action: 'warn', preflight: { explain: { maxScanBytes: '1MB', unknown: 'fail' } } });
  assert.deepEqual(estimateViolations(lenient!, { rows: 1000, bytes: 5e9 }), [], 'at the limit exactly is allowed');
  assert.deepEqual(estimateViolations(lenient!, {}), [], 'unknown passes by default');
  assert.deepEqual(
    estimateViolations(lenient!, { rows: 1000.6 }).map((v) => [v.check, v.limit, v.measured, v.message]),
    [['explainScanRows', '1000', '1001', "The statement is estimated to read 1001 rows, more than the 1000 rows allowed (guardrail 'rows')"]],
  );
  assert.deepEqual(
    estimateViolations(strict!, { unavailable: 'its EXPLAIN failed: boom' }).map((v) => [v.action, v.measured, v.message]),
    [['warn', 'unknown', "The bytes the statement reads cannot be estimated: its EXPLAIN failed: boom (guardrail 'bytes')"]],
  );
  const guardrails = new Guardrails([lenient!, { ...lenient!, name: 'rows-again' }]);
  let asked = 0;
  const estimate = async () => {
    asked++;
    return { rows: 10 };
  };
  const statement = (kind: string): GuardedStatement => ({ user: 'u', routingGroup: 'default', sql: 'SELECT 1', analysis: { kind, tables: [] }, estimate });
  (await guardrails.admit(statement('showTables'), () => undefined)).release();
  assert.equal(asked, 0, 'a SHOW reads no table: not estimated');
  (await guardrails.admit(statement('query'), () => undefined)).release();
  assert.equal(asked, 2, 'each explain guardrail asks the statement (the dispatcher runs the EXPLAIN once)');
  // Without an engine to EXPLAIN on, the estimate is unknown: it passes the lenient rule, the strict one acts.
  const unestimated: GuardedStatement = { user: 'u', routingGroup: 'default', sql: 'SELECT 1', analysis: { kind: 'query', tables: [] } };
  (await guardrails.admit(unestimated, () => undefined)).release();
  const warned: GuardrailAction[] = [];
  (await new Guardrails([strict!]).admit(unestimated, (x) => warned.push(x))).release();
  assert.deepEqual(warned.map((x) => x.message), ["The bytes the statement reads cannot be estimated: no engine of its routing group can EXPLAIN it (guardrail 'bytes')"]);
});

test('a warn guardrail lets the query start and reports what it saw', async () => {
  const guardrails = new Guardrails(rules({ name: 'w', action: 'warn', rateLimit: { per: 'user', concurrent: 1 } }));
  const held = await guardrails.admit({ user: 'u', routingGroup: 'default', sql: 'SELECT 1' }, () => undefined);
  const actions: GuardrailAction[] = [];
  const second = await guardrails.admit({ user: 'u', routingGroup: 'default', sql: 'SELECT 2' }, (x) => actions.push(x));
  assert.deepEqual(second.warnings, actions);
  assert.deepEqual(actions.map((x) => [x.check, x.limit, x.measured, x.action]), [['concurrent', '1', '1', 'warn']]);
  held.release();
  second.release();
});

test('guardrails apply by resource group pattern, routing group and user', async () => {
  const guardrails = new Guardrails(rules({ name: 'k', action: 'kill', resourceGroup: 'global.adhoc-*', user: 'a.*', runaway: { elapsed: '1s' } }));
  assert.equal(guardrails.runawayRules({ user: 'alice', routingGroup: 'default', resourceGroup: 'global.adhoc-alice' }).length, 1);
  assert.equal(guardrails.runawayRules({ user: 'alice', routingGroup: 'default', resourceGroup: 'global.etl' }).length, 0);
  assert.equal(guardrails.runawayRules({ user: 'alice', routingGroup: 'default' }).length, 0);
  assert.equal(guardrails.runawayRules({ user: 'bob', routingGroup: 'default', resourceGroup: 'global.adhoc-bob' }).length, 0);
});

/** A backend whose live statistics the test sets (`stats`), recording kills. */
function fakeBackend(reported: Array<keyof LiveStats>) {
  const fake = { stats: {} as LiveStats, killed: [] as Array<[string, QueryFailure]>, backend: undefined as unknown as Backend };
  fake.backend = {
    name: 'fake',
    engine: 'duckdb',
    liveStatsReported: new Set(reported),
    liveStats: async () => fake.stats,
    kill: async (id: string, failure: QueryFailure) => void fake.killed.push([id, failure]),
  } as unknown as Backend;
  return fake;
}

test('the runaway monitor warns once per limit and kills once, on the backend, with the limit\'s error', async () => {
  const acted: Array<[string, GuardrailAction]> = [];
  const monitor = new LiveQueryMonitor(1000, (id, action) => acted.push([id, action]), silent);
  const fake = fakeBackend(['elapsedMs', 'outputRows']);
  monitor.watch('q1', fake.backend, 'b1', [runaway({ elapsed: 1000 }, 'warn'), runaway({ outputRows: 10 }, 'kill')]);
  fake.stats = { elapsedMs: 500, outputRows: 1 };
  await monitor.check();
  assert.equal(acted.length, 0);
  fake.stats = { elapsedMs: 1500, outputRows: 1 };
  await monitor.check();
  await monitor.check();
  assert.deepEqual(acted.map(([id, a]) => [id, a.check, a.action]), [['q1', 'elapsed', 'warn']]);
  fake.stats = { elapsedMs: 2500, outputRows: 11 };
  await monitor.check();
  await monitor.check();
  assert.deepEqual(acted.map(([id, a]) => [id, a.check, a.action]), [['q1', 'elapsed', 'warn'], ['q1', 'outputRows', 'kill']]);
  assert.deepEqual(fake.killed.map(([id, f]) => [id, f.errorCode.name]), [['b1', 'GENERIC_INSUFFICIENT_RESOURCES']]);
  assert.equal(monitor.size, 0);
});
