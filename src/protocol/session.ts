/**
 * Client session state as it travels in request headers, in either header family
 * (`X-Trino-*` or `X-Presto-*`), parsed with the rules Trino's server applies.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpFailure } from './errors.js';
import { DecodeBudget, decodePreparedStatement } from './prepared.js';

export type Dialect = 'trino' | 'presto';

export interface QuerySession {
  dialect: Dialect;
  user?: string;
  originalUser?: string;
  source?: string;
  catalog?: string;
  schema?: string;
  path?: string;
  timeZone?: string;
  language?: string;
  traceToken?: string;
  clientInfo?: string;
  clientTags: string[];
  clientCapabilities: string[];
  /** `name` for system properties, `catalog.name` for catalog properties. */
  properties: Map<string, string>;
  roles: Map<string, string>;
  /** Prepared statement name (as sent) to its SQL text, decoded. */
  preparedStatements: Map<string, string>;
  extraCredentials: Map<string, string>;
  resourceEstimates: Map<string, string>;
  /** `undefined` when the client does not send the header (it does not support transactions). */
  transactionId?: string;
  routingGroup?: string;
}

/** A prepared statement's text by its name as a statement names it (Trino matches names case-insensitively). */
export function preparedStatement(session: QuerySession, name: string): string | undefined {
  const exact = session.preparedStatements.get(name);
  if (exact !== undefined) return exact;
  for (const [key, sql] of session.preparedStatements) if (key.toLowerCase() === name.toLowerCase()) return sql;
  return undefined;
}

/** Header names of one family; `name('Set-Catalog')` → `X-Trino-Set-Catalog`. */
export function headerName(dialect: Dialect, suffix: string): string {
  return `${dialect === 'trino' ? 'X-Trino-' : 'X-Presto-'}${suffix}`;
}

/**
 * Which family a request speaks. A request carrying both is refused, as Trino refuses it
 * (the answer would be ambiguous and a policy could be bypassed through the other family).
 */
export function detectDialect(headers: IncomingHttpHeaders): Dialect {
  let trino = false;
  let presto = false;
  for (const key of Object.keys(headers)) {
    if (key.startsWith('x-trino-')) trino = true;
    else if (key.startsWith('x-presto-')) presto = true;
  }
  if (trino && presto) throw new HttpFailure(400, 'Both Trino and Presto headers detected');
  return presto ? 'presto' : 'trino';
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** All items of a collection header: repeated header lines and comma-separated lists both count. */
function items(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  const lines = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const line of lines) {
    for (const part of line.split(',')) {
      const trimmed = part.trim();
      if (trimmed !== '') out.push(trimmed);
    }
  }
  return out;
}

/** URL-decodes like application/x-www-form-urlencoded (`+` is a space), refusing malformed escapes. */
export function formDecode(text: string, headerLabel: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new HttpFailure(400, `Invalid ${headerLabel} header`);
  }
}

/** URL-encodes like Java's URLEncoder (what Trino's clients and server expect in header values). */
export function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function keyValues(headers: IncomingHttpHeaders, dialect: Dialect, suffix: string, decodeKey = false): Map<string, string> {
  const label = headerName(dialect, suffix);
  const map = new Map<string, string>();
  for (const item of items(headers, label.toLowerCase())) {
    const eq = item.indexOf('=');
    if (eq <= 0 || item.indexOf('=', eq + 1) !== -1) throw new HttpFailure(400, `Invalid ${label} header`);
    const rawKey = item.slice(0, eq).trim();
    const key = decodeKey ? formDecode(rawKey, label) : rawKey;
    map.set(key, formDecode(item.slice(eq + 1).trim(), label));
  }
  return map;
}

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Parses the session headers of a statement request. Throws HttpFailure(400) for malformed headers. */
export function parseSession(headers: IncomingHttpHeaders): QuerySession {
  const dialect = detectDialect(headers);
  const h = (suffix: string) => {
    const value = single(headers, headerName(dialect, suffix).toLowerCase());
    if (value !== undefined && CONTROL_CHARS.test(value)) throw new HttpFailure(400, `Invalid ${headerName(dialect, suffix)} header`);
    return value;
  };
  const list = (suffix: string) => {
    const first = headers[headerName(dialect, suffix).toLowerCase()];
    const line = Array.isArray(first) ? first[0] : first;
    return line === undefined ? [] : line.split(',').map((t) => t.trim()).filter((t) => t !== '');
  };

  const catalog = h('Catalog');
  const schema = h('Schema');
  if (schema !== undefined && catalog === undefined) throw new HttpFailure(400, 'Schema is set but catalog is not');

  const preparedLabel = headerName(dialect, 'Prepared-Statement');
  const preparedStatements = new Map<string, string>();
  const budget = new DecodeBudget();
  for (const [name, sql] of keyValues(headers, dialect, 'Prepared-Statement', true)) {
    preparedStatements.set(name, decodePreparedStatement(sql, preparedLabel, budget));
  }

  const session: QuerySession = {
    dialect,
    clientTags: list('Client-Tags'),
    clientCapabilities: list('Client-Capabilities'),
    properties: keyValues(headers, dialect, 'Session'),
    roles: keyValues(headers, dialect, 'Role'),
    preparedStatements,
    extraCredentials: keyValues(headers, dialect, 'Extra-Credential'),
    resourceEstimates: keyValues(headers, dialect, 'Resource-Estimate'),
  };
  const optional: Array<[keyof QuerySession, string]> = [
    ['user', 'User'],
    ['originalUser', 'Original-User'],
    ['source', 'Source'],
    ['path', 'Path'],
    ['timeZone', 'Time-Zone'],
    ['language', 'Language'],
    ['traceToken', 'Trace-Token'],
    ['clientInfo', 'Client-Info'],
    ['transactionId', 'Transaction-Id'],
    ['routingGroup', 'Routing-Group'],
  ];
  for (const [field, suffix] of optional) {
    const value = h(suffix);
    if (value !== undefined) (session as unknown as Record<string, unknown>)[field] = value;
  }
  if (catalog !== undefined) session.catalog = catalog;
  if (schema !== undefined) session.schema = schema;
  return session;
}

export function hasCapability(session: QuerySession, capability: string): boolean {
  return session.clientCapabilities.includes(capability);
}
