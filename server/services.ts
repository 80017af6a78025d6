import "server-only";

import type { Redis } from "ioredis";

import type { PrismaClient } from "@/generated/prisma/client";
import { createAuditLog, type AuditLog } from "@/server/audit/audit-log";
import { createClientRegistry, type ClientRegistry } from "@/server/clients/client-registry";
import { createRequestAudit, scheduleAfterResponse, type RequestAudit } from "@/server/audit/request-audit";
import type { Sql } from "@/server/database";
import { databaseNotifiedCopyFor } from "@/server/database-notified-copy";
import { getDb, getSql } from "@/server/db";
import { getEnv } from "@/server/env";
import type { Env } from "@/server/env-schema";
import { createNotesService, type NotesService } from "@/server/notes/notes-service";
import { createOAuthRateLimiter, type OAuthRateLimiter } from "@/server/rate-limit/oauth-rate-limit";
import { createRateLimiter, type RateLimiter } from "@/server/rate-limit/rate-limiter";
import { createRedis, createRedisClientCacheFor } from "@/server/redis";
import type { RedisClientCache } from "@/server/redis-client-cache";
import { noSessionCache, RedisSessionCache, SESSION_CACHE_PREFIXES } from "@/server/sessions/session-cache";
import { isSessionActive } from "@/server/sessions/session-policy";
import { SESSION_CHANGE_CHANNEL, SESSION_CHANGE_GROUP, sessionChangeHeartbeat, switchOnSessionChangeNotifications } from "@/server/sessions/session-change-notifications";
import { createSessionService, type SessionService } from "@/server/sessions/session-service";
import { cachedClientLookup, type CachedClientLookup } from "@/server/tokens/client-cache";
import { clientsIn } from "@/server/tokens/clients";
import { revokeAllForClient } from "@/server/tokens/family-revocation";
import { deriveKeyEncryptionKey } from "@/server/tokens/key-encryption";
import { createRevocationList, REVOCATION_KEY_PREFIXES, type RevocationList } from "@/server/tokens/revocation-list";
import { maxTokenLifetimeMs } from "@/server/tokens/key-schedule";
import { createSigningKeyStore, type SigningKeyStore } from "@/server/tokens/key-store";
import { apiAudience, DEFAULT_TOKEN_TIMINGS, type TokenServiceConfig } from "@/server/tokens/token-config";
import { createTokenService, type TokenService } from "@/server/tokens/token-service";

/**
 * The composition root: the one place that builds the app's services from the environment and wires
 * them to each other. The libraries (server/tokens, server/sessions) know nothing of Next.js; what they
 * need of it (running audit writes after the response, the request's client) is handed in from here.
 * Nothing else builds a service or keeps one in a singleton.
 *
 * Built once per process, on first use (never at import, so `next build` needs no runtime secrets), and
 * kept on `globalThis` so that development's hot reloads keep one connection pool and one key cache.
 */
export interface Services {
  db: PrismaClient;
  /** The same database in plain SQL, for the hot paths (server/database.ts). */
  sql: Sql;
  /** Client rows by id, each kept up to a second (server/tokens/client-cache.ts). */
  clients: CachedClientLookup;
  /** Registering, rotating and revoking clients (/admin/clients). */
  clientRegistry: ClientRegistry;
  /** Null when REDIS_URL is unset: sessions and the denylist are then read from PostgreSQL. */
  redis: Redis | null;
  sessions: SessionService;
  tokens: TokenService;
  tokenConfig: TokenServiceConfig;
  signingKeys: SigningKeyStore;
  revocations: RevocationList;
  notes: NotesService;
  auditLog: AuditLog;
  audit: RequestAudit;
  /** Sign-in attempts per client IP (checked in the proxy, answered with 429). */
  signInLimiter: RateLimiter;
  /** Sign-in attempts per provider account (checked in Auth.js's signIn callback). */
  accountSignInLimiter: RateLimiter;
  /** Wrong user codes typed on /device, per browser session, per person and per client IP (server/device/device-approval.ts). */
  deviceCodeSessionLimiter: RateLimiter;
  deviceCodeUserLimiter: RateLimiter;
  deviceCodeIpLimiter: RateLimiter;
  /** The OAuth endpoints' limits per IP and per client (server/oauth/oauth-rate-limit.ts). */
  oauthRateLimiter: OAuthRateLimiter;
}

/** Wrong user codes allowed on /device per window: few per session and per person, a household's worth per IP. */
const DEVICE_CODE_ATTEMPTS = { perSession: 5, perUser: 10, perIp: 20, windowSeconds: 10 * 60 };

const globalForServices = globalThis as unknown as { gatehouseServices?: Services };

export function getServices(): Services {
  globalForServices.gatehouseServices ??= buildServices();
  return globalForServices.gatehouseServices;
}

function buildServices(): Services {
  const env = getEnv();
  const db = getDb();
  const sql = getSql();
  const { redisUrl } = env;
  const redis = redisUrl ? createRedis(redisUrl) : null;
  const reads = redisUrl && redis && env.redisClientTracking ? createRedisClientCacheFor(redisUrl, redis, [...SESSION_CACHE_PREFIXES, ...REVOCATION_KEY_PREFIXES]) : null;
  try {
    return wireServices(env, db, sql, redis, reads);
  } catch (error) {
    // Nothing is kept from a failed build (the next call tries again): not even its Redis connections.
    redis?.disconnect();
    reads?.close();
    throw error;
  }
}

function wireServices(env: Env, db: PrismaClient, sql: Sql, redis: Redis | null, reads: RedisClientCache | null): Services {
  const auditLog = createAuditLog({ db, schedule: scheduleAfterResponse });
  const audit = createRequestAudit(auditLog, env.trustedProxyHops);

  const { oauth } = env;
  const tokenConfig: TokenServiceConfig = {
    ...DEFAULT_TOKEN_TIMINGS,
    issuer: oauth.issuer,
    audience: apiAudience(oauth.issuer),
    accessTokenTtlSeconds: oauth.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: oauth.refreshTokenTtlSeconds,
    familyMaxAgeSeconds: oauth.familyMaxAgeSeconds,
  };
  // TOKEN_SIGNING_KEYS when set, else the SigningKey table, its private halves sealed under
  // TOKEN_KEY_ENCRYPTION_KEY (or a key derived from AUTH_SECRET, so development needs nothing more).
  const signingKeys = oauth.signingKeys
    ? createSigningKeyStore({ envKeys: oauth.signingKeys, maxTokenLifetimeMs: maxTokenLifetimeMs(oauth.accessTokenTtlSeconds) })
    : createSigningKeyStore({
        db,
        encryptionKey: oauth.keyEncryptionKey ?? deriveKeyEncryptionKey(env.authSecret),
        maxTokenLifetimeMs: maxTokenLifetimeMs(oauth.accessTokenTtlSeconds),
      });
  const revocations = createRevocationList({
    db,
    sql,
    redis,
    reads,
    maxTokenLifetimeMs: (tokenConfig.accessTokenTtlSeconds + tokenConfig.clockSkewSeconds) * 1000,
    onError: (operation, error) => console.error(`[tokens] revocation list: Redis ${operation} failed, using PostgreSQL:`, messageOf(error)),
  });

  // The two services refer to each other (a session's end revokes the token families bound to it; a
  // family bound to a session refreshes only while it lives), so each reaches the other through `services`.
  const services = { db, sql, clients: cachedClientLookup(clientsIn(sql)), redis, tokenConfig, signingKeys, revocations, auditLog, audit, notes: createNotesService({ db }) } as Services;
  services.sessions = createSessionService({
    db,
    sql,
    cache: redis ? new RedisSessionCache(redis, (operation, error) => console.error(`[sessions] cache ${operation} failed, using PostgreSQL:`, messageOf(error)), reads) : noSessionCache,
    // Without Redis, each process keeps the sessions it read while PostgreSQL announces their changes
    // (started by the first lookup: a script that never resolves a cookie opens no listening connection).
    copy:
      !redis && env.databaseChangeNotifications
        ? databaseNotifiedCopyFor(env.databaseUrl, { channel: SESSION_CHANGE_CHANNEL, group: SESSION_CHANGE_GROUP, prepare: switchOnSessionChangeNotifications, heartbeat: sessionChangeHeartbeat(sql) })
        : null,
    lifetimes: env.sessionLifetimes,
    onSessionsEnded: async (sessionIds) => {
      for (const sessionId of sessionIds) await services.tokens.revokeFamiliesOfSession(sessionId);
    },
  });
  services.tokens = createTokenService({
    db,
    sql,
    keys: signingKeys,
    revocations,
    config: tokenConfig,
    // Token events carry the client's IP and user agent, from route handlers and server actions alike.
    audit: audit.recordWithClient,
    isSessionActive: (session, now) => isSessionActive(session, now, env.sessionLifetimes),
    clients: services.clients,
  });
  services.clientRegistry = createClientRegistry({
    db,
    audit: audit.recordWithClient,
    onClientChanged: (clientId) => services.clients.forget(clientId),
    revokeTokensOfClient: (clientId, actorId) => revokeAllForClient({ db, revocations, now: () => new Date(), audit: audit.recordWithClient }, clientId, actorId),
  });
  services.signInLimiter = createRateLimiter({ redis, ...env.signInRateLimit, keyPrefix: "gatehouse:signin" });
  services.accountSignInLimiter = createRateLimiter({ redis, ...env.accountSignInRateLimit, keyPrefix: "gatehouse:signin-account" });
  services.oauthRateLimiter = createOAuthRateLimiter({ redis, limits: env.oauthRateLimits });
  services.deviceCodeSessionLimiter = createRateLimiter({ redis, points: DEVICE_CODE_ATTEMPTS.perSession, durationSeconds: DEVICE_CODE_ATTEMPTS.windowSeconds, keyPrefix: "gatehouse:device-code-session" });
  services.deviceCodeUserLimiter = createRateLimiter({ redis, points: DEVICE_CODE_ATTEMPTS.perUser, durationSeconds: DEVICE_CODE_ATTEMPTS.windowSeconds, keyPrefix: "gatehouse:device-code-user" });
  services.deviceCodeIpLimiter = createRateLimiter({ redis, points: DEVICE_CODE_ATTEMPTS.perIp, durationSeconds: DEVICE_CODE_ATTEMPTS.windowSeconds, keyPrefix: "gatehouse:device-code-ip" });
  return services;
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : error;
}

/** The token service (shorthand for `getServices().tokens`). */
export const getTokenService = () => getServices().tokens;
/** The session service (shorthand for `getServices().sessions`). */
export const getSessionService = () => getServices().sessions;
/** The token service's settings: issuer, audience, lifetimes. */
export const getTokenConfig = () => getServices().tokenConfig;
