import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import { createRevocationList, REVOCATION_KEY_PREFIXES, REVOCATIONS_COMPLETE_KEY } from "@/server/tokens/revocation-list";
import { connectTestRedis, untilReady } from "../support/redis";
import { expectServedFromMemory, trackedReads } from "../support/client-cache";
import { startTcpProxy } from "../support/tcp-proxy";
import { useTestDatabase } from "../support/test-database";

/* The access-token denylist and per-user epoch: Redis as a copy of PostgreSQL, through outages. */

const redisUrl = new URL(process.env.TEST_REDIS_URL_REVOCATIONS ?? "redis://127.0.0.1:6379/4");
const HOUR = 60 * 60 * 1000;

describe("revocation list", () => {
  const database = useTestDatabase("revocations");
  let db: PrismaClient;
  let sql: Sql;
  let direct: Redis;

  beforeAll(async () => {
    db = database.db;
    sql = database.sql;
    direct = await connectTestRedis(redisUrl.toString());
    await direct.flushdb();
  });
  afterAll(async () => {
    direct?.disconnect();
  });

  const inAnHour = () => new Date(Date.now() + HOUR);
  const iatNow = () => Math.floor(Date.now() / 1000);

  const complete = () => direct.exists(REVOCATIONS_COMPLETE_KEY);

  it("answers from Redis once its copy is marked complete, and from PostgreSQL when the mark is gone", async () => {
    const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
    await expect.poll(complete).toBe(1);
    await list.revokeAccessTokens([{ jti: "jti-a", expiresAt: inAnHour() }]);
    // Written to Redis before PostgreSQL, with the token's own lifetime.
    expect(await direct.pttl("gatehouse:revoked-jti:jti-a")).toBeGreaterThan(HOUR - 60_000);
    expect(await list.isRevoked({ jti: "jti-a", userId: null, iat: iatNow() })).toBe(true);

    // A row only PostgreSQL has: while the copy is marked complete, Redis answers (and does not know it)...
    await db.revokedAccessToken.create({ data: { jti: "only-in-postgres", expiresAt: inAnHour() } });
    expect(await list.isRevoked({ jti: "only-in-postgres", userId: null, iat: iatNow() })).toBe(false);
    // ...and once the mark is gone (a flush, a restart, another process's failed write), PostgreSQL does,
    // and a resync brings Redis back in line.
    await direct.del(REVOCATIONS_COMPLETE_KEY);
    expect(await list.isRevoked({ jti: "only-in-postgres", userId: null, iat: iatNow() })).toBe(true);
    await expect.poll(() => direct.exists("gatehouse:revoked-jti:only-in-postgres"), { timeout: 10_000 }).toBe(1);
    await expect.poll(complete, { timeout: 10_000 }).toBe(1);
  });

  it("a Redis that lost its data (restart, flush) is not trusted until rebuilt", async () => {
    const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
    await list.revokeAccessTokens([{ jti: "survives-flush", expiresAt: inAnHour() }]);
    await direct.flushdb();
    expect(await list.isRevoked({ jti: "survives-flush", userId: null, iat: iatNow() })).toBe(true);
    await expect.poll(() => direct.exists("gatehouse:revoked-jti:survives-flush"), { timeout: 10_000 }).toBe(1);
  });

  it("is never trusted from a Redis that may evict keys", async () => {
    const [, policy] = (await direct.config("GET", "maxmemory-policy")) as [string, string];
    await direct.config("SET", "maxmemory-policy", "allkeys-lru");
    try {
      await direct.del(REVOCATIONS_COMPLETE_KEY);
      const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
      await db.revokedAccessToken.create({ data: { jti: "evictable", expiresAt: inAnHour() } });
      expect(await list.isRevoked({ jti: "evictable", userId: null, iat: iatNow() })).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await complete()).toBe(0);
    } finally {
      await direct.config("SET", "maxmemory-policy", policy);
    }
  });

  it("entries expire with their tokens, and already-expired tokens are not stored", async () => {
    const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
    await list.revokeAccessTokens([{ jti: "jti-soon", expiresAt: new Date(Date.now() + 3000) }, { jti: "jti-dead", expiresAt: new Date(Date.now() - 1000) }]);
    expect(await db.revokedAccessToken.count({ where: { jti: "jti-dead" } })).toBe(0);
    expect(await direct.pttl("gatehouse:revoked-jti:jti-soon")).toBeGreaterThan(0);
    expect(await direct.pttl("gatehouse:revoked-jti:jti-soon")).toBeLessThanOrEqual(3000);
  });

  it("a revocation made while the first copy is being built still reaches Redis", async () => {
    const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
    // No waiting for the initial sync: this write races it.
    await list.revokeAccessTokens([{ jti: "jti-racing-sync", expiresAt: inAnHour() }]);
    await expect.poll(() => direct.exists("gatehouse:revoked-jti:jti-racing-sync")).toBe(1);
  });

  it("the per-user epoch refuses tokens issued before it, not after", async () => {
    const list = createRevocationList({ db, sql, redis: direct, maxTokenLifetimeMs: HOUR });
    const user = await db.user.create({ data: { name: "Epoch" } });
    const before = iatNow() - 5;
    await list.setTokensValidAfter(user.id, new Date());
    expect(await list.isRevoked({ jti: "x1", userId: user.id, iat: before })).toBe(true);
    expect(await list.isRevoked({ jti: "x2", userId: user.id, iat: iatNow() + 1 })).toBe(false);
    const other = await db.user.create({ data: { name: "Unaffected" } });
    expect(await list.isRevoked({ jti: "x3", userId: other.id, iat: before })).toBe(false);
  });

  it("a revocation made while Redis is unreachable holds, before and after Redis is back", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const viaProxy = await connectTestRedis(`redis://127.0.0.1:${proxy.port}${redisUrl.pathname}`);
    viaProxy.on("error", () => {}); // the cut is the point
    const list = createRevocationList({ db, sql, redis: viaProxy, maxTokenLifetimeMs: HOUR });
    const user = await db.user.create({ data: { name: "Outage" } });
    await expect.poll(() => list.isRevoked({ jti: "warm", userId: user.id, iat: iatNow() })).toBe(false);

    await proxy.cut();
    await list.revokeAccessTokens([{ jti: "during-outage", expiresAt: inAnHour() }]);
    await list.setTokensValidAfter(user.id, new Date());
    expect(await list.isRevoked({ jti: "during-outage", userId: null, iat: iatNow() })).toBe(true);
    expect(await list.isRevoked({ jti: "old", userId: user.id, iat: iatNow() - 10 })).toBe(true);

    await proxy.restore();
    await untilReady(viaProxy);
    // Redis never received those writes: the list withdrew the mark and rebuilt the copy.
    await expect.poll(() => direct.exists("gatehouse:revoked-jti:during-outage"), { timeout: 10_000 }).toBe(1);
    await expect.poll(complete, { timeout: 10_000 }).toBe(1);
    expect(await list.isRevoked({ jti: "during-outage", userId: null, iat: iatNow() })).toBe(true);
    expect(await list.isRevoked({ jti: "old", userId: user.id, iat: iatNow() - 10 })).toBe(true);

    viaProxy.disconnect();
    await proxy.close();
  });

  it("with tracked reads (client-side caching), checks from memory and still sees every revocation", async () => {
    /** One app process's list: its own connections, its copy of what it read. */
    const processList = async (heartbeatMs = 100) => {
      // The reads go through the list's own connection, as in the app (server/services.ts).
      const main = await connectTestRedis(redisUrl.toString());
      const { reads, subscriber } = await trackedReads(redisUrl.toString(), main, REVOCATION_KEY_PREFIXES, heartbeatMs);
      const list = createRevocationList({ db, sql, redis: main, reads, maxTokenLifetimeMs: HOUR });
      return { list, reads, main, subscriber, mgets: vi.spyOn(main, "mget") };
    };
    // The first one's heartbeat is slow, so that holding back its invalidation messages (below) goes unnoticed.
    const [first, second] = [await processList(10_000), await processList()];
    try {
      await expect.poll(complete).toBe(1);
      const user = await db.user.create({ data: { name: "Tracked" } });
      const token = (jti: string) => ({ jti, userId: user.id, iat: iatNow() - 5 });
      // Asked again and again, the first process reads Redis once.
      await expectServedFromMemory(first.mgets, async () => expect(await first.list.isRevoked(token("tracked-a"))).toBe(false));

      // Its own revocation: at once, without waiting for Redis's message (held back here).
      first.subscriber.stream.pause();
      await first.list.revokeAccessTokens([{ jti: "tracked-a", expiresAt: inAnHour() }]);
      expect(await first.list.isRevoked(token("tracked-a"))).toBe(true);
      first.subscriber.stream.resume();

      // The other process's: as soon as Redis tells this one (both checks below are held in its copy first).
      await expectServedFromMemory(first.mgets, async () => {
        expect(await first.list.isRevoked(token("tracked-b"))).toBe(false);
        expect(await first.list.isRevoked(token("tracked-c"))).toBe(false);
      });
      await second.list.revokeAccessTokens([{ jti: "tracked-b", expiresAt: inAnHour() }]);
      await vi.waitFor(async () => expect(await first.list.isRevoked(token("tracked-b"))).toBe(true), { timeout: 500, interval: 2 });
      await second.list.setTokensValidAfter(user.id, new Date());
      await vi.waitFor(async () => expect(await first.list.isRevoked(token("tracked-c"))).toBe(true), { timeout: 500, interval: 2 });
    } finally {
      for (const each of [first, second]) {
        each.reads.close();
        each.main.disconnect();
      }
    }
  });

  it("works on PostgreSQL alone", async () => {
    const list = createRevocationList({ db, sql, redis: null, maxTokenLifetimeMs: HOUR });
    await list.revokeAccessTokens([{ jti: "pg-only", expiresAt: inAnHour() }]);
    expect(await list.isRevoked({ jti: "pg-only", userId: null, iat: iatNow() })).toBe(true);
    expect(await list.isRevoked({ jti: "pg-other", userId: null, iat: iatNow() })).toBe(false);
  });
});
