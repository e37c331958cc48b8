/**
 * Trino's file-based access control rules (`rules.json`). This version enforces the
 * `impersonation` section; a file carrying other sections is refused at load time rather than
 * silently not enforced (they arrive with the governance core).
 */
import { z } from 'zod';

/** Java-style regex matched against the whole string, as Trino matches rule patterns. */
export function wholeMatch(pattern: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (err) {
    throw new Error(`${where}: invalid regular expression '${pattern}': ${(err as Error).message}`);
  }
}

const impersonationRule = z
  .object({
    original_user: z.string().optional(),
    original_role: z.string().optional(),
    new_user: z.string(),
    allow: z.boolean().default(true),
  })
  .strict();

const rulesFile = z
  .object({
    impersonation: z.array(impersonationRule).optional(),
  })
  .strict();

export interface ImpersonationRule {
  originalUser: RegExp;
  originalRole?: RegExp;
  /** The new_user pattern, possibly with `$1`-style references to original_user groups. */
  newUser: string;
  allow: boolean;
  index: number;
}

export interface AccessRules {
  /** Undefined when the file has no impersonation section. */
  impersonation?: ImpersonationRule[];
}

export function parseRulesFile(text: string, path: string): AccessRules {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const result = rulesFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || '(top level)';
    const message = issue.code === 'unrecognized_keys' ? `section${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} not supported by this version (only 'impersonation' is enforced)` : issue.message;
    throw new Error(`${path}: ${where}: ${message}`);
  }
  const rules: AccessRules = {};
  if (result.data.impersonation) {
    rules.impersonation = result.data.impersonation.map((rule, index) => {
      const where = `${path}: impersonation[${index}]`;
      const compiled: ImpersonationRule = {
        originalUser: wholeMatch(rule.original_user ?? '.*', where),
        newUser: rule.new_user,
        allow: rule.allow,
        index,
      };
      if (rule.original_role !== undefined) compiled.originalRole = wholeMatch(rule.original_role, where);
      wholeMatch(rule.new_user.replace(/\$\d+/g, 'x'), where);
      return compiled;
    });
  }
  return rules;
}

/** Escapes text for literal use inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ImpersonationDecision {
  allowed: boolean;
  /** Index of the rule that decided, when one did. */
  rule?: number;
}

/**
 * Trino's impersonation semantics: a user may always act as itself; otherwise the first rule
 * whose original_user (and original_role) match and whose new_user matches decides; no match
 * denies. Groups captured by original_user can be referenced in new_user as `$1`.
 */
export function checkImpersonation(rules: AccessRules, originalUser: string, roles: string[], newUser: string): ImpersonationDecision {
  if (originalUser === newUser) return { allowed: true };
  for (const rule of rules.impersonation ?? []) {
    const match = rule.originalUser.exec(originalUser);
    if (!match) continue;
    if (rule.originalRole && !roles.some((role) => rule.originalRole!.test(role))) continue;
    const pattern = rule.newUser.replace(/\$(\d+)/g, (_, n: string) => escapeRegExp(match[Number(n)] ?? ''));
    if (!wholeMatch(pattern, 'impersonation').test(newUser)) continue;
    return { allowed: rule.allow, rule: rule.index };
  }
  return { allowed: false };
}
