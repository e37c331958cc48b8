/**
 * Metadata of a backend that is down (issue 20, bad input): a statement needing a catalog whose
 * Trino backend cannot be reached fails with BACKEND_UNAVAILABLE naming the backend, not
 * TABLE_NOT_FOUND or CATALOG_NOT_FOUND, while the embedded engine's catalogs keep working. The
 * gateway knows a catalog's backend from the backend's `catalogs:` setting (even before it ever
 * reached the backend) and from what it saw while the backend was up. With and without access
 * control (whose analysis looks the catalog up first). The backend is the shared real Trino behind
 * a relay that this test switches off and on: to the gateway, a Trino that is down, comes up and
 * goes down again (restarting a Trino of its own took minutes of the suite's time).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../../src/gateway.js';
import { SwitchableRelay } from '../support/ports.js';
import { runQuery } from '../support/protocol-client.js';
import { ensureTrino, startTestGateway, TRINO_PORT } from '../support/services.js';

let relay: SwitchableRelay;
let plain: RunningGateway;
let governed: RunningGateway;

function config(extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    backends: [
      { name: 'embedded', engine: 'duckdb', group: 'local' },
      { name: 'down-trino', engine: 'trino', url: relay.url, group: 'cluster', catalogs: ['tpch'] },
    ],
    // A statement routed to the group while the gateway still counts the catalog as served there
    // waits for a healthy backend; a short wait keeps each retry of `eventually` short.
    routingGroups: [{ name: 'cluster', queueTimeout: '2s' }],
    routing: { defaultGroup: 'local' },
  };
}

before(async () => {
  await ensureTrino();
  relay = await SwitchableRelay.to(TRINO_PORT);
  plain = await startTestGateway(config());
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'qg-md-down-')), 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ catalogs: [{ allow: 'all' }] }));
  governed = await startTestGateway(config({ accessControl: { rulesFile } }));
});
after(async () => {
  await plain?.close();
  await governed?.close();
  await relay?.off();
});

async function outcome(url: string, sql: string): Promise<string> {
  const result = await runQuery(url, sql, { 'X-Trino-User': 'alice' });
  return result.error ? `${String(result.error.errorName)}: ${String(result.error.message)}` : `rows ${result.rowsText}`;
}

/**
 * Polls until the answer matches (catalog lists are cached for a few seconds). No answer on the
 * way may be an internal error: a backend that went down is never the gateway's own failure.
 */
async function eventually(url: string, sql: string, expected: RegExp): Promise<string> {
  let last = '';
  for (let i = 0; i < 60; i++) {
    last = await outcome(url, sql);
    assert.doesNotMatch(last, /^GENERIC_INTERNAL_ERROR/, sql);
    if (expected.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  assert.fail(`${sql}: expected ${expected}, last answer ${last}`);
}

const NEEDS_TPCH = [
  'SELECT count(*) FROM tpch.tiny.nation',
  'SHOW SCHEMAS FROM tpch',
  'SHOW TABLES FROM tpch.tiny',
  'DESCRIBE tpch.tiny.nation',
  "SELECT count(*) FROM tpch.information_schema.tables WHERE table_schema = 'tiny'",
];
const UNAVAILABLE = /^BACKEND_UNAVAILABLE: .*down-trino/;

test('a catalog configured for a backend that was never reached: BACKEND_UNAVAILABLE naming it; other catalogs work', { timeout: 120_000 }, async () => {
  for (const gateway of [plain, governed]) {
    for (const sql of NEEDS_TPCH) assert.match(await outcome(gateway.url, sql), UNAVAILABLE, sql);
    assert.equal(await outcome(gateway.url, 'SELECT count(*) FROM demo.tpch.nation'), 'rows [25]');
    assert.equal(await outcome(gateway.url, "SELECT count(*) FROM demo.information_schema.tables WHERE table_schema = 'tpch'"), 'rows [8]');
    // A catalog no backend declares or serves is still unknown.
    assert.match(await outcome(gateway.url, 'SELECT * FROM nowhere.s.t'), /^(CATALOG_NOT_FOUND|TABLE_NOT_FOUND): /);
  }
});

test('once the backend is up its catalogs work; when it stops again they are unavailable again', { timeout: 300_000 }, async () => {
  await relay.on();
  for (const gateway of [plain, governed]) {
    await eventually(gateway.url, 'SELECT count(*) FROM tpch.tiny.nation', /^rows \[25\]$/);
    assert.match(await outcome(gateway.url, "SELECT count(*) FROM memory.information_schema.schemata WHERE schema_name = 'default'"), /^rows \[1\]$/);
  }
  await relay.off();
  // memory is not configured for the backend: the gateway knows it from what it saw while up.
  const needsSeenCatalogs = [...NEEDS_TPCH, "SELECT count(*) FROM memory.information_schema.schemata WHERE schema_name = 'default'"];
  for (const gateway of [plain, governed]) {
    for (const sql of needsSeenCatalogs) await eventually(gateway.url, sql, UNAVAILABLE);
    assert.equal(await outcome(gateway.url, 'SELECT count(*) FROM demo.tpch.nation'), 'rows [25]');
  }
  // And it keeps knowing after it has looked at the backend's catalogs again (at most every 5 s).
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  for (const gateway of [plain, governed]) {
    for (const sql of needsSeenCatalogs) assert.match(await outcome(gateway.url, sql), UNAVAILABLE, sql);
  }
});
