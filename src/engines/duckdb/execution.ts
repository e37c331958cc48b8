/**
 * One statement on its own DuckDB connection: session setup, parameter binding, execution, and
 * the streaming of its result in pages of encoded rows.
 */
import {
  DuckDBTypeId,
  StatementType,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBVector,
} from '@duckdb/node-api';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { column, type Column } from '../../protocol/types.js';
import type { LocalExecution, LocalStatement, ResultPage } from '../local-engine.js';
import { codecFor, type Codec } from './codecs.js';
import { canceledFailure, toQueryFailure, translatedFailure, type ErrorContext } from './errors.js';
import { quoteIdentifier, quoteString } from '../../sql/quoting.js';
import { scan } from './sql-text.js';

/** Statement kinds a user may run. The rest (SET, PRAGMA, CALL, ATTACH, COPY, LOAD, ...) change the engine or reach outside it. */
const ALLOWED_STATEMENTS = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.MERGE_INTO,
  StatementType.CREATE,
  StatementType.CREATE_FUNC,
  StatementType.DROP,
  StatementType.ALTER,
  StatementType.ANALYZE,
]);

const DML_STATEMENTS = new Set<StatementType>([StatementType.INSERT, StatementType.UPDATE, StatementType.DELETE, StatementType.MERGE_INTO]);

const UPDATE_TYPES = new Map<StatementType, string>([
  [StatementType.INSERT, 'INSERT'],
  [StatementType.UPDATE, 'UPDATE'],
  [StatementType.DELETE, 'DELETE'],
  [StatementType.MERGE_INTO, 'MERGE'],
  [StatementType.ANALYZE, 'ANALYZE'],
  [StatementType.CREATE_FUNC, 'CREATE FUNCTION'],
]);

const MODIFIERS = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'PERSISTENT', 'UNIQUE', 'IF', 'NOT', 'EXISTS']);

/** Trino's update type for CREATE, DROP and ALTER statements, derived from their leading words. */
function ddlUpdateType(sql: string): string {
  const tokens = scan(sql);
  const verb = tokens[0]?.value.toUpperCase() ?? '';
  let t = 1;
  while (t < tokens.length && tokens[t]!.kind === 'word' && MODIFIERS.has(tokens[t]!.value.toUpperCase())) t++;
  const object = tokens[t]?.kind === 'word' ? tokens[t]!.value.toUpperCase() : '';
  const kind = object === 'MACRO' ? 'FUNCTION' : object;
  if (verb !== 'ALTER') return `${verb} ${kind}`.trim();
  // ALTER <kind> [IF EXISTS] <qualified name> <action> ...
  t++;
  while (t < tokens.length && tokens[t]!.kind === 'word' && MODIFIERS.has(tokens[t]!.value.toUpperCase())) t++;
  t++;
  while (tokens[t]?.value === '.') t += 2;
  const [action = '', next = ''] = tokens.slice(t, t + 2).map((token) => token.value.toUpperCase());
  if (action === 'RENAME') return next === 'TO' ? `RENAME ${kind}` : 'RENAME COLUMN';
  if (action === 'ADD') return next === 'CONSTRAINT' || next === 'PRIMARY' ? `ALTER ${kind}` : 'ADD COLUMN';
  if (action === 'DROP') return next === 'CONSTRAINT' ? `ALTER ${kind}` : 'DROP COLUMN';
  if (action === 'ALTER' && tokens.slice(t).some((token) => token.value.toUpperCase() === 'TYPE')) return 'SET COLUMN TYPE';
  return `ALTER ${kind}`;
}

export interface ExecutionOptions {
  redactions: ReadonlyArray<readonly [string, string]>;
  /** The statement is a translation: failures never show DuckDB's text. */
  translated?: boolean;
  /** A translated query's output columns as Trino names and types them. */
  columns?: Array<{ name: string; type: string }> | undefined;
  /** Statements run first, in one transaction with the statement (committed once it succeeded). */
  before?: string[] | undefined;
  /** Trino's update type for the statement, when DuckDB's kind of statement would name another. */
  updateType?: string | undefined;
  /** Called once the connection is closed. */
  onClose: () => void;
}

/**
 * Trino's zone ids are IANA names or UTC offsets; ICU knows the names and whole-hour offsets as
 * Etc/GMT∓h. It has no zone for other offsets (+05:30): DuckDB then runs in UTC, and the
 * translation computes the session's clock from the offset itself (datetime.ts).
 */
function icuTimeZone(zone: string): string {
  if (zone === 'Z') return 'UTC';
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  // Not an offset, or not one Trino takes (DuckDB then refuses it too).
  if (!offset || Number(offset[2]) > 14 || Number(offset[3]) > 59) return zone;
  const hours = Number(offset[2]);
  if (hours === 0 || offset[3] !== '00') return 'UTC';
  return `Etc/GMT${offset[1] === '+' ? '-' : '+'}${hours}`;
}

export class DuckDbExecution implements LocalExecution {
  columns: Column[] = [];
  updateType?: string;
  updateCount?: number;

  private readonly context: ErrorContext;
  private result: DuckDBResult | undefined;
  private codecs: Codec[] = [];
  private chunk: DuckDBDataChunk | undefined;
  private vectors: DuckDBVector[] = [];
  private row = 0;
  /** An encoded row that did not fit the previous page. */
  private carried: string | undefined;
  /** The single row of a DML statement, returned by the first page. */
  private countRow: string | undefined;
  private canceled = false;
  private busy = 0;
  private closing = false;
  private closed = false;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly statement: LocalStatement,
    private readonly options: ExecutionOptions,
  ) {
    this.context = { sql: statement.sql, catalog: statement.catalog, schema: statement.schema, redactions: options.redactions };
  }

  /**
   * Runs `op` on the connection, mapping its errors. The connection is closed only when no
   * operation is in flight: closing it under a running native call is not safe.
   */
  private async use<T>(op: () => Promise<T>, context: ErrorContext = this.context): Promise<T> {
    if (this.canceled) throw canceledFailure();
    if (this.closed) throw new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, 'The DuckDB connection is closed');
    this.busy++;
    try {
      const value = await op();
      // An interrupted fetch can also end quietly, as if the result were exhausted.
      if (this.canceled) throw canceledFailure();
      return value;
    } catch (err) {
      if (this.canceled) throw canceledFailure();
      throw this.options.translated === true && context === this.context ? translatedFailure(err, context) : toQueryFailure(err, context);
    } finally {
      this.busy--;
      if (this.closing && this.busy === 0) this.close();
    }
  }

  private release(): void {
    this.closing = true;
    this.result = undefined;
    this.chunk = undefined;
    this.vectors = [];
    if (this.busy === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.disconnectSync();
    this.options.onClose();
  }

  /** Sets the session up, plans and starts the statement; resolves once its columns are known. */
  async start(): Promise<void> {
    try {
      await this.setUpSession();
      if (this.options.before !== undefined) {
        await this.use(() => this.connection.run('BEGIN TRANSACTION'));
        for (const sql of this.options.before) await this.use(() => this.connection.run(sql));
      }
      const prepared = await this.prepare();
      let result: DuckDBResult;
      let type: StatementType;
      try {
        type = prepared.statementType;
        if (!ALLOWED_STATEMENTS.has(type)) {
          const name = StatementType[type] ?? 'this';
          throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `${name.replace(/_/g, ' ')} statements are not supported by the embedded DuckDB engine`);
        }
        await this.bindParameters(prepared);
        result = await this.use(() => prepared.stream());
      } finally {
        prepared.destroySync();
      }
      await this.classify(type, result);
    } catch (err) {
      this.release();
      throw err;
    }
  }

  private async setUpSession(): Promise<void> {
    const { catalog, schema, timeZone } = this.statement;
    const internal: ErrorContext = { redactions: this.options.redactions };
    if (catalog !== undefined) {
      const target = schema === undefined ? quoteIdentifier(catalog) : `${quoteIdentifier(catalog)}.${quoteIdentifier(schema)}`;
      try {
        await this.use(() => this.connection.run(`USE ${target}`), internal);
      } catch (err) {
        if (schema === undefined || (err instanceof QueryFailure && err.errorCode === ErrorCodes.USER_CANCELED)) throw err;
        const known = await this.use(
          () => this.connection.runAndReadAll('SELECT 1 FROM duckdb_databases() WHERE lower(database_name) = lower($1)', [catalog]),
          internal,
        );
        if (known.currentRowCount === 0) throw new QueryFailure(ErrorCodes.CATALOG_NOT_FOUND, `Catalog '${catalog}' not found`);
        throw new QueryFailure(ErrorCodes.SCHEMA_NOT_FOUND, `Schema '${schema}' does not exist`);
      }
    }
    if (timeZone !== undefined) {
      try {
        await this.use(() => this.connection.run(`SET TimeZone = ${quoteString(icuTimeZone(timeZone))}`), internal);
      } catch (err) {
        if (err instanceof QueryFailure && err.errorCode === ErrorCodes.USER_CANCELED) throw err;
        throw new QueryFailure(ErrorCodes.GENERIC_USER_ERROR, `Time zone not supported: ${timeZone}`);
      }
    }
  }

  private async prepare(): Promise<DuckDBPreparedStatement> {
    const sql = this.statement.sql;
    if (scan(sql).length === 0) throw new QueryFailure(ErrorCodes.SYNTAX_ERROR, 'The statement is empty');
    const extracted = await this.use(() => this.connection.extractStatements(sql));
    if (extracted.count !== 1) throw new QueryFailure(ErrorCodes.SYNTAX_ERROR, 'Only one statement can be run at a time');
    return this.use(() => extracted.prepare(0));
  }

  /**
   * Parameters are SQL expressions: each is evaluated with `SELECT <expression>` on this
   * connection and the value bound with the type DuckDB gave it, so `DATE '2020-01-01'` binds a
   * date and `'abc'` a varchar.
   */
  private async bindParameters(prepared: DuckDBPreparedStatement): Promise<void> {
    const { parameters } = this.statement;
    if (prepared.parameterCount !== parameters.length) {
      throw new QueryFailure(
        ErrorCodes.GENERIC_USER_ERROR,
        `Incorrect number of parameters: expected ${prepared.parameterCount} but found ${parameters.length}`,
      );
    }
    for (let i = 0; i < parameters.length; i++) {
      const context: ErrorContext = { redactions: this.options.redactions };
      const extracted = await this.use(() => this.connection.extractStatements(`SELECT ${parameters[i]}`), context);
      if (extracted.count !== 1) throw new QueryFailure(ErrorCodes.SYNTAX_ERROR, `Invalid parameter ${i + 1}: ${parameters[i]}`);
      const evaluation = await this.use(() => extracted.prepare(0), context);
      try {
        if (evaluation.statementType !== StatementType.SELECT || evaluation.columnCount !== 1) {
          throw new QueryFailure(ErrorCodes.SYNTAX_ERROR, `Invalid parameter ${i + 1}: ${parameters[i]}`);
        }
        const result = await this.use(() => evaluation.run(), context);
        const chunk = await this.use(() => result.fetchChunk(), context);
        const value = chunk && chunk.rowCount > 0 ? chunk.getColumnVector(0).getItem(0) : null;
        if (value === null) prepared.bindNull(i + 1);
        else prepared.bindValue(i + 1, value, result.columnType(0));
      } finally {
        evaluation.destroySync();
      }
    }
  }

  private async classify(type: StatementType, result: DuckDBResult): Promise<void> {
    const isCount = result.columnCount === 1 && result.columnName(0) === 'Count' && result.columnTypeId(0) === DuckDBTypeId.BIGINT;
    if (type === StatementType.SELECT || type === StatementType.EXPLAIN || (!isCount && DML_STATEMENTS.has(type))) {
      // Queries, and DML with RETURNING, stream their rows.
      this.result = result;
      const parametric = this.statement.parametricDatetime;
      this.codecs = result.columnTypes().map((t) => codecFor(t, parametric));
      const names = result.columnNames();
      const translated = this.options.columns;
      this.columns = translated ? translated.map((c) => column(c.name, c.type)) : this.codecs.map((codec, i) => column(names[i]!, codec.type));
      return;
    }
    // Other statements did their work when executed; a row count is all they return.
    const chunk = await this.use(() => result.fetchChunk());
    const count = chunk && chunk.rowCount > 0 && isCount ? Number(chunk.getColumnVector(0).getItem(0)) : undefined;
    // Closing the connection without COMMIT (on any failure) rolls the transaction back.
    if (this.options.before !== undefined) await this.use(() => this.connection.run('COMMIT'));
    this.updateType = this.options.updateType ?? UPDATE_TYPES.get(type) ?? ddlUpdateType(this.statement.sql);
    // Trino answers DML and CREATE TABLE AS with a one-row `rows` result and an update count.
    if (count !== undefined) {
      this.updateCount = count;
      this.columns = [column('rows', 'bigint')];
      this.countRow = `[${count}]`;
    }
    this.release();
  }

  async nextPage(targetBytes: number): Promise<ResultPage | null> {
    if (this.canceled) throw canceledFailure();
    if (this.countRow !== undefined) {
      const rowsJson = this.countRow;
      this.countRow = undefined;
      return { rowsJson, rowCount: 1 };
    }
    let rowsJson = this.carried ?? '';
    let rowCount = this.carried === undefined ? 0 : 1;
    this.carried = undefined;
    while (this.result !== undefined && rowsJson.length < targetBytes) {
      if (this.chunk === undefined || this.row >= this.chunk.rowCount) {
        const result = this.result;
        const chunk = await this.use(() => result.fetchChunk());
        if (chunk === null || chunk.rowCount === 0) {
          this.release();
          break;
        }
        this.chunk = chunk;
        this.vectors = this.codecs.map((_, i) => chunk.getColumnVector(i));
        this.row = 0;
      }
      const { chunk, vectors, codecs } = this;
      while (this.row < chunk.rowCount) {
        const r = this.row++;
        let encoded = '[';
        for (let c = 0; c < codecs.length; c++) encoded += (c === 0 ? '' : ',') + codecs[c]!.vector(vectors[c]!, r);
        encoded += ']';
        if (rowCount > 0 && rowsJson.length + 1 + encoded.length > targetBytes) {
          this.carried = encoded;
          return { rowsJson, rowCount };
        }
        rowsJson = rowCount === 0 ? encoded : `${rowsJson},${encoded}`;
        rowCount++;
        if (rowsJson.length >= targetBytes) break;
      }
    }
    return rowCount === 0 ? null : { rowsJson, rowCount };
  }

  cancel(): void {
    if (this.canceled || this.closed) return;
    this.canceled = true;
    this.connection.interrupt();
    this.release();
  }
}
