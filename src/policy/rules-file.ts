/**
 * Trino's file-based access control rules (`rules.json`): the parser and impersonation check live
 * in file-rules.ts; this module keeps the names the identity and routing stages import.
 */
export { parseAccessRules as parseRulesFile, checkImpersonation, unmatchableColumnRules, wholeMatch } from './file-rules.js';
export type { AccessRules, ImpersonationRule, ImpersonationDecision } from './file-rules.js';
