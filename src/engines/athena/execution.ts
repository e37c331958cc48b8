/**
 * The result of one finished Athena query, read page by page as the client asks for rows, from
 * `GetQueryResults` or from the result file in S3 (s3-results.ts); both give the same rows.
 *
 * `GetQueryResults` returns at most 1,000 rows per call; for a query (StatementType DML) the first
 * row of the first page is the header (the column labels), and later pages carry no header. The
 * header is checked against the labels and dropped: it is never taken for data, and no data row
 * is ever dropped in its place (Odin's 60-page result lost 59 rows to the opposite assumption).
 */
import type { ColumnInfo, GetQueryResultsCommandOutput } from '@aws-sdk/client-athena';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { Column } from '../../protocol/types.js';
import { trinoUpdateType } from '../../sql/analyzer/update-type.js';
import type { QueryEndDetails } from '../backend.js';
import type { LocalExecution, ResultPage } from '../local-engine.js';
import type { CsvRecord } from './csv-records.js';
import { decoderFor, type ColumnDecoder } from './values.js';

/** What Athena reports about a finished query's cost, for history. */
export interface QueryStatistics {
  dataScannedBytes: number | undefined;
  engineExecutionMs: number | undefined;
  queueMs: number | undefined;
}

/**
 * Where a finished query's rows come from, in order, as Athena's text (`undefined` for NULL): the
 * `GetQueryResults` pages or the result file in S3. For a DML statement the first row is the header.
 */
export interface RowSource {
  /** The next rows read; null once there are no more. */
  next(signal: AbortSignal): Promise<CsvRecord[] | null>;
  /** Releases what a source not read to its end holds open. */
  close?(): void;
}

/** The rows of `GetQueryResults`, one call per batch, following `NextToken`. */
export class ResultPagesSource implements RowSource {
  private pending: GetQueryResultsCommandOutput | undefined;
  private nextToken: string | undefined;

  constructor(
    first: GetQueryResultsCommandOutput,
    private readonly fetchPage: (token: string, signal: AbortSignal) => Promise<GetQueryResultsCommandOutput>,
  ) {
    this.pending = first;
  }

  async next(signal: AbortSignal): Promise<CsvRecord[] | null> {
    let page = this.pending;
    this.pending = undefined;
    if (page === undefined) {
      if (this.nextToken === undefined) return null;
      page = await this.fetchPage(this.nextToken, signal);
    }
    this.nextToken = page.NextToken;
    return (page.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((datum) => datum.VarCharValue));
  }
}

export interface AthenaExecutionOptions {
  queryId: string;
  /** Athena's statement type: DML results start with a header row. */
  statementType: string | undefined;
  sql: string;
  /** The result's columns, from GetQueryResults' ResultSetMetadata. */
  columnInfo: ColumnInfo[];
  rows: RowSource;
  parametricDatetime: boolean;
  statistics: QueryStatistics;
}

export class AthenaExecution implements LocalExecution {
  readonly columns: Column[];
  readonly updateType?: string;
  readonly stats: NonNullable<QueryEndDetails['stats']>;
  private readonly decoders: ColumnDecoder[];
  /** Encoded rows fetched and not yet handed out. */
  private buffered: string[] = [];
  private headerPending: boolean;
  private exhausted = false;
  private rowNumber = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: AthenaExecutionOptions) {
    this.decoders = options.columnInfo.map((info) => decoderFor(info, options.parametricDatetime));
    this.columns = this.decoders.map((d) => d.column);
    this.stats = {};
    const { dataScannedBytes, engineExecutionMs, queueMs } = options.statistics;
    if (dataScannedBytes !== undefined) this.stats.processedBytes = dataScannedBytes;
    if (engineExecutionMs !== undefined) this.stats.engineMs = engineExecutionMs;
    if (queueMs !== undefined) this.stats.engineQueuedMs = queueMs;
    this.headerPending = options.statementType === 'DML';
    if (this.columns.length === 0) {
      this.updateType = updateTypeOf(options.sql);
      this.exhausted = true;
    }
  }

  async nextPage(targetBytes: number): Promise<ResultPage | null> {
    while (this.buffered.length === 0 && !this.exhausted) {
      if (this.abort.signal.aborted) throw canceled();
      const rows = await this.options.rows.next(this.abort.signal);
      if (rows === null) {
        this.exhausted = true;
        // A DML result without even its header row is not a complete result.
        if (this.headerPending) this.checkHeader([]);
      } else this.take(rows);
    }
    if (this.abort.signal.aborted) throw canceled();
    if (this.buffered.length === 0) return null;
    let size = 0;
    let count = 0;
    while (count < this.buffered.length && (count === 0 || size + this.buffered[count]!.length + 1 <= targetBytes)) {
      size += this.buffered[count]!.length + 1;
      count++;
    }
    const rows = this.buffered.splice(0, count);
    return { rowsJson: rows.join(','), rowCount: count };
  }

  cancel(): void {
    this.abort.abort();
    this.options.rows.close?.();
    this.buffered = [];
  }

  private take(rows: CsvRecord[]): void {
    for (const data of rows) {
      if (this.headerPending) {
        this.headerPending = false;
        this.checkHeader(data);
        continue;
      }
      this.rowNumber++;
      if (data.length !== this.decoders.length) {
        throw new QueryFailure(
          ErrorCodes.GENERIC_INTERNAL_ERROR,
          `Athena query ${this.options.queryId}: result row ${this.rowNumber} has ${data.length} values for ${this.decoders.length} columns; the query fails rather than return a shifted row`,
        );
      }
      this.buffered.push(`[${data.map((text, i) => this.decoders[i]!.decode(text)).join(',')}]`);
    }
  }

  private checkHeader(labels: CsvRecord): void {
    const expected = this.columns.map((c) => c.name);
    if (labels.length !== expected.length || labels.some((label, i) => label !== expected[i])) {
      throw new QueryFailure(
        ErrorCodes.GENERIC_INTERNAL_ERROR,
        `Athena query ${this.options.queryId}: the first result row is not the header row (${JSON.stringify(labels)}, expected ${JSON.stringify(expected)}); the query fails rather than drop or misread a row`,
      );
    }
  }
}

/**
 * Trino's update type for a statement without a result set: Trino's own name for one the gateway's
 * grammar parses (`ADD COLUMN`), else (Athena's Hive DDL: `CREATE EXTERNAL TABLE`, `MSCK REPAIR
 * TABLE`) its two leading words.
 */
function updateTypeOf(sql: string): string {
  return trinoUpdateType(sql) ?? sql.trim().split(/\s+/, 2).map((w) => w.toUpperCase()).join(' ');
}

function canceled(): QueryFailure {
  return new QueryFailure(ErrorCodes.USER_CANCELED, 'Query was canceled');
}
