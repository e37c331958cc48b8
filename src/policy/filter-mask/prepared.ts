/**
 * Filters and masks analyzed over a table, kept between statements: analyzing an expression (the
 * gateway's parser and analyzer over `SELECT (<expression>) FROM <table>`) and typing it through
 * the embedded translator cost far more than the rest of a rewrite, and both depend only on the
 * expression's text (CURRENT_USER and principal attributes already bound), the table, and the
 * columns of the tables the analysis read. What depends on who reads (the checks of the
 * expression's reads, the filters and masks of its subquery tables) is decided per statement.
 *
 * An entry is used only while every table its analysis read still has the same columns and types
 * (asked again each time, through the metadata cache: a schema change seen there, or made through
 * the gateway, discards it) and while the rules version it was made under is current (a reload
 * empties the cache). An expression over a view is not kept: a view's reads can change with the
 * same columns. Failures are not kept (the engine may have been unreachable).
 */
import type { AccessRequest, QualifiedName, TableReference } from '../../sql/analyzer/index.js';

export interface PreparedExpression {
  /** The probe's analysis: what the expression reads, checked per statement as its reader. */
  request: AccessRequest;
  /** The expression as sent, the tables of its subqueries named in full. */
  text: string;
  /** The tables its subqueries read (for the per-statement view and restriction checks). */
  inner: TableReference[];
  /** It reads a table where the gateway cannot name it (time travel). */
  unnamedRead: boolean;
  /** The embedded translator's type of it, once asked (engines that type expressions themselves answer through the metadata cache). */
  translatorType?: string;
}

type ColumnTypes = ReadonlyArray<{ name: string; type: string }>;

interface Entry {
  prepared: PreparedExpression;
  /** Every table the analysis read, with its columns then. */
  dependencies: Array<{ table: QualifiedName; columns: ColumnTypes }>;
}

const MAX_ENTRIES = 10_000;

/** The same column names and types, in the same order. */
export function sameColumns(a: ColumnTypes | undefined, b: ColumnTypes): boolean {
  return a !== undefined && a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.type === b[i]!.type);
}

export class PreparedExpressionCache {
  private readonly entries = new Map<string, Entry>();
  private rulesVersion = -1;

  /** The entry for this expression over this table, if still valid under these rules and columns. */
  async get(rulesVersion: number, table: QualifiedName, text: string, columnTypes: (table: QualifiedName) => Promise<ColumnTypes | undefined>): Promise<PreparedExpression | undefined> {
    if (rulesVersion !== this.rulesVersion) return undefined;
    const key = keyOf(table, text);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    for (const d of entry.dependencies) {
      if (!sameColumns(await columnTypes(d.table), d.columns)) {
        this.entries.delete(key);
        return undefined;
      }
    }
    // Most recently used last: the oldest is evicted first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.prepared;
  }

  /** Keeps an analysis made under `rulesVersion` (a newer version empties the cache; an older one is not kept). */
  async set(rulesVersion: number, table: QualifiedName, text: string, prepared: PreparedExpression, columnTypes: (table: QualifiedName) => Promise<ColumnTypes | undefined>): Promise<void> {
    if (rulesVersion < this.rulesVersion || (prepared.request.viewReads ?? []).length > 0) return;
    const dependencies: Entry['dependencies'] = [];
    const seen = new Set<string>();
    for (const t of prepared.request.tables) {
      const key = keyOf(t.table, '');
      if (seen.has(key)) continue;
      seen.add(key);
      const columns = await columnTypes(t.table);
      if (columns === undefined) return;
      // A copy: the answer's array may be changed in place by whoever gave it.
      dependencies.push({ table: t.table, columns: columns.map((c) => ({ name: c.name, type: c.type })) });
    }
    if (rulesVersion > this.rulesVersion) {
      this.entries.clear();
      this.rulesVersion = rulesVersion;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(keyOf(table, text), { prepared, dependencies });
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(table: QualifiedName, text: string): string {
  return `${table.catalog}\u0000${table.schema}\u0000${table.name}\u0000${text}`;
}
