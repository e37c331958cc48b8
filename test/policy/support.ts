/** Helpers for the policy tests: rules from objects, analysis over static metadata, one-call decisions. */
import { analyze, type AccessRequest, type MetadataProvider } from '../../src/sql/analyzer/index.js';
import { authorize, type AccessIdentity, type AuthorizeContext, type Decision } from '../../src/policy/decision.js';
import { parseAccessRules, type AccessRules } from '../../src/policy/file-rules.js';
import { StaticMetadata, TPCH_COLUMNS } from '../sql/support.js';

export const EMPLOYEE = ['id', 'name', 'user', 'salary', 'address', 'ssn'];

/** tpch.<schema>.<tpch table>, memory.default.*, the docs' default.* catalog, hive, postgres, system tables. */
export const META = new StaticMetadata({
  'default.hr.employee': EMPLOYEE,
  'default.default.customers': ['id', 'name', 'address', 'ssn', 'credit_card'],
  'default.default.orders': ['id', 'customer_id', 'total'],
  'hive.default.t': ['a', 'b'],
  'postgres.public.accounts': ['id', 'owner'],
  'memory.default.people': ['id', 'name', 'phone', 'address', 'tags'],
  'memory.default.t1': ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
  'tpch.tiny.orders$files': ['file_path', 'lower_bounds', 'upper_bounds'],
  'system.runtime.queries': ['query_id', 'user', 'query', 'state'],
  'system.runtime.nodes': ['node_id', 'http_uri', 'state'],
  'tpch.information_schema.columns': ['table_catalog', 'table_schema', 'table_name', 'column_name'],
  ...Object.fromEntries(Object.entries(TPCH_COLUMNS).map(([t, c]) => [`tpch.sf1.${t}`, c])),
});

export const SESSION = { catalog: 'tpch', schema: 'tiny' };

export function rules(obj: unknown, path = 'rules.json'): AccessRules {
  return parseAccessRules(JSON.stringify(obj), path);
}

export function who(user: string, groups: string[] = [], roles: string[] = []): AccessIdentity {
  return { user, groups, roles };
}

export interface DecideOptions {
  session?: { catalog?: string; schema?: string };
  prepared?: Map<string, string>;
  context?: AuthorizeContext;
  metadata?: MetadataProvider;
}

/** Analyzes `sql` and authorizes it. */
export async function decide(r: AccessRules, id: AccessIdentity, sql: string, opts: DecideOptions = {}): Promise<Decision & { request: AccessRequest }> {
  const session = opts.session ?? SESSION;
  const request = await analyze(sql, session, opts.metadata ?? META, opts.prepared ?? new Map());
  const context: AuthorizeContext = { ...session, ...(opts.context ?? {}) };
  return { ...authorize(r, id, request, context), request };
}

/** A hand-built request (defaults: a query with no accesses). */
export function request(partial: Partial<AccessRequest>): AccessRequest {
  return { kind: 'query', tables: [], catalogs: [], schemas: [], functions: [], tableFunctions: [], procedures: [], sessionProperties: [], flags: [], ...partial };
}

export function tbl(catalog: string, schema: string, name: string) {
  return { catalog, schema, name };
}
