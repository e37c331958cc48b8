/**
 * Opening the tag store and service from the configuration: the same database as history
 * (history.db under dataDir, or history.connectionString), so one setting says where state lives.
 */
import type { Logger } from 'pino';
import { RedisBus, type MessageBus } from '../../cluster/redis-bus.js';
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

/**
 * The running service and what it owns (the store; the Redis bus when it had to connect its own);
 * `close` closes them. A gateway passes the bus its instance shares; commands leave it to this.
 */
export async function startTagService(config: GatewayConfig, log: Logger, sharedBus?: { bus: MessageBus; channelPrefix: string }): Promise<{ service: TagService; close(): Promise<void> }> {
  const tags = config.accessControl?.tags;
  if (tags === undefined) throw new ConfigError('accessControl.tags is not configured');
  const store = await openTagStoreFromConfig(config, log);
  const ownBus = sharedBus === undefined && config.redis !== undefined ? await RedisBus.connect(config.redis.url, log) : undefined;
  const bus = sharedBus ?? (ownBus && { bus: ownBus, channelPrefix: config.redis!.keyPrefix });
  try {
    const service = await TagService.start({
      store,
      pollIntervalMs: tags.pollInterval,
      ...(bus ? { announcements: { bus: bus.bus, channel: `${bus.channelPrefix}tag-policy` } } : {}),
      log,
    });
    return {
      service,
      async close() {
        await service.close();
        ownBus?.close();
        await store.close();
      },
    };
  } catch (err) {
    ownBus?.close();
    await store.close();
    throw new ConfigError(`accessControl.tags: the stored tag policy cannot be loaded: ${(err as Error).message}`);
  }
}
