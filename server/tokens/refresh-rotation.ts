import type { Sql } from "@/server/database";
import { joinedSessionTimes, type SessionTimes } from "@/server/sessions/session-policy";

/**
 * The refresh grant's two statements, in plain SQL (server/database.ts says why): it runs on every
 * refresh, and through Prisma its interactive transaction alone cost more than the rest of the grant.
 */

/** A presented refresh token with what the grant checks of its family. */
export interface PresentedRefreshToken {
  id: string;
  familyId: string;
  expiresAt: Date;
  retiredAt: Date | null;
  clientId: string;
  userId: string;
  scopes: string[];
  familyRevokedAt: Date | null;
  familyExpiresAt: Date;
  /** The browser session the family is bound to, if any. */
  sessionId: string | null;
  /** That session's times, joined in: null when its row is gone (signed out) or there is none. */
  session: SessionTimes | null;
}

/** The token, its family and the family's session, in one statement (one round trip per refresh, not two). */
export async function findRefreshToken(sql: Sql, tokenHash: string): Promise<PresentedRefreshToken | null> {
  const [row] = await sql.query<Omit<PresentedRefreshToken, "session"> & { sessionExpiresAt: Date | null; sessionLastUsedAt: Date | null }>(
    `SELECT t."id", t."familyId", t."expiresAt", t."retiredAt",
            f."clientId", f."userId", f."scopes", f."revokedAt" AS "familyRevokedAt", f."expiresAt" AS "familyExpiresAt", f."sessionId",
            s."expiresAt" AS "sessionExpiresAt", s."lastUsedAt" AS "sessionLastUsedAt"
     FROM "RefreshToken" t JOIN "TokenFamily" f ON f."id" = t."familyId" LEFT JOIN "Session" s ON s."id" = f."sessionId"
     WHERE t."tokenHash" = $1`,
    [tokenHash],
  );
  if (!row) return null;
  const { sessionExpiresAt: _expiresAt, sessionLastUsedAt: _lastUsedAt, ...token } = row;
  return { ...token, session: joinedSessionTimes(row) };
}

export interface Successor {
  id: string;
  tokenHash: string;
  expiresAt: Date;
  accessTokenJti: string;
  accessTokenExpiresAt: Date;
  /** The successor pair sealed under the presented token (successor-seal.ts), for an honest retry. */
  sealed: string;
}

export type RotationOutcome = "rotated" | "family_revoked" | "already_retired";

/**
 * Retires the presented token and writes its successor, in one statement (atomic on its own: all of it
 * commits or none). The family row is updated first, which locks it: a revocation running now either
 * committed before (the family is revoked and nothing is written) or waits for this commit (and then
 * denies the access token issued here too). The presented token is retired only if no one retired it
 * since it was read, and the successor is written only if it was: of two concurrent rotations one wins,
 * the other writes nothing and answers as a retired token.
 */
export async function rotateRefreshToken(sql: Sql, input: { familyId: string; presentedId: string; successor: Successor; at: Date }): Promise<RotationOutcome> {
  const { familyId, presentedId, successor, at } = input;
  const [outcome] = await sql.query<{ familyLive: boolean; rotated: boolean }>(
    `WITH family AS (
       UPDATE "TokenFamily" SET "lastUsedAt" = $1::timestamp(3) WHERE "id" = $2 AND "revokedAt" IS NULL RETURNING "id"
     ), retired AS (
       UPDATE "RefreshToken" SET "retiredAt" = $1::timestamp(3), "successorId" = $3, "successorSealed" = $4
       WHERE "id" = $5 AND "retiredAt" IS NULL AND EXISTS (SELECT 1 FROM family)
       RETURNING "familyId"
     ), successor AS (
       INSERT INTO "RefreshToken" ("id", "tokenHash", "familyId", "expiresAt", "accessTokenJti", "accessTokenExpiresAt", "createdAt")
       SELECT $3, $6, "familyId", $7::timestamp(3), $8, $9::timestamp(3), $1::timestamp(3) FROM retired
       RETURNING "id"
     )
     SELECT EXISTS (SELECT 1 FROM family) AS "familyLive", EXISTS (SELECT 1 FROM successor) AS "rotated"`,
    [at, familyId, successor.id, successor.sealed, presentedId, successor.tokenHash, successor.expiresAt, successor.accessTokenJti, successor.accessTokenExpiresAt],
  );
  if (!outcome?.familyLive) return "family_revoked";
  return outcome.rotated ? "rotated" : "already_retired";
}
