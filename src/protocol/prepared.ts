/**
 * Prepared statements travel in headers either as plain SQL or, when long, in Trino's
 * compressed form `$zstd:<base64url of zstd-compressed UTF-8 SQL>`. No valid SQL starts with `$`,
 * which is what makes the prefix unambiguous.
 *
 * A few compressed bytes can stand for megabytes (an RLE block of 4 bytes for up to 2 MiB, a
 * frame header for a window of up to 2 GiB), so decoding is bounded per request, not per
 * statement: every entry of one request draws on one budget (PREPARED_DECODE_BUDGET). A value's
 * frames are walked first, and a value whose blocks or windows could exceed what is left is
 * refused before anything is decoded; decoding then streams and stops at the budget.
 */
import { Decompress } from 'fzstd';
import { HttpFailure } from './errors.js';

const ZSTD_PREFIX = '$zstd:';
/** Decoded bytes all prepared statements of one request may take together. */
export const PREPARED_DECODE_BUDGET = 4 * 1024 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const ZSTD_MAGIC = 0xfd2fb528;
/** Largest block content the format allows (RFC 8878, Block_Maximum_Size). */
const MAX_BLOCK = 128 * 1024;

/** What is left of a request's decoding budget, shared by its prepared statements. */
export class DecodeBudget {
  constructor(public remaining: number = PREPARED_DECODE_BUDGET) {}
}

export function decodePreparedStatement(value: string, headerLabel: string, budget: DecodeBudget): string {
  if (!value.startsWith(ZSTD_PREFIX)) return value;
  const encoded = value.slice(ZSTD_PREFIX.length);
  if (!BASE64URL.test(encoded)) throw new HttpFailure(400, `Invalid ${headerLabel} header: malformed $zstd value`);
  const compressed = Buffer.from(encoded, 'base64url');
  const tooLarge = () =>
    new HttpFailure(400, `Invalid ${headerLabel} header: prepared statements decode to more than ${PREPARED_DECODE_BUDGET} bytes in one request`);
  const bound = decodedBound(compressed);
  if (bound === undefined) throw new HttpFailure(400, `Invalid ${headerLabel} header: $zstd value does not decompress`);
  if (bound.output > budget.remaining || bound.window > budget.remaining) throw tooLarge();
  const chunks: Uint8Array[] = [];
  // The walk bounds raw and RLE blocks exactly; compressed ones are checked as they are produced.
  const stream = new Decompress((chunk) => {
    budget.remaining -= chunk.length;
    if (budget.remaining < 0) throw tooLarge();
    chunks.push(chunk);
  });
  try {
    stream.push(compressed, true);
  } catch (err) {
    if (err instanceof HttpFailure) throw err;
    throw new HttpFailure(400, `Invalid ${headerLabel} header: $zstd value does not decompress`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpFailure(400, `Invalid ${headerLabel} header: statement is not UTF-8`);
  }
}

/**
 * Walks the frames of `data` without decoding them: the most bytes decoding could produce (the
 * sum of its blocks) and the largest window buffer a frame makes the decoder allocate; undefined
 * when it is not a well-formed sequence of zstd frames (skippable frames are refused: a statement
 * has no use for them).
 */
function decodedBound(data: Buffer): { output: number; window: number } | undefined {
  let at = 0;
  let output = 0;
  let largestWindow = 0;
  if (data.length === 0) return undefined;
  while (at < data.length) {
    if (at + 5 > data.length || data.readUInt32LE(at) !== ZSTD_MAGIC) return undefined;
    const descriptor = data[at + 4]!;
    if (descriptor & 0x08) return undefined;
    const singleSegment = (descriptor >> 5) & 1;
    const contentSizeFlag = descriptor >> 6;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
    const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
    let header = at + 5;
    let window = 0;
    if (!singleSegment) {
      if (header >= data.length) return undefined;
      const windowByte = data[header]!;
      const base = 2 ** (10 + (windowByte >> 3));
      window = base + (base / 8) * (windowByte & 7);
      header += 1;
    }
    header += dictionaryBytes;
    if (header + contentSizeBytes > data.length) return undefined;
    if (singleSegment) {
      // The window is the content size (fzstd allocates it whole).
      let size = 0;
      for (let i = contentSizeBytes - 1; i >= 0; i--) size = size * 256 + data[header + i]!;
      window = contentSizeFlag === 1 ? size + 256 : size;
    }
    header += contentSizeBytes;
    largestWindow = Math.max(largestWindow, window);
    at = header;
    for (;;) {
      if (at + 3 > data.length) return undefined;
      const blockHeader = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
      const last = blockHeader & 1;
      const type = (blockHeader >> 1) & 3;
      const size = blockHeader >>> 3;
      at += 3;
      if (type === 3 || size > MAX_BLOCK) return undefined;
      // Raw and RLE blocks decode to `size` bytes; a compressed block to at most a block's maximum.
      output += type === 2 ? Math.min(window, MAX_BLOCK) : size;
      at += type === 1 ? 1 : size;
      if (at > data.length) return undefined;
      if (last) break;
    }
    if (descriptor & 0x04) at += 4;
    if (at > data.length) return undefined;
  }
  return { output, window: largestWindow };
}
