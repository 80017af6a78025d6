import { expect, vi } from "vitest";

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
