/**
 * Declarative routing: ordered rules pick a routing group from who is asking and what the
 * session says; a hint (X-Trino-Routing-Group, or the `routing` extra credential as in Odin's
 * `extraCredentials=routing:athena`) may choose among the groups a rule or the configuration
 * allows. The first matching rule wins; the default group catches the rest.
 */
import type { GatewayConfig, RoutingRuleConfig } from '../config/schema.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import { wholeMatch } from '../policy/rules-file.js';

export interface RoutingContext {
  user: string;
  groups: string[];
  source?: string;
  clientInfo?: string;
  clientTags: string[];
  extraCredentials: Map<string, string>;
  catalog?: string;
  /** X-Trino-Routing-Group. */
  routingGroupHeader?: string;
  /** From the statement analysis, when it ran (catalogs: what it names, for catalog placement). */
  statement?: StatementFacts;
}

export interface StatementFacts {
  kind: string;
  tables: string[];
  catalogs?: string[];
}

/**
 * The analysis routing asks for: the statement's facts when the analyzer can read it (routing is
 * not a security boundary: one it cannot read matches no statement rule) and, either way, the
 * catalogs it names, which decide where it can run.
 */
export interface RoutingAnalysis {
  statement?: StatementFacts;
  catalogs: string[];
}

export interface RouteDecision {
  group: string;
  /** Groups to try, in order, when `group` is full or unavailable. */
  fallback: string[];
  /** The rule that matched, when one did. */
  rule?: string;
  /** Why this group: for history and explain output. */
  reason: string;
}

interface CompiledRule {
  name: string;
  conditions: Array<(ctx: RoutingContext) => boolean>;
  routeTo: string;
  fallback?: string[];
  allowHints?: (group: string) => boolean;
}

function compileRule(rule: RoutingRuleConfig, index: number): CompiledRule {
  const where = `routing.rules[${index}] (${rule.name})`;
  const m = rule.match;
  const conditions: CompiledRule['conditions'] = [];
  const pattern = (text: string | undefined, get: (ctx: RoutingContext) => string | undefined) => {
    if (text === undefined) return;
    const regex = wholeMatch(text, where);
    conditions.push((ctx) => {
      const value = get(ctx);
      return value !== undefined && regex.test(value);
    });
  };
  pattern(m.user, (ctx) => ctx.user);
  pattern(m.source, (ctx) => ctx.source);
  pattern(m.clientInfo, (ctx) => ctx.clientInfo);
  pattern(m.catalog, (ctx) => ctx.catalog);
  if (m.statementKind !== undefined) {
    const regex = wholeMatch(m.statementKind, where);
    conditions.push((ctx) => ctx.statement !== undefined && regex.test(ctx.statement.kind));
  }
  if (m.table !== undefined) {
    const regex = wholeMatch(m.table, where);
    conditions.push((ctx) => ctx.statement !== undefined && ctx.statement.tables.some((t) => regex.test(t)));
  }
  if (m.group !== undefined) {
    const regex = wholeMatch(m.group, where);
    conditions.push((ctx) => ctx.groups.some((g) => regex.test(g)));
  }
  if (m.clientTags !== undefined) {
    const tags = m.clientTags;
    conditions.push((ctx) => tags.every((t) => ctx.clientTags.includes(t)));
  }
  for (const [key, value] of Object.entries(m.extraCredentials ?? {})) {
    const regex = wholeMatch(value, where);
    conditions.push((ctx) => {
      const actual = ctx.extraCredentials.get(key);
      return actual !== undefined && regex.test(actual);
    });
  }
  const compiled: CompiledRule = { name: rule.name, conditions, routeTo: rule.routeTo };
  if (rule.fallback !== undefined) compiled.fallback = rule.fallback;
  if (rule.allowHints !== undefined) {
    const allowed = rule.allowHints;
    if (typeof allowed === 'string') {
      const regex = wholeMatch(allowed, where);
      compiled.allowHints = (g) => regex.test(g);
    } else {
      compiled.allowHints = (g) => allowed.includes(g);
    }
  }
  return compiled;
}

export class Router {
  private readonly rules: CompiledRule[];
  private readonly groupFallback: Map<string, string[]>;
  private readonly groups: Set<string>;
  private readonly defaultGroup: string;

  /** True when some rule looks at what the statement touches, so the statement must be analysed. */
  readonly needsAnalysis: boolean;

  constructor(private readonly config: GatewayConfig) {
    this.needsAnalysis = config.routing.rules.some((r) => r.match.statementKind !== undefined || r.match.table !== undefined);
    this.rules = config.routing.rules.map(compileRule);
    this.groups = new Set(config.backends.map((b) => b.group));
    this.groupFallback = new Map(config.routingGroups.map((g) => [g.name, g.fallback]));
    this.defaultGroup = config.routing.defaultGroup ?? config.backends[0]!.group;
  }

  route(ctx: RoutingContext): RouteDecision {
    const rule = this.rules.find((r) => r.conditions.every((c) => c(ctx)));
    const hint = ctx.routingGroupHeader ?? ctx.extraCredentials.get(this.config.routing.hintCredential);
    if (hint !== undefined) {
      if (!this.groups.has(hint)) throw new QueryFailure(ErrorCodes.QUERY_REJECTED, `Routing group '${hint}' does not exist`);
      const allowed = rule?.allowHints ? rule.allowHints(hint) : this.config.routing.allowHints.includes(hint);
      if (!allowed) throw new QueryFailure(ErrorCodes.QUERY_REJECTED, `User ${ctx.user} may not choose routing group '${hint}'`);
      return { group: hint, fallback: this.fallbackOf(hint), ...(rule ? { rule: rule.name } : {}), reason: `hint '${hint}'` };
    }
    if (rule) return { group: rule.routeTo, fallback: rule.fallback ?? this.fallbackOf(rule.routeTo), rule: rule.name, reason: `rule '${rule.name}'` };
    return { group: this.defaultGroup, fallback: this.fallbackOf(this.defaultGroup), reason: 'default group' };
  }

  private fallbackOf(group: string): string[] {
    return this.groupFallback.get(group) ?? [];
  }
}
