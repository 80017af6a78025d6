import "server-only";

import { Redis } from "ioredis";

/**
 * The app's Redis client (the composition root, server/services.ts, makes the one the process uses;
 * REDIS_URL unset means none: sessions and the denylist are then read from PostgreSQL directly).
 *
 * Tuned to fail fast rather than queue: when Redis is down a command errors at once and the caller
 * falls back to PostgreSQL, so an outage costs latency, never a 5xx. It keeps reconnecting.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
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
