/**
 * Trino regular expressions rendered for DuckDB's RE2 only where both engines match alike
 * (src/engines/duckdb/translation/regex.ts); the embedded differential compares the results with
 * Trino 483.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translateRegex } from '../../src/engines/duckdb/translation/regex.js';

test('the shared subset is rendered as written; $ as Joni reads it, only where allowed', () => {
  for (const pattern of ['abc', '^a.c', 'a\\.c', '[a-c_]+', '[^a-z]', '(x|y)?z', '(?:ab)*?c', 'a{2,3}', 'a{2,}', '日本.', '[-a]', '']) {
    assert.deepEqual(translateRegex(pattern, false), { pattern: pattern === '[-a]' ? '[\\-a]' : pattern, matchesEmpty: translateRegex(pattern, false)!.matchesEmpty }, pattern);
  }
  assert.equal(translateRegex('a$', true)?.pattern, 'a(?:\\n?\\z)');
  assert.equal(translateRegex('a$', false), undefined);
});

test('what can match the empty string is known (regexp_replace refuses it)', () => {
  for (const pattern of ['', 'a*', 'a?', '(a|)', 'a{0,2}', '^', '(?:b*)c?']) assert.equal(translateRegex(pattern, false)?.matchesEmpty, true, pattern);
  for (const pattern of ['a', 'a+', '[ab]', '(a|b)c*', 'a{1,2}', '.']) assert.equal(translateRegex(pattern, false)?.matchesEmpty, false, pattern);
});

test('constructs the engines read differently, or only one reads, are refused', () => {
  for (const pattern of ['\\d', '\\w+', '\\s', '\\b', '\\n', '(?i)a', '(?=a)', '(?<n>a)', '(a)\\1', 'a++', 'a**', '[a-z&&[def]]', '[[a]]', '[]a]', '[z-a]', 'a{2', 'a{1001}', '(', ')', '*a', 'a]', '\\Qa\\E']) {
    assert.equal(translateRegex(pattern, true), undefined, pattern);
  }
});
