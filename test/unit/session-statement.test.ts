import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryFailure } from '../../src/protocol/errors.js';
import { classifyStatement } from '../../src/sql/session-statement.js';

test('recognises session statements', () => {
  assert.deepEqual(classifyStatement('USE demo.tpch'), { kind: 'use', catalog: 'demo', schema: 'tpch' });
  assert.deepEqual(classifyStatement('use "My"'), { kind: 'use', schema: 'My' });
  assert.deepEqual(classifyStatement("SET SESSION query_max_run_time = '1h';"), {
    kind: 'setSession',
    name: 'query_max_run_time',
    value: { text: '1h', literal: 'string', line: 1, column: 34 },
  });
  assert.deepEqual(classifyStatement('SET SESSION hive.x = -5'), { kind: 'setSession', name: 'hive.x', value: { text: '-5', literal: 'number', line: 1, column: 22 } });
  assert.deepEqual(classifyStatement('SET SESSION "Hive"."X" = NULL'), { kind: 'setSession', name: 'hive.x', value: { text: 'null', literal: 'null', line: 1, column: 26 } });
  assert.throws(() => classifyStatement('SET SESSION hive.x = 1 + 1'), /NOT_SUPPORTED|not supported/);
  assert.deepEqual(classifyStatement('RESET SESSION hive.x'), { kind: 'resetSession', name: 'hive.x' });
  assert.deepEqual(classifyStatement('PREPARE q1 FROM SELECT * FROM t WHERE a = ?'), { kind: 'prepare', name: 'q1', sql: 'SELECT * FROM t WHERE a = ?' });
  assert.deepEqual(classifyStatement('DEALLOCATE PREPARE q1'), { kind: 'deallocate', name: 'q1' });
  assert.deepEqual(classifyStatement("EXECUTE q1 USING 1, 'a,b', f(2, 3)"), { kind: 'execute', name: 'q1', parameters: ['1', "'a,b'", 'f(2, 3)'] });
  assert.deepEqual(classifyStatement("EXECUTE IMMEDIATE 'SELECT ''x'', ?' USING 5"), { kind: 'executeImmediate', sql: "SELECT 'x', ?", parameters: ['5'] });
  assert.deepEqual(classifyStatement('START TRANSACTION READ ONLY'), { kind: 'startTransaction' });
  assert.deepEqual(classifyStatement("SET SESSION AUTHORIZATION 'Bob'"), { kind: 'setAuthorization', user: 'Bob' });
  assert.deepEqual(classifyStatement('SET SESSION AUTHORIZATION bob'), { kind: 'setAuthorization', user: 'bob' });
  assert.deepEqual(classifyStatement('RESET SESSION AUTHORIZATION'), { kind: 'resetAuthorization' });
  assert.deepEqual(classifyStatement('commit work'), { kind: 'commit' });
  assert.deepEqual(classifyStatement('ROLLBACK'), { kind: 'rollback' });
  assert.deepEqual(classifyStatement('SELECT 1; '), { kind: 'query', sql: 'SELECT 1' });
});

test('exactly one statement per request, with Trino-style syntax errors', () => {
  const expectSyntax = (sql: string, message: string, line: number, column: number) =>
    assert.throws(() => classifyStatement(sql), (err: unknown) => {
      assert.ok(err instanceof QueryFailure);
      assert.equal(err.errorCode.name, 'SYNTAX_ERROR');
      assert.equal(err.message, message);
      assert.deepEqual(err.location, { lineNumber: line, columnNumber: column });
      return true;
    });
  expectSyntax('SELECT 1; DROP TABLE t', "line 1:11: mismatched input 'DROP'. Expecting: <EOF>", 1, 11);
  expectSyntax("SELECT 'abc", 'line 1:8: unterminated string literal', 1, 8);
  expectSyntax('SELECT 1\n/* open', 'line 2:1: unterminated comment', 2, 1);
  expectSyntax('   ', "line 1:1: mismatched input '<EOF>'. Expecting: a statement", 1, 1);
  // A semicolon inside a literal or identifier is not a statement separator.
  assert.deepEqual(classifyStatement("SELECT ';', \"a;b\" FROM t"), { kind: 'query', sql: "SELECT ';', \"a;b\" FROM t" });
});
