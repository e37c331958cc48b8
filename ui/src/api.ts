/** The admin API as the UI uses it: JSON in and out, the session cookie, the CSRF token on changes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (expired, ended elsewhere). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(path: string, options: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', 'x-querygate-ui': '1' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  } catch {
    throw new ApiError(0, 'The gateway cannot be reached: check that it is running and your network connection.');
  }
  const text = await response.text();
  const data = text === '' ? undefined : (safeJson(text) as (T & { error?: string }) | undefined);
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/session')) onSignedOut();
    throw new ApiError(response.status, data?.error ?? (text || `HTTP ${response.status}`));
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}

export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value.trim() !== '') search.set(key, value.trim());
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
