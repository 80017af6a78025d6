import type { PrismaClient } from "@/generated/prisma/client";
import type { SessionLifetimes } from "@/server/sessions/session-policy";

/** How long a revoked family is kept: past its last access token's expiry, so nothing it issued is forgotten early. */
const REVOKED_FAMILY_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes what can no longer be used: ended sessions (absolute or idle end passed), expired authorization
 * and device codes, token families past their absolute end or revoked a day ago (their refresh tokens go with them),
 * and denylist entries for tokens that have expired anyway. Nothing live is touched, so it is safe to run
 * at any time and as often as wanted; it only keeps the tables (and the lookups on them) small.
 * @returns how many rows of each kind were removed.
 */
export async function pruneExpired(db: PrismaClient, lifetimes: SessionLifetimes, now = new Date()) {
  const endedSessions = { OR: [{ expiresAt: { lte: now } }, { lastUsedAt: { lte: new Date(now.getTime() - lifetimes.idleTimeoutMs) } }] };
  // Families bound to those sessions end with them (they could no longer refresh anyway; this takes them
  // off the Devices & access page). Their access tokens were all issued while the session lived.
  const ended = await db.session.findMany({ where: endedSessions, select: { id: true } });
  await db.tokenFamily.updateMany({
    where: { sessionId: { in: ended.map((session) => session.id) }, revokedAt: null },
    data: { revokedAt: now, revokedReason: "session_ended" },
  });
  const [sessions, authorizationCodes, deviceCodes, tokenFamilies, revokedAccessTokens] = await Promise.all([
    db.session.deleteMany({ where: { id: { in: ended.map((session) => session.id) } } }),
    db.authorizationCode.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.deviceCode.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.tokenFamily.deleteMany({
      where: { OR: [{ expiresAt: { lte: now } }, { revokedAt: { lte: new Date(now.getTime() - REVOKED_FAMILY_RETENTION_MS) } }] },
    }),
    db.revokedAccessToken.deleteMany({ where: { expiresAt: { lte: now } } }),
  ]);
  return {
    sessions: sessions.count,
    authorizationCodes: authorizationCodes.count,
    deviceCodes: deviceCodes.count,
    tokenFamilies: tokenFamilies.count,
    revokedAccessTokens: revokedAccessTokens.count,
  };
}
