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

export const DUCKDB_RESULTS = { maxPageSize: 16 * 1024 ** 2, maxHeldPerUser: 64 * 1024 ** 2, maxHeld: 256 * 1024 ** 2 };

/** Result pages the gateway holds for a local engine's queries: being built, or kept for a client's retry (see the README). */
const resultLimits = z
  .object({
    /** Largest page: a client's targetResultSize is capped to it; a single row larger than it fails its query. */
    maxPageSize: dataSize.default(DUCKDB_RESULTS.maxPageSize),
    /** Pages one user's queries may hold at once. */
    maxHeldPerUser: dataSize.default(DUCKDB_RESULTS.maxHeldPerUser),
    /** Pages all queries on this backend may hold at once. */
    maxHeld: dataSize.default(DUCKDB_RESULTS.maxHeld),
  })
  .strict()
  .refine((r) => r.maxPageSize <= r.maxHeldPerUser && r.maxHeldPerUser <= r.maxHeld, { message: 'needs maxPageSize <= maxHeldPerUser <= maxHeld' })
  .default(DUCKDB_RESULTS);

const duckdbBackend = z
  .object({
    name,
    engine: z.literal('duckdb'),
    /** Routing group the backend serves. */
    group: name.default('default'),
    /** Share of its group's traffic relative to the other backends (least-loaded by running/weight). */
    weight: z.number().positive().default(1),
    /** Initial state; changed at run time through the admin API. */
    state: z.enum(['active', 'draining', 'inactive']).default('active'),
    /** Queries running on this backend at once through this gateway before it counts as full. */
    maxRunning: z.number().int().min(1).default(100),

    /** Generate the `demo` catalog with TPC-H data at start. */
    demo: z.boolean().default(true),
    /** A user's DuckDB database files, each attached as a catalog. */
    catalogs: z
      .array(z.object({ name, path: z.string().min(1), readOnly: z.boolean().default(true) }).strict())
      .default([]),
    threads: z.number().int().min(1).max(256).optional(),
    results: resultLimits,
  })
  .strict();

const trinoBackend = z
  .object({
    name,
    engine: z.literal('trino'),
    /** Routing group the backend serves. */
    group: name.default('default'),
    /** Share of its group's traffic relative to the other backends (least-loaded by running/weight). */
    weight: z.number().positive().default(1),
    /** Initial state; changed at run time through the admin API. */
    state: z.enum(['active', 'draining', 'inactive']).default('active'),
    /** Queries running on this backend at once through this gateway before it counts as full. */
    maxRunning: z.number().int().min(1).default(100),

    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /**
     * Catalogs the backend serves, known without asking it: a statement naming one while the
     * backend is down fails with BACKEND_UNAVAILABLE naming the backend, even if the gateway has
     * not reached the backend since it started (otherwise only catalogs seen while it was up are).
     */
    catalogs: z.array(z.string().regex(/^[a-z0-9_][a-z0-9_-]{0,127}$/, 'must be a lower-case catalog name')).default([]),
    /** The header family the backend speaks: `presto` for PrestoSQL/prestodb servers. */
    dialect: z.enum(['trino', 'presto']).default('trino'),
    connectTimeout: duration.default(5_000),
    /** Upper bound for one backend HTTP exchange (a poll waits at most ~1 s on the backend). */
    requestTimeout: duration.default(60_000),
    /**
     * Trino answers a submission at once and a poll within its maxWait (1 s unless the client asks
     * for more): a backend that has not started answering this long after that is hung, and the
     * client gets BACKEND_UNAVAILABLE (at most requestTimeout).
     */
    pollGrace: duration.default(5_000),
    /**
     * How long a client may take nothing of a page being relayed before its response is closed,
     * and the backend connection behind it with it (at most requestTimeout).
     */
    clientStallTimeout: duration.default(10_000),
  })
  .strict();

const athenaBackend = z
  .object({
    name,
    engine: z.literal('athena'),
    /** Routing group the backend serves. */
    group: name.default('default'),
    /** Share of its group's traffic relative to the other backends (least-loaded by running/weight). */
    weight: z.number().positive().default(1),
    /** Initial state; changed at run time through the admin API. */
    state: z.enum(['active', 'draining', 'inactive']).default('active'),
    /** Queries running in this workgroup at once through the gateway fleet before it counts as full. */
    maxRunning: z.number().int().min(1).default(100),
    /**
     * Queries Athena reports QUEUED in the workgroup (from every client, read at each health check)
     * at which it counts as full, so routing moves on along the fallback chain (Odin's "too many pending").
     */
    maxQueued: z.number().int().min(1).optional(),

    /** AWS region of the workgroup, e.g. us-east-1. */
    region: z.string({ error: (issue) => (issue.input === undefined ? 'is required: the AWS region of the workgroup, e.g. us-east-1' : undefined) }).regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
    /** The Athena workgroup queries run in. */
    workgroup: z.string({ error: (issue) => (issue.input === undefined ? 'is required: the Athena workgroup queries run in' : undefined) }).regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be an Athena workgroup name (1-128 letters, digits, . _ -)'),
    /** Where Athena writes results, when the workgroup does not enforce its own location. */
    outputLocation: z.string().regex(/^s3:\/\/[^/]+/, 'must be an s3://bucket/prefix/ location').optional(),
    /** A role assumed (STS AssumeRole) with the default credential chain's credentials. */
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
    /** Another endpoint for the AWS APIs (a VPC endpoint; an emulator in tests). */
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    /** The catalog name clients use for the Glue Data Catalog. */
    catalog: name.default('awsdatacatalog'),
    /** First and longest wait between two polls of a running query (growing by half each time). */
    pollInterval: duration.default(100),
    maxPollInterval: duration.default(2_000),
    /** Attempts per AWS API call before a throttled call gives up (exponential backoff with jitter between them). */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    /**
     * Where query results are read: `auto` reads a result from its CSV file in the output location
     * (S3) when that file is at least `s3ResultMinSize`, else with GetQueryResults; `always` and
     * `never` read every query result from S3 or never (see the README for the measured choice).
     */
    s3Results: z.enum(['auto', 'always', 'never']).default('auto'),
    s3ResultMinSize: dataSize.default(1024 * 1024),
    /** Result pages the gateway holds for this workgroup's queries (as for the embedded engine). */
    results: resultLimits,
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
    /** LDAP attribute of the user's entry → principal attribute key (e.g. `{ departmentNumber: domain }`), for tag grants. */
    attributes: z.record(z.string().min(1), z.string().min(1)).optional(),
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
    /** Claim name → attribute key (e.g. `{ clearance: clearance }`): principal attributes for tag grants. */
    attributeClaims: z.record(z.string().min(1), z.string().min(1)).optional(),
    clockSkew: duration.default(30_000),
  })
  .strict()
  .refine((c) => (c.jwksUrl === undefined) !== (c.keyFile === undefined), { message: 'give exactly one of jwksUrl or keyFile' });

const authenticator = z.discriminatedUnion('type', [passwordFileAuthenticator, ldapAuthenticator, jwtAuthenticator], {
  error: (issue) => (issue.code === 'invalid_union' ? "type must be one of 'password-file', 'ldap', 'jwt'" : undefined),
});

const backend = z.discriminatedUnion('engine', [duckdbBackend, trinoBackend, athenaBackend], {
  error: (issue) =>
    issue.code === 'invalid_union' ? "engine must be one of 'duckdb', 'trino', 'athena'" : undefined,
});

const routingGroup = z
  .object({
    name,
    /** Queries waiting in the gateway for this group before new ones are refused. */
    maxQueued: z.number().int().min(0).default(1000),
    /** How long a query may wait in the gateway queue. */
    queueTimeout: duration.default(300_000),
    /** Groups tried in order when every backend of this one is full or unavailable. */
    fallback: z.array(name).default([]),
  })
  .strict();

const stringOrList = z.union([z.string(), z.array(z.string()).min(1)]);

const routingRule = z
  .object({
    name: z.string().min(1),
    /** Every condition given must hold; patterns are regular expressions matched against the whole value. */
    match: z
      .object({
        user: z.string().optional(),
        group: z.string().optional(),
        source: z.string().optional(),
        clientInfo: z.string().optional(),
        /** Every listed tag must be present. */
        clientTags: z.array(z.string()).optional(),
        /** Extra credentials that must be present with a value matching the pattern. */
        extraCredentials: z.record(z.string(), z.string()).optional(),
        /** The session catalog. */
        catalog: z.string().optional(),
        /** What the statement is (`query`, `insert`, `createTableAsSelect`, ... from the analysis). */
        statementKind: z.string().optional(),
        /** Any table the statement touches, as `catalog.schema.table`. */
        table: z.string().optional(),
      })
      .strict()
      .default({}),
    routeTo: name,
    /** Overrides the group's own fallback chain. */
    fallback: z.array(name).optional(),
    /** Groups a routing hint may choose for queries matching this rule. */
    allowHints: stringOrList.optional(),
  })
  .strict();

/** Limits of a runaway guardrail, each measured from the engine's live statistics of a running query. */
const runawayLimits = z
  .object({
    /** Time since the engine received the query. */
    elapsed: duration.optional(),
    /** Time the query waited in the engine's own queue. */
    queued: duration.optional(),
    cpuTime: duration.optional(),
    /** Physical input bytes and rows read (Trino's physicalInputDataSize and physicalInputPositions). */
    scannedBytes: dataSize.optional(),
    scannedRows: z.number().int().min(1).optional(),
    /** Peak total memory reservation. */
    peakMemory: dataSize.optional(),
    outputRows: z.number().int().min(1).optional(),
    outputBytes: dataSize.optional(),
  })
  .strict()
  .refine((limits) => Object.keys(limits).length > 0, { message: 'give at least one limit (elapsed, queued, cpuTime, scannedBytes, scannedRows, peakMemory, outputRows, outputBytes)' });

/** Whose queries a duplicate or rate-limit guardrail counts together. */
const guardrailKey = z.enum(['user', 'resourceGroup']);

const guardrail = z
  .object({
    /** Named in errors, history, the audit trail and metrics. */
    name,
    /** `warn` logs and records; `deny` refuses the query before it starts; `kill` cancels a runaway query on its backend. */
    action: z.enum(['warn', 'deny', 'kill']),
    /** Only queries selected into a resource group whose id matches (`*`: any characters), e.g. `global.adhoc-*`. */
    resourceGroup: z.string().min(1).optional(),
    /** Only queries routed to this routing group. */
    routingGroup: name.optional(),
    /** Only these users (a regular expression matched against the whole name). */
    user: z.string().min(1).optional(),
    runaway: runawayLimits.optional(),
    /** The same statement (normalized fingerprint) while an identical one of the same user (or resource group) runs. */
    duplicates: z.object({ per: guardrailKey.default('user') }).strict().optional(),
    /** Checks of the analyzed statement before it starts. */
    preflight: z
      .object({
        /** Only SELECT, SHOW, DESCRIBE and EXPLAIN. */
        readOnly: z.literal(true).optional(),
        /** Tables (`catalog.schema.table`) a query may read only with a LIMIT on the query. */
        requireLimit: z.array(z.string().regex(/^[^.]+\.[^.]+\.[^.]+$/, 'must be catalog.schema.table')).min(1).optional(),
        /** Tables a query may read only with a WHERE clause on the query that reads them. */
        requirePredicate: z.array(z.string().regex(/^[^.]+\.[^.]+\.[^.]+$/, 'must be catalog.schema.table')).min(1).optional(),
        maxTables: z.number().int().min(1).optional(),
        maxJoins: z.number().int().min(0).optional(),
        /** The engine's estimate of what the statement reads (Trino's EXPLAIN (TYPE IO, FORMAT JSON), run as the user before it starts). */
        explain: z
          .object({
            maxScanRows: z.number().int().min(0).optional(),
            maxScanBytes: dataSize.optional(),
            /** When the engine cannot estimate (NaN, or no engine of the routing group can EXPLAIN): `pass` lets the check pass, `fail` acts as over the limit. */
            unknown: z.enum(['pass', 'fail']).default('pass'),
          })
          .strict()
          .refine((explain) => explain.maxScanRows !== undefined || explain.maxScanBytes !== undefined, { message: 'give maxScanRows, maxScanBytes, or both' })
          .optional(),
      })
      .strict()
      .refine((checks) => Object.keys(checks).length > 0, { message: 'give at least one check (readOnly, requireLimit, requirePredicate, maxTables, maxJoins, explain)' })
      .optional(),
    /** Queries started per minute and running at once, per user or per resource group, counted across the fleet. */
    rateLimit: z
      .object({ per: guardrailKey, queriesPerMinute: z.number().int().min(1).optional(), concurrent: z.number().int().min(1).optional() })
      .strict()
      .refine((limit) => limit.queriesPerMinute !== undefined || limit.concurrent !== undefined, { message: 'give queriesPerMinute, concurrent, or both' })
      .optional(),
  })
  .strict()
  .superRefine((g, ctx) => {
    const kinds = (['runaway', 'duplicates', 'preflight', 'rateLimit'] as const).filter((k) => g[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one of runaway, duplicates, preflight, rateLimit (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
      return;
    }
    const kind = kinds[0]!;
    if (kind === 'runaway' && g.action === 'deny') ctx.addIssue({ code: 'custom', path: ['action'], message: 'a runaway guardrail acts with warn or kill (it measures queries already running)' });
    if (kind !== 'runaway' && g.action === 'kill') ctx.addIssue({ code: 'custom', path: ['action'], message: `a ${kind} guardrail acts with warn or deny (it decides before the query starts)` });
    if (g.user !== undefined) {
      try {
        new RegExp(g.user);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['user'], message: `not a regular expression: ${(err as Error).message}` });
      }
    }
  });

/** Kubernetes' default terminationGracePeriodSeconds is 30 s: the drain ends before the kubelet's SIGKILL. */
const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

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
        /** Open connections per listener; further ones are closed as they arrive. */
        maxConnections: z.number().int().min(1).default(10_000),
        /** What the front door holds for all connections together (heads arriving, pipelined requests, statement bodies being read); past it, 503. */
        maxBufferedRequestBytes: dataSize.default(64 * 1024 * 1024),
        /** Put backend names and addresses into client-facing error messages (off: they stay in the log). */
        exposeBackendDetails: z.boolean().default(false),
        /** Serve plain HTTP on `port`; turn off to serve HTTPS only. */
        httpEnabled: z.boolean().default(true),
        tls: z
          .object({ port: z.number().int().min(0).max(65535), certFile: z.string().min(1), keyFile: z.string().min(1) })
          .strict()
          .optional(),
        /** On SIGTERM/SIGINT, how long in-flight queries may run on before they are cancelled on their backends. */
        drainTimeout: duration.default(DEFAULT_DRAIN_TIMEOUT_MS),
        /**
         * Worker processes serving the port (node:cluster), `auto` for one per core. Default 1: one
         * process, as embedded in tests and `npm start`; more share state through the primary process.
         */
        workers: z.union([z.number().int().min(1).max(1024), z.literal('auto')]).default(1),
      })
      .strict()
      .default({
        host: '0.0.0.0',
        port: 8080,
        maxStatementSize: 1024 * 1024,
        maxConnections: 10_000,
        maxBufferedRequestBytes: 64 * 1024 * 1024,
        exposeBackendDetails: false,
        httpEnabled: true,
        drainTimeout: DEFAULT_DRAIN_TIMEOUT_MS,
        workers: 1,
      }),
    authentication: z
      .object({
        /** Tried in order; the first that accepts the credentials wins. Empty: the user header is trusted. */
        authenticators: z.array(authenticator).default([]),
        /** Trino's group file (`group:user1,user2`), adding groups to every principal. */
        groupFile: z.string().min(1).optional(),
        /** How long a successful authentication is remembered (keyed by a hash of the credentials). */
        cacheTtl: duration.default(30_000),
        /** Failed attempts for one user name from one client address within `failureWindow` before that pair is refused. */
        maxFailures: z.number().int().min(1).default(10),
        /**
         * Failed attempts from one client address within `failureWindow`, whatever the user name,
         * before it is refused for every user name that has not signed in from it within the window.
         */
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
        rulesFile: z.string().min(1).optional(),
        /** Tag-based access control: tags, assignments and grants kept in the history database. */
        tags: z
          .object({
            /** `all`: the rules file and the tag grants must both allow; `any`: either allows a table. Without a rules file the tag grants alone decide tables. */
            mode: z.enum(['all', 'any']).default('all'),
            /** A policy YAML (in Git) that is the source of truth: the admin API then refuses edits, and `querygate policy apply` applies it. */
            file: z.string().min(1).optional(),
            /** How often each instance reads the stored policy version (changes from other instances without Redis). */
            pollInterval: duration.default(1000),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine((a) => a.rulesFile !== undefined || a.tags !== undefined, { message: 'give rulesFile, tags, or both' })
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
      .default([{ name: 'embedded', engine: 'duckdb', group: 'default', weight: 1, state: 'active', maxRunning: 100, demo: true, catalogs: [], results: DUCKDB_RESULTS }]),
    routingGroups: z.array(routingGroup).default([]),
    routing: z
      .object({
        /** Group for queries no rule matches; the first backend's group when absent. */
        defaultGroup: name.optional(),
        rules: z.array(routingRule).default([]),
        /** Extra credential naming a routing group (Odin's `extraCredentials=routing:athena`). */
        hintCredential: z.string().default('routing'),
        /** Groups any user may pick with a hint (X-Trino-Routing-Group or the hint credential) when no rule says otherwise. */
        allowHints: z.array(name).default([]),
      })
      .strict()
      .default({ rules: [], hintCredential: 'routing', allowHints: [] }),
    healthCheck: z
      .object({
        /** Time between probe rounds; a probe that hangs does not delay the next round beyond its own timeout. */
        interval: duration.default(3_000),
        /** A probe (`/v1/info`, answered at once by a live coordinator) that takes longer fails. */
        timeout: duration.default(2_000),
        /** Consecutive failed probes (or failed requests) before a backend takes no new queries. */
        unhealthyThreshold: z.number().int().min(1).default(3),
        /** Consecutive good probes before it takes queries again. */
        healthyThreshold: z.number().int().min(1).default(2),
      })
      .strict()
      .default({ interval: 3_000, timeout: 2_000, unhealthyThreshold: 3, healthyThreshold: 2 }),
    admin: z
      .object({
        /** Users allowed to use the admin API (authenticated principals). */
        users: z.array(z.string()).default([]),
        /** Groups whose members may use the admin API. */
        groups: z.array(z.string()).default([]),
      })
      .strict()
      .default({ users: [], groups: [] }),
    ui: z
      .object({
        /** How long a web UI login lasts (the session cookie's lifetime). */
        sessionTtl: duration.default(8 * 3_600_000),
      })
      .strict()
      .default({ sessionTtl: 8 * 3_600_000 }),
    dataDir: z.string().default('data'),
    history: z
      .object({
        /** `sqlite`: a file under dataDir (the default); `postgres`: shared by several gateway instances. */
        store: z.enum(['sqlite', 'postgres']).default('sqlite'),
        connectionString: z.string().optional(),
        /** Queries and audit events older than this are deleted. */
        retention: duration.default(30 * 86_400_000),
      })
      .strict()
      .refine((h) => h.store !== 'postgres' || h.connectionString !== undefined, { message: 'store postgres needs a connectionString' })
      .default({ store: 'sqlite', retention: 30 * 86_400_000 }),
    /** Trino's resource groups file (resource-groups.configuration-manager=file): when queries may start (see the README). */
    resourceGroups: z
      .object({
        /** The JSON file, in Trino's format; reloaded when it changes (a broken version keeps the last good one). */
        file: z.string().min(1),
        /** What `softMemoryLimit` percentages are of: the memory of the clusters behind the gateway (Trino: its cluster memory pool). */
        clusterMemory: dataSize.optional(),
      })
      .strict()
      .optional(),
    /** Guardrails (see the README's "Guardrails"): runaway queries, duplicates, pre-flight checks and rate limits. */
    guardrails: z
      .object({
        /** How often the live statistics of queries under a runaway guardrail are read from their engines. */
        checkInterval: duration.default(1_000),
        rules: z.array(guardrail).default([]),
      })
      .strict()
      .default({ checkInterval: 1_000, rules: [] }),
    redis: z
      .object({
        /** `redis://host:port/db`: shared running/queued counters (and policy invalidations) across gateway instances. */
        url: z.url({ protocol: /^rediss?$/ }),
        /** Prefix of every key the gateway writes. */
        keyPrefix: z.string().default('querygate:'),
      })
      .strict()
      .optional(),
    audit: z
      .object({
        /** Also write audit events as JSON lines to this file, or `stdout`. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** OpenTelemetry spans of each query's life, exported by OTLP/HTTP (JSON); absent: no tracing, no SDK loaded. */
    tracing: z
      .object({
        /** The collector's traces URL, e.g. `http://otel-collector:4318/v1/traces`. */
        otlpEndpoint: z.url({ protocol: /^https?$/ }),
        serviceName: z.string().min(1).default('querygate'),
        /** Share of traces the gateway starts that are sampled; a client's traceparent decides for its own traces. */
        sampleRatio: z.number().min(0).max(1).default(1),
      })
      .strict()
      .optional(),
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
    checkRouting(config, ctx);
    checkGuardrails(config, ctx);
  });

type RawConfig = {
  backends: Array<{ group: string }>;
  routingGroups: Array<{ name: string; fallback: string[] }>;
  routing: { defaultGroup?: string | undefined; rules: Array<{ routeTo: string; fallback?: string[] | undefined; allowHints?: string | string[] | undefined }>; allowHints: string[] };
};

/** Groups must exist (a group exists when a backend serves it or it is declared) and fallback chains must not loop. */
function checkRouting(config: RawConfig, ctx: z.RefinementCtx): void {
  const declared = new Map<string, string[]>();
  config.routingGroups.forEach((g, i) => {
    if (declared.has(g.name)) ctx.addIssue({ code: 'custom', path: ['routingGroups', i, 'name'], message: `duplicate routing group '${g.name}'` });
    declared.set(g.name, g.fallback);
  });
  const served = new Set(config.backends.map((b) => b.group));
  config.routingGroups.forEach((g, i) => {
    if (!served.has(g.name)) ctx.addIssue({ code: 'custom', path: ['routingGroups', i, 'name'], message: `no backend serves routing group '${g.name}'` });
  });
  const known = (group: string, path: Array<string | number>) => {
    if (!served.has(group)) ctx.addIssue({ code: 'custom', path, message: `unknown routing group '${group}' (groups: ${[...served].sort().join(', ')})` });
  };
  if (config.routing.defaultGroup !== undefined) known(config.routing.defaultGroup, ['routing', 'defaultGroup']);
  config.routing.allowHints.forEach((g, i) => known(g, ['routing', 'allowHints', i]));
  config.routing.rules.forEach((rule, i) => {
    known(rule.routeTo, ['routing', 'rules', i, 'routeTo']);
    rule.fallback?.forEach((g, j) => known(g, ['routing', 'rules', i, 'fallback', j]));
    if (Array.isArray(rule.allowHints)) rule.allowHints.forEach((g, j) => known(g, ['routing', 'rules', i, 'allowHints', j]));
  });
  for (const [group, fallback] of declared) {
    fallback.forEach((g, j) => known(g, ['routingGroups', [...declared.keys()].indexOf(group), 'fallback', j]));
    // Follow the chain: a group reached twice is a loop.
    const seen = [group];
    const visit = (current: string): boolean => {
      for (const next of declared.get(current) ?? []) {
        if (seen.includes(next)) {
          ctx.addIssue({ code: 'custom', path: ['routingGroups'], message: `fallback chain loops: ${[...seen, next].join(' -> ')}` });
          return false;
        }
        seen.push(next);
        if (!visit(next)) return false;
        seen.pop();
      }
      return true;
    };
    if (!visit(group)) break;
  }
}

/** Guardrail names are unique (history and metrics name them) and their routing groups exist. */
function checkGuardrails(config: { backends: Array<{ group: string }>; guardrails: { rules: Array<{ name: string; routingGroup?: string | undefined }> } }, ctx: z.RefinementCtx): void {
  const served = new Set(config.backends.map((b) => b.group));
  const seen = new Set<string>();
  config.guardrails.rules.forEach((g, i) => {
    if (seen.has(g.name)) ctx.addIssue({ code: 'custom', path: ['guardrails', 'rules', i, 'name'], message: `duplicate guardrail name '${g.name}'` });
    seen.add(g.name);
    if (g.routingGroup !== undefined && !served.has(g.routingGroup)) {
      ctx.addIssue({ code: 'custom', path: ['guardrails', 'rules', i, 'routingGroup'], message: `unknown routing group '${g.routingGroup}' (groups: ${[...served].sort().join(', ')})` });
    }
  });
}

export type GatewayConfig = z.output<typeof configSchema>;
export type GuardrailConfig = GatewayConfig['guardrails']['rules'][number];
export type RunawayLimitsConfig = NonNullable<GuardrailConfig['runaway']>;
export type RoutingRuleConfig = GatewayConfig['routing']['rules'][number];
export type RoutingGroupConfig = GatewayConfig['routingGroups'][number];
export type BackendConfig = GatewayConfig['backends'][number];
export type TrinoBackendConfig = Extract<BackendConfig, { engine: 'trino' }>;
export type DuckDbBackendConfig = Extract<BackendConfig, { engine: 'duckdb' }>;
export type AthenaBackendConfig = Extract<BackendConfig, { engine: 'athena' }>;
export type TracingConfig = NonNullable<GatewayConfig['tracing']>;
export type AuthenticatorConfig = GatewayConfig['authentication']['authenticators'][number];
