/**
 * Keyset cursors: an opaque, URL-safe token for "the row after (createdAt, id)" in the ordering
 * createdAt DESC, id DESC.
 */
import type { Cursor } from './types.js';

const PREFIX = 'v1:';

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${PREFIX}${cursor.createdAt}:${cursor.id}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; returns an explanation instead when it is not one of ours. */
export function decodeCursor(token: string): Cursor | string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return 'not a base64url token';
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return 'unknown cursor format';
  const rest = text.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return 'malformed cursor';
  const createdAt = Number(rest.slice(0, colon));
  const id = rest.slice(colon + 1);
  if (!/^\d{1,15}$/.test(rest.slice(0, colon)) || !Number.isSafeInteger(createdAt)) return 'malformed cursor timestamp';
  if (id.length === 0 || id.length > 512) return 'malformed cursor id';
  return { createdAt, id };
}
