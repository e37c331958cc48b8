/** Small helpers for the two kinds of answers the front door gives: JSON documents and plain text. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientResponse } from '../http1/exchange.js';
import type { QueryFailure } from '../protocol/errors.js';
import { renderQueryResults } from '../protocol/results.js';
import { infoUri } from '../protocol/uris.js';

export type HeaderList = Array<[string, string | string[]]>;

export function sendJson(res: ClientResponse, body: string, headers: HeaderList = [], status = 200): void {
  const out: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  for (const [name, value] of headers) out[name] = value;
  res.writeHead(status, out);
  res.end(body);
}

/** Trino answers requests that never became queries with text/plain bodies; clients show the text. */
export function sendText(res: ClientResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendNoContent(res: ClientResponse): void {
  res.writeHead(204);
  res.end();
}

/** A query that fails before (or instead of) producing results: a FAILED document, as Trino sends it. */
export function sendQueryFailure(res: ClientResponse, queryId: string, baseUrl: string, failure: QueryFailure, status = 200, headers: HeaderList = []): void {
  sendJson(
    res,
    renderQueryResults({ id: queryId, infoUri: infoUri(baseUrl, queryId), state: 'FAILED', elapsedMillis: 0, queuedMillis: 0, processedRows: 0, error: failure }),
    headers,
    status,
  );
}
