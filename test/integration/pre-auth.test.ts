/**
 * Nothing is done for a stranger (issue 15, item 2 and 6): over HTTPS with a password file, a
 * statement request is authenticated as soon as its head is read, before its body is read or
 * its prepared statements are decoded. Raw bytes over TLS, as an attacker would send them.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import type { RunningGateway } from '../../src/gateway.js';
import { basic, htpasswdLine } from '../support/admin-gateway.js';
import { startTestGateway } from '../support/services.js';
import { createTestPki, type TestPki } from '../support/tls.js';
import { rleFrame, zstdValue } from '../support/zstd-frames.js';

let pki: TestPki;
let gateway: RunningGateway;
let port: number;

before(async () => {
  pki = createTestPki();
  writeFileSync(join(pki.dir, 'password.db'), `${htpasswdLine('alice', 'alice-pw')}\n`);
  gateway = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile } },
    authentication: { authenticators: [{ type: 'password-file', file: join(pki.dir, 'password.db') }], maxFailuresPerClient: 1000 },
  });
  port = Number(new URL(gateway.tlsUrl!).port);
});
after(async () => gateway?.close());

/** A TLS connection that keeps what it receives. */
async function open(): Promise<{ socket: TLSSocket; text(): string }> {
  const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(pki.caFile), servername: 'localhost' });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  return { socket, text: () => text };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

const head = (authorization: string, extra: string, length: number) =>
  `POST /v1/statement HTTP/1.1\r\nHost: localhost\r\nX-Trino-User: alice\r\nAuthorization: ${authorization}\r\n${extra}Content-Length: ${length}\r\n\r\n`;

test('a wrong password is refused before the body arrives', async () => {
  const client = await open();
  try {
    client.socket.write(`${head(basic('alice', 'wrong'), '', 500_000)}${'S'.repeat(1000)}`);
    await until(() => client.text().includes('\r\n\r\n'));
    assert.match(client.text(), /^HTTP\/1\.1 401 /);
  } finally {
    client.socket.destroy();
  }
});

test('prepared statements are not decoded for a caller who is not authenticated', async () => {
  const client = await open();
  try {
    // Malformed on purpose: decoding would answer 400; authentication comes first and answers 401.
    client.socket.write(head(basic('alice', 'wrong'), 'X-Trino-Prepared-Statement: p=$zstd:AAAA\r\n', 8) + 'SELECT 1');
    await until(() => client.text().includes('\r\n\r\n'));
    assert.match(client.text(), /^HTTP\/1\.1 401 /);
  } finally {
    client.socket.destroy();
  }
});

test('an authenticated request may not decode more than the budget of prepared statements', async () => {
  const entry = zstdValue(rleFrame('SELECT 1 -- ', 'x', 1024 * 1024));
  const prepared = `X-Trino-Prepared-Statement: ${Array.from({ length: 8 }, (_, i) => `p${i}=${entry}`).join(',')}\r\n`;
  const client = await open();
  try {
    client.socket.write(head(basic('alice', 'alice-pw'), prepared, 8) + 'SELECT 1');
    await until(() => /\r\n\r\n.+/s.test(client.text()));
    assert.match(client.text(), /^HTTP\/1\.1 400 [\s\S]*prepared statements decode to more than 4194304 bytes in one request$/);
  } finally {
    client.socket.destroy();
  }
});
