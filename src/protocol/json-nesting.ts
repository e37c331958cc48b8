/**
 * Finds where a nested JSON value (an array or object) closes, as its bytes stream past: the
 * scan TopLevelValueRewriter runs over a page's `data`, which is nearly all of a large result. It
 * knows only the depth and whether a string (and an escape in it) is open, and runs in a small
 * WebAssembly module with SIMD compares (json-nesting.wat): V8's best byte loop for the same
 * work reached about 450 MiB/s of CPU on this machine, the module 3.1 GiB/s (bench/README.md).
 */
import { JSON_NESTING_WASM } from './json-nesting-wasm.js';

/** Bytes the module scans per call; its memory holds them plus 64 zero bytes of padding. */
const WINDOW = 64 * 1024;
const PADDING = 64;

interface NestingExports {
  memory: WebAssembly.Memory;
  depth: WebAssembly.Global;
  inString: WebAssembly.Global;
  escapeNext: WebAssembly.Global;
  scan(length: number): number;
}

/** One instance for the process: calls are synchronous, and each tracker brings its own state. */
const nesting = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(JSON_NESTING_WASM, 'base64'))).exports as unknown as NestingExports;
const memory = new Uint8Array(nesting.memory.buffer, 0, WINDOW + PADDING);

export class NestedValueTracker {
  private depth = 0;
  private inString = false;
  private escapeNext = false;

  /**
   * Feeds the value's next bytes (the first call starts at its opening bracket). Returns the index
   * in `bytes` just past its closing bracket, or -1 when `bytes` ends inside the value.
   */
  advance(bytes: Buffer): number {
    for (let at = 0; at < bytes.length; at += WINDOW) {
      const window = bytes.subarray(at, at + WINDOW);
      memory.set(window, 0);
      memory.fill(0, window.length, window.length + PADDING);
      nesting.depth.value = this.depth;
      nesting.inString.value = this.inString ? 1 : 0;
      nesting.escapeNext.value = this.escapeNext ? 1 : 0;
      const end = nesting.scan(window.length);
      this.depth = nesting.depth.value as number;
      this.inString = nesting.inString.value === 1;
      this.escapeNext = nesting.escapeNext.value === 1;
      if (end !== -1) return at + end;
    }
    return -1;
  }
}
