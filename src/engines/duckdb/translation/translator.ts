/**
 * Trino query → DuckDB SQL with Trino's semantics. Types are inferred bottom-up from the
 * catalog's column types and Trino's typing rules, and every expression is rendered so that
 * DuckDB computes exactly Trino's value of exactly Trino's type: integer division truncates and
 * fails on zero, decimal arithmetic widens as Trino's does, double division by zero gives
 * Infinity or NaN, comparisons treat NaN as IEEE 754 does, and the session functions are bound
 * from the session. Output columns get Trino's names (`_col0` for unnamed expressions) and types.
 *
 * The translator accepts a subset of Trino SQL and refuses the rest with NOT_SUPPORTED naming the
 * construct and its position: a refusal is always preferred to an answer that might differ.
 */
import type { OutputColumn } from '../../local-engine.js';
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { quoteIdentifier, quoteString } from '../../../sql/quoting.js';
import { arrayConstructor, subscript, unnestRelation } from './arrays.js';
import { charCast, charCastTarget, charConcat, charLiteral } from './chars.js';
import {
  currentDate,
  currentTimestamp,
  datetimeArithmetic,
  datetimeCast,
  datetimeResult,
  dayToSecondLiteral,
  extractField,
  localTimestamp,
  negateDayToSecond,
  timeLiteral,
  timestampLiteral,
  zonedCall,
  zonedCastTarget,
} from './datetime.js';
import { FUNCTION_TABLE, LAMBDA_TABLE } from './function-table.js';
import { DATE_FIELDS, TRINO_REJECTS, cast, raise, type Typed } from './functions.js';
import { castFromJson, castToJson, jsonLiteral } from './json-type.js';
import { lambdaCall } from './lambdas.js';
import { MAP_REJECTS, mapSubscript } from './maps.js';
import { fieldReference, rowCast, rowConstructor, rowSubscript } from './rows.js';
import { groupingArguments, renderGroupingElement } from './grouping.js';
import { decimalQuotient } from './decimal-division.js';
import { castFromVarchar } from './text-casts.js';
import { tryExpression } from './try.js';
import { renderFrame } from './windows.js';
import {
  notSupported,
  type ColumnDefinition,
  type Expr,
  type Literal,
  type Pos,
  type Query,
  type QueryBody,
  type Relation,
  type SortItem,
  type Spec,
  type Statement,
  type Window,
} from './syntax.js';
import {
  MAX_DECIMAL_PRECISION,
  T,
  asDecimal,
  columnTypeName,
  commonType,
  decimal,
  duckType,
  holdsMap,
  isExactNumeric,
  isComparable,
  isFloating,
  isInteger,
  isNumeric,
  parseTypeName,
  sameType,
  typeMismatch,
  typeName,
  varchar,
  type TrinoType,
} from './types.js';

export interface TranslationSession {
  user: string;
  catalog?: string | undefined;
  schema?: string | undefined;
  /** The client sent PARAMETRIC_DATETIME: timestamps and times are shown with their precision (else as milliseconds, typed `timestamp`). */
  parametricDatetime?: boolean | undefined;
  /** The session's time zone (`X-Trino-Time-Zone`), when the client set one. */
  timeZone?: string | undefined;
}

/** Trino column types of a table (`catalog.schema.table`, lower-cased), or which part of its name names nothing. */
export type ColumnLookup = (catalog: string, schema: string, table: string) => ReadonlyArray<{ name: string; type: string }> | 'catalog' | 'schema' | 'table';

/** How a query reads tables other than the engine's own (the gateway's metadata tables, evaluated over rows it loads). */
export interface TableSource {
  /** DuckDB's relation for a qualified table name. */
  relation(name: [string, string, string]): string;
  /** DuckDB's type for the values of a column type the translator carries without modelling it, or undefined to refuse the column. */
  carriedType(type: string): string | undefined;
}

const ENGINE_TABLES: TableSource = {
  relation: (name) => name.map(quoteIdentifier).join('.'),
  carriedType: () => undefined,
};

export interface Translation {
  sql: string;
  /** A query's output columns as Trino names and types them; absent for a statement that answers with a row count or nothing. */
  columns?: OutputColumn[];
  /** Statements run before `sql`, in one transaction with it (CREATE TABLE AS creates its table, then inserts). */
  before?: string[];
  /** Trino's update type, when DuckDB's statement is of another kind. */
  updateType?: string;
  /** The statement changes data or objects (anything but a query). */
  writes?: boolean;
}

/** The DuckDB form of a varchar(n) column: DuckDB ignores a declared length, so a CHECK carries it (read back by the engine's column lookup). */
export function varcharLengthCheck(column: string, length: number): string {
  return `CHECK (length(${q(column)}) <= ${length})`;
}

interface Field {
  /** Trino's name, lower-cased for resolution; undefined for an unnamed expression (`_colN` only at the top). */
  name: string | undefined;
  /** The name as the query wrote it, which Trino reports as the output column's name. */
  display?: string | undefined;
  type: TrinoType;
  /** DuckDB SQL reading the field. */
  sql: string;
  /** The table whose column the field is, unchanged (DESCRIBE OUTPUT's Catalog, Schema and Table). */
  origin?: OutputColumn['origin'];
  /** The select item named the field with AS. */
  aliased?: boolean;
}

interface ScopeRelation {
  /** The names the relation answers to: its alias, or its table name fully qualified. */
  qualifier: string[];
  fields: Field[];
}

class Scope {
  constructor(
    readonly relations: ScopeRelation[],
    readonly parent: Scope | undefined,
    readonly ctes: Map<string, { fields: Field[]; sqlName: string }>,
  ) {}

  cte(name: string): { fields: Field[]; sqlName: string } | undefined {
    return this.ctes.get(name) ?? this.parent?.cte(name);
  }
}

/** The tables a statement names: those its query reads (before CTE resolution) and the one it writes. */
export function statementTables(statement: Statement): string[][] {
  switch (statement.k) {
    case 'query':
      return tableNames(statement.query);
    case 'insert':
    case 'createTableAs':
    case 'createView':
      return [statement.table, ...tableNames(statement.query)];
    case 'delete':
    case 'update': {
      const select: Query = {
        with: [],
        body: { k: 'spec', distinct: false, select: statement.k === 'update' ? statement.set.map((s) => ({ k: 'expr', e: s.value, pos: s.pos })) : [], from: [], groupBy: [], pos: statement.pos, ...(statement.where ? { where: statement.where } : {}) },
        orderBy: [],
        pos: statement.pos,
      };
      return [statement.table, ...tableNames(select)];
    }
    case 'createTable':
      return [statement.table];
    case 'drop':
      return statement.object === 'SCHEMA' ? [] : [statement.name];
    case 'createSchema':
      return [];
  }
}

/** The tables a query names (before CTE resolution), for fetching their column types ahead of translation. */
export function tableNames(query: Query): string[][] {
  const found: string[][] = [];
  const visitQuery = (q: Query): void => {
    for (const cte of q.with) visitQuery(cte.query);
    visitBody(q.body);
    for (const s of q.orderBy) visitExpr(s.e);
  };
  const visitBody = (b: QueryBody): void => {
    if (b.k === 'spec') {
      b.from.forEach(visitRelation);
      for (const item of b.select) if (item.k === 'expr') visitExpr(item.e);
      [b.where, b.having, ...b.groupBy, ...(b.groupingElements ?? []).flatMap((g) => g.sets.flat())].forEach((e) => e && visitExpr(e));
    } else if (b.k === 'setop') {
      visitBody(b.left);
      visitBody(b.right);
    } else if (b.k === 'nested') visitQuery(b.query);
    else b.rows.flat().forEach(visitExpr);
  };
  const visitRelation = (r: Relation): void => {
    if (r.k === 'table') found.push(r.name);
    else if (r.k === 'subquery') visitQuery(r.query);
    else if (r.k === 'unnest') r.args.forEach(visitExpr);
    else {
      visitRelation(r.left);
      visitRelation(r.right);
      if (r.on) visitExpr(r.on);
    }
  };
  const visitExpr = (e: Expr): void => {
    for (const value of Object.values(e)) {
      if (typeof value !== 'object' || value === null) continue;
      if ('with' in value && 'body' in value) visitQuery(value as Query);
      else if ('k' in value && 'pos' in value) visitExpr(value as Expr);
      else if (Array.isArray(value)) {
        for (const v of value) {
          if (typeof v !== 'object' || v === null) continue;
          if ('k' in v && 'pos' in v) visitExpr(v as Expr);
          else if ('e' in v) visitExpr((v as SortItem).e);
          else if ('when' in v) {
            visitExpr(v.when as Expr);
            visitExpr(v.then as Expr);
          }
        }
      } else if ('partitionBy' in value) {
        const w = value as Window;
        w.partitionBy.forEach(visitExpr);
        w.orderBy.forEach((s) => visitExpr(s.e));
        for (const bound of [w.frame?.start, w.frame?.end]) if (bound && 'offset' in bound) visitExpr(bound.offset);
      }
    }
  };
  visitQuery(query);
  return found;
}

/** Whether Trino has a cast between the types: none between dates and numbers or booleans, nor between varbinary and those. */
function hasTrinoCast(from: TrinoType, to: TrinoType): boolean {
  const without = (a: TrinoType, b: TrinoType): boolean =>
    (a.k === 'date' && (isNumeric(b) || b.k === 'boolean')) || (a.k === 'varbinary' && (isNumeric(b) || b.k === 'boolean' || b.k === 'date'));
  return !without(from, to) && !without(to, from);
}

function failure(code: keyof typeof ErrorCodes, message: string, pos: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes[code], `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

const q = quoteIdentifier;
const outputName = (i: number): string => `_q${i}`;

/** Inclusive value ranges of Trino's integer types, for typing integer literals. */
const INT_MAX = 2147483647n;
const INTEGER_LITERAL_TYPES = {
  tinyint: { type: T.tinyint, max: 127n },
  smallint: { type: T.smallint, max: 32767n },
  integer: { type: T.integer, max: 2147483647n },
  bigint: { type: T.bigint, max: 9223372036854775807n },
} as const;
const BIGINT_MAX = 9223372036854775807n;

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);

/** Types held in DuckDB in a form a table or view column would not report as Trino's type (months, milliseconds, timestamp precisions), and arrays, maps and json values, not modelled as columns. */
const WITHOUT_COLUMNS = new Set<TrinoType['k']>(['intervalYearToMonth', 'intervalDayToSecond', 'timestamp', 'time', 'array', 'map', 'char', 'json']);

export class Translator {
  private aliases = 0;
  /** The GROUP BY expressions (DuckDB SQL) of the SELECT being translated, which grouping() may name; undefined outside a GROUP BY. */
  private groupingKeys: string[] | undefined;

  constructor(
    private readonly session: TranslationSession,
    private readonly lookup: ColumnLookup,
    private readonly tables: TableSource = ENGINE_TABLES,
  ) {}

  translate(query: Query): Translation {
    const { sql, fields } = this.query(query, undefined);
    const alias = this.alias();
    const parametric = this.session.parametricDatetime === true;
    const results = fields.map((f, i) => datetimeResult(f.type, `${alias}.${q(outputName(i))}`, parametric));
    const columns = fields.map((f, i) => ({ name: f.display ?? f.name ?? `_col${i}`, type: results[i]?.type ?? columnTypeName(f.type), origin: f.origin, aliased: f.aliased }));
    if (!fields.some((f, i) => f.type.k === 'intervalYearToMonth' || results[i] !== undefined)) return { sql, columns };
    // Months, milliseconds and timestamps are carried as DuckDB values up to the result, which shows them as Trino does (`-1-6`).
    const items = fields.map((f, i) => {
      const column = `${alias}.${q(outputName(i))}`;
      return `${f.type.k === 'intervalYearToMonth' ? yearToMonthText(column) : (results[i]?.sql ?? column)} AS ${q(outputName(i))}`;
    });
    return { sql: `SELECT ${items.join(', ')} FROM (${sql}) ${alias}`, columns };
  }

  /** Any statement the syntax recognises: queries and the writes, each with Trino's semantics. */
  translateStatement(statement: Statement): Translation {
    switch (statement.k) {
      case 'query':
        return this.translate(statement.query);
      case 'insert':
        return this.insert(statement);
      case 'createTable':
        return this.createTable(statement);
      case 'createTableAs':
        return this.createTableAs(statement);
      case 'createView':
        return this.createView(statement);
      case 'delete':
      case 'update':
        return this.modify(statement);
      case 'drop': {
        const name = statement.object === 'SCHEMA' ? this.qualifySchema(statement.name, statement.pos) : this.qualify(statement.name, statement.pos);
        if (statement.object !== 'SCHEMA' && !statement.ifExists && this.lookup(...(name as [string, string, string])) === 'table') {
          // Trino reports a missing view as a user error, a missing table as TABLE_NOT_FOUND.
          if (statement.object === 'VIEW') throw failure('GENERIC_USER_ERROR', `View '${name.join('.')}' does not exist`, statement.pos);
          throw failure('TABLE_NOT_FOUND', `Table '${name.join('.')}' does not exist`, statement.pos);
        }
        return { sql: `DROP ${statement.object} ${statement.ifExists ? 'IF EXISTS ' : ''}${name.map(q).join('.')}${statement.cascade ? ' CASCADE' : ''}` };
      }
      case 'createSchema':
        return { sql: `CREATE SCHEMA ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.qualifySchema(statement.name, statement.pos).map(q).join('.')}` };
    }
  }

  private qualifySchema(name: string[], pos: Pos): [string, string] {
    if (name.length === 2) return [name[0]!, name[1]!];
    if (name.length > 2) throw failure('SYNTAX_ERROR', `Too many parts in schema name: ${name.join('.')}`, pos);
    if (this.session.catalog === undefined) throw failure('MISSING_CATALOG_NAME', 'Catalog must be specified when session catalog is not set', pos);
    return [this.session.catalog.toLowerCase(), name[0]!];
  }

  /** The columns of an existing table, with their Trino types. */
  private targetColumns(name: [string, string, string], pos: Pos): Array<{ name: string; type: TrinoType }> {
    const columns = this.lookup(...name);
    if (columns === 'catalog') throw failure('CATALOG_NOT_FOUND', `Catalog '${name[0]}' not found`, pos);
    if (columns === 'schema') throw failure('SCHEMA_NOT_FOUND', `Schema '${name[1]}' does not exist`, pos);
    if (columns === 'table') throw failure('TABLE_NOT_FOUND', `Table '${name.join('.')}' does not exist`, pos);
    return columns.map((c) => {
      const type = parseTypeName(c.type);
      if (!type) throw notSupported(`Writing to column ${c.name} of type ${c.type}`, pos);
      return { name: c.name.toLowerCase(), type };
    });
  }

  /** A table the statement creates: its catalog and schema must exist and the table must not. */
  private newTable(table: string[], pos: Pos): [string, string, string] {
    const name = this.qualify(table, pos);
    const found = this.lookup(...name);
    if (found === 'catalog') throw failure('CATALOG_NOT_FOUND', `Catalog '${name[0]}' not found`, pos);
    if (found === 'schema') throw failure('SCHEMA_NOT_FOUND', `Schema '${name[1]}' does not exist`, pos);
    if (found !== 'table') throw failure('TABLE_ALREADY_EXISTS', `Destination table '${name.join('.')}' already exists`, pos);
    return name;
  }

  /**
   * A value converted to a column's type on INSERT or UPDATE as Trino does: numbers to any
   * numeric type by CAST, strings to a shorter varchar only by dropping trailing spaces; every
   * other pair of different types is a mismatch (undefined).
   */
  private assignment(v: Typed, to: TrinoType, pos: Pos): string | undefined {
    const from = v.type;
    if (from.k === 'unknown') return `CAST(NULL AS ${duckType(to)})`;
    if (from.k === 'char') throw notSupported('Writing a char value', pos);
    if (isNumeric(from) && isNumeric(to)) return sameType(from, to) ? v.sql : this.castExpr(v, typeName(to), false, pos).sql;
    if (from.k === 'varchar' && to.k === 'varchar') {
      if (to.length === undefined || (from.length !== undefined && from.length <= to.length)) return v.sql;
      const cut = raise('INVALID_CAST_ARGUMENT', `Cannot truncate non-space characters when casting from ${typeName(from)} to ${typeName(to)} on INSERT`);
      // Only U+0020 counts as a space here: a tab past the length is an error in Trino.
      return `(CASE WHEN length(${v.sql}) <= ${to.length} THEN ${v.sql} WHEN rtrim(substr(${v.sql}, ${to.length + 1}), ' ') = '' THEN left(${v.sql}, ${to.length}) ELSE ${cut} END)`;
    }
    return from.k === to.k && from.k !== 'decimal' && sameType(from, to) ? v.sql : undefined;
  }

  private insert(statement: Statement & { k: 'insert' }): Translation {
    const name = this.qualify(statement.table, statement.pos);
    const table = this.targetColumns(name, statement.pos);
    let targets = table;
    if (statement.columns) {
      const seen = new Set<string>();
      targets = statement.columns.map((written) => {
        const column = written.toLowerCase();
        if (seen.has(column)) throw failure('DUPLICATE_COLUMN_NAME', `Insert column name is specified more than once: ${column}`, statement.pos);
        seen.add(column);
        const found = table.find((c) => c.name === column);
        if (!found) throw failure('COLUMN_NOT_FOUND', `Insert column name does not exist in target table: ${column}`, statement.pos);
        return found;
      });
    }
    const source = this.query(statement.query, undefined);
    const mismatch = (): QueryFailure =>
      typeMismatch(`Insert query has mismatched column types: Table: [${targets.map((c) => typeName(c.type).replace(', ', ',')).join(', ')}], Query: [${source.fields.map((f) => typeName(f.type).replace(', ', ',')).join(', ')}]`, statement.pos);
    if (source.fields.length !== targets.length) throw mismatch();
    const alias = this.alias();
    const values = targets.map((c, i) => {
      const field = source.fields[i]!;
      const value = this.assignment({ sql: `${alias}.${q(outputName(i))}`, type: field.type, expr: PLACEHOLDER }, c.type, statement.pos);
      if (value === undefined) throw mismatch();
      return value;
    });
    return {
      sql: `INSERT INTO ${name.map(q).join('.')} (${targets.map((c) => q(c.name)).join(', ')}) SELECT ${values.join(', ')} FROM (${source.sql}) ${alias}`,
    };
  }

  /** DuckDB's column definition holding a Trino type exactly, or a refusal. */
  private columnDefinition(column: string, type: TrinoType, pos: Pos): string {
    if (type.k === 'unknown') throw failure('COLUMN_TYPE_UNKNOWN', `Column type is unknown: ${column}`, pos);
    // Written varbinary columns are not compared with Trino by the write differential yet.
    if (type.k === 'varbinary') throw notSupported(`Column ${column} of type varbinary`, pos);
    if (WITHOUT_COLUMNS.has(type.k)) throw notSupported(`Column ${column} of type ${typeName(type)}`, pos);
    if (type.k === 'varchar' && type.length !== undefined) return `${q(column)} VARCHAR ${varcharLengthCheck(column, type.length)}`;
    return `${q(column)} ${duckType(type)}`;
  }

  private createTable(statement: Statement & { k: 'createTable' }): Translation {
    const name = this.qualify(statement.table, statement.pos);
    const found = this.lookup(...name);
    if (found === 'catalog') throw failure('CATALOG_NOT_FOUND', `Catalog '${name[0]}' not found`, statement.pos);
    if (found === 'schema') throw failure('SCHEMA_NOT_FOUND', `Schema '${name[1]}' does not exist`, statement.pos);
    if (found !== 'table' && !statement.ifNotExists) throw failure('TABLE_ALREADY_EXISTS', `Table '${name.join('.')}' already exists`, statement.pos);
    const seen = new Set<string>();
    const definitions = statement.columns.map((c: ColumnDefinition) => {
      const column = c.name.toLowerCase();
      if (seen.has(column)) throw failure('DUPLICATE_COLUMN_NAME', `Column name '${column}' specified more than once`, c.pos);
      seen.add(column);
      const type = parseTypeName(c.type);
      if (!type) throw notSupported(`Column type ${c.type}`, c.pos);
      return this.columnDefinition(column, type, c.pos);
    });
    return { sql: `CREATE TABLE ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${name.map(q).join('.')} (${definitions.join(', ')})`, updateType: 'CREATE TABLE' };
  }

  /** The output columns of a query that becomes a table or view: each needs a name, once. */
  private namedColumns(fields: Field[], columns: string[] | undefined, pos: Pos): Array<{ name: string; type: TrinoType }> {
    if (columns && columns.length !== fields.length) {
      throw failure('MISMATCHED_COLUMN_ALIASES', `Column alias list has ${columns.length} entries but relation has ${fields.length} columns`, pos);
    }
    const seen = new Set<string>();
    return fields.map((f, i) => {
      const name = (columns?.[i] ?? f.display ?? f.name)?.toLowerCase();
      if (name === undefined) throw failure('MISSING_COLUMN_NAME', `Column name not specified at position ${i + 1}`, pos);
      if (seen.has(name)) throw failure('DUPLICATE_COLUMN_NAME', `Column name '${name}' specified more than once`, pos);
      seen.add(name);
      return { name, type: f.type };
    });
  }

  private createTableAs(statement: Statement & { k: 'createTableAs' }): Translation {
    const name = this.newTable(statement.table, statement.pos);
    const source = this.query(statement.query, undefined);
    const columns = this.namedColumns(source.fields, statement.columns, statement.pos);
    const definitions = columns.map((c) => this.columnDefinition(c.name, c.type, statement.pos));
    const target = name.map(q).join('.');
    const alias = this.alias();
    const select = `SELECT ${columns.map((_, i) => `${alias}.${q(outputName(i))}`).join(', ')} FROM (${source.sql}) ${alias}${statement.withData ? '' : ' LIMIT 0'}`;
    return {
      before: [`CREATE TABLE ${target} (${definitions.join(', ')})`],
      sql: `INSERT INTO ${target} (${columns.map((c) => q(c.name)).join(', ')}) ${select}`,
      updateType: 'CREATE TABLE',
    };
  }

  private createView(statement: Statement & { k: 'createView' }): Translation {
    const name = this.qualify(statement.table, statement.pos);
    const source = this.query(statement.query, undefined);
    const columns = this.namedColumns(source.fields, undefined, statement.pos);
    for (const c of columns) {
      // A view's columns get DuckDB's types, which have no length: the view could not report varchar(n).
      if (c.type.k === 'varchar' && c.type.length !== undefined) throw notSupported(`A view column of type ${typeName(c.type)} (${c.name})`, statement.pos);
      if (c.type.k === 'unknown') throw failure('COLUMN_TYPE_UNKNOWN', `Column type is unknown: ${c.name}`, statement.pos);
      if (c.type.k === 'varbinary' || WITHOUT_COLUMNS.has(c.type.k)) throw notSupported(`A view column of type ${typeName(c.type)} (${c.name})`, statement.pos);
    }
    const alias = this.alias();
    const select = `SELECT ${columns.map((c, i) => `${alias}.${q(outputName(i))} AS ${q(c.name)}`).join(', ')} FROM (${source.sql}) ${alias}`;
    return { sql: `CREATE ${statement.replace ? 'OR REPLACE ' : ''}VIEW ${name.map(q).join('.')} AS ${select}`, updateType: 'CREATE VIEW' };
  }

  /** DELETE and UPDATE: the condition and the new values are typed in the scope of the table. */
  private modify(statement: Statement & { k: 'delete' | 'update' }): Translation {
    const name = this.qualify(statement.table, statement.pos);
    const columns = this.targetColumns(name, statement.pos);
    const alias = this.alias();
    const scope = new Scope([{ qualifier: name, fields: columns.map((c) => ({ name: c.name, type: c.type, sql: `${alias}.${q(c.name)}` })) }], undefined, new Map());
    const where = statement.where ? ` WHERE ${this.condition(statement.where, scope, 'WHERE')}` : '';
    const target = `${name.map(q).join('.')} AS ${alias}`;
    if (statement.k === 'delete') return { sql: `DELETE FROM ${target}${where}` };
    const seen = new Set<string>();
    const assignments = statement.set.map((s) => {
      const column = columns.find((c) => c.name === s.column);
      if (!column) throw failure('COLUMN_NOT_FOUND', `The UPDATE SET target column ${s.column} doesn't exist`, s.pos);
      if (seen.has(s.column)) throw failure('DUPLICATE_COLUMN_NAME', `The UPDATE SET target column ${s.column} is specified more than once`, s.pos);
      seen.add(s.column);
      const value = this.expr(s.value, scope);
      const assigned = this.assignment(value, column.type, s.pos);
      if (assigned === undefined) {
        throw typeMismatch(`UPDATE table column types don't match SET expressions: Table: [${typeName(column.type)}], Query: [${typeName(value.type)}]`, s.pos);
      }
      return `${q(column.name)} = ${assigned}`;
    });
    return { sql: `UPDATE ${target} SET ${assignments.join(', ')}${where}` };
  }

  private alias(): string {
    return q(`t${this.aliases++}`);
  }

  /** A query: its DuckDB text (output columns named _q0, _q1, ...) and its fields. */
  private query(query: Query, outer: Scope | undefined): { sql: string; fields: Field[] } {
    const ctes = new Map<string, { fields: Field[]; sqlName: string }>();
    const withScope = new Scope([], outer, ctes);
    const withParts: string[] = [];
    for (const cte of query.with) {
      if (ctes.has(cte.name)) throw failure('DUPLICATE_NAMED_QUERY', `WITH query name '${cte.name}' specified more than once`, cte.pos);
      const inner = this.query(cte.query, withScope);
      let fields = inner.fields;
      if (cte.columns) {
        if (cte.columns.length !== fields.length) throw notSupported('A WITH column list of a different length', cte.pos);
        fields = fields.map((f, i) => ({ ...f, name: cte.columns![i]!.toLowerCase(), display: cte.columns![i] }));
      }
      const sqlName = q(`w${this.aliases++}`);
      withParts.push(`${sqlName} AS (${inner.sql})`);
      ctes.set(cte.name, { fields, sqlName });
    }
    const body = this.body(query.body, withScope, query.orderBy);
    let sql = withParts.length > 0 ? `WITH ${withParts.join(', ')} ${body.sql}` : body.sql;
    if (query.orderBy.length > 0) sql += ` ORDER BY ${body.orderBy.join(', ')}`;
    if (query.limit !== undefined) sql += ` LIMIT ${query.limit}`;
    if (query.offset !== undefined) sql += ` OFFSET ${query.offset}`;
    return { sql, fields: body.fields };
  }

  /** A query body with the ORDER BY of its query rendered in the body's scope. */
  private body(body: QueryBody, scope: Scope, orderBy: SortItem[]): { sql: string; fields: Field[]; orderBy: string[] } {
    if (body.k === 'spec') return this.spec(body, scope, orderBy);
    let result: { sql: string; fields: Field[] };
    if (body.k === 'nested') {
      const inner = this.query(body.query, scope);
      result = { sql: `SELECT * FROM (${inner.sql}) ${this.alias()}`, fields: inner.fields };
    } else if (body.k === 'values') result = this.values(body, scope);
    else result = this.setOperation(body, scope);
    const outputs = result.fields;
    const rendered = orderBy.map((item) => {
      const index = this.outputIndex(item.e, outputs);
      if (index === undefined) throw notSupported('ORDER BY on an expression over a set operation or VALUES', item.e.pos);
      return this.sortKey(q(outputName(index)), outputs[index]!.type, item);
    });
    return { ...result, orderBy: rendered };
  }

  private values(body: QueryBody & { k: 'values' }, scope: Scope): { sql: string; fields: Field[] } {
    const rows = body.rows.map((row) => row.map((e) => this.expr(e, scope)));
    const width = rows[0]!.length;
    if (rows.some((r) => r.length !== width)) throw failure('TYPE_MISMATCH', 'Values rows have mismatched sizes', body.pos);
    const types = Array.from({ length: width }, (_, c) => this.commonOf(rows.map((r) => r[c]!), body.pos));
    const alias = this.alias();
    const columns = types.map((_, i) => q(outputName(i)));
    const sql = `SELECT * FROM (VALUES ${rows.map((r) => `(${r.map((v, c) => this.coerceValue(v, types[c]!)).join(', ')})`).join(', ')}) ${alias}(${columns.join(', ')})`;
    return { sql, fields: types.map((type, i) => ({ name: undefined, type, sql: `${alias}.${q(outputName(i))}` })) };
  }

  private setOperation(body: QueryBody & { k: 'setop' }, scope: Scope): { sql: string; fields: Field[] } {
    const left = this.body(body.left, scope, []);
    const right = this.body(body.right, scope, []);
    if (left.fields.length !== right.fields.length) {
      throw failure('TYPE_MISMATCH', `${body.op} query has different number of fields: ${left.fields.length}, ${right.fields.length}`, body.pos);
    }
    const types = left.fields.map((f, i) => {
      const type = commonType(f.type, right.fields[i]!.type);
      if (!type) throw typeMismatch(`column ${i + 1} in ${body.op} query has incompatible types: ${typeName(f.type)}, ${typeName(right.fields[i]!.type)}`, body.pos);
      return type;
    });
    // Which of -0 and 0 stands for both in a DISTINCT set operation differs between the engines.
    if (types.some((t) => isFloating(t) || t.k === 'array' || t.k === 'row') && !body.all) throw notSupported(`${body.op} DISTINCT over real, double, array or row columns`, body.pos);
    if (types.some(holdsMap) && !(body.op === 'UNION' && body.all)) throw notSupported(`${body.op} ${body.all ? 'ALL' : 'DISTINCT'} over map columns`, body.pos);
    const side = (s: { sql: string; fields: Field[] }): string => {
      const alias = this.alias();
      const items = s.fields.map((f, i) => `${this.coerceValue({ sql: `${alias}.${q(outputName(i))}`, type: f.type, expr: PLACEHOLDER }, types[i]!)} AS ${q(outputName(i))}`);
      return `SELECT ${items.join(', ')} FROM (${s.sql}) ${alias}`;
    };
    const op = `${body.op} ${body.all ? 'ALL' : 'DISTINCT'}`;
    const sql = `(${side(left)}) ${op} (${side(right)})`;
    return { sql: `SELECT * FROM (${sql}) ${this.alias()}`, fields: left.fields.map((f, i) => ({ name: f.name, display: f.display, type: types[i]!, sql: '', origin: f.origin, aliased: f.aliased })) };
  }

  /** The output column an ORDER BY item names (a bare name of an output or an ordinal), if it does. */
  private outputIndex(e: Expr, outputs: Field[]): number | undefined {
    if (e.k === 'literal' && e.lit.k === 'integer') {
      const n = Number(e.lit.text);
      if (n < 1 || n > outputs.length) throw failure('INVALID_COLUMN_REFERENCE', `ORDER BY position ${n} is not in select list`, e.pos);
      return n - 1;
    }
    if (e.k === 'column' && e.parts.length === 1) {
      const matches = outputs.flatMap((f, i) => (f.name === e.parts[0] ? [i] : []));
      if (matches.length > 1) throw failure('AMBIGUOUS_NAME', `'${e.parts[0]}' in ORDER BY is ambiguous`, e.pos);
      return matches[0];
    }
    return undefined;
  }

  /** The keys of an ORDER BY inside a window or an aggregate call, in the call's scope. */
  private sortKeys(items: SortItem[], scope: Scope): string[] {
    return items.map((item) => {
      const key = this.expr(item.e, scope);
      return this.sortKey(key.sql, key.type, item);
    });
  }

  private sortKey(sql: string, type: TrinoType, item: SortItem): string {
    // Trino has no order of maps.
    if (holdsMap(type)) throw typeMismatch(`Type ${typeName(type)} is not orderable, and therefore cannot be used in ORDER BY`, item.e.pos);
    if (!isComparable(type)) throw notSupported(`Ordering by a value of type ${typeName(type)}`, item.e.pos);
    // Trino sorts nulls last unless told otherwise, in both directions.
    return `${sql} ${item.descending ? 'DESC' : 'ASC'} NULLS ${item.nullsFirst ? 'FIRST' : 'LAST'}`;
  }

  private spec(spec: Spec, outer: Scope, orderBy: SortItem[]): { sql: string; fields: Field[]; orderBy: string[] } {
    const relations: ScopeRelation[] = [];
    const from = spec.from.map((r) => this.relation(r, outer, relations));
    const scope = new Scope(relations, outer, new Map());
    const outerGroupingKeys = this.groupingKeys;
    const elements = (spec.groupingElements ?? []).map((g) => ({ k: g.k, sets: g.sets.map((set) => set.map((e) => this.groupingKey(e, scope))) }));
    const plainKeys = spec.groupBy.map((e) => (e.k === 'literal' && e.lit.k === 'integer' ? undefined : this.groupingKeyOf(e, scope)));
    this.groupingKeys = spec.groupBy.length + elements.length > 0 ? [...plainKeys.filter((k) => k !== undefined), ...elements.flatMap((g) => g.sets.flat())] : undefined;
    const items: string[] = [];
    const fields: Field[] = [];
    const push = (display: string | undefined, typed: { sql: string; type: TrinoType }, origin: Field['origin'], aliased: boolean): void => {
      items.push(`${typed.sql} AS ${q(outputName(fields.length))}`);
      fields.push({ name: display?.toLowerCase(), display, type: typed.type, sql: '', origin, aliased });
    };
    for (const item of spec.select) {
      if (item.k === 'star') {
        const sources = item.qualifier ? relations.filter((r) => matchesQualifier(r.qualifier, item.qualifier!)) : relations;
        if (item.qualifier && sources.length === 0) throw failure('TABLE_NOT_FOUND', `Table '${item.qualifier.join('.')}' not found`, item.pos);
        if (sources.length === 0) throw failure('COLUMN_NOT_FOUND', 'SELECT * not allowed in queries without FROM clause', item.pos);
        for (const r of sources) for (const f of r.fields) push(f.display ?? f.name, f, f.origin, false);
        continue;
      }
      const typed = this.expr(item.e, scope);
      const name = item.alias ?? (item.e.k === 'column' ? item.e.written : undefined);
      const origin = item.e.k === 'column' ? this.columnOrField(item.e.parts, scope, item.e.pos).origin : undefined;
      push(name, { sql: typed.type.k === 'unknown' ? 'NULL' : typed.sql, type: typed.type }, origin, item.alias !== undefined);
    }
    if (spec.distinct && fields.some((f) => holdsMap(f.type))) throw notSupported('SELECT DISTINCT over map values', spec.pos);
    let sql = `SELECT ${spec.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`;
    if (from.length > 0) sql += ` FROM ${from.join(', ')}`;
    if (spec.where) sql += ` WHERE ${this.condition(spec.where, scope, 'WHERE')}`;
    if (spec.groupBy.length + elements.length > 0) {
      const keys = spec.groupBy.map((e, i) => {
        if (e.k === 'literal' && e.lit.k === 'integer') {
          const n = Number(e.lit.text);
          if (n < 1 || n > fields.length) throw failure('INVALID_COLUMN_REFERENCE', `GROUP BY position ${n} is not in select list`, e.pos);
          if (holdsMap(fields[n - 1]!.type)) throw notSupported(`GROUP BY a value of type ${typeName(fields[n - 1]!.type)}`, e.pos);
          return String(n);
        }
        return plainKeys[i]!;
      });
      sql += ` GROUP BY ${[...keys, ...elements.map(renderGroupingElement)].join(', ')}`;
    }
    if (spec.having) sql += ` HAVING ${this.condition(spec.having, scope, 'HAVING')}`;
    const rendered = orderBy.map((item) => {
      const index = this.outputIndex(item.e, fields);
      if (index !== undefined) return this.sortKey(q(outputName(index)), fields[index]!.type, item);
      const key = this.expr(item.e, scope);
      return this.sortKey(key.sql, key.type, item);
    });
    this.groupingKeys = outerGroupingKeys;
    return { sql, fields, orderBy: rendered };
  }

  /** A GROUP BY expression; a map is refused (DuckDB groups maps by their entries in order, Trino's maps equal in any order). */
  private groupingKeyOf(e: Expr, scope: Scope): string {
    const key = this.expr(e, scope);
    if (holdsMap(key.type)) throw notSupported(`GROUP BY a value of type ${typeName(key.type)}`, e.pos);
    return key.sql;
  }

  /** An expression of ROLLUP, CUBE or GROUPING SETS, which Trino takes only as a column. */
  private groupingKey(e: Expr, scope: Scope): string {
    if (e.k !== 'column') throw failure('INVALID_COLUMN_REFERENCE', 'GROUP BY expression must be a column reference', e.pos);
    return this.groupingKeyOf(e, scope);
  }

  private condition(e: Expr, scope: Scope, clause: string): string {
    const typed = this.expr(e, scope);
    if (typed.type.k !== 'boolean' && typed.type.k !== 'unknown') {
      throw typeMismatch(`${clause} clause must evaluate to a boolean: actual type ${typeName(typed.type)}`, e.pos);
    }
    return cast(typed, T.boolean);
  }

  /** Renders a FROM item and adds the relations it brings into scope. */
  private relation(r: Relation, outer: Scope, into: ScopeRelation[]): string {
    if (r.k === 'join') {
      if (r.using) return this.usingJoin(r as Relation & { k: 'join'; using: string[] }, outer, into);
      const left = this.relation(r.left, outer, into);
      const right = this.relation(r.right, outer, into);
      if (r.type === 'CROSS') return `${left} CROSS JOIN ${right}`;
      if (r.right.k === 'unnest' && r.type !== 'INNER') throw notSupported(`${r.type} JOIN UNNEST`, r.pos);
      if (r.right.k === 'unnest' && !(r.on?.k === 'literal' && r.on.lit.k === 'boolean' && r.on.lit.value)) {
        throw failure('NOT_SUPPORTED', 'INNER JOIN involving UNNEST is only supported with condition ON TRUE', r.pos);
      }
      const scope = new Scope(into, outer, new Map());
      return `${left} ${r.type} JOIN ${right} ON ${this.condition(r.on!, scope, 'JOIN')}`;
    }
    const alias = this.alias();
    let sql: string;
    let fields: Field[];
    let qualifier: string[];
    if (r.k === 'unnest') {
      const unnested = unnestRelation(r.args.map((a) => this.expr(a, new Scope(into, outer, new Map()))), r.ordinality, r.pos);
      sql = `${unnested.sql} ${alias}(${unnested.types.map((_, i) => q(outputName(i))).join(', ')})`;
      fields = unnested.types.map((type, i) => ({ name: undefined, type, sql: `${alias}.${q(outputName(i))}` }));
      qualifier = [];
    } else if (r.k === 'subquery') {
      const inner = this.query(r.query, outer);
      sql = `(${inner.sql}) ${alias}`;
      fields = inner.fields.map((f, i) => ({ name: f.name, display: f.display, type: f.type, sql: `${alias}.${q(outputName(i))}`, origin: f.origin }));
      qualifier = [];
    } else {
      const cte = r.name.length === 1 ? outer.cte(r.name[0]!) : undefined;
      if (cte) {
        sql = `${cte.sqlName} ${alias}`;
        fields = cte.fields.map((f, i) => ({ name: f.name, display: f.display, type: f.type, sql: `${alias}.${q(outputName(i))}`, origin: f.origin }));
        qualifier = r.name;
      } else {
        const name = this.qualify(r.name, r.pos);
        const columns = this.lookup(name[0]!, name[1]!, name[2]!);
        if (columns === 'catalog') throw failure('CATALOG_NOT_FOUND', `Catalog '${name[0]}' not found`, r.pos);
        if (columns === 'schema') throw failure('SCHEMA_NOT_FOUND', `Schema '${name[1]}' does not exist`, r.pos);
        if (columns === 'table') throw failure('TABLE_NOT_FOUND', `Table '${name.join('.')}' does not exist`, r.pos);
        fields = columns.map((c) => {
          const duck = this.tables.carriedType(c.type);
          const type = parseTypeName(c.type) ?? (duck === undefined ? undefined : { k: 'carried' as const, name: c.type, duck });
          if (!type) throw notSupported(`Column ${c.name} of type ${c.type}`, r.pos);
          return { name: c.name.toLowerCase(), type, sql: `${alias}.${q(c.name)}`, origin: name as [string, string, string] };
        });
        sql = `${this.tables.relation(name)} ${alias}`;
        qualifier = name;
      }
    }
    if (r.alias !== undefined) qualifier = [r.alias];
    if (r.columns) {
      if (r.columns.length !== fields.length) throw failure('MISMATCHED_COLUMN_ALIASES', `Column alias list has ${r.columns.length} entries but '${r.alias}' has ${fields.length} columns available`, r.pos);
      fields = fields.map((f, i) => ({ ...f, name: r.columns![i]!.toLowerCase(), display: r.columns![i] }));
    }
    if (r.sample) {
      const percent = r.sample.percent;
      if (percent.k !== 'literal' || (percent.lit.k !== 'integer' && percent.lit.k !== 'decimal')) throw notSupported('TABLESAMPLE with a computed percentage', percent.pos);
      const value = Number(percent.lit.text);
      if (value > 100) throw failure('NUMERIC_VALUE_OUT_OF_RANGE', 'Sample percentage must be less than or equal to 100', percent.pos);
      // Trino samples rows independently (BERNOULLI) or by splits (SYSTEM); DuckDB's bernoulli sampling is the former, a valid SYSTEM sample too.
      sql = `${sql} TABLESAMPLE ${percent.lit.text} PERCENT (bernoulli)`;
    }
    into.push({ qualifier, fields });
    return sql;
  }

  /**
   * JOIN ... USING (k, ...) as Trino scopes it: each USING column once, first, of the two sides'
   * common type (the left value, the right one for RIGHT JOIN, either for FULL JOIN), reachable
   * only unqualified; the sides' other columns follow.
   */
  private usingJoin(r: Relation & { k: 'join'; using: string[] }, outer: Scope, into: ScopeRelation[]): string {
    const leftRelations: ScopeRelation[] = [];
    const rightRelations: ScopeRelation[] = [];
    const left = this.relation(r.left, outer, leftRelations);
    const right = this.relation(r.right, outer, rightRelations);
    const joined: Field[] = [];
    const conditions: string[] = [];
    const named = new Set<string>();
    const column = (relations: ScopeRelation[], name: string, side: string): Field => {
      const matches = relations.flatMap((relation) => relation.fields.filter((f) => f.name === name));
      if (matches.length === 0) throw failure('COLUMN_NOT_FOUND', `Column '${name}' is missing from ${side} side of join`, r.pos);
      if (matches.length > 1) throw failure('AMBIGUOUS_NAME', `Column '${name}' is ambiguous`, r.pos);
      return matches[0]!;
    };
    for (const written of r.using) {
      const name = written.toLowerCase();
      if (named.has(name)) throw failure('DUPLICATE_COLUMN_NAME', `Column '${name}' appears multiple times in USING clause`, r.pos);
      named.add(name);
      const [l, rr] = [column(leftRelations, name, 'left'), column(rightRelations, name, 'right')].map((f) => ({ sql: f.sql, type: f.type, expr: PLACEHOLDER }));
      conditions.push(this.compare('=', l!, rr!, r.pos).sql);
      const type = commonType(l!.type, rr!.type)!;
      const value = r.type === 'FULL' ? `COALESCE(${cast(l!, type)}, ${cast(rr!, type)})` : cast(r.type === 'RIGHT' ? rr! : l!, type);
      joined.push({ name, display: written, type, sql: value });
    }
    const others = (relations: ScopeRelation[]): ScopeRelation[] => relations.map((relation) => ({ ...relation, fields: relation.fields.filter((f) => !named.has(f.name ?? '')) }));
    into.push({ qualifier: [], fields: joined }, ...others(leftRelations), ...others(rightRelations));
    return `${left} ${r.type} JOIN ${right} ON ${conditions.join(' AND ')}`;
  }

  private qualify(name: string[], pos: Pos): [string, string, string] {
    if (name.length === 3) return [name[0]!, name[1]!, name[2]!];
    if (name.length === 2) {
      if (this.session.catalog === undefined) throw failure('MISSING_CATALOG_NAME', 'Catalog must be specified when session catalog is not set', pos);
      return [this.session.catalog.toLowerCase(), name[0]!, name[1]!];
    }
    if (this.session.catalog === undefined || this.session.schema === undefined) {
      throw failure('MISSING_SCHEMA_NAME', 'Schema must be specified when session schema is not set', pos);
    }
    return [this.session.catalog.toLowerCase(), this.session.schema.toLowerCase(), name[0]!];
  }

  private column(parts: string[], scope: Scope, pos: Pos): Field {
    const name = parts[parts.length - 1]!;
    const qualifier = parts.slice(0, -1);
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const matches = s.relations
        .filter((r) => qualifier.length === 0 || matchesQualifier(r.qualifier, qualifier))
        .flatMap((r) => r.fields.filter((f) => f.name === name));
      if (matches.length > 1) throw failure('AMBIGUOUS_NAME', `Column '${parts.join('.')}' is ambiguous`, pos);
      if (matches.length === 1) return matches[0]!;
    }
    throw failure('COLUMN_NOT_FOUND', `Column '${parts.join('.')}' cannot be resolved`, pos);
  }

  /**
   * A column, or a field of a row column: `r.x` names field x of column r when no relation
   * qualifies a column x by `r` (Trino resolves a name as a column first).
   */
  private columnOrField(parts: string[], scope: Scope, pos: Pos): { sql: string; type: TrinoType; origin?: Field['origin'] } {
    try {
      return this.column(parts, scope, pos);
    } catch (error) {
      if (!(error instanceof QueryFailure) || error.errorCode !== ErrorCodes.COLUMN_NOT_FOUND) throw error;
      for (let n = parts.length - 1; n >= 1; n--) {
        let found: { sql: string; type: TrinoType };
        try {
          found = this.column(parts.slice(0, n), scope, pos);
        } catch {
          continue;
        }
        if (found.type.k !== 'row') break;
        try {
          for (const name of parts.slice(n)) found = fieldReference({ ...found, expr: PLACEHOLDER }, name, pos, pos);
        } catch {
          throw failure('INVALID_COLUMN_REFERENCE', `Column reference '${parts.join('.')}' is invalid`, pos);
        }
        return found;
      }
      throw error;
    }
  }

  private commonOf(values: Typed[], pos: Pos): TrinoType {
    let type: TrinoType = T.unknown;
    for (const v of values) {
      const next = commonType(type, v.type);
      if (!next) throw typeMismatch(`All values must have the same type: ${typeName(type)}, ${typeName(v.type)}`, pos);
      type = next;
    }
    return type;
  }

  /** A value converted to `type` the way Trino coerces implicitly (a varchar(n) widening needs nothing). */
  private coerceValue(v: Typed, type: TrinoType): string {
    if (type.k === 'unknown') return 'NULL';
    return cast(v, type);
  }

  expr(e: Expr, scope: Scope): Typed {
    const typed = this.exprInner(e, scope);
    return { ...typed, expr: e };
  }

  private exprInner(e: Expr, scope: Scope): { sql: string; type: TrinoType } {
    switch (e.k) {
      case 'literal':
        return this.literal(e.lit, e.pos);
      case 'column':
        return this.columnOrField(e.parts, scope, e.pos);
      case 'session': {
        if (e.name === 'current_user') return { sql: quoteString(this.session.user), type: varchar() };
        if (e.name === 'current_date') return currentDate(this.session.timeZone);
        if (e.name === 'localtimestamp') return localTimestamp(this.session.timeZone);
        if (e.name === 'current_timestamp') return currentTimestamp(this.session.timeZone, e.pos);
        const value = e.name === 'current_catalog' ? this.session.catalog : this.session.catalog === undefined ? undefined : this.session.schema;
        return { sql: value === undefined ? 'CAST(NULL AS VARCHAR)' : quoteString(value), type: varchar() };
      }
      case 'unary': {
        const arg = this.expr(e.arg, scope);
        if (e.op === 'NOT') return { sql: `(NOT ${this.bool(arg, e.pos)})`, type: T.boolean };
        if (e.op === '-' && arg.type.k === 'intervalDayToSecond') return negateDayToSecond(arg);
        if (!isNumeric(arg.type) && !['unknown', 'intervalYearToMonth', 'intervalDayToSecond'].includes(arg.type.k)) throw typeMismatch(`Cannot negate ${typeName(arg.type)}`, e.pos);
        if (e.op === '+') return arg;
        if (arg.type.k === 'unknown') return { sql: 'NULL', type: T.unknown };
        if (arg.type.k === 'intervalYearToMonth') return { sql: checkedMonths(`(- CAST(${arg.sql} AS BIGINT))`, 'negation'), type: arg.type };
        // Trino types a negative integer literal by its value: -2147483648 is an integer.
        if (e.arg.k === 'literal' && e.arg.lit.k === 'integer') return this.literal({ k: 'integer', text: `-${e.arg.lit.text}` }, e.pos);
        // Negating the smallest value of an integer type overflows in both engines.
        return { sql: `(- ${cast(arg, arg.type)})`, type: arg.type };
      }
      case 'logical': {
        const args = e.args.map((a) => this.bool(this.expr(a, scope), a.pos));
        return { sql: `(${args.join(` ${e.op} `)})`, type: T.boolean };
      }
      case 'binary': {
        const left = this.expr(e.left, scope);
        const right = this.expr(e.right, scope);
        const datetime = ARITHMETIC.has(e.op) ? datetimeArithmetic(e.op, left, right, e.pos) : undefined;
        if (datetime) return datetime;
        if (ARITHMETIC.has(e.op) && (isDayToSecondLiteral(e.right) || isDayToSecondLiteral(e.left))) return this.dateArithmetic(e, scope);
        if ((e.op === '+' && isDateAndDayToSecond(left, right)) || (e.op === '-' && left.type.k === 'date' && right.type.k === 'intervalDayToSecond')) {
          return shiftDateByMillis(e.op, left.type.k === 'date' ? [left, right] : [right, left], e.pos);
        }
        if (ARITHMETIC.has(e.op) && (left.type.k === 'intervalYearToMonth' || right.type.k === 'intervalYearToMonth')) return this.yearToMonthArithmetic(e.op, left, right, e.pos);
        if (ARITHMETIC.has(e.op)) return this.arithmetic(e.op, left, right, e.pos);
        if (e.op === '||') return this.concat(left, right, e.pos);
        return this.compare(e.op, left, right, e.pos);
      }
      case 'isNull': {
        const arg = this.expr(e.arg, scope);
        return { sql: `(${arg.type.k === 'unknown' ? 'NULL' : arg.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, type: T.boolean };
      }
      case 'between': {
        const arg = this.expr(e.arg, scope);
        const low = this.compare('>=', arg, this.expr(e.low, scope), e.pos);
        const high = this.compare('<=', arg, this.expr(e.high, scope), e.pos);
        return { sql: `(${e.negated ? 'NOT ' : ''}(${low.sql} AND ${high.sql}))`, type: T.boolean };
      }
      case 'inList': {
        const arg = this.expr(e.arg, scope);
        const list = e.list.map((x) => this.expr(x, scope));
        const type = this.commonOf([arg, ...list], e.pos);
        if (isFloating(type)) {
          const any = list.map((x) => this.compare('=', arg, x, e.pos).sql).join(' OR ');
          return { sql: `(${e.negated ? 'NOT ' : ''}(${any}))`, type: T.boolean };
        }
        if (type.k === 'unknown') return { sql: 'CAST(NULL AS BOOLEAN)', type: T.boolean };
        if (!isComparable(type)) throw notSupported(`IN over values of type ${typeName(type)}`, e.pos);
        return { sql: `(${cast(arg, type)} ${e.negated ? 'NOT ' : ''}IN (${list.map((x) => cast(x, type)).join(', ')}))`, type: T.boolean };
      }
      case 'inQuery': {
        const arg = this.expr(e.arg, scope);
        const sub = this.query(e.query, scope);
        if (sub.fields.length !== 1) throw failure('NOT_SUPPORTED', 'Multiple columns returned by subquery are not yet supported', e.pos);
        const type = commonType(arg.type, sub.fields[0]!.type);
        if (!type) throw typeMismatch(`Value expression and result of subquery must be of the same type: ${typeName(arg.type)} vs ${typeName(sub.fields[0]!.type)}`, e.pos);
        if (isFloating(type) || !isComparable(type)) throw notSupported(`IN (subquery) over values of type ${typeName(type)}`, e.pos);
        const alias = this.alias();
        const inner = `SELECT ${cast({ sql: `${alias}.${q(outputName(0))}`, type: sub.fields[0]!.type, expr: e }, type)} FROM (${sub.sql}) ${alias}`;
        return { sql: `(${cast(arg, type)} ${e.negated ? 'NOT ' : ''}IN (${inner}))`, type: T.boolean };
      }
      case 'quantified':
        return this.quantified(e, scope);
      case 'array': {
        const items = e.items.map((item) => this.expr(item, scope));
        return arrayConstructor(items, this.commonOf(items, e.pos), e.pos);
      }
      case 'subscript': {
        const arg = this.expr(e.arg, scope);
        const field = rowSubscript(arg, e.index, e.pos);
        if (field) return field;
        const index = this.expr(e.index, scope);
        return mapSubscript(arg, index, e.pos) ?? subscript(arg, index, e.pos);
      }
      case 'row':
        return rowConstructor(e.items.map((item) => this.expr(item, scope)));
      case 'field':
        return fieldReference(this.expr(e.arg, scope), e.name, e.pos, e.arg.pos);
      case 'lambda':
        throw notSupported(`A lambda expression outside ${Object.keys(LAMBDA_TABLE).join(', ')}`, e.pos);
      case 'like': {
        const arg = this.expr(e.arg, scope);
        const pattern = this.expr(e.pattern, scope);
        for (const [v, pos] of [[arg, e.arg.pos], [pattern, e.pattern.pos]] as const) {
          // Trino's LIKE of a char reads its padding, which the varchar coercion here would drop.
          if (v.type.k === 'char') throw notSupported('LIKE on char', pos);
          if (v.type.k !== 'varchar' && v.type.k !== 'unknown') throw typeMismatch(`Left side of LIKE expression must evaluate to a varchar (actual: ${typeName(v.type)})`, pos);
        }
        const p = e.pattern;
        const like = (escape: string) => `(${cast(arg, T.varchar)} ${e.negated ? 'NOT ' : ''}LIKE ${cast(pattern, T.varchar)}${escape})`;
        if (e.escape === undefined) {
          // DuckDB reads no escape character; neither does Trino. Only literal patterns are accepted so the pattern text is known.
          if (!(p.k === 'literal' && p.lit.k === 'string')) throw notSupported('LIKE with a computed pattern', p.pos);
          return { sql: like(''), type: T.boolean };
        }
        if (e.escape.k !== 'literal' || e.escape.lit.k !== 'string') throw notSupported('LIKE ... ESCAPE with anything but a string literal', e.escape.pos);
        // Trino checks the escape and the pattern for each row whose value and pattern are not null, and fails on a bad one.
        const escapeChar = e.escape.lit.value;
        const rowFailure = (condition: string, message: string, otherwise: string) =>
          `(CASE WHEN ${arg.sql} IS NULL OR ${pattern.sql} IS NULL THEN NULL WHEN ${condition} THEN ${raise('INVALID_FUNCTION_ARGUMENT', message)} ELSE ${otherwise} END)`;
        if ([...escapeChar].length !== 1) return { sql: rowFailure('true', 'Escape string must be a single character', 'NULL'), type: T.boolean };
        const c = /^[!-/:-@[-`{-~]$/.test(escapeChar) ? `\\${escapeChar}` : escapeChar; // RE2 takes a backslash before ASCII punctuation only
        const well = `(?:[^${c}]|${c}[%_${c}])*`;
        const malformed = `NOT regexp_full_match(${cast(pattern, T.varchar)}, ${quoteString(well)})`;
        return { sql: rowFailure(malformed, "Escape character must be followed by '%', '_' or the escape character itself", like(` ESCAPE ${quoteString(escapeChar)}`)), type: T.boolean };
      }
      case 'exists':
        return { sql: `(EXISTS (${this.query(e.query, scope).sql}))`, type: T.boolean };
      case 'scalarQuery': {
        const sub = this.query(e.query, scope);
        if (sub.fields.length !== 1) throw failure('NOT_SUPPORTED', 'Multiple columns returned by subquery are not yet supported', e.pos);
        return { sql: `(${sub.sql})`, type: sub.fields[0]!.type };
      }
      case 'case':
        return this.caseExpr(e, scope);
      case 'cast':
        return this.castExpr(this.expr(e.arg, scope), e.type, e.safe, e.pos);
      case 'extract': {
        const part = DATE_FIELDS[e.field];
        const arg = this.expr(e.arg, scope);
        const datetime = extractField(e.field, arg, e.pos);
        if (datetime) return datetime;
        if (part === undefined || (arg.type.k !== 'date' && arg.type.k !== 'unknown')) throw notSupported(`EXTRACT(${e.field.toUpperCase()} FROM ${typeName(arg.type)})`, e.pos);
        return { sql: `CAST(${part}(${cast(arg, T.date)}) AS BIGINT)`, type: T.bigint };
      }
      case 'call':
        return this.call(e, scope);
    }
  }

  private bool(v: Typed, pos: Pos): string {
    if (v.type.k !== 'boolean' && v.type.k !== 'unknown') throw typeMismatch(`Value of type ${typeName(v.type)} is not a boolean`, pos);
    return cast(v, T.boolean);
  }

  private literal(lit: Literal, pos: Pos): { sql: string; type: TrinoType } {
    switch (lit.k) {
      case 'integer': {
        const value = BigInt(lit.text);
        if (value <= INT_MAX && value >= -INT_MAX - 1n) return { sql: `CAST(${value} AS INTEGER)`, type: T.integer };
        if (value <= BIGINT_MAX && value >= -BIGINT_MAX - 1n) return { sql: `CAST(${value} AS BIGINT)`, type: T.bigint };
        // Trino 483 rejects an integer literal beyond bigint (it does not read it as a decimal).
        throw failure('SYNTAX_ERROR', `Invalid numeric literal: ${lit.text}`, pos);
      }
      case 'decimal':
        return this.decimalLiteral(lit.text, pos);
      case 'double': {
        const value = Number(lit.text);
        if (!Number.isFinite(value)) throw notSupported(`Double literal ${lit.text}`, pos);
        return { sql: `CAST('${lit.text}' AS DOUBLE)`, type: T.double };
      }
      case 'string':
        return { sql: quoteString(lit.value), type: varchar([...lit.value].length) };
      case 'binary': {
        // Trino ignores white space in the digits and rejects anything else that is not an even number of hex digits (refused here).
        const hex = lit.hex.replace(/\s/g, '');
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw notSupported(`Binary literal X'${lit.hex}'`, pos);
        return { sql: `from_hex('${hex}')`, type: T.varbinary };
      }
      case 'boolean':
        return { sql: lit.value ? 'true' : 'false', type: T.boolean };
      case 'null':
        return { sql: 'NULL', type: T.unknown };
      case 'interval':
        if (!YEAR_TO_MONTH_UNITS.has(lit.unit)) return dayToSecondLiteral(lit, pos);
        return this.yearToMonthLiteral(lit, pos);
      case 'typed':
        if (lit.type === 'decimal') {
          const text = lit.value.trim();
          if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw failure('INVALID_LITERAL', `'${lit.value}' is not a valid decimal literal`, pos);
          return this.decimalLiteral(text, pos);
        }
        if (lit.type === 'date') return this.dateLiteral(lit.value, pos);
        if (lit.type === 'char') return charLiteral(lit.value, pos);
        if (lit.type === 'json') return jsonLiteral(lit.value, pos);
        if (lit.type === 'timestamp') return timestampLiteral(lit.value, pos);
        if (lit.type === 'time') return timeLiteral(lit.value, pos);
        return this.integerLiteral(lit.type, lit.value, pos);
    }
  }

  /**
   * `BIGINT '5'` and the other integer types: plain digits within the type's range are that
   * value of that type; any other text (spaces, signs Trino may read otherwise, out of range) is
   * refused rather than guessed.
   */
  private integerLiteral(type: string, text: string, pos: Pos): { sql: string; type: TrinoType } {
    const target = INTEGER_LITERAL_TYPES[type as keyof typeof INTEGER_LITERAL_TYPES];
    if (target === undefined) throw notSupported(`${type.toUpperCase()} literal`, pos);
    const value = /^-?\d{1,20}$/.test(text) ? BigInt(text) : undefined;
    if (value === undefined || value > target.max || value < -target.max - 1n) throw notSupported(`${type.toUpperCase()} literal '${text}'`, pos);
    return { sql: `CAST(${value} AS ${type.toUpperCase()})`, type: target.type };
  }

  /** Trino's decimal literal type: precision = significant integer digits + fraction digits. */
  private decimalLiteral(text: string, pos: Pos): { sql: string; type: TrinoType } {
    const unsigned = text.replace(/^[+-]/, '');
    const [whole = '', fraction = ''] = unsigned.split('.');
    const digits = whole.replace(/^0+/, '');
    const s = fraction.length;
    const p = Math.max(1, digits.length + s);
    if (p > MAX_DECIMAL_PRECISION) throw notSupported(`Decimal literal ${text} (more than 38 digits)`, pos);
    const type = decimal(p, s);
    return { sql: `CAST('${text}' AS ${duckType(type)})`, type };
  }

  /**
   * `INTERVAL '1-6' YEAR TO MONTH`, `INTERVAL '3' YEAR`, `INTERVAL -'2' MONTH`: a count of months,
   * which Trino holds in an int. Text Trino reads in ways not checked here (spaces, a month part
   * above 11) is refused.
   */
  private yearToMonthLiteral(lit: Literal & { k: 'interval' }, pos: Pos): { sql: string; type: TrinoType } {
    const m = lit.unit === 'YEAR TO MONTH' ? /^([+-]?)(\d+)-(\d+)$/.exec(lit.value) : /^([+-]?)(\d+)$/.exec(lit.value);
    if (!m || Number(m[3] ?? 0) > 11) throw notSupported(`INTERVAL '${lit.value}' ${lit.unit}`, pos);
    const magnitude = BigInt(m[2]!) * (lit.unit === 'MONTH' ? 1n : 12n) + BigInt(m[3] ?? 0);
    if (magnitude > INT_MAX) throw failure('INVALID_LITERAL', `Invalid INTERVAL ${lit.unit} value: ${lit.value}`, pos);
    const months = magnitude * BigInt(lit.sign) * (m[1] === '-' ? -1n : 1n);
    return { sql: `CAST(${months} AS INTEGER)`, type: T.intervalYearToMonth };
  }

  /** DATE 'yyyy-mm-dd' (Trino also accepts a sign and more year digits; those are refused). */
  private dateLiteral(value: string, pos: Pos): { sql: string; type: TrinoType } {
    const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(value);
    if (!m) throw notSupported(`DATE '${value}'`, pos);
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(0);
    // setUTCFullYear, unlike Date.UTC, reads years 0-99 as written rather than as 1900-1999.
    probe.setUTCFullYear(y, mo - 1, d);
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
      throw failure('INVALID_LITERAL', `'${value}' is not a valid DATE literal`, pos);
    }
    return { sql: `DATE '${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}'`, type: T.date };
  }

  private arithmetic(op: string, a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } {
    if (a.type.k === 'date' || b.type.k === 'date') throw typeMismatch(`Cannot apply operator: ${typeName(a.type)} ${op} ${typeName(b.type)}`, pos);
    if (a.type.k === 'unknown' && b.type.k === 'unknown') throw notSupported(`NULL ${op} NULL`, pos);
    // Trino binds a NULL beside a decimal to decimal(1,0) (NULL * 1.5 is a decimal(3,1)), beside another type to that type.
    const unknownAs = (other: TrinoType): TrinoType => (other.k === 'decimal' ? decimal(1, 0) : other);
    const left = a.type.k === 'unknown' ? { ...a, type: unknownAs(b.type) } : a;
    const right = b.type.k === 'unknown' ? { ...b, type: unknownAs(a.type) } : b;
    if (!isNumeric(left.type) || !isNumeric(right.type)) {
      throw typeMismatch(`Cannot apply operator: ${typeName(a.type)} ${op} ${typeName(b.type)}`, pos);
    }
    const x = (to: TrinoType): string => cast(a, to);
    const y = (to: TrinoType): string => cast(b, to);
    if (isInteger(left.type) && isInteger(right.type)) {
      const type = commonType(left.type, right.type)!;
      if (op === '/' || op === '%') {
        // DuckDB answers NULL for a zero divisor; Trino fails. Both truncate toward zero.
        return { sql: `(CASE WHEN ${y(type)} = 0 AND ${x(type)} IS NOT NULL THEN ${raise('DIVISION_BY_ZERO', 'Division by zero')} ELSE CAST(${x(type)} ${op === '/' ? '//' : '%'} ${y(type)} AS ${duckType(type)}) END)`, type };
      }
      return { sql: `(${x(type)} ${op} ${y(type)})`, type };
    }
    if (isExactNumeric(left.type) && isExactNumeric(right.type)) {
      const l = asDecimal(left.type);
      const r = asDecimal(right.type);
      let type: TrinoType;
      if (op === '+' || op === '-') {
        const s = Math.max(l.s, r.s);
        const p = s + Math.max(l.p - l.s, r.p - r.s) + 1;
        if (p > MAX_DECIMAL_PRECISION) throw notSupported('Decimal addition beyond 38 digits', pos);
        type = decimal(p, s);
      } else if (op === '*') {
        if (l.p + r.p > MAX_DECIMAL_PRECISION) throw notSupported('Decimal multiplication beyond 38 digits', pos);
        type = decimal(l.p + r.p, l.s + r.s);
      } else {
        return decimalQuotient(op as '/' | '%', x(decimal(l.p, l.s)), y(decimal(r.p, r.s)), l, r, pos);
      }
      return { sql: `CAST(${x(decimal(l.p, l.s))} ${op} ${y(decimal(r.p, r.s))} AS ${duckType(type)})`, type };
    }
    const type = commonType(left.type, right.type)!;
    const xs = x(type);
    const ys = y(type);
    if (op === '/') {
      // IEEE 754: a non-zero number over ±0 is ±Infinity, 0/0 and NaN/0 are NaN. DuckDB answers NULL.
      const zero = `(CASE WHEN ${xs} IS NULL THEN NULL WHEN isnan(${xs}) OR ${xs} = 0 THEN CAST('NaN' AS ${duckType(type)}) WHEN (${xs} > 0) <> signbit(${ys}) THEN CAST('Infinity' AS ${duckType(type)}) ELSE CAST('-Infinity' AS ${duckType(type)}) END)`;
      return { sql: `(CASE WHEN ${ys} = 0 THEN ${zero} ELSE ${xs} / ${ys} END)`, type };
    }
    if (op === '%') {
      // DuckDB's % is Java's remainder (the dividend's sign); its fmod() is a floored modulo.
      return { sql: `(CASE WHEN ${ys} = 0 THEN (CASE WHEN ${xs} IS NULL THEN NULL ELSE CAST('NaN' AS ${duckType(type)}) END) ELSE ${xs} % ${ys} END)`, type };
    }
    return { sql: `(${xs} ${op} ${ys})`, type };
  }

  /**
   * Arithmetic with an interval year to month: interval ± interval, date ± interval, interval +
   * date, interval × integer, each an int count of months in Trino that fails on overflow.
   */
  private yearToMonthArithmetic(op: string, a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } {
    const months = (v: Typed): boolean => v.type.k === 'intervalYearToMonth';
    // With a null operand Trino chooses among several operators (date, timestamp, interval): refused.
    if (a.type.k === 'unknown' || b.type.k === 'unknown') throw notSupported(`NULL ${op} an interval year to month`, pos);
    if ((op === '+' || op === '-') && months(a) && months(b)) {
      return { sql: checkedMonths(`(CAST(${a.sql} AS BIGINT) ${op} CAST(${b.sql} AS BIGINT))`, op === '+' ? 'addition' : 'subtraction'), type: T.intervalYearToMonth };
    }
    const [date, interval] = months(b) ? [a, b] : [b, a];
    if (date.type.k === 'date' && (op === '+' || (op === '-' && months(b)))) return shiftDate(date.sql, `${op === '-' ? '-' : ''}CAST(${interval.sql} AS BIGINT)`, pos);
    if (op === '*' && isInteger(date.type)) {
      return { sql: checkedMonths(`(CAST(${interval.sql} AS HUGEINT) * CAST(${date.sql} AS HUGEINT))`, 'multiplication'), type: T.intervalYearToMonth };
    }
    if ((op === '*' || op === '/') && isNumeric(date.type)) throw notSupported(`Interval year to month ${op === '*' ? 'multiplication' : 'division'} by ${typeName(date.type)}`, pos);
    throw typeMismatch(`Cannot apply operator: ${typeName(a.type)} ${op} ${typeName(b.type)}`, pos);
  }

  /** date ± INTERVAL 'n' DAY and INTERVAL 'n' DAY + date: a date. */
  private dateArithmetic(e: Expr & { k: 'binary' }, scope: Scope): { sql: string; type: TrinoType } {
    const intervalFirst = isDayToSecondLiteral(e.left);
    const interval = intervalFirst ? e.left : e.right;
    const dateExpr = intervalFirst ? e.right : e.left;
    if ((e.op !== '+' && e.op !== '-') || (intervalFirst && e.op !== '+') || isIntervalLiteral(dateExpr)) throw notSupported(`Interval arithmetic with ${e.op}`, e.pos);
    const date = this.expr(dateExpr, scope);
    if (date.type.k !== 'date') throw notSupported(`${typeName(date.type)} ${e.op} interval`, e.pos);
    const lit = interval.k === 'literal' && interval.lit.k === 'interval' ? interval.lit : undefined;
    if (!lit || lit.unit !== 'DAY' || !/^\s*\d{1,6}\s*$/.test(lit.value)) throw notSupported('This interval in date arithmetic', interval.pos);
    const amount = Number(lit.value) * lit.sign * (e.op === '-' ? -1 : 1);
    return { sql: `CAST(${date.sql} + INTERVAL (${amount}) ${lit.unit} AS DATE)`, type: T.date };
  }

  /** `x op ANY|ALL (query)`: DuckDB's quantified comparison has the standard's null semantics, as Trino's has; NaN is not modelled. */
  private quantified(e: Expr & { k: 'quantified' }, scope: Scope): { sql: string; type: TrinoType } {
    const arg = this.expr(e.arg, scope);
    const sub = this.query(e.query, scope);
    if (sub.fields.length !== 1) throw failure('NOT_SUPPORTED', 'Multiple columns returned by subquery are not yet supported', e.pos);
    const type = commonType(arg.type, sub.fields[0]!.type);
    if (!type) throw typeMismatch(`Value expression and result of subquery must be of the same type for quantified comparison: ${typeName(arg.type)} vs ${typeName(sub.fields[0]!.type)}`, e.pos);
    if (isFloating(type) || type.k === 'unknown' || !isComparable(type)) throw notSupported(`Quantified comparison ${e.quantifier} over values of type ${typeName(type)}`, e.pos);
    // Trino answers a null = ALL and <> ANY of a set of several values with false and true, not null.
    if ((e.op === '=' && e.quantifier === 'ALL') || (e.op === '<>' && e.quantifier === 'ANY')) throw notSupported(`Quantified comparison ${e.op} ${e.quantifier}`, e.pos);
    const alias = this.alias();
    const inner = `SELECT ${cast({ sql: `${alias}.${q(outputName(0))}`, type: sub.fields[0]!.type, expr: e }, type)} FROM (${sub.sql}) ${alias}`;
    return { sql: `(${cast(arg, type)} ${e.op} ${e.quantifier} (${inner}))`, type: T.boolean };
  }

  private concat(a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } {
    if (a.type.k === 'varbinary' || b.type.k === 'varbinary') {
      // With a null Trino cannot choose between varbinary and array concatenation (AMBIGUOUS_FUNCTION_CALL): refused.
      if (a.type.k !== b.type.k) throw notSupported(`|| on ${typeName(a.type)} and ${typeName(b.type)}`, pos);
      return { sql: `(${a.sql} || ${b.sql})`, type: T.varbinary };
    }
    const chars = charConcat(a, b, pos);
    if (chars) return chars;
    // Trino has no concatenation of numbers, dates, booleans or intervals (nor an implicit cast of them to varchar).
    if ([a, b].some((v) => isNumeric(v.type) || ['date', 'boolean', 'intervalYearToMonth'].includes(v.type.k))) {
      throw failure('FUNCTION_NOT_FOUND', `Unexpected parameters (${typeName(a.type)}, ${typeName(b.type)}) for function concat`, pos);
    }
    for (const v of [a, b]) if (!['varchar', 'char', 'unknown'].includes(v.type.k)) throw notSupported(`|| on ${typeName(v.type)}`, pos);
    // Trino types || as an unbounded varchar (a char converted to varchar, without its padding).
    return { sql: `(${cast(a, T.varchar)} || ${cast(b, T.varchar)})`, type: varchar() };
  }

  private compare(op: string, a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } {
    const type = commonType(a.type, b.type);
    if (!type) throw typeMismatch(`Cannot apply operator: ${typeName(a.type)} ${op} ${typeName(b.type)}`, pos);
    const distinct = op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM';
    if (type.k === 'unknown') return { sql: distinct ? String(op === 'IS NOT DISTINCT FROM') : 'CAST(NULL AS BOOLEAN)', type: T.boolean };
    if (!isComparable(type)) throw notSupported(`Comparing values of type ${typeName(type)}`, pos);
    const x = cast(a, type);
    const y = cast(b, type);
    const sql = `(${x} ${op} ${y})`;
    // DuckDB's IS DISTINCT FROM takes NaN as not distinct from NaN and -0 as 0, as Trino's does.
    if (!isFloating(type) || distinct) return { sql, type: T.boolean };
    // DuckDB orders NaN above every number and equal to itself; in Trino (IEEE 754) NaN compares
    // unequal to everything, and null stays null. Written as a conjunction (a disjunction for <>)
    // around the plain comparison, which DuckDB can still use as a join or filter condition.
    if (op === '<>') return { sql: `(${sql} OR ((isnan(${x}) OR isnan(${y})) AND ${x} IS NOT NULL AND ${y} IS NOT NULL))`, type: T.boolean };
    return { sql: `(${sql} AND (NOT isnan(${x}) OR ${y} IS NULL) AND (NOT isnan(${y}) OR ${x} IS NULL))`, type: T.boolean };
  }

  private caseExpr(e: Expr & { k: 'case' }, scope: Scope): { sql: string; type: TrinoType } {
    const operand = e.operand && this.expr(e.operand, scope);
    const conditions = e.whens.map((w) => {
      const when = this.expr(w.when, scope);
      return operand ? this.compare('=', operand, when, w.when.pos).sql : this.bool(when, w.when.pos);
    });
    const results = e.whens.map((w) => this.expr(w.then, scope));
    const otherwise = e.else && this.expr(e.else, scope);
    const type = this.commonOf(otherwise ? [...results, otherwise] : results, e.pos);
    const parts = conditions.map((c, i) => `WHEN ${c} THEN ${this.coerceValue(results[i]!, type)}`);
    if (type.k === 'unknown') return { sql: 'NULL', type };
    return { sql: `(CASE ${parts.join(' ')}${otherwise ? ` ELSE ${this.coerceValue(otherwise, type)}` : ''} END)`, type };
  }

  private castExpr(arg: Typed, target: string, safe: boolean, pos: Pos): { sql: string; type: TrinoType } {
    const to = parseTypeName(target) ?? zonedCastTarget(target) ?? charCastTarget(target, pos);
    if (!to) throw notSupported(`CAST to ${target}`, pos);
    return this.castTo(arg, to, safe, pos);
  }

  private castTo(arg: Typed, to: TrinoType, safe: boolean, pos: Pos): { sql: string; type: TrinoType } {
    const from = arg.type;
    const fn = safe ? 'TRY_CAST' : 'CAST';
    if (from.k === 'unknown') return { sql: `CAST(NULL AS ${duckType(to)})`, type: to };
    const json = castToJson(arg, to, pos) ?? castFromJson(arg, to, safe, pos);
    if (json) return json;
    if (!hasTrinoCast(from, to)) throw typeMismatch(`Cannot cast ${typeName(from)} to ${typeName(to)}`, pos);
    if (to.k === 'row') return rowCast(arg, to, safe, pos, (field, type) => this.castTo(field, type, false, pos).sql);
    // An array(unknown) holds only nulls, which any array type holds alike.
    if (from.k === 'array' && from.element.k === 'unknown' && to.k === 'array') return { sql: `CAST(${arg.sql} AS ${duckType(to)})`, type: to };
    const datetime = datetimeCast(arg, to, safe, pos);
    if (datetime) return datetime;
    const chars = charCast(arg, to, pos);
    if (chars) return chars;
    // Trino's casts between booleans and the other numbers: true is 1, a number is true when not 0 (NaN too).
    if (from.k === 'boolean' && (to.k === 'double' || to.k === 'decimal')) return { sql: `${fn}(CAST(${arg.sql} AS INTEGER) AS ${duckType(to)})`, type: to };
    if (to.k === 'boolean' && from.k === 'decimal') return { sql: `(${arg.sql} <> 0)`, type: to };
    if (to.k === 'boolean' && from.k === 'double') return { sql: `(${arg.sql} <> 0 OR isnan(${arg.sql}))`, type: to };
    const fromText = from.k === 'varchar' ? castFromVarchar(arg.sql, to, safe) : undefined;
    if (fromText !== undefined) return { sql: fromText, type: to };
    const supported =
      (isNumeric(from) && isNumeric(to)) ||
      (from.k === 'boolean' && (isInteger(to) || to.k === 'boolean' || to.k === 'varchar')) ||
      (isInteger(from) && to.k === 'boolean') ||
      ((isExactNumeric(from) || from.k === 'date' || from.k === 'varchar') && to.k === 'varchar') ||
      (from.k === 'date' && to.k === 'date') ||
      (from.k === 'varchar' && to.k === 'varbinary');
    if (!supported) throw notSupported(`CAST from ${typeName(from)} to ${typeName(to)}`, pos);
    if (to.k === 'decimal' && isFloating(from)) throw notSupported(`CAST from ${typeName(from)} to decimal`, pos);
    if (to.k === 'real' || from.k === 'real') throw notSupported(`CAST involving real`, pos);
    // A string's UTF-8 bytes, as Trino's cast (and to_utf8) gives them.
    if (to.k === 'varbinary') return { sql: `encode(${arg.sql})`, type: to };
    if (isFloating(from) && isInteger(to)) {
      // Trino rounds half away from zero; DuckDB's cast rounds half to even.
      const nan = safe ? 'NULL' : raise('INVALID_CAST_ARGUMENT', `Cannot cast double NaN to ${typeName(to)}`);
      return { sql: `(CASE WHEN isnan(${arg.sql}) THEN ${nan} ELSE ${fn}(round(${arg.sql}) AS ${duckType(to)}) END)`, type: to };
    }
    if (to.k === 'varchar') {
      const text = `${fn}(${arg.sql} AS VARCHAR)`;
      if (to.length === undefined) return { sql: text, type: to };
      if (from.k === 'varchar') return { sql: `left(${text}, ${to.length})`, type: to };
      // Trino refuses to cut a number or date short: the value must fit.
      const check = `(CASE WHEN length(${text}) > ${to.length} THEN ${safe ? 'NULL' : raise('INVALID_CAST_ARGUMENT', `Value cannot be represented as varchar(${to.length})`)} ELSE ${text} END)`;
      return { sql: check, type: to };
    }
    return { sql: `${fn}(${arg.sql} AS ${duckType(to)})`, type: to };
  }

  private call(e: Expr & { k: 'call' }, scope: Scope): { sql: string; type: TrinoType } {
    const over = e.over ? this.window(e.over, scope) : '';
    if (e.filter && e.over) throw failure('NOT_SUPPORTED', 'FILTER is not yet supported for window functions', e.pos);
    // FILTER (WHERE c): every mapped aggregate skips nulls, so an argument that is null where c is not true leaves exactly the filtered rows.
    const filter = e.filter && this.condition(e.filter, scope, 'FILTER');
    // An aggregate whose nulls are values (array_agg) takes FILTER and ORDER BY as DuckDB clauses.
    const clauses = Object.hasOwn(FUNCTION_TABLE, e.name) && FUNCTION_TABLE[e.name]!.clauses === true && !e.over;
    if (e.orderBy && !clauses) throw notSupported(`ORDER BY inside ${e.name}${e.over ? ' with OVER' : ''}`, e.orderBy[0]!.e.pos);
    const only = (v: Typed): Typed => (filter === undefined || clauses || v.type.k === 'unknown' ? v : { ...v, sql: `(CASE WHEN ${filter} THEN ${v.sql} END)` });
    if (e.name === 'count' && e.star) return { sql: filter === undefined ? `count(*)${over}` : `count(CASE WHEN ${filter} THEN 1 END)`, type: T.bigint };
    if (e.name === 'grouping' && !e.over && !e.filter && !e.distinct) {
      return { sql: `CAST(grouping(${groupingArguments(e.args.map((a) => this.expr(a, scope).sql), this.groupingKeys, e.pos)}) AS INTEGER)`, type: T.integer };
    }
    if (Object.hasOwn(LAMBDA_TABLE, e.name) && e.args.some((a) => a.k === 'lambda') && !e.over && !e.filter && !e.distinct) {
      return lambdaCall(LAMBDA_TABLE[e.name as keyof typeof LAMBDA_TABLE], e.name, e.args, e.pos, (a) => this.expr(a, scope), (body, params) => {
        const bound = new Scope([{ qualifier: [], fields: params.map((p) => ({ name: p.name, type: p.type, sql: p.sql })) }], scope, new Map());
        return this.expr(body, bound);
      }, () => `_l${this.aliases++}`);
    }
    const args = e.args.map((a) => only(this.expr(a, scope)));
    const zoned = e.over || e.distinct || e.filter ? undefined : zonedCall(e.name, args, this.session.timeZone, e.pos);
    if (zoned) return zoned;
    const special = this.specialForm(e.name, args, e.pos);
    if (special) {
      if (e.over || e.distinct) throw notSupported(`${e.name} with OVER or DISTINCT`, e.pos);
      return special;
    }
    const mapping = Object.hasOwn(FUNCTION_TABLE, e.name) ? FUNCTION_TABLE[e.name] : undefined;
    if (!mapping) throw notSupported(`Function ${e.name}`, e.pos);
    if (filter !== undefined && mapping.kind !== 'aggregate') throw failure('FUNCTION_NOT_AGGREGATE', 'Filter is only valid for aggregation functions', e.pos);
    if (e.distinct && !['count', 'sum', 'min', 'max', 'array_agg'].includes(e.name)) throw notSupported(`${e.name}(DISTINCT ...)`, e.pos);
    if (e.distinct && e.over) throw notSupported(`${e.name}(DISTINCT ...) OVER (...)`, e.pos);
    if (e.over && mapping.kind === 'scalar') throw notSupported(`OVER with the scalar function ${e.name}`, e.pos);
    if (!e.over && mapping.kind === 'window') throw failure('MISSING_OVER', `Window function ${e.name} requires an OVER clause`, e.pos);
    const within = clauses ? { orderBy: e.orderBy ? ` ORDER BY ${this.sortKeys(e.orderBy, scope).join(', ')}` : '', filter: filter === undefined ? '' : ` FILTER (WHERE ${filter})` } : undefined;
    const result = mapping.translate(args, over, within);
    if (!result && (TRINO_REJECTS[e.name] ?? MAP_REJECTS[e.name])?.(args.map((a) => a.type))) {
      throw failure('FUNCTION_NOT_FOUND', `Unexpected parameters (${args.map((a) => typeName(a.type)).join(', ')}) for function ${e.name}`, e.pos);
    }
    if (!result) throw notSupported(`Function ${e.name}(${args.map((a) => typeName(a.type)).join(', ')})`, e.pos);
    return { sql: e.distinct ? result.sql.replaceAll(`${e.name}(`, `${e.name}(DISTINCT `) : result.sql, type: result.type };
  }

  private window(over: Window, scope: Scope): string {
    const partition = over.partitionBy.map((p) => {
      const t = this.expr(p, scope);
      // DuckDB's window output shows a -0 of a partition key differently from Trino's.
      if (isFloating(t.type) || t.type.k === 'array' || holdsMap(t.type)) throw notSupported('PARTITION BY a real, double, array or map expression', p.pos);
      return t.sql;
    });
    const order = this.sortKeys(over.orderBy, scope);
    const frame = over.frame ? renderFrame(over.frame, over.orderBy.map((s) => this.expr(s.e, scope).type)) : '';
    return ` OVER (${partition.length ? `PARTITION BY ${partition.join(', ')}` : ''}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}${frame})`;
  }

  /** coalesce, nullif and if: Trino's special forms with their own typing. */
  private specialForm(name: string, args: Typed[], pos: Pos): { sql: string; type: TrinoType } | undefined {
    if (name === 'coalesce') {
      if (args.length < 2) throw failure('SYNTAX_ERROR', 'The \'coalesce\' function must have at least two arguments', pos);
      const type = this.commonOf(args, pos);
      if (type.k === 'unknown') return { sql: 'NULL', type };
      return { sql: `COALESCE(${args.map((a) => cast(a, type)).join(', ')})`, type };
    }
    if (name === 'nullif') {
      if (args.length !== 2) return undefined;
      const equal = this.compare('=', args[0]!, args[1]!, pos);
      if (args[0]!.type.k === 'unknown') return { sql: 'NULL', type: T.unknown };
      return { sql: `(CASE WHEN ${equal.sql} THEN NULL ELSE ${args[0]!.sql} END)`, type: args[0]!.type };
    }
    if (name === 'try') return args.length === 1 ? tryExpression(args[0]!, pos) : undefined;
    if (name === 'if') {
      if (args.length < 2 || args.length > 3) return undefined;
      const condition = this.bool(args[0]!, pos);
      const type = this.commonOf(args.slice(1), pos);
      if (type.k === 'unknown') return { sql: 'NULL', type };
      return { sql: `(CASE WHEN ${condition} THEN ${cast(args[1]!, type)} ELSE ${args[2] ? cast(args[2], type) : 'NULL'} END)`, type };
    }
    return undefined;
  }
}

const PLACEHOLDER: Expr = { k: 'literal', lit: { k: 'null' }, pos: { line: 1, column: 1 } };

const YEAR_TO_MONTH_UNITS = new Set(['YEAR', 'MONTH', 'YEAR TO MONTH']);

function isIntervalLiteral(e: Expr): boolean {
  return e.k === 'literal' && e.lit.k === 'interval';
}

function isDayToSecondLiteral(e: Expr): boolean {
  return e.k === 'literal' && e.lit.k === 'interval' && !YEAR_TO_MONTH_UNITS.has(e.lit.unit);
}

/** A BIGINT count of months as Trino's int, failing as Trino does when it does not fit. */
function checkedMonths(sql: string, operation: string): string {
  const overflow = raise('NUMERIC_VALUE_OUT_OF_RANGE', `interval year to month ${operation} overflow`);
  return `(CASE WHEN ${sql} NOT BETWEEN -2147483648 AND 2147483647 THEN ${overflow} ELSE CAST(${sql} AS INTEGER) END)`;
}

/**
 * A date moved by a BIGINT count of months; DuckDB clamps to the month's end as Trino does
 * (Jan 31 + 1 month = Feb 29 or 28). Results outside years 1-9999, where DuckDB's range differs
 * from Trino's, are refused.
 */
function shiftDate(date: string, months: string, pos: Pos): { sql: string; type: TrinoType } {
  const target = `(year(${date}) * 12 + month(${date}) - 1 + ${months})`;
  const refused = outsideYears1To9999(pos);
  return { sql: `(CASE WHEN ${target} NOT BETWEEN 12 AND ${9999 * 12 + 11} THEN ${refused} ELSE CAST(${date} + to_months(CAST(${months} AS INTEGER)) AS DATE) END)`, type: T.date };
}

/** The refusal of a date arithmetic result outside years 1-9999, where DuckDB's date range differs from Trino's. */
function outsideYears1To9999(pos: Pos): string {
  return raise('NOT_SUPPORTED', `line ${pos.line}:${pos.column}: Date arithmetic with a result outside the years 1 to 9999 is not supported by the embedded engine`);
}

function isDateAndDayToSecond(a: Typed, b: Typed): boolean {
  return (a.type.k === 'date' && b.type.k === 'intervalDayToSecond') || (a.type.k === 'intervalDayToSecond' && b.type.k === 'date');
}

/**
 * date ± a computed interval day to second (held as milliseconds): Trino adds whole days and
 * fails on any hour, minute or second part; a null operand gives null. A result outside the
 * years 1 to 9999 is refused, as shiftDate refuses it.
 */
function shiftDateByMillis(op: '+' | '-', [date, interval]: [Typed, Typed], pos: Pos): { sql: string; type: TrinoType } {
  const days = `((${date.sql} - DATE '1970-01-01') ${op} (CAST(${interval.sql} AS BIGINT) // ${MILLIS_PER_DAY}))`;
  const partial = raise('INVALID_FUNCTION_ARGUMENT', op === '+' ? 'Cannot add hour, minutes or seconds to a date' : 'Cannot subtract hour, minutes or seconds from a date');
  const refused = outsideYears1To9999(pos);
  return {
    sql:
      `(CASE WHEN ${date.sql} IS NULL OR ${interval.sql} IS NULL THEN NULL WHEN CAST(${interval.sql} AS BIGINT) % ${MILLIS_PER_DAY} <> 0 THEN ${partial} ` +
      `WHEN ${days} NOT BETWEEN ${DAYS_TO_YEAR_1} AND ${DAYS_TO_YEAR_9999_END} THEN ${refused} ELSE CAST(DATE '1970-01-01' + CAST(${days} AS INTEGER) AS DATE) END)`,
    type: T.date,
  };
}

const MILLIS_PER_DAY = 86_400_000;
/** Days from 1970-01-01 to 0001-01-01 and to 9999-12-31. */
const DAYS_TO_YEAR_1 = -719_162;
const DAYS_TO_YEAR_9999_END = 2_932_896;

/** Trino's text of an interval year to month held as months: `[-]years-months`. */
function yearToMonthText(months: string): string {
  const magnitude = `abs(CAST(${months} AS BIGINT))`;
  return `((CASE WHEN ${months} < 0 THEN '-' ELSE '' END) || CAST(${magnitude} // 12 AS VARCHAR) || '-' || CAST(${magnitude} % 12 AS VARCHAR))`;
}

/** A relation's qualifier matches a written one when the written parts are its last parts (`lineitem`, `tiny.lineitem`). */
function matchesQualifier(relation: string[], written: string[]): boolean {
  if (written.length > relation.length) return false;
  const offset = relation.length - written.length;
  return written.every((part, i) => relation[offset + i] === part);
}
