import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { NestedValueTracker } from '../../src/protocol/json-nesting.js';
import { seededRandom } from '../support/random.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

test('the committed WebAssembly module is json-nesting.wat assembled', () => {
  execFileSync(process.execPath, ['scripts/assemble-wasm.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' });
});

/** Where the value starting at byte 0 closes, one byte at a time: the reference the module must match. */
function referenceEnd(bytes: Buffer): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (escaped) escaped = false;
    else if (b === 0x5c) escaped = true;
    else if (b === 0x22) inString = !inString;
    else if (!inString && (b === 0x5b || b === 0x7b)) depth++;
    else if (!inString && (b === 0x5d || b === 0x7d) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Feeds `bytes` in the given chunk sizes; the index where the value closed, or -1. */
function trackedEnd(bytes: Buffer, sizes: () => number): number {
  const tracker = new NestedValueTracker();
  for (let at = 0; at < bytes.length; ) {
    const size = sizes();
    const end = tracker.advance(bytes.subarray(at, at + size));
    if (end !== -1) return at + end;
    at += size;
  }
  return -1;
}

test('generated values, whole, truncated and in chunks of every size, close where the byte-by-byte reference says', () => {
  // Backslash runs, escaped quotes and brackets inside strings, so that strings and escapes
  // straddle the module's 64-byte blocks and its 64 KiB windows.
  const pieces = ['"', '\\\\', '\\"', '[', ']', '{', '}', 'x', '1', ',', 'é', '\\'];
  for (let seed = 1; seed <= 400; seed++) {
    const next = seededRandom(seed);
    const text = () => Array.from({ length: Math.floor(next() * 90) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    const value = (depth: number): string => {
      const kind = next();
      if (depth > 4 || kind < 0.35) return JSON.stringify(text());
      if (kind < 0.45) return String(Math.floor(next() * 1e9));
      if (kind < 0.8) return `[${Array.from({ length: Math.floor(next() * 6) }, () => value(depth + 1)).join(',')}]`;
      return `{${Array.from({ length: Math.floor(next() * 4) }, () => `${JSON.stringify(text())}:${value(depth + 1)}`).join(',')}}`;
    };
    const rows = Array.from({ length: seed % 10 === 0 ? 600 : 1 + Math.floor(next() * 8) }, () => value(1));
    const whole = Buffer.from(`[${rows.join(',')}],"stats":{"x":"]"}}`);
    for (const bytes of [whole, whole.subarray(0, Math.floor(next() * whole.length))]) {
      const expected = referenceEnd(bytes);
      assert.equal(trackedEnd(bytes, () => bytes.length), expected, `seed ${seed}, whole`);
      assert.equal(trackedEnd(bytes, () => 1 + Math.floor(next() * 130)), expected, `seed ${seed}, small chunks`);
      assert.equal(trackedEnd(bytes, () => 60_000 + Math.floor(next() * 20_000)), expected, `seed ${seed}, large chunks`);
    }
  }
});

test('a backslash run ending exactly at a block or window boundary escapes the next chunk\'s first byte', () => {
  for (const boundary of [63, 64, 65, 127, 128, 65535, 65536, 65537]) {
    for (const run of [1, 2, 3, 4]) {
      const prefix = '["' + 'a'.repeat(boundary - 2 - run) + '\\'.repeat(run);
      const bytes = Buffer.from(`${prefix}"]"]`);
      const expected = referenceEnd(bytes);
      assert.equal(trackedEnd(bytes, () => bytes.length), expected, `boundary ${boundary}, run ${run}, whole`);
      const tracker = new NestedValueTracker();
      const first = tracker.advance(bytes.subarray(0, prefix.length));
      const second = first === -1 ? tracker.advance(bytes.subarray(prefix.length)) : -1;
      assert.equal(first === -1 ? prefix.length + second : first, expected, `boundary ${boundary}, run ${run}, split at the run's end`);
    }
  }
});
