import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for a gateway started in its own process). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A TCP relay to a server on 127.0.0.1 that can be switched off and on again on the same port: to
 * its clients exactly a server that stopped (connection refused, open connections reset) and came
 * back. The fault tests put it in front of the shared Trino instead of stopping and restarting one.
 */
export class SwitchableRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async to(target: number): Promise<SwitchableRelay> {
    return new SwitchableRelay(await freePort(), target);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  on(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  off(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
