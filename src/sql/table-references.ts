/**
 * Where a statement names tables: every table reference of its parse tree with its name and
 * exact source span, so a rewrite can replace a reference by a subquery or another table.
 */
import type { Ident } from './analyzer/ast.js';
import { parseStatement } from './analyzer/index.js';
import { tokenize } from './lexer.js';

export interface TableReference {
  /** The name's parts as written (decoded, case kept as the parser folds it). */
  parts: string[];
  /** Source span of the whole name. */
  start: number;
  end: number;
  /** The reference has an alias (a replacement needs none). */
  alias: boolean;
  /** A query body (`TABLE x`), not a FROM item: it cannot be replaced by a subquery. */
  body: boolean;
}

/** The table references of `sql` (which must parse), in no particular order. */
export function tableReferences(sql: string): TableReference[] {
  const statement = parseStatement(sql);
  const all: Array<Record<string, unknown>> = [];
  const stack: unknown[] = [statement];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      all.push(node as Record<string, unknown>);
      for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  const bodies = new Set<unknown>();
  for (const n of all) {
    if ('body' in n && 'orderBy' in n) bodies.add(n.body);
    if (n.k === 'setop' && Array.isArray(n.terms)) for (const t of n.terms) bodies.add(t);
  }
  const tokens = tokenize(sql);
  const references: TableReference[] = [];
  for (const n of all) {
    if (n.k !== 'table' || !Array.isArray(n.name) || !('pos' in n)) continue;
    const name = n.name as Ident[];
    const pos = n.pos as { line: number; column: number };
    const first = tokens.findIndex((t) => t.line === pos.line && t.column === pos.column);
    const last = tokens[first + 2 * (name.length - 1)];
    if (first === -1 || last === undefined) throw new Error(`table reference at line ${pos.line}:${pos.column} cannot be located`);
    references.push({ parts: name.map((p) => p.value), start: tokens[first]!.start, end: last.end, alias: n.alias !== undefined, body: bodies.has(n) });
  }
  return references;
}
