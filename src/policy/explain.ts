/**
 * explain-access: a human-readable account of what a statement touches, the decision, and the
 * rule that decided every check. Plain text for a CLI; no colours.
 */
import type { AccessRequest } from '../sql/analyzer/types.js';
import type { AccessIdentity, Decision } from './decision.js';
import type { AccessRules } from './file-rules.js';
import { IMPLICIT_SYSTEM_CATALOG_RULE } from './file-rules.js';

export interface ExplainInput {
  sql?: string;
  identity: AccessIdentity;
  request: AccessRequest;
  decision: Decision;
  /** When given, the JSON of every rule that decided a check is printed. */
  rules?: AccessRules;
  /** Session catalog/schema used for the analysis. */
  session?: { catalog?: string; schema?: string };
  /** When tag grants take part: the tag policy version and how it combines with the rules. */
  tags?: { version: number; mode: string };
}

const SECTION_KEYS: Record<string, keyof AccessRules> = {
  catalogs: 'catalogs',
  schemas: 'schemas',
  tables: 'tables',
  functions: 'functions',
  procedures: 'procedures',
  system_session_properties: 'systemSessionProperties',
  catalog_session_properties: 'catalogSessionProperties',
  queries: 'queries',
  impersonation: 'impersonation',
  system_information: 'systemInformation',
  authorization: 'authorization',
};

/** The rule JSON behind a `decidedBy` such as `tables[3] (privileges: SELECT)`. */
function ruleSource(rules: AccessRules, decidedBy: string): { path: string; json: string } | undefined {
  if (decidedBy.startsWith(IMPLICIT_SYSTEM_CATALOG_RULE.path)) return { path: IMPLICIT_SYSTEM_CATALOG_RULE.path, json: JSON.stringify(IMPLICIT_SYSTEM_CATALOG_RULE.source) };
  const m = /^(?:schema owner: )?([a-z_]+)\[(\d+)\]/.exec(decidedBy);
  if (!m) return undefined;
  const key = SECTION_KEYS[m[1]!];
  if (!key) return undefined;
  const section = rules[key] as Array<{ source?: unknown }> | undefined;
  const rule = section?.[Number(m[2])];
  if (!rule || rule.source === undefined) return undefined;
  return { path: `${m[1]}[${m[2]}]`, json: JSON.stringify(rule.source) };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Renders the explanation; every line ends with '\n'. */
export function explainAccess(input: ExplainInput): string {
  const { request: r, decision: d, identity: id } = input;
  const out: string[] = [];
  if (input.sql !== undefined) out.push(`Statement: ${input.sql.replace(/\s+/g, ' ').trim()}`);
  out.push(`Identity: user=${id.user}${id.originalUser && id.originalUser !== id.user ? ` (original user ${id.originalUser})` : ''} groups=[${id.groups.join(', ')}] roles=[${(id.roles ?? []).join(', ')}]`);
  if (input.session) out.push(`Session: catalog=${input.session.catalog ?? '-'} schema=${input.session.schema ?? '-'}`);
  if (input.rules) out.push(`Policy: ${input.rules.source} (version ${input.rules.version})`);
  if (input.tags) out.push(`Tag policy: version ${input.tags.version}, mode ${input.tags.mode} (${input.tags.mode === 'all' ? 'the rules file and the tag grants must both allow' : 'a tag grant or the rules file allows a table'})`);
  out.push(`Kind: ${r.kind}${r.innerKind ? ` (inner: ${r.innerKind})` : ''}`);
  out.push('');
  out.push('Access request:');
  if (r.tables.length === 0) out.push('  tables: (none)');
  for (const t of r.tables) out.push(`  table ${t.table.catalog}.${t.table.schema}.${t.table.name}  ${t.privilege}${t.columns.length ? `  columns [${t.columns.join(', ')}]` : ''}`);
  const line = (label: string, items: readonly string[]) => items.length > 0 && out.push(`  ${label}: ${items.join(', ')}`);
  line('catalogs', r.catalogs);
  line('schemas', r.schemas.map((s) => `${s.catalog}.${s.schema} ${s.privilege}`));
  line('functions', r.functions);
  line('table functions', r.tableFunctions);
  line('procedures', r.procedures);
  line('session properties', r.sessionProperties.map((p) => (p.catalog ? `${p.catalog}.${p.name}` : p.name)));
  if (r.authorizationUser !== undefined) out.push(`  authorization user: ${r.authorizationUser}`);
  line('flags', r.flags);
  out.push('');
  out.push(`Decision: ${d.allowed ? 'ALLOWED' : 'DENIED'}`);
  if (d.message) out.push(`  ${d.message}`);
  out.push('');
  out.push('Checks:');
  const width = Math.min(28, Math.max(0, ...d.checks.map((c) => c.check.length)));
  const used = new Map<string, string>();
  for (const c of d.checks) {
    out.push(`  ${c.allowed ? 'allow' : 'DENY '}  ${pad(c.check, width)}  ${c.resource}`);
    out.push(`         decided by ${c.decidedBy}`);
    if (input.rules) {
      const src = ruleSource(input.rules, c.decidedBy);
      if (src) used.set(src.path, src.json);
    }
  }
  if (used.size > 0) {
    out.push('');
    out.push('Rules used:');
    for (const [path, json] of used) out.push(`  ${path}: ${json}`);
  }
  return out.join('\n') + '\n';
}
