/**
 * QueryResults documents the gateway writes itself (local engines, gateway-side failures).
 * Rows arrive pre-encoded, so the document is assembled as text: numbers keep exactly the
 * form the engine wrote (`1.0` stays `1.0`), which JSON.stringify could not promise.
 */
import { toQueryError, type QueryFailure } from './errors.js';
import type { Column } from './types.js';

export type QueryState = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface QueryDocument {
  id: string;
  infoUri: string;
  nextUri?: string;
  partialCancelUri?: string;
  columns?: Column[];
  /** Encoded rows without the enclosing brackets (see ResultPage.rowsJson). */
  rowsJson?: string;
  state: QueryState;
  /** Milliseconds since the query was created. */
  elapsedMillis: number;
  queuedMillis: number;
  processedRows: number;
  error?: QueryFailure;
  updateType?: string;
  updateCount?: number;
}

function stats(doc: QueryDocument): string {
  const queued = doc.state === 'QUEUED';
  const done = doc.state === 'FINISHED' || doc.state === 'FAILED';
  return JSON.stringify({
    state: doc.state,
    queued,
    scheduled: !queued,
    progressPercentage: done ? 100 : undefined,
    // nodes and totalSplits stay 0: the CLI then shows no split progress for local engines (see PROTOCOL.md §2.4).
    nodes: 0,
    totalSplits: 0,
    queuedSplits: 0,
    runningSplits: 0,
    completedSplits: 0,
    cpuTimeMillis: 0,
    wallTimeMillis: doc.elapsedMillis,
    queuedTimeMillis: doc.queuedMillis,
    elapsedTimeMillis: doc.elapsedMillis,
    processedRows: doc.processedRows,
    processedBytes: 0,
    physicalInputBytes: 0,
    peakMemoryBytes: 0,
    spilledBytes: 0,
  });
}

export function renderQueryResults(doc: QueryDocument): string {
  const parts: string[] = [`{"id":${JSON.stringify(doc.id)}`, `"infoUri":${JSON.stringify(doc.infoUri)}`];
  if (doc.partialCancelUri !== undefined) parts.push(`"partialCancelUri":${JSON.stringify(doc.partialCancelUri)}`);
  if (doc.nextUri !== undefined) parts.push(`"nextUri":${JSON.stringify(doc.nextUri)}`);
  // An empty list is meaningful: statements without output (USE, PREPARE, DDL) report `[]`, and
  // the JDBC driver fails with "Query has no columns" when the member is missing.
  if (doc.columns !== undefined) parts.push(`"columns":${JSON.stringify(doc.columns)}`);
  if (doc.rowsJson !== undefined && doc.rowsJson !== '') parts.push(`"data":[${doc.rowsJson}]`);
  parts.push(`"stats":${stats(doc)}`);
  if (doc.error !== undefined) parts.push(`"error":${JSON.stringify(toQueryError(doc.error))}`);
  parts.push('"warnings":[]');
  if (doc.updateType !== undefined) parts.push(`"updateType":${JSON.stringify(doc.updateType)}`);
  if (doc.updateCount !== undefined) parts.push(`"updateCount":${doc.updateCount}`);
  return `${parts.join(',')}}`;
}
