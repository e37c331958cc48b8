/**
 * A round-robin HTTP balancer on loopback for the fleet tests: every request (submission or poll)
 * goes to the next gateway instance in turn, with the client's Host header kept, so the URIs the
 * instances hand out name the balancer. A request an instance refuses to connect (a killed
 * process) is sent to the next one, as a load balancer with connection retries does.
 */
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Balancer {
  url: string;
  /** Requests each target answered. */
  answered: Map<string, number>;
  close(): Promise<void>;
}

export async function startBalancer(targets: string[]): Promise<Balancer> {
  let next = 0;
  const answered = new Map(targets.map((t) => [t, 0]));
  const forward = (target: string, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const url = new URL(target);
      const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      for (let attempt = 0; attempt < targets.length; attempt++) {
        const target = targets[next++ % targets.length]!;
        try {
          const answer = await forward(target, req.method!, req.url!, req.headers, body);
          answered.set(target, answered.get(target)! + 1);
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') {
            res.writeHead(503).end(`balancer: ${(err as Error).message}`);
            return;
          }
        }
      }
      res.writeHead(503).end('balancer: no instance answers');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
