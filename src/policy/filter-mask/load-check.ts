/**
 * Filters and masks checked against the catalogs when the rules file is loaded: a tables rule
 * naming one table by its plain name (catalog, schema and table each a name, not a pattern) has
 * its filter and masks analyzed and typed over that table (rewrite.ts checkRuleOverTable), so a
 * missing column or a wrong type refuses the rules file naming the rule, as a syntax error does.
 * A rule whose pattern matches tables of different shapes, a table that does not exist (yet), or
 * a backend that cannot be asked is left to the check at first use (the statement is refused then).
 */
import { QueryFailure } from '../../protocol/errors.js';
import type { MetadataProvider } from '../../sql/analyzer/index.js';
import type { AccessRules } from '../file-rules.js';
import { checkRuleOverTable, type RewriteInput } from './rewrite.js';

const PLAIN_NAME = /^[a-z0-9_]+$/;

/** The tables rules with a filter or masks that name one table by its plain name, with that table. */
export function rulesCheckedAtLoad(rules: AccessRules) {
  return (rules.tables ?? []).flatMap((rule) => {
    if (rule.filterExpression === undefined && rule.maskedColumns.size === 0) return [];
    const source = rule.source as { catalog?: unknown; schema?: unknown; table?: unknown };
    const names = [source.catalog, source.schema, source.table];
    if (!names.every((n): n is string => typeof n === 'string' && PLAIN_NAME.test(n))) return [];
    return [{ rule, table: { catalog: names[0]!, schema: names[1]!, name: names[2]! } }];
  });
}

/** The rules' configuration errors over the tables they name (`tables[3]: ...`); empty when none. */
export async function ruleExpressionErrors(
  rules: AccessRules,
  metadata: MetadataProvider & Required<Pick<MetadataProvider, 'columnTypesOf'>>,
): Promise<string[]> {
  const errors: string[] = [];
  const context = {
    rules,
    // CURRENT_USER becomes a string literal: any user gives the expression the same type.
    identity: { user: 'querygate', groups: [] },
    columnTypes: (t: Parameters<RewriteInput['columnTypes']>[0]) => metadata.columnTypesOf(t),
    metadata,
    ...(metadata.expressionTypeOf !== undefined ? { expressionType: metadata.expressionTypeOf.bind(metadata) } : {}),
  };
  for (const { rule, table } of rulesCheckedAtLoad(rules)) {
    try {
      if ((await metadata.columnTypesOf(table)) === undefined) continue;
      await checkRuleOverTable(context, table, rule);
    } catch (err) {
      // A backend's own failure (unreachable, internal) says nothing of the rule: the check at first use stays.
      if (!(err instanceof QueryFailure) || err.errorCode.type !== 'USER_ERROR') continue;
      errors.push(`${rule.path}: ${err.message}`);
    }
  }
  return errors;
}
