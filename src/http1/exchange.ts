/**
 * The request and response of one client exchange, as the statement protocol uses them. Both
 * node:http's IncomingMessage/ServerResponse and the front door's own (front-door.ts) have this
 * shape, so the statement path runs unchanged on either.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export interface ClientRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
  /** The request body. */
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
  /** Discards what is left of the body. */
  resume(): unknown;
}

export interface ClientResponse {
  readonly headersSent: boolean;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  cork(): void;
  uncork(): void;
  destroy(): unknown;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * Resolves once the response can take more bytes; false when the client went away instead, or
 * read nothing for `timeoutMs` (then the response is destroyed: a client that stops reading must
 * not hold the backend connection behind it forever).
 */
export function drained(res: ClientResponse, timeoutMs: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    const timer = setTimeout(() => {
      settle(false);
      res.destroy();
    }, timeoutMs);
    const settle = (writable: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(writable);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
