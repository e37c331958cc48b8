/**
 * The authorization stage: after authentication, before routing. Every statement is analysed
 * (what it reads and writes, resolved against the session and real table metadata) and checked
 * against the rules file with Trino's semantics. Decisions are cached under a key covering
 * everything that could change the answer (user, groups, session catalog and schema, session
 * properties, prepared statements, the text, the policy version); a reload invalidates them.
 *
 * Fail closed: a statement the analyzer cannot parse, classify or resolve is refused with the
 * analyzer's error and never forwarded.
 */
import type { Principal } from '../auth/authenticator.js';
import type { ReloadingFile } from '../config/reloading-file.js';
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import type { QuerySession } from '../protocol/session.js';
import { analyze, type AccessRequest, type MetadataProvider, type QualifiedName, type StatementKind } from '../sql/analyzer/index.js';
import { PreparedExpressionCache } from './filter-mask/prepared.js';
import { rewriteForFiltersAndMasks, withFilterMaskReads, type FilterMaskRewrite } from './filter-mask/rewrite.js';
import { DecisionCache, decisionKey } from './decision-cache.js';
import { authorize, metadataVisibility, type AccessIdentity, type AuthorizeContext, type Decision, type MetadataVisibility } from './decision.js';
import type { MetadataAnswer } from '../catalogs/metadata-service.js';
import { filteredInformationSchema, filteredShowStatement, listsMetadata, type ShowLister } from './metadata-filter.js';
import { explainAccess } from './explain.js';
import type { SubmissionAccess } from '../engines/backend.js';
import type { AccessRules } from './file-rules.js';
import { combineDecision, tagDataFilters, type TagMode } from './tags/combine.js';
import type { TagPolicy, TagSubject } from './tags/engine.js';

/** The tag grants, decided with the rules file according to `mode` (see tags/combine.ts). */
export interface TagAuthorization {
  mode: TagMode;
  policy(): Promise<TagPolicy>;
}

export interface AccessOutcome {
  request: AccessRequest;
  decision: Decision;
  /**
   * What the engine runs instead of the statement: a SHOW or DESCRIBE answer filtered for the
   * user, or the statement with row filters and column masks applied.
   */
  rewrittenSql?: string;
  /** The row filters and column masks applied (for explain-access and history). */
  filtersAndMasks?: FilterMaskRewrite['applied'];
  /** The gateway answers this metadata statement itself, with only what the user may see. */
  metadataAnswer?: MetadataAnswer;
}

/** The gateway's metadata service, as access control consults it (catalogs/metadata-service.ts). */
export interface MetadataPlanner {
  plan(sql: string, session: QuerySession, visible: MetadataVisibility): Promise<MetadataAnswer | undefined>;
}

export interface AccessCheckInput {
  principal: Principal;
  /** The session user (after impersonation). */
  user: string;
  /** The session user's groups (default: the principal's). */
  groups?: readonly string[];
  session: QuerySession;
  sql: string;
}

export class AccessControl {
  private readonly cache = new DecisionCache<AccessOutcome>();
  /** Filters and masks analyzed over their tables, reused by uncached decisions. */
  private readonly preparedExpressions = new PreparedExpressionCache();
  private cachedVersion = -1;
  private cachedTagVersion = -1;
  /** Counts objectsChanged(): a decision reached across a change is not cached. */
  private objectChanges = 0;

  constructor(
    private readonly rules: Pick<ReloadingFile<AccessRules>, 'value'>,
    private readonly metadata: MetadataProvider & Partial<ShowLister> & { invalidate?(): void },
    private readonly onDenied: (input: AccessCheckInput, outcome: AccessOutcome) => void = () => undefined,
    private readonly tags?: TagAuthorization,
    /** Groups of users other than the caller (definer view owners), from the group file. */
    private readonly groupsOf?: (user: string) => readonly string[],
    private readonly gatewayMetadata?: MetadataPlanner,
  ) {}

  /** A statement that creates, drops, replaces or alters tables or views ended: forget cached metadata. */
  objectsChanged(): void {
    this.objectChanges++;
    this.metadata.invalidate?.();
    this.cache.invalidateAll();
  }

  /** Analyses and authorizes; throws a PERMISSION_DENIED (or the analyzer's) QueryFailure when refused. */
  async check(input: AccessCheckInput): Promise<AccessOutcome> {
    const rules = this.rules.value;
    const tagPolicy = await this.tagPolicy();
    if (rules.version !== this.cachedVersion || (tagPolicy !== undefined && tagPolicy.version !== this.cachedTagVersion)) {
      this.cache.invalidateAll();
      this.cachedVersion = rules.version;
      this.cachedTagVersion = tagPolicy?.version ?? -1;
    }
    const { session } = input;
    const identity = identityOf(input);
    const sessionProperties = [...session.properties].map(([name, value]) => {
      const dot = name.indexOf('.');
      return dot === -1 ? { name, value } : { name: name.slice(dot + 1), catalog: name.slice(0, dot), value };
    });
    const key = decisionKey({
      policyVersion: rules.version,
      user: input.user,
      ...(identity.originalUser !== undefined ? { originalUser: identity.originalUser } : {}),
      groups: identity.groups,
      ...(session.catalog !== undefined ? { catalog: session.catalog } : {}),
      ...(session.schema !== undefined ? { schema: session.schema } : {}),
      ...(session.path !== undefined ? { path: session.path } : {}),
      sessionProperties,
      preparedStatements: session.preparedStatements,
      sql: input.sql,
      // Attributes from the authenticator (JWT claims) can differ between two tokens of one user.
      ...(tagPolicy !== undefined ? { extra: `tags ${tagPolicy.version} ${JSON.stringify(tagSubject(input).attributes ?? {})}` } : {}),
    });
    let outcome = this.cache.get(key);
    if (outcome === undefined) {
      // Only answers are cached, not failed analyses: a missing table may exist a moment later.
      const changes = this.objectChanges;
      outcome = await this.evaluate(rules, tagPolicy, identity, input, sessionProperties);
      // A kill_query decision depends on who runs the target query right now; an answer computed
      // while tables or views changed through the gateway may be stale.
      if (outcome.request.killQueries === undefined && changes === this.objectChanges) this.cache.set(key, outcome);
    }
    if (!outcome.decision.allowed) {
      this.onDenied(input, outcome);
      throw new QueryFailure(ErrorCodes.PERMISSION_DENIED, outcome.decision.message ?? 'Access Denied');
    }
    const missing = outcome.decision.checks.find((c) => c.check === 'KillQuery' && c.decidedBy === 'default: query not found');
    // Trino's kill_query answers an unknown id with NOT_FOUND once the procedure itself is allowed.
    if (missing !== undefined) throw new QueryFailure(ErrorCodes.NOT_FOUND, `Target query not found: ${missing.resource}`);
    // Metadata lists only what the user may see. Not cached: listings change with the catalogs, not with the policy.
    const lister = this.metadata.showRows === undefined || this.metadata.objectsOf === undefined ? undefined : (this.metadata as ShowLister);
    const sessionNames = { ...(session.catalog !== undefined ? { catalog: session.catalog } : {}), ...(session.schema !== undefined ? { schema: session.schema } : {}) };
    const visible = metadataVisibility(rules, identity);
    const metadataAnswer = await this.gatewayMetadata?.plan(input.sql, session, visible);
    if (metadataAnswer !== undefined) {
      // The answer is computed from the statement as written: rows a filter or mask would change must not be summarised (SHOW STATS FOR a query).
      if (outcome.filtersAndMasks !== undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'SHOW STATS is not supported for a query reading a table with a row filter or column mask on the embedded engine');
      return { ...outcome, metadataAnswer };
    }
    if (listsMetadata(outcome.request)) {
      return { ...outcome, rewrittenSql: await filteredShowStatement(outcome.request, input.sql, sessionNames, lister, visible) };
    }
    const filtered = await filteredInformationSchema(outcome.request, input.sql, sessionNames, lister, visible);
    if (filtered !== undefined && outcome.filtersAndMasks !== undefined) {
      throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'information_schema cannot be read in the same statement as a table with a row filter or column mask');
    }
    if (filtered !== undefined) return { ...outcome, rewrittenSql: filtered };
    return outcome;
  }

  /** The same evaluation, printed for operators (`querygate explain-access`, the admin simulator). */
  async explain(input: AccessCheckInput): Promise<{ text: string; outcome?: AccessOutcome }> {
    const rules = this.rules.value;
    const identity = identityOf(input);
    try {
      const tagPolicy = await this.tagPolicy();
      const outcome = await this.evaluate(rules, tagPolicy, identity, input, []);
      const session = { ...(input.session.catalog ? { catalog: input.session.catalog } : {}), ...(input.session.schema ? { schema: input.session.schema } : {}) };
      const tags = tagPolicy === undefined ? {} : { tags: { version: tagPolicy.version, mode: this.tags!.mode } };
      const text = explainAccess({ sql: input.sql, identity, request: outcome.request, decision: outcome.decision, rules, session, ...tags });
      if (outcome.filtersAndMasks === undefined) return { text, outcome };
      const applied = outcome.filtersAndMasks.map((a) => `  ${a.table}: ${a.rule}`).join('\n');
      return { text: `${text}\nRow filters and column masks applied:\n${applied}\nRewritten statement: ${outcome.rewrittenSql}`, outcome };
    } catch (err) {
      return { text: `Statement: ${input.sql}\nRefused before authorization: ${(err as Error).message}` };
    }
  }

  get cacheStats(): ReturnType<DecisionCache<unknown>['stats']> {
    return this.cache.stats();
  }

  /** The current tag policy; one that cannot be loaded refuses the statement (fail closed). */
  private async tagPolicy(): Promise<TagPolicy | undefined> {
    if (this.tags === undefined) return undefined;
    try {
      return await this.tags.policy();
    } catch (err) {
      throw new QueryFailure(ErrorCodes.PERMISSION_DENIED, `Access Denied: tag-based access control is unavailable: ${(err as Error).message}`);
    }
  }

  private async evaluate(
    rules: AccessRules,
    tagPolicy: TagPolicy | undefined,
    identity: AccessIdentity,
    input: AccessCheckInput,
    sessionProperties: AuthorizeContext['sessionProperties'],
  ): Promise<AccessOutcome> {
    const { session } = input;
    const analyzed = await analyze(input.sql, { ...(session.catalog ? { catalog: session.catalog } : {}), ...(session.schema ? { schema: session.schema } : {}) }, this.metadata, session.preparedStatements);
    const request = withFilterMaskReads(rules, identity, analyzed);
    const queryOwners = new Map<string, string[]>();
    for (const id of request.killQueries ?? []) {
      if (id !== undefined && !queryOwners.has(id)) queryOwners.set(id, (await this.metadata.queryOwners?.(id)) ?? []);
    }
    const context: AuthorizeContext = {
      ...(queryOwners.size > 0 ? { queryOwners } : {}),
      ...(session.catalog !== undefined ? { catalog: session.catalog } : {}),
      ...(session.schema !== undefined ? { schema: session.schema } : {}),
      ...(session.path !== undefined ? { path: session.path } : {}),
      ...(sessionProperties !== undefined ? { sessionProperties } : {}),
      ...(this.groupsOf !== undefined ? { groupsOf: this.groupsOf } : {}),
    };
    // The querying user's rights, tag grants included: the statement's, and those a filter or mask without environment user needs.
    const decide = (reads: AccessRequest) =>
      tagPolicy === undefined ? authorize(rules, identity, reads, context) : combineDecision(rules, identity, reads, context, tagPolicy.evaluate(tagSubject(input), reads), this.tags!.mode);
    const tagChecks = tagPolicy?.evaluate(tagSubject(input), request);
    const decision = tagPolicy === undefined ? authorize(rules, identity, request, context) : combineDecision(rules, identity, request, context, tagChecks!, this.tags!.mode);
    if (!decision.allowed) return { request, decision };
    const rewrite = await rewriteForFiltersAndMasks({
      rules,
      identity,
      request,
      sql: input.sql,
      columnTypes: (table) => this.columnTypes(table),
      metadata: this.metadata,
      ...(this.metadata.expressionTypeOf !== undefined ? { expressionType: (table: QualifiedName, expression: string) => this.metadata.expressionTypeOf!(table, expression) } : {}),
      authorizeReads: decide,
      preparedExpressions: this.preparedExpressions,
      ...(this.groupsOf !== undefined ? { groupsOf: this.groupsOf } : {}),
      ...(tagPolicy !== undefined ? tagDataFilters(tagPolicy, tagSubject(input), tagChecks!, this.tags!.mode, (table) => this.columnTypes(table)) : {}),
    });
    return rewrite === undefined ? { request, decision } : { request, decision, rewrittenSql: rewrite.sql, filtersAndMasks: rewrite.applied };
  }

  private async columnTypes(table: QualifiedName): Promise<ReadonlyArray<{ name: string; type: string }> | undefined> {
    if (this.metadata.columnTypesOf === undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'Row filters and column masks need column types, which this metadata source does not give');
    return this.metadata.columnTypesOf(table);
  }
}

/** Attributes the authenticator vouched for belong to the authenticated user, not to one it impersonates. */
function tagSubject(input: AccessCheckInput): TagSubject {
  const own = input.principal.user === input.user && input.principal.attributes !== undefined;
  return { user: input.user, groups: input.principal.groups, ...(own ? { attributes: input.principal.attributes! } : {}) };
}

function identityOf(input: AccessCheckInput): AccessIdentity {
  return {
    user: input.user,
    groups: input.groups ?? input.principal.groups,
    ...(input.principal.user !== input.user ? { originalUser: input.principal.user } : {}),
  };
}

/** What history keeps of an allowed decision: the tables and columns touched, the rules that decided, and any row filter / mask rewrite. */
export function describeAccess(outcome: AccessOutcome): SubmissionAccess {
  const tables = outcome.request.tables.map((t) => `${t.table.catalog}.${t.table.schema}.${t.table.name}`);
  const columns = outcome.request.tables.flatMap((t) => t.columns.map((c) => `${t.table.catalog}.${t.table.schema}.${t.table.name}.${c}`));
  // History keeps the client's text as the statement; what ran instead is recorded with the rules.
  const rewrite = outcome.filtersAndMasks === undefined ? [] : [...outcome.filtersAndMasks.map((a) => `${a.rule}: row filter / column masks applied to ${a.table}`), `rewritten statement: ${outcome.rewrittenSql}`];
  return {
    decision: outcome.decision.allowed ? 'allowed' : 'denied',
    rules: [...new Set(outcome.decision.checks.map((c) => c.decidedBy)), ...rewrite],
    tables: [...new Set(tables)],
    columns: [...new Set(columns)],
  };
}

/** Statement kinds after which cached columns and view expansions may be wrong. */
const OBJECT_CHANGES: ReadonlySet<StatementKind> = new Set<StatementKind>([
  'createTable',
  'createTableAsSelect',
  'createView',
  'createMaterializedView',
  'dropTable',
  'dropView',
  'dropMaterializedView',
  'createSchema',
  'dropSchema',
  'renameSchema',
  'renameTable',
  'addColumn',
  'dropColumn',
  'renameColumn',
  'alterColumn',
  'renameView',
  'setViewAuthorization',
  'renameMaterializedView',
]);

/** Whether the statement (or the statement a prepared one wraps) changes tables or views. */
export function changesObjects(request: AccessRequest): boolean {
  return OBJECT_CHANGES.has(request.kind) || (request.innerKind !== undefined && OBJECT_CHANGES.has(request.innerKind));
}
