/**
 * With several worker processes on one port (`server.workers`), the kernel hands each new
 * connection to any worker, while a query's state (an embedded engine's result pages, a statement
 * waiting in the gateway queue, documents read ahead of the client) lives in the worker that
 * started it. A request about such a query (its follow-ups, `/v1/query/{id}`, the admin API's
 * cancel) that reaches another worker is checked there first (the follow-up token, then who is
 * asking: a stranger costs the host no forwarding and never reaches the owner), then forwarded to
 * the owner over that worker's Unix socket and answered from there.
 *
 * The socket sits in a directory only the gateway's user can enter; that is what lets the owner
 * trust the two headers added here: whether the client came over TLS, and the identity the
 * forwarding worker established (the owner does not authenticate the request again).
 */
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Identity } from '../auth/identity.js';
import type { ClientRequest, ClientResponse } from '../http1/exchange.js';
import { drained } from '../http1/exchange.js';

/** Set by the forwarding worker; read only on connections of the owner's forwarding socket. */
export const FORWARDED_PROTO_HEADER = 'x-querygate-worker-proto';
export const FORWARDED_IDENTITY_HEADER = 'x-querygate-worker-identity';

/** Headers about the connection between forwarder and owner, not about the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
/** A client that reads nothing for this long loses the forwarded answer (as a direct one). */
const CLIENT_WRITE_TIMEOUT_MS = 60_000;

const agent = new Agent({ keepAlive: true });

/**
 * Forwards the request, which `identity` makes (authenticated here; absent for the web UI's
 * session cookie, which the owner checks itself at no cost), to the worker listening on
 * `socketPath` and relays its answer. False when that worker could not be reached before anything
 * was answered (it has just exited): the caller then serves the request itself, as another
 * instance would.
 */
export async function forwardToWorker(req: ClientRequest, res: ClientResponse, socketPath: string, tls: boolean, identity: Identity | undefined): Promise<boolean> {
  const headers: IncomingHttpHeaders = { ...req.headers, [FORWARDED_PROTO_HEADER]: tls ? 'https' : 'http' };
  if (identity === undefined) delete headers[FORWARDED_IDENTITY_HEADER];
  else headers[FORWARDED_IDENTITY_HEADER] = Buffer.from(JSON.stringify(identity)).toString('base64url');
  delete headers.connection;
  const body: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) body.push(chunk);
  const answer = await new Promise<IncomingMessage | undefined>((resolve) => {
    const outgoing = request({ socketPath, agent, method: req.method, path: req.url, headers }, resolve);
    outgoing.on('error', () => resolve(undefined));
    outgoing.end(Buffer.concat(body));
  });
  if (answer === undefined) return false;
  const relayed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
  res.writeHead(answer.statusCode ?? 502, relayed);
  try {
    for await (const chunk of answer as AsyncIterable<Buffer>) {
      if (!res.write(chunk) && !(await drained(res, CLIENT_WRITE_TIMEOUT_MS))) {
        answer.destroy();
        return true;
      }
    }
    res.end();
  } catch {
    // The owner went away in the middle of the answer: the client sees a cut connection, as with a failed backend.
    res.destroy();
  }
  return true;
}

/** The identity a forwarding worker established, as its header carries it (trust it only on the forwarding socket). */
export function forwardedIdentity(req: ClientRequest): Identity | undefined {
  const value = req.headers[FORWARDED_IDENTITY_HEADER];
  return typeof value === 'string' ? (JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Identity) : undefined;
}
