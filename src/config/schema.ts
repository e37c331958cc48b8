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

const passwordFileAuthenticator = z.object({ type: z.literal('password-file'), file: z.string().min(1) }).strict();

const ldapAuthenticator = z
  .object({
    type: z.literal('ldap'),
    url: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }),
    startTls: z.boolean().default(false),
    caFile: z.string().min(1).optional(),
    /** Bind directly as the user: `uid=${USER},ou=people,dc=example,dc=com`. */
    userBindPattern: z.string().includes('${USER}', { error: 'must contain ${USER}' }).optional(),
    /** Or search with a service account, then bind as the entry found. */
    bindDn: z.string().optional(),
    bindPassword: z.string().optional(),
    userBaseDn: z.string().optional(),
    userFilter: z.string().includes('${USER}', { error: 'must contain ${USER}' }).optional(),
    groups: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('search'), baseDn: z.string(), filter: z.string(), nameAttribute: z.string().optional() }).strict(),
        z.object({ mode: z.literal('memberOf'), attribute: z.string().optional(), nameAttribute: z.string().optional() }).strict(),
      ])
      .optional(),
    timeout: duration.default(5_000),
  })
  .strict()
  .refine((c) => (c.userBindPattern !== undefined) !== (c.bindDn !== undefined && c.userBaseDn !== undefined && c.userFilter !== undefined), {
    message: 'give either userBindPattern, or bindDn + bindPassword + userBaseDn + userFilter',
  });

const jwtAuthenticator = z
  .object({
    type: z.literal('jwt'),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    keyFile: z.string().min(1).optional(),
    issuer: z.string().optional(),
    audience: z.string().optional(),
    principalClaim: z.string().default('sub'),
    groupsClaim: z.string().optional(),
    clockSkew: duration.default(30_000),
  })
  .strict()
  .refine((c) => (c.jwksUrl === undefined) !== (c.keyFile === undefined), { message: 'give exactly one of jwksUrl or keyFile' });

const authenticator = z.discriminatedUnion('type', [passwordFileAuthenticator, ldapAuthenticator, jwtAuthenticator], {
  error: (issue) => (issue.code === 'invalid_union' ? "type must be one of 'password-file', 'ldap', 'jwt'" : undefined),
});

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
        /** Serve plain HTTP on `port`; turn off to serve HTTPS only. */
        httpEnabled: z.boolean().default(true),
        tls: z
          .object({ port: z.number().int().min(0).max(65535), certFile: z.string().min(1), keyFile: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .default({ host: '0.0.0.0', port: 8080, maxStatementSize: 1024 * 1024, exposeBackendDetails: false, httpEnabled: true }),
    authentication: z
      .object({
        /** Tried in order; the first that accepts the credentials wins. Empty: the user header is trusted. */
        authenticators: z.array(authenticator).default([]),
        /** Trino's group file (`group:user1,user2`), adding groups to every principal. */
        groupFile: z.string().min(1).optional(),
        /** How long a successful authentication is remembered (keyed by a hash of the credentials). */
        cacheTtl: duration.default(30_000),
        /** Failed attempts for one user name within `failureWindow` before that user is refused. */
        maxFailures: z.number().int().min(1).default(10),
        /** Failed attempts from one client address within `failureWindow` before that address is refused. */
        maxFailuresPerClient: z.number().int().min(1).default(100),
        failureWindow: duration.default(300_000),
        /** Trino's allow-insecure-over-http: plain HTTP requests are served with the user header trusted. */
        allowInsecureOverHttp: z.boolean().default(false),
        /** Behind a TLS-terminating load balancer: `X-Forwarded-Proto: https` counts as HTTPS. */
        trustForwardedProto: z.boolean().default(false),
      })
      .strict()
      .default({ authenticators: [], cacheTtl: 30_000, maxFailures: 10, maxFailuresPerClient: 100, failureWindow: 300_000, allowInsecureOverHttp: false, trustForwardedProto: false }),
    accessControl: z
      .object({
        /** Trino's rules.json; reloaded when it changes. */
        rulesFile: z.string().min(1),
      })
      .strict()
      .optional(),
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
    if (!config.server.httpEnabled && config.server.tls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['server', 'httpEnabled'], message: 'HTTP is disabled and no server.tls is configured: nothing would listen' });
    }
    if (config.defaultBackend !== undefined && !seen.has(config.defaultBackend)) {
      ctx.addIssue({ code: 'custom', path: ['defaultBackend'], message: `no backend is named '${config.defaultBackend}'` });
    }
  });

export type GatewayConfig = z.output<typeof configSchema>;
export type BackendConfig = GatewayConfig['backends'][number];
export type TrinoBackendConfig = Extract<BackendConfig, { engine: 'trino' }>;
export type DuckDbBackendConfig = Extract<BackendConfig, { engine: 'duckdb' }>;
export type AuthenticatorConfig = GatewayConfig['authentication']['authenticators'][number];
