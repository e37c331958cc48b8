/**
 * Guardrails: rules of the configuration (`guardrails.rules`) that act on queries beyond what
 * resource groups do, each scoped by resource group (pattern on the selected group's id), routing
 * group and user, each with the action `warn` (logged, counted, recorded), `deny` (refused before
 * it starts) or `kill` (cancelled on its backend while it runs):
 * - runaway: limits on a running query's live statistics (live-query-monitor.ts measures and kills);
 * - duplicates: the same statement (same text once comments, whitespace and case of keywords are
 *   normalized, same session catalog and schema) while an identical one of the same user (or
 *   resource group) runs;
 * - preflight: checks of the analyzed statement (read-only, LIMIT or WHERE required on named
 *   tables, at most so many tables or joins) and of the engine's estimate of what it reads (its
 *   EXPLAIN, run as the user before the statement starts);
 * - rate limits: queries started per minute and running at once, per user or per resource group.
 *
 * Duplicates and rate limits count the whole fleet: each running (or, for the minute window,
 * recently started) query is a lease in a pool of the lease store (cluster/leases.ts), as the
 * resource groups' counts are; without Redis they count this instance.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GuardrailConfig, RunawayLimitsConfig } from '../config/schema.js';
import { ErrorCodes, QueryFailure, type ErrorCode } from '../protocol/errors.js';
import type { ClusterLoad } from '../routing/cluster-load.js';
import { tokenize } from '../sql/lexer.js';
import type { Statement } from '../sql/analyzer/ast.js';
import type { GuardrailRecord } from '../tracking/types.js';

export type GuardrailKind = 'runaway' | 'duplicates' | 'preflight' | 'rateLimit';

/** What a guardrail looked at and what it did: for the log, history, the audit trail and metrics. */
export interface GuardrailAction {
  guardrail: string;
  kind: GuardrailKind;
  action: 'warn' | 'deny' | 'kill';
  /** The limit or check (`elapsed`, `concurrent`, `requireLimit`, ...). */
  check: string;
  /** The configured limit, as written for people (`10s`, `5`, `tpch.sf1.lineitem`). */
  limit: string;
  /** What was measured (`12.31s`, `6`, `no LIMIT`). */
  measured: string;
  message: string;
}

/** A statement a `deny` guardrail refused (QUERY_REJECTED, the guardrail's message). */
export class GuardrailRefusal extends QueryFailure {
  constructor(readonly action: GuardrailAction) {
    super(ErrorCodes.QUERY_REJECTED, action.message);
  }
}

/** What history keeps of an action (its message is the query's error, or the log's). */
export function guardrailRecord(action: GuardrailAction): GuardrailRecord {
  const { guardrail, kind, check, action: taken, limit, measured } = action;
  return { guardrail, kind, check, action: taken, limit, measured };
}

/** Where a query is: who runs it, and the groups that scope guardrails. */
export interface GuardrailScope {
  user: string;
  routingGroup: string;
  /** The selected resource group's id, when resource groups are configured. */
  resourceGroup?: string;
}

/** What the pre-start guardrails need of a statement. */
export interface GuardedStatement extends GuardrailScope {
  sql: string;
  catalog?: string;
  schema?: string;
  /** The analysis, when the statement could be analyzed: its kind, the tables it touches and its syntax tree. */
  analysis?: { kind: string; tables: string[]; tree?: Statement };
  /** The engine's estimate of what it reads, asked once when a guardrail needs it; absent: no engine of its routing group can tell. */
  estimate?: () => Promise<ScanEstimate>;
}

/** What the engine estimates a statement reads from its tables; a figure it cannot estimate (Trino's NaN) is absent. */
export interface ScanEstimate {
  rows?: number;
  bytes?: number;
  /** Why there is no estimate at all (the EXPLAIN failed, or no engine can run it). */
  unavailable?: string;
}

/**
 * The rows and bytes read from tables, from Trino's `EXPLAIN (TYPE IO, FORMAT JSON)`: the sum of
 * each input table's scan estimate (its `outputRowCount` and `outputSizeInBytes`, after the
 * pushed-down constraint); Trino writes an unknown estimate as the string "NaN".
 */
export function scanEstimateOf(json: string): ScanEstimate {
  const plan = JSON.parse(json) as { inputTableColumnInfos?: Array<{ estimate?: Record<string, unknown> }> };
  const tables = plan.inputTableColumnInfos ?? [];
  const sum = (key: string) => {
    let total = 0;
    for (const table of tables) {
      const value = table.estimate?.[key];
      if (typeof value !== 'number') return undefined;
      total += value;
    }
    return total;
  };
  const estimate: ScanEstimate = {};
  const rows = sum('outputRowCount');
  const bytes = sum('outputSizeInBytes');
  if (rows !== undefined) estimate.rows = rows;
  if (bytes !== undefined) estimate.bytes = bytes;
  return estimate;
}

/** Statements that read tables, whose estimate an `explain` check asks for (others read nothing it could estimate). */
const SCANNING_KINDS = new Set(['query', 'insert', 'createTableAsSelect', 'update', 'delete', 'merge']);

/** Whether an `explain` check of `config` needs the estimate of the statement. */
export function needsEstimate(config: GuardrailConfig, statement: GuardedStatement): boolean {
  return config.preflight?.explain !== undefined && statement.analysis !== undefined && SCANNING_KINDS.has(statement.analysis.kind);
}

/** The `explain` check of a preflight guardrail against the engine's estimate (empty when it passes). */
export function estimateViolations(config: GuardrailConfig, estimate: ScanEstimate): GuardrailAction[] {
  const { maxScanRows, maxScanBytes, unknown } = config.preflight!.explain!;
  const violations: GuardrailAction[] = [];
  const measures = [
    { check: 'explainScanRows', limit: maxScanRows, value: estimate.rows, unit: 'count' as const, what: 'rows' },
    { check: 'explainScanBytes', limit: maxScanBytes, value: estimate.bytes, unit: 'bytes' as const, what: 'bytes' },
  ];
  for (const { check, limit, value, unit, what } of measures) {
    if (limit === undefined) continue;
    const base = { guardrail: config.name, kind: 'preflight' as const, action: config.action as 'warn' | 'deny', check, limit: formatValue(limit, unit) };
    if (value === undefined) {
      if (unknown === 'pass') continue;
      const why = estimate.unavailable ?? 'the engine estimates it as unknown (NaN)';
      violations.push({ ...base, measured: 'unknown', message: `The ${what} the statement reads cannot be estimated: ${why} (guardrail '${config.name}')` });
    } else if (value > limit) {
      const measured = formatValue(Math.round(value), unit);
      const amount = (text: string) => (unit === 'count' ? `${text} rows` : text);
      violations.push({ ...base, measured, message: `The statement is estimated to read ${amount(measured)}, more than the ${amount(base.limit)} allowed (guardrail '${config.name}')` });
    }
  }
  return violations;
}

interface CompiledGuardrail {
  config: GuardrailConfig;
  kind: GuardrailKind;
  user?: RegExp;
  resourceGroup?: RegExp;
}

function kindOf(config: GuardrailConfig): GuardrailKind {
  if (config.runaway !== undefined) return 'runaway';
  if (config.duplicates !== undefined) return 'duplicates';
  if (config.preflight !== undefined) return 'preflight';
  return 'rateLimit';
}

/** `global.adhoc-*` → a whole-string regex where `*` is any run of characters. */
function groupPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function compile(config: GuardrailConfig): CompiledGuardrail {
  return {
    config,
    kind: kindOf(config),
    ...(config.user !== undefined ? { user: new RegExp(`^(?:${config.user})$`) } : {}),
    ...(config.resourceGroup !== undefined ? { resourceGroup: groupPattern(config.resourceGroup) } : {}),
  };
}

function applies(guardrail: CompiledGuardrail, scope: GuardrailScope): boolean {
  const { config } = guardrail;
  if (config.routingGroup !== undefined && config.routingGroup !== scope.routingGroup) return false;
  if (guardrail.user !== undefined && !guardrail.user.test(scope.user)) return false;
  if (guardrail.resourceGroup !== undefined && (scope.resourceGroup === undefined || !guardrail.resourceGroup.test(scope.resourceGroup))) return false;
  return true;
}

/** A running query's statistics as its engine reports them; a field the engine does not report is absent. */
export interface LiveStats {
  elapsedMs?: number;
  queuedMs?: number;
  cpuMs?: number;
  scannedBytes?: number;
  scannedRows?: number;
  peakMemoryBytes?: number;
  /** The memory it holds now (Trino's totalMemoryReservation): what resource groups' soft memory limits count. */
  memoryBytes?: number;
  outputRows?: number;
  outputBytes?: number;
}

type RunawayLimit = keyof RunawayLimitsConfig;

/** Each runaway limit: the statistic it reads, Trino's error for it, and how its values are written. */
const RUNAWAY_LIMITS: Record<RunawayLimit, { stat: keyof LiveStats; error: ErrorCode; what: string; unit: 'ms' | 'bytes' | 'count' }> = {
  elapsed: { stat: 'elapsedMs', error: ErrorCodes.EXCEEDED_TIME_LIMIT, what: 'elapsed time', unit: 'ms' },
  queued: { stat: 'queuedMs', error: ErrorCodes.EXCEEDED_TIME_LIMIT, what: 'queued time', unit: 'ms' },
  cpuTime: { stat: 'cpuMs', error: ErrorCodes.EXCEEDED_CPU_LIMIT, what: 'CPU time', unit: 'ms' },
  scannedBytes: { stat: 'scannedBytes', error: ErrorCodes.EXCEEDED_SCAN_LIMIT, what: 'scanned bytes', unit: 'bytes' },
  scannedRows: { stat: 'scannedRows', error: ErrorCodes.EXCEEDED_SCAN_LIMIT, what: 'scanned rows', unit: 'count' },
  peakMemory: { stat: 'peakMemoryBytes', error: ErrorCodes.EXCEEDED_GLOBAL_MEMORY_LIMIT, what: 'peak memory', unit: 'bytes' },
  // Trino has no EXCEEDED_* code for a query's output: the generic one of its INSUFFICIENT_RESOURCES family.
  outputRows: { stat: 'outputRows', error: ErrorCodes.GENERIC_INSUFFICIENT_RESOURCES, what: 'output rows', unit: 'count' },
  outputBytes: { stat: 'outputBytes', error: ErrorCodes.GENERIC_INSUFFICIENT_RESOURCES, what: 'output bytes', unit: 'bytes' },
};

function formatValue(value: number, unit: 'ms' | 'bytes' | 'count'): string {
  if (unit === 'ms') return `${(value / 1000).toFixed(2)}s`;
  if (unit === 'count') return String(value);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let scaled = value;
  let i = 0;
  while (scaled >= 1024 && i < units.length - 1) {
    scaled /= 1024;
    i++;
  }
  return i === 0 ? `${value}B` : `${scaled.toFixed(2)}${units[i]}`;
}

/** Starts the message a query is killed with on an engine that records a kill message (Trino's kill_query). */
const KILL_MARKER = 'Querygate guardrail';
const KILL_ERRORS = new Map(Object.values(RUNAWAY_LIMITS).map(({ error }) => [error.name, error]));

/**
 * The message a runaway query is killed with on its engine: the fleet's kill tag (derived from the
 * token secret: anyone else's kill message, such as a user's `kill_query(id, 'Querygate guardrail:
 * ...')`, lacks it, so a client cannot choose the error its query ends with), the error's name, its message.
 */
export function killMessage(failure: QueryFailure, tag: string): string {
  return `${KILL_MARKER} ${tag}: ${failure.errorCode.name}: ${failure.message}`;
}

/** The guardrail's failure, read back from the engine's error message of a query this fleet killed; undefined for any other message. */
export function failureOfKillMessage(message: string, tag: string): QueryFailure | undefined {
  const marker = `${KILL_MARKER} ${tag}: `;
  const start = message.indexOf(marker);
  if (start === -1) return undefined;
  const rest = message.slice(start + marker.length);
  const colon = rest.indexOf(': ');
  const error = colon === -1 ? undefined : KILL_ERRORS.get(rest.slice(0, colon));
  return error === undefined ? undefined : new QueryFailure(error, rest.slice(colon + 2));
}

/** A runaway guardrail that applies to a running query. */
export interface RunawayRule {
  name: string;
  action: 'warn' | 'kill';
  limits: RunawayLimitsConfig;
}

/** Statistics a runaway rule needs that the engine does not report: the rule cannot hold for that query. */
export function unmeasured(rule: RunawayRule, reported: ReadonlySet<keyof LiveStats>): RunawayLimit[] {
  return (Object.keys(rule.limits) as RunawayLimit[]).filter((limit) => !reported.has(RUNAWAY_LIMITS[limit].stat));
}

/** The first limit of `rule` that `stats` exceed, with Trino's error for it; undefined when none is. */
export function exceeded(rule: RunawayRule, stats: LiveStats): { action: GuardrailAction; failure: QueryFailure } | undefined {
  for (const [limit, value] of Object.entries(rule.limits) as Array<[RunawayLimit, number | undefined]>) {
    if (value === undefined) continue;
    const { stat, error, what, unit } = RUNAWAY_LIMITS[limit];
    const measured = stats[stat];
    if (measured === undefined || measured <= value) continue;
    const message = `Query exceeded the ${what} limit of ${formatValue(value, unit)} of guardrail '${rule.name}' (measured ${formatValue(measured, unit)})`;
    return {
      action: { guardrail: rule.name, kind: 'runaway', action: rule.action, check: limit, limit: formatValue(value, unit), measured: formatValue(measured, unit), message },
      failure: new QueryFailure(error, message),
    };
  }
  return undefined;
}

/**
 * The key of "the same statement": its tokens with comments and whitespace dropped and keywords
 * upper-cased (literals kept: a different constant is a different query), with the session's
 * catalog and schema (the same text elsewhere reads other tables).
 */
export function duplicateKey(sql: string, catalog: string | undefined, schema: string | undefined): string {
  let text: string;
  try {
    text = tokenize(sql)
      .map((t) => (t.kind === 'word' ? t.value : t.text))
      .join(' ');
  } catch {
    // Unlexable: the engine refuses it anyway; only the very same text counts as the same.
    text = sql;
  }
  return createHash('sha256').update(`${catalog ?? ''}\u0000${schema ?? ''}\u0000${text}`).digest('hex').slice(0, 32);
}

const READ_ONLY_KINDS = new Set(['query', 'explain', 'showCatalogs', 'showSchemas', 'showTables', 'showColumns', 'describe', 'showCreateTable', 'showCreateView', 'showCreateMaterializedView', 'showCreateSchema', 'showStats', 'showFunctions', 'showSession', 'showRoles', 'showGrants', 'describeInput', 'describeOutput']);

/** Every object reachable in a syntax tree, once (the tree is plain data). */
function* nodes(tree: unknown): Generator<Record<string, unknown>> {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    yield value as Record<string, unknown>;
    stack.push(...Object.values(value));
  }
}

/** The qualified name of a table relation (`[catalog.][schema.]table`) in the session's catalog and schema. */
function qualified(parts: Array<{ value: string }>, catalog: string | undefined, schema: string | undefined): string | undefined {
  const names = parts.map((p) => p.value);
  if (names.length === 3) return names.join('.');
  if (names.length === 2) return catalog === undefined ? undefined : `${catalog.toLowerCase()}.${names.join('.')}`;
  if (names.length === 1) return catalog === undefined || schema === undefined ? undefined : `${catalog.toLowerCase()}.${schema.toLowerCase()}.${names[0]}`;
  return undefined;
}

/** The preflight checks a statement fails, as actions of `config` (empty when it passes). */
export function preflightViolations(config: GuardrailConfig, statement: GuardedStatement): GuardrailAction[] {
  const checks = config.preflight!;
  const violations: GuardrailAction[] = [];
  const fail = (check: string, limit: string, measured: string, message: string) =>
    violations.push({ guardrail: config.name, kind: 'preflight', action: config.action as 'warn' | 'deny', check, limit, measured, message: `${message} (guardrail '${config.name}')` });
  const { analysis } = statement;
  if (analysis === undefined) {
    // Fail closed: what cannot be read cannot be checked.
    fail('analysis', 'analyzable statement', 'not analyzed', 'The statement could not be analyzed, so its pre-flight checks cannot be made');
    return violations;
  }
  if (checks.readOnly === true && !READ_ONLY_KINDS.has(analysis.kind)) fail('readOnly', 'read-only', analysis.kind, `Only read-only statements may run here, not ${analysis.kind}`);
  const tables = [...new Set(analysis.tables.map((t) => t.toLowerCase()))];
  if (checks.maxTables !== undefined && tables.length > checks.maxTables) fail('maxTables', String(checks.maxTables), String(tables.length), `The statement reads ${tables.length} tables, more than the ${checks.maxTables} allowed`);
  const needsTree = checks.maxJoins !== undefined || checks.requireLimit !== undefined || checks.requirePredicate !== undefined;
  if (!needsTree) return violations;
  if (analysis.tree === undefined) {
    fail('analysis', 'parsed statement', 'not parsed', 'The statement could not be parsed, so its joins, LIMIT and WHERE cannot be checked');
    return violations;
  }
  const all = [...nodes(analysis.tree)];
  if (checks.maxJoins !== undefined) {
    const joins = all.filter((n) => n.k === 'join').reduce((sum, n) => sum + (n.joins as unknown[]).length, 0);
    if (joins > checks.maxJoins) fail('maxJoins', String(checks.maxJoins), String(joins), `The statement has ${joins} joins, more than the ${checks.maxJoins} allowed`);
  }
  for (const table of checks.requireLimit ?? []) {
    if (!tables.includes(table.toLowerCase())) continue;
    if (!outermostQueryHasLimit(analysis.tree)) fail('requireLimit', table, 'no LIMIT', `A query reading ${table} needs a LIMIT`);
  }
  for (const table of checks.requirePredicate ?? []) {
    const wanted = table.toLowerCase();
    if (!tables.includes(wanted)) continue;
    // Every SELECT naming the table in its FROM needs a WHERE; a table read only through a view is not named: refused (unchecked).
    const specs = all.filter((n) => n.k === 'spec' && fromNames(n.from as unknown[], statement.catalog, statement.schema).includes(wanted));
    if (specs.length === 0) fail('requirePredicate', table, 'read indirectly', `A query reading ${table} needs a WHERE clause on it, and it reads it through a view or another statement the gateway cannot check`);
    else if (specs.some((s) => s.where === undefined)) fail('requirePredicate', table, 'no WHERE', `A query reading ${table} needs a WHERE clause on the SELECT that reads it`);
  }
  return violations;
}

/** The tables named directly in a FROM list (joins and parentheses included; subqueries are SELECTs of their own). */
function fromNames(relations: unknown[], catalog: string | undefined, schema: string | undefined): string[] {
  const names: string[] = [];
  const visit = (relation: Record<string, unknown>) => {
    if (relation.k === 'table') {
      const name = qualified(relation.name as Array<{ value: string }>, catalog, schema);
      if (name !== undefined) names.push(name);
    } else if (relation.k === 'join') {
      visit(relation.left as Record<string, unknown>);
      for (const step of relation.joins as Array<{ right: Record<string, unknown> }>) visit(step.right);
    } else if (relation.k === 'paren') visit(relation.rel as Record<string, unknown>);
  };
  for (const relation of relations) visit(relation as Record<string, unknown>);
  return names;
}

/** Whether the statement's outermost query (a SELECT, or the query of INSERT, CREATE TABLE AS, EXPLAIN) has a LIMIT or FETCH. */
function outermostQueryHasLimit(tree: Statement): boolean {
  const statement = tree.k === 'explain' ? tree.statement : tree;
  if (statement.k === 'query' || statement.k === 'insert' || statement.k === 'createTableAsSelect') return statement.query.limit.length > 0;
  return false;
}

/** The leases a query holds under the pre-start guardrails while it runs; `release` lets them go once. */
export interface GuardrailHold {
  /** Warnings given (the query goes on). */
  warnings: GuardrailAction[];
  /** Runaway guardrails that apply to the query. */
  runaway: RunawayRule[];
  release(): void;
}

const ONE_MINUTE_MS = 60_000;

function runawayRule(g: CompiledGuardrail): RunawayRule {
  return { name: g.config.name, action: g.config.action as 'warn' | 'kill', limits: g.config.runaway! };
}

/** Counts of leases, this instance's own and (with the lease store) the other instances'. */
class LeaseCounts {
  private readonly own = new Map<string, Set<string>>();

  constructor(private readonly cluster: ClusterLoad | undefined) {}

  /** Makes sure the other instances' counts of these pools are known before they are read. */
  async prepare(pools: string[]): Promise<void> {
    if (this.cluster?.watchPools(pools)) await this.cluster.refresh();
  }

  count(pool: string): number {
    return (this.own.get(pool)?.size ?? 0) + (this.cluster?.countElsewhere(pool) ?? 0);
  }

  /** A fleet-wide limit, cut to this instance's share while the lease store is unreachable. */
  limit(value: number): number {
    return this.cluster?.share(value) ?? value;
  }

  take(pool: string, member: string): void {
    let members = this.own.get(pool);
    if (!members) this.own.set(pool, (members = new Set()));
    members.add(member);
    this.cluster?.leaseTaken(pool, member);
  }

  free(pool: string, member: string): void {
    const members = this.own.get(pool);
    if (!members?.delete(member)) return;
    this.cluster?.leaseFreed(pool, member);
    if (members.size === 0) {
      this.own.delete(pool);
      this.cluster?.unwatch(pool);
    }
  }
}

/** The guardrails in force (replaced as a whole when the configuration is reloaded; leases outlive a reload). */
export class Guardrails {
  private rules: CompiledGuardrail[];
  private readonly leases: LeaseCounts;

  constructor(configs: GuardrailConfig[], cluster?: ClusterLoad) {
    this.rules = configs.map(compile);
    this.leases = new LeaseCounts(cluster);
  }

  setRules(configs: GuardrailConfig[]): void {
    this.rules = configs.map(compile);
  }

  /** Whether some guardrail needs the statement analyzed (preflight checks). */
  get needsAnalysis(): boolean {
    return this.rules.some((r) => r.kind === 'preflight');
  }

  /** Whether some guardrail looks at resource groups (without resource groups configured such a guardrail never applies). */
  get namesResourceGroups(): boolean {
    return this.rules.some((r) => r.resourceGroup !== undefined || r.config.duplicates?.per === 'resourceGroup' || r.config.rateLimit?.per === 'resourceGroup');
  }

  /** The runaway guardrails that apply to a query in `scope`. */
  runawayRules(scope: GuardrailScope): RunawayRule[] {
    return this.rules.filter((g) => g.kind === 'runaway' && applies(g, scope)).map(runawayRule);
  }

  /**
   * The pre-start guardrails, in the order configured: refused (QueryFailure) by the first `deny`
   * one that the statement breaks; otherwise the leases it now holds, the warnings given, and the
   * runaway guardrails that watch it while it runs.
   */
  async admit(statement: GuardedStatement, onAction: (action: GuardrailAction) => void): Promise<GuardrailHold> {
    const applicable = this.rules.filter((r) => applies(r, statement));
    // Unique across the fleet: leases of every instance share the pools.
    const member = randomUUID();
    const keyOf = (per: 'user' | 'resourceGroup') => (per === 'user' ? `user:${statement.user}` : `rg:${statement.resourceGroup ?? ''}`);
    const sameStatement = applicable.some((g) => g.kind === 'duplicates') ? duplicateKey(statement.sql, statement.catalog, statement.schema) : '';
    const pools = {
      duplicate: (g: CompiledGuardrail) => `guardrail:${g.config.name}:dup:${keyOf(g.config.duplicates!.per)}:${sameStatement}`,
      running: (g: CompiledGuardrail) => `guardrail:${g.config.name}:running:${keyOf(g.config.rateLimit!.per)}`,
      started: (g: CompiledGuardrail) => `guardrail:${g.config.name}:started:${keyOf(g.config.rateLimit!.per)}`,
    };
    const counted = applicable.flatMap((g) => (g.kind === 'duplicates' ? [pools.duplicate(g)] : g.kind === 'rateLimit' ? [pools.running(g), pools.started(g)] : []));
    await this.leases.prepare(counted);
    const warnings: GuardrailAction[] = [];
    const act = (action: GuardrailAction) => {
      onAction(action);
      if (action.action === 'deny') throw new GuardrailRefusal(action);
      warnings.push(action);
    };
    for (const g of applicable) {
      const { config } = g;
      const action = config.action as 'warn' | 'deny';
      if (g.kind === 'duplicates') {
        const running = this.leases.count(pools.duplicate(g));
        if (running > 0) {
          const whose = config.duplicates!.per === 'user' ? `user ${statement.user}` : `resource group ${statement.resourceGroup ?? '(none)'}`;
          act({ guardrail: config.name, kind: 'duplicates', action, check: `per ${config.duplicates!.per}`, limit: '0 identical running', measured: `${running} running`, message: `An identical statement of ${whose} is already running (guardrail '${config.name}')` });
        }
      } else if (g.kind === 'rateLimit') {
        const { concurrent, queriesPerMinute, per } = config.rateLimit!;
        const whom = per === 'user' ? `user ${statement.user}` : `resource group ${statement.resourceGroup ?? '(none)'}`;
        const running = this.leases.count(pools.running(g));
        if (concurrent !== undefined && running >= this.leases.limit(concurrent)) {
          act({ guardrail: config.name, kind: 'rateLimit', action, check: 'concurrent', limit: String(concurrent), measured: String(running), message: `Too many queries running for ${whom}: ${running}, at most ${concurrent} at once (guardrail '${config.name}')` });
        }
        const started = this.leases.count(pools.started(g));
        if (queriesPerMinute !== undefined && started >= this.leases.limit(queriesPerMinute)) {
          act({ guardrail: config.name, kind: 'rateLimit', action, check: 'queriesPerMinute', limit: String(queriesPerMinute), measured: String(started), message: `Too many queries for ${whom}: ${started} started in the last minute, at most ${queriesPerMinute} (guardrail '${config.name}')` });
        }
      } else if (g.kind === 'preflight') {
        for (const violation of preflightViolations(config, statement)) act(violation);
        if (needsEstimate(config, statement)) {
          const estimate = statement.estimate === undefined ? { unavailable: 'no engine of its routing group can EXPLAIN it' } : await statement.estimate();
          for (const violation of estimateViolations(config, estimate)) act(violation);
        }
      }
    }
    // Admitted by every guardrail: it counts from now on.
    const held: string[] = [];
    for (const g of applicable) {
      if (g.kind === 'duplicates') held.push(pools.duplicate(g));
      if (g.kind === 'rateLimit') {
        held.push(pools.running(g));
        const started = pools.started(g);
        this.leases.take(started, member);
        // A start counts for one minute, whatever becomes of the query.
        setTimeout(() => this.leases.free(started, member), ONE_MINUTE_MS).unref();
      }
    }
    for (const pool of held) this.leases.take(pool, member);
    let released = false;
    return {
      warnings,
      runaway: applicable.filter((g) => g.kind === 'runaway').map(runawayRule),
      release: () => {
        if (released) return;
        released = true;
        for (const pool of held) this.leases.free(pool, member);
      },
    };
  }
}
