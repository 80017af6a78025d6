import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import type { DatabaseNotifiedCopy } from "@/server/database-notified-copy";

import type { CachedSession, SessionCache } from "./session-cache";
import { effectiveExpiry, isSessionActive, isTouchDue, type SessionLifetimes } from "./session-policy";
import { generateSessionToken, hashSessionToken, isWellFormedSessionToken } from "./session-token";

/** What the app knows about the client when a session starts (shown on "Devices & access"). */
export interface SessionClient {
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  ip: string | null;
}

export interface SessionServiceDeps {
  db: PrismaClient;
  /** The same database in plain SQL, for the per-request lookup (see server/database.ts). */
  sql: Sql;
  cache: SessionCache;
  /**
   * Without Redis: the sessions this process has read, kept in memory while PostgreSQL announces their
   * changes (server/database-notified-copy.ts, on SESSION_CHANGE_CHANNEL of ./session-change-notifications.ts).
   */
  copy?: DatabaseNotifiedCopy<CachedSession | null> | null;
  lifetimes: SessionLifetimes;
  now?: () => Date;
  /** Called with the ids of sessions just ended (the token service revokes the token families bound to them). */
  onSessionsEnded?: (sessionIds: string[]) => Promise<unknown>;
}

/** Longest time an entry stays in the cache, whatever its session's own expiry. */
const MAX_CACHE_TTL_MS = 10 * 60 * 1000;
/** How long "no such session" is remembered, so garbage cookies cost one database read a minute. */
const NEGATIVE_CACHE_TTL_MS = 60 * 1000;

/**
 * A session and its person in one statement: every request without a cache hit (every request without
 * Redis) pays for it, so it is one round trip of plain SQL rather than Prisma's two.
 */
const SESSION_WITH_USER = `
  SELECT s."id" AS "sessionId", s."userId", s."expiresAt", s."lastUsedAt", s."legacyCookieUntil",
         u."name", u."email", u."image", u."emailVerified", u."role"::text AS "role"
  FROM "Session" s JOIN "User" u ON u."id" = s."userId"
  WHERE s."tokenHash" = $1`;

/** The statement's row: the cached session with its person's fields beside it, not nested. */
type SessionWithUserRow = Omit<CachedSession, "user"> & Omit<CachedSession["user"], "id">;

/**
 * Browser sessions: created at sign-in, resolved on every request (cache first, PostgreSQL as the
 * truth), revoked one, several or all at a time. No Next.js here: the clock, database and cache are
 * given, so it is tested on its own against real PostgreSQL and Redis.
 */
export function createSessionService({ db, sql, cache, copy = null, lifetimes, now = () => new Date(), onSessionsEnded = async () => {} }: SessionServiceDeps) {
  function cacheTtl(session: CachedSession): number {
    return Math.min(effectiveExpiry(session, lifetimes).getTime() - now().getTime(), MAX_CACHE_TTL_MS);
  }

  async function load(tokenHash: string): Promise<CachedSession | null> {
    if (!copy) return loadFromDatabase(tokenHash);
    const session = await copy.read(tokenHash, () => loadFromDatabase(tokenHash));
    // The copy's object is shared by every request: each gets its own (callers may add to theirs).
    return session && { ...session, user: { ...session.user } };
  }

  /** Drops sessions from every cache of this process's (another process hears of it from Redis or PostgreSQL). */
  async function forget(tokenHashes: string[]) {
    copy?.forget(tokenHashes);
    await cache.delete(tokenHashes);
  }

  async function loadFromDatabase(tokenHash: string): Promise<CachedSession | null> {
    const [row] = await sql.query<SessionWithUserRow>(SESSION_WITH_USER, [tokenHash]);
    if (!row) return null;
    const { sessionId, userId, expiresAt, lastUsedAt, legacyCookieUntil, name, email, image, emailVerified, role } = row;
    return { sessionId, userId, user: { id: userId, name, email, image, emailVerified, role }, expiresAt, lastUsedAt, legacyCookieUntil };
  }

  async function deleteWhere(where: { tokenHash?: string; id?: { in: string[] }; userId?: string; NOT?: { id: string } }) {
    const removed = await db.session.findMany({ where, select: { id: true, userId: true, tokenHash: true } });
    if (removed.length === 0) return [];
    await db.session.deleteMany({ where: { id: { in: removed.map((session) => session.id) } } });
    await forget(removed.map((session) => session.tokenHash));
    const ids = removed.map((session) => session.id);
    await onSessionsEnded(ids);
    return ids;
  }

  return {
    /**
     * Starts a session for `userId` with a new random token (a new token at every sign-in: a token
     * planted in the browser before sign-in is never the one used after).
     * @returns the token for the cookie (never stored) and the session's current expiry.
     */
    async create(userId: string, client: SessionClient, token = generateSessionToken()) {
      const startedAt = now();
      const session = await db.session.create({
        data: {
          tokenHash: hashSessionToken(token),
          userId,
          expiresAt: new Date(startedAt.getTime() + lifetimes.absoluteLifetimeMs),
          lastUsedAt: startedAt,
          createdAt: startedAt,
          // Reached only through the __Host- cookie (the column's default is for older deployments).
          legacyCookieUntil: null,
          ...client,
        },
        select: { id: true, expiresAt: true, lastUsedAt: true },
      });
      return { token, sessionId: session.id, expires: effectiveExpiry(session, lifetimes) };
    },

    /**
     * The session a cookie names, or `null` if it is unknown, revoked, idle too long or past its
     * absolute lifetime. Records activity at most once per touch interval (`touched` says it did now,
     * which is when the cookie's expiry is worth renewing).
     *
     * `legacyCookie`: the token came in the pre-`__Host-` cookie (lib/session-cookie.ts), which a
     * sibling subdomain can plant; only a session that predates the change may be reached that way.
     */
    async resolve(token: unknown, { legacyCookie = false }: { legacyCookie?: boolean } = {}): Promise<(CachedSession & { expires: Date; touched: boolean }) | null> {
      if (!isWellFormedSessionToken(token)) return null;
      const tokenHash = hashSessionToken(token);
      let session = await cache.get(tokenHash);
      if (session === undefined) {
        session = await load(tokenHash);
        await cache.set(tokenHash, session, session ? cacheTtl(session) : NEGATIVE_CACHE_TTL_MS);
      }
      if (session === null) return null;
      if (legacyCookie && !(session.legacyCookieUntil !== null && now() < session.legacyCookieUntil)) return null;

      const current = now();
      if (!isSessionActive(session, current, lifetimes)) {
        await deleteWhere({ tokenHash });
        return null;
      }
      const touched = isTouchDue(session, current, lifetimes);
      if (touched) {
        // Also how a cache entry that outlived its session (a lost delete) is caught within a minute.
        const touchedRows = await sql.query(`UPDATE "Session" SET "lastUsedAt" = $1, "updatedAt" = $1 WHERE "tokenHash" = $2 RETURNING 1`, [current, tokenHash]);
        if (touchedRows.length === 0) {
          await forget([tokenHash]);
          return null;
        }
        copy?.forget([tokenHash]);
        session = { ...session, lastUsedAt: current };
        await cache.set(tokenHash, session, cacheTtl(session));
      }
      return { ...session, expires: effectiveExpiry(session, lifetimes), touched };
    },

    /** Ends the session a cookie names (sign-out). @returns whose session it was, if it existed. */
    async revokeByToken(token: string): Promise<{ sessionId: string; userId: string } | null> {
      if (!isWellFormedSessionToken(token)) return null;
      const tokenHash = hashSessionToken(token);
      const session = await db.session.findUnique({ where: { tokenHash }, select: { id: true, userId: true } });
      await deleteWhere({ tokenHash });
      return session ? { sessionId: session.id, userId: session.userId } : null;
    },

    /** Drops the user's sessions from the cache (not the sessions): after their role or profile changed. */
    async forgetCachedUser(userId: string): Promise<void> {
      const sessions = await db.session.findMany({ where: { userId }, select: { tokenHash: true } });
      await forget(sessions.map((session) => session.tokenHash));
    },

    /** Ends the given sessions of `userId`; ids of other users' sessions are ignored. */
    async revoke(userId: string, sessionIds: string[]): Promise<string[]> {
      return deleteWhere({ userId, id: { in: sessionIds } });
    },

    /** Ends every session of `userId`, or every one but `exceptSessionId`. */
    async revokeAll(userId: string, exceptSessionId?: string): Promise<string[]> {
      return deleteWhere(exceptSessionId ? { userId, NOT: { id: exceptSessionId } } : { userId });
    },

    /** The user's live sessions, most recently used first. */
    async list(userId: string) {
      const sessions = await db.session.findMany({
        where: { userId, expiresAt: { gt: now() } },
        orderBy: { lastUsedAt: "desc" },
        select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, browser: true, os: true, deviceType: true, ip: true },
      });
      return sessions.filter((session) => isSessionActive(session, now(), lifetimes));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
