/**
 * Which headers cross the gateway, in which family. The gateway forwards only protocol headers
 * (plus content type, user agent and the W3C trace context) to a backend, translated to the family
 * the backend speaks, and returns the backend's protocol headers in the family the client spoke.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dialect } from '../../protocol/session.js';

/**
 * Headers the gateway consumes itself and never forwards. (`Query-Data-Encoding` does cross, both
 * ways: the gateway rewrites the coordinator-served segment URIs of spooled results.)
 */
const GATEWAY_ONLY = new Set(['routing-group']);

/** W3C trace context: a client's trace continues into Trino's own spans (Trino reads `traceparent`). */
const TRACE_CONTEXT = ['traceparent', 'tracestate'] as const;

function protocolSuffix(name: string): string | undefined {
  if (name.startsWith('x-trino-')) return name.slice(8);
  if (name.startsWith('x-presto-')) return name.slice(9);
  return undefined;
}

export function backendRequestHeaders(client: IncomingHttpHeaders, backendDialect: Dialect, userAgent: string): Record<string, string | string[]> {
  const prefix = backendDialect === 'trino' ? 'x-trino-' : 'x-presto-';
  const out: Record<string, string | string[]> = {
    'accept-encoding': 'identity',
    'user-agent': client['user-agent'] ? `[Querygate] ${client['user-agent']}` : userAgent,
  };
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined) continue;
    const suffix = protocolSuffix(name);
    if (suffix === undefined) continue;
    if (GATEWAY_ONLY.has(suffix)) continue;
    out[prefix + suffix] = value;
  }
  if (client['content-type']) out['content-type'] = client['content-type'];
  for (const name of TRACE_CONTEXT) {
    const value = client[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Copies the backend's protocol headers into the client's family. */
export function clientResponseHeaders(backend: Record<string, string | string[] | undefined>, clientDialect: Dialect): Array<[string, string | string[]]> {
  const prefix = clientDialect === 'trino' ? 'X-Trino-' : 'X-Presto-';
  const out: Array<[string, string | string[]]> = [];
  for (const [name, value] of Object.entries(backend)) {
    if (value === undefined) continue;
    const suffix = protocolSuffix(name.toLowerCase());
    if (suffix === undefined) continue;
    out.push([prefix + canonicalSuffix(suffix), value]);
  }
  return out;
}

/** `set-catalog` → `Set-Catalog`, for readable response headers (names are case-insensitive anyway). */
function canonicalSuffix(suffix: string): string {
  return suffix.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * Headers of a client's request that never reach a backend's segment endpoint: connection-level
 * ones, the client's credentials for the gateway, and what the gateway sets itself. The rest
 * passes, since a segment's `headers` (say, an encryption key) are the spooling manager's own.
 */
const NOT_FOR_SEGMENTS = new Set([
  'host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length',
  'proxy-authorization', 'authorization', 'cookie', 'forwarded', 'accept-encoding', 'user-agent',
]);

/** The headers of a segment download or acknowledgement relayed to the coordinator. */
export function segmentRequestHeaders(client: IncomingHttpHeaders, userAgent: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { 'accept-encoding': 'identity', 'user-agent': userAgent };
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || NOT_FOR_SEGMENTS.has(name) || name.startsWith('x-forwarded-')) continue;
    out[name] = value;
  }
  return out;
}

/** Headers of a segment answer that reach the client: the body's description, and a redirect's target (storage). */
const SEGMENT_RESPONSE_HEADERS = ['content-type', 'content-length', 'location'] as const;

export function segmentResponseHeaders(backend: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of SEGMENT_RESPONSE_HEADERS) {
    const value = backend[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
