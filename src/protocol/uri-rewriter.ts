/**
 * Streams a backend's QueryResults document to the client while replacing the string values of
 * chosen top-level keys (`nextUri`, `partialCancelUri`, `infoUri`). Everything else is copied
 * byte for byte: `data` is never parsed, so bigints, `1.0` and every other number keep their
 * exact text. Only the top level of the document counts, so a map value named `nextUri` inside
 * `data` is left alone.
 *
 * The scan keeps just enough JSON state (nesting depth, inside-string, escape) to know where
 * top-level keys are; memory use is one chunk plus the value being replaced. A document held
 * whole in memory can skip most of that scan: see rewriteDocument.
 */

/** JSON's structural bytes (also scanned by spooled-data.ts). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
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

  /** Byte patterns that every occurrence of a watched or noticed key contains (see couldMatter). */
  private readonly keyTraces: string[];

  constructor(
    private readonly watchedKeys: ReadonlySet<string>,
    private readonly rewrite: ValueRewrite,
    private readonly noticed?: KeyNotice,
  ) {
    // A key's last three characters and its closing quote: short patterns are searched fastest
    // (a Buffer search for `Uri"` runs at several GB/s, one for `"nextUri"` at a quarter of that),
    // and one pattern covers every key ending the same way.
    const keys = [...watchedKeys, ...(noticed?.keys ?? [])];
    this.keyTraces = [...new Set(keys.map((key) => `${key.slice(-3)}"`)), '\\u'];
    this.traceBytes = Math.max(...this.keyTraces.map((trace) => Buffer.byteLength(trace)));
  }

  /** The longest pattern couldMatter looks for, in bytes. */
  readonly traceBytes: number;

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

  /**
   * Whether `text` could hold a top-level member this rewriter acts on: it does when it holds the
   * end of a watched or noticed key with its closing quote, or a `\u` escape (the only escape
   * that could spell one of those keys). When it cannot, copying `text` unscanned changes nothing.
   * A string value that merely ends like a key makes the caller scan: slower, never wrong.
   */
  couldMatter(text: Buffer): boolean {
    return this.keyTraces.some((trace) => text.includes(trace));
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
    return { out, stoppedAt: -1 };
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

/**
 * Rewrites a document as it streams, without scanning most of its `data`. A large page is nearly
 * all `data`, and scanning every byte of it is what made relaying large results slow. So the
 * document is scanned up to the start of the top-level `skippable` member's value; after that
 * each chunk is checked with a fast native search (TopLevelValueRewriter.couldMatter) and, when
 * it cannot hold a member the rewriter acts on, passed on as it is while kept aside. The first
 * chunk that could matter makes the rewriter catch up over the chunks kept aside (their output
 * was their input: nothing in them could be rewritten) and scan everything from there. Trino
 * writes `data` after `nextUri`, `partialCancelUri` and `infoUri`, and before `stats`, so a
 * Trino page is scanned only up to its data.
 */
export class SkippingRewriter {
  private phase: 'head' | 'skipping' | 'scanning' = 'head';
  private keptAside: Buffer[] = [];
  private keptBytes = 0;
  /** The last bytes passed on unscanned: a key's trace may straddle two chunks. */
  private lastBytes = Buffer.alloc(0);

  constructor(
    private readonly rewriter: TopLevelValueRewriter,
    private readonly skippable: string,
    /** Chunks kept aside beyond this many bytes are scanned at once, so memory stays bounded. */
    private readonly maxKeptBytes = 16 * 1024 * 1024,
  ) {}

  /** Feeds one chunk; returns the chunks to write to the client. */
  push(chunk: Buffer): Buffer[] {
    if (this.phase === 'scanning') return this.rewriter.push(chunk);
    if (this.phase === 'skipping') return this.skip(chunk);
    const { out, stoppedAt } = this.rewriter.pushUntilValueOf(chunk, this.skippable);
    if (stoppedAt === -1) return out;
    this.phase = 'skipping';
    out.push(...this.skip(chunk.subarray(stoppedAt)));
    return out;
  }

  /**
   * True when the document ended cleanly: its structure closed, outside any string. Whatever was
   * passed on unscanned is scanned first (a document's last byte says nothing: a document cut
   * inside `data` may end with a `}` too).
   */
  get complete(): boolean {
    this.catchUp();
    return this.rewriter.complete;
  }

  private skip(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    const overlap = this.rewriter.traceBytes - 1;
    const boundary = Buffer.concat([this.lastBytes, chunk.subarray(0, overlap)]);
    if (this.rewriter.couldMatter(chunk) || this.rewriter.couldMatter(boundary)) {
      this.catchUp();
      this.phase = 'scanning';
      return this.rewriter.push(chunk);
    }
    this.keptAside.push(chunk);
    this.keptBytes += chunk.length;
    if (this.keptBytes > this.maxKeptBytes) this.catchUp();
    this.lastBytes = Buffer.from(chunk.subarray(Math.max(0, chunk.length - overlap)));
    return [chunk];
  }

  /** Scans the chunks kept aside, so the rewriter's state is exact again; their output was their input. */
  private catchUp(): void {
    for (const kept of this.keptAside) this.rewriter.push(kept);
    this.keptAside = [];
    this.keptBytes = 0;
  }
}
