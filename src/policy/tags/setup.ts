/**
 * Opening the tag store and service from the configuration: the same database as history
 * (history.db under dataDir, or history.connectionString), so one setting says where state lives.
 */
import type { Logger } from 'pino';
import { ConfigError } from '../../config/load.js';
import type { GatewayConfig } from '../../config/schema.js';
import { openTagStore, SqliteTagStore, type TagStore } from './store.js';
import { TagService } from './service.js';

async function openTagStoreFromConfig(config: GatewayConfig, log: Logger): Promise<TagStore> {
  const history = config.history;
  try {
    return await openTagStore(
      history.store === 'postgres'
        ? { type: 'postgres', connectionString: history.connectionString!, onError: (err) => log.warn({ err: err.message }, 'tag store: PostgreSQL connection error') }
        : { type: 'sqlite', file: SqliteTagStore.fileIn(config.dataDir) },
    );
  } catch (err) {
    throw new ConfigError(`accessControl.tags: the tag store (history.${history.store}) cannot be opened: ${(err as Error).message}`);
  }
}

/** The running service and the store it owns; `close` closes both. */
export async function startTagService(config: GatewayConfig, log: Logger): Promise<{ service: TagService; close(): Promise<void> }> {
  const tags = config.accessControl?.tags;
  if (tags === undefined) throw new ConfigError('accessControl.tags is not configured');
  const store = await openTagStoreFromConfig(config, log);
  try {
    const service = await TagService.start({ store, pollIntervalMs: tags.pollInterval, ...(config.redis ? { redis: config.redis } : {}), log });
    return {
      service,
      async close() {
        await service.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw new ConfigError(`accessControl.tags: the stored tag policy cannot be loaded: ${(err as Error).message}`);
  }
}
