import type { Redis } from "ioredis";

import type { RedisClientCache } from "@/server/redis-client-cache";

/** What the hot path needs to know about a session, as kept in the cache. */
export interface CachedSession {
  sessionId: string;
  userId: string;
  user: { id: string; name: string | null; email: string | null; image: string | null; emailVerified: Date | null; role: "user" | "admin" };
  expiresAt: Date;
  lastUsedAt: Date;
  /** Until when the session's old `__Secure-` cookie is still accepted (it predates `__Host-`), or null. */
  legacyCookieUntil: Date | null;
}

/**
 * A cache of session lookups in front of PostgreSQL (the source of truth).
 *
 * `get` answers a session, `null` for "known not to exist" (negative entry), or `undefined` for "ask the
 * database" (a miss, or the cache is unreachable). A cache failure never fails a request.
 */
export interface SessionCache {
  get(tokenHash: string): Promise<CachedSession | null | undefined>;
  set(tokenHash: string, session: CachedSession | null, ttlMs: number): Promise<void>;
  delete(tokenHashes: string[]): Promise<void>;
}

/** Without Redis: every lookup goes to PostgreSQL. */
export const noSessionCache: SessionCache = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
};

const KEY_PREFIX = "gatehouse:session:";
/** What a client-side cache in front of this one tracks (server/redis-client-cache.ts). */
export const SESSION_CACHE_PREFIXES = [KEY_PREFIX] as const;
/** The cache's key for a session (by its token's hash): the benchmark checks a server really uses Redis. */
export const sessionCacheKey = (tokenHash: string) => KEY_PREFIX + tokenHash;
const NEGATIVE = "-";
/** How often an owed purge is tried again when nothing else prompts it. */
const PURGE_RETRY_MS = 1_000;

interface StoredSession extends Omit<CachedSession, "expiresAt" | "lastUsedAt" | "legacyCookieUntil" | "user"> {
  user: Omit<CachedSession["user"], "emailVerified"> & { emailVerified: number | null };
  expiresAt: number;
  lastUsedAt: number;
  legacyCookieUntil?: number | null;
}

/**
 * The Redis cache, shared by every app process, so a revocation (database delete + key delete) is seen
 * by the next request wherever it lands.
 *
 * If a delete cannot reach Redis, the key may outlive its session; the cache remembers that and, when
 * Redis is back, removes every session key before serving from it again. (Entries also expire on their
 * own, and the once-a-minute activity write notices a session that is gone from the database.)
 *
 * With `reads` (server/redis-client-cache.ts, tracking SESSION_CACHE_PREFIXES), lookups are answered
 * from this process's memory while Redis tracks the keys: any process's delete or update reaches every
 * process's copy as Redis's invalidation message, and this process's own at once. (`reads` goes through
 * the same connection as `redis`, whose status gates every lookup.)
 */
export class RedisSessionCache implements SessionCache {
  private mustPurge = false;
  private purging: Promise<void> | undefined;
  private purgeRetry: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly onError: (operation: string, error: unknown) => void = () => {},
    private readonly reads: RedisClientCache | null = null,
  ) {
    redis.on("ready", () => {
      if (this.mustPurge) void this.purge();
    });
  }

  async get(tokenHash: string): Promise<CachedSession | null | undefined> {
    if (this.mustPurge) {
      this.purgeWhenReady(); // A purge that failed, or a lost delete noticed while connected, is retried here.
      return undefined;
    }
    if (this.redis.status !== "ready") return undefined;
    try {
      const key = KEY_PREFIX + tokenHash;
      const value = this.reads ? (await this.reads.mget([key]))[0]! : await this.redis.get(key);
      if (value === null) return undefined;
      if (value === NEGATIVE) return null;
      const stored = JSON.parse(value) as StoredSession;
      // Written by a version that did not record it: ask the database rather than guess.
      if (stored.legacyCookieUntil === undefined) return undefined;
      return revive(stored);
    } catch (error) {
      this.onError("get", error);
      return undefined;
    }
  }

  async set(tokenHash: string, session: CachedSession | null, ttlMs: number): Promise<void> {
    if (this.mustPurge || this.redis.status !== "ready" || ttlMs <= 0) return;
    try {
      const value = session === null ? NEGATIVE : JSON.stringify(serialise(session));
      await this.redis.set(KEY_PREFIX + tokenHash, value, "PX", Math.ceil(ttlMs));
    } catch (error) {
      this.onError("set", error);
    } finally {
      this.reads?.forget([KEY_PREFIX + tokenHash]);
    }
  }

  async delete(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length === 0) return;
    const keys = tokenHashes.map((hash) => KEY_PREFIX + hash);
    try {
      if (this.redis.status !== "ready") throw new Error(`redis is ${this.redis.status}`);
      await this.redis.del(...keys);
    } catch (error) {
      this.mustPurge = true;
      this.onError("delete", error);
      // The failure may arrive after Redis is back (a command lost with its connection): no "ready"
      // event will come for it, so the purge starts now if it can, and is tried every second until
      // done, whether or not an event or a lookup prompts it.
      this.purgeWhenReady();
      this.purgeRetry ??= setInterval(() => {
        if (this.mustPurge) return this.purgeWhenReady();
        clearInterval(this.purgeRetry);
        this.purgeRetry = undefined;
      }, PURGE_RETRY_MS).unref();
    } finally {
      this.reads?.forget(keys);
    }
  }

  /** Starts a purge if one is owed, Redis is connected and none is running. */
  private purgeWhenReady(): void {
    if (this.mustPurge && !this.purging && this.redis.status === "ready") void this.purge();
  }

  /** Removes every cached session (after a delete was lost); until done, lookups go to PostgreSQL. */
  purge(): Promise<void> {
    this.purging ??= (async () => {
      try {
        let cursor = "0";
        do {
          const [next, keys] = await this.redis.scan(cursor, "MATCH", `${KEY_PREFIX}*`, "COUNT", 500);
          if (keys.length > 0) await this.redis.del(...keys);
          cursor = next;
        } while (cursor !== "0");
        this.mustPurge = false;
      } catch (error) {
        this.onError("purge", error);
        // Tried again on the next "ready", the next lookup, or by the owed purge's retry, whichever comes first.
      } finally {
        this.purging = undefined;
      }
    })();
    return this.purging;
  }
}

function serialise(session: CachedSession): StoredSession {
  return {
    ...session,
    user: { ...session.user, emailVerified: session.user.emailVerified?.getTime() ?? null },
    expiresAt: session.expiresAt.getTime(),
    lastUsedAt: session.lastUsedAt.getTime(),
    legacyCookieUntil: session.legacyCookieUntil?.getTime() ?? null,
  };
}

function revive(stored: StoredSession): CachedSession {
  return {
    ...stored,
    user: { ...stored.user, emailVerified: stored.user.emailVerified === null ? null : new Date(stored.user.emailVerified) },
    expiresAt: new Date(stored.expiresAt),
    lastUsedAt: new Date(stored.lastUsedAt),
    legacyCookieUntil: stored.legacyCookieUntil == null ? null : new Date(stored.legacyCookieUntil),
  };
}
