/**
 * The benchmarks' smoke runs (bench/README.md, "Smoke mode"): each benchmark runs a few
 * iterations end to end and must exit 0 with its protocol checks passed. Not a measurement (no
 * figure is asserted): it keeps the benchmarks working, so a change that breaks one (a protocol
 * check out of date, a fixture that no longer starts) fails here, not at the next measuring run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { PG_PORT, REPO, startPostgres, stopPostgres, type Service } from '../tracking/services.js';

const exec = promisify(execFile);

async function smoke(benchmark: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(process.execPath, [`dist/bench/${benchmark}.js`, '--smoke', ...args], { cwd: REPO, timeout: 180_000 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${benchmark} --smoke failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let postgres: Service;
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  if (postgres?.started) await stopPostgres();
});

for (const [benchmark, ok] of [
  ['overhead', /smoke: OK \(20 iterations, no protocol errors\)/],
  ['large-result', /smoke: OK \(every page parsed, row counts match\)/],
  ['concurrency', /smoke: OK \(\d+ in-flight queries, no protocol errors\)/],
  ['rewriter', /smoke: OK/],
  ['translation', /smoke: OK/],
  ['embedded-segments', /smoke: OK \(row counts match\)/],
  ['tag-authorization', /smoke: OK/],
  ['resource-groups', /smoke: OK/],
  ['guardrails', /smoke: OK/],
  ['poll-throughput', /smoke: OK \(no errors\)/],
  ['tracing', /smoke: OK \(20 iterations, \d+ spans exported\)/],
] as const) {
  test(`${benchmark} runs end to end`, async () => {
    assert.match(await smoke(benchmark), ok);
  });
}

test('history runs end to end (SQLite and the test PostgreSQL)', async () => {
  assert.match(await smoke('history', '--pg-port', String(PG_PORT)), /smoke: OK/);
});

test('overhead with TLS, password authentication and authorization runs end to end', async () => {
  assert.match(await smoke('overhead', '--auth', '--authorization', '--nginx'), /smoke: OK/);
});

test('poll-throughput over HTTPS with password authentication runs end to end', async () => {
  assert.match(await smoke('poll-throughput', '--auth'), /smoke: OK \(no errors\)/);
});
