/**
 * Statements the gateway analyzes as Trino SQL but the embedded DuckDB binds differently. Access
 * control reads a statement with Trino's name resolution; DuckDB runs the same text with its own.
 * Wherever the two disagree on what a name means, the columns the gateway checked are not the
 * columns DuckDB reads, so on the embedded engine such a statement is refused (NOT_SUPPORTED),
 * never run. Found by running each construct through both (the gateway's parser and DuckDB):
 *
 * - `COLUMNS(*)`, `COLUMNS('regex')`, `COLUMNS(lambda)` and `UNPACK(...)` look like function calls
 *   to Trino, but are DuckDB star expressions that expand to table columns;
 * - in an ORDER BY expression (not a bare name), DuckDB binds a name to the FROM column, Trino to
 *   the select-list alias: `SELECT c_name AS c_phone ... ORDER BY c_phone LIKE '31-%'` sorts by
 *   the real c_phone;
 * - a relation's name or alias used as a value is the whole row as a struct in DuckDB
 *   (`SELECT c FROM customer c`); Trino has no such reading;
 * - `ORDER BY ALL` sorts by every output column in DuckDB, where Trino reads a column `all`;
 * - DuckDB's catalogs `system` and `temp` and its `information_schema` and `pg_catalog` schemas are
 *   not Trino's: they list every attached catalog, view text and database file path.
 *
 * DuckDB-only syntax (`SELECT * EXCLUDE/REPLACE/RENAME/LIKE/SIMILAR TO`, `GROUP BY ALL`, `#1`,
 * FROM-first, QUALIFY, PIVOT, `read_csv(...)` in FROM, string literals as tables, `::`, `:=`,
 * NATURAL JOIN) does not parse as Trino SQL, so the gateway refuses it before this check.
 */
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { Expr, Ident, Query, Statement } from '../../sql/analyzer/ast.js';
import { parseStatement } from '../../sql/analyzer/parser.js';

const STAR_EXPRESSIONS = new Set(['columns', 'unpack']);
const DUCKDB_CATALOGS = new Set(['system', 'temp']);
const DUCKDB_SCHEMAS = new Set(['information_schema', 'pg_catalog']);

function refuse(what: string): QueryFailure {
  return new QueryFailure(ErrorCodes.NOT_SUPPORTED, `${what} is read differently by the embedded DuckDB engine than by Trino; it is not supported there`);
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null;
}

/** Every object in the tree, depth first (the tree is the parser's, so it is finite and acyclic). */
function* nodes(root: unknown): Generator<Node> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else if (isNode(value)) {
      yield value;
      for (const v of Object.values(value)) if (isNode(v)) stack.push(v);
    }
  }
}

function isQuery(n: Node): n is Node & Query {
  return 'body' in n && 'orderBy' in n && Array.isArray(n.orderBy);
}

function isRef(n: Node): n is Node & Extract<Expr, { k: 'ref' }> {
  return n.k === 'ref' && Array.isArray(n.parts);
}

/** The explicit aliases of a query's select list (the first term of a set operation names the output). */
function aliasesOf(q: Query): Set<string> {
  let body = q.body;
  while (body.k !== 'spec') {
    if (body.k === 'setop') body = body.terms[0]!;
    else if (body.k === 'nested') body = body.query.body;
    else return new Set();
  }
  const names = new Set<string>();
  for (const item of body.select) if (item.k === 'expr' && item.alias) names.add(item.alias.value);
  return names;
}

const ALIASED_RELATIONS = new Set(['table', 'subquery', 'unnest', 'tableFunction', 'paren', 'merge']);

/** Names of relations (tables as written, their aliases, CTEs) anywhere in the statement. */
function relationNames(root: Statement): Set<string> {
  const names = new Set<string>();
  for (const n of nodes(root)) {
    const alias = n.alias as Ident | undefined;
    if (ALIASED_RELATIONS.has(n.k as string) && alias !== undefined) names.add(alias.value);
    if (n.k === 'table' && Array.isArray(n.name)) names.add((n.name as Ident[])[(n.name as Ident[]).length - 1]!.value);
    // A CTE: { name, columns?, query }
    if (n.k === undefined && 'query' in n && isNode(n.name) && !Array.isArray(n.name)) names.add((n.name as unknown as Ident).value);
  }
  return names;
}

/** Table names of the statement as written: FROM items, `TABLE t`, and statement targets and sources. */
function tableNames(root: Statement): Ident[][] {
  const found: Ident[][] = [];
  for (const n of nodes(root)) {
    if (n.k === 'table' && Array.isArray(n.name)) found.push(n.name as Ident[]);
    if (Array.isArray(n.table)) found.push(n.table as Ident[]);
  }
  return found;
}

/**
 * Why `sql` must not run on the embedded engine, if it must not. `session` completes 1- and
 * 2-part table names as the engine will (its search path starts at the session schema).
 */
export function embeddedBindingRefusal(sql: string, session: { catalog?: string; schema?: string }): QueryFailure | undefined {
  const statement = parseStatement(sql);
  const relations = relationNames(statement);
  // `t.*` names a relation in both engines.
  const starPrefixes = new Set<Node>();
  for (const n of nodes(statement)) if (n.k === 'star' && isNode(n.prefix)) starPrefixes.add(n.prefix);
  for (const n of nodes(statement)) {
    if (n.k === 'call' && Array.isArray(n.name)) {
      const name = (n.name as Ident[])[(n.name as Ident[]).length - 1]!.value;
      if (STAR_EXPRESSIONS.has(name)) return refuse(`${name.toUpperCase()}(...)`);
    }
    if (isRef(n) && !starPrefixes.has(n) && relations.has(n.parts[n.parts.length - 1]!.value)) {
      return refuse(`The name '${n.parts.map((p) => p.value).join('.')}', also the name of a relation,`);
    }
    if (isQuery(n)) {
      const aliases = aliasesOf(n);
      for (const item of n.orderBy) {
        if (isRef(item.e as Node)) {
          if ((item.e as Extract<Expr, { k: 'ref' }>).parts.map((p) => p.value).join('.') === 'all') return refuse('ORDER BY ALL');
          continue;
        }
        for (const inner of nodes(item.e)) {
          if (isRef(inner) && inner.parts.length === 1 && aliases.has(inner.parts[0]!.value)) {
            return refuse(`The select-list alias '${inner.parts[0]!.value}' inside an ORDER BY expression`);
          }
        }
      }
    }
  }
  for (const parts of tableNames(statement)) {
    const catalog = parts.length >= 3 ? parts[parts.length - 3]!.value : session.catalog?.toLowerCase();
    const schema = parts.length >= 2 ? parts[parts.length - 2]!.value : session.schema?.toLowerCase();
    if ((catalog !== undefined && DUCKDB_CATALOGS.has(catalog)) || (schema !== undefined && DUCKDB_SCHEMAS.has(schema))) {
      return refuse(`The table ${parts.map((p) => p.value).join('.')} (DuckDB's own metadata)`);
    }
  }
  return undefined;
}
