import { randomBytes } from "node:crypto";

import { Redis, type RedisOptions } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createRedisClientCacheFor } from "@/server/redis";
import { createRedisClientCache, type RedisClientCache } from "@/server/redis-client-cache";
import { testRedisUrl, untilReady } from "./support/redis";
import { expectServedFromMemory } from "./support/client-cache";
import { startTcpProxy } from "./support/tcp-proxy";

// Its own Redis database (tests/support/redis.ts). Tracking itself is per key name, whatever the database.
const redisUrl = new URL(testRedisUrl("redisClientCache"));
const HEARTBEAT_MS = 100;

async function connect(url: string, options: RedisOptions = {}) {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, commandTimeout: 500, retryStrategy: () => 50, ...options });
  redis.on("error", () => {}); // the cuts below are the point
  await untilReady(redis);
  return redis;
}

const PREFIX = "gatehouse-test:client-cache:";
const key = (name: string) => `${PREFIX}${randomBytes(6).toString("hex")}:${name}`;
const subscriberOptions: RedisOptions = { protocol: 2, autoResubscribe: false };

describe("Redis client-side cache (CLIENT TRACKING)", () => {
  let writer: Redis;
  const open: RedisClientCache[] = [];

  const readers: Redis[] = [];

  /**
   * A cache on connections of its own (through `readerUrl` and `subscriberUrl` when given), returned once
   * tracking is on (unless `untilLive` is false: where Redis refuses it, it never is).
   */
  async function createCache({ readerUrl = redisUrl.toString(), subscriberUrl = redisUrl.toString(), heartbeatMs = HEARTBEAT_MS, untilLive = true } = {}) {
    const reader = await connect(readerUrl);
    readers.push(reader);
    const subscriber = await connect(subscriberUrl, subscriberOptions);
    const cache = createRedisClientCache({ reader, subscriber, prefixes: [PREFIX], heartbeatMs });
    open.push(cache);
    if (untilLive) await vi.waitFor(() => expect(cache.isLive).toBe(true), { timeout: 2_000 });
    return { cache, reader, subscriber, mgets: vi.spyOn(reader, "mget") };
  }

  beforeAll(async () => {
    writer = await connect(redisUrl.toString());
  });
  afterEach(() => {
    for (const cache of open.splice(0)) cache.close();
    for (const reader of readers.splice(0)) reader.disconnect();
  });
  afterAll(() => writer?.disconnect());

  it("answers a repeated read from memory, missing keys included", async () => {
    const { cache, mgets } = await createCache();
    const [present, absent] = [key("present"), key("absent")];
    await writer.set(present, "yes");
    expect(await cache.mget([present, absent])).toEqual(["yes", null]);
    await expectServedFromMemory(mgets, async () => {
      expect(await cache.mget([present, absent])).toEqual(["yes", null]);
      expect(await cache.mget([absent])).toEqual([null]);
    });
  });

  it("sees another connection's write, delete and expiry as soon as Redis says so", async () => {
    const { cache } = await createCache();
    const [written, deleted, expiring] = [key("written"), key("deleted"), key("expiring")];
    await writer.set(deleted, "here");
    await writer.set(expiring, "soon gone", "PX", 150);
    expect(await cache.mget([written, deleted, expiring])).toEqual([null, "here", "soon gone"]);
    await writer.set(written, "now");
    await writer.del(deleted);
    await vi.waitFor(async () => expect(await cache.mget([written, deleted])).toEqual(["now", null]), { timeout: 1_000, interval: 5 });
    await vi.waitFor(async () => expect(await cache.mget([expiring])).toEqual([null]), { timeout: 2_000, interval: 20 });
  });

  // (A FLUSHDB empties the copy too, Redis's message naming no key; not tested here, because it would
  // empty every tracking client's copy on the server, the other suites' included.)
  it("forgets this process's own writes at once", async () => {
    // A slow heartbeat: the copy stays live while Redis's own message is held back.
    const { cache, subscriber, mgets } = await createCache({ heartbeatMs: 10_000 });
    const own = key("own");
    expect(await cache.mget([own])).toEqual([null]);
    await expectServedFromMemory(mgets, async () => expect(await cache.mget([own])).toEqual([null]));
    subscriber.stream.pause(); // Redis's message must not be what drops it
    await writer.set(own, "mine");
    expect(cache.isLive).toBe(true);
    cache.forget([own]);
    expect(await cache.mget([own])).toEqual(["mine"]);
    subscriber.stream.resume();
  });

  it("does not keep a reply that arrives after the invalidation of what it read", async () => {
    const { cache, reader, mgets } = await createCache({ heartbeatMs: 10_000 });
    const racing = key("racing");
    await writer.set(racing, "old");
    await vi.waitFor(async () => expect(await cache.mget([racing])).toEqual(["old"]), { timeout: 1_000, interval: 5 });
    cache.forget([racing]);
    // The read reaches Redis and is answered "old"; its reply is held back while another connection
    // writes the key and Redis's invalidation arrives on the subscriber. Then the reply comes in.
    reader.stream.pause();
    const inFlight = cache.mget([racing]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writer.set(racing, "new");
    await new Promise((resolve) => setTimeout(resolve, 20));
    reader.stream.resume();
    expect(await inFlight).toEqual(["old"]);
    expect(cache.isLive).toBe(true);
    const calls = mgets.mock.calls.length;
    expect(await cache.mget([racing])).toEqual(["new"]);
    expect(mgets).toHaveBeenCalledTimes(calls + 1);
  });

  it("does not keep a reply that was in flight when the database was flushed", async () => {
    const { cache, reader, mgets } = await createCache({ heartbeatMs: 10_000 });
    const racing = key("flushed");
    await writer.set(racing, "old");
    // As above, but the change is a FLUSHDB: Redis's invalidation names no key.
    reader.stream.pause();
    const inFlight = cache.mget([racing]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writer.flushdb();
    await new Promise((resolve) => setTimeout(resolve, 20));
    reader.stream.resume();
    expect(await inFlight).toEqual(["old"]);
    expect(cache.isLive).toBe(true);
    const calls = mgets.mock.calls.length;
    expect(await cache.mget([racing])).toEqual([null]);
    expect(mgets).toHaveBeenCalledTimes(calls + 1);
  });

  it("does not keep a reply that was in flight when this process wrote its key", async () => {
    const { cache, mgets } = await createCache({ heartbeatMs: 10_000 });
    const racing = key("racing");
    await writer.set(racing, "old");
    const inFlight = cache.mget([racing]);
    cache.forget([racing]);
    expect(await inFlight).toEqual(["old"]);
    expect(cache.isLive).toBe(true);
    await cache.mget([racing]);
    expect(mgets).toHaveBeenCalledTimes(2);
  });

  it("reads Redis while the invalidation connection is down, and caches again once it is back", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    try {
      const { cache, mgets } = await createCache({ subscriberUrl: `redis://127.0.0.1:${proxy.port}${redisUrl.pathname}` });
      const watched = key("watched");
      expect(await cache.mget([watched])).toEqual([null]);
      await proxy.cut();
      await vi.waitFor(() => expect(cache.isLive).toBe(false), { timeout: 1_000, interval: 5 });
      // Written while no invalidation can arrive: only a read of Redis sees it.
      await writer.set(watched, "written during the outage");
      expect(await cache.mget([watched])).toEqual(["written during the outage"]);
      expect(await cache.mget([watched])).toEqual(["written during the outage"]);
      const readsWhileDown = mgets.mock.calls.length;
      expect(readsWhileDown).toBe(3);

      await proxy.restore();
      await vi.waitFor(() => expect(cache.isLive).toBe(true), { timeout: 3_000, interval: 20 });
      await expectServedFromMemory(mgets, () => cache.mget([watched]));
      await writer.set(watched, "after the outage");
      await vi.waitFor(async () => expect(await cache.mget([watched])).toEqual(["after the outage"]), { timeout: 1_000, interval: 5 });
    } finally {
      await proxy.close().catch(() => {});
    }
  });

  it("starts tracking again when the reads' connection drops (it may come back to another server, after a failover)", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    try {
      const { cache, reader, subscriber } = await createCache({ readerUrl: `redis://127.0.0.1:${proxy.port}${redisUrl.pathname}`, heartbeatMs: 10_000 });
      const moved = key("moved");
      expect(await cache.mget([moved])).toEqual([null]);
      await proxy.cut();
      await vi.waitFor(() => expect(cache.isLive).toBe(false), { timeout: 1_000, interval: 5 });
      // Held back, as a message from a server the reads no longer go to would be.
      subscriber.stream.pause();
      await writer.set(moved, "on the other server");
      await proxy.restore();
      await untilReady(reader);
      subscriber.stream.resume();
      await vi.waitFor(() => expect(cache.isLive).toBe(true), { timeout: 3_000, interval: 20 });
      expect(await cache.mget([moved])).toEqual(["on the other server"]);
    } finally {
      await proxy.close().catch(() => {});
    }
  });

  it("notices within two heartbeats a tracking connection that stopped answering, and starts again", async () => {
    const { cache, subscriber, mgets } = await createCache();
    const quiet = key("quiet");
    expect(await cache.mget([quiet])).toEqual([null]);
    await expectServedFromMemory(mgets, () => cache.mget([quiet]));
    subscriber.stream.pause(); // a link that breaks silently: no close, no messages, no answers
    await writer.set(quiet, "unannounced");
    await vi.waitFor(async () => expect(await cache.mget([quiet])).toEqual(["unannounced"]), { timeout: 6 * HEARTBEAT_MS, interval: 5 });
    subscriber.stream.resume();
    await vi.waitFor(() => expect(cache.isLive).toBe(true), { timeout: 3_000, interval: 20 });
  });

  it("works as the app wires it (server/redis.ts: its own RESP2 connection, reads through the app's)", async () => {
    const reader = await connect(redisUrl.toString());
    readers.push(reader);
    const cache = createRedisClientCacheFor(redisUrl.toString(), reader, [PREFIX]);
    open.push(cache);
    await vi.waitFor(() => expect(cache.isLive).toBe(true), { timeout: 2_000 });
    const wired = key("wired");
    const mgets = vi.spyOn(reader, "mget");
    expect(await cache.mget([wired])).toEqual([null]);
    await expectServedFromMemory(mgets, () => cache.mget([wired]));
    await writer.set(wired, "seen");
    await vi.waitFor(async () => expect(await cache.mget([wired])).toEqual(["seen"]), { timeout: 1_000, interval: 5 });
  });

  it("reads Redis every time where Redis refuses CLIENT TRACKING", async () => {
    const user = `gatehouse-test-${randomBytes(4).toString("hex")}`;
    const admin = await connect(redisUrl.toString());
    await admin.call("ACL", "SETUSER", user, "on", "nopass", "~*", "&*", "+@all", "-client|tracking");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const url = new URL(redisUrl);
      url.username = user;
      const { cache, subscriber, mgets } = await createCache({ subscriberUrl: url.toString(), untilLive: false });
      await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringContaining("refused client-side caching")), { timeout: 2_000 });
      const plain = key("plain");
      await cache.mget([plain]);
      await cache.mget([plain]);
      expect(mgets).toHaveBeenCalledTimes(2);
      expect(cache.isLive).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(subscriber.status).toBe("end"); // the connection it no longer needs is closed
    } finally {
      warn.mockRestore();
      await admin.call("ACL", "DELUSER", user);
      admin.disconnect();
    }
  });
});
