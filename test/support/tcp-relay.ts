/**
 * A TCP relay run as a child process by the fault tests: `node tcp-relay.js <port>` listens on a
 * free loopback port, prints it, and pipes every connection to 127.0.0.1:<port>. Stopped with
 * SIGSTOP, it is to its clients exactly a frozen server: connections are accepted by the kernel,
 * requests are taken, nothing is answered.
 */
import { connect, createServer } from 'node:net';

const target = Number(process.argv[2]);
const server = createServer((client) => {
  const upstream = connect(target, '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
