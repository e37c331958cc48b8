/**
 * Reading a finished query's result from its output file in S3 rather than `GetQueryResults`,
 * which returns at most 1,000 rows per call. For a query (statement type DML) Athena writes the
 * whole result as `<QueryID>.csv` at `ResultConfiguration.OutputLocation`: a header line of the
 * column labels, then one record per row (format in csv-records.ts). DDL and other statements
 * write other files (`<QueryID>.txt`), so only DML results are read from S3.
 *
 * The file is streamed: each batch of rows is what one chunk of the S3 body completes, and the next
 * chunk is read only when the client has taken those, so memory stays bounded by the chunk size.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ErrorCodes, QueryFailure } from '../../protocol/errors.js';
import { AthenaCsvReader, CsvFormatError, type CsvRecord } from './csv-records.js';
import { apiFailure } from './errors.js';
import type { RowSource } from './execution.js';

/** Bucket and key of an `s3://bucket/key` location; undefined for anything else. */
export function parseS3Location(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/** Size in bytes of the result file at `location`. */
export async function resultFileSize(s3: S3Client, location: { bucket: string; key: string }, signal: AbortSignal): Promise<number | undefined> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }), { abortSignal: signal });
  return head.ContentLength;
}

/** The records of a result file, read as the execution asks for them. */
export class S3ResultSource implements RowSource {
  private chunks: AsyncIterator<Uint8Array> | undefined;
  private readonly reader = new AthenaCsvReader();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private done = false;

  constructor(
    private readonly s3: S3Client,
    private readonly location: { bucket: string; key: string },
    /** Name the query in errors. */
    private readonly queryId: string,
    private readonly workgroup: string,
  ) {}

  async next(signal: AbortSignal): Promise<CsvRecord[] | null> {
    if (this.done) return null;
    try {
      if (this.chunks === undefined) {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.location.key }), { abortSignal: signal });
        if (object.Body === undefined) throw new Error('the object has no body');
        // In Node.js the body is a Readable stream: iterating it pulls chunks on demand.
        this.chunks = (object.Body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      }
      const chunk = await this.chunks.next();
      if (chunk.done) {
        this.done = true;
        return this.reader.push(this.decoder.decode()).concat(this.reader.finish());
      }
      return this.reader.push(this.decoder.decode(chunk.value, { stream: true }));
    } catch (err) {
      if (signal.aborted) throw err;
      if (!(err instanceof CsvFormatError || err instanceof TypeError)) throw apiFailure(this.workgroup, `GetObject s3://${this.location.bucket}/${this.location.key}`, err);
      throw new QueryFailure(
        ErrorCodes.GENERIC_INTERNAL_ERROR,
        `Athena query ${this.queryId}: the result file s3://${this.location.bucket}/${this.location.key} is not an Athena CSV result (${err.message}); the query fails rather than return a misread row`,
      );
    }
  }

  /** Releases the S3 connection of a result that is not read to its end. */
  close(): void {
    void this.chunks?.return?.();
  }
}
