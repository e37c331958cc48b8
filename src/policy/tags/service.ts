/**
 * The running tag policy of one gateway instance: the stored policy in memory, changed only
 * through the store (one transaction per change), and kept current across instances:
 *
 * - With Redis configured, every change is published on `<keyPrefix>tag-policy`; an instance
 *   that hears it marks its copy stale, and the next decision waits for the reload, so a change
 *   made on one instance decides the next statement on every other one.
 * - Always, the version row is polled every `pollInterval` (default 1 s): instances sharing
 *   PostgreSQL without Redis converge within that interval, and a lost message is repaired.
 *
 * A reload that fails (database unreachable) keeps the copy it has and is logged; the poll
 * retries. Decisions never wait on a store that answers nothing for longer than its timeouts.
 */
import type { Logger } from 'pino';
import type { MessageBus } from '../../cluster/redis-bus.js';
import type { TagPolicyDocument } from './document.js';
import { validatePolicy } from './document.js';
import { TagPolicy } from './engine.js';
import type { TagStore } from './store.js';

export interface TagServiceOptions {
  store: TagStore;
  pollIntervalMs: number;
  /** Where changes are announced to other instances and heard from them (`<keyPrefix>tag-policy`). */
  announcements?: { bus: MessageBus; channel: string };
  log: Logger;
}

export class TagService {
  private current: TagPolicy;
  /** The highest version another instance announced or the poll saw. */
  private announced = 0;
  private reloading: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;

  private constructor(private readonly options: TagServiceOptions, initial: TagPolicy) {
    this.current = initial;
  }

  static async start(options: TagServiceOptions): Promise<TagService> {
    const { document, version } = await options.store.load();
    const service = new TagService(options, new TagPolicy(document, version));
    await service.listen();
    return service;
  }

  /** The policy to decide with: reloaded first when a newer one is known to exist (fail closed when that fails). */
  async policy(): Promise<TagPolicy> {
    if (this.announced > this.current.version) {
      await this.reload();
      if (this.announced > this.current.version) throw new Error(`the tag policy changed (version ${this.announced}) and could not be reloaded`);
    }
    return this.current;
  }

  /**
   * Applies a change: reads the stored policy, lets `change` edit a copy, validates the result,
   * writes it if nobody changed it meanwhile (PolicyConflictError otherwise), then announces it.
   */
  async update(change: (doc: TagPolicyDocument) => TagPolicyDocument): Promise<TagPolicy> {
    const { document, version } = await this.options.store.load();
    const next = validatePolicy(change(structuredClone(document)));
    return this.commit(next, version);
  }

  /** Replaces the whole policy (import, `policy apply`). */
  async replace(document: TagPolicyDocument): Promise<TagPolicy> {
    return this.commit(validatePolicy(document));
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
  }

  private async commit(document: TagPolicyDocument, expectedVersion?: number): Promise<TagPolicy> {
    const version = await this.options.store.replace(document, expectedVersion);
    if (version > this.current.version) this.current = new TagPolicy(document, version);
    const { announcements } = this.options;
    if (announcements && !(await announcements.bus.publish(announcements.channel, String(version)))) {
      this.options.log.warn('could not announce the tag policy change on Redis; other instances see it at their next poll');
    }
    return this.current;
  }

  private async listen(): Promise<void> {
    this.poller = setInterval(() => void this.pollOnce(), this.options.pollIntervalMs);
    this.poller.unref();
    const { announcements } = this.options;
    await announcements?.bus.subscribe(announcements.channel, (message) => {
      this.announced = Math.max(this.announced, Number(message) || 0);
    });
  }

  private async pollOnce(): Promise<void> {
    try {
      this.announced = Math.max(this.announced, await this.options.store.version());
      if (this.announced > this.current.version) await this.reload();
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'tag policy: could not read the stored version; keeping the current policy');
    }
  }

  private reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const { document, version } = await this.options.store.load();
        if (version > this.current.version) this.current = new TagPolicy(document, version);
      } catch (err) {
        this.options.log.error({ err: (err as Error).message }, 'tag policy: reload failed; keeping the previous policy');
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}
