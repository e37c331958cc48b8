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
import { freePort, REPO, run } from '../support/services.js';

const CLI = join(REPO, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'qg-cli-'));

/** Starts `querygate serve`, waits for /v1/info, returns the answer and stops the process. */
async function serveAndProbe(args: string[], port: number): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/info`);
        return (await response.json()) as Record<string, unknown>;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`gateway did not come up on ${port}: ${output}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
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
  assert.match(ok.stdout, /configuration is valid \(1 backend\(s\)\)/);
});
