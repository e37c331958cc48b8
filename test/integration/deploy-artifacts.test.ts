/**
 * The deployment artifacts under deploy/, checked with the real tools where this machine has them
 * (scripts/deploy-tools/install.sh builds helm and installs kubernetes-validate, which carries the
 * Kubernetes JSON schemas): the Helm chart lints, renders with every optional part, validates
 * strictly against the schemas, wires probes and the drain deadline together, and renders a
 * querygate.yaml the gateway itself accepts; the systemd unit passes `systemd-analyze verify`;
 * the Grafana dashboard asks only for metrics the gateway exports. A check whose tool is missing
 * is skipped with the reason, never passed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkFiles } from '../../src/config/check.js';
import { loadConfigFile } from '../../src/config/load.js';
import { REPO, TEST_SECRET, startTestGateway } from '../support/services.js';

const exec = promisify(execFile);
const TOOLS = join(homedir(), '.cache/querygate/deploy-tools');
const HELM = join(TOOLS, 'bin/helm');
const KUBERNETES_VALIDATE = join(TOOLS, 'venv/bin/kubernetes-validate');
const CHART = join(REPO, 'deploy/helm/querygate');
const dir = mkdtempSync(join(tmpdir(), 'qg-deploy-'));

type Manifest = { kind: string; apiVersion: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };

async function render(...sets: string[]): Promise<{ text: string; manifests: Manifest[] }> {
  const { stdout } = await exec(HELM, ['template', 'qg', CHART, ...sets.flatMap((s) => ['--set', s])], { maxBuffer: 16 * 1024 * 1024 });
  return { text: stdout, manifests: parseAllDocuments(stdout).map((d) => d.toJS() as Manifest).filter((m) => m !== null) };
}

const FULL = [
  `secrets.tokenSecret=${TEST_SECRET}`,
  'postgres.enabled=true',
  'postgres.connectionString=postgres://qg:pw@db:5432/qg',
  'redis.enabled=true',
  'redis.url=redis://redis:6379/0',
  'autoscaling.enabled=true',
  'serviceMonitor.enabled=true',
  'networkPolicy.enabled=true',
  'networkPolicy.egress[0].ports[0].port=8080',
  'networkPolicy.ingressFrom[0].namespaceSelector.matchLabels.team=analytics',
];

test('the Helm chart lints, renders with every optional part and validates against the Kubernetes schemas', { skip: existsSync(HELM) && existsSync(KUBERNETES_VALIDATE) ? false : 'helm or kubernetes-validate is not installed (scripts/deploy-tools/install.sh)' }, async () => {
  await exec(HELM, ['lint', '--strict', CHART, '--set', `secrets.tokenSecret=${TEST_SECRET}`]);
  const { text, manifests } = await render(...FULL);
  assert.deepEqual(manifests.map((m) => m.kind).sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceMonitor']);
  // The ServiceMonitor is a Prometheus Operator resource: not in the Kubernetes schemas, checked below by hand.
  const core = join(dir, 'core.yaml');
  writeFileSync(core, text.split(/^---$/m).filter((doc) => !/^kind: ServiceMonitor$/m.test(doc)).join('---'));
  const validated = await exec(KUBERNETES_VALIDATE, ['--strict', '-k', '1.33.0', core]).catch((err: { stdout: string; stderr: string }) => assert.fail(`${err.stdout}${err.stderr}`));
  assert.doesNotMatch(validated.stdout + validated.stderr, /ERROR|WARN/);

  const deployment = manifests.find((m) => m.kind === 'Deployment')! as unknown as { spec: { template: { spec: Record<string, unknown> & { containers: Array<Record<string, any>> } } } };
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  // Drain deadline 25 s + preStop 5 s + 10 s to close: the kubelet's SIGKILL never cuts a drain short.
  assert.equal(pod.terminationGracePeriodSeconds, 40);
  assert.deepEqual(container!.lifecycle.preStop.exec.command, ['sleep', '5']);
  assert.equal(container!.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container!.livenessProbe.httpGet.path, '/livez');
  assert.equal(container!.securityContext.readOnlyRootFilesystem, true);
  assert.equal((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot, true);
  const serviceMonitor = manifests.find((m) => m.kind === 'ServiceMonitor')!;
  assert.deepEqual((serviceMonitor.spec as { endpoints: unknown[] }).endpoints, [{ port: 'http', path: '/metrics', interval: '30s' }]);

  // The rendered querygate.yaml is one the gateway accepts, with the secrets resolved from the environment.
  const configFile = join(dir, 'querygate.yaml');
  writeFileSync(configFile, manifests.find((m) => m.kind === 'ConfigMap')!.data!['querygate.yaml']!);
  const secret = manifests.find((m) => m.kind === 'Secret')! as unknown as { stringData: Record<string, string> };
  Object.assign(process.env, { QUERYGATE_TOKEN_SECRET: secret.stringData['token-secret'], QUERYGATE_POSTGRES_URL: secret.stringData['postgres-url'], QUERYGATE_REDIS_URL: secret.stringData['redis-url'] });
  const config = loadConfigFile(configFile);
  assert.equal(config.server.drainTimeout, 25_000);
  assert.equal(config.security.tokenSecret, TEST_SECRET);
  assert.equal(config.history.connectionString, 'postgres://qg:pw@db:5432/qg');
  assert.equal(config.redis?.url, 'redis://redis:6379/0');
  assert.deepEqual(checkFiles(config), []);

  // Without a token secret the chart refuses to render rather than start replicas that cannot serve each other's follow-ups.
  await assert.rejects(render(), /secrets.tokenSecret .* is required/);
});

test('the systemd unit passes systemd-analyze verify', { skip: existsSync('/usr/bin/systemd-analyze') ? false : 'systemd-analyze is not installed' }, async () => {
  const { stdout, stderr } = await exec('systemd-analyze', ['verify', join(REPO, 'deploy/systemd/querygate.service')]);
  // verify exits 0 on many problems and only prints them.
  assert.equal(stdout + stderr, '');
});

test('the container build is multi-stage, runs as a non-root user and has a health check (not built here: no base image registry)', () => {
  const text = readFileSync(join(REPO, 'deploy/container/Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  assert.equal(stages.length, 2);
  const runtime = stages[1]!;
  assert.match(runtime, /^USER node$/m);
  assert.match(runtime, /^HEALTHCHECK .*\n.*\/livez/m);
  assert.doesNotMatch(runtime, /apt-get|g\+\+|npm (ci|install)/, 'no build tools or installs in the final image');
  // The configuration the image ships is one the gateway accepts.
  assert.equal(loadConfigFile(join(REPO, 'deploy/container/querygate.yaml')).dataDir, '/var/lib/querygate');
});

test('the Grafana dashboard queries only metrics the gateway exports', async () => {
  const dashboard = JSON.parse(readFileSync(join(REPO, 'deploy/grafana/querygate-dashboard.json'), 'utf8')) as {
    uid: string;
    panels: Array<{ id: number; type: string; gridPos: { x: number; w: number }; datasource?: { uid: string }; targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ name: string; type: string }> };
  };
  assert.deepEqual(dashboard.templating.list.map((v) => [v.name, v.type]), [['datasource', 'datasource'], ['instance', 'query']]);
  assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
  for (const panel of dashboard.panels) assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, `panel ${panel.id} fits the grid`);

  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, '{}');
  const gateway = await startTestGateway({ accessControl: { rulesFile } });
  try {
    const exported = await (await fetch(`${gateway.url}/metrics`)).text();
    const families = new Map([...exported.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name!, type!]));
    const queries = dashboard.panels.filter((p) => p.type !== 'row').flatMap((p) => p.targets!.map((t) => ({ panel: p, expr: t.expr })));
    assert.ok(queries.length >= 15);
    for (const { panel, expr } of queries) {
      assert.equal(panel.datasource?.uid, '${datasource}');
      for (const [name] of expr.matchAll(/querygate_[a-z0-9_]+/g)) {
        const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
        const known = families.has(name) || (histogram !== null && families.get(histogram[1]!) === 'histogram');
        assert.ok(known, `${name} (panel ${panel.id}) is not exported`);
      }
    }
  } finally {
    await gateway.close();
  }
});
