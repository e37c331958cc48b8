/**
 * The gateway reads statement text as the engines do, or refuses it (issue 16, bypass class 1).
 * Each case is text an engine read differently from the gateway's lexer: a `--` comment that
 * Trino and DuckDB end at CR, DuckDB's nested comments, E'...' strings and Unicode spaces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryFailure } from '../../src/protocol/errors.js';
import { refusal } from '../../src/engines/duckdb/sql-text.js';
import { analyze, type AccessRequest } from '../../src/sql/analyzer/index.js';
import { tokenize } from '../../src/sql/lexer.js';
import { SESSION, StaticMetadata } from './support.js';

const meta = new StaticMetadata({ 'memory.s1.secret': ['x'] });

function tablesOf(r: AccessRequest): string[] {
  return r.tables.map((t) => `${t.table.catalog}.${t.table.schema}.${t.table.name}:${t.privilege}`).sort();
}

async function refused(sql: string, code: string, message: RegExp, prepared?: Map<string, string>): Promise<void> {
  await assert.rejects(analyze(sql, SESSION, meta, prepared), (err: unknown) => {
    assert.ok(err instanceof QueryFailure, String(err));
    assert.equal(err.errorCode.name, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

const UNION_ORDERS = 'SELECT n_name FROM tpch.tiny.nation --\r UNION ALL SELECT o_comment FROM tpch.tiny.orders';

test('a -- comment ends at CR as in Trino and DuckDB: the text after it is read', async () => {
  assert.deepEqual(tablesOf(await analyze(UNION_ORDERS, SESSION, meta)), ['tpch.tiny.nation:SELECT', 'tpch.tiny.orders:SELECT']);
  const drop = await analyze('--\rDROP TABLE memory.s1.secret /*\nSELECT 1 -- */', SESSION, meta);
  assert.equal(drop.kind, 'dropTable');
  assert.deepEqual(tablesOf(drop), ['memory.s1.secret:DROP']);
  // CR LF and a lone LF end it too; the next line is read.
  assert.deepEqual(tablesOf(await analyze('SELECT 1 --x\r\nFROM tpch.tiny.region', SESSION, meta)), ['tpch.tiny.region:SELECT']);
});

test('a -- comment ending at CR inside a prepared statement and EXECUTE IMMEDIATE', async () => {
  const prepared = new Map([['p', UNION_ORDERS]]);
  assert.deepEqual(tablesOf(await analyze('EXECUTE p', SESSION, meta, prepared)), ['tpch.tiny.nation:SELECT', 'tpch.tiny.orders:SELECT']);
  const immediate = `EXECUTE IMMEDIATE '${UNION_ORDERS}'`;
  assert.deepEqual(tablesOf(await analyze(immediate, SESSION, meta)), ['tpch.tiny.nation:SELECT', 'tpch.tiny.orders:SELECT']);
});

test("the embedded engine's function blocking reads a -- comment to CR as DuckDB does", () => {
  const blocked = refusal("SELECT 1 --\r, * FROM query('SELECT 42')");
  assert.ok(blocked instanceof QueryFailure);
  assert.match(blocked.message, /Cannot execute function query/);
});

test('a block comment that opens another is refused: DuckDB nests comments, Trino does not', async () => {
  await refused('SELECT n_name FROM nation /* /* */ UNION ALL SELECT o_comment FROM orders */', 'NOT_SUPPORTED', /line 1:30: '\/\*' inside a block comment/);
  // `/*/` right before the end: DuckDB opens a nested comment there.
  await refused('SELECT n_name FROM nation /*/*/ UNION ALL SELECT o_comment FROM orders /* */', 'NOT_SUPPORTED', /inside a block comment/);
  assert.deepEqual(tablesOf(await analyze('SELECT n_name /* a */ FROM nation /** / **/', SESSION, meta)), ['tpch.tiny.nation:SELECT']);
});

test("E'...' strings are refused: DuckDB honours backslash escapes in them", async () => {
  // DuckDB reads E'\'' as one quote, then the rest of the line as SQL.
  await refused("SELECT E'\\'', o_comment FROM orders --'", 'NOT_SUPPORTED', /E'...' strings are not supported/);
  await refused("SELECT e'x' FROM nation", 'NOT_SUPPORTED', /E'...' strings/);
  // A word ending in e before a quote is a word and a string in both engines.
  assert.equal((await analyze("SELECT DATE '2020-01-01' FROM nation", SESSION, meta)).tables.length, 1);
});

test('Unicode spaces and other non-ASCII characters outside quotes are refused (DuckDB reads spaces there)', async () => {
  // DuckDB reads this as SELECT 1 AS x FROM orders; the gateway read one long alias.
  await refused('SELECT 1 AS x\u00a0FROM\u00a0orders', 'SYNTAX_ERROR', /line 1:14: unexpected character U\+00A0/);
  for (const ws of ['\u000b', '\u000c', '\u0085', '\u1680', '\u2000', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff']) {
    await refused(`SELECT n_name${ws}FROM nation`, 'SYNTAX_ERROR', /unexpected character U\+/);
  }
  // ſ upper-cases to S: Trino does not read it as a letter.
  await refused('ſelect 1', 'SYNTAX_ERROR', /unexpected character U\+017F/);
  // Inside quotes and comments anything goes.
  assert.deepEqual(tablesOf(await analyze('SELECT n_name AS "n\u00a0ä" FROM nation -- ä\u2028', SESSION, meta)), ['tpch.tiny.nation:SELECT']);
});

test('NUL, dollar quotes, & and other characters Trino does not know are refused', async () => {
  await refused('SELECT n_name FROM nation WHERE n_name = \'a\0\' ', 'SYNTAX_ERROR', /U\+0000/);
  await refused('SELECT $$ x $$ FROM nation', 'SYNTAX_ERROR', /mismatched input '\$'/);
  await refused('SELECT U&"\\0041" FROM nation', 'SYNTAX_ERROR', /unexpected character '&'/);
  await refused('SELECT n_name FROM nation WHERE n_regionkey # 1', 'SYNTAX_ERROR', /unexpected character '#'/);
});

test("tokens as Trino's lexer makes them: X'' has no doubled quote, numbers and digit identifiers", () => {
  const kinds = (sql: string) => tokenize(sql).filter((t) => t.kind !== 'eof').map((t) => `${t.kind}:${t.text}`);
  assert.deepEqual(kinds("X'ab''cd'"), ["string:X'ab'", "string:'cd'"]);
  assert.deepEqual(kinds('1_000 0x1F 1.5e3 .5 1.'), ['number:1_000', 'number:0x1F', 'number:1.5e3', 'number:.5', 'number:1.']);
  assert.throws(() => tokenize('SELECT 1__0'), /identifiers must not start with a digit/);
  assert.deepEqual(kinds('a->b=>c::d{-e-}'), ['word:a', 'symbol:->', 'word:b', 'symbol:=>', 'word:c', 'symbol:::', 'word:d', 'symbol:{-', 'word:e', 'symbol:-}']);
});
