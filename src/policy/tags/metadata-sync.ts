/**
 * Tags kept in the backend's own metadata: a Trino table or column comment holding
 * `tags: key=value, key=value` (anywhere in the comment, up to its end or a `;`), for example
 * `COMMENT ON COLUMN billing.invoices.card IS 'Card number. tags: pii=true'`. `querygate policy
 * sync` reads them and merges them into the stored policy as assignments (a comment's value wins
 * over a stored one for that key); the result is validated like any other change, so an unknown
 * key or value in a comment is refused, naming the table or column.
 */
import { resourceName, TagPolicyError, type TagPolicyDocument } from './document.js';

const TAGS_IN_COMMENT = /\btags:\s*([^;]*)/i;

/** The tags of one comment, or undefined when it holds none; a malformed pair is an error. */
export function tagsInComment(comment: string, resource: string): Record<string, string> | undefined {
  const match = TAGS_IN_COMMENT.exec(comment);
  if (!match) return undefined;
  const tags: Record<string, string> = {};
  for (const pair of match[1]!.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq <= 0 || value === '') throw new TagPolicyError(`comment of ${resource}`, `'${pair}' is not key=value`);
    if (tags[key] !== undefined && tags[key] !== value) throw new TagPolicyError(`comment of ${resource}`, `two values for tag '${key}' (${tags[key]}, ${value}); a resource holds one value per key`);
    tags[key] = value;
  }
  return tags;
}

interface CommentRow {
  schema: string;
  table: string;
  column?: string;
  comment: string;
}

/** Assignments found in a catalog's comments, by resource. */
export function assignmentsFromComments(catalog: string, rows: readonly CommentRow[]): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const row of rows) {
    const dotted = [catalog, row.schema, row.table, ...(row.column !== undefined ? [row.column] : [])].join('.');
    const tags = tagsInComment(row.comment, dotted);
    if (tags !== undefined) found[resourceName(dotted, `comment of ${dotted}`)] = tags;
  }
  return found;
}

/** The stored policy with the found assignments merged in (not yet validated). */
export function mergeAssignments(doc: TagPolicyDocument, found: Record<string, Record<string, string>>): TagPolicyDocument {
  const assignments = { ...doc.assignments };
  for (const [resource, tags] of Object.entries(found)) assignments[resource] = { ...assignments[resource], ...tags };
  return { ...doc, assignments };
}
