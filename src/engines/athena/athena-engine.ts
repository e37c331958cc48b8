/**
 * One Athena workgroup as an engine the gateway drives itself (as the embedded engine): the
 * gateway owns the Trino protocol (ids, pages, cancel), this engine starts the statement with
 * `StartQueryExecution`, polls `GetQueryExecution` with backoff until it ends, and reads the
 * result as the client asks for rows: with `GetQueryResults` (1,000 rows per call) or, for a large
 * result, from its CSV file in S3 (`s3Results`, `s3ResultMinSize`; see s3-results.ts). Canceled and
 * abandoned queries are stopped with `StopQueryExecution`.
 *
 * Credentials come from the AWS SDK's default provider chain, optionally exchanged for a role's
 * (STS AssumeRole). Throttled API calls are retried by the SDK with exponential backoff and jitter
 * (`maxAttempts`); when the attempts are exhausted the query fails with QUERY_QUEUE_FULL.
 */
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetDatabaseCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CatalogDescription } from '../../catalogs/model.js';
import type { AthenaBackendConfig } from '../../config/schema.js';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import type { ViewDefinition, ViewExpansion } from '../../sql/analyzer/types.js';
import type { ExecutionProgress, LocalEngine, LocalExecution, LocalStatement } from '../local-engine.js';
import { apiFailure, failedQuery } from './errors.js';
import { AthenaExecution, ResultPagesSource, type QueryStatistics, type RowSource } from './execution.js';
import { GlueMetadata } from './glue-metadata.js';
import { parseS3Location, resultFileSize, S3ResultSource } from './s3-results.js';

/** What the engine reads of its backend's configuration (see config/schema.ts for each setting). */
export type AthenaEngineOptions = Pick<
  AthenaBackendConfig,
  'name' | 'region' | 'workgroup' | 'outputLocation' | 'roleArn' | 'endpoint' | 'catalog' | 'pollInterval' | 'maxPollInterval' | 'maxAttempts' | 'maxQueued' | 's3Results' | 's3ResultMinSize'
>;

/** Athena's name of the Glue Data Catalog. */
const GLUE_CATALOG = 'AwsDataCatalog';
/** Rows per GetQueryResults call: Athena's maximum. */
const RESULT_PAGE_ROWS = 1000;
/** Ids per ListQueryExecutions page and per BatchGetQueryExecution call: Athena's maximum. */
const LOAD_SAMPLE = 50;

export class AthenaEngine implements LocalEngine {
  readonly kind = 'athena';
  private readonly athena: AthenaClient;
  private readonly s3: S3Client;
  private readonly metadata: GlueMetadata;
  /** Queries Athena last reported QUEUED in the workgroup. */
  private reportedQueued = 0;

  constructor(private readonly options: AthenaEngineOptions) {
    const common = {
      region: options.region,
      maxAttempts: options.maxAttempts,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    };
    const credentials = options.roleArn === undefined ? undefined : assumedRole(options.roleArn, new STSClient(common), options.workgroup);
    const withCredentials = credentials === undefined ? common : { ...common, credentials };
    this.athena = new AthenaClient(withCredentials);
    // Another endpoint (a VPC endpoint, an emulator) serves buckets by path, not by host name.
    this.s3 = new S3Client({ ...withCredentials, forcePathStyle: options.endpoint !== undefined });
    this.metadata = new GlueMetadata(new GlueClient(withCredentials), options.catalog, options.workgroup);
  }

  get workgroup(): string {
    return this.options.workgroup;
  }

  async start(): Promise<void> {
    // Nothing to open: the workgroup is checked by the health probe, so a gateway whose Athena is
    // briefly unreachable still starts and serves its other backends.
  }

  /** Undefined when the workgroup answers and is enabled, else why not. */
  async probe(signal: AbortSignal): Promise<string | undefined> {
    try {
      const { WorkGroup } = await this.athena.send(new GetWorkGroupCommand({ WorkGroup: this.options.workgroup }), { abortSignal: signal });
      return WorkGroup?.State === 'DISABLED' ? `Athena workgroup '${this.options.workgroup}' is disabled` : undefined;
    } catch (err) {
      return apiFailure(this.options.workgroup, 'GetWorkGroup', err).message;
    }
  }

  /**
   * Queued and running queries of the workgroup, from everyone, as Athena reports them: the states
   * of its most recent executions (one ListQueryExecutions page, newest first). Undefined when
   * Athena cannot be asked.
   */
  async reportedLoad(signal: AbortSignal): Promise<number | undefined> {
    try {
      const { QueryExecutionIds: ids = [] } = await this.athena.send(new ListQueryExecutionsCommand({ WorkGroup: this.options.workgroup, MaxResults: LOAD_SAMPLE }), { abortSignal: signal });
      let queued = 0;
      let running = 0;
      for (let i = 0; i < ids.length; i += LOAD_SAMPLE) {
        const { QueryExecutions = [] } = await this.athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids.slice(i, i + LOAD_SAMPLE) }), { abortSignal: signal });
        for (const execution of QueryExecutions) {
          if (execution.Status?.State === 'QUEUED') queued++;
          else if (execution.Status?.State === 'RUNNING') running++;
        }
      }
      this.reportedQueued = queued;
      return queued + running;
    } catch {
      return undefined;
    }
  }

  /** Athena reports at least `maxQueued` queries waiting in the workgroup: send new ones elsewhere. */
  saturated(): boolean {
    return this.options.maxQueued !== undefined && this.reportedQueued >= this.options.maxQueued;
  }

  /** The Glue Data Catalog's name, and `system`, whose tables the gateway's metadata service answers for it (access control asks the backend serving a catalog for its tables). */
  catalogNames(): string[] {
    return [this.options.catalog, 'system'];
  }

  async schemaExists(catalog: string, schema: string): Promise<boolean> {
    try {
      await this.athena.send(new GetDatabaseCommand({ CatalogName: this.athenaCatalog(catalog), DatabaseName: schema }));
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'MetadataException') return false;
      throw apiFailure(this.options.workgroup, 'GetDatabase', err);
    }
  }

  async execute(statement: LocalStatement, signal: AbortSignal, progress?: ExecutionProgress): Promise<LocalExecution> {
    if (signal.aborted) throw canceled();
    const input: StartQueryExecutionCommandInput = { QueryString: statement.sql, WorkGroup: this.options.workgroup };
    if (statement.parameters.length > 0) input.ExecutionParameters = statement.parameters;
    if (statement.catalog !== undefined || statement.schema !== undefined) {
      input.QueryExecutionContext = {};
      if (statement.catalog !== undefined) input.QueryExecutionContext.Catalog = this.athenaCatalog(statement.catalog);
      if (statement.schema !== undefined) input.QueryExecutionContext.Database = statement.schema;
    }
    if (this.options.outputLocation !== undefined) input.ResultConfiguration = { OutputLocation: this.options.outputLocation };
    const id = await this.call('StartQueryExecution', (abortSignal) => this.athena.send(new StartQueryExecutionCommand(input), { abortSignal }), signal).then((out) => {
      if (out.QueryExecutionId === undefined) throw new QueryFailure(ErrorCodes.BACKEND_PROTOCOL_ERROR, `Athena workgroup '${this.options.workgroup}' started a query without an id`);
      return out.QueryExecutionId;
    });
    try {
      const execution = await this.awaitCompletion(id, signal, progress);
      const { columnInfo, rows } = await this.openResult(id, execution, signal);
      return new AthenaExecution({
        queryId: id,
        statementType: execution.StatementType,
        sql: statement.sql,
        columnInfo,
        rows,
        parametricDatetime: statement.parametricDatetime,
        statistics: statistics(execution),
      });
    } catch (err) {
      if (signal.aborted) this.stop(id);
      throw err;
    }
  }

  /** Columns of a Glue table or view with their Trino types, empty when there is none. */
  async columnsOf(catalog: string, schema: string, table: string): Promise<Array<{ name: string; type: string }>> {
    return this.metadata.columnsOf(catalog, schema, table);
  }

  async viewReads(catalog: string, schema: string, name: string): Promise<ViewExpansion | undefined> {
    return this.metadata.viewReads(catalog, schema, name);
  }

  async viewDefinition(catalog: string, schema: string, name: string): Promise<ViewDefinition | undefined> {
    return this.metadata.viewDefinition(catalog, schema, name);
  }

  /** The Glue Data Catalog, for the metadata statements the gateway answers (SHOW, information_schema, system.jdbc). */
  async describeCatalogs(): Promise<CatalogDescription[]> {
    return [await this.metadata.describe()];
  }

  async close(): Promise<void> {
    this.athena.destroy();
    this.s3.destroy();
    this.metadata.close();
  }

  /** Polls until the query ends; a canceled signal stops it in Athena. */
  private async awaitCompletion(id: string, signal: AbortSignal, progress: ExecutionProgress | undefined): Promise<QueryExecution> {
    let wait = this.options.pollInterval;
    for (;;) {
      const { QueryExecution: execution } = await this.call('GetQueryExecution', (abortSignal) => this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal }), signal);
      const status = execution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return execution!;
        case 'FAILED':
          throw failedQuery(this.options.workgroup, status.StateChangeReason, status.AthenaError?.ErrorCategory);
        case 'CANCELLED':
          throw new QueryFailure(ErrorCodes.USER_CANCELED, `Query ${id} was cancelled in Athena workgroup '${this.options.workgroup}'`);
        case 'RUNNING':
          progress?.running();
      }
      await sleep(wait, signal);
      wait = Math.max(this.options.pollInterval, Math.min(this.options.maxPollInterval, Math.ceil(wait * 1.5)));
    }
  }

  /**
   * Where the rows of a finished query are read: its CSV file in S3 when `s3Results` says so for
   * its size (DML only: other statements write other files), else `GetQueryResults`. The column
   * types come from `GetQueryResults` either way (its first call, of one row when the rows come
   * from S3), so both paths decode the same text with the same decoders.
   */
  private async openResult(id: string, execution: QueryExecution, signal: AbortSignal): Promise<{ columnInfo: ColumnInfo[]; rows: RowSource }> {
    const file = execution.StatementType === 'DML' ? parseS3Location(execution.ResultConfiguration?.OutputLocation ?? '') : undefined;
    if (file !== undefined && file.key.endsWith('.csv') && (await this.readsFromS3(file, signal))) {
      const metadata = await this.results(id, undefined, 1, signal);
      return { columnInfo: metadata.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [], rows: new S3ResultSource(this.s3, file, id, this.options.workgroup) };
    }
    const first = await this.results(id, undefined, RESULT_PAGE_ROWS, signal);
    const rows = new ResultPagesSource(first, (token, pageSignal) => this.results(id, token, RESULT_PAGE_ROWS, pageSignal));
    return { columnInfo: first.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [], rows };
  }

  private async readsFromS3(file: { bucket: string; key: string }, signal: AbortSignal): Promise<boolean> {
    switch (this.options.s3Results) {
      case 'never':
        return false;
      case 'always':
        return true;
      case 'auto': {
        const size = await this.call(`HeadObject s3://${file.bucket}/${file.key}`, (abortSignal) => resultFileSize(this.s3, file, abortSignal), signal);
        return size !== undefined && size >= this.options.s3ResultMinSize;
      }
    }
  }

  private async results(id: string, token: string | undefined, maxResults: number, signal: AbortSignal): Promise<GetQueryResultsCommandOutput> {
    return this.call(
      'GetQueryResults',
      (abortSignal) => this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: maxResults, ...(token === undefined ? {} : { NextToken: token }) }), { abortSignal }),
      signal,
    );
  }

  /** One API call, abandoned when `signal` aborts; its errors as Trino errors. */
  private async call<T>(operation: string, send: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw canceled();
    try {
      return await send(signal);
    } catch (err) {
      if (signal.aborted) throw canceled();
      throw apiFailure(this.options.workgroup, operation, err);
    }
  }

  /** Stops a query in Athena; a failure to stop is not the client's problem (Athena ends it anyway). */
  private stop(id: string): void {
    this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
  }

  private athenaCatalog(catalog: string): string {
    return catalog.toLowerCase() === this.options.catalog.toLowerCase() ? GLUE_CATALOG : catalog;
  }
}

function statistics(execution: QueryExecution): QueryStatistics {
  const s = execution.Statistics ?? {};
  return {
    dataScannedBytes: s.DataScannedInBytes,
    engineExecutionMs: s.EngineExecutionTimeInMillis,
    queueMs: s.QueryQueueTimeInMillis,
  };
}

/** Credentials of `roleArn`, assumed with the default chain's and renewed by the SDK before they expire. */
function assumedRole(roleArn: string, sts: STSClient, workgroup: string): () => Promise<TemporaryCredentials> {
  return async () => {
    try {
      const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `querygate-${workgroup}`.slice(0, 64) }));
      if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) throw new Error(`STS returned no credentials for ${roleArn}`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
    } catch (err) {
      throw apiFailure(workgroup, `AssumeRole ${roleArn}`, err);
    }
  };
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

function canceled(): QueryFailure {
  return new QueryFailure(ErrorCodes.USER_CANCELED, 'Query was canceled');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(canceled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
