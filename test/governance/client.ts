/**
 * The decision differential's client: sends one statement with exactly the given header lines
 * (a name may repeat: two X-Trino-User lines stay two lines) and follows nextUri to the end.
 * It tells a gateway refusal from a statement the gateway forwarded: a Trino coordinator answers
 * the POST with a queued query and reports every failure on a later page, while the gateway
 * refuses in the POST's own answer (or with an HTTP error) and never creates a backend query.
 */
import http from 'node:http';

export type HeaderLines = ReadonlyArray<readonly [string, string]>;

export interface Outcome {
  /** The statement produced no error. */
  ok: boolean;
  /** The answer to the POST itself carried the error (or was an HTTP error): nothing ran anywhere. */
  refusedAtSubmit: boolean;
  errorName?: string;
  message?: string;
  /** The query id the engine assigned (for kill_query victims). */
  id?: string;
  /** The result's columns (name and type) and rows, when it has any. */
  columns?: Array<{ name: string; type: string }>;
  rows?: unknown[][];
}

interface Page {
  status: number;
  body: string;
}

function request(url: string, method: string, headers: HeaderLines, body?: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 60_000 });
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    // An array value is sent as one header line per element.
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface Doc {
  id?: string;
  nextUri?: string;
  columns?: Array<{ name: string; type: string }>;
  data?: unknown[][];
  error?: { errorName?: string; message?: string };
}

/** Runs a statement to completion; `stopAfterPages` leaves it running (for a kill_query victim). */
export async function runStatement(base: string, sql: string, headers: HeaderLines, stopAfterPages = Infinity): Promise<Outcome> {
  let page = await request(`${base}/v1/statement`, 'POST', headers, sql);
  if (page.status !== 200) return { ok: false, refusedAtSubmit: true, errorName: `HTTP ${page.status}`, message: page.body.trim() };
  // Follow-ups carry only the user line(s), as the clients do.
  const follow = headers.filter(([name]) => /^x-(trino|presto)-user$/i.test(name));
  let doc = JSON.parse(page.body) as Doc;
  const id = doc.id;
  let columns: Doc['columns'];
  const rows: unknown[][] = [];
  const collect = () => {
    columns ??= doc.columns?.map((c) => ({ name: c.name, type: c.type }));
    rows.push(...(doc.data ?? []));
  };
  collect();
  if (doc.error) return { ok: false, refusedAtSubmit: true, errorName: doc.error.errorName, message: doc.error.message, ...(id ? { id } : {}) };
  for (let pages = 1; doc.nextUri && !doc.error; pages++) {
    if (pages >= stopAfterPages) return { ok: true, refusedAtSubmit: false, ...(id ? { id } : {}) };
    page = await request(doc.nextUri, 'GET', follow);
    if (page.status !== 200) return { ok: false, refusedAtSubmit: false, errorName: `HTTP ${page.status}`, message: page.body.trim() };
    doc = JSON.parse(page.body) as Doc;
    collect();
  }
  if (doc.error) return { ok: false, refusedAtSubmit: false, errorName: doc.error.errorName, message: doc.error.message, ...(id ? { id } : {}) };
  return { ok: true, refusedAtSubmit: false, ...(id ? { id } : {}), ...(columns ? { columns, rows } : {}) };
}
