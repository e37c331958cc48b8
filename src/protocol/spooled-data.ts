/**
 * Trino's spooling protocol: a client that sends `X-Trino-Query-Data-Encoding` may get `data` as
 * an object, `{"encoding": ..., "segments": [...]}`, whose segments are either inline (the rows,
 * encoded, in the document) or spooled (a `uri` to download them from and an `ackUri` to call
 * once read, after which the server deletes the segment). This module finds those URIs in a
 * document held whole and replaces the ones the caller wants replaced; everything else in the
 * document keeps its exact bytes, and inside `data` only segment `uri`/`ackUri` values change.
 */
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, OPEN_ARRAY, OPEN_OBJECT, QUOTE, TopLevelValueRewriter } from './uri-rewriter.js';

/** The URI fields of a spooled segment. */
export type SegmentUriKey = 'uri' | 'ackUri';

/**
 * Returns the replacement of one segment URI, or undefined to keep it (a storage URI the client
 * fetches directly). `queryId` is the document's top-level `id` (Trino writes it first).
 */
export type SegmentUriRewrite = (key: SegmentUriKey, uri: string, queryId: string | undefined) => string | undefined;

/** One segment of `data.segments`, as Trino 466+ writes it (io.trino.client.spooling.Segment). */
export interface SegmentDescription {
  type: 'inline' | 'spooled';
  /** Inline: the rows, encoded, in base64. */
  data?: string;
  /** Spooled: where to download the rows, with `headers`, and where to acknowledge them. */
  uri?: string;
  ackUri?: string;
  headers?: Record<string, string[]>;
  metadata: { rowOffset: number; rowsCount: number; segmentSize: number; uncompressedSize?: number };
}

/**
 * The document with its spooled segments' URIs rewritten. A document whose `data` is absent or a
 * JSON array (the direct protocol) comes back as it was. Throws a SyntaxError on a malformed one.
 */
export function rewriteSegmentUris(document: Buffer, rewrite: SegmentUriRewrite): Buffer {
  let queryId: string | undefined;
  const scanner = new TopLevelValueRewriter(new Set(['id']), (_key, value) => {
    queryId = value;
    return undefined;
  });
  const { stoppedAt: start } = scanner.pushUntilValueOf(document, 'data');
  if (start === -1 || document[start] !== OPEN_OBJECT) return document;
  const end = endOfValue(document, start);
  // The data object holds segment descriptions and base64 text: strings and small integers,
  // which JSON.parse and JSON.stringify carry over exactly.
  const data = JSON.parse(document.toString('utf8', start, end)) as { segments?: unknown };
  if (!Array.isArray(data.segments)) return document;
  let changed = false;
  for (const segment of data.segments as Array<Partial<Record<SegmentUriKey, unknown>>>) {
    for (const key of ['uri', 'ackUri'] as const) {
      const value = segment[key];
      if (typeof value !== 'string') continue;
      const replacement = rewrite(key, value, queryId);
      if (replacement === undefined) continue;
      segment[key] = replacement;
      changed = true;
    }
  }
  if (!changed) return document;
  return Buffer.concat([document.subarray(0, start), Buffer.from(JSON.stringify(data), 'utf8'), document.subarray(end)]);
}

/** Index just past the object or array that starts at `start` (strings may hold any bracket). */
function endOfValue(document: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < document.length; i++) {
    const b = document[i]!;
    if (b === QUOTE) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      for (i++; i < document.length; i++) {
        if (document[i] === BACKSLASH) i++;
        else if (document[i] === QUOTE) break;
      }
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      depth++;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new SyntaxError('Truncated JSON document: data does not end');
}
