/**
 * Micro-benchmark of the gateway's streaming URI rewriter (src/protocol/uri-rewriter.ts) with
 * token signing, in-process and without HTTP: the CPU the pass-through spends per document, and
 * so the ceiling of large-result throughput on one core. Two documents from bench/fake-trino.js:
 * a 1 MiB lineitem page fed in 64 KiB chunks (as a socket delivers it), and the 1.3 kB executing
 * page of `SELECT 1` fed whole. JSON.parse of the same bytes is shown for scale.
 * See bench/README.md.
 */
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { machineLine } from './lib/report.js';
import { fixed, table } from './lib/stats.js';
import { LINEITEM_COLUMNS, RUNNING_STATS, SELECT1_COLUMNS, buildLargePage, documentParts } from './lib/trino-documents.js';
import { QueryTokenSigner } from '../src/protocol/query-token.js';
import { TopLevelValueRewriter } from '../src/protocol/uri-rewriter.js';
import { followUpUri } from '../src/protocol/uris.js';

const FLAGS = {
  seconds: { kind: 'number', help: 'seconds per case (default 3)' },
  smoke: { kind: 'boolean', help: '0.2 s per case' },
} satisfies FlagSpec;

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const WATCHED = new Set(['nextUri', 'partialCancelUri', 'infoUri']);
const BASE = 'http://127.0.0.1:18080';
const ID = '20260101_000000_00001_bench';

function document(columns: string, data: string | Buffer): Buffer {
  const executing = `${BASE}/v1/statement/executing/${ID}/yl.1.000000000000000000000000000000000000/`;
  const parts = documentParts({
    base: BASE,
    id: ID,
    partialCancelUri: `${BASE}/v1/statement/executing/partialCancel/${ID}/0/yl.1.000000000000000000000000000000000000/1`,
    nextUri: `${executing}1`,
    columns,
    data,
    stats: RUNNING_STATS,
  });
  return Buffer.concat([Buffer.from(parts.head), Buffer.from(parts.data ?? ''), Buffer.from(parts.tail)]);
}

function uriRewriter(signer: QueryTokenSigner): TopLevelValueRewriter {
  return new TopLevelValueRewriter(WATCHED, (key, value) => {
    const target = new URL(value);
    const token = signer.sign({ backend: 'bench', user: 'bench', issuedAt: 1_800_000_000, queryId: ID, phase: 'executing', target: target.pathname + target.search });
    return key === 'infoUri' ? `http://gw:8080/ui/query.html?${ID}` : followUpUri('http://gw:8080', 'executing', ID, token);
  });
}

/** Streams one document through the rewriter chunk by chunk (signing included); returns its output bytes. */
function rewrite(signer: QueryTokenSigner, chunks: readonly Buffer[]): number {
  const rewriter = uriRewriter(signer);
  let out = 0;
  for (const chunk of chunks) for (const piece of rewriter.push(chunk)) out += piece.length;
  if (!rewriter.complete) throw new Error('rewriter did not see a complete document');
  return out;
}

/** Runs `fn` repeatedly for `seconds`; returns iterations per second. */
function rate(seconds: number, fn: () => void): number {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let count = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now < end) {
    fn();
    count++;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const seconds = flags.smoke ? 0.2 : (flags.seconds ?? 3);
  console.log(`rewriter: ${machineLine()}`);
  const signer = new QueryTokenSigner('querygate-benchmark-secret-0123456789', 3_600_000);
  const cases = [
    { name: '1 MiB lineitem page, 64 KiB chunks', doc: document(LINEITEM_COLUMNS, buildLargePage(MIB).data) },
    { name: 'SELECT 1 executing page, 1 chunk', doc: document(SELECT1_COLUMNS, '[[1]]') },
  ];
  const rows = [['document', 'bytes', 'rewrite MiB/s', 'rewrite us/doc', 'JSON.parse MiB/s']];
  for (const c of cases) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < c.doc.length; at += CHUNK) chunks.push(c.doc.subarray(at, at + CHUNK));
    rewrite(signer, chunks); // warm-up and a check that the document is complete
    const docsPerSecond = rate(seconds, () => rewrite(signer, chunks));
    const text = c.doc.toString('utf8');
    const parsesPerSecond = rate(seconds, () => JSON.parse(text));
    const mibPerSecond = (perSecond: number) => fixed((perSecond * c.doc.length) / MIB, 0);
    rows.push([c.name, String(c.doc.length), mibPerSecond(docsPerSecond), fixed(1e6 / docsPerSecond, 2), mibPerSecond(parsesPerSecond)]);
  }
  console.log('\n' + table(rows));
  if (flags.smoke) console.log('smoke: OK');
}

await runMain('rewriter', FLAGS, main);
