import type { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import { createDatabase, type Sql } from "@/server/database";
import { createDatabaseNotifiedCopy } from "@/server/database-notified-copy";
import { RedisSessionCache, noSessionCache, SESSION_CACHE_PREFIXES, sessionCacheKey, type CachedSession, type SessionCache } from "@/server/sessions/session-cache";
import { DEFAULT_LIFETIMES } from "@/server/sessions/session-policy";
import { SESSION_CHANGE_CHANNEL, SESSION_CHANGE_GROUP, sessionChangeHeartbeat, switchOnSessionChangeNotifications } from "@/server/sessions/session-change-notifications";
import { createSessionService, type SessionClient } from "@/server/sessions/session-service";
import { hashSessionToken } from "@/server/sessions/session-token";
import { connectTestRedis, testRedisUrl, untilReady } from "../support/redis";
import { expectServedFromMemory, trackedReads } from "../support/client-cache";
import { startTcpProxy } from "../support/tcp-proxy";
import { useTestDatabase } from "../support/test-database";

/* The session service against the real PostgreSQL and the real Redis, with a clock the test moves. */

// Its own Redis database (tests/support/redis.ts), which it flushes.
const redisUrl = new URL(testRedisUrl("sessionService"));
const client: SessionClient = { userAgent: "test", browser: "Firefox 140", os: "Linux", deviceType: "desktop", ip: null };
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("session service", () => {
  const database = useTestDatabase("sessions");
  let db: PrismaClient;
  let sql: Sql;
  let redis: Redis;
  let clock: Date;
  const now = () => clock;

  beforeAll(async () => {
    db = database.db;
    sql = database.sql;
    redis = await connectTestRedis(redisUrl.toString());
    await redis.flushdb();
  });
  afterAll(async () => {
    redis?.disconnect();
  });
  beforeEach(() => {
    clock = new Date("2026-01-01T00:00:00Z");
  });

  function service(cache: SessionCache = new RedisSessionCache(redis)) {
    return createSessionService({ db, sql, cache, lifetimes: DEFAULT_LIFETIMES, now });
  }

  async function newUser() {
    return db.user.create({ data: { name: "Session Tester" } });
  }

  it("stores only the SHA-256 of the token", async () => {
    const user = await newUser();
    const { token, sessionId } = await service().create(user.id, client);
    const row = await db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row.tokenHash).toBe(hashSessionToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("serves a resolved session from Redis", async () => {
    const user = await newUser();
    const sessions = service();
    const { token } = await sessions.create(user.id, client);
    expect(await sessions.resolve(token)).toMatchObject({ userId: user.id, user: { name: "Session Tester" } });
    expect(await redis.exists(`gatehouse:session:${hashSessionToken(token)}`)).toBe(1);
  });

  it("ends a revoked session on its next lookup, even with a warm cache", async () => {
    const user = await newUser();
    const sessions = service();
    const { token, sessionId } = await sessions.create(user.id, client);
    await sessions.resolve(token);

    expect(await sessions.revoke(user.id, [sessionId])).toEqual([sessionId]);

    expect(await sessions.resolve(token)).toBeNull();
    expect(await db.session.count({ where: { id: sessionId } })).toBe(0);
  });

  it("with tracked reads (client-side caching), serves a session from memory and still ends it everywhere at once", async () => {
    /** One app process's session service: its own copy of what it read, its invalidations. */
    const processSessions = async (heartbeatMs: number) => {
      const reader = await connectTestRedis(redisUrl.toString());
      const { reads, subscriber } = await trackedReads(redisUrl.toString(), reader, SESSION_CACHE_PREFIXES, heartbeatMs);
      return { sessions: service(new RedisSessionCache(redis, () => {}, reads)), reads, reader, subscriber, mgets: vi.spyOn(reader, "mget") };
    };
    // The first one's heartbeat is slow, so that holding back its invalidation messages (below) goes unnoticed.
    const [first, second] = [await processSessions(10_000), await processSessions(100)];
    try {
      const user = await newUser();
      const [mine, theirs] = [await first.sessions.create(user.id, client), await first.sessions.create(user.id, client)];
      // (The first lookup loads from PostgreSQL and fills Redis, whose message then drops this copy.)
      await expectServedFromMemory(first.mgets, async () => {
        for (const { token } of [mine, theirs]) expect(await first.sessions.resolve(token)).toMatchObject({ userId: user.id });
      });

      // Ended by this process: refused at once, without waiting for Redis's message (held back here).
      first.subscriber.stream.pause();
      await first.sessions.revoke(user.id, [mine.sessionId]);
      expect(await first.sessions.resolve(mine.token)).toBeNull();
      first.subscriber.stream.resume();

      // Ended by another process: refused as soon as Redis tells this one.
      await second.sessions.revoke(user.id, [theirs.sessionId]);
      await vi.waitFor(async () => expect(await first.sessions.resolve(theirs.token)).toBeNull(), { timeout: 500, interval: 2 });
    } finally {
      for (const each of [first, second]) {
        each.reads.close();
        each.reader.disconnect();
      }
    }
  });

  it("without Redis, serves a session from each process's copy and still ends it everywhere at once (LISTEN/NOTIFY)", async () => {
    /** One app process without Redis: its own pool, and its own copy of the sessions it read. */
    const processSessions = (heartbeatMs: number) => {
      const own = createDatabase(database.url, { preparedStatements: true });
      let listener: pg.Client | undefined;
      const copy = createDatabaseNotifiedCopy<CachedSession | null>({
        channel: SESSION_CHANGE_CHANNEL,
        connect: () => (listener = new pg.Client({ connectionString: database.url })),
        prepare: switchOnSessionChangeNotifications,
        heartbeat: sessionChangeHeartbeat(own.sql),
        group: SESSION_CHANGE_GROUP,
        heartbeatMs,
      });
      const queries = vi.spyOn(own.sql, "query");
      const sessions = createSessionService({ db: own.db, sql: own.sql, cache: noSessionCache, copy, lifetimes: DEFAULT_LIFETIMES, now });
      const listenerStream = () => (listener as unknown as { connection: { stream: { pause(): void; resume(): void } } }).connection.stream;
      return { sessions, copy, own, listenerStream, lookups: () => queries.mock.calls.filter(([text]) => text.includes('FROM "Session" s JOIN "User"')).length };
    };
    const expectServedFromMemoryOf = async (process: ReturnType<typeof processSessions>, token: string) =>
      vi.waitFor(
        async () => {
          await process.sessions.resolve(token);
          const before = process.lookups();
          await process.sessions.resolve(token);
          expect(process.lookups()).toBe(before);
        },
        { timeout: 2_000, interval: 10 },
      );
    // The first one's heartbeat is slow, so that holding back its announcements (below) goes unnoticed.
    const [first, second] = [processSessions(10_000), processSessions(100)];
    try {
      const user = await newUser();
      const [mine, theirs] = [await first.sessions.create(user.id, client), await first.sessions.create(user.id, client)];
      await first.sessions.resolve(mine.token);
      await vi.waitFor(() => expect(first.copy.isLive).toBe(true), { timeout: 2_000, interval: 5 });
      // Served from memory: two lookups in a row that ask PostgreSQL nothing (retried: a creation's announcement may still drop the first).
      await vi.waitFor(
        async () => {
          for (const { token } of [mine, theirs]) expect(await first.sessions.resolve(token)).toMatchObject({ userId: user.id });
          const before = first.lookups();
          for (const { token } of [mine, theirs, mine, theirs]) expect(await first.sessions.resolve(token)).toMatchObject({ userId: user.id, user: { role: "user" } });
          expect(first.lookups()).toBe(before);
        },
        { timeout: 2_000, interval: 10 },
      );

      // Ended by this process: refused at once, without waiting for PostgreSQL's announcement (held back here).
      const listening = first.listenerStream();
      listening.pause();
      try {
        await first.sessions.revoke(user.id, [mine.sessionId]);
        expect(await first.sessions.resolve(mine.token)).toBeNull();
      } finally {
        listening.resume();
      }

      // A role changed by this process (which then forgets the person's sessions): seen at once, announcement held back.
      await expectServedFromMemoryOf(first, theirs.token);
      listening.pause();
      try {
        await db.user.update({ where: { id: user.id }, data: { role: "admin" } });
        await first.sessions.forgetCachedUser(user.id);
        expect(await first.sessions.resolve(theirs.token)).toMatchObject({ user: { role: "admin" } });
      } finally {
        listening.resume();
      }

      // ...and by anyone else: seen by the next lookup, as soon as the announcement arrives.
      await expectServedFromMemoryOf(first, theirs.token);
      await db.user.update({ where: { id: user.id }, data: { role: "user" } });
      await vi.waitFor(async () => expect(await first.sessions.resolve(theirs.token)).toMatchObject({ user: { role: "user" } }), { timeout: 500, interval: 2 });

      // Ended by another process: refused as soon as PostgreSQL tells this one.
      await second.sessions.revoke(user.id, [theirs.sessionId]);
      await vi.waitFor(async () => expect(await first.sessions.resolve(theirs.token)).toBeNull(), { timeout: 500, interval: 2 });
    } finally {
      for (const each of [first, second]) {
        await each.copy.close();
        await each.own.close();
      }
    }
  });

  it("does not let one user revoke another's session", async () => {
    const [owner, stranger] = [await newUser(), await newUser()];
    const sessions = service();
    const { token, sessionId } = await sessions.create(owner.id, client);
    expect(await sessions.revoke(stranger.id, [sessionId])).toEqual([]);
    expect(await sessions.revokeAll(stranger.id)).toEqual([]);
    expect(await sessions.resolve(token)).not.toBeNull();
  });

  it("revokes all of a user's sessions, or all but one", async () => {
    const user = await newUser();
    const sessions = service();
    const [a, b, c] = [await sessions.create(user.id, client), await sessions.create(user.id, client), await sessions.create(user.id, client)];
    await Promise.all([a, b, c].map((session) => sessions.resolve(session.token)));

    expect(await sessions.revokeAll(user.id, a.sessionId)).toHaveLength(2);
    expect([await sessions.resolve(a.token), await sessions.resolve(b.token), await sessions.resolve(c.token)].map(Boolean)).toEqual([true, false, false]);
    expect(await sessions.revokeAll(user.id)).toEqual([a.sessionId]);
    expect(await sessions.resolve(a.token)).toBeNull();
  });

  it("writes last-used at most once a minute", async () => {
    const user = await newUser();
    const sessions = service();
    const { token, sessionId } = await sessions.create(user.id, client);
    const lastUsed = async () => (await db.session.findUniqueOrThrow({ where: { id: sessionId } })).lastUsedAt.getTime();
    const created = clock.getTime();

    clock = new Date(created + 30 * 1000);
    await sessions.resolve(token);
    expect(await lastUsed()).toBe(created);

    clock = new Date(created + 61 * 1000);
    await sessions.resolve(token);
    expect(await lastUsed()).toBe(clock.getTime());
  });

  it("ends a session left idle for 24 hours", async () => {
    const user = await newUser();
    const sessions = service();
    const { token, sessionId } = await sessions.create(user.id, client);
    const created = clock.getTime();

    clock = new Date(created + 23 * HOUR);
    expect(await sessions.resolve(token)).not.toBeNull();
    clock = new Date(created + 46 * HOUR); // 23 hours after the last use: still alive
    expect(await sessions.resolve(token)).not.toBeNull();
    clock = new Date(created + 46 * HOUR + 24 * HOUR + MINUTE);
    expect(await sessions.resolve(token)).toBeNull();
    expect(await db.session.count({ where: { id: sessionId } })).toBe(0);
  });

  it("tells the token service which sessions ended, so their token families end too", async () => {
    const user = await newUser();
    const ended: string[][] = [];
    const sessions = createSessionService({ db, sql, cache: new RedisSessionCache(redis), lifetimes: DEFAULT_LIFETIMES, now, onSessionsEnded: async (ids) => void ended.push(ids) });
    const one = await sessions.create(user.id, client);
    const two = await sessions.create(user.id, client);
    await sessions.revoke(user.id, [one.sessionId]);
    await sessions.revokeAll(user.id);
    expect(ended).toEqual([[one.sessionId], [two.sessionId]]);
  });

  it("never extends the 30-day absolute lifetime, however active the session", async () => {
    const user = await newUser();
    const sessions = service();
    const { token } = await sessions.create(user.id, client);
    const created = clock.getTime();

    for (let hours = 20; hours < 30 * 24; hours += 20) {
      clock = new Date(created + hours * HOUR);
      expect(await sessions.resolve(token), `after ${hours} hours`).not.toBeNull();
    }
    clock = new Date(created + 30 * DAY + MINUTE);
    expect(await sessions.resolve(token)).toBeNull();
  });

  it("answers no session for malformed tokens without asking anything", async () => {
    const sessions = service(noSessionCache);
    for (const token of ["", "short", "x".repeat(65), "' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 42, null, { length: 43 }]) {
      expect(await sessions.resolve(token)).toBeNull();
    }
  });

  it("remembers unknown tokens briefly, so a flood of forged cookies does not reach PostgreSQL each time", async () => {
    const sessions = service();
    const forged = "F".repeat(43);
    expect(await sessions.resolve(forged)).toBeNull();
    expect(await redis.get(`gatehouse:session:${hashSessionToken(forged)}`)).toBe("-");
  });

  /** A session cached in Redis, behind a cache that records which of its operations failed. */
  async function sessionCachedInRedis() {
    const errors: string[] = [];
    const sessions = service(new RedisSessionCache(redis, (operation) => void errors.push(operation)));
    const user = await newUser();
    const revoked = await sessions.create(user.id, client);
    await sessions.resolve(revoked.token);
    const key = sessionCacheKey(hashSessionToken(revoked.token));
    expect(await redis.exists(key)).toBe(1);
    return { errors, sessions, user, revoked, key };
  }

  it("purges the cache when a delete fails while Redis is connected, with no reconnect to prompt it", async () => {
    // A command lost with its connection can fail after the reconnect's "ready" has come and gone.
    const { errors, sessions, user, revoked, key } = await sessionCachedInRedis();

    const del = vi.spyOn(redis, "del").mockRejectedValueOnce(new Error("Connection is closed."));
    try {
      await sessions.revoke(user.id, [revoked.sessionId]);
      expect(errors).toContain("delete");
      expect(await sessions.resolve(revoked.token)).toBeNull();
      // The stale entry goes: the key is purged, or, if the lookup above wrote after the purge, it holds
      // the negative entry ("-": no such session), never the session.
      await vi.waitFor(async () => expect([null, "-"]).toContain(await redis.get(key)), { timeout: 3_000 });
    } finally {
      del.mockRestore();
    }
  });

  it("purges the cache once Redis is usable again, even if no reconnect event and no lookup prompts it", async () => {
    // The delete finds Redis not ready, and Redis is usable again without a "ready" event reaching the cache.
    const { errors, sessions, user, revoked, key } = await sessionCachedInRedis();

    const status = redis.status;
    (redis as { status: string }).status = "reconnecting";
    try {
      await sessions.revoke(user.id, [revoked.sessionId]);
      expect(errors).toContain("delete");
    } finally {
      (redis as { status: string }).status = status;
    }
    await vi.waitFor(async () => expect(await redis.exists(key)).toBe(0), { timeout: 3_000 });
  });

  it("keeps working from PostgreSQL while Redis is unreachable, and revocations made meanwhile hold when it is back", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const viaProxy = await connectTestRedis(`redis://127.0.0.1:${proxy.port}${redisUrl.pathname}`);
    const sessions = service(new RedisSessionCache(viaProxy));
    const user = await newUser();
    const kept = await sessions.create(user.id, client);
    const revoked = await sessions.create(user.id, client);
    await sessions.resolve(kept.token);
    await sessions.resolve(revoked.token); // both now cached in Redis

    await proxy.cut();
    expect(await sessions.resolve(kept.token)).toMatchObject({ userId: user.id });
    await sessions.revoke(user.id, [revoked.sessionId]); // the cache delete cannot reach Redis
    expect(await sessions.resolve(revoked.token)).toBeNull();

    await proxy.restore();
    await untilReady(viaProxy);
    // Redis still holds the revoked session's entry (a partition, not a restart): it must not come back.
    expect(await sessions.resolve(revoked.token)).toBeNull();
    expect(await sessions.resolve(kept.token)).toMatchObject({ userId: user.id });

    viaProxy.disconnect();
    await proxy.close();
  });
});
