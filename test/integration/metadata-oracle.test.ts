/**
 * Metadata under access control, compared with Trino's own (issue 20): the access-control oracle
 * (Trino 483 with file-based access control over test/governance/rules.json, which filters its
 * metadata itself) answers each statement and JDBC DatabaseMetaData call directly, as each user;
 * the gateway, with the same rules file in front of an allow-all Trino, answers the same. Every
 * (statement, user) pair must give the same columns and rows, or the same error.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runStatement, type Outcome } from '../governance/client.js';
import { REPO, clientEnv, ensureTrino, run, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const ORACLE_PORT = Number(process.env.QUERYGATE_ORACLE_PORT ?? 18186);
const ORACLE = `http://127.0.0.1:${ORACLE_PORT}`;
const GOVERNANCE = join(REPO, 'test', 'governance');

/** Every user the rules and groups name, and one they do not. */
const USERS = ['admin', 'alice', 'bob', 'carol', 'erin', 'frank', 'ivan', 'judy', 'fiona', 'mallory', 'olga', 'nobody'];

/** Only the catalogs both Trinos hold the same objects in (tpch, system); memory differs between them. */
const STATEMENTS = [
  'SHOW CATALOGS',
  "SHOW CATALOGS LIKE 't%'",
  'SHOW SCHEMAS FROM tpch',
  'SHOW SCHEMAS FROM system',
  'SHOW TABLES FROM tpch.tiny',
  'SHOW TABLES FROM tpch.sf1',
  "SHOW TABLES FROM tpch.tiny LIKE '%er%'",
  'SHOW TABLES FROM system.jdbc',
  'DESCRIBE system.jdbc.catalogs',
  'SHOW COLUMNS FROM tpch.tiny.nation',
  'SHOW COLUMNS FROM tpch.tiny.customer',
  'SHOW COLUMNS FROM tpch.tiny.region',
  'SHOW COLUMNS FROM tpch.sf1.orders',
  'DESCRIBE tpch.tiny.customer',
  'DESCRIBE tpch.tiny.orders',
  'SELECT schema_name FROM tpch.information_schema.schemata ORDER BY 1',
  "SELECT table_schema, table_name, table_type FROM tpch.information_schema.tables WHERE table_schema IN ('tiny', 'sf1') ORDER BY 1, 2",
  "SELECT table_name, column_name, data_type FROM tpch.information_schema.columns WHERE table_schema = 'tiny' ORDER BY 1, ordinal_position",
  "SELECT count(*) FROM tpch.information_schema.columns WHERE table_schema = 'sf1'",
  "SELECT * FROM tpch.information_schema.table_privileges WHERE table_schema = 'tiny'",
  'SELECT table_cat FROM system.jdbc.catalogs ORDER BY 1',
  "SELECT table_schem, table_catalog FROM system.jdbc.schemas WHERE table_catalog IN ('tpch', 'system') ORDER BY 2, 1",
  "SELECT table_cat, table_schem, table_name, table_type FROM system.jdbc.tables WHERE table_cat = 'tpch' AND table_schem = 'tiny' ORDER BY 3",
  "SELECT table_name, column_name, type_name FROM system.jdbc.columns WHERE table_cat = 'tpch' AND table_schem = 'tiny' AND table_name IN ('customer', 'nation', 'region') ORDER BY 1, ordinal_position",
  "SELECT catalog_name, connector_name FROM system.metadata.catalogs WHERE catalog_name <> 'memory' ORDER BY 1",
];

/** The DatabaseMetaData calls a BI tool browses with (test/clients/JdbcMetadata.java). */
const JDBC_CALLS: string[][] = [
  ['catalogs'],
  ['schemas', 'tpch', 'null'],
  ['tables', 'tpch', 'tiny', 'null', 'null'],
  ['tables', 'tpch', 's%', '%', 'TABLE,VIEW'],
  ['columns', 'tpch', 'tiny', 'customer', 'null'],
  ['columns', 'tpch', 'tiny', '%', 'n%'],
  ['primaryKeys', 'tpch', 'tiny', 'nation'],
];

let gateway: RunningGateway;
let env: Record<string, string>;

before(async () => {
  env = await clientEnv();
  const backend = await ensureTrino();
  await exec('bash', [join(REPO, 'scripts', 'trino', 'start-oracle.sh')], { timeout: 600_000, env: { ...process.env, QUERYGATE_ORACLE_PORT: String(ORACLE_PORT) } });
  gateway = await startTestGateway({
    authentication: { groupFile: join(GOVERNANCE, 'groups.txt') },
    accessControl: { rulesFile: join(GOVERNANCE, 'rules.json') },
    backends: [{ name: 'trino1', engine: 'trino', url: backend }],
  });
});
after(async () => gateway?.close());

function answer(o: Outcome): string {
  if (!o.ok) return `${o.errorName}: ${o.message}`;
  return JSON.stringify({ columns: o.columns, rows: o.rows });
}

async function jdbc(url: string, user: string): Promise<unknown[]> {
  const port = new URL(url).port;
  const args = JDBC_CALLS.flatMap((call, i) => (i === 0 ? call : ['--', ...call]));
  const result = await run(env.QUERYGATE_CLIENT_JAVA!, ['-cp', env.JDBC_QUERY_CLASSPATH!, 'JdbcMetadata', `jdbc:trino://127.0.0.1:${port}`, user, ...args], { timeout: 120_000 });
  if (result.code !== 0) return JDBC_CALLS.map(() => `failed: ${result.stdout.trim()}`);
  return JSON.parse(result.stdout) as unknown[];
}

test('metadata statements and JDBC browse calls under access control: the gateway answers each user as Trino’s file access control does', { timeout: 1_200_000 }, async () => {
  let pairs = 0;
  let agreed = 0;
  let nonEmpty = 0;
  let jdbcAnswered = 0;
  const disagreements: string[] = [];
  for (const user of USERS) {
    for (const sql of STATEMENTS) {
      const headers = [['X-Trino-User', user] as const];
      const [oracle, via] = [await runStatement(ORACLE, sql, headers), await runStatement(gateway.url, sql, headers)];
      pairs++;
      if (oracle.ok && (oracle.rows?.length ?? 0) > 0) nonEmpty++;
      if (answer(oracle) === answer(via)) agreed++;
      else disagreements.push(`${user}: ${sql}\n  oracle:  ${answer(oracle).slice(0, 400)}\n  gateway: ${answer(via).slice(0, 400)}`);
    }
    const [oracle, via] = [await jdbc(ORACLE, user), await jdbc(gateway.url, user)];
    JDBC_CALLS.forEach((call, i) => {
      pairs++;
      if (typeof oracle[i] !== 'string') jdbcAnswered++;
      // A failure names the failed query's id, which differs between the two.
      const [o, g] = [oracle[i], via[i]].map((r) => JSON.stringify(r).replace(/Query failed \(#\w+\)/, 'Query failed'));
      if (o === g) agreed++;
      else disagreements.push(`${user}: JDBC ${call.join(' ')}\n  oracle:  ${o.slice(0, 400)}\n  gateway: ${g.slice(0, 400)}`);
    });
  }
  console.log(`metadata under access control: ${agreed}/${pairs} (statement or JDBC call × user) pairs agree with the oracle; ${nonEmpty} statement answers of the oracle had rows, ${jdbcAnswered} JDBC calls of the oracle returned a result set (the others failed as the user may not read system.jdbc)`);
  for (const d of disagreements) console.log(d);
  assert.equal(agreed, pairs);
});
