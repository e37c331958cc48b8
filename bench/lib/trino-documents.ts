/**
 * The documents bench/fake-trino.js serves, shaped and sized like Trino 476's (BENCHMARK FIXTURE
 * ONLY): statistics, columns, and one page of lineitem-like rows built once and reused.
 */

const STATS_COMMON =
  '"totalSplits":1,"queuedSplits":0,"runningSplits":0,"completedSplits":1,"planningTimeMillis":4,"analysisTimeMillis":0,' +
  '"cpuTimeMillis":0,"wallTimeMillis":1,"queuedTimeMillis":1,"elapsedTimeMillis":25,"finishingTimeMillis":0,' +
  '"physicalInputTimeMillis":0,"processedRows":0,"processedBytes":0,"physicalInputBytes":0,"physicalWrittenBytes":0,' +
  '"internalNetworkInputBytes":0,"peakMemoryBytes":212,"spilledBytes":0';
export const QUEUED_STATS =
  '{"state":"QUEUED","queued":true,"scheduled":false,"nodes":0,"totalSplits":0,"queuedSplits":0,"runningSplits":0,' +
  '"completedSplits":0,"planningTimeMillis":0,"analysisTimeMillis":0,"cpuTimeMillis":0,"wallTimeMillis":0,"queuedTimeMillis":0,' +
  '"elapsedTimeMillis":0,"finishingTimeMillis":0,"physicalInputTimeMillis":0,"processedRows":0,"processedBytes":0,' +
  '"physicalInputBytes":0,"physicalWrittenBytes":0,"internalNetworkInputBytes":0,"peakMemoryBytes":0,"spilledBytes":0}';
const rootStage = (state: string, done: boolean) =>
  `"rootStage":{"stageId":"0","state":"${state}","done":${done},"nodes":1,"totalSplits":1,"queuedSplits":0,"runningSplits":0,` +
  `"completedSplits":1,"cpuTimeMillis":0,"wallTimeMillis":1,"processedRows":1,"processedBytes":0,"physicalInputBytes":0,` +
  `"failedTasks":0,"coordinatorOnly":false,"subStages":[]}`;
export const RUNNING_STATS = `{"state":"RUNNING","queued":false,"scheduled":true,"progressPercentage":0.0,"runningPercentage":100.0,"nodes":1,${STATS_COMMON},${rootStage('RUNNING', false)}}`;
export const FINISHED_STATS = `{"state":"FINISHED","queued":false,"scheduled":true,"progressPercentage":100.0,"runningPercentage":0.0,"nodes":1,${STATS_COMMON},${rootStage('FINISHED', true)}}`;

const column = (name: string, type: string, rawType: string, length?: number) =>
  ({ name, type, typeSignature: { rawType, arguments: length === undefined ? [] : [{ kind: 'LONG', value: length }] } });
export const SELECT1_COLUMNS = JSON.stringify([column('_col0', 'integer', 'integer')]);
export const LINEITEM_COLUMNS = JSON.stringify([
  column('l_orderkey', 'bigint', 'bigint'),
  column('l_partkey', 'bigint', 'bigint'),
  column('l_suppkey', 'bigint', 'bigint'),
  column('l_linenumber', 'integer', 'integer'),
  column('l_quantity', 'double', 'double'),
  column('l_extendedprice', 'double', 'double'),
  column('l_discount', 'double', 'double'),
  column('l_tax', 'double', 'double'),
  column('l_returnflag', 'varchar(1)', 'varchar', 1),
  column('l_linestatus', 'varchar(1)', 'varchar', 1),
  column('l_shipdate', 'date', 'date'),
  column('l_shipinstruct', 'varchar(25)', 'varchar', 25),
  column('l_shipmode', 'varchar(10)', 'varchar', 10),
  column('l_comment', 'varchar(44)', 'varchar', 44),
]);

const INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'];
const MODES = ['TRUCK', 'MAIL', 'REG AIR', 'AIR', 'FOB', 'RAIL', 'SHIP'];
const WORDS = ['carefully', 'final', 'deposits', 'sleep', 'furiously', 'regular', 'ideas', 'among', 'the', 'blithely', 'ironic', 'pinto', 'beans', 'café'];

/** Jackson writes doubles with at least one fraction digit: 17.0, not 17. */
function double(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * One page of lineitem-like rows, built once and written for every page: `[[...],[...]]`, about
 * `targetBytes` long. Some comments hold an escaped quote and a non-ASCII letter, as real text does.
 */
export function buildLargePage(targetBytes: number): { data: Buffer; rows: number } {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed >>> 8) % n; // the low bits of this generator repeat quickly
  };
  const rows: string[] = [];
  let size = 2;
  while (size < targetBytes) {
    const i = rows.length;
    const words = Array.from({ length: 3 + next(4) }, () => WORDS[next(WORDS.length)]!);
    if (i % 17 === 0) words.push('"quoted"');
    const day = 1 + next(28);
    const row = [
      String(1_000_000 + i * 7),
      String(next(200_000)),
      String(next(10_000)),
      String(1 + (i % 7)),
      double(1 + next(50)),
      double((90_000 + next(10_000_000)) / 100),
      double(next(11) / 100),
      double(next(9) / 100),
      JSON.stringify(next(3) === 0 ? 'R' : 'N'),
      JSON.stringify(next(2) === 0 ? 'O' : 'F'),
      JSON.stringify(`199${next(8)}-0${1 + next(9)}-${day < 10 ? '0' : ''}${day}`),
      JSON.stringify(INSTRUCTIONS[next(INSTRUCTIONS.length)]),
      JSON.stringify(MODES[next(MODES.length)]),
      JSON.stringify(words.join(' ')),
    ];
    const text = `[${row.join(',')}]`;
    rows.push(text);
    size += Buffer.byteLength(text) + 1;
  }
  return { data: Buffer.from(`[${rows.join(',')}]`, 'utf8'), rows: rows.length };
}

export interface DocumentParts {
  base: string;
  id: string;
  partialCancelUri?: string;
  nextUri?: string;
  columns?: string;
  data?: string | Buffer;
  stats: string;
}

/**
 * A QueryResults document in Trino's key order, as the text before `data`'s value, the value, and
 * the text after it, so that a shared page buffer can be written without copying.
 */
export function documentParts(parts: DocumentParts): { head: string; data: string | Buffer | undefined; tail: string } {
  let head = `{"id":"${parts.id}","infoUri":"${parts.base}/ui/query.html?${parts.id}"`;
  if (parts.partialCancelUri !== undefined) head += `,"partialCancelUri":"${parts.partialCancelUri}"`;
  if (parts.nextUri !== undefined) head += `,"nextUri":"${parts.nextUri}"`;
  if (parts.columns !== undefined) head += `,"columns":${parts.columns}`;
  if (parts.data !== undefined) head += ',"data":';
  return { head, data: parts.data, tail: `,"stats":${parts.stats},"warnings":[]}` };
}
