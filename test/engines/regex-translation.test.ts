/**
 * Which regular expressions the embedded engine runs (translation/regex.ts): only those Trino's
 * Joni and DuckDB's RE2 read alike; regexp_replace also only where no match can be empty. Results
 * against Trino: the regexp_like / regexp_replace statements of the embedded differential
 * (test/integration/embedded-differential/corpus.ts) and hal's rules in filter-mask-embedded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translateRegex } from '../../src/engines/duckdb/translation/regex.js';

test('patterns both engines read alike are accepted, with whether they can match the empty string', () => {
  const accepted: Array<[string, boolean]> = [
    ['^[A-J]', false],
    ['[aeiou]', false],
    ['a|', true],
    ['(x|b)c', false],
    ['a{2,3}?', false],
    ['a{0,3}', true],
    ['^', true],
    ['[^a-z0-9 ]+', false],
    ['[$.*]', false],
    ['()', true],
    ['o w|l+', false],
  ];
  for (const [pattern, matchesEmpty] of accepted) assert.equal(translateRegex(pattern, false)?.matchesEmpty, matchesEmpty, pattern);
});

test('patterns the engines read differently, or that only one accepts, are refused', () => {
  // $ (Java: also before a final newline), escapes, flags, possessive, nested and intersected
  // classes, a quantified anchor, reversed ranges, unbalanced groups.
  for (const pattern of ['b$', '\\w', '\\d+', '(?i)a', 'a*+', 'a++', '[a[b]]', '[a&&b]', '^*', '[z-a]', '[a-Z]', '(a', 'a)', '[]', 'a{2', 'a{1001}', '{', '[^]a]']) {
    assert.equal(translateRegex(pattern, false), undefined, pattern);
  }
});
