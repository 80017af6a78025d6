import "server-only";

import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { getRedis } from "@/server/redis";
import { getTokenService } from "@/server/tokens";

import { noSessionCache, RedisSessionCache } from "./session-cache";
import { createSessionService, type SessionService } from "./session-service";

/** The app's session service: PostgreSQL, with Redis in front when REDIS_URL is set. */
const globalForSessions = globalThis as unknown as { gatehouseSessions?: SessionService };

export function getSessionService(): SessionService {
  if (!globalForSessions.gatehouseSessions) {
    const redis = getRedis();
    const cache = redis ? new RedisSessionCache(redis, (operation, error) => logCacheError(operation, error)) : noSessionCache;
    globalForSessions.gatehouseSessions = createSessionService({
      db: getDb(),
      cache,
      lifetimes: getEnv().sessionLifetimes,
      // A token family bound to a browser session (the playground's) ends with it.
      onSessionsEnded: async (sessionIds) => {
        for (const sessionId of sessionIds) await getTokenService().revokeFamiliesOfSession(sessionId);
      },
    });
  }
  return globalForSessions.gatehouseSessions;
}

function logCacheError(operation: string, error: unknown) {
  console.error(`[sessions] cache ${operation} failed, using PostgreSQL:`, error instanceof Error ? error.message : error);
}
