/**
 * The result of one finished Athena query, read page by page as the client asks for rows.
 *
 * `GetQueryResults` returns at most 1,000 rows per call; for a query (StatementType DML) the first
 * row of the first page is the header (the column labels), and later pages carry no header. The
 * header is checked against the labels and dropped: it is never taken for data, and no data row
 * is ever dropped in its place (Odin's 60-page result lost 59 rows to the opposite assumption).
 */
import type { GetQueryResultsCommandOutput, Row } from '@aws-sdk/client-athena';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { Column } from '../../protocol/types.js';
import type { QueryEndDetails } from '../backend.js';
import type { LocalExecution, ResultPage } from '../local-engine.js';
import { decoderFor, type ColumnDecoder } from './values.js';

/** What Athena reports about a finished query's cost, for history. */
export interface QueryStatistics {
  dataScannedBytes: number | undefined;
  engineExecutionMs: number | undefined;
  queueMs: number | undefined;
}

export interface AthenaExecutionOptions {
  queryId: string;
  /** Athena's statement type: DML results start with a header row. */
  statementType: string | undefined;
  sql: string;
  first: GetQueryResultsCommandOutput;
  parametricDatetime: boolean;
  statistics: QueryStatistics;
  nextPage: (token: string, signal: AbortSignal) => Promise<GetQueryResultsCommandOutput>;
}

export class AthenaExecution implements LocalExecution {
  readonly columns: Column[];
  readonly updateType?: string;
  readonly stats: NonNullable<QueryEndDetails['stats']>;
  private readonly decoders: ColumnDecoder[];
  /** Encoded rows fetched and not yet handed out. */
  private buffered: string[] = [];
  private nextToken: string | undefined;
  private rowNumber = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: AthenaExecutionOptions) {
    const infos = options.first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    this.decoders = infos.map((info) => decoderFor(info, options.parametricDatetime));
    this.columns = this.decoders.map((d) => d.column);
    this.stats = {};
    const { dataScannedBytes, engineExecutionMs, queueMs } = options.statistics;
    if (dataScannedBytes !== undefined) this.stats.processedBytes = dataScannedBytes;
    if (engineExecutionMs !== undefined) this.stats.engineMs = engineExecutionMs;
    if (queueMs !== undefined) this.stats.engineQueuedMs = queueMs;
    const rows = options.first.ResultSet?.Rows ?? [];
    if (this.columns.length === 0) {
      this.updateType = updateTypeOf(options.sql);
      return;
    }
    if (options.statementType === 'DML') this.checkHeader(rows[0]);
    this.take(options.statementType === 'DML' ? rows.slice(1) : rows, options.first.NextToken);
  }

  async nextPage(targetBytes: number): Promise<ResultPage | null> {
    while (this.buffered.length === 0 && this.nextToken !== undefined) {
      if (this.abort.signal.aborted) throw canceled();
      const page = await this.options.nextPage(this.nextToken, this.abort.signal);
      this.take(page.ResultSet?.Rows ?? [], page.NextToken);
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
    this.buffered = [];
  }

  private take(rows: Row[], nextToken: string | undefined): void {
    for (const row of rows) {
      this.rowNumber++;
      const data = row.Data ?? [];
      if (data.length !== this.decoders.length) {
        throw new QueryFailure(
          ErrorCodes.GENERIC_INTERNAL_ERROR,
          `Athena query ${this.options.queryId}: result row ${this.rowNumber} has ${data.length} values for ${this.decoders.length} columns; the query fails rather than return a shifted row`,
        );
      }
      this.buffered.push(`[${data.map((datum, i) => this.decoders[i]!.decode(datum.VarCharValue)).join(',')}]`);
    }
    this.nextToken = nextToken;
  }

  private checkHeader(row: Row | undefined): void {
    const labels = (row?.Data ?? []).map((d) => d.VarCharValue);
    const expected = this.columns.map((c) => c.name);
    if (labels.length !== expected.length || labels.some((label, i) => label !== expected[i])) {
      throw new QueryFailure(
        ErrorCodes.GENERIC_INTERNAL_ERROR,
        `Athena query ${this.options.queryId}: the first result row is not the header row (${JSON.stringify(labels)}, expected ${JSON.stringify(expected)}); the query fails rather than drop or misread a row`,
      );
    }
  }
}

/** Trino's update type for a statement without a result set: its leading words (`CREATE TABLE`, `DROP VIEW`). */
function updateTypeOf(sql: string): string {
  const words = sql.trim().split(/\s+/, 2).map((w) => w.toUpperCase());
  return words.join(' ');
}

function canceled(): QueryFailure {
  return new QueryFailure(ErrorCodes.USER_CANCELED, 'Query was canceled');
}
