/**
 * Streams a backend's QueryResults document to the client while replacing the string values of
 * chosen top-level keys (`nextUri`, `partialCancelUri`, `infoUri`). Everything else is copied
 * byte for byte: `data` is never parsed, so bigints, `1.0` and every other number keep their
 * exact text. Only the top level of the document counts, so a map value named `nextUri` inside
 * `data` is left alone.
 *
 * The scan keeps just enough JSON state (nesting depth, inside-string, escape) to know where
 * top-level keys are; memory use is one chunk plus the value being replaced.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Bytes that change the scanner's state below the top level. */
const STRUCTURAL = new Uint8Array(256);
for (const b of [QUOTE, OPEN_OBJECT, OPEN_ARRAY, CLOSE_OBJECT, CLOSE_ARRAY]) STRUCTURAL[b] = 1;

/**
 * Called with each top-level string value whose key is in the watched set; returns the
 * replacement string, or `undefined` to keep the value as it is.
 */
export type ValueRewrite = (key: string, value: string) => string | undefined;

type Mode =
  | 'value' // outside strings, scanning structure
  | 'string' // inside a string below the top level (skipped)
  | 'key' // inside a top-level key
  | 'afterKey' // between a top-level key and its value
  | 'watchedValue'; // inside a top-level string value being captured

export class TopLevelValueRewriter {
  private depth = 0;
  private mode: Mode = 'value';
  private escaped = false;
  private expectingKey = false;
  private keyBytes: Buffer[] = [];
  private currentKey = '';
  private captured: Buffer[] = [];

  constructor(
    private readonly watchedKeys: ReadonlySet<string>,
    private readonly rewrite: ValueRewrite,
    /** Told every top-level key as it passes (e.g. to notice an `error` member). */
    private readonly onKey?: (key: string) => void,
  ) {}

  /** Feeds one chunk; returns the chunks to write to the client (possibly none). */
  push(chunk: Buffer): Buffer[] {
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
          this.keyBytes.push(chunk.subarray(i, q));
          this.currentKey = Buffer.concat(this.keyBytes).toString('utf8');
          this.keyBytes = [];
          this.onKey?.(this.currentKey);
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
          this.captured.push(chunk.subarray(i, q));
          const rawValue = Buffer.concat(this.captured).toString('utf8');
          this.captured = [];
          const original = JSON.parse(`"${rawValue}"`) as string;
          const replacement = this.rewrite(this.currentKey, original);
          out.push(Buffer.from(replacement === undefined ? `"${rawValue}"` : JSON.stringify(replacement), 'utf8'));
          this.mode = 'value';
          i = q + 1;
          emitFrom = i;
          continue;
        }
        case 'value': {
          // Below the top level only quotes and brackets matter: skip the rest (numbers, commas,
          // literals) in a tight loop. This is where large results spend their time.
          if (this.depth > 1) {
            while (i < n && STRUCTURAL[chunk[i]!] === 0) i++;
            if (i === n) continue;
          }
          const b = chunk[i]!;
          if (b === QUOTE) {
            if (this.depth === 1 && this.expectingKey) {
              this.mode = 'key';
              this.expectingKey = false;
            } else {
              this.mode = 'string';
            }
            this.escaped = false;
          } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
            this.depth++;
            if (this.depth === 1) this.expectingKey = b === OPEN_OBJECT;
          } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            this.depth--;
          } else if (b === COMMA && this.depth === 1) {
            this.expectingKey = true;
          }
          i++;
          continue;
        }
      }
    }
    if (emitFrom < n && this.mode !== 'watchedValue') out.push(chunk.subarray(emitFrom, n));
    return out;
  }

  /** True when the stream ended cleanly outside any string (a truncated body is not). */
  get complete(): boolean {
    return this.depth === 0 && this.mode === 'value';
  }

  /**
   * Index of the next quote that ends the current string. A quote is escaped when an odd run of
   * backslashes precedes it; `escaped` carries an unpaired backslash over a chunk boundary.
   */
  private findUnescapedQuote(chunk: Buffer, from: number): number {
    let start = from;
    if (this.escaped) {
      this.escaped = false;
      start++;
    }
    let i = start;
    const n = chunk.length;
    for (;;) {
      const q = i < n ? chunk.indexOf(QUOTE, i) : -1;
      const end = q === -1 ? n : q;
      let run = 0;
      for (let k = end - 1; k >= start && chunk[k] === BACKSLASH; k--) run++;
      if (q === -1) {
        this.escaped = run % 2 === 1;
        return -1;
      }
      if (run % 2 === 0) return q;
      i = q + 1;
    }
  }
}
