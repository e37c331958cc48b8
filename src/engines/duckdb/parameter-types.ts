/**
 * DESCRIBE INPUT on the embedded engine: each parameter's type as Trino 483 infers it from where the
 * parameter stands, for the positions checked against Trino (metadata-embedded-listings.test.ts):
 *
 * - compared with a column (`col = ?`, `? < col`, `col IS DISTINCT FROM ?`): the column's type;
 * - in `col [NOT] IN (?, ...)` whose list holds parameters only, or `col [NOT] BETWEEN ? AND ?`: the column's type;
 * - `LIMIT ?` and `OFFSET ?`: bigint;
 * - among the arguments of `coalesce` beside one column and other parameters only: the column's type;
 * - a select item that is the parameter itself, or `? IS [NOT] NULL`: unknown.
 *
 * A parameter anywhere else (an operand of arithmetic, a function argument, beside a literal of
 * another type, next to a column of a derived table) is refused with NOT_SUPPORTED rather than
 * given a type Trino might not give it.
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { tokenize } from '../../sql/lexer.js';
import { parseTranslatable, type Expr, type Query, type Relation, type Spec } from './translation/syntax.js';

const COMPARISONS = new Set(['=', '<>', '<', '>', '<=', '>=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM']);
/** The column reference each parameter is bound to while the statement is parsed: no query names it. */
const MARKER = 'querygate parameter ';

export type ColumnTypes = (catalog: string, schema: string, table: string) => Promise<ReadonlyArray<{ name: string; type: string }>>;

function refused(): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'DESCRIBE INPUT of a parameter in this position is not supported on the embedded engine (Trino infers its type from where it stands)');
}

/** `sql` with each `?` of LIMIT and OFFSET replaced by 1, which the engine can analyze, and those parameters' indexes. */
export function withCountParameters(sql: string): { sql: string; counts: Set<number> } {
  const tokens = tokenize(sql);
  const counts = new Set<number>();
  let text = '';
  let from = 0;
  let index = 0;
  tokens.forEach((t, i) => {
    if (t.kind !== 'symbol' || t.value !== '?') return;
    const before = tokens[i - 1];
    if (before?.kind === 'word' && (before.value === 'LIMIT' || before.value === 'OFFSET')) {
      counts.add(index);
      text += `${sql.slice(from, t.start)}1`;
      from = t.end;
    }
    index++;
  });
  return { sql: text + sql.slice(from), counts };
}

/** The tables of a FROM clause by the name a column may be qualified with; undefined when a relation is not a plain table (a CTE's name among them). */
function fromTables(relations: Relation[], cteNames: ReadonlySet<string>): Map<string, string[]> | undefined {
  const tables = new Map<string, string[]>();
  const visit = (r: Relation): boolean => {
    if (r.k === 'join') return r.using === undefined && visit(r.left) && visit(r.right);
    if (r.k !== 'table' || r.columns !== undefined || (r.name.length === 1 && cteNames.has(r.name[0]!))) return false;
    tables.set(r.alias?.toLowerCase() ?? r.name[r.name.length - 1]!, r.name);
    return true;
  };
  return relations.every(visit) ? tables : undefined;
}

/** Each parameter's type as Trino's DESCRIBE INPUT shows it (`bigint`, `varchar(25)`, `unknown`), or NOT_SUPPORTED. */
export async function parameterTypes(sql: string, count: number, session: { catalog?: string | undefined; schema?: string | undefined }, columnsOf: ColumnTypes): Promise<string[]> {
  const { sql: analyzed, counts } = withCountParameters(sql);
  const others = Array.from({ length: count }, (_, i) => i).filter((i) => !counts.has(i));
  const statement = parseTranslatable(analyzed, others.map((i) => `"${MARKER}${i}"`));
  // Each type is looked up only once every parameter has a place: a refused lookup then fails the statement, never a stray promise.
  const types = new Map<number, () => Promise<string> | string>([...counts].map((i) => [i, () => 'bigint']));
  const parameter = (e: Expr | undefined): number | undefined =>
    e?.k === 'column' && e.parts.length === 1 && e.parts[0]!.startsWith(MARKER) ? Number(e.parts[0]!.slice(MARKER.length)) : undefined;

  const cteNames = new Set<string>();
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (node === null || typeof node !== 'object') return;
    const query = node as Partial<Query>;
    if (Array.isArray(query.with)) for (const cte of query.with) cteNames.add(cte.name.toLowerCase());
    Object.values(node).forEach(collect);
  };
  collect(statement);
  const columnType = async (column: Expr & { k: 'column' }, spec: Spec): Promise<string> => {
    const tables = fromTables(spec.from, cteNames);
    if (tables === undefined || column.parts.length > 2) throw refused();
    const candidates = column.parts.length === 2 ? [tables.get(column.parts[0]!)].filter((t) => t !== undefined) : [...tables.values()];
    const found: string[] = [];
    for (const name of candidates) {
      const [catalog, schema, table] = name.length === 3 ? name : name.length === 2 ? [session.catalog, ...name] : [session.catalog, session.schema, ...name];
      if (catalog === undefined || schema === undefined) throw refused();
      const match = (await columnsOf(catalog.toLowerCase(), schema.toLowerCase(), table!.toLowerCase())).find((c) => c.name.toLowerCase() === column.parts[column.parts.length - 1]);
      if (match !== undefined) found.push(match.type.toLowerCase().replaceAll(', ', ','));
    }
    // Not one table's column here (an outer query's, a derived table's, or ambiguous): refused.
    if (found.length !== 1) throw refused();
    return found[0]!;
  };
  const assign = (index: number | undefined, type: () => Promise<string> | string): void => {
    if (index !== undefined) types.set(index, type);
  };

  const visit = (node: unknown, spec: Spec | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, spec));
    if (node === null || typeof node !== 'object') return;
    const n = node as { k?: string } & Record<string, unknown>;
    const inner = n.k === 'spec' ? (n as unknown as Spec) : spec;
    if (n.k === 'spec') for (const item of inner!.select) if (item.k === 'expr') assign(parameter(item.e), () => 'unknown');
    if (inner !== undefined) {
      const e = n as unknown as Expr;
      if (e.k === 'binary' && COMPARISONS.has(e.op)) {
        for (const [column, other] of [[e.left, e.right], [e.right, e.left]] as const) {
          if (column.k === 'column' && parameter(column) === undefined) assign(parameter(other), () => columnType(column, inner));
        }
      }
      if (e.k === 'inList' && e.arg.k === 'column' && parameter(e.arg) === undefined && e.list.every((x) => parameter(x) !== undefined)) {
        for (const x of e.list) assign(parameter(x), () => columnType(e.arg as Expr & { k: 'column' }, inner));
      }
      // Tested for null only, a parameter keeps no type; beside one column in coalesce, it takes the column's.
      if (e.k === 'isNull') assign(parameter(e.arg), () => 'unknown');
      const columns = e.k === 'call' && e.name === 'coalesce' && !e.distinct && !e.over && !e.filter ? e.args.filter((a) => parameter(a) === undefined) : [];
      if (e.k === 'call' && columns.length === 1 && columns[0]!.k === 'column') {
        const column = columns[0]!;
        for (const a of e.args) assign(parameter(a), () => columnType(column, inner));
      }
      if (e.k === 'between' && e.arg.k === 'column' && parameter(e.arg) === undefined && parameter(e.low) !== undefined && parameter(e.high) !== undefined) {
        const column = e.arg;
        assign(parameter(e.low), () => columnType(column, inner));
        assign(parameter(e.high), () => columnType(column, inner));
      }
    }
    for (const value of Object.values(n)) visit(value, inner);
  };
  visit(statement, undefined);
  if (types.size !== count) throw refused();
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await types.get(i)!());
  return out;
}
