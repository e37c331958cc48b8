/**
 * Assembles a gateway from a validated configuration: backends, the token signer, the front door.
 */
import { pino, type Logger } from 'pino';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './auth/authenticator.js';
import { GroupFile } from './auth/group-file.js';
import { IdentityResolver, type Identity } from './auth/identity.js';
import type { LoginThrottle } from './auth/login-throttle.js';
import type { ClientRequest, ClientResponse } from './http1/exchange.js';
import { JwtAuthenticator } from './auth/jwt.js';
import { LdapAuthenticator } from './auth/ldap.js';
import { PasswordFileAuthenticator } from './auth/password-file.js';
import { ConfigError, parseConfigText } from './config/load.js';
import { applyReload, type ReloadTargets } from './config/reload.js';
import { ReloadingFile } from './config/reloading-file.js';
import { parseResourceGroupsFile } from './admission/resource-groups-file.js';
import { Guardrails, guardrailRecord, type GuardrailAction } from './admission/guardrails.js';
import { LiveQueryMonitor } from './admission/live-query-monitor.js';
import { ResourceGroupAdmission, ResourceGroups, noMatchingGroup, queryTypeOf, selectGroup, type Selection, type SelectionCriteria } from './admission/resource-groups.js';
import { DUCKDB_RESULTS, type AuthenticatorConfig, type GatewayConfig } from './config/schema.js';
import { AccessControl, describeAccess, type AccessCheckInput, type AccessOutcome, type MetadataPlanner } from './policy/access-control.js';
import { MetadataService } from './catalogs/metadata-service.js';
import { METADATA_BACKEND, MetadataEngine } from './catalogs/metadata-engine.js';
import { CatalogPlacement, catalogsNamed, catalogsReferenced } from './catalogs/placement.js';
import type { Decision } from './policy/decision.js';
import type { AccessRules } from './policy/file-rules.js';
import { ruleExpressionErrors, rulesCheckedAtLoad } from './policy/filter-mask/load-check.js';
import { startTagService } from './policy/tags/setup.js';
import type { TagService } from './policy/tags/service.js';
import { BackendMetadata } from './policy/metadata.js';
import { parseRulesFile, unmatchableColumnRules } from './policy/rules-file.js';
import type { Backend } from './engines/backend.js';
import { LocalBackend } from './engines/local-backend.js';
import { TrinoBackend } from './engines/trino/trino-backend.js';
import { QueryIdGenerator } from './protocol/query-id.js';
import { QueryTokenSigner } from './protocol/query-token.js';
import { parseSession, type QuerySession } from './protocol/session.js';
import { analyze } from './sql/analyzer/index.js';
import type { AuditTrail } from './audit/trail.js';
import { GatewayMetrics } from './observability/metrics.js';
import { startTracing } from './observability/tracing.js';
import { registerTrackingMetrics } from './tracking/metrics.js';
import { startOperations, type Operations } from './tracking/operations.js';
import { HistoryReconciler } from './tracking/reconciler.js';
import { Admission } from './routing/admission.js';
import { BackendPool } from './routing/backend-pool.js';
import { FleetBackendStates } from './routing/backend-states.js';
import { RedisBus, type MessageBus } from './cluster/redis-bus.js';
import type { InHostClient } from './cluster/in-host.js';
import { ClusterLoad, shareQueryEnds } from './routing/cluster-load.js';
import { fleetRedis, RedisLeaseStore } from './cluster/redis-leases.js';
import { LocalFleetQueue, RedisFleetQueue, type FleetQueue } from './cluster/fleet-queue.js';
import { HealthChecker } from './routing/health-checker.js';
import { Router, type RouteDecision, type RoutingAnalysis, type RoutingContext } from './routing/router.js';
import { ErrorCodes, QueryFailure } from './protocol/errors.js';
import { AdminApi, type Caller } from './server/admin-api.js';
import { Dispatcher, type GuardrailRuntime } from './server/dispatcher.js';
import type { QueryTracker } from './tracking/query-tracker.js';
import { drain, type DrainOutcome } from './server/drain.js';
import { GatewayServer } from './server/gateway-server.js';
import { workerCount } from './server/workers.js';
import { forwardToWorker } from './server/worker-forwarding.js';
import { Lifecycle, readiness } from './server/probes.js';
import { StaticUi } from './server/static-ui.js';
import { UiSessions } from './server/ui-session.js';
import { VERSION } from './version.js';

export interface RunningGateway {
  port: number;
  url: string;
  /** The HTTPS listener, when TLS is configured. */
  tlsUrl?: string;
  /** Graceful drain: not ready, new statements refused, in-flight queries finish or are cancelled at server.drainTimeout. */
  drain(): Promise<DrainOutcome>;
  /** Re-reads the configuration and rules files now (SIGHUP), changed or not. */
  reload(): void;
  close(): Promise<void>;
}

export function createLogger(config: GatewayConfig): Logger {
  return pino({ level: config.logging.level, base: { service: 'querygate' } });
}

/** Builds something from configuration, turning any failure into a ConfigError naming the setting. */
function fromConfig<T>(setting: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new ConfigError(`${setting}: ${(err as Error).message}`);
  }
}

function createAuthenticator(config: AuthenticatorConfig, index: number, log: Logger): Authenticator {
  return fromConfig(`authentication.authenticators[${index}] (${config.type})`, () => {
    switch (config.type) {
      case 'password-file':
        return new PasswordFileAuthenticator(config.file, (message) => log.error(message));
      case 'ldap': {
        const { type: _type, timeout, ...options } = config;
        return new LdapAuthenticator({ ...options, timeoutMs: timeout });
      }
      case 'jwt': {
        const { type: _type, clockSkew, ...options } = config;
        return new JwtAuthenticator({ ...options, clockSkewMs: clockSkew });
      }
    }
  });
}

/** History and audit; a store that cannot be opened (corrupt or locked SQLite file) stops the start. */
async function startOperationsFromConfig(config: GatewayConfig, log: Logger, spillFileName?: string): Promise<Operations> {
  try {
    return await startOperations(config, log, spillFileName);
  } catch (err) {
    throw new ConfigError(`history: ${(err as Error).message}`);
  }
}

function createGroupFile(config: GatewayConfig, log: Logger): GroupFile | undefined {
  const path = config.authentication.groupFile;
  return path === undefined ? undefined : fromConfig('authentication.groupFile', () => new GroupFile(path, (message) => log.error(message)));
}

function createIdentity(
  config: GatewayConfig,
  rules: ReloadingFile<AccessRules> | undefined,
  groupFile: GroupFile | undefined,
  metrics: GatewayMetrics,
  audit: AuditTrail,
  log: Logger,
  throttle: LoginThrottle | undefined,
): IdentityResolver {
  const auth = config.authentication;
  const authenticators = auth.authenticators.map((a, i) => createAuthenticator(a, i, log));
  if (authenticators.length === 0) {
    log.warn('no authenticator is configured: the user named in X-Trino-User / X-Presto-User is trusted as is');
  } else if (config.server.tls === undefined && !auth.trustForwardedProto) {
    log.warn('authenticators are configured but TLS is not: credentials are only accepted over HTTPS, so configure server.tls (or trustForwardedProto behind a TLS-terminating proxy)');
  }
  return new IdentityResolver({
    authenticators,
    ...(groupFile ? { groupFile } : {}),
    ...(rules ? { rules } : {}),
    cacheTtlMs: auth.cacheTtl,
    maxFailures: auth.maxFailures,
    maxFailuresPerClient: auth.maxFailuresPerClient,
    failureWindowMs: auth.failureWindow,
    ...(throttle ? { throttle } : {}),
    allowInsecureOverHttp: auth.allowInsecureOverHttp,
    trustForwardedProto: auth.trustForwardedProto,
    onEvent: (event) => {
      metrics.authenticated(event.outcome, event.seconds);
      audit.record({
        actor: event.user ?? `client ${event.client}`,
        action: 'authenticate',
        target: event.authenticator ?? 'gateway',
        outcome: event.outcome,
        details: { client: event.client, ...(event.reason ? { reason: event.reason } : {}) },
      });
      if (event.outcome === 'success') log.debug({ auth: event }, 'authenticated');
      else log.warn({ auth: event }, 'authentication refused');
    },
    onCacheLookup: (hit) => metrics.authenticationCacheLookup(hit),
    onImpersonation: (from, to, allowed, rule) =>
      audit.record({ actor: from, action: 'impersonate', target: to, outcome: allowed ? 'allowed' : 'denied', details: rule === undefined ? { rule: 'default: deny' } : { rule: `impersonation[${rule}]` } }),
  });
}

/** ReloadingFile callbacks that log a refused version and put every reload, good or refused, into the audit trail. */
function auditedReloads(audit: AuditTrail, log: Logger, action: string, path: string): [(message: string) => void, () => void] {
  return [
    (message) => {
      log.error(message);
      audit.record({ actor: 'system', action, target: path, outcome: 'failure', details: { message } });
    },
    () => {
      log.info({ file: path }, 'file reloaded');
      audit.record({ actor: 'system', action, target: path, outcome: 'success' });
    },
  ];
}

/** Checks the configuration file every second and applies what changed; `reloadNow` re-reads it at once. */
function watchConfig(path: string, initial: GatewayConfig, targets: ReloadTargets, audit: AuditTrail): { timer: NodeJS.Timeout; reloadNow(): void } {
  const file = new ReloadingFile(path, parseConfigText, ...auditedReloads(audit, targets.log, 'config.reload', path));
  let current = initial;
  let seen = file.value;
  const apply = () => {
    const next = file.value;
    if (next === seen) return;
    seen = next;
    applyReload(current, next, targets);
    current = next;
  };
  const timer = setInterval(apply, 1000);
  timer.unref();
  return {
    timer,
    reloadNow() {
      file.reload();
      apply();
    },
  };
}

export interface BackendDependencies {
  signer: QueryTokenSigner;
  queryIds: QueryIdGenerator;
  onUnreachable(backend: string, reason: string): void;
  log: Logger;
}

export async function createBackends(config: GatewayConfig, deps: BackendDependencies): Promise<Backend[]> {
  const backends: Backend[] = [];
  for (const backend of config.backends) {
    if (backend.engine === 'duckdb') {
      // Loaded only when configured: the native engine costs memory a Trino-only gateway need not pay.
      const { DuckDbEngine } = await import('./engines/duckdb/duckdb-engine.js');
      backends.push(
        new LocalBackend({
          name: backend.name,
          engine: new DuckDbEngine({ demo: backend.demo, catalogs: backend.catalogs, ...(backend.threads ? { threads: backend.threads } : {}), oneOfWorkers: workerCount(config) > 1 }),
          signer: deps.signer,
          queryIds: deps.queryIds,
          clientTimeoutMs: config.queries.clientTimeout,
          results: backend.results,
        }),
      );
    } else if (backend.engine === 'athena') {
      const { AthenaEngine } = await import('./engines/athena/athena-engine.js');
      backends.push(
        new LocalBackend({ name: backend.name, engine: new AthenaEngine(backend), signer: deps.signer, queryIds: deps.queryIds, clientTimeoutMs: config.queries.clientTimeout, results: backend.results }),
      );
    } else {
      backends.push(new TrinoBackend({ config: backend, signer: deps.signer, queryIds: deps.queryIds, exposeDetails: config.server.exposeBackendDetails, onUnreachable: deps.onUnreachable, log: deps.log }));
    }
  }
  return backends;
}

/** Without a rules file, tag grants decide tables and the rest follows Trino's defaults for an empty rules file. */
/** Parses the rules file, warning at load and at every reload about entries that can never match. */
function warningParser(log: Logger): (text: string, path: string) => AccessRules {
  return (text, path) => {
    const rules = parseRulesFile(text, path);
    for (const warning of unmatchableColumnRules(rules)) log.warn(warning);
    return rules;
  };
}

const NO_RULES_FILE = { value: parseRulesFile('{}', 'no rules file (tag grants only)') };

/** The statement authorization configured: the rules file, the tag grants, both, or none (allow-all). */
function createAccessControl(
  config: GatewayConfig,
  rules: ReloadingFile<AccessRules> | undefined,
  tags: TagService | undefined,
  metadata: BackendMetadata,
  groupFile: GroupFile | undefined,
  onDenied?: (input: AccessCheckInput, outcome: AccessOutcome) => void,
  gatewayMetadata?: MetadataPlanner,
): AccessControl | undefined {
  // A definer view's owner gets its groups where Trino's group provider would find them.
  const groupsOf = groupFile === undefined ? undefined : (user: string) => groupFile.groupsOf(user);
  if (tags === undefined) return rules === undefined ? undefined : new AccessControl(rules, metadata, onDenied, undefined, groupsOf, gatewayMetadata);
  // Alone, the tag grants must allow: mode any would let the empty rules file allow everything.
  const mode = rules === undefined ? 'all' : config.accessControl!.tags!.mode;
  return new AccessControl(rules ?? NO_RULES_FILE, metadata, onDenied, { mode, policy: () => tags.policy() }, groupsOf, gatewayMetadata);
}

export interface ExplainRequest {
  user: string;
  groups: string[];
  catalog?: string;
  schema?: string;
  sql: string;
}

/** What `explain-access` and the admin UI's simulator show: the printed explanation and the decision behind it. */
export interface AccessSimulation {
  text: string;
  allowed: boolean;
  /** Trino's message for the first denial, or why the statement was refused before authorization. */
  message?: string;
  checks: Decision['checks'];
  route?: { group: string; reason: string; fallback: string[] };
  /** The resource group the statement would be selected into (`null`: no selector matches), when resource groups are configured. */
  resourceGroup?: { id: string; selector: string } | null;
}

/** The resource group selection `explain-access` and the simulator report. */
type GroupPreview = (criteria: SelectionCriteria) => Selection | undefined;

/** Evaluates a statement for a user without running it, then where it would be routed if allowed. */
async function simulateAccess(access: AccessControl, route: (ctx: RoutingContext) => RouteDecision, request: ExplainRequest, previewGroup?: GroupPreview): Promise<AccessSimulation> {
  const session = parseSession({
    'x-trino-user': request.user,
    ...(request.catalog !== undefined ? { 'x-trino-catalog': request.catalog } : {}),
    ...(request.schema !== undefined ? { 'x-trino-schema': request.schema } : {}),
  });
  const { text, outcome } = await access.explain({ principal: { user: request.user, groups: request.groups, authenticatedBy: 'explain-access' }, user: request.user, session, sql: request.sql });
  if (!outcome) return { text, allowed: false, message: text.slice(text.lastIndexOf('Refused before authorization: ')), checks: [] };
  const decision = route({
    user: request.user,
    groups: request.groups,
    clientTags: [],
    extraCredentials: new Map(),
    ...(request.catalog !== undefined ? { catalog: request.catalog } : {}),
    statement: { kind: outcome.request.kind, tables: describeAccess(outcome).tables },
  });
  const routing = `\nRouting: group ${decision.group} (${decision.reason})${decision.fallback.length > 0 ? `, fallback ${decision.fallback.join(' -> ')}` : ''}`;
  const selection = previewGroup?.({ user: request.user, groups: request.groups, authenticatedUser: request.user, clientTags: [], estimates: {}, queryType: queryTypeOf(outcome.request.kind) });
  const resourceGroup = selection === undefined ? null : { id: selection.segments.join('.'), selector: selection.selector.path };
  const grouping = previewGroup === undefined ? '' : resourceGroup === null ? `\nResource group: none (${noMatchingGroup().message}: QUERY_REJECTED)` : `\nResource group: ${resourceGroup.id} (${resourceGroup.selector})`;
  return {
    text: text + routing + grouping,
    ...(previewGroup !== undefined ? { resourceGroup } : {}),
    allowed: outcome.decision.allowed,
    ...(outcome.decision.message !== undefined ? { message: outcome.decision.message } : {}),
    checks: outcome.decision.checks,
    route: { group: decision.group, reason: decision.reason, fallback: decision.fallback },
  };
}

/**
 * `querygate explain-access`: what a statement touches and how the configured rules decide it,
 * resolved against the configured backends' real metadata, without starting a server.
 */
export async function explainStatement(config: GatewayConfig, request: ExplainRequest, log: Logger): Promise<{ text: string; allowed: boolean }> {
  const rulesFile = config.accessControl?.rulesFile;
  if (rulesFile === undefined && config.accessControl?.tags === undefined) throw new ConfigError('explain-access needs accessControl.rulesFile or accessControl.tags in the configuration (or --rules FILE)');
  const rules = rulesFile === undefined ? undefined : fromConfig('accessControl.rulesFile', () => new ReloadingFile(rulesFile, parseRulesFile, (message) => log.error(message)));
  const tagRuntime = config.accessControl?.tags === undefined ? undefined : await startTagService(config, log);
  const backends = await createBackends(config, { signer: new QueryTokenSigner(undefined, 60_000), queryIds: new QueryIdGenerator(), onUnreachable: () => undefined, log });
  try {
    await Promise.all(backends.map((b) => b.start()));
    const access = createAccessControl(config, rules, tagRuntime?.service, new BackendMetadata(backends, log), createGroupFile(config, log))!;
    const router = fromConfig('routing', () => new Router(config));
    const groupsFile = config.resourceGroups?.file;
    const resourceGroups = groupsFile === undefined ? undefined : fromConfig('resourceGroups.file', () => parseResourceGroupsFile(readFileSync(groupsFile, 'utf8'), groupsFile, config.resourceGroups?.clusterMemory));
    const { text, allowed } = await simulateAccess(access, (ctx) => router.route(ctx), request, resourceGroups && ((criteria) => selectGroup(resourceGroups, criteria)));
    return { text, allowed };
  } finally {
    await Promise.all(backends.map((b) => b.close()));
    await tagRuntime?.close();
  }
}

export interface StartOptions {
  /** The configuration file: watched, and routing and backend settings re-applied when it changes. */
  configPath?: string;
  /** This gateway is one of the host's worker processes (server.workers > 1). */
  worker?: WorkerOptions;
}

export interface WorkerOptions {
  /** The host's shared state, held by the primary process. */
  host: InHostClient;
  /** 1..workers: names this worker's own files (its history spill file). */
  index: number;
  /** Where this worker takes requests the others forward to it. */
  socketPath: string;
}

export async function startGateway(config: GatewayConfig, log: Logger = createLogger(config), options: StartOptions = {}): Promise<RunningGateway> {
  const queryIds = new QueryIdGenerator();
  const { worker } = options;
  // The host's workers share one key when none is configured: a follow-up may reach any of them.
  const joined = worker === undefined ? undefined : await worker.host.register(queryIds.instanceId, worker.socketPath);
  const tokenSecret = config.security.tokenSecret ?? joined?.tokenSecret;
  if (config.security.tokenSecret === undefined) {
    const holder = worker === undefined ? 'this instance restarts' : 'the gateway (its primary process) restarts';
    log.warn(`security.tokenSecret is not set: follow-up URIs are signed with a random key, so they stop working when ${holder} and no other instance can serve them`);
  }
  const metrics = new GatewayMetrics();
  const tracing = await startTracing(config.tracing);
  const ops = await startOperationsFromConfig(config, log, worker === undefined ? undefined : `history-spill-worker-${worker.index}.jsonl`);
  // Every message between instances: one pair of Redis connections, or the host's primary for its workers.
  const redisBus = config.redis === undefined ? undefined : await RedisBus.connect(config.redis.url, log);
  const bus: MessageBus | undefined = redisBus ?? worker?.host.bus;
  const channelPrefix = config.redis?.keyPrefix ?? '';
  const rulesFile = config.accessControl?.rulesFile;
  // One rules file for impersonation and statement authorization, reloaded when it changes.
  // Set once the backends are up: filters and masks are then checked against the tables they name.
  let ruleMetadata: BackendMetadata | undefined;
  const checkRuleExpressions = (value: AccessRules): Promise<void> | undefined => {
    if (ruleMetadata === undefined || rulesCheckedAtLoad(value).length === 0) return undefined;
    return ruleExpressionErrors(value, ruleMetadata).then((errors) => {
      if (errors.length > 0) throw new Error(errors.join('; '));
    });
  };
  const rules =
    rulesFile === undefined
      ? undefined
      : fromConfig('accessControl.rulesFile', () => new ReloadingFile(rulesFile, warningParser(log), ...auditedReloads(ops.audit, log, 'rules.reload', rulesFile), checkRuleExpressions));
  const tagRuntime = config.accessControl?.tags === undefined ? undefined : await startTagService(config, log, bus && { bus, channelPrefix });
  if (rules === undefined && tagRuntime === undefined) log.warn('no accessControl is configured: every statement is allowed (allow-all)');
  const groupFile = createGroupFile(config, log);
  // A host's workers count failures together: N workers must not give a client N times the attempts.
  const identity = createIdentity(config, rules, groupFile, metrics, ops.audit, log, worker?.host.logins);
  const tls = config.server.tls;
  const tlsMaterial = tls === undefined ? undefined : fromConfig('server.tls', () => ({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }));
  const signer = new QueryTokenSigner(tokenSecret, config.security.tokenTtl);
  // Filled below; engines report unreachable backends to it (passive health detection).
  let pool: BackendPool | undefined;
  let announceUnhealthy: ((name: string, reason: string) => void) | undefined;
  const onUnreachable = (name: string, reason: string) => {
    const wasHealthy = pool?.get(name)?.healthy;
    pool?.reportFailure(name, reason);
    if (wasHealthy === true && pool?.get(name)?.healthy === false) {
      metrics.backendHealthChanged(name, false);
      announceUnhealthy?.(name, reason);
    }
  };
  const backends = await createBackends(config, { signer, queryIds, onUnreachable, log });
  await Promise.all(backends.map((b) => b.start()));
  const cluster = await startClusterLoad(config, log, worker?.host);
  pool = new BackendPool(
    config.backends.map((c, i) => ({ backend: backends[i]!, group: c.group, weight: c.weight, maxRunning: c.maxRunning, state: c.state })),
    config.healthCheck,
    cluster,
  );
  // Drains and deactivations stored by any instance are applied here too, from the start.
  const backendStates = new FleetBackendStates(pool, ops.store, ops.openStore, log);
  await backendStates.loadAtStart().catch((err: Error) => log.warn({ err: err.message }, 'stored backend states could not be read: the configured states apply until they can'));
  backendStates.start();
  if (bus) {
    // A drain or activation through one instance's admin API is read by the others at once.
    const statesChannel = `${channelPrefix}backend-states-changed`;
    await bus.subscribe(statesChannel, () => backendStates.readNow());
    backendStates.announceChangesWith(() => void bus.publish(statesChannel, ''));
    // A backend live traffic found hung or unreachable is taken out by every instance at once (a
    // host's other workers would otherwise keep sending it statements until their own probes fail).
    const unhealthyChannel = `${channelPrefix}backend-unhealthy`;
    await bus.subscribe(unhealthyChannel, (message) => {
      const found = parseUnhealthy(message);
      if (found !== undefined && pool!.markUnhealthy(found.name, found.reason)) metrics.backendHealthChanged(found.name, false);
    });
    announceUnhealthy = (name, reason) => void bus.publish(unhealthyChannel, JSON.stringify({ name, reason }));
  }
  registerTrackingMetrics(metrics.registry, { writer: ops.writer, ...(cluster ? { counters: cluster } : {}) });
  const groupLimits = new Map(config.routingGroups.map((g) => [g.name, { maxQueued: g.maxQueued, queueTimeoutMs: g.queueTimeout }]));
  const defaultLimits = { maxQueued: 1000, queueTimeoutMs: 300_000 };
  const admission = new Admission(pool, (group) => groupLimits.get(group) ?? defaultLimits, config.queries.clientTimeout, (slot, outcome, details) => {
    const startedAt = slot.queryId === undefined ? undefined : ops.tracker.inFlightQuery(slot.queryId)?.createdAt;
    tracing.queryEnded(slot.queryId, outcome, details);
    metrics.queryEnded(slot.backend.group, slot.backend.backend.name, slot.backend.backend.engine, outcome, startedAt === undefined ? undefined : (Date.now() - startedAt) / 1000);
    if (slot.queryId === undefined) return;
    ops.tracker.ended(slot.queryId, outcome, details);
    if (outcome === 'abandoned') {
      log.warn({ queryId: slot.queryId, backend: slot.backend.backend.name }, 'client stopped polling: cancelling the query');
      void slot.backend.backend.abandon(slot.backendQueryId ?? slot.queryId);
    }
  });
  metrics.observeBackends(pool, admission);
  cluster?.onEndedElsewhere((queryId, outcome) => admission.end(queryId, outcome));
  const announceEnded = bus === undefined ? undefined : await shareQueryEnds(bus, `${channelPrefix}query-ended`, (queryId, outcome) => admission.end(queryId, outcome));
  const metadata = new BackendMetadata(backends, log);
  ruleMetadata = metadata;
  if (rules !== undefined) await rules.checkCurrent().catch((err: unknown) => {
    throw new ConfigError(`accessControl.rulesFile: ${(err as Error).message}`);
  });
  const analyzeForRouting = async (submission: { sql: string; session: QuerySession }): Promise<RoutingAnalysis> => {
    const { session } = submission;
    try {
      const request = await analyze(submission.sql, { ...(session.catalog ? { catalog: session.catalog } : {}), ...(session.schema ? { schema: session.schema } : {}) }, metadata, session.preparedStatements);
      const catalogs = catalogsNamed(request);
      return { statement: { kind: request.kind, tables: request.tables.map((t) => `${t.table.catalog}.${t.table.schema}.${t.table.name}`), catalogs }, catalogs };
    } catch (err) {
      // A statement needing a catalog only a backend that is down serves cannot run anywhere: that is the answer.
      if (err instanceof QueryFailure && err.errorCode === ErrorCodes.BACKEND_UNAVAILABLE) throw err;
      return { catalogs: catalogsReferenced(submission.sql, session.catalog) };
    }
  };
  const placement = new CatalogPlacement(config.backends.map((c, i) => ({ backend: backends[i]!, group: c.group })), log);
  const resourceGroupsFile = config.resourceGroups?.file;
  const clusterMemory = config.resourceGroups?.clusterMemory;
  const resourceGroups =
    resourceGroupsFile === undefined
      ? undefined
      : new ResourceGroups(
          fromConfig('resourceGroups.file', () => new ReloadingFile(resourceGroupsFile, (text, source) => parseResourceGroupsFile(text, source, clusterMemory), ...auditedReloads(ops.audit, log, 'resource-groups.reload', resourceGroupsFile))),
          new ResourceGroupAdmission(cluster, Math.random, clusterMemory),
        );
  const fleetQueue = await startFleetQueue(config, worker?.host);
  const guardrails = startGuardrails(config, cluster, pool, metrics, ops.audit, log);
  if (resourceGroups === undefined && guardrails?.rules.namesResourceGroups) log.warn('guardrails name resource groups, but no resourceGroups.file is configured: those guardrails never apply');
  // Runaway guardrails and resource groups' CPU quotas read running queries' statistics.
  const monitor = guardrails === undefined && resourceGroups === undefined ? undefined : startMonitor(config, metrics, ops.audit, ops.tracker, log);
  const dispatcher = new Dispatcher(fromConfig('routing', () => new Router(config)), admission, signer, queryIds, metrics, ops.tracker, analyzeForRouting, log, { store: fleetQueue, aliasTtlMs: config.security.tokenTtl }, placement, resourceGroups, monitor, guardrails);
  cluster?.onQueuedTakenElsewhere((id) => dispatcher.takenElsewhere(id));
  const reloader = options.configPath === undefined ? undefined : watchConfig(options.configPath, config, { pool, dispatcher, groupLimits, log, ...(guardrails ? { guardrails: guardrails.rules } : {}) }, ops.audit);
  const lifecycle = new Lifecycle();
  const sweeper = setInterval(() => dispatcher.sweep(), 1_000);
  sweeper.unref();
  const reconciler = new HistoryReconciler(ops.store, ops.writer, ops.tracker, new Map(backends.map((b) => [b.name, b])), log, (id) => dispatcher.backendQueryOf(id));
  reconciler.start();
  const health = new HealthChecker(pool, config.healthCheck.interval, config.healthCheck.timeout, (backend, healthy, reason) => {
    metrics.backendHealthChanged(backend, healthy);
    if (healthy) log.info({ backend }, 'backend is healthy again');
    else {
      log.warn({ backend, reason }, 'backend is unhealthy: it takes no new queries');
      // Found by this instance's probes: the others take it out at once too (their probes run apart).
      announceUnhealthy?.(backend, reason ?? 'probe failed');
    }
  });
  await health.probeAll();
  health.start();
  // One catalog namespace across backends: metadata statements the gateway answers itself, served by its own backend.
  const metadataService = new MetadataService(backends, log, {
    live: () => ops.tracker.inFlight(),
    recent: async (limit) => {
      // Queries that just ended are still in the writer's queue.
      await ops.writer.flush();
      return (await (await ops.openStore()).searchQueries({ limit })).items;
    },
  });
  const metadataBackend = new LocalBackend({ name: METADATA_BACKEND, engine: new MetadataEngine(), signer, queryIds, clientTimeoutMs: config.queries.clientTimeout, results: DUCKDB_RESULTS });
  await metadataBackend.start();
  const access = createAccessControl(config, rules, tagRuntime?.service, metadata, groupFile, (input, outcome) => {
    const denied = outcome.decision.checks.find((c) => !c.allowed);
    metrics.accessDenied(denied?.check ?? 'statement');
    ops.audit.record({
      actor: input.principal.user,
      action: 'query.authorize',
      target: denied?.resource ?? 'statement',
      outcome: 'denied',
      details: { user: input.user, rule: denied?.decidedBy, message: outcome.decision.message, statement: input.sql.slice(0, 2000) },
    });
  }, metadataService);
  if (access) metrics.observeDecisionCache(() => access.cacheStats);
  // Cached table and view metadata is forgotten everywhere when a statement changes objects anywhere.
  const objectsChangedChannel = `${channelPrefix}objects-changed`;
  if (bus && access) await bus.subscribe(objectsChangedChannel, () => access.objectsChanged());
  const sessions = new UiSessions(tokenSecret, config.ui.sessionTtl, bus && ((id, expiresAt) => void bus.publish(`${channelPrefix}ui-session-revoked`, JSON.stringify({ id, expiresAt }))));
  await bus?.subscribe(`${channelPrefix}ui-session-revoked`, (message) => {
    const revoked = parseRevocation(message);
    if (revoked) sessions.revokedElsewhere(revoked.id, revoked.expiresAt);
  });
  worker?.host.serveLiveQueries(() => ops.tracker.inFlight());
  if (worker) {
    // A scrape through any worker answers the host's figures.
    worker.host.serveMetrics(() => metrics.registry.getMetricsAsJSON());
    metrics.joinHost(() => worker.host.metricsElsewhere());
  }
  // A request about another worker's query, once verified here, is answered by that worker.
  const forwardToOwner =
    worker &&
    (async (req: ClientRequest, res: ClientResponse, queryId: string, tls: boolean, identity: Identity | undefined) => {
      const socketPath = worker.host.ownerOf(queryId, queryIds.instanceId);
      return socketPath !== undefined && (await forwardToWorker(req, res, socketPath, tls, identity));
    });
  const tagsFile = config.accessControl?.tags?.file;
  const admin = new AdminApi({
    identity,
    sessions,
    pool,
    backendStates,
    admission,
    operations: ops,
    users: config.admin.users,
    groups: config.admin.groups,
    ...(rules ? { rules } : {}),
    ...(resourceGroups ? { resourceGroups: () => resourceGroups.admission.snapshot() } : {}),
    ...(access ? { simulate: (request: ExplainRequest) => simulateAccess(access, (ctx) => dispatcher.previewRoute(ctx), request, resourceGroups && ((criteria) => resourceGroups.select(criteria))) } : {}),
    ...(tagRuntime ? { policy: { service: tagRuntime.service, audit: ops.audit, ...(tagsFile !== undefined ? { managedBy: tagsFile } : {}) } } : {}),
    ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}),
    ...(worker ? { liveElsewhere: () => worker.host.liveElsewhere() } : {}),
    ...(forwardToOwner ? { forwardToOwner: (req: IncomingMessage, res: ServerResponse, queryId: string, caller: Caller, tls: boolean) => forwardToOwner(req, res, queryId, tls, caller.identity) } : {}),
    log,
  });
  const server = new GatewayServer({
    backends: [...backends, metadataBackend],
    metadata: { service: metadataService, backend: metadataBackend },
    dispatcher,
    admission,
    admin,
    ui: new StaticUi(),
    signer,
    queryIds,
    maxStatementBytes: config.server.maxStatementSize,
    maxConnections: config.server.maxConnections,
    maxBufferedBytes: config.server.maxBufferedRequestBytes,
    ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}),
    version: VERSION,
    identity,
    metrics,
    tracing,
    tracker: ops.tracker,
    ...(access ? { access } : {}),
    ...(announceEnded ? { announceEnded } : {}),
    ...(bus && access ? { announceObjectsChanged: () => void bus.publish(objectsChangedChannel, '') } : {}),
    ...(forwardToOwner ? { forwardToOwner } : {}),
    lifecycle,
    readiness: () => readiness(lifecycle, pool, admission),
    log,
  });
  if (worker) await server.listen({ forwardedFrom: 'workers', path: worker.socketPath });
  const httpPort = config.server.httpEnabled ? (await server.listen({ port: config.server.port, host: config.server.host })).port : undefined;
  const httpsPort = tls && tlsMaterial ? (await server.listen({ port: tls.port, host: config.server.host, tls: tlsMaterial })).port : undefined;
  log.info({ httpPort, httpsPort, instanceId: queryIds.instanceId, backends: config.backends.map((b) => `${b.name} (${b.engine}, group ${b.group})`) }, 'querygate is listening');
  lifecycle.serving();
  return {
    port: httpPort ?? httpsPort!,
    url: httpPort !== undefined ? `http://127.0.0.1:${httpPort}` : `https://127.0.0.1:${httpsPort}`,
    ...(httpsPort !== undefined ? { tlsUrl: `https://127.0.0.1:${httpsPort}` } : {}),
    drain: () => drain({ lifecycle, admission, dispatcher, log }, config.server.drainTimeout),
    reload() {
      log.info('reloading the configuration (SIGHUP)');
      reloader?.reloadNow();
      rules?.reload();
    },
    async close() {
      clearInterval(sweeper);
      monitor?.stop();
      clearInterval(reloader?.timer);
      health.stop();
      backendStates.stop();
      reconciler.stop();
      await server.close();
      await Promise.all([...backends, metadataBackend].map((b) => b.close()));
      await tagRuntime?.close();
      await cluster?.close();
      await fleetQueue.close();
      redisBus?.close();
      await ops.close();
      // Last: the spans of queries the drain ended are exported before the process exits.
      await tracing.shutdown();
    },
  };
}

/** The gateway queue shared through Redis when configured (any instance serves its polls), else the host's, else this instance's own. */
async function startFleetQueue(config: GatewayConfig, host: InHostClient | undefined): Promise<FleetQueue> {
  if (config.redis === undefined) return host?.queue ?? new LocalFleetQueue();
  const redis = fleetRedis(config.redis.url);
  await redis.connect().catch(() => undefined);
  return new RedisFleetQueue(redis, `${config.redis.keyPrefix}queue:`);
}

type GuardrailReport = (action: GuardrailAction, query: { user: string; queryId?: string; resourceGroup?: string; routingGroup?: string }) => void;

/** Every guardrail action is logged, counted, and put into the audit trail. */
function guardrailReport(metrics: GatewayMetrics, audit: AuditTrail, log: Logger): GuardrailReport {
  return (action, query) => {
    metrics.guardrailActed(action.guardrail, action.kind, action.check, action.action, query.routingGroup ?? '');
    const details = { guardrail: action.guardrail, kind: action.kind, check: action.check, limit: action.limit, measured: action.measured, message: action.message, user: query.user, ...(query.resourceGroup !== undefined ? { resourceGroup: query.resourceGroup } : {}) };
    (action.action === 'warn' ? log.warn.bind(log) : log.info.bind(log))({ ...details, queryId: query.queryId, action: action.action }, 'guardrail acted');
    audit.record({ actor: 'system', action: `guardrail.${action.action}`, target: query.queryId ?? query.user, outcome: action.action === 'warn' ? 'warned' : action.action === 'deny' ? 'denied' : 'killed', details });
  };
}

/** The guardrails of the configuration (none: undefined). */
function startGuardrails(config: GatewayConfig, cluster: ClusterLoad | undefined, pool: BackendPool, metrics: GatewayMetrics, audit: AuditTrail, log: Logger): GuardrailRuntime | undefined {
  if (config.guardrails.rules.length === 0) return undefined;
  // An estimate comes from the first active, healthy backend of the route's chain whose engine can EXPLAIN (Trino).
  const explainer = (decision: RouteDecision) => {
    for (const group of [decision.group, ...decision.fallback]) {
      const found = pool.all().find((b) => b.group === group && b.state === 'active' && b.healthy && b.backend.explainScan !== undefined);
      if (found !== undefined) return found.backend;
    }
    return undefined;
  };
  return { rules: new Guardrails(config.guardrails.rules, cluster), acted: guardrailReport(metrics, audit, log), explainer };
}

/** The monitor of running queries; a runaway guardrail's action is also kept in the query's history. */
function startMonitor(config: GatewayConfig, metrics: GatewayMetrics, audit: AuditTrail, tracker: QueryTracker, log: Logger): LiveQueryMonitor {
  const report = guardrailReport(metrics, audit, log);
  const monitor = new LiveQueryMonitor(config.guardrails.checkInterval, (queryId, action) => {
    const record = tracker.inFlightQuery(queryId);
    tracker.guardrailActed(queryId, guardrailRecord(action));
    report(action, { user: record?.user ?? '', queryId, ...(record?.routingGroup !== undefined ? { routingGroup: record.routingGroup } : {}), ...(record?.resourceGroup !== undefined ? { resourceGroup: record.resourceGroup } : {}) });
  }, log);
  monitor.start();
  return monitor;
}

/**
 * Fleet-wide running/queued counts as leases in Redis, when configured (an unreachable Redis is
 * not fatal: local shares, logged), else in the host's primary process for its workers.
 */
async function startClusterLoad(config: GatewayConfig, log: Logger, host: InHostClient | undefined): Promise<ClusterLoad | undefined> {
  let store;
  if (config.redis !== undefined) {
    store = new RedisLeaseStore({ redis: config.redis.url, prefix: `${config.redis.keyPrefix}fleet:` });
    await store.connect();
  } else if (host !== undefined) {
    store = host.leases;
  } else {
    return undefined;
  }
  const cluster = new ClusterLoad(store, { adoptIdleMs: config.queries.clientTimeout, log });
  // Without Redis a host's primary tells its workers when a slot is freed.
  if (config.redis === undefined) host?.onLeasesChanged(() => void cluster.refresh());
  await cluster.refresh();
  cluster.start();
  return cluster;
}

/** A backend announced down on the bus, or undefined when the message is not one. */
function parseUnhealthy(message: string): { name: string; reason: string } | undefined {
  try {
    const value = JSON.parse(message) as { name?: unknown; reason?: unknown };
    return typeof value.name === 'string' && typeof value.reason === 'string' ? { name: value.name, reason: value.reason } : undefined;
  } catch {
    return undefined;
  }
}

/** A logout announced on the bus, or undefined when the message is not one. */
function parseRevocation(message: string): { id: string; expiresAt: number } | undefined {
  try {
    const value = JSON.parse(message) as { id?: unknown; expiresAt?: unknown };
    return typeof value.id === 'string' && typeof value.expiresAt === 'number' ? { id: value.id, expiresAt: value.expiresAt } : undefined;
  } catch {
    return undefined;
  }
}
