/**
 * Assembles a gateway from a validated configuration: backends, the token signer, the front door.
 */
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from './config/schema.js';
import type { Backend } from './engines/backend.js';
import { DuckDbEngine } from './engines/duckdb/duckdb-engine.js';
import { LocalBackend } from './engines/local-backend.js';
import { TrinoBackend } from './engines/trino/trino-backend.js';
import { QueryIdGenerator } from './protocol/query-id.js';
import { QueryTokenSigner } from './protocol/query-token.js';
import { GatewayServer } from './server/gateway-server.js';
import { VERSION } from './version.js';

export interface RunningGateway {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function createLogger(config: GatewayConfig): Logger {
  return pino({ level: config.logging.level, base: { service: 'querygate' } });
}

export async function startGateway(config: GatewayConfig, log: Logger = createLogger(config)): Promise<RunningGateway> {
  const queryIds = new QueryIdGenerator();
  if (config.security.tokenSecret === undefined) {
    log.warn('security.tokenSecret is not set: follow-up URIs are signed with a random key, so they stop working when this instance restarts and no other instance can serve them');
  }
  const signer = new QueryTokenSigner(config.security.tokenSecret, config.security.tokenTtl);
  const backends: Backend[] = config.backends.map((backend) => {
    switch (backend.engine) {
      case 'duckdb':
        return new LocalBackend({
          name: backend.name,
          engine: new DuckDbEngine({ demo: backend.demo, catalogs: backend.catalogs, ...(backend.threads ? { threads: backend.threads } : {}) }),
          signer,
          queryIds,
          clientTimeoutMs: config.queries.clientTimeout,
        });
      case 'trino':
        return new TrinoBackend({ config: backend, signer, queryIds, exposeDetails: config.server.exposeBackendDetails, log });
    }
  });
  await Promise.all(backends.map((b) => b.start()));
  const defaultBackend = backends.find((b) => b.name === config.defaultBackend) ?? backends[0]!;
  const server = new GatewayServer({
    backends,
    defaultBackend,
    signer,
    queryIds,
    maxStatementBytes: config.server.maxStatementSize,
    ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}),
    version: VERSION,
    log,
  });
  const address = await server.listen(config.server.port, config.server.host);
  log.warn('no authenticator is configured: the user named in X-Trino-User / X-Presto-User is trusted as is');
  log.info({ port: address.port, backends: backends.map((b) => `${b.name} (${b.engine})`), defaultBackend: defaultBackend.name }, 'querygate is listening');
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await server.close();
      await Promise.all(backends.map((b) => b.close()));
    },
  };
}
