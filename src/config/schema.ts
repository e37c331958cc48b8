/**
 * The gateway's configuration: one YAML document, validated once at start. Every mistake
 * (unknown key, wrong type, bad value) is reported with its path so the operator can fix it
 * without reading code.
 */
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `500ms`, `30s`, `5m`, `1h`, `2d` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `'${text}' is not a duration (use a number with ms, s, m, h or d, e.g. 30s)` });
    return z.NEVER;
  }
  return ms;
});

const SIZE = /^(\d+)(B|kB|KB|MB|GB)$/;
const UNIT_BYTES = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;

const dataSize = z.string().transform((text, ctx) => {
  const match = SIZE.exec(text.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `'${text}' is not a data size (use a number with B, kB, MB or GB, e.g. 1MB)` });
    return z.NEVER;
  }
  return Number(match[1]) * UNIT_BYTES[match[2] as keyof typeof UNIT_BYTES];
});

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, _ . or -, starting with a letter or digit');

const duckdbBackend = z
  .object({
    name,
    engine: z.literal('duckdb'),
    /** Generate the `demo` catalog with TPC-H data at start. */
    demo: z.boolean().default(true),
    /** A user's DuckDB database files, each attached as a catalog. */
    catalogs: z
      .array(z.object({ name, path: z.string().min(1), readOnly: z.boolean().default(true) }).strict())
      .default([]),
    threads: z.number().int().min(1).max(256).optional(),
  })
  .strict();

const trinoBackend = z
  .object({
    name,
    engine: z.literal('trino'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** The header family the backend speaks: `presto` for PrestoSQL/prestodb servers. */
    dialect: z.enum(['trino', 'presto']).default('trino'),
    connectTimeout: duration.default(5_000),
    /** Upper bound for one backend HTTP exchange (a poll waits at most ~1 s on the backend). */
    requestTimeout: duration.default(60_000),
  })
  .strict();

const backend = z.discriminatedUnion('engine', [duckdbBackend, trinoBackend], {
  error: (issue) =>
    issue.code === 'invalid_union' ? "engine must be one of 'duckdb', 'trino'" : undefined,
});

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** The externally visible base URL (scheme://host:port) used in nextUri; derived from each request when absent. */
        publicUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** Largest statement body accepted. */
        maxStatementSize: dataSize.default(1024 * 1024),
        /** Put backend names and addresses into client-facing error messages (off: they stay in the log). */
        exposeBackendDetails: z.boolean().default(false),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080, maxStatementSize: 1024 * 1024, exposeBackendDetails: false }),
    security: z
      .object({
        /** Key for signing follow-up URIs; every gateway instance sharing clients must use the same one. */
        tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
        /** How long a follow-up URI stays valid after it was issued. */
        tokenTtl: duration.default(3_600_000),
      })
      .strict()
      .default({ tokenTtl: 3_600_000 }),
    queries: z
      .object({
        /** A query whose client stops polling for this long is cancelled (Trino's query.client.timeout). */
        clientTimeout: duration.default(300_000),
      })
      .strict()
      .default({ clientTimeout: 300_000 }),
    backends: z
      .array(backend)
      .min(1, 'at least one backend is required')
      .default([{ name: 'embedded', engine: 'duckdb', demo: true, catalogs: [] }]),
    /** Backend that runs queries until routing rules exist; the first backend when absent. */
    defaultBackend: name.optional(),
    dataDir: z.string().default('data'),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.backends.forEach((b, i) => {
      if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'name'], message: `duplicate backend name '${b.name}'` });
      seen.add(b.name);
    });
    if (config.defaultBackend !== undefined && !seen.has(config.defaultBackend)) {
      ctx.addIssue({ code: 'custom', path: ['defaultBackend'], message: `no backend is named '${config.defaultBackend}'` });
    }
  });

export type GatewayConfig = z.output<typeof configSchema>;
export type BackendConfig = GatewayConfig['backends'][number];
export type TrinoBackendConfig = Extract<BackendConfig, { engine: 'trino' }>;
export type DuckDbBackendConfig = Extract<BackendConfig, { engine: 'duckdb' }>;
