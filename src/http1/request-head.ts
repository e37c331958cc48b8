/**
 * Strict parser of the HTTP/1.1 request heads the front door serves itself. It accepts only the
 * plain shape every Trino client sends (HTTP/1.1, origin-form target, Content-Length framing) and
 * answers `handOff` for anything else (chunked or Expect bodies, HTTP/1.0, upgrades, folded or
 * repeated single-value headers), which node:http then parses: the fast path never has to get an
 * unusual request right, and never guesses about framing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN, trimSpaces } from './fields.js';

export interface RequestHead {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Body length (0 without Content-Length). */
  contentLength: number;
  /** False when the client asked to close after this exchange. */
  keepAlive: boolean;
}

/** A head is malformed: answer 400 and close. */
export class BadRequest extends Error {}

/** A head has more fields than MAX_HEADER_FIELDS: answer 431 and close. */
export class TooManyFields extends Error {}

/** node:http keeps at most 2000 fields (maxHeadersCount); a head with more is refused here. */
export const MAX_HEADER_FIELDS = 2000;

export const HAND_OFF = 'hand-off';

const REQUEST_LINE = /^([A-Z]{1,16}) (\/[!-~]*) HTTP\/1\.1$/;
/** Field values: visible characters, spaces, tabs and obs-text; no control characters. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers node:http keeps once (a repeat is dropped there); repeats go to node:http. */
const SINGLE_VALUED = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);
/** Identity headers: Trino reads the first line of each, so later lines are dropped (not joined). */
const FIRST_LINE_WINS = new Set(['x-trino-user', 'x-presto-user', 'x-trino-original-user', 'x-presto-original-user']);
/** Headers that change framing or the connection itself: node:http handles those requests. */
const HANDED_OFF = new Set(['transfer-encoding', 'expect', 'upgrade']);

/** Parses the head `text` (without its closing blank line); HAND_OFF or throws BadRequest. */
export function parseRequestHead(text: string): RequestHead | typeof HAND_OFF {
  const lines = text.split('\r\n');
  if (lines.length - 1 > MAX_HEADER_FIELDS) throw new TooManyFields(`more than ${MAX_HEADER_FIELDS} header fields`);
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine) return HAND_OFF;
  // No prototype: a field named `constructor` or `__proto__` is a field like any other.
  const headers: IncomingHttpHeaders = Object.create(null) as IncomingHttpHeaders;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadRequest(line.startsWith(' ') || line.startsWith('\t') ? 'folded header lines are not supported' : 'malformed header line');
    const name = line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) throw new BadRequest('malformed header name');
    const value = trimSpaces(line.slice(colon + 1));
    if (!FIELD_VALUE.test(value)) throw new BadRequest(`invalid characters in header ${name}`);
    // As llhttp: spaces may follow the digits, a tab may not.
    if (name === 'content-length' && !/^[ \t]*\d{1,15} *$/.test(line.slice(colon + 1))) throw new BadRequest('invalid Content-Length');
    if (HANDED_OFF.has(name)) return HAND_OFF;
    const existing = headers[name];
    if (existing === undefined) {
      headers[name] = name === 'set-cookie' ? [value] : value;
    } else if (FIRST_LINE_WINS.has(name)) {
      continue;
    } else if (SINGLE_VALUED.has(name)) {
      return HAND_OFF;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      headers[name] = `${existing}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  const length = headers['content-length'];
  if (length !== undefined && !/^\d{1,15}$/.test(length)) throw new BadRequest('invalid Content-Length');
  // HTTP/1.1 requires Host (RFC 9112 3.2); node:http refuses a request without it too.
  if (headers.host === undefined) throw new BadRequest('missing Host header');
  const connection = headers.connection;
  return {
    method: requestLine[1]!,
    url: requestLine[2]!,
    headers,
    contentLength: length === undefined ? 0 : Number(length),
    keepAlive: connection === undefined || !/(^|[\s,])close($|[\s,])/i.test(connection),
  };
}
