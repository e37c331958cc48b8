/** Query parameters of follow-up requests, in Trino's notation. */

/** `maxWait`: `1s`, `500ms`, `0.5s`, `1m`; undefined when absent or malformed. */
export function parseWait(text: string | null): number | undefined {
  if (text === null) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000);
}

/** `targetResultSize`: `1MB`, `16kB`, `1024B`; undefined when absent or malformed. */
export function parseSize(text: string | null): number | undefined {
  if (text === null) return undefined;
  const match = /^(\d+(?:\.\d+)?)(B|kB|KB|MB|GB)$/.exec(text);
  if (!match) return undefined;
  const unit = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2] as 'B'];
  return Math.max(1, Math.floor(Number(match[1]) * unit));
}
