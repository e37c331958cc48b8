/**
 * Prepared statements travel in headers either as plain SQL or, when long, in Trino's
 * compressed form `$zstd:<base64url of zstd-compressed UTF-8 SQL>`. No valid SQL starts with `$`,
 * which is what makes the prefix unambiguous.
 */
import { Decompress } from 'fzstd';
import { HttpFailure } from './errors.js';

const ZSTD_PREFIX = '$zstd:';
/** Bound on a decompressed statement, so a tiny header cannot expand into gigabytes. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function decodePreparedStatement(value: string, headerLabel: string): string {
  if (!value.startsWith(ZSTD_PREFIX)) return value;
  const encoded = value.slice(ZSTD_PREFIX.length);
  if (!BASE64URL.test(encoded)) throw new HttpFailure(400, `Invalid ${headerLabel} header: malformed $zstd value`);
  const compressed = Buffer.from(encoded, 'base64url');
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Streaming, so the size bound holds even for frames that lie about their content size.
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > MAX_DECODED_BYTES) throw new HttpFailure(400, `Invalid ${headerLabel} header: statement too large`);
    chunks.push(chunk);
  });
  try {
    stream.push(compressed, true);
  } catch (err) {
    if (err instanceof HttpFailure) throw err;
    throw new HttpFailure(400, `Invalid ${headerLabel} header: $zstd value does not decompress`);
  }
  const bytes = Buffer.concat(chunks);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpFailure(400, `Invalid ${headerLabel} header: statement is not UTF-8`);
  }
}
