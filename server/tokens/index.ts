import "server-only";

import type { AuditEntry } from "@/server/audit/audit-log";
import { recordAuditEvent, recordAuditEventForRequest } from "@/server/audit";
import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { getRedis } from "@/server/redis";
import { getSessionService } from "@/server/sessions";

import { createRevocationList } from "./revocation-list";
import { getSigningKeyStore } from "./signing-key-store";
import { apiAudience, DEFAULT_TOKEN_TIMINGS, type TokenServiceConfig } from "./token-config";
import { createTokenService, type TokenService } from "./token-service";

/** The app's token service (PostgreSQL, with Redis holding the denylist's copy when REDIS_URL is set). */
const globalForTokens = globalThis as unknown as { gatehouseTokens?: TokenService };

export function getTokenService(): TokenService {
  if (!globalForTokens.gatehouseTokens) {
    const config = getTokenConfig();
    const revocations = createRevocationList({
      db: getDb(),
      redis: getRedis(),
      maxTokenLifetimeMs: (config.accessTokenTtlSeconds + config.clockSkewSeconds) * 1000,
      onError: (operation, error) => console.error(`[tokens] revocation list: Redis ${operation} failed, using PostgreSQL:`, error instanceof Error ? error.message : error),
    });
    globalForTokens.gatehouseTokens = createTokenService({
      db: getDb(),
      keys: getSigningKeyStore(),
      revocations,
      config,
      audit: recordWithClient,
      isSessionLive: (sessionId) => getSessionService().isLive(sessionId),
    });
  }
  return globalForTokens.gatehouseTokens;
}

export function getTokenConfig(): TokenServiceConfig {
  const { oauth } = getEnv();
  return {
    ...DEFAULT_TOKEN_TIMINGS,
    issuer: oauth.issuer,
    audience: apiAudience(oauth.issuer),
    accessTokenTtlSeconds: oauth.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: oauth.refreshTokenTtlSeconds,
    familyMaxAgeSeconds: oauth.familyMaxAgeSeconds,
  };
}

/**
 * Token events carry the client's IP and user agent: from the request's headers in server actions and
 * pages, from the request context in route handlers, and without them outside any request.
 */
function recordWithClient(entry: AuditEntry) {
  recordAuditEventForRequest(entry).catch(() => recordAuditEvent(entry));
}
