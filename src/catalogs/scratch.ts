/**
 * Evaluates a client's query over metadata rows: the rows the user may see are loaded into a
 * throwaway in-memory DuckDB (one per query, locked down like the embedded engine) as tables
 * with Trino's column types, and the query, its metadata table names replaced by those tables,
 * runs there. The client's WHERE / LIKE ... ESCAPE / ORDER BY are thus evaluated by an engine,
 * not re-implemented; the caller admits only constructs that read the same in both dialects.
 */
import { DuckDBInstance, LIST, VARCHAR, timestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import { canceledFailure, toQueryFailure } from '../engines/duckdb/errors.js';
import { DuckDbExecution } from '../engines/duckdb/execution.js';
import type { LocalExecution } from '../engines/local-engine.js';
import { quoteIdentifier } from '../sql/quoting.js';
import { METADATA_DUCKDB_TYPES, type MetadataColumn, type Row } from './metadata-tables.js';

export interface ScratchTable {
  /** The name the rewritten query uses. */
  name: string;
  columns: readonly MetadataColumn[];
  rows: readonly Row[];
}

const VARCHAR_LIST = LIST(VARCHAR);

function append(appender: DuckDBAppender, type: string, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (type === 'bigint') appender.appendBigInt(BigInt(value as number | string));
  else if (type === 'boolean') appender.appendBoolean(value === true);
  else if (type === 'double') appender.appendDouble(Number(value));
  else if (type === 'timestamp(3) with time zone') appender.appendTimestampTZ(timestampTZValue(BigInt(value as number) * 1000n));
  else if (type === 'array(varchar)') appender.appendList((value as string[]).map(String), VARCHAR_LIST);
  else appender.appendVarchar(String(value));
}

/** Runs `sql` over `tables`; `translated` gives the output columns of a query the translator rendered (its errors are then Trino's). */
export async function evaluateOverRows(
  sql: string,
  tables: readonly ScratchTable[],
  signal: AbortSignal,
  translated?: Array<{ name: string; type: string }>,
): Promise<LocalExecution> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: '',
    secret_directory: '',
    threads: '1',
  });
  let connection;
  try {
    connection = await instance.connect();
    await connection.run('SET enable_external_access = false');
    for (const table of tables) {
      const columns = table.columns.map((c) => `${quoteIdentifier(c.name)} ${METADATA_DUCKDB_TYPES[c.type] ?? 'VARCHAR'}`);
      await connection.run(`CREATE TABLE ${quoteIdentifier(table.name)} (${columns.join(', ')})`);
      const appender = await connection.createAppender(table.name);
      for (const row of table.rows) {
        table.columns.forEach((c, i) => append(appender, c.type, row[i]));
        appender.endRow();
      }
      appender.closeSync();
    }
    await connection.run('SET lock_configuration = true');
  } catch (err) {
    connection?.disconnectSync();
    instance.closeSync();
    throw toQueryFailure(err, { redactions: [] });
  }
  if (signal.aborted) {
    connection.disconnectSync();
    instance.closeSync();
    throw canceledFailure();
  }
  // Not parametric: timestamps print with millisecond precision, as Trino prints timestamp(3); the caller names the type.
  const execution = new DuckDbExecution(
    connection,
    { sql, parameters: [], parametricDatetime: false },
    { redactions: [], onClose: () => instance.closeSync(), ...(translated ? { translated: true, columns: translated } : {}) },
  );
  const onAbort = (): void => execution.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  await execution.start();
  return execution;
}
