/**
 * A gateway for the admin API and UI tests, as an operator would run it: HTTPS with a test CA,
 * a password file (ops and carol are administrators, ops by name and carol through the group
 * file; hanna and analyst are not), a rules file, a real Trino and the embedded DuckDB.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { Agent } from 'undici';
import type { RunningGateway } from '../../src/gateway.js';
import { ensureTrino, startTestGateway } from './services.js';
import { createTestPki, type TestPki } from './tls.js';

export const PASSWORDS: Record<string, string> = { ops: 'ops-secret', carol: 'carol-secret', hanna: 'hanna-secret', analyst: 'analyst-secret' };

/** A password-file line as `htpasswd -B` writes it (the $2y$ bcrypt variant). */
export function htpasswdLine(user: string, password: string): string {
  return `${user}:${bcrypt.hashSync(password, 8).replace(/^\$2b\$/, '$2y$')}`;
}

export const basic = (user: string, password = PASSWORDS[user]!) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface AdminGateway {
  gateway: RunningGateway;
  /** The HTTPS address. */
  url: string;
  pki: TestPki;
  /** An undici dispatcher trusting the test CA. */
  dispatcher: Agent;
  close(): Promise<void>;
}

export async function startAdminGateway(extra: Record<string, unknown> = {}): Promise<AdminGateway> {
  const pki = createTestPki();
  const trino = await ensureTrino();
  writeFileSync(join(pki.dir, 'password.db'), Object.entries(PASSWORDS).map(([u, p]) => htpasswdLine(u, p)).join('\n') + '\n');
  writeFileSync(join(pki.dir, 'group.txt'), 'admins:carol\nanalysts:analyst\n');
  writeFileSync(
    join(pki.dir, 'rules.json'),
    JSON.stringify({
      tables: [
        { group: 'analysts', catalog: 'tpch', schema: 'tiny', table: 'nation', privileges: ['SELECT'] },
        { user: 'ops|carol|hanna', privileges: ['SELECT'] },
      ],
    }),
  );
  const gateway = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', tls: { port: 0, certFile: pki.certFile, keyFile: pki.keyFile } },
    authentication: { authenticators: [{ type: 'password-file', file: join(pki.dir, 'password.db') }], groupFile: join(pki.dir, 'group.txt'), maxFailuresPerClient: 1000 },
    accessControl: { rulesFile: join(pki.dir, 'rules.json') },
    backends: [
      { name: 'trino1', engine: 'trino', url: trino, group: 'main' },
      { name: 'embedded', engine: 'duckdb', group: 'local' },
    ],
    routing: { defaultGroup: 'main', allowHints: ['local'] },
    admin: { users: ['ops'], groups: ['admins'] },
    ...extra,
  });
  const dispatcher = new Agent({ connect: { ca: readFileSync(pki.caFile) } });
  return {
    gateway,
    url: gateway.tlsUrl!,
    pki,
    dispatcher,
    async close() {
      await gateway.close();
      await dispatcher.close();
    },
  };
}
