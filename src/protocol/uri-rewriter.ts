/**
 * Streams a backend's QueryResults document to the client while replacing the string values of
 * chosen top-level keys (`nextUri`, `partialCancelUri`, `infoUri`). Everything else is copied
 * byte for byte: `data` is never parsed, so bigints, `1.0` and every other number keep their
 * exact text. Only the top level of the document counts, so a map value named `nextUri` inside
 * `data` is left alone.
 *
 * The scan keeps just enough JSON state to know where top-level keys are; memory use is one chunk
 * plus the value being replaced. A member's array or object (`data`, `columns`, `stats`) is only
 * followed to its end by NestedValueTracker, which runs at several GB/s: the per-byte state
 * machine here sees the top level alone. The tracking is exact, so `complete` is too: a document
 * cut anywhere, inside `data` or after it, is incomplete.
 */
import { NestedValueTracker } from './json-nesting.js';

/** JSON's structural bytes (also scanned by spooled-data.ts). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Called with each top-level string value whose key is in the watched set; returns the
 * replacement string, or `undefined` to keep the value as it is.
 */
export type ValueRewrite = (key: string, value: string) => string | undefined;

type Mode =
  | 'value' // outside strings, scanning structure
  | 'string' // inside a top-level string value that is not watched (skipped)
  | 'nested' // inside a member's array or object (followed by NestedValueTracker)
  | 'key' // inside a top-level key
  | 'afterKey' // between a top-level key and its value
  | 'watchedValue'; // inside a top-level string value being captured

/** Top-level keys to be told about as they pass (e.g. `error`), and who to tell. */
export interface KeyNotice {
  keys: ReadonlySet<string>;
  notice(key: string): void;
}

export class TopLevelValueRewriter {
  private depth = 0;
  private mode: Mode = 'value';
  private escaped = false;
  private expectingKey = false;
  private keyBytes: Buffer[] = [];
  private currentKey = '';
  private captured: Buffer[] = [];
  private nested = new NestedValueTracker();

  constructor(
    private readonly watchedKeys: ReadonlySet<string>,
    private readonly rewrite: ValueRewrite,
    private readonly noticed?: KeyNotice,
  ) {}

  /** Feeds one chunk; returns the chunks to write to the client (possibly none). */
  push(chunk: Buffer): Buffer[] {
    return this.scan(chunk, undefined).out;
  }

  /**
   * Like push, but stops where the value of the top-level member `key` begins: `stoppedAt` is the
   * index in `chunk` of its first byte (-1 when the chunk ended first). `push` can carry on from
   * there with the rest of the chunk.
   */
  pushUntilValueOf(chunk: Buffer, key: string): { out: Buffer[]; stoppedAt: number } {
    return this.scan(chunk, key);
  }

  private scan(chunk: Buffer, stopKey: string | undefined): { out: Buffer[]; stoppedAt: number } {
    const out: Buffer[] = [];
    let emitFrom = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.mode) {
        case 'string': {
          // Jump to the next quote and decide whether it is escaped.
          const q = this.findUnescapedQuote(chunk, i);
          if (q === -1) {
            i = n;
            continue;
          }
          this.mode = 'value';
          i = q + 1;
          continue;
        }
        case 'key': {
          const q = this.findUnescapedQuote(chunk, i);
          if (q === -1) {
            this.keyBytes.push(chunk.subarray(i, n));
            i = n;
            continue;
          }
          // A key within one chunk (the usual case) is decoded in place, without a copy.
          const rawKey = this.keyBytes.length === 0 ? chunk.toString('utf8', i, q) : Buffer.concat([...this.keyBytes, chunk.subarray(i, q)]).toString('utf8');
          // Compared decoded, so an escaped spelling of a watched key is still recognised.
          this.currentKey = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
          this.keyBytes = [];
          if (this.noticed?.keys.has(this.currentKey)) this.noticed.notice(this.currentKey);
          this.mode = 'afterKey';
          i = q + 1;
          continue;
        }
        case 'afterKey': {
          const b = chunk[i]!;
          if (b === COLON || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            continue;
          }
          this.mode = 'value';
          if (this.currentKey === stopKey) {
            out.push(chunk.subarray(emitFrom, i));
            return { out, stoppedAt: i };
          }
          if (b === QUOTE && this.watchedKeys.has(this.currentKey)) {
            // Emit everything before the value, then capture the value itself.
            out.push(chunk.subarray(emitFrom, i));
            this.mode = 'watchedValue';
            this.captured = [];
            i++;
            emitFrom = i;
          }
          continue;
        }
        case 'watchedValue': {
          const q = this.findUnescapedQuote(chunk, i);
          if (q === -1) {
            this.captured.push(chunk.subarray(i, n));
            i = n;
            emitFrom = n;
            continue;
          }
          const rawValue = this.captured.length === 0 ? chunk.toString('utf8', i, q) : Buffer.concat([...this.captured, chunk.subarray(i, q)]).toString('utf8');
          this.captured = [];
          const original = rawValue.includes('\\') ? (JSON.parse(`"${rawValue}"`) as string) : rawValue;
          const replacement = this.rewrite(this.currentKey, original);
          out.push(Buffer.from(replacement === undefined ? `"${rawValue}"` : JSON.stringify(replacement), 'utf8'));
          this.mode = 'value';
          i = q + 1;
          emitFrom = i;
          continue;
        }
        case 'value': {
          const b = chunk[i]!;
          if (b === QUOTE) {
            if (this.depth === 1 && this.expectingKey) {
              this.mode = 'key';
              this.expectingKey = false;
            } else {
              this.mode = 'string';
            }
            this.escaped = false;
          } else if (b === OPEN_OBJECT && this.depth === 0) {
            this.depth = 1;
            this.expectingKey = true;
          } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
            // A member's array or object: no top-level member begins inside it, so it is only
            // followed to its end. This is where large results (`data`) spend their time.
            this.mode = 'nested';
            this.nested = new NestedValueTracker();
            continue;
          } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            this.depth--;
          } else if (b === COMMA && this.depth === 1) {
            this.expectingKey = true;
          }
          i++;
          continue;
        }
        case 'nested': {
          const end = this.nested.advance(i === 0 ? chunk : chunk.subarray(i));
          if (end === -1) {
            i = n;
            continue;
          }
          this.mode = 'value';
          i += end;
          continue;
        }
      }
    }
    if (emitFrom < n && this.mode !== 'watchedValue') out.push(chunk.subarray(emitFrom, n));
    return { out, stoppedAt: -1 };
  }

  /** True when the stream ended cleanly outside any string (a truncated body is not). */
  get complete(): boolean {
    return this.depth === 0 && this.mode === 'value';
  }

  /** Index of the next quote that ends the current string, or -1 when the chunk ends first. */
  private findUnescapedQuote(chunk: Buffer, from: number): number {
    const q = findClosingQuote(chunk, from, this.escaped);
    this.escaped = q === ESCAPE_PENDING;
    return q < 0 ? -1 : q;
  }
}

/** findClosingQuote's answer when the chunk ended inside the string on an unpaired backslash. */
const ESCAPE_PENDING = -2;

/**
 * Index of the quote that ends a string whose body continues at `from`: a quote is escaped when
 * an odd run of backslashes precedes it. `escapedAtStart` carries an unpaired backslash over from
 * the previous chunk. When the chunk ends first: -1, or ESCAPE_PENDING when its last backslash is
 * unpaired.
 */
function findClosingQuote(chunk: Buffer, from: number, escapedAtStart: boolean): number {
  const n = chunk.length;
  let start = from;
  if (escapedAtStart) {
    if (start >= n) return ESCAPE_PENDING;
    start++;
  }
  let i = start;
  for (;;) {
    const q = i < n ? chunk.indexOf(QUOTE, i) : -1;
    const end = q === -1 ? n : q;
    let run = 0;
    for (let k = end - 1; k >= start && chunk[k] === BACKSLASH; k--) run++;
    if (q === -1) return run % 2 === 1 ? ESCAPE_PENDING : -1;
    if (run % 2 === 0) return q;
    i = q + 1;
  }
}
