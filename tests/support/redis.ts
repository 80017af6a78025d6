import { Redis } from "ioredis";

/** A Redis client tuned like the app's (fail fast, keep reconnecting), once it is connected. */
export async function connectTestRedis(url: string) {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, commandTimeout: 500, retryStrategy: () => 50 });
  await untilReady(redis);
  return redis;
}

export function untilReady(redis: Redis) {
  return redis.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => redis.once("ready", () => resolve()));
}
