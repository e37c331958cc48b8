/** Minimal Trino client for the differential test: run a statement to completion, read its QueryInfo. */
import type { MetadataProvider, QualifiedName } from '../../src/sql/analyzer/index.js';

export const TRINO_URL = process.env.QUERYGATE_TRINO_URL ?? `http://127.0.0.1:${process.env.QUERYGATE_TRINO_PORT ?? '18080'}`;
const USER = 'querygate-analyzer-diff';

export interface RunResult {
  id: string;
  error?: string;
  rows: unknown[][];
}

export async function trinoUp(): Promise<boolean> {
  try {
    const r = await fetch(`${TRINO_URL}/v1/info`, { signal: AbortSignal.timeout(2000) });
    const info = (await r.json()) as { starting?: boolean };
    return r.ok && info.starting === false;
  } catch {
    return false;
  }
}

export async function run(sql: string, session: { catalog?: string; schema?: string } = { catalog: 'tpch', schema: 'tiny' }): Promise<RunResult> {
  const headers: Record<string, string> = { 'X-Trino-User': USER, 'X-Trino-Source': 'querygate-analyzer-differential' };
  if (session.catalog) headers['X-Trino-Catalog'] = session.catalog;
  if (session.schema) headers['X-Trino-Schema'] = session.schema;
  let res = await fetch(`${TRINO_URL}/v1/statement`, { method: 'POST', headers, body: sql });
  let doc = (await res.json()) as { id: string; nextUri?: string; data?: unknown[][]; error?: { message: string } };
  const id = doc.id;
  const rows: unknown[][] = [];
  for (;;) {
    if (doc.data) rows.push(...doc.data);
    if (doc.error) return { id, error: doc.error.message, rows };
    if (!doc.nextUri) return { id, rows };
    res = await fetch(doc.nextUri, { headers: { 'X-Trino-User': USER } });
    doc = (await res.json()) as typeof doc;
  }
}

export interface ReferencedTable {
  catalog: string;
  schema: string;
  table: string;
  columns: Array<{ column: string }>;
  directlyReferenced: boolean;
}

export async function queryInfo(id: string): Promise<{ referencedTables: ReferencedTable[]; routines: Array<{ routine: string }> }> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${TRINO_URL}/v1/query/${id}`, { headers: { 'X-Trino-User': USER } });
    if (res.ok) return (await res.json()) as { referencedTables: ReferencedTable[]; routines: Array<{ routine: string }> };
    if (attempt > 20) throw new Error(`QueryInfo ${id}: HTTP ${res.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Column names from Trino's information_schema (tables and views), cached. */
export class TrinoMetadata implements MetadataProvider {
  private readonly cache = new Map<string, Promise<string[] | undefined>>();
  columnsOf(t: QualifiedName): Promise<string[] | undefined> {
    const key = `${t.catalog}.${t.schema}.${t.name}`;
    let p = this.cache.get(key);
    if (!p) {
      p = (async () => {
        if (!/^[a-z0-9_]+$/.test(t.catalog)) return undefined;
        const r = await run(
          `SELECT column_name FROM ${t.catalog}.information_schema.columns WHERE table_schema = ${sqlString(t.schema)} AND table_name = ${sqlString(t.name)} ORDER BY ordinal_position`,
          {},
        );
        if (r.error) throw new Error(`metadata for ${key}: ${r.error}`);
        return r.rows.length === 0 ? undefined : r.rows.map((row) => String(row[0]));
      })();
      this.cache.set(key, p);
    }
    return p;
  }
}
