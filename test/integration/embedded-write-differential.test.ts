/**
 * The write differential of the embedded engine (issue 19): the same sequences of CREATE TABLE,
 * CREATE TABLE AS, INSERT, CREATE VIEW and DROP run on Trino 483's memory connector and through
 * the gateway on the embedded engine, each step compared: the error (by name), or the update
 * type, the row count the write returns, and a read-back's columns and rows. DELETE and UPDATE,
 * which the memory connector cannot run, are compared with the rows Trino says they must leave.
 * Statement kinds the engine does not translate must be refused with NOT_SUPPORTED.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { runQuery, type QueryRun } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway, unlessWorkers } from '../support/services.js';
import { REFUSED_WRITES, writeScenarios, type WriteStep } from './embedded-differential/write-corpus.js';

const USER = 'write-differential';
const TRINO_SCHEMA = 'memory.default';
const EMBEDDED_SCHEMA = 'demo.writes';
let gateway: RunningGateway;
let trinoUrl: string;

// With several workers every embedded write is refused: each worker has its own copy of the engine.
const embeddedWrites = unlessWorkers('writing through the embedded engine is refused (NOT_SUPPORTED) with several workers');

before(async () => {
  if (embeddedWrites.skip) return;
  trinoUrl = await ensureTrino();
  gateway = await startTestGateway({ backends: [{ name: 'embedded', engine: 'duckdb' }] });
  const created = await onEmbedded(`CREATE SCHEMA ${EMBEDDED_SCHEMA}`);
  assert.equal(created.error, undefined);
});
after(async () => gateway?.close());

const onTrino = (sql: string): Promise<QueryRun> =>
  runQuery(trinoUrl, sql.replaceAll('{s}', TRINO_SCHEMA), { 'X-Trino-User': USER, 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' });
const onEmbedded = (sql: string): Promise<QueryRun> =>
  runQuery(gateway.url, sql.replaceAll('{s}', EMBEDDED_SCHEMA), { 'X-Trino-User': USER, 'X-Trino-Catalog': 'demo', 'X-Trino-Schema': 'tpch' });

/** What a client sees of a statement: its error's name, or its update type, count, columns and rows (sorted: writes have no order). */
function seen(run: QueryRun): string {
  if (run.error) return `error ${String(run.error.errorName)}`;
  const rows = (JSON.parse(`[${run.rowsText}]`) as unknown[][]).map((row) => JSON.stringify(row)).sort();
  return JSON.stringify({ updateType: run.last.updateType ?? null, updateCount: run.last.updateCount ?? null, columns: run.columns?.map((c) => `${c.name} ${c.type}`) ?? [], rows });
}

/** Trino's answer for an emulated DELETE/UPDATE: the table as the write must leave it. */
async function emulated(step: WriteStep & { emulate: NonNullable<WriteStep['emulate']> }): Promise<{ write: string; table: string }> {
  const { table, where, set } = step.emulate;
  const shape = await onTrino(`SELECT * FROM ${table} LIMIT 0`);
  const columns = shape.columns ?? [];
  const kept = `coalesce(${where}, false)`;
  const sql =
    Object.keys(set).length === 0
      ? `SELECT * FROM ${table} WHERE NOT ${kept}`
      : `SELECT ${columns.map((c) => (c.name in set ? `CAST(CASE WHEN ${kept} THEN ${set[c.name]} ELSE ${c.name} END AS ${c.type}) AS ${c.name}` : c.name)).join(', ')} FROM ${table}`;
  const after = await onTrino(sql);
  if (after.error) return { write: seen(after), table: '' };
  const count = await onTrino(`SELECT count(*) FROM ${table} WHERE ${kept}`);
  const rows = JSON.parse(`[${count.rowsText}]`) as number[][];
  return {
    write: JSON.stringify({ updateType: Object.keys(set).length === 0 ? 'DELETE' : 'UPDATE', updateCount: rows[0]![0], columns: ['rows bigint'], rows: [`[${rows[0]![0]}]`] }),
    table: seen(after),
  };
}

test('writes on the embedded engine leave what they leave on Trino, or are refused', { ...embeddedWrites, timeout: 600_000 }, async () => {
  let steps = 0;
  let agreeing = 0;
  let refused = 0;
  const disagreements: string[] = [];
  for (const scenario of writeScenarios()) {
    for (const step of scenario.steps) {
      steps++;
      let expected: string;
      let expectedTable: string | undefined;
      if (step.emulate) {
        const trino = await emulated({ ...step, emulate: step.emulate });
        expected = trino.write;
        expectedTable = trino.table;
      } else {
        expected = seen(await onTrino(step.sql));
      }
      const embeddedRun = await onEmbedded(step.sql);
      let actual = seen(embeddedRun);
      if (embeddedRun.error?.errorName === 'NOT_SUPPORTED' && expected !== 'error NOT_SUPPORTED') {
        refused++;
        console.log(`refused (${scenario.name}): ${step.sql}\n    ${String(embeddedRun.error.message)}`);
        continue;
      }
      if (expectedTable !== undefined && !expected.startsWith('error')) actual += ` / ${seen(await onEmbedded(`SELECT * FROM ${step.emulate!.table}`))}`;
      if (expectedTable !== undefined && !expected.startsWith('error')) expected += ` / ${expectedTable}`;
      if (actual === expected) agreeing++;
      else disagreements.push(`${scenario.name}: ${step.sql}\n    Trino:    ${expected.slice(0, 600)}\n    embedded: ${actual.slice(0, 600)}`);
    }
  }
  console.log(`embedded write differential: ${steps} steps, ${steps - refused} accepted, ${agreeing} agree with Trino, ${refused} refused`);
  for (const d of disagreements) console.log(`disagrees: ${d}`);
  assert.deepEqual(disagreements, []);
  assert.ok(steps >= 200, `${steps} steps`);
});

test('statement kinds the engine does not translate are refused, never run as written', embeddedWrites, async () => {
  const outcomes = [];
  for (const sql of REFUSED_WRITES) {
    const run = await onEmbedded(sql);
    outcomes.push(`${sql}: ${String(run.error?.errorName)}`);
    assert.doesNotMatch(String(run.error?.message), /duckdb|binder error|catalog error/i, sql);
  }
  assert.deepEqual(outcomes, REFUSED_WRITES.map((sql) => `${sql}: NOT_SUPPORTED`));
});
