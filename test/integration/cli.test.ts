/**
 * The `querygate` command as an operator uses it: `serve` with --config and --port (the flag wins),
 * and readable refusals for bad flags and bad files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/ports.js';
import { createTestPki } from '../support/tls.js';
import { REPO, run } from '../support/services.js';

const CLI = join(REPO, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'qg-cli-'));

/**
 * Starts `querygate serve`, waits until it reports ready, returns /v1/info and stops the process.
 * No time limit: on a loaded machine the demo catalog takes longer to generate, which is not a
 * failure; the process exiting is.
 */
async function serveAndProbe(args: string[], port: number): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready on ${port}: ${output}`))));
  const ready = (async () => {
    while (child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 100));
    return (await (await fetch(`http://127.0.0.1:${port}/v1/info`)).json()) as Record<string, unknown>;
  })();
  try {
    return await Promise.race([ready, exited]);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

test('serve honours --config, and --port overrides the file', async () => {
  const filePort = await freePort();
  const flagPort = await freePort();
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, `server:\n  host: 127.0.0.1\n  port: ${filePort}\nlogging:\n  level: warn\ndataDir: ${join(dir, 'data')}\n`);
  assert.equal((await serveAndProbe(['--config', config], filePort)).starting, false);
  assert.equal((await serveAndProbe(['--config', config, '--port', String(flagPort)], flagPort)).starting, false);
  assert.equal((await serveAndProbe([`--port=${flagPort}`, '--config', config], flagPort)).coordinator, true);
});

test('bad flags and bad files are refused with a readable message and exit code 2', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'backends:\n  - name: t\n    engine: trino\n    url: ftp://x\n    colour: blue\n');
  const cases: Array<[string[], RegExp]> = [
    [['serve', '--port', 'eighty'], /--port must be a number/],
    [['serve', '--verbose'], /Unknown option '--verbose'/],
    [['launch'], /Unknown command 'launch'/],
    [['serve', '--config', join(dir, 'nope.yaml')], /Configuration file not found: .*nope\.yaml/],
    [['serve', '--config', bad], /backends\[0\]: unknown key 'colour'/],
    [['check-config', '--config', bad], /backends\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [args, message] of cases) {
    const result = await run(process.execPath, [CLI, ...args], { timeout: 20_000 });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'backends:\n  - {name: local, engine: duckdb}\n');
  const ok = await run(process.execPath, [CLI, 'check-config', '--config', good]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /configuration is valid \(1 backend\(s\); every file it names loads\)/);
});

test('check-config loads every file serve would load and names each one that does not', async () => {
  const pki = createTestPki();
  const broken = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const config = join(dir, 'files.yaml');
  writeFileSync(
    config,
    [
      'server:',
      `  tls: {port: 0, certFile: ${join(dir, 'no-cert.pem')}, keyFile: ${pki.keyFile}}`,
      'authentication:',
      `  groupFile: ${join(dir, 'no-groups.txt')}`,
      '  authenticators:',
      `    - {type: password-file, file: ${join(dir, 'no-passwords.db')}}`,
      'accessControl:',
      `  rulesFile: ${broken('bad-rules.json', '{"tables": [{"privileges": ["FLY"]}]}')}`,
      '  tags:',
      `    file: ${join(dir, 'no-tags.yaml')}`,
      'backends:',
      `  - {name: local, engine: duckdb, catalogs: [{name: sales, path: ${join(dir, 'no-sales.duckdb')}}]}`,
      '',
    ].join('\n'),
  );
  const result = await run(process.execPath, [CLI, 'check-config', '--config', config]);
  assert.equal(result.code, 2, result.stdout);
  for (const setting of ['server.tls', 'authentication.groupFile', 'authentication.authenticators[0] (password-file)', 'accessControl.rulesFile', 'accessControl.tags.file', 'backends[0].catalogs[0] (sales)']) {
    assert.ok(result.stderr.includes(`  - ${setting}: `), `${setting} is not reported:\n${result.stderr}`);
  }
  assert.match(result.stderr, /FLY/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  // serve refuses the same file before listening.
  const serve = await run(process.execPath, [CLI, 'serve', '--config', config]);
  assert.equal(serve.code, 2);
  assert.match(serve.stderr, /accessControl\.tags\.file/);

  const mismatched = join(dir, 'tls-mismatch.yaml');
  writeFileSync(mismatched, `server:\n  tls: {port: 0, certFile: ${pki.certFile}, keyFile: ${pki.caFile.replace('ca.pem', 'ca.key')}}\n`);
  const pair = await run(process.execPath, [CLI, 'check-config', '--config', mismatched]);
  assert.equal(pair.code, 2);
  assert.match(pair.stderr, /server\.tls: .*key values mismatch/);

  const good = join(dir, 'tls-good.yaml');
  writeFileSync(good, `server:\n  tls: {port: 0, certFile: ${pki.certFile}, keyFile: ${pki.keyFile}}\n`);
  const ok = await run(process.execPath, [CLI, 'check-config', '--config', good]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('SIGHUP re-reads the configuration, and the files it references, at once', async () => {
  const port = await freePort();
  const groupFile = join(dir, 'default-group');
  writeFileSync(groupFile, 'remote\n');
  const config = join(dir, 'sighup.yaml');
  writeFileSync(
    config,
    [
      'server: {host: 127.0.0.1, port: ' + port + '}',
      'logging: {level: info}',
      `dataDir: ${join(dir, 'sighup-data')}`,
      'backends:',
      '  - {name: local, engine: duckdb, group: local}',
      // Never reachable: a query routed here fails, one routed to `local` succeeds (the query names
      // no catalog, so the routing group alone decides where it goes).
      "  - {name: nowhere, engine: trino, url: 'http://127.0.0.1:9', group: remote}",
      'routing: {defaultGroup: "${file:' + groupFile + '}"}',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const count = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/statement`, { method: 'POST', body: 'SELECT 25', headers: { 'X-Trino-User': 'alice' } });
    let doc = (await response.json()) as { nextUri?: string; data?: unknown[][]; error?: unknown };
    let rows: unknown[][] = [];
    while (doc.nextUri !== undefined) {
      doc = (await (await fetch(doc.nextUri, { headers: { 'X-Trino-User': 'alice' } })).json()) as typeof doc;
      rows = [...rows, ...(doc.data ?? [])];
    }
    return doc.error === undefined ? rows : 'failed';
  };
  try {
    // Listening (readiness itself is false here: the remote backend is down, the local one is not).
    while (child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/livez`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await count(), 'failed');
    // The configuration file itself is unchanged: only SIGHUP makes the gateway read the referenced file again.
    writeFileSync(groupFile, 'local\n');
    child.kill('SIGHUP');
    while (!output.includes('reloading the configuration (SIGHUP)')) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await count(), [[25]]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
});
