/** Small helpers for the two kinds of answers the front door gives: JSON documents and plain text. */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export type HeaderList = Array<[string, string | string[]]>;

export function sendJson(res: ServerResponse, body: string, headers: HeaderList = [], status = 200): void {
  const out: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  for (const [name, value] of headers) out[name] = value;
  res.writeHead(status, out);
  res.end(body);
}

/** Trino answers requests that never became queries with text/plain bodies; clients show the text. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
