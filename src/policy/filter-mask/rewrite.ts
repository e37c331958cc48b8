/**
 * Row filters and column masks, enforced by rewriting the statement (Trino's semantics, verified
 * against Trino 483 with file-based access control):
 *
 * - The first matching tables rule of the querying user supplies the filter and the masks; every
 *   occurrence of the table as a relation (FROM items at any depth, joins, self-joins, CTE bodies,
 *   subqueries, `TABLE t`) becomes
 *     `(SELECT <columns, masked ones as CAST(<mask> AS <type>)> FROM <table> WHERE <filter>) AS <name>`
 *   spliced in at the span the parser recorded; the rest of the text is sent byte for byte. The
 *   filter sees the unmasked values; the masks replace the values everywhere the column is read.
 * - A filter or mask is analyzed over its table (boundExpression): its reads (the table's columns,
 *   its subqueries' tables) are checked as its environment user (`filter_environment` /
 *   `mask_environment`), or as the querying user without one, tag grants included: Trino refuses
 *   the query with that user's denial. CURRENT_USER inside them is the querying user (a literal).
 *   The engine serving the table types it (the embedded translator when the engine does not), and
 *   a filter must be boolean, a mask coercible to its column's type.
 * - A view whose reads need a filter or mask is replaced by its stored text (from the engine) with
 *   those applied, when that text is exactly the view (expandedViews); otherwise refused. Inside a
 *   SECURITY INVOKER view they are the caller's, inside a SECURITY DEFINER view the owner's (its
 *   rule decides, as in Trino; CURRENT_USER stays the caller).
 * - Writes: Trino refuses INSERT and DELETE on tables with masks, UPDATE on tables with a filter or
 *   masks, MERGE on tables with a filter (the same messages here). INSERT and DELETE with a filter
 *   only (Trino checks inserted rows, filters deleted ones) and MERGE with masks only are refused by
 *   the gateway. TRUNCATE is allowed, as in Trino (it ignores the filter).
 * - A read the gateway cannot rewrite (time travel, a column qualified by more than the table
 *   name, a table read with no relation of its own such as a DELETE target) is refused: never
 *   sent unfiltered. EXECUTE and EXECUTE IMMEDIATE run the rewritten statement with the USING
 *   values in place; a table function's TABLE(t) argument becomes TABLE(SELECT ...).
 * - Filters and masks from elsewhere (tag grants, tags/data-filters.ts) are added per table: every
 *   filter applies (AND), and a column the rules file masks keeps the rules file's mask.
 */
import { QueryTranslator } from '../../engines/duckdb/translation/index.js';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { analyze, type AccessRequest, type MetadataProvider, type QualifiedName, type TableReference } from '../../sql/analyzer/index.js';
import { parameterMarkers, tokenize } from '../../sql/lexer.js';
import { quoteIdentifier } from '../../sql/quoting.js';
import { authorize, firstTableRule, type AccessIdentity, type Decision } from '../decision.js';
import type { AccessRules, ExpressionEnvironment, TableRule } from '../file-rules.js';
import { coercible, isBooleanType, renderExpression, type RuleExpression } from './expression.js';
import { sameColumns, type PreparedExpression, type PreparedExpressionCache } from './prepared.js';

export interface RewriteInput {
  rules: AccessRules;
  identity: AccessIdentity;
  request: AccessRequest;
  sql: string;
  /** Column names and Trino types of a table or view, in order. */
  columnTypes(table: QualifiedName): Promise<ReadonlyArray<{ name: string; type: string }> | undefined>;
  /** Resolves what a filter or mask reads (its own columns, the tables of its subqueries). */
  metadata: MetadataProvider;
  /**
   * The Trino type of an expression over a table, as the engine serving the table types it (a
   * Trino backend runs it); undefined when that engine does not (the embedded engine: its
   * translator types it instead, refusing what it cannot run exactly). Throws the engine's refusal.
   */
  expressionType?: (table: QualifiedName, expression: string) => Promise<string | undefined>;
  /** Decides reads of the querying user (the tag grants with the rules file); default: the rules file alone. */
  authorizeReads?: (request: AccessRequest) => Decision;
  /** Groups of users other than the caller (environment users, definer view owners). */
  groupsOf?: (user: string) => readonly string[];
  /** Filters and masks the tag grants put on a table read by the querying user. */
  addedRestrictions?: (table: QualifiedName) => Promise<AddedRestriction | undefined>;
  /** Whether the rules file's filter and masks apply to a table (default: always). */
  rulesFileApplies?: (table: QualifiedName) => boolean;
  /** Filters and masks analyzed over their tables by earlier statements (none: each is analyzed again). */
  preparedExpressions?: PreparedExpressionCache;
}

/** What analyzing and typing a filter or mask over a table needs (the querying user only names CURRENT_USER). */
type ExpressionContext = Pick<RewriteInput, 'rules' | 'identity' | 'columnTypes' | 'metadata' | 'expressionType' | 'preparedExpressions'>;

/** Filters and masks from a source other than the rules file, with their source for messages. */
export interface AddedRestriction {
  filters: Array<{ expression: RuleExpression; source: string }>;
  /** Column name → its mask. */
  masks: ReadonlyMap<string, { mask: RuleExpression; source: string }>;
}

/** Everything restricting one table read: the filters to AND together and each masked column's mask. */
interface Restriction {
  /** The rules and grants supplying it (for explain-access and history). */
  source: string;
  filters: Array<{ expression: RuleExpression; environment?: ExpressionEnvironment; source: string }>;
  masks: Map<string, { mask: RuleExpression; environment?: ExpressionEnvironment; source: string }>;
}

export interface FilterMaskRewrite {
  /** The statement to send (for EXECUTE: the prepared statement, rewritten, with its parameters in place). */
  sql: string;
  /** The tables whose filter or masks were applied, with the rule that supplied them (for explain-access and history). */
  applied: Array<{ table: string; rule: string }>;
}

const WRITE_REFUSALS: Readonly<Record<string, { filter: string; masks: string; order: 'filter' | 'masks' }>> = {
  insert: { masks: 'line 1:1: Insert into table with column masks is not supported', filter: 'Inserting into a table with a row filter is not supported by the gateway (Trino checks every inserted row against it)', order: 'masks' },
  delete: { masks: 'line 1:1: Delete from table with column mask', filter: 'Deleting from a table with a row filter is not supported by the gateway', order: 'masks' },
  update: { filter: 'line 1:1: Updating a table with a row filter is not supported', masks: 'line 1:1: Updating a table with column masks is not supported', order: 'filter' },
  merge: { filter: 'line 1:1: Cannot merge into a table with row filters', masks: 'Merging into a table with column masks is not supported by the gateway', order: 'filter' },
};

function display(q: QualifiedName): string {
  return `${q.catalog}.${q.schema}.${q.name}`;
}

function keyOf(q: QualifiedName): string {
  return `${q.catalog}\u0000${q.schema}\u0000${q.name}`;
}

function masksOf(rule: TableRule): Array<{ column: string; mask: RuleExpression; environment?: ExpressionEnvironment }> {
  return rule.columns.flatMap((c) => (c.maskExpression ? [{ column: c.name, mask: c.maskExpression, ...(c.maskEnvironment ? { environment: c.maskEnvironment } : {}) }] : []));
}

/** The rules file's restriction of a read by `reader`, plus (unless `withAdded` is false) the added ones (the querying user's): undefined when none. */
async function restrictionOf(input: RewriteInput, reader: AccessIdentity, table: QualifiedName, withAdded = true): Promise<Restriction | undefined> {
  if (table.schema === 'information_schema') return undefined;
  const rule = (input.rulesFileApplies?.(table) ?? true) ? restrictingRule(input.rules, reader, table) : undefined;
  const filters: Restriction['filters'] = rule?.filterExpression ? [{ expression: rule.filterExpression, ...(rule.filterEnvironment ? { environment: rule.filterEnvironment } : {}), source: rule.path }] : [];
  const masks: Restriction['masks'] = new Map(rule ? masksOf(rule).map((m) => [m.column, { ...m, source: rule.path }]) : []);
  const added = withAdded ? await input.addedRestrictions?.(table) : undefined;
  if (added !== undefined) {
    filters.push(...added.filters);
    for (const [column, mask] of added.masks) if (!masks.has(column)) masks.set(column, mask);
  }
  if (filters.length === 0 && masks.size === 0) return undefined;
  const sources = [...filters.map((f) => f.source), ...[...masks.values()].map((m) => m.source)];
  return { source: [...new Set(sources)].join(' + '), filters, masks };
}

/** The rule supplying a filter or masks for this read, if any (information_schema is exempt, as in Trino). */
function restrictingRule(rules: AccessRules, identity: AccessIdentity, table: QualifiedName): TableRule | undefined {
  if (table.schema === 'information_schema') return undefined;
  const rule = firstTableRule(rules, identity, table);
  return rule !== undefined && (rule.filterExpression !== undefined || rule.maskedColumns.size > 0) ? rule : undefined;
}

function notSupported(message: string): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, message);
}

/** Applies the row filters and column masks the statement needs; undefined when it needs none. */
export async function rewriteForFiltersAndMasks(input: RewriteInput): Promise<FilterMaskRewrite | undefined> {
  const { identity, request } = input;
  // DESCRIBE INPUT / OUTPUT read no rows (and a mask keeps its column's type).
  if ((!input.rules.tables && input.addedRestrictions === undefined) || request.kind === 'describeInput' || request.kind === 'describeOutput') return undefined;
  const kind = request.innerKind ?? request.kind;
  const writes = WRITE_REFUSALS[kind];
  for (const t of request.tables) {
    if (t.privilege === 'SELECT' || writes === undefined) continue;
    const restriction = await restrictionOf(input, identity, t.table);
    if (restriction === undefined) continue;
    const refusal = [writes.order, writes.order === 'filter' ? 'masks' : 'filter'].find((which) => (which === 'filter' ? restriction.filters.length > 0 : restriction.masks.size > 0));
    if (refusal !== undefined) throw notSupported(writes[refusal as 'filter' | 'masks']);
  }
  // Views whose reads need a filter or mask: their stored text, with those applied, replaces them.
  const views = (request.viewReads ?? []).length === 0 ? new Map<string, ExpandedView>() : await expandedViews(input, request.references ?? []);
  for (const r of request.viewReads ?? []) {
    if ([...views.values()].some((v) => v.owner?.user === r.viewOwner && v.reads.has(keyOf(r.table)))) continue;
    const reader = r.viewOwner === undefined ? identity : { user: r.viewOwner, groups: input.groupsOf?.(r.viewOwner) ?? [] };
    const restriction = await restrictionOf(input, reader, r.table);
    if (restriction !== undefined && (restriction.filters.length > 0 || r.columns.some((c) => restriction.masks.has(c)))) {
      const where = r.viewOwner === undefined ? 'inside a view' : `inside a SECURITY DEFINER view, as its owner ${r.viewOwner},`;
      throw notSupported(`${display(r.table)} is read ${where} and has a row filter or column mask (${restriction.source}): the gateway cannot apply it there`);
    }
  }
  const references: Array<{ ref: TableReference; source: string; restriction?: Restriction }> = [];
  for (const ref of request.references ?? []) {
    const view = views.get(keyOf(ref.table));
    const restriction = view === undefined ? await restrictionOf(input, identity, ref.table) : undefined;
    if (view !== undefined) references.push({ ref, source: view.source });
    else if (restriction !== undefined) references.push({ ref, source: restriction.source, restriction });
  }
  const rewritten = new Set(references.map((r) => keyOf(r.ref.table)));
  // SHOW STATS FOR <table> reads no rows: Trino answers it for a filtered table (the query form is rewritten).
  for (const t of request.kind === 'showStats' ? [] : request.tables) {
    if (t.privilege === 'SELECT' && !rewritten.has(keyOf(t.table)) && !(request.viewReads ?? []).some((v) => keyOf(v.table) === keyOf(t.table))) {
      const rule = await restrictionOf(input, identity, t.table);
      if (rule !== undefined) throw notSupported(`${display(t.table)} has a row filter or column mask (${rule.source}) and is read where the gateway cannot apply it`);
    }
  }
  if (references.length === 0) return undefined;

  const derived = new Map<string, string>();
  for (const { ref, source, restriction } of references) {
    if (ref.span === undefined) throw notSupported(`${display(ref.table)} has a row filter or column mask (${source}) and is read where the gateway cannot apply it (time travel)`);
    const key = keyOf(ref.table);
    if (!derived.has(key)) derived.set(key, restriction === undefined ? views.get(key)!.text : await derivedTable(input, ref.table, restriction));
  }

  // EXECUTE and EXECUTE IMMEDIATE: the references are in the text they run.
  const executed = references[0]!.ref.text;
  if (executed !== undefined && request.kind !== 'execute' && request.kind !== 'executeImmediate') {
    throw notSupported(`EXPLAIN of a prepared statement that reads a table with a row filter or column mask (${display(references[0]!.ref.table)}) is not supported by the gateway`);
  }
  const spliced = splice(executed ?? input.sql, references.map((r) => r.ref), derived);
  const applied = [...new Map(references.map((r) => [keyOf(r.ref.table), { table: display(r.ref.table), rule: r.source }])).values()];
  return { sql: executed === undefined ? spliced : bindParameters(spliced, input.sql), applied };
}

/** A view read through its stored text, with the filters and masks of the tables it reads applied. */
interface ExpandedView {
  /** `(<stored text, rewritten>)`. */
  text: string;
  /** The tables it reads (keyOf). */
  reads: ReadonlySet<string>;
  /** A SECURITY DEFINER view's owner, as whom its tables are read. */
  owner?: AccessIdentity;
  source: string;
}

/** Session-dependent functions a view's text would evaluate in the caller's session once expanded, not the view's. */
const VIEW_SESSION_WORDS = new Set(['CURRENT_CATALOG', 'CURRENT_SCHEMA', 'CURRENT_PATH']);
/** And in a SECURITY DEFINER view's text, whose identity (the owner's or the caller's) was not checked against Trino. */
const DEFINER_SESSION_WORDS = new Set([...VIEW_SESSION_WORDS, 'CURRENT_USER', 'CURRENT_GROUPS']);

/**
 * The views among the references whose reads need a filter or mask, expanded as Trino expands
 * them: the stored text, read in the view's catalog and schema, each filtered or masked table in it
 * replaced by its derived table: the caller's filters and masks in a SECURITY INVOKER view, the
 * owner's in a SECURITY DEFINER view (their reads checked as the owner, CURRENT_USER still the
 * caller: Trino 483 does so). Exact only when the stored text is the view (checked, else refused):
 * run in the view's catalog and schema it reads the tables the engine's own expansion reports and
 * gives the view's columns, names and types; no nested view; no function that depends on the
 * session's catalog, schema or path. A view with a filter or mask of its own is refused, and so
 * are tag grants' filters inside a definer view (Trino has nothing to compare them with).
 */
async function expandedViews(input: RewriteInput, references: readonly TableReference[]): Promise<Map<string, ExpandedView>> {
  const views = new Map<string, ExpandedView>();
  for (const ref of references) {
    const key = keyOf(ref.table);
    if (views.has(key)) continue;
    const expansion = await input.metadata.viewOf?.(ref.table);
    if (expansion === undefined) continue;
    const owners = new Set(expansion.reads.map((r) => r.viewOwner));
    const ownerName = [...owners][0];
    const owner = ownerName === undefined ? undefined : { user: ownerName, groups: input.groupsOf?.(ownerName) ?? [] };
    const reader = owner ?? input.identity;
    const restricted: string[] = [];
    for (const r of expansion.reads) {
      const restriction = await restrictionOf(input, r.viewOwner === undefined ? input.identity : { user: r.viewOwner, groups: input.groupsOf?.(r.viewOwner) ?? [] }, r.table, r.viewOwner === undefined);
      if (restriction !== undefined && (restriction.filters.length > 0 || r.columns.some((c) => restriction.masks.has(c)))) restricted.push(restriction.source);
    }
    if (restricted.length === 0) continue;
    const view = display(ref.table);
    const refuse = (why: string) => notSupported(`The view ${view} reads tables with a row filter or column mask (${[...new Set(restricted)].join(' + ')}), and ${why}: the gateway cannot apply them inside it`);
    if (owners.size > 1) throw refuse('reads them as more than one identity (through a view of the other security mode)');
    for (const r of owner === undefined ? [] : expansion.reads) {
      if ((await input.addedRestrictions?.(r.table)) !== undefined) throw refuse(`a tag grant of the caller restricts ${display(r.table)}, read inside it as its owner ${owner!.user}`);
    }
    const own = await restrictionOf(input, input.identity, ref.table);
    if (own !== undefined) throw refuse(`has a row filter or column mask of its own (${own.source})`);
    const definition = await input.metadata.viewDefinitionOf?.(ref.table);
    if (definition === undefined) throw refuse('its stored text cannot be read from the engine serving it');
    if (definition.bodyColumns === undefined || !sameColumns(definition.columns, definition.bodyColumns)) {
      throw refuse("its stored text run in the view's catalog and schema does not give the view's columns (created in another catalog or schema, or stale)");
    }
    const sessionWords = owner === undefined ? VIEW_SESSION_WORDS : DEFINER_SESSION_WORDS;
    if (tokenize(definition.sql).some((t) => t.kind === 'word' && sessionWords.has(t.value))) throw refuse(`its text calls a function of the session (${[...sessionWords].join(', ').toLowerCase()})`);
    const body = await analyze(definition.sql, { catalog: ref.table.catalog, schema: ref.table.schema }, input.metadata).catch((err: unknown) => {
      throw refuse(`its stored text cannot be analyzed by the gateway (${(err as Error).message})`);
    });
    if ((body.viewReads ?? []).length > 0) throw refuse('it reads another view');
    const tablesOf = (keys: Iterable<string>) => [...new Set(keys)].sort().join('\n');
    const reads = new Set(expansion.reads.map((r) => keyOf(r.table)));
    if (tablesOf(body.tables.filter((t) => t.privilege === 'SELECT').map((t) => keyOf(t.table))) !== tablesOf(reads)) {
      throw refuse('its stored text, read in its catalog and schema, names other tables than the engine reads for it');
    }
    // Every table the text reads is written out in full: spliced into the caller's statement, a bare
    // name would resolve in the caller's catalog and schema rather than the view's.
    const inner: TableReference[] = [];
    const derived = new Map<string, string>();
    for (const r of body.references ?? []) {
      if (r.span === undefined || r.text !== undefined) throw refuse(`it reads ${display(r.table)} where the gateway cannot name it`);
      inner.push(r);
      if (derived.has(keyOf(r.table))) continue;
      const restriction = await restrictionOf(input, reader, r.table, owner === undefined);
      // splice() takes a parenthesized text: a query body as is, a table argument without the parentheses.
      const plain = r.queryBody ? `(TABLE ${qualified(r.table)})` : r.tableArgument ? `(${qualified(r.table)})` : qualified(r.table);
      derived.set(keyOf(r.table), restriction === undefined ? plain : await derivedTable(input, r.table, restriction, owner));
    }
    const applied = `view ${view}${owner === undefined ? '' : ` (as its owner ${owner.user})`}: ${[...new Set(restricted)].join(' + ')}`;
    views.set(key, { text: `(${splice(definition.sql, inner, derived)})`, reads, ...(owner !== undefined ? { owner } : {}), source: applied });
  }
  return views;
}

/**
 * EXECUTE (IMMEDIATE) runs the rewritten statement itself, each `?` replaced by its USING argument
 * (constant expressions, as the analyzer checked) in parentheses: the same statement with the same
 * values, and the client's prepared statement stays as it was.
 */
function bindParameters(statement: string, execute: string): string {
  const tokens = tokenize(execute).filter((t) => t.kind !== 'eof');
  const using = tokens.findIndex((t) => t.kind === 'word' && t.value === 'USING');
  const args: string[] = [];
  if (using !== -1) {
    let depth = 0;
    let start = tokens[using + 1]!.start;
    for (const t of tokens.slice(using + 1)) {
      if (t.kind === 'symbol' && t.value === '(') depth++;
      if (t.kind === 'symbol' && t.value === ')') depth--;
      if (t.kind === 'symbol' && t.value === ',' && depth === 0) {
        args.push(execute.slice(start, t.start));
        start = t.end;
      }
    }
    const last = tokens[tokens.length - 1]!;
    args.push(execute.slice(start, last.kind === 'symbol' && last.value === ';' ? last.start : last.end));
  }
  const parameters = parameterMarkers(statement);
  if (parameters.length !== args.length) throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, `Incorrect number of parameters: expected ${parameters.length} but found ${args.length}`);
  let out = '';
  let at = 0;
  parameters.forEach((p, i) => {
    out += `${statement.slice(at, p.start)}(${args[i]!.trim()})`;
    at = p.end;
  });
  return out + statement.slice(at);
}

/**
 * `(SELECT ... FROM <table> WHERE <filters>)` for one table, its expressions checked against it;
 * `owner`: read inside a SECURITY DEFINER view, whose owner's rights check the expressions' reads.
 */
async function derivedTable(input: RewriteInput, table: QualifiedName, restriction: Restriction, owner?: AccessIdentity): Promise<string> {
  const columns = await input.columnTypes(table);
  if (columns === undefined) throw new QueryFailure(ErrorCodes.TABLE_NOT_FOUND, `Table '${display(table)}' does not exist`);
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const filters: string[] = [];
  for (const f of restriction.filters) {
    const bound = await boundExpression(input, table, f.expression, f.environment, `row filter of ${f.source}`, owner);
    checkFilterType(bound.type, f.source, table);
    filters.push(bound.text);
  }
  const masks = new Map<string, string>();
  for (const [column, m] of restriction.masks) {
    const columnType = types.get(column);
    if (columnType === undefined) continue;
    const bound = await boundExpression(input, table, m.mask, m.environment, `mask of column ${column} of ${m.source}`, owner);
    checkMaskType(bound.type, table, column, columnType);
    masks.set(column, bound.text);
  }
  const select = columns.map((c) => {
    const mask = masks.get(c.name);
    // The mask is coercible to the column's type (checked): the cast is Trino's implicit coercion.
    return mask === undefined ? quoteIdentifier(c.name) : `CAST((${mask}) AS ${c.type}) AS ${quoteIdentifier(c.name)}`;
  });
  const where = filters.length === 0 ? '' : ` WHERE ${filters.length === 1 ? filters[0]! : filters.map((f) => `(${f})`).join(' AND ')}`;
  return `(SELECT ${select.join(', ')} FROM ${qualified(table)}${where})`;
}

function checkFilterType(type: string, source: string, table: QualifiedName): void {
  if (!isBooleanType(type)) throw new QueryFailure(ErrorCodes.TYPE_MISMATCH, `Invalid row filter of ${source} for table ${display(table)}: the filter has type ${type}, not boolean`);
}

/** Trino's check and message: a mask must be coercible to its column's type. */
function checkMaskType(type: string, table: QualifiedName, column: string, columnType: string): void {
  if (!coercible(type, columnType)) throw new QueryFailure(ErrorCodes.TYPE_MISMATCH, `Expected column mask for '${display(table)}.${column}' to be of type ${columnType}, but was ${type}`);
}

/**
 * Checks a rule's filter and masks over one table as a statement reading it would, without the
 * checks that depend on who reads: each analyzed over the table (its columns must exist) and typed
 * by the engine serving it (a filter boolean, a mask coercible to its column's type). Throws the
 * QueryFailure a statement would get.
 */
export async function checkRuleOverTable(context: ExpressionContext, table: QualifiedName, rule: TableRule): Promise<void> {
  const columns = await context.columnTypes(table);
  if (columns === undefined) throw new QueryFailure(ErrorCodes.TABLE_NOT_FOUND, `Table '${display(table)}' does not exist`);
  const typeOf = async (expression: RuleExpression, what: string) => {
    const prepared = await preparedExpression(context, table, renderExpression(expression, context.identity.user), what);
    return expressionType(context, table, prepared, what);
  };
  if (rule.filterExpression !== undefined) checkFilterType(await typeOf(rule.filterExpression, `row filter of ${rule.path}`), rule.path, table);
  for (const m of masksOf(rule)) {
    const columnType = columns.find((c) => c.name === m.column)?.type;
    if (columnType !== undefined) checkMaskType(await typeOf(m.mask, `mask of column ${m.column} of ${rule.path}`), table, m.column, columnType);
  }
}

function qualified(table: QualifiedName): string {
  return [table.catalog, table.schema, table.name].map(quoteIdentifier).join('.');
}

/** An engine's refusal of a filter or mask, naming the rule and the table. */
function invalidExpression(what: string, table: QualifiedName, err: unknown): never {
  if (err instanceof QueryFailure) throw new QueryFailure(err.errorCode, `Invalid ${what} for table ${display(table)}: ${err.message.replace(/^line \d+:\d+: /, '')}`);
  throw err;
}

/**
 * A filter or mask made ready for one table, as Trino evaluates it: analyzed over the table (so a
 * column it names must exist), its reads (the table's columns, its subqueries' tables) checked as
 * its environment user or else the querying user (inside a SECURITY DEFINER view: its owner), the
 * tables of its subqueries named in full with the table's catalog and schema (Trino resolves them
 * there, not in the session's), and typed by the engine serving the table. CURRENT_USER is the
 * querying user even inside a definer view (as Trino 483 evaluates the owner's masks).
 */
async function boundExpression(input: RewriteInput, table: QualifiedName, expression: RuleExpression, environment: ExpressionEnvironment | undefined, what: string, owner?: AccessIdentity): Promise<{ text: string; type: string }> {
  const prepared = await preparedExpression(input, table, renderExpression(expression, input.identity.user), what);
  const reader: AccessIdentity = environment?.user === undefined ? (owner ?? input.identity) : { user: environment.user, groups: input.groupsOf?.(environment.user) ?? [] };
  const asQueryingUser = environment?.user === undefined && owner === undefined;
  const decision = asQueryingUser && input.authorizeReads !== undefined ? input.authorizeReads(prepared.request) : authorize(input.rules, reader, prepared.request);
  if (!decision.allowed) throw new QueryFailure(ErrorCodes.PERMISSION_DENIED, decision.message ?? 'Access Denied');
  if (prepared.unnamedRead) throw notSupported(`The ${what} reads a table where the gateway cannot name it (time travel), which it does not support in a row filter or column mask`);
  for (const r of prepared.inner) {
    if ((await input.metadata.viewOf?.(r.table)) !== undefined) throw notSupported(`The ${what} reads the view ${display(r.table)}, which the gateway does not support in a row filter or column mask`);
    if ((await restrictionOf(input, reader, r.table)) !== undefined) throw notSupported(`The ${what} reads ${display(r.table)}, which has a row filter or column mask of its own: not supported by the gateway`);
  }
  return { text: prepared.text, type: await expressionType(input, table, prepared, what) };
}

/** The expression analyzed over the table (kept in input.preparedExpressions between statements). */
async function preparedExpression(input: ExpressionContext, table: QualifiedName, text: string, what: string): Promise<PreparedExpression> {
  const cache = input.preparedExpressions;
  const columnTypes = (t: QualifiedName) => input.columnTypes(t);
  const kept = await cache?.get(input.rules.version, table, text, columnTypes);
  if (kept !== undefined) return kept;
  const prefix = 'SELECT (';
  const probe = `${prefix}${text}) FROM ${qualified(table)}`;
  const inExpression = (r: TableReference) => r.span !== undefined && r.span.start < prefix.length + text.length;
  const request = await analyze(probe, { catalog: table.catalog, schema: table.schema }, input.metadata).catch((err: unknown) => invalidExpression(what, table, err));
  const inner = (request.references ?? []).filter(inExpression);
  let qualifiedText = '';
  let at = prefix.length;
  for (const r of [...inner].sort((a, b) => a.span!.start - b.span!.start)) {
    qualifiedText += probe.slice(at, r.span!.start) + (r.queryBody ? `TABLE ${qualified(r.table)}` : qualified(r.table));
    at = r.span!.end;
  }
  qualifiedText += probe.slice(at, prefix.length + text.length);
  const prepared: PreparedExpression = { request, text: qualifiedText, inner, unnamedRead: (request.references ?? []).some((r) => r.span === undefined) };
  await cache?.set(input.rules.version, table, text, prepared, columnTypes);
  return prepared;
}

/** The expression's Trino type from the engine serving the table, or else from the embedded engine's translator (kept with the prepared expression). */
async function expressionType(input: ExpressionContext, table: QualifiedName, prepared: PreparedExpression, what: string): Promise<string> {
  let engineType: string | undefined;
  try {
    engineType = await input.expressionType?.(table, prepared.text);
  } catch (err) {
    invalidExpression(what, table, err);
  }
  if (engineType !== undefined) return engineType;
  prepared.translatorType ??= await translatorType(input, table, prepared.text, what);
  return prepared.translatorType;
}

/** The embedded engine's translator's type of an expression over the table; throws its refusal naming the rule. */
async function translatorType(input: ExpressionContext, table: QualifiedName, text: string, what: string): Promise<string> {
  const probe = `SELECT (${text}) FROM ${qualified(table)}`;
  const translator = new QueryTranslator(
    async (catalog, schema, name) => (await input.columnTypes({ catalog, schema, name })) ?? [],
    async () => 'table',
    () => false,
  );
  try {
    const translation = await translator.translate(probe, [], { user: input.identity.user, catalog: table.catalog, schema: table.schema });
    const type = translation.columns?.[0]?.type;
    if (type === undefined) throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'it is not an expression over the table');
    return type;
  } catch (err) {
    if (!(err instanceof QueryFailure)) throw err;
    if (err.errorCode.name !== ErrorCodes.NOT_SUPPORTED.name) invalidExpression(what, table, err);
    // The embedded engine would refuse the rewritten statement anyway; the rule is named here.
    throw new QueryFailure(
      ErrorCodes.NOT_SUPPORTED,
      `Configuration error: the ${what} cannot be applied to ${display(table)}, which an engine serves that runs Trino expressions through the embedded translator, and the translator refuses it: ${err.message.replace(/^line \d+:\d+: /, '')}`,
    );
  }
}

/**
 * The statement's reads plus the columns its filters and masks without an environment user read:
 * Trino checks those as the querying user together with the table's own columns (so a filter over
 * a column the user may not read denies the table, in the statement's table order).
 */
export function withFilterMaskReads(rules: AccessRules, identity: AccessIdentity, request: AccessRequest): AccessRequest {
  if (!rules.tables) return request;
  let changed = false;
  const tables = request.tables.map((t) => {
    if (t.privilege !== 'SELECT' || t.viewOwner !== undefined) return t;
    const rule = restrictingRule(rules, identity, t.table);
    if (rule === undefined) return t;
    const own = [
      ...(rule.filterExpression && rule.filterEnvironment?.user === undefined ? rule.filterExpression.columns : []),
      ...masksOf(rule).flatMap((m) => (m.environment?.user === undefined ? m.mask.columns : [])),
    ];
    const columns = [...new Set([...t.columns, ...own])].sort();
    if (columns.length === t.columns.length) return t;
    changed = true;
    return { ...t, columns };
  });
  return changed ? { ...request, tables } : request;
}

/**
 * Replaces each reference's span with its derived table (named like the table, unless an alias
 * follows). A column qualified by more than the table name (`tiny.nation.n_name`) would not
 * resolve against the derived table's name: refused.
 */
function splice(text: string, refs: TableReference[], derived: ReadonlyMap<string, string>): string {
  const sorted = [...refs].sort((a, b) => a.span!.start - b.span!.start);
  const unaliasedNames = new Set<string>();
  let out = '';
  let at = 0;
  for (const ref of sorted) {
    const { start, end } = ref.span!;
    const body = derived.get(keyOf(ref.table))!;
    out += text.slice(at, start);
    if (ref.tableArgument) out += body.slice(1, -1);
    else if (ref.queryBody || ref.aliased) out += body;
    else {
      const nameTokens = tokenize(text.slice(start, end)).filter((t) => t.kind !== 'eof');
      const last = nameTokens[nameTokens.length - 1]!;
      unaliasedNames.add(last.kind === 'quoted' ? last.value.toLowerCase() : last.text.toLowerCase());
      out += `${body} AS ${last.text}`;
    }
    at = end;
  }
  out += text.slice(at);
  if (unaliasedNames.size > 0) refuseLongQualifiers(text, sorted, unaliasedNames);
  return out;
}

/** Refuses `x.<name>.column` (and `x.<name>.*`) outside the rewritten spans, for a table named <name> without alias. */
function refuseLongQualifiers(text: string, refs: TableReference[], names: ReadonlySet<string>): void {
  const inSpan = (offset: number) => refs.some((r) => offset >= r.span!.start && offset < r.span!.end);
  const tokens = tokenize(text);
  const identifier = (i: number) => tokens[i] !== undefined && (tokens[i]!.kind === 'word' || tokens[i]!.kind === 'quoted') && !inSpan(tokens[i]!.start);
  const dot = (i: number) => tokens[i]?.kind === 'symbol' && tokens[i]!.value === '.';
  for (let i = 0; i + 4 < tokens.length; i++) {
    if (!(identifier(i) && dot(i + 1) && identifier(i + 2) && dot(i + 3))) continue;
    const middle = tokens[i + 2]!;
    const name = middle.kind === 'quoted' ? middle.value.toLowerCase() : middle.text.toLowerCase();
    if (names.has(name)) throw notSupported(`A column qualified with more than the table name (${tokens.slice(i, i + 5).map((t) => t.text).join('')}) cannot be kept when the gateway applies the table's row filter or column masks: qualify it with the table name or an alias`);
  }
}
