/**
 * Validation of search requests (for the API's 400 responses): raw values as they come from a
 * query string or a JSON body in, a typed search out, or a ValidationError naming the field.
 */
import { decodeCursor } from './cursor.js';
import { QUERY_STATES, isQueryState, type Cursor, type QuerySearch, type QueryState, type TopDimension, type TopQuery } from './types.js';

export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const DEFAULT_TOP_LIMIT = 10;
export const MAX_TOP_LIMIT = 100;
const MAX_FILTER_LENGTH = 1000;

export type RawParams = Record<string, unknown>;

const TOP_DIMENSIONS: readonly TopDimension[] = ['user', 'table', 'fingerprint'];

/** Epoch milliseconds from a number, a string of digits, or an ISO-8601 date/time. */
export function parseTime(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new ValidationError(field, `'${field}' must be epoch milliseconds (a non-negative integer) or an ISO-8601 time, got ${value}`);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d{1,15}$/.test(text)) return Number(text);
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms) && ms >= 0) return ms;
    }
    throw new ValidationError(field, `'${field}' must be epoch milliseconds or an ISO-8601 time (e.g. 2024-05-01T12:00:00Z), got '${text}'`);
  }
  throw new ValidationError(field, `'${field}' must be epoch milliseconds or an ISO-8601 time`);
}

export function parseLimit(value: unknown, fallback: number, max: number, field = 'limit'): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ValidationError(field, `'${field}' must be an integer between 1 and ${max}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
  return n;
}

/** An optional non-empty string filter (trimmed, unless `trim` is false). */
export function parseText(field: string, value: unknown, trim = true): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, `'${field}' must be a string`);
  const text = trim ? value.trim() : value;
  if (text.trim() === '') return undefined;
  if (text.length > MAX_FILTER_LENGTH) throw new ValidationError(field, `'${field}' is longer than ${MAX_FILTER_LENGTH} characters`);
  return text;
}

export function parseCursor(value: unknown): Cursor | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError('cursor', `invalid 'cursor': must be the nextCursor string of a previous page`);
  const decoded = decodeCursor(value.trim());
  if (typeof decoded === 'string') throw new ValidationError('cursor', `invalid 'cursor' (${decoded}): pass the nextCursor of a previous page unchanged`);
  return decoded;
}

export function parseRange(params: RawParams): { from?: number; to?: number } {
  const from = parseTime('from', params.from);
  const to = parseTime('to', params.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationError('from', `'from' (${new Date(from).toISOString()}) is after 'to' (${new Date(to).toISOString()})`);
  }
  const range: { from?: number; to?: number } = {};
  if (from !== undefined) range.from = from;
  if (to !== undefined) range.to = to;
  return range;
}

function parseStates(value: unknown): QueryState[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  const states: QueryState[] = [];
  for (const item of list) {
    const state = typeof item === 'string' ? item.trim().toUpperCase() : item;
    if (!isQueryState(state)) {
      throw new ValidationError('state', `unknown state '${String(item)}' (expected one of ${QUERY_STATES.join(', ')})`);
    }
    if (!states.includes(state)) states.push(state);
  }
  return states.length > 0 ? states : undefined;
}

const QUERY_SEARCH_FIELDS = new Set(['user', 'state', 'from', 'to', 'backend', 'group', 'table', 'text', 'cursor', 'limit']);

function rejectUnknown(params: RawParams, known: Set<string>): void {
  for (const key of Object.keys(params)) {
    if (!known.has(key)) throw new ValidationError(key, `unknown filter '${key}' (expected one of ${[...known].join(', ')})`);
  }
}

/**
 * Validates a history search: `state` (one or a comma-separated list), `from`/`to` (ms or
 * ISO-8601; from ≤ to), `user`, `backend`, `group`, `table`, `text`, `cursor`, `limit`
 * (1..1000, default 50). Throws ValidationError.
 */
export function validateQuerySearch(params: RawParams): QuerySearch {
  rejectUnknown(params, QUERY_SEARCH_FIELDS);
  const search: QuerySearch = { limit: parseLimit(params.limit, DEFAULT_LIMIT, MAX_LIMIT), ...parseRange(params) };
  const states = parseStates(params.state);
  if (states) search.states = states;
  for (const field of ['user', 'backend', 'group'] as const) {
    const value = parseText(field, params[field]);
    if (value !== undefined) search[field] = value;
  }
  // A substring: its spaces are part of it.
  const text = parseText('text', params.text, false);
  if (text !== undefined) search.text = text;
  const table = parseText('table', params.table);
  if (table !== undefined) search.table = table.toLowerCase();
  const cursor = parseCursor(params.cursor);
  if (cursor) search.cursor = cursor;
  return search;
}

/**
 * Validates a top-N request: `dimension` (user, table or fingerprint), `from`/`to` (default: the
 * last 24 hours up to now), `limit` (1..100, default 10).
 */
export function validateTopQuery(params: RawParams, now: number = Date.now()): TopQuery {
  rejectUnknown(params, new Set(['dimension', 'from', 'to', 'limit']));
  const dimension = params.dimension;
  if (typeof dimension !== 'string' || !(TOP_DIMENSIONS as readonly string[]).includes(dimension)) {
    throw new ValidationError('dimension', `unknown dimension '${String(dimension)}' (expected one of ${TOP_DIMENSIONS.join(', ')})`);
  }
  const range = parseRange(params);
  const to = range.to ?? Math.max(now, range.from ?? 0);
  const from = range.from ?? Math.max(0, to - 86_400_000);
  return { dimension: dimension as TopDimension, from, to, limit: parseLimit(params.limit, DEFAULT_TOP_LIMIT, MAX_TOP_LIMIT) };
}
