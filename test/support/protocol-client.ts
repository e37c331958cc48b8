/**
 * A bare Trino-protocol client for tests: it follows nextUri like real clients do and keeps every
 * raw response, so tests can compare bytes and headers between the gateway and a backend.
 */

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface QueryRun {
  responses: RawResponse[];
  /** The final document. */
  last: Record<string, unknown>;
  /** The `data` arrays of every page, as raw text without brackets, joined by commas. */
  rowsText: string;
  rowCount: number;
  columns: Array<{ name: string; type: string }> | undefined;
  error: Record<string, unknown> | undefined;
}

export async function post(baseUrl: string, sql: string | Buffer, headers: Record<string, string>): Promise<RawResponse> {
  const response = await fetch(`${baseUrl}/v1/statement`, { method: 'POST', body: typeof sql === 'string' ? sql : new Uint8Array(sql), headers });
  return read(response);
}

export async function get(uri: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return read(await fetch(uri, { method, headers }));
}

async function read(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  if ((response.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, json };
}

/** Runs a statement to completion, following nextUri (sending only the user on follow-ups, as the Java client does). */
export async function runQuery(baseUrl: string, sql: string, headers: Record<string, string>, options: { maxPolls?: number } = {}): Promise<QueryRun> {
  const responses: RawResponse[] = [];
  let response = await post(baseUrl, sql, headers);
  const followHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (/^x-(trino|presto)-user$/i.test(k)) followHeaders[k] = v;
  const rows: string[] = [];
  let rowCount = 0;
  let columns: QueryRun['columns'];
  for (let polls = 0; ; polls++) {
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
    responses.push(response);
    const doc = response.json;
    if (doc.columns) columns = doc.columns as QueryRun['columns'];
    const data = topLevelRaw(response.text, 'data');
    if (data !== undefined) {
      const inner = data.slice(1, -1).trim();
      if (inner !== '') rows.push(inner);
      rowCount += (doc.data as unknown[]).length;
    }
    const next = doc.nextUri as string | undefined;
    if (!next) break;
    if (polls > (options.maxPolls ?? 100_000)) throw new Error('too many polls');
    response = await get(next, followHeaders);
  }
  const last = responses[responses.length - 1]!.json;
  return { responses, last, rowsText: rows.join(','), rowCount, columns, error: last.error as Record<string, unknown> | undefined };
}

/** Raw source text of a top-level member's value in a JSON object text. */
export function topLevelRaw(json: string, key: string): string | undefined {
  let depth = 0;
  let i = 0;
  const n = json.length;
  const skipString = (from: number) => {
    let j = from + 1;
    while (j < n) {
      if (json[j] === '\\') j += 2;
      else if (json[j] === '"') return j + 1;
      else j++;
    }
    return n;
  };
  while (i < n) {
    const c = json[i]!;
    if (c === '"') {
      const end = skipString(i);
      if (depth === 1 && json.slice(i + 1, end - 1) === key && /^\s*:/.test(json.slice(end, end + 8))) {
        let start = json.indexOf(':', end) + 1;
        while (/\s/.test(json[start]!)) start++;
        let j = start;
        let d = 0;
        do {
          const ch = json[j]!;
          if (ch === '"') {
            j = skipString(j);
            continue;
          }
          if (ch === '[' || ch === '{') d++;
          else if (ch === ']' || ch === '}') d--;
          j++;
        } while (d > 0 && j < n);
        if (d === 0 && json[start] !== '[' && json[start] !== '{') {
          while (j < n && !/[,}]/.test(json[j]!)) j++;
        }
        return json.slice(start, j).trim();
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
  }
  return undefined;
}
