/**
 * An AWS API emulator for the Athena engine's tests. No real Athena runs here: moto in server
 * mode (scripts/moto/start.sh) emulates Athena, S3, Glue and STS, and the gateway talks to it
 * through the real AWS SDK.
 *
 * Between the gateway and moto sits a small relay for what moto does not emulate, each part of
 * Athena's documented behaviour: each query's result, bound when the query starts to the result
 * served for a marker its text contains (moto's own single queue of results hands them out in the
 * order queries ask, which concurrent queries would mix up), `GetQueryResults` pages of at most
 * `MaxResults` (1,000) rows with
 * `NextToken` (moto returns every row at once), `BatchGetQueryExecution` (missing in moto), and
 * faults on demand (throttling, a FAILED query, a query that stays QUEUED or RUNNING until
 * stopped, credentials AWS would refuse, statistics other than moto's zeros), and the true result
 * file in S3: when the engine first touches `<QueryID>.csv`, the relay writes that query's result
 * there in Athena's CSV form (moto's own file does not escape quotes). Every call is recorded so
 * tests can check what the engine asked for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient, type TableInput } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { toAthenaCsv } from './athena-results.js';
import { REPO } from './services.js';

const exec = promisify(execFile);

export const MOTO_PORT = Number(process.env.QUERYGATE_MOTO_PORT ?? 15000);
export const MOTO_URL = `http://127.0.0.1:${MOTO_PORT}`;
export const REGION = 'us-east-1';
const RESULT_BUCKET = 'querygate-athena-results';
/** An output location in the emulator's result bucket (moto does not apply a workgroup's location to its queries). */
export const RESULTS_LOCATION = `s3://${RESULT_BUCKET}/results/`;

/** Credentials the emulator accepts (moto checks none unless told to; the relay refuses chosen keys). */
export function useEmulatorCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAQUERYGATETEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'querygate-test-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/** The backend configuration of one emulated workgroup. */
export function athenaBackend(emulator: AthenaEmulator, name: string, workgroup: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, engine: 'athena', region: REGION, workgroup, endpoint: emulator.endpoint, pollInterval: '5ms', maxPollInterval: '50ms', ...extra };
}

/** Athena's GetQueryResults form of a result: ColumnInfo plus rows of string values (header row first). */
export interface AthenaResult {
  columnInfo: Array<{ Name: string; Label: string; Type: string; Precision?: number; Scale?: number; Nullable: string; CaseSensitive: boolean }>;
  rows: Array<{ Data: Array<{ VarCharValue?: string }> }>;
}

/** A one-column integer result in GetQueryResults form. */
export function oneInteger(value: string): AthenaResult {
  return {
    columnInfo: [{ Name: 'x', Label: 'x', Type: 'integer', Precision: 10, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: false }],
    rows: [{ Data: [{ VarCharValue: 'x' }] }, { Data: [{ VarCharValue: value }] }],
  };
}

/** Creates a database with these tables (and views) in moto's Glue Data Catalog. */
export async function createGlueSchema(schema: string, tables: TableInput[]): Promise<void> {
  const glue = new GlueClient({ region: REGION, endpoint: MOTO_URL });
  try {
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: schema } }));
    for (const table of tables) await glue.send(new CreateTableCommand({ DatabaseName: schema, TableInput: table }));
  } finally {
    glue.destroy();
  }
}

/** A view as Athena writes it to Glue: its definition as base64 JSON in ViewOriginalText, Hive types in the storage descriptor. */
export function athenaView(schema: string, name: string, originalSql: string, columns: Array<[string, string]>, catalog = 'awsdatacatalog'): TableInput {
  const definition = { originalSql, catalog, schema, columns: columns.map(([column, type]) => ({ name: column, type })) };
  const hiveTypes: Record<string, string> = { varchar: 'string', integer: 'int' };
  return {
    Name: name,
    TableType: 'VIRTUAL_VIEW',
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    ViewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`,
    ViewExpandedText: '/* Presto View */',
    StorageDescriptor: { Columns: columns.map(([column, type]) => ({ Name: column, Type: hiveTypes[type] ?? type })) },
  };
}

/** Waits until `check` holds (what the emulator saw happens asynchronously to the client). */
export async function eventually(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Fault {
  /** The query text contains this. */
  marker: string;
  /** FAILED with this reason, or held QUEUED/RUNNING until stopped. */
  kind: { failed: string; category: number } | { held: 'QUEUED' | 'RUNNING' } | { statistics: Record<string, number> };
}

export interface RecordedCall {
  operation: string;
  accessKeyId: string | undefined;
  body: Record<string, unknown>;
}

export class AthenaEmulator {
  readonly calls: RecordedCall[] = [];
  private readonly faults: Fault[] = [];
  private readonly throttled = new Map<string, number>();
  private readonly refusedKeys = new Map<string, string>();
  private readonly stopped = new Set<string>();
  /** Each query's full result, paged from here. */
  private readonly results = new Map<string, ResultsBody>();
  /** Results served to the next query started whose text contains the marker, oldest first. */
  private readonly served: Array<{ marker: string; result: AthenaResult }> = [];
  /** Queries whose result file the relay has written to S3. */
  private readonly filesWritten = new Set<string>();
  /** When set, the text written as the next result file instead of the query's result. */
  nextResultFile: string | undefined;
  /** Moto's Athena: workgroups, and results the relay has not seen yet. */
  private readonly athena = new AthenaClient({ region: REGION, endpoint: MOTO_URL });
  /** Moto's S3, for the result files. */
  private readonly s3 = new S3Client({ region: REGION, endpoint: MOTO_URL, forcePathStyle: true });

  private constructor(
    private readonly server: Server,
    /** The endpoint the gateway is configured with. */
    readonly endpoint: string,
  ) {}

  static async start(): Promise<AthenaEmulator> {
    await exec('bash', [`${REPO}scripts/moto/start.sh`, '--port', String(MOTO_PORT)], { timeout: 600_000 });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const emulator = new AthenaEmulator(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      emulator.relay(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    return emulator;
  }

  /** Creates workgroups (moto starts with `primary` only), each with an output location in one bucket. */
  async createWorkgroups(names: string[]): Promise<void> {
    await this.s3.send(new CreateBucketCommand({ Bucket: RESULT_BUCKET })).catch((err: unknown) => {
      if (!/BucketAlready/.test((err as Error).name)) throw err;
    });
    for (const name of names) {
      await this.athena.send(new CreateWorkGroupCommand({ Name: name, Configuration: { ResultConfiguration: { OutputLocation: `s3://${RESULT_BUCKET}/${name}/` } } })).catch((err: unknown) => {
        if (!/already exists/i.test(String((err as Error).message))) throw err;
      });
    }
  }

  /** The next query started whose text contains `marker` gets `result` (a query without one gets an empty result). */
  serveResult(marker: string, result: AthenaResult): void {
    this.served.push({ marker, result });
  }

  /** The next `count` calls of `operation` fail with ThrottlingException. */
  throttle(operation: string, count: number): void {
    this.throttled.set(operation, count);
  }

  /** Queries whose text contains `marker` end FAILED with `reason`. */
  failQueries(marker: string, reason: string, category = 2): void {
    this.faults.push({ marker, kind: { failed: reason, category } });
  }

  /** Queries whose text contains `marker` stay `state` until StopQueryExecution. */
  holdQueries(marker: string, state: 'QUEUED' | 'RUNNING'): void {
    this.faults.push({ marker, kind: { held: state } });
  }

  /** Queries whose text contains `marker` report these statistics (moto reports zeros). */
  reportStatistics(marker: string, statistics: Record<string, number>): void {
    this.faults.push({ marker, kind: { statistics } });
  }

  /** Requests signed with `accessKeyId` are refused with `errorName` (UnrecognizedClientException, ExpiredTokenException). */
  refuseAccessKey(accessKeyId: string, errorName: string): void {
    this.refusedKeys.set(accessKeyId, errorName);
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.throttled.clear();
    this.refusedKeys.clear();
    this.calls.length = 0;
  }

  /** The ids StopQueryExecution was called with. */
  stoppedIds(): string[] {
    return this.calls.filter((c) => c.operation === 'StopQueryExecution').map((c) => String(c.body.QueryExecutionId));
  }

  async close(): Promise<void> {
    this.s3.destroy();
    this.athena.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    const s3Read = target === '' && (req.method === 'GET' || req.method === 'HEAD') ? /^\/[^/?]+\/[^?]*/.exec(req.url ?? '')?.[0] : undefined;
    const operation = target.includes('.') ? target.slice(target.indexOf('.') + 1) : s3Read !== undefined ? (req.method === 'HEAD' ? 'HeadObject' : 'GetObject') : actionOf(raw);
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    let body: Record<string, unknown> = {};
    if (target !== '' && raw.length > 0) body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    this.calls.push({ operation, accessKeyId, body });

    const refused = accessKeyId === undefined ? undefined : this.refusedKeys.get(accessKeyId);
    if (refused !== undefined) return awsError(res, 403, refused, 'The security token included in the request is invalid.');
    const throttles = this.throttled.get(operation) ?? 0;
    if (throttles > 0) {
      this.throttled.set(operation, throttles - 1);
      return awsError(res, 400, 'ThrottlingException', 'Rate exceeded');
    }
    if (operation === 'StopQueryExecution') this.stopped.add(String(body.QueryExecutionId));

    if (operation === 'BatchGetQueryExecution') return this.batchGet(req, res, body);
    if (s3Read !== undefined) return this.s3Read(req, res, s3Read);
    const cached = operation === 'GetQueryResults' ? this.results.get(String(body.QueryExecutionId)) : undefined;
    if (cached !== undefined) {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(page(cached, body)));
      return;
    }
    const upstream = await fetch(`${MOTO_URL}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers: forwardedHeaders(req), ...(raw.length > 0 ? { body: new Uint8Array(raw) } : {}) });
    let text = await upstream.text();
    if (upstream.status === 200 && operation === 'StartQueryExecution') this.bindResult(String(body.QueryString), (JSON.parse(text) as { QueryExecutionId: string }).QueryExecutionId);
    if (upstream.status === 200 && operation === 'GetQueryResults') {
      const full = JSON.parse(text) as ResultsBody;
      this.results.set(String(body.QueryExecutionId), full);
      text = JSON.stringify(page(full, body));
    }
    if (upstream.status === 200 && operation === 'GetQueryExecution') text = JSON.stringify(this.withFaults(JSON.parse(text) as ExecutionBody));
    const out: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1' };
    res.writeHead(upstream.status, out).end(text);
  }

  /** Binds the first result served for a marker in `query` to the query's id. */
  private bindResult(query: string, id: string): void {
    const index = this.served.findIndex((s) => query.includes(s.marker));
    if (index < 0) return;
    const { result } = this.served.splice(index, 1)[0]!;
    this.results.set(id, { ResultSet: { Rows: result.rows, ResultSetMetadata: { ColumnInfo: result.columnInfo } } });
  }

  /** HeadObject and GetObject, after writing the true result file when `path` is a query's `<id>.csv`. */
  private async s3Read(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const id = /\/([0-9a-f-]{36})\.csv$/.exec(path)?.[1];
    if (id !== undefined && !this.filesWritten.has(id)) {
      const rows = this.results.get(id)?.ResultSet.Rows ?? [];
      const [, bucket, key] = /^\/([^/]+)\/(.*)$/.exec(path)!;
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: this.nextResultFile ?? toAthenaCsv(rows as AthenaResult['rows']) }));
      this.nextResultFile = undefined;
      this.filesWritten.add(id);
    }
    const upstream = await fetch(`${MOTO_URL}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers: forwardedHeaders(req) });
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['connection', 'keep-alive', 'transfer-encoding', 'content-encoding'].includes(name)) headers[name] = value;
    });
    res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
  }

  /** BatchGetQueryExecution, which moto lacks: GetQueryExecution for each id, faults applied. */
  private async batchGet(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const executions: unknown[] = [];
    for (const id of body.QueryExecutionIds as string[]) {
      const upstream = await fetch(`${MOTO_URL}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonAthena.GetQueryExecution', authorization: String(req.headers.authorization ?? '') },
        body: JSON.stringify({ QueryExecutionId: id }),
      });
      executions.push(this.withFaults((await upstream.json()) as ExecutionBody).QueryExecution);
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ QueryExecutions: executions, UnprocessedQueryExecutionIds: [] }));
  }

  private withFaults(doc: ExecutionBody): ExecutionBody {
    const execution = doc.QueryExecution;
    const fault = this.faults.find((f) => execution.Query.includes(f.marker));
    if (fault === undefined) return doc;
    if ('statistics' in fault.kind) {
      (execution as { Statistics?: Record<string, unknown> }).Statistics = { ...(execution as { Statistics?: Record<string, unknown> }).Statistics, ...fault.kind.statistics };
    } else if ('failed' in fault.kind) {
      execution.Status = { ...execution.Status, State: 'FAILED', StateChangeReason: fault.kind.failed, AthenaError: { ErrorCategory: fault.kind.category, ErrorType: 1000 } };
    } else if (!this.stopped.has(execution.QueryExecutionId)) {
      execution.Status = { ...execution.Status, State: fault.kind.held };
    }
    return doc;
  }
}

interface ResultsBody {
  ResultSet: { Rows: unknown[]; ResultSetMetadata: unknown };
  NextToken?: string;
}

interface ExecutionBody {
  QueryExecution: { QueryExecutionId: string; Query: string; Status: Record<string, unknown> };
}

/** Athena's paging: at most MaxResults (≤ 1,000) rows per call, NextToken for the rest. */
function page(full: ResultsBody, request: Record<string, unknown>): ResultsBody {
  const size = Math.min(Number(request.MaxResults ?? 1000), 1000);
  const start = request.NextToken === undefined ? 0 : Number(request.NextToken);
  const rows = full.ResultSet.Rows.slice(start, start + size);
  const out: ResultsBody = { ResultSet: { Rows: rows, ResultSetMetadata: full.ResultSet.ResultSetMetadata } };
  if (start + size < full.ResultSet.Rows.length) out.NextToken = String(start + size);
  return out;
}

/** A request's headers as passed on to moto (it identifies the caller by the signature's access key). */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
  return headers;
}

/** The Action of a query-protocol request (STS): `Action=AssumeRole&...`. */
function actionOf(raw: Buffer): string {
  return /(?:^|&)Action=([^&]+)/.exec(raw.toString('utf8'))?.[1] ?? 'unknown';
}

function awsError(res: ServerResponse, status: number, name: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': name }).end(JSON.stringify({ __type: name, message }));
}
