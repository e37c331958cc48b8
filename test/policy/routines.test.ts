/** CREATE / DROP FUNCTION: Trino's checkCanCreateFunction / checkCanDropFunction (functions rules, OWNERSHIP). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, rules, who } from './support.js';

const R = rules({
  functions: [
    { group: 'devs', catalog: 'memory', schema: 'fn', function: 'f_.*', privileges: ['EXECUTE', 'OWNERSHIP'] },
    { user: 'ann', catalog: 'memory', schema: 'fn', function: 'f_.*', privileges: ['EXECUTE'] },
    { catalog: 'system', schema: 'builtin', privileges: ['EXECUTE'] },
  ],
});

test('CREATE FUNCTION needs OWNERSHIP of the function; EXECUTE is not enough', async () => {
  const sql = 'CREATE OR REPLACE FUNCTION memory.fn.f_new(x bigint) RETURNS bigint COMMENT \'c\' RETURN abs(x) + 1';
  assert.equal((await decide(R, who('dev', ['devs']), sql)).allowed, true);
  assert.equal((await decide(R, who('ann'), sql)).message, 'Access Denied: Cannot create function memory.fn.f_new');
  assert.equal((await decide(R, who('dev', ['devs']), 'CREATE FUNCTION memory.fn.other() RETURNS bigint RETURN 1')).message, 'Access Denied: Cannot create function memory.fn.other');
  // a schema-qualified name goes to the session catalog
  const memory = { session: { catalog: 'memory', schema: 'default' } };
  assert.equal((await decide(R, who('ann'), 'CREATE FUNCTION fn.f_x() RETURNS bigint RETURN 1', memory)).message, 'Access Denied: Cannot create function memory.fn.f_x');
});

test('CREATE FUNCTION: the body is analyzed — a table it reads is checked', async () => {
  const withTables = rules({
    tables: [{ group: 'devs', catalog: 'tpch', table: 'nation', privileges: ['SELECT'] }],
    functions: [{ group: 'devs', privileges: ['EXECUTE', 'OWNERSHIP'] }],
  });
  const d = await decide(withTables, who('dev', ['devs']), 'CREATE FUNCTION memory.fn.f_c() RETURNS bigint RETURN (SELECT count(c_phone) FROM tpch.tiny.customer)');
  assert.equal(d.allowed, false);
  assert.match(d.message ?? '', /customer/);
});

test('DROP FUNCTION [IF EXISTS] needs OWNERSHIP; an unqualified name is refused', async () => {
  assert.equal((await decide(R, who('dev', ['devs']), 'DROP FUNCTION IF EXISTS memory.fn.f_old(bigint)')).allowed, true);
  assert.equal((await decide(R, who('ann'), 'DROP FUNCTION memory.fn.f_old(x bigint, varchar)')).message, 'Access Denied: Cannot drop function memory.fn.f_old');
  await assert.rejects(decide(R, who('dev', ['devs']), 'DROP FUNCTION f_old()'), /qualified function name/);
});

test('CREATE TABLE ... LIKE: the LIKE source is checked first, with Trino\'s wording', async () => {
  const r = rules({
    catalogs: [{ catalog: 'tpch', allow: 'all' }, { catalog: 'memory', allow: 'all' }],
    tables: [
      { user: 'ann', catalog: 'tpch', table: 'nation', privileges: ['SELECT'] },
      { user: 'bob', catalog: 'tpch', table: 'nation', privileges: ['SELECT', 'OWNERSHIP'] },
    ],
  });
  // carol may neither read the source nor create the table: Trino names the source
  assert.equal((await decide(r, who('carol'), 'CREATE TABLE memory.default.y (LIKE nation)')).message, 'Access Denied: Cannot reference columns of table tpch.tiny.nation');
  assert.equal((await decide(r, who('ann'), 'CREATE TABLE memory.default.y (LIKE nation INCLUDING PROPERTIES)')).message, 'Access Denied: Cannot reference properties of table tpch.tiny.nation');
  assert.equal((await decide(r, who('bob'), 'CREATE TABLE memory.default.y (LIKE nation INCLUDING PROPERTIES)')).message, 'Access Denied: Cannot create table memory.default.y');
});

test('CREATE / DROP FUNCTION: a catalog one cannot access is named first, as Trino does', async () => {
  const r = rules({ catalogs: [{ catalog: 'tpch', allow: 'all' }], functions: [{ privileges: ['OWNERSHIP'] }] });
  assert.equal((await decide(r, who('dev'), 'CREATE FUNCTION memory.fn.f_new() RETURNS bigint RETURN 1')).message, 'Access Denied: Cannot access catalog memory');
  assert.equal((await decide(r, who('dev'), 'DROP FUNCTION memory.fn.f_new()')).message, 'Access Denied: Cannot access catalog memory');
});
