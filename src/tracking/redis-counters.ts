/**
 * SharedCounters in Redis, for several gateway instances.
 *
 * Each instance owns one hash, `<prefix>inst:<instanceId>`, holding its own counts (fields
 * `backend:running:<name>` ...), with a TTL that its heartbeat keeps pushing back; the set
 * `<prefix>instances` lists the instances. A read sums the hashes of the instances still listed
 * (in a Lua script, atomically) and forgets those whose hash has expired: the counts of an
 * instance that died without cleaning up disappear after `ttlMs`, with no clock comparison
 * between hosts (Redis expires the key).
 *
 * The instance's local counts are authoritative: every change is applied locally, then sent
 * (HINCRBY); every heartbeat rewrites the whole hash from the local counts, which repairs any
 * drift (a lost command, an expiry during a long pause, a Redis restart). When Redis is
 * unreachable the counters fall back to the local counts (`degraded` is true, and it is logged
 * once) until the connection is back.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { TrackingLogger } from './buffered-writer.js';
import { counterField, LocalCounts, toEntries, type CounterEntry, type CounterKey, type SharedCounters } from './counters.js';

export interface RedisCountersOptions {
  /** `redis://host:port/db`, or ioredis options. */
  redis: string | RedisOptions;
  /** Key prefix (default `querygate:counters:`). */
  prefix?: string;
  /** This instance's id (default host:pid:random). */
  instanceId?: string;
  /** How long the counts of a silent instance survive (default 15 s). */
  ttlMs?: number;
  /** Heartbeat period (default ttlMs / 3). */
  heartbeatMs?: number;
  /** Connect timeout (default 2000 ms). */
  connectTimeoutMs?: number;
  logger?: TrackingLogger;
}

const ALIVE_FIELD = '__alive';

/**
 * KEYS[1] = instances set; ARGV[1] = hash key prefix; ARGV[2] = field, or '' for all fields;
 * ARGV[3] = an instance id left out of the sums, or ''.
 */
const SUM_SCRIPT = `
local ids = redis.call('SMEMBERS', KEYS[1])
local sums = {}
local order = {}
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  if id == ARGV[3] then
    -- left out
  elseif redis.call('EXISTS', key) == 0 then
    redis.call('SREM', KEYS[1], id)
  elseif ARGV[2] ~= '' then
    local v = redis.call('HGET', key, ARGV[2])
    if v then
      if sums[ARGV[2]] == nil then sums[ARGV[2]] = 0; table.insert(order, ARGV[2]) end
      sums[ARGV[2]] = sums[ARGV[2]] + tonumber(v)
    end
  else
    local fields = redis.call('HGETALL', key)
    for i = 1, #fields, 2 do
      local f = fields[i]
      if f ~= '${ALIVE_FIELD}' then
        if sums[f] == nil then sums[f] = 0; table.insert(order, f) end
        sums[f] = sums[f] + (tonumber(fields[i + 1]) or 0)
      end
    end
  end
end
local out = {}
for _, f in ipairs(order) do
  table.insert(out, f)
  table.insert(out, tostring(sums[f]))
end
return out
`;

export class RedisSharedCounters implements SharedCounters {
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly hashKey: string;
  private readonly setKey: string;
  private readonly ttlMs: number;
  private readonly local = new LocalCounts();
  private readonly log: TrackingLogger | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private up = false;
  private reportedDown = false;
  private closed = false;

  constructor(options: RedisCountersOptions) {
    this.prefix = options.prefix ?? 'querygate:counters:';
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.hashKey = `${this.prefix}inst:${this.instanceId}`;
    this.setKey = `${this.prefix}instances`;
    this.ttlMs = options.ttlMs ?? 15_000;
    this.log = options.logger;
    const common: RedisOptions = {
      // Commands fail at once while disconnected (counting falls back to local) instead of
      // queueing up; reconnection goes on in the background forever.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: true,
    };
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, common) : new Redis({ ...options.redis, ...common });
    this.redis.on('ready', () => void this.publish());
    this.redis.on('close', () => this.onDown(new Error('connection closed')));
    this.redis.on('error', (err: Error) => this.onDown(err));
    const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(this.ttlMs / 3));
    this.heartbeat = setInterval(() => void this.publish(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Creates the counters and waits (up to the connect timeout) for Redis; degraded if it does not answer. */
  static async connect(options: RedisCountersOptions): Promise<RedisSharedCounters> {
    const counters = new RedisSharedCounters(options);
    await counters.redis.connect().catch((err: unknown) => counters.onDown(err as Error));
    await counters.publish();
    return counters;
  }

  get degraded(): boolean {
    return !this.up;
  }

  async incr(key: CounterKey, by = 1): Promise<void> {
    await this.change(key, by);
  }

  async decr(key: CounterKey, by = 1): Promise<void> {
    await this.change(key, -by);
  }

  async get(key: CounterKey): Promise<number> {
    if (!this.up) return this.local.get(key);
    try {
      const flat = (await this.redis.eval(SUM_SCRIPT, 1, this.setKey, `${this.prefix}inst:`, counterField(key), '')) as string[];
      return flat.length >= 2 ? Number(flat[1]) : 0;
    } catch (err) {
      this.onDown(err as Error);
      return this.local.get(key);
    }
  }

  async snapshot(): Promise<CounterEntry[]> {
    return (await this.sumAll('')) ?? this.local.entries();
  }

  async others(): Promise<CounterEntry[]> {
    return (await this.sumAll(this.instanceId)) ?? [];
  }

  /** Every counter summed over the live instances except `leftOut`; undefined when Redis is unreachable. */
  private async sumAll(leftOut: string): Promise<CounterEntry[] | undefined> {
    if (!this.up) return undefined;
    try {
      const flat = (await this.redis.eval(SUM_SCRIPT, 1, this.setKey, `${this.prefix}inst:`, '', leftOut)) as string[];
      const values = new Map<string, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) values.set(flat[i]!, Number(flat[i + 1]));
      return toEntries(values);
    } catch (err) {
      this.onDown(err as Error);
      return undefined;
    }
  }

  /** Stops the heartbeat and removes this instance's counts from Redis. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.up) {
      try {
        await this.redis.multi().del(this.hashKey).srem(this.setKey, this.instanceId).exec();
      } catch {
        // the TTL removes them anyway
      }
    }
    this.up = false;
    this.redis.disconnect();
  }

  private async change(key: CounterKey, delta: number): Promise<void> {
    const applied = this.local.add(key, delta);
    if (applied === 0 || !this.up) return;
    try {
      await this.redis.pipeline().hincrby(this.hashKey, counterField(key), applied).pexpire(this.hashKey, this.ttlMs).exec();
    } catch (err) {
      // The next heartbeat after reconnecting rewrites the whole hash from the local counts.
      this.onDown(err as Error);
    }
  }

  /**
   * Rewrites this instance's hash from the local counts and pushes its expiry back. Also how the
   * counters leave the degraded state: the first publish that succeeds after a failure.
   */
  private async publish(): Promise<void> {
    if (this.closed || this.redis.status !== 'ready') return;
    const fields: Record<string, string> = { [ALIVE_FIELD]: '1' };
    for (const [field, value] of this.local.fields()) fields[field] = String(value);
    try {
      const results = await this.redis.multi().del(this.hashKey).hset(this.hashKey, fields).pexpire(this.hashKey, this.ttlMs).sadd(this.setKey, this.instanceId).exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    } catch (err) {
      this.onDown(err as Error);
      return;
    }
    if (!this.up && !this.closed) {
      this.up = true;
      this.log?.info({ instanceId: this.instanceId }, this.reportedDown ? 'Redis reachable again: live counters are shared' : 'live counters shared through Redis');
      this.reportedDown = false;
    }
  }

  private onDown(err: Error): void {
    if (this.closed) return;
    this.up = false;
    if (!this.reportedDown) {
      this.reportedDown = true;
      this.log?.warn({ err: err.message, instanceId: this.instanceId }, 'Redis unreachable: live counters fall back to this instance only');
    }
  }
}
