/**
 * Hand-built zstd frames (RFC 8878), as an attacker would write them: a few bytes of RLE block
 * stand for up to 128 KiB each, and a frame header may declare any window it likes.
 */

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function blockHeader(last: boolean, type: 0 | 1, size: number): number[] {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff];
}

/** One frame decoding to `text` followed by `repeat` copies of `fill`, in RLE blocks of at most 128 KiB. */
export function rleFrame(text: string, fill: string, repeat: number): Buffer {
  const raw = Buffer.from(text);
  const size = raw.length + repeat;
  // Single segment, 4-byte content size: the window is the content size.
  const bytes = [...MAGIC, 0xa0, size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, (size >>> 24) & 0xff];
  bytes.push(...blockHeader(repeat === 0, 0, raw.length), ...raw);
  for (let left = repeat; left > 0; ) {
    const n = Math.min(left, 128 * 1024);
    left -= n;
    bytes.push(...blockHeader(left === 0, 1, n), fill.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** A frame whose header declares a window of 2^(10+exponent) bytes, holding one 1-byte raw block. */
export function hugeWindowFrame(exponent: number): Buffer {
  return Buffer.from([...MAGIC, 0x00, exponent << 3, ...blockHeader(true, 0, 1), 0x31]);
}

/** The header form of compressed prepared statements. */
export function zstdValue(frames: Buffer): string {
  return `$zstd:${frames.toString('base64url')}`;
}
