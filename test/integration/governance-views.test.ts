/**
 * Views through the gateway, against a real Trino: what a view reads underneath is checked the way
 * Trino checks it (issue 16, bypass class 2). SECURITY INVOKER views read as the caller, so a
 * caller denied the table under the view is denied the view, also through CTAS and INSERT ...
 * SELECT; SECURITY DEFINER views read as their owner, who needs SELECT and GRANT_SELECT on what
 * the view reads; nested views combine both. The views live in the shared Trino's memory catalog
 * (allow-all), created there directly by the users who own them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startGovernedTrinoGateway } from '../support/services.js';

const S = 'memory.qg_gov_views';
let gateway: RunningGateway;
let trino: string;

const RULES = {
  tables: [
    { user: 'admin', privileges: ['SELECT', 'INSERT', 'DELETE', 'UPDATE', 'OWNERSHIP', 'GRANT_SELECT'] },
    // bob may hand out what he reads (GRANT_SELECT); carl only reads.
    { user: 'bob', catalog: 'memory', schema: 'qg_gov_views', table: 'secret|v_.*', privileges: ['SELECT', 'GRANT_SELECT', 'OWNERSHIP'] },
    { user: 'carl', catalog: 'memory', schema: 'qg_gov_views', table: 'secret|v_.*', privileges: ['SELECT', 'OWNERSHIP'] },
    { user: 'ann', catalog: 'memory', schema: 'qg_gov_views', table: 'v_.*', privileges: ['SELECT'] },
    { user: 'ann', catalog: 'memory', schema: 'qg_gov_views', table: 'out.*', privileges: ['SELECT', 'INSERT', 'OWNERSHIP'] },
  ],
};

async function onTrino(user: string, sql: string): Promise<void> {
  const result = await runQuery(trino, sql, { 'X-Trino-User': user });
  assert.equal(result.error, undefined, `${sql}: ${JSON.stringify(result.error)}`);
}

async function asAnn(sql: string): Promise<{ error?: string; rows: number }> {
  const result = await runQuery(gateway.url, sql, { 'X-Trino-User': 'ann' });
  return result.error ? { error: `${result.error.errorName}: ${result.error.message}`, rows: 0 } : { rows: result.rowCount };
}

before(async () => {
  trino = await ensureTrino();
  await onTrino('admin', `DROP SCHEMA IF EXISTS ${S} CASCADE`);
  await onTrino('admin', `CREATE SCHEMA ${S}`);
  await onTrino('admin', `CREATE TABLE ${S}.secret AS SELECT 'top secret' AS s, 1 AS id`);
  await onTrino('admin', `CREATE TABLE ${S}.out_insert (s varchar, id integer)`);
  await onTrino('admin', `CREATE VIEW ${S}.v_inv SECURITY INVOKER AS SELECT s, id FROM ${S}.secret`);
  await onTrino('bob', `CREATE VIEW ${S}.v_def_bob SECURITY DEFINER AS SELECT s, id FROM ${S}.secret`);
  await onTrino('carl', `CREATE VIEW ${S}.v_def_carl SECURITY DEFINER AS SELECT s FROM ${S}.secret`);
  await onTrino('bob', `CREATE VIEW ${S}.v_def_bob_over_inv SECURITY DEFINER AS SELECT s FROM ${S}.v_inv`);
  await onTrino('admin', `CREATE VIEW ${S}.v_inv_over_bob SECURITY INVOKER AS SELECT s FROM ${S}.v_def_bob`);
  await onTrino('admin', `CREATE VIEW ${S}.v_inv_over_carl SECURITY INVOKER AS SELECT s FROM ${S}.v_def_carl`);
  gateway = await startGovernedTrinoGateway(trino, RULES);
});

after(async () => {
  await gateway?.close();
  if (trino) await onTrino('admin', `DROP SCHEMA IF EXISTS ${S} CASCADE`);
});

test('an invoker view over a table the caller may not read is refused, as Trino refuses it', async () => {
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_inv`), { error: `PERMISSION_DENIED: Access Denied: Cannot select from table ${S}.secret`, rows: 0 });
  assert.deepEqual(await asAnn(`SELECT count(*) FROM (SELECT s FROM ${S}.v_inv)`), { error: `PERMISSION_DENIED: Access Denied: Cannot select from table ${S}.secret`, rows: 0 });
});

test('CTAS and INSERT ... SELECT cannot copy an invoker view’s underlying rows out', async () => {
  assert.deepEqual(await asAnn(`CREATE TABLE ${S}.out_ctas AS SELECT * FROM ${S}.v_inv`), { error: `PERMISSION_DENIED: Access Denied: Cannot select from table ${S}.secret`, rows: 0 });
  assert.deepEqual(await asAnn(`INSERT INTO ${S}.out_insert SELECT * FROM ${S}.v_inv`), { error: `PERMISSION_DENIED: Access Denied: Cannot select from table ${S}.secret`, rows: 0 });
  const copied = await runQuery(trino, `SELECT count(*) FROM ${S}.out_insert`, { 'X-Trino-User': 'admin' });
  assert.equal(copied.rowsText, '[0]');
});

test('a definer view reads as its owner: allowed when the owner may grant SELECT, refused when not', async () => {
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_def_bob`), { rows: 1 });
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_def_carl`), { error: `PERMISSION_DENIED: Access Denied: View owner does not have sufficient privileges: View owner 'carl' cannot create view that selects from ${S}.secret`, rows: 0 });
});

test('nested views: each level reads as Trino’s identity for it', async () => {
  // bob's definer view over an invoker view: the invoker view's body reads as bob.
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_def_bob_over_inv`), { rows: 1 });
  // ann's invoker view over definer views: ann reads the definer view, its owner the table.
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_inv_over_bob`), { rows: 1 });
  assert.deepEqual(await asAnn(`SELECT * FROM ${S}.v_inv_over_carl`), { error: `PERMISSION_DENIED: Access Denied: View owner does not have sufficient privileges: View owner 'carl' cannot create view that selects from ${S}.secret`, rows: 0 });
});

test('a view replaced through the gateway is checked by its new definition at once, not a cached expansion', async () => {
  const asAdmin = async (sql: string) => assert.equal((await runQuery(gateway.url, sql, { 'X-Trino-User': 'admin' })).error, undefined, sql);
  await asAdmin(`CREATE OR REPLACE VIEW ${S}.v_swap SECURITY INVOKER AS SELECT 'public' AS s`);
  assert.deepEqual(await asAnn(`SELECT s FROM ${S}.v_swap`), { rows: 1 });
  await asAdmin(`CREATE OR REPLACE VIEW ${S}.v_swap SECURITY INVOKER AS SELECT s FROM ${S}.secret`);
  assert.deepEqual(await asAnn(`SELECT s FROM ${S}.v_swap`), { error: `PERMISSION_DENIED: Access Denied: Cannot select from table ${S}.secret`, rows: 0 });
});
