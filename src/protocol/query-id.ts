/**
 * Query ids in Trino's shape, `yyyyMMdd_HHmmss_NNNNN_ccccc` (UTC time, a counter, an instance
 * id from Trino's base-32 alphabet), so tools that recognise Trino query ids in paths and logs
 * (`\d+_\d+_\d+_\w+`) recognise the gateway's too.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function randomInstanceId(): string {
  let id = '';
  for (let i = 0; i < 5; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export class QueryIdGenerator {
  private counter = 0;

  constructor(readonly instanceId: string = randomInstanceId()) {}

  next(now = new Date()): string {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const stamp =
      `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
      `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
    this.counter = (this.counter + 1) % 100_000;
    return `${stamp}_${pad(this.counter, 5)}_${this.instanceId}`;
  }
}

export const QUERY_ID_PATTERN = /^\d{8}_\d{6}_\d{5}_[a-z0-9]{5}$/;
