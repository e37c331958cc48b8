/** Validation of audit-trail searches (same conventions as the history search). */
import { DEFAULT_LIMIT, MAX_LIMIT, ValidationError, parseCursor, parseLimit, parseRange, parseText, type RawParams } from '../tracking/validation.js';
import type { AuditSearch } from './events.js';

const FIELDS = new Set(['actor', 'action', 'outcome', 'from', 'to', 'cursor', 'limit']);

/** Validates `actor`, `action`, `outcome`, `from`/`to`, `cursor`, `limit`. Throws ValidationError. */
export function validateAuditSearch(params: RawParams): AuditSearch {
  for (const key of Object.keys(params)) {
    if (!FIELDS.has(key)) throw new ValidationError(key, `unknown filter '${key}' (expected one of ${[...FIELDS].join(', ')})`);
  }
  const search: AuditSearch = { limit: parseLimit(params.limit, DEFAULT_LIMIT, MAX_LIMIT), ...parseRange(params) };
  for (const field of ['actor', 'action', 'outcome'] as const) {
    const value = parseText(field, params[field]);
    if (value !== undefined) search[field] = value;
  }
  const cursor = parseCursor(params.cursor);
  if (cursor) search.cursor = cursor;
  return search;
}
