import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, defaultConfig, loadConfigFile } from '../../src/config/load.js';
import { resolveReferences } from '../../src/config/references.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function expectError(path: string, ...fragments: string[]): void {
  assert.throws(() => loadConfigFile(path), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    for (const fragment of fragments) assert.ok(err.message.includes(fragment), `${JSON.stringify(err.message)} lacks ${fragment}`);
    return true;
  });
}

test('the default is one embedded DuckDB backend on port 8080', () => {
  const config = defaultConfig();
  assert.equal(config.server.port, 8080);
  assert.deepEqual(config.backends.map((b) => [b.name, b.engine]), [['embedded', 'duckdb']]);
});

test('a valid file with a Trino backend loads with durations and sizes converted', () => {
  const config = loadConfigFile(
    file('ok.yaml', `server:\n  port: 9090\n  maxStatementSize: 2MB\nsecurity:\n  tokenTtl: 2h\nbackends:\n  - name: trino1\n    engine: trino\n    url: http://127.0.0.1:18080\n    requestTimeout: 30s\n  - name: local\n    engine: duckdb\nrouting:\n  defaultGroup: default\n`),
  );
  assert.equal(config.server.port, 9090);
  assert.equal(config.server.maxStatementSize, 2 * 1024 * 1024);
  assert.equal(config.security.tokenTtl, 7_200_000);
  const trino = config.backends[0]!;
  assert.equal(trino.engine, 'trino');
  if (trino.engine === 'trino') assert.equal(trino.requestTimeout, 30_000);
  assert.equal(config.routing.defaultGroup, 'default');
});

test('every mistake is reported with its path', () => {
  expectError(join(dir, 'missing.yaml'), 'Configuration file not found', 'missing.yaml');
  expectError(file('unknown.yaml', 'server:\n  prot: 1\n'), 'server: unknown key', "'prot'");
  expectError(file('type.yaml', 'server:\n  port: "eighty"\n'), 'server.port:');
  expectError(file('engine.yaml', 'backends:\n  - name: x\n    engine: oracle\n'), 'backends[0]', "engine must be one of 'duckdb', 'trino', 'athena'");
  expectError(file('url.yaml', 'backends:\n  - name: x\n    engine: trino\n'), 'backends[0].url');
  expectError(file('dup.yaml', 'backends:\n  - {name: a, engine: duckdb}\n  - {name: a, engine: duckdb}\n'), "duplicate backend name 'a'");
  expectError(file('default.yaml', 'routing:\n  defaultGroup: nope\n'), "routing.defaultGroup: unknown routing group 'nope'");
  expectError(
    file('loop.yaml', 'backends:\n  - {name: a, engine: duckdb, group: g1}\n  - {name: b, engine: duckdb, group: g2}\nroutingGroups:\n  - {name: g1, fallback: [g2]}\n  - {name: g2, fallback: [g1]}\n'),
    'fallback chain loops: g1 -> g2 -> g1',
  );
  expectError(file('rule.yaml', 'routing:\n  rules:\n    - {name: bi, routeTo: reserved}\n'), "routing.rules[0].routeTo: unknown routing group 'reserved'");
  expectError(file('duration.yaml', 'queries:\n  clientTimeout: 5 minutes\n'), 'queries.clientTimeout', 'is not a duration');
  expectError(file('yaml.yaml', 'server: [\n'), 'is not valid YAML');
  expectError(file('scalar.yaml', 'just text\n'), 'must hold a mapping');
  expectError(file('secret.yaml', 'security:\n  tokenSecret: short\n'), 'security.tokenSecret', 'at least 32 characters');
});

test('an unknown key is named with the nearest known key at its place', () => {
  expectError(file('typo-top.yaml', 'sever:\n  port: 1\n'), "unknown key 'sever' (did you mean 'server'?)");
  expectError(file('typo-nested.yaml', 'server:\n  prot: 1\n'), "server: unknown key 'prot' (did you mean 'port'?)");
  expectError(file('typo-backend.yaml', 'backends:\n  - {name: t, engine: trino, url: "http://x", grup: a}\n'), "backends[0]: unknown key 'grup' (did you mean 'group'?)");
  expectError(file('typo-far.yaml', 'server:\n  colour: blue\n'), "server: unknown key 'colour'");
  assert.throws(() => loadConfigFile(file('typo-far2.yaml', 'server:\n  colour: blue\n')), (err: Error) => !err.message.includes('did you mean'));
});

test('${env:NAME} and ${file:/path} references resolve in any string value; unresolvable ones are refused', () => {
  const secretFile = file('token-secret', 'from-a-file-0123456789abcdef0123456789\n');
  process.env.QG_TEST_PG_PASSWORD = 'pg-secret';
  const config = loadConfigFile(
    file(
      'refs.yaml',
      [
        'security:',
        `  tokenSecret: \${file:${secretFile}}`,
        'history:',
        '  store: postgres',
        '  connectionString: postgres://qg:${env:QG_TEST_PG_PASSWORD}@db/qg',
        '',
      ].join('\n'),
    ),
  );
  assert.equal(config.security.tokenSecret, 'from-a-file-0123456789abcdef0123456789');
  assert.equal(config.history.connectionString, 'postgres://qg:pg-secret@db/qg');
  assert.deepEqual(resolveReferences({ a: ['$${env:KEPT}', 'x${env:QG_TEST_PG_PASSWORD}y'] }, 'test'), { a: ['${env:KEPT}', 'xpg-secrety'] });
  delete process.env.QG_TEST_PG_UNSET;
  expectError(file('refs-unset.yaml', 'security:\n  tokenSecret: ${env:QG_TEST_PG_UNSET}\n'), 'security.tokenSecret: environment variable QG_TEST_PG_UNSET is not set');
  expectError(file('refs-nofile.yaml', `security:\n  tokenSecret: \${file:${join(dir, 'absent')}}\n`), 'security.tokenSecret: cannot read', 'ENOENT');
});

test('tracing: defaults for the service name and sample ratio; a bad endpoint or ratio is refused with its path', () => {
  const config = loadConfigFile(file('tracing.yaml', 'tracing:\n  otlpEndpoint: http://collector:4318/v1/traces\n'));
  assert.deepEqual(config.tracing, { otlpEndpoint: 'http://collector:4318/v1/traces', serviceName: 'querygate', sampleRatio: 1 });
  assert.equal(defaultConfig().tracing, undefined);
  expectError(file('tracing-url.yaml', 'tracing:\n  otlpEndpoint: collector:4318\n'), 'tracing.otlpEndpoint');
  expectError(file('tracing-ratio.yaml', 'tracing:\n  otlpEndpoint: http://c:4318/v1/traces\n  sampleRatio: 1.5\n'), 'tracing.sampleRatio');
  expectError(file('tracing-key.yaml', 'tracing:\n  endpoint: http://c:4318/v1/traces\n'), 'tracing', "'endpoint'");
});
