/**
 * Messages between gateway instances over Redis pub/sub: one publishing and one subscribing
 * connection per instance, shared by every channel (tag policy changes, queries that ended on
 * another instance). Publishing never waits for an unreachable Redis, and a message published
 * while Redis is down is lost: each user has its own repair (the tag policy's version poll,
 * admission's idle sweep). Subscriptions are kept here and renewed every time the subscribing
 * connection becomes ready, so a channel subscribed while Redis was down is listened to once it
 * is back.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Messages between instances: Redis pub/sub across hosts, the primary process between one host's workers (in-host.ts). */
export interface MessageBus {
  /** Calls `onMessage` with every message published on `channel`, by any instance (this one too). */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  /** False when the message could not be sent. */
  publish(channel: string, message: string): Promise<boolean>;
}

export class RedisBus implements MessageBus {
  private readonly handlers = new Map<string, (message: string) => void>();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.handlers.get(channel)?.(message));
    subscriber.on('ready', () => void this.subscribeAll());
  }

  static async connect(url: string, log: Logger): Promise<RedisBus> {
    const options: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    };
    const publisher = new Redis(url, options);
    const subscriber = new Redis(url, options);
    let reported = false;
    const onError = (err: Error) => {
      if (reported) return;
      reported = true;
      log.warn({ err: err.message }, 'Redis unreachable: messages between gateway instances are lost until it is back (tag policy changes arrive by polling, slots of queries ended elsewhere are freed by the idle sweep)');
    };
    publisher.on('error', onError);
    subscriber.on('error', onError);
    subscriber.on('ready', () => (reported = false));
    const bus = new RedisBus(publisher, subscriber);
    await Promise.all([publisher.connect().catch(onError), subscriber.connect().catch(onError)]);
    return bus;
  }

  /** Calls `onMessage` with every message published on `channel`, by any instance (this one too). */
  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    this.handlers.set(channel, onMessage);
    if (this.subscriber.status === 'ready') await this.subscriber.subscribe(channel).catch(() => undefined);
  }

  /** False when Redis did not take the message. */
  async publish(channel: string, message: string): Promise<boolean> {
    try {
      await this.publisher.publish(channel, message);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private async subscribeAll(): Promise<void> {
    if (this.handlers.size > 0) await this.subscriber.subscribe(...this.handlers.keys()).catch(() => undefined);
  }
}
