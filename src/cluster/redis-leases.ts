/**
 * Leases in Redis, for gateway instances on several hosts. Each pool is a sorted set
 * (`<prefix>pool:<name>`: member → expiry), the live instances another (`<prefix>instances`), and
 * an ended query a key (`<prefix>ended:<queryId>` → outcome) that expires after the tombstone TTL,
 * a queue lease's place a sorted set per pool (`<prefix>order:<pool>`: member → its number from
 * `<prefix>arrivals`, given by the round that first brings it; its priority in
 * `<prefix>priority:<pool>` when not 0),
 * and when each query was last polled on any instance another (`<prefix>polled`: query → time).
 * Instances send how long ago they served a poll, never a time of their own clock.
 * A round is one Lua script, so it is atomic, and expiry uses Redis's own clock (TIME): no clock
 * comparison between hosts.
 *
 * Commands fail at once while Redis is unreachable (no offline queue): the caller falls back to
 * local shares and retries every round; reconnection goes on in the background.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { isOutcome, type LeaseStore, type SyncResult, type SyncRound } from './leases.js';

const SYNC_SCRIPT = `
local req = cjson.decode(ARGV[1])
local p = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = now + req.ttl
redis.call('ZADD', p .. 'instances', expiry, req.instance)
redis.call('ZREMRANGEBYSCORE', p .. 'instances', '-inf', now)
for _, r in ipairs(req.released) do
  redis.call('ZREM', p .. 'pool:' .. r[1], r[2])
  redis.call('ZREM', p .. 'order:' .. r[1], r[2])
  redis.call('HDEL', p .. 'priority:' .. r[1], r[2])
  if r[3] ~= '' then redis.call('SET', p .. 'ended:' .. r[3], r[4], 'PX', req.tombstoneTtl) end
end
local polledKey = p .. 'polled'
redis.call('ZREMRANGEBYSCORE', polledKey, '-inf', now - req.tombstoneTtl)
for _, h in ipairs(req.held) do
  if h[3] ~= '' and h[5] >= 0 then redis.call('ZADD', polledKey, 'GT', now - h[5], h[3]) end
end
redis.call('PEXPIRE', polledKey, req.tombstoneTtl)
local ended = {}
local own = {}
local polled = {}
for _, h in ipairs(req.held) do
  local outcome = false
  if h[3] ~= '' then outcome = redis.call('GET', p .. 'ended:' .. h[3]) end
  if outcome then
    redis.call('ZREM', p .. 'pool:' .. h[1], h[2])
    redis.call('ZREM', p .. 'order:' .. h[1], h[2])
    redis.call('HDEL', p .. 'priority:' .. h[1], h[2])
    table.insert(ended, h[3])
    table.insert(ended, outcome)
  else
    redis.call('ZADD', p .. 'pool:' .. h[1], 'GT', expiry, h[2])
    redis.call('PEXPIRE', p .. 'pool:' .. h[1], req.ttl * 2)
    if h[4] == 1 then
      own[h[1]] = (own[h[1]] or 0) + 1
      if h[3] ~= '' then
        local at = redis.call('ZSCORE', polledKey, h[3])
        if at then
          table.insert(polled, h[3])
          table.insert(polled, now - tonumber(at))
        end
      end
    end
  end
end
-- Queue leases: numbered in the order they first reach the store (their priority, when not 0,
-- kept beside); each answered with how many live ones of its pool are ahead of it: a higher
-- priority first, then arrival. Expired ones leave the order first.
local ahead = {}
local ordered = {}
for _, h in ipairs(req.held) do
  if h[6] == 1 and redis.call('ZSCORE', p .. 'pool:' .. h[1], h[2]) then
    local order = p .. 'order:' .. h[1]
    local priorities = p .. 'priority:' .. h[1]
    if not ordered[h[1]] then
      ordered[h[1]] = true
      for _, m in ipairs(redis.call('ZRANGEBYSCORE', p .. 'pool:' .. h[1], '-inf', now)) do
        redis.call('ZREM', order, m)
        redis.call('HDEL', priorities, m)
      end
      redis.call('ZREMRANGEBYSCORE', p .. 'pool:' .. h[1], '-inf', now)
    end
    if not redis.call('ZSCORE', order, h[2]) then
      redis.call('ZADD', order, redis.call('INCR', p .. 'arrivals'), h[2])
      if h[7] ~= 0 then redis.call('HSET', priorities, h[2], h[7]) end
    end
    redis.call('PEXPIRE', order, req.ttl * 2)
    redis.call('PEXPIRE', priorities, req.ttl * 2)
  end
end
for pool in pairs(ordered) do
  local members = redis.call('ZRANGE', p .. 'order:' .. pool, 0, -1)
  local entries = {}
  for i, m in ipairs(members) do entries[i] = { m, tonumber(redis.call('HGET', p .. 'priority:' .. pool, m) or '0'), i } end
  table.sort(entries, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[3] < b[3]
  end)
  local rank = {}
  for i, e in ipairs(entries) do rank[e[1]] = i - 1 end
  ordered[pool] = rank
end
for _, h in ipairs(req.held) do
  local rank = h[6] == 1 and ordered[h[1]] and ordered[h[1]][h[2]]
  if rank then
    table.insert(ahead, h[1] .. '\\n' .. h[2])
    table.insert(ahead, rank)
  end
end
local others = {}
for _, name in ipairs(req.pools) do
  local key = p .. 'pool:' .. name
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  table.insert(others, name)
  table.insert(others, redis.call('ZCARD', key) - (own[name] or 0))
end
local counters = {}
for _, c in ipairs(req.charges) do
  local key = p .. 'counter:' .. c[1]
  local state = redis.call('HMGET', key, 'value', 'at')
  local value = tonumber(state[1]) or 0
  local at = tonumber(state[2]) or now
  local seconds = math.floor((now - at) / 1000)
  value = math.max(0, value - seconds * c[3]) + c[2]
  at = at + seconds * 1000
  if value > 0 then
    redis.call('HSET', key, 'value', tostring(value), 'at', at)
    -- Gone once it would have decayed to 0 (and a round later, should nobody renew it).
    redis.call('PEXPIRE', key, math.ceil(value / math.max(c[3], 1)) * 1000 + req.ttl)
  else
    redis.call('DEL', key)
  end
  table.insert(counters, c[1])
  table.insert(counters, tostring(value))
end
local gauges = {}
for _, g in ipairs(req.gauges) do
  local key = p .. 'gauge:' .. g[1]
  if g[2] > 0 then redis.call('HSET', key, req.instance, tostring(g[2])) else redis.call('HDEL', key, req.instance) end
  local sum = 0
  local values = redis.call('HGETALL', key)
  for i = 1, #values, 2 do
    if not redis.call('ZSCORE', p .. 'instances', values[i]) then redis.call('HDEL', key, values[i])
    elseif values[i] ~= req.instance then sum = sum + tonumber(values[i + 1]) end
  end
  redis.call('PEXPIRE', key, req.ttl * 2)
  table.insert(gauges, g[1])
  table.insert(gauges, tostring(sum))
end
return { redis.call('ZCARD', p .. 'instances'), ended, others, polled, counters, gauges, ahead }
`;

export interface RedisLeaseStoreOptions {
  /** `redis://host:port/db`, or ioredis options. */
  redis: string | RedisOptions;
  /** Key prefix (e.g. `querygate:fleet:`). */
  prefix: string;
  connectTimeoutMs?: number;
}

/**
 * A connection for the fleet's shared state: commands fail at once while Redis is unreachable (no
 * offline queue, no retries), and it reconnects quickly in the background; connect() it first.
 */
export function fleetRedis(redis: string | RedisOptions, connectTimeoutMs = 2000): Redis {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    // Reconnect quickly: the fleet's counts come back with the first round after it.
    retryStrategy: (times) => Math.min(100 * times, 1000),
    lazyConnect: true,
  };
  const connection = typeof redis === 'string' ? new Redis(redis, common) : new Redis({ ...redis, ...common });
  // Errors surface as rejected commands; the event would otherwise be logged by ioredis as unhandled.
  connection.on('error', () => undefined);
  return connection;
}

export class RedisLeaseStore implements LeaseStore {
  private readonly redis: Redis;

  constructor(private readonly options: RedisLeaseStoreOptions) {
    this.redis = fleetRedis(options.redis, options.connectTimeoutMs);
  }

  /** Connects (up to the connect timeout); an unreachable Redis is not an error here, rounds fail until it is back. */
  async connect(): Promise<void> {
    await this.redis.connect().catch(() => undefined);
  }

  async sync(round: SyncRound): Promise<SyncResult> {
    const request = {
      instance: round.instance,
      ttl: round.ttlMs,
      tombstoneTtl: round.tombstoneTtlMs,
      held: round.held.map((h) => [h.pool, h.member, h.queryId ?? '', h.own ? 1 : 0, Math.max(-1, Math.round(h.polledAgoMs ?? -1)), h.queued ? 1 : 0, h.priority ?? 0]),
      released: round.released.map((r) => [r.pool, r.member, r.ended?.queryId ?? '', r.ended?.outcome ?? '']),
      pools: round.pools,
      charges: (round.usage?.charges ?? []).map((c) => [c.counter, c.add, c.regainPerSecond]),
      gauges: (round.usage?.gauges ?? []).map((g) => [g.gauge, g.value]),
    };
    // cjson decodes an empty array as an empty object, which ipairs walks as empty all the same.
    const [instances, ended, others, polled, counters, gauges, ahead] = (await this.redis.eval(SYNC_SCRIPT, 1, this.options.prefix, JSON.stringify(request))) as [number, string[], Array<string | number>, Array<string | number>, string[], string[], Array<string | number>];
    const result: SyncResult = { instances, others: {}, ended: [], polledAgoMs: {}, counters: pairs(counters), gauges: pairs(gauges), ahead: {} };
    for (let i = 0; i + 1 < ahead.length; i += 2) result.ahead[String(ahead[i])] = Number(ahead[i + 1]);
    for (let i = 0; i + 1 < polled.length; i += 2) result.polledAgoMs[String(polled[i])] = Math.max(0, Number(polled[i + 1]));
    for (let i = 0; i + 1 < others.length; i += 2) result.others[String(others[i])] = Math.max(0, Number(others[i + 1]));
    for (let i = 0; i + 1 < ended.length; i += 2) {
      const outcome = ended[i + 1];
      if (isOutcome(outcome)) result.ended.push({ queryId: ended[i]!, outcome });
    }
    return result;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** `[name, value, name, value, ...]` (numbers sent as strings: Lua would truncate them to integers) as a record. */
function pairs(flat: string[]): Record<string, number> {
  const record: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = Math.max(0, Number(flat[i + 1]));
  return record;
}
