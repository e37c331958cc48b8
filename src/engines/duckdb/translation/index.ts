/**
 * The translation step of the embedded engine: every query is checked with the gateway's Trino
 * parser (so DuckDB-only syntax fails with Trino's syntax error), parsed into the translator's
 * tree, typed against the catalog's Trino column types and rendered as DuckDB SQL. Queries and
 * the writes (INSERT, CREATE TABLE [AS], CREATE VIEW, DELETE, UPDATE, DROP, CREATE SCHEMA) are
 * translated; every other statement kind is refused with NOT_SUPPORTED. The metadata schemas
 * (information_schema, system) are the gateway's metadata service's to answer (it translates
 * their queries too): DuckDB's own would differ, so statements reading them are refused here.
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { parseStatement } from '../../../sql/analyzer/parser.js';
import type { Statement as AnalyzedStatement } from '../../../sql/analyzer/ast.js';
import { notSupported, parseTranslatable, type Statement } from './syntax.js';
import { Translator, statementTables, type Translation, type TranslationSession } from './translator.js';

export type { Translation, TranslationSession };

/** Trino column types of a table; an empty list when there is no such table. */
export type ColumnSource = (catalog: string, schema: string, table: string) => Promise<ReadonlyArray<{ name: string; type: string }>>;

/** Which part of a missing table's name names nothing: its catalog, its schema, or the table itself. */
export type MissingPart = (catalog: string, schema: string) => Promise<'catalog' | 'schema' | 'table'>;

const METADATA_SCHEMAS = new Set(['information_schema', 'jdbc', 'metadata', 'runtime']);
const METADATA_CATALOGS = new Set(['system']);

const CACHE_SIZE = 512;

/** The statement kinds of the gateway's parser that the translator renders; every other kind is refused (never run as written). */
const TRANSLATED_KINDS = new Set<AnalyzedStatement['k']>(['query', 'insert', 'delete', 'update', 'createTable', 'createTableAsSelect', 'createView', 'dropObject', 'createSchema', 'dropSchema']);

/** A statement kind as Trino's SQL names it (`createTableAsSelect` → `CREATE TABLE AS SELECT`, `dropObject` → `DROP MATERIALIZED VIEW`). */
function describeKind(statement: AnalyzedStatement): string {
  const kind = 'kind' in statement && typeof statement.kind === 'string' ? statement.kind : statement.k;
  return kind.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

export class QueryTranslator {
  /** Translations of statements over tables whose columns cannot change (the demo catalog), by statement and session. */
  private readonly cache = new Map<string, Translation>();

  constructor(
    private readonly columnsOf: ColumnSource,
    private readonly missingPart: MissingPart,
    /** Whether a table's columns are fixed for the life of the engine, so its translations may be cached. */
    private readonly isFixed: (catalog: string, schema: string, table: string) => boolean,
  ) {}

  async translate(sql: string, parameters: readonly string[], session: TranslationSession): Promise<Translation> {
    const key = JSON.stringify([sql, parameters, session.user, session.catalog, session.schema, session.parametricDatetime, session.timeZone]);
    if (this.cache.has(key)) {
      const hit = this.cache.get(key)!;
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const statement = parseStatement(sql);
    if (!TRANSLATED_KINDS.has(statement.k)) throw notSupported(`${describeKind(statement)} statements`, { line: 1, column: 1 });
    // A parameter is a Trino expression: its syntax is checked as Trino's.
    for (const text of parameters) parseStatement(`SELECT ${text}`);
    const translatable = parseTranslatable(sql, parameters);
    assertSameTables(statement, translatable);
    assertSameTarget(statement, translatable);
    const written = statementTables(translatable);
    if (written.some((name) => isMetadata(name, session))) {
      throw notSupported(translatable.k === 'query' ? 'Reading a metadata schema (information_schema, system) on the engine itself' : 'Writing to a metadata schema', { line: 1, column: 1 });
    }
    const names = written.map((name) => qualify(name, session));
    const columns = new Map<string, ReadonlyArray<{ name: string; type: string }> | 'catalog' | 'schema' | 'table'>();
    for (const name of names) {
      if (name === undefined || columns.has(name.join('.'))) continue;
      const found = await this.columnsOf(...name);
      columns.set(name.join('.'), found.length > 0 ? found : await this.missingPart(name[0], name[1]));
    }
    const translated = new Translator(session, (c, s, t) => columns.get([c, s, t].join('.')) ?? 'table').translateStatement(translatable);
    const translation = translatable.k === 'query' ? translated : { ...translated, writes: true };
    // A write's translation depends on whether its target exists: only queries are cached.
    if (translatable.k === 'query' && names.every((n) => n !== undefined && this.isFixed(...n))) {
      this.cache.set(key, translation);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return translation;
  }
}

/**
 * Access control authorized the tables the gateway's parser found; the translator renders what its
 * own parser found. Both read the same tokens, but should the two trees ever name different tables,
 * running the translation would read a table nobody checked: such a statement is refused.
 */
export function assertSameTables(authorized: unknown, translated: unknown): void {
  const written = (tree: unknown): string => {
    const names: string[] = [];
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) return node.forEach(visit);
      const record = node as Record<string, unknown>;
      if (record.k === 'table' && Array.isArray(record.name)) {
        names.push(record.name.map((part: unknown) => (typeof part === 'string' ? part : (part as { value: string }).value).toLowerCase()).join('.'));
      }
      Object.values(record).forEach(visit);
    };
    visit(tree);
    return names.sort().join('\n');
  };
  if (written(authorized) !== written(translated)) {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'The embedded engine cannot run this query: its translation to DuckDB would not read exactly the tables the statement names');
  }
}

/** The object a write names, as each parser read it: access control checked the first, the translation writes the second. */
function assertSameTarget(authorized: AnalyzedStatement, translated: Statement): void {
  const named = 'table' in authorized ? authorized.table : 'schema' in authorized ? authorized.schema : undefined;
  const analyzed = Array.isArray(named) ? named : undefined;
  const written = translated.k === 'query' ? undefined : 'table' in translated ? translated.table : translated.name;
  const text = (parts: ReadonlyArray<string | { value: string }> | undefined): string | undefined =>
    parts?.map((part) => (typeof part === 'string' ? part : part.value).toLowerCase()).join('.');
  if (text(analyzed) !== text(written)) {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, 'The embedded engine cannot run this statement: its translation would not write exactly the object the statement names');
  }
}

/** A table of the metadata schemas, which the gateway's metadata service answers. */
function isMetadata(name: string[], session: TranslationSession): boolean {
  const schema = name.length >= 2 ? name[name.length - 2]! : session.schema?.toLowerCase();
  const catalog = name.length >= 3 ? name[name.length - 3]! : session.catalog?.toLowerCase();
  return (schema !== undefined && METADATA_SCHEMAS.has(schema)) || (catalog !== undefined && METADATA_CATALOGS.has(catalog));
}

/** A table name completed from the session as the translator will, or undefined when the session lacks a part. */
function qualify(name: string[], session: TranslationSession): [string, string, string] | undefined {
  const catalog = session.catalog?.toLowerCase();
  const schema = session.schema?.toLowerCase();
  if (name.length >= 3) return [name[name.length - 3]!, name[name.length - 2]!, name[name.length - 1]!];
  if (name.length === 2) return catalog === undefined ? undefined : [catalog, name[0]!, name[1]!];
  return catalog === undefined || schema === undefined ? undefined : [catalog, schema, name[0]!];
}
