import type { PrismaClient } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";
import type { Sql } from "@/server/database";
import { DEFAULT_LIFETIMES, isSessionActive as isSessionActiveByDefault, type SessionTimes } from "@/server/sessions/session-policy";

import type { SigningKey } from "./access-token";
import { cachedClientLookup, type ClientLookup } from "./client-cache";
import { clientsIn } from "./clients";
import type { RevocationList } from "./revocation-list";
import type { TokenServiceConfig } from "./token-config";
import { createVerifiedTokenCache, type VerifiedTokenCache } from "./verified-token-cache";

/** What the token library needs of the signing keys (the key store, or a fixed key in tests). */
export interface TokenSigningKeys {
  currentSigningKey(): Promise<SigningKey>;
  verificationKey(kid: string): Promise<CryptoKey | null>;
}

/** What `createTokenService` is given. No Next.js: the clock, database, keys and stores come from outside. */
export interface TokenServiceDeps {
  db: PrismaClient;
  /** The same database in plain SQL, for the statements on the grants' hot path (server/database.ts). */
  sql: Sql;
  keys: TokenSigningKeys;
  revocations: RevocationList;
  config: TokenServiceConfig;
  now?: () => Date;
  audit?: (entry: AuditEntry) => void;
  /** Verified tokens kept in memory (by the token string, until expiry): the hot path's signature cache. */
  verifiedCacheSize?: number;
  /**
   * Whether a browser session with these times is still live (not past its idle or absolute end): the
   * sessions' policy, applied to the row the grant's own lookup joined. A family bound to a session
   * refreshes only while it is (a session can end by expiring, with no revocation to tell us), and a
   * code is exchanged only while the session that approved it is. Default: the default lifetimes.
   */
  isSessionActive?: (session: SessionTimes, now: Date) => boolean;
  /**
   * Client rows by id: a token issued to a client that is gone or revoked is refused. Default: this
   * database's, cached for a second (client-cache.ts); the app passes the one cache its endpoints use too.
   */
  clients?: ClientLookup;
}

/**
 * What every token operation is handed: the dependencies with their defaults filled in, and the one
 * verified-token cache. Built once per service by `createTokenService`; operations keep no state of their own.
 */
export interface TokenContext {
  readonly db: PrismaClient;
  readonly sql: Sql;
  readonly keys: TokenSigningKeys;
  readonly revocations: RevocationList;
  readonly config: TokenServiceConfig;
  readonly now: () => Date;
  readonly audit: (entry: AuditEntry) => void;
  readonly isSessionActive: (session: SessionTimes, now: Date) => boolean;
  readonly clients: ClientLookup;
  readonly verified: VerifiedTokenCache;
}

export function createTokenContext({
  db,
  sql,
  keys,
  revocations,
  config,
  now = () => new Date(),
  audit = () => {},
  verifiedCacheSize = 10_000,
  isSessionActive = (session, now) => isSessionActiveByDefault(session, now, DEFAULT_LIFETIMES),
  clients = cachedClientLookup(clientsIn(sql)),
}: TokenServiceDeps): TokenContext {
  return { db, sql, keys, revocations, config, now, audit, isSessionActive, clients, verified: createVerifiedTokenCache(verifiedCacheSize) };
}

/** A time as JWTs and RFC 7662 write it: whole seconds since the epoch. */
export function secondsOf(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
