import { Redis } from "ioredis";
import { expect, vi } from "vitest";

import { createRedisClientCache } from "@/server/redis-client-cache";

/**
 * One app process's tracked reads through `reader`, once tracking is confirmed: its subscriber made as the
 * app makes it (server/redis.ts: RESP2, resubscribed by the cache itself, failing fast).
 */
export async function trackedReads(url: string, reader: Redis, prefixes: readonly string[], heartbeatMs: number) {
  const subscriber = new Redis(url, { protocol: 2, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const reads = createRedisClientCache({ reader, subscriber, prefixes, heartbeatMs });
  await expect.poll(() => reads.isLive).toBe(true);
  return { reads, subscriber };
}

/**
 * That `read` is answered from a client-side cache (server/redis-client-cache.ts): two reads in a row
 * that leave `mgets` (a spy on its reader's MGET) untouched. Retried for a moment, because a FLUSHDB
 * anywhere on the server (other suites flush their own databases) empties every tracking client's copy.
 */
export async function expectServedFromMemory(mgets: { mock: { calls: unknown[] } }, read: () => Promise<unknown>) {
  await vi.waitFor(
    async () => {
      const before = mgets.mock.calls.length;
      await read();
      await read();
      expect(mgets.mock.calls.length).toBe(before);
    },
    { timeout: 2_000, interval: 10 },
  );
}
