import "server-only";

import { Redis, type RedisOptions } from "ioredis";

import { createRedisClientCache, type RedisClientCache } from "@/server/redis-client-cache";

/**
 * The app's Redis client (the composition root, server/services.ts, makes the one the process uses;
 * REDIS_URL unset means none: sessions and the denylist are then read from PostgreSQL directly).
 *
 * Tuned to fail fast rather than queue: when Redis is down a command errors at once and the caller
 * falls back to PostgreSQL, so an outage costs latency, never a 5xx. It keeps reconnecting.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
  let reported = false;
  redis.on("error", (error) => {
    // Once per outage, not once per reconnection attempt.
    if (!reported) console.error(`[redis] ${error.message}; falling back to PostgreSQL until it is back`);
    reported = true;
  });
  redis.on("ready", () => (reported = false));
  return redis;
}

/**
 * The hot paths' reads (the session cache, the denylist), answered from this process's memory while
 * Redis broadcasts every change under `prefixes` (server/redis-client-cache.ts). One more connection,
 * for tracking and its invalidation messages (RESP2, so they arrive as pub/sub messages; subscribed by
 * the cache itself on each connection, after asking for the connection's id).
 */
export function createRedisClientCacheFor(url: string, reader: Redis, prefixes: readonly string[]): RedisClientCache {
  return createRedisClientCache({
    reader,
    // Nothing replayed on a new connection: its set-up (CLIENT ID, then TRACKING towards that id) is the cache's.
    subscriber: createRedis(url, { connectionName: "gatehouse-invalidations", protocol: 2, autoResubscribe: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0 }),
    prefixes,
    onError: (operation, error) => console.error(`[redis] client-side cache ${operation} failed; reading Redis until tracking is back:`, error instanceof Error ? error.message : error),
  });
}
