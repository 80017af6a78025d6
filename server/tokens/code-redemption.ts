import type { Sql } from "@/server/database";
import { joinedSessionTimes, type SessionTimes } from "@/server/sessions/session-policy";

/**
 * The authorization-code exchange's two statements, in plain SQL (server/database.ts says why): through
 * Prisma its interactive transaction (lock, claim, two inserts, update) cost more than the rest of the
 * exchange, and here it is one statement, atomic on its own.
 */

/** A presented code with what the exchange checks: its owner's "sign out everywhere" and its session. */
export interface PresentedCode {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  expiresAt: Date;
  usedAt: Date | null;
  familyId: string | null;
  issuingSessionId: string | null;
  createdAt: Date;
  /** The owner's `tokensValidAfter`: a code made before it is void. */
  tokensValidAfter: Date | null;
  /** The issuing session's times: null when its row is gone (signed out) or there is none. */
  session: SessionTimes | null;
}

export async function findAuthorizationCode(sql: Sql, codeHash: string): Promise<PresentedCode | null> {
  const [row] = await sql.query<Omit<PresentedCode, "session"> & { sessionExpiresAt: Date | null; sessionLastUsedAt: Date | null }>(
    `SELECT c."clientId", c."userId", c."redirectUri", c."scopes", c."codeChallenge", c."expiresAt", c."usedAt", c."familyId",
            c."issuingSessionId", c."createdAt", u."tokensValidAfter",
            s."expiresAt" AS "sessionExpiresAt", s."lastUsedAt" AS "sessionLastUsedAt"
     FROM "AuthorizationCode" c JOIN "User" u ON u."id" = c."userId" LEFT JOIN "Session" s ON s."id" = c."issuingSessionId"
     WHERE c."codeHash" = $1`,
    [codeHash],
  );
  if (!row) return null;
  const { sessionExpiresAt: _expiresAt, sessionLastUsedAt: _lastUsedAt, ...code } = row;
  return { ...code, session: joinedSessionTimes(row) };
}

/** The family and first refresh token an exchange writes. */
export interface NewCodeFamily {
  familyId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  familyExpiresAt: Date;
  refreshTokenId: string;
  refreshTokenHash: string;
  refreshTokenExpiresAt: Date;
  accessTokenJti: string;
  accessTokenExpiresAt: Date;
}

export type RedemptionOutcome = "redeemed" | "session_ended" | "already_used";

/**
 * Claims the code and starts its family, in one statement: all of it commits or none.
 * - The issuing session's row is held FOR KEY SHARE until the commit, and nothing is written without
 *   it: "sign out everywhere" deletes the sessions before it sweeps the families, so its delete waits
 *   for this statement (or this one waits for it, then finds the row gone), and a family started here
 *   is always in its sweep, never after it. The session's activity write is not held up: KEY SHARE
 *   conflicts with a delete, not with an update of other columns.
 * - The code is claimed only while unused: of two concurrent exchanges the second waits on the row
 *   lock, then finds it used, writes nothing and answers `already_used`.
 */
export async function redeemAuthorizationCode(sql: Sql, input: { codeHash: string; issuingSessionId: string; family: NewCodeFamily; at: Date }): Promise<RedemptionOutcome> {
  const { codeHash, issuingSessionId, family, at } = input;
  const [outcome] = await sql.query<{ sessionLive: boolean; redeemed: boolean }>(
    `WITH session AS (
       SELECT 1 FROM "Session" WHERE "id" = $1 FOR KEY SHARE
     ), claimed AS (
       UPDATE "AuthorizationCode" SET "usedAt" = $2::timestamp(3), "familyId" = $3
       WHERE "codeHash" = $4 AND "usedAt" IS NULL AND EXISTS (SELECT 1 FROM session)
       RETURNING "codeHash"
     ), family AS (
       INSERT INTO "TokenFamily" ("id", "kind", "clientId", "userId", "scopes", "expiresAt", "lastUsedAt", "createdAt")
       SELECT $3, 'authorization_code', $5, $6, $7::text[], $8::timestamp(3), $2::timestamp(3), $2::timestamp(3) FROM claimed
       RETURNING "id"
     ), token AS (
       INSERT INTO "RefreshToken" ("id", "tokenHash", "familyId", "expiresAt", "accessTokenJti", "accessTokenExpiresAt", "createdAt")
       SELECT $9, $10, "id", $11::timestamp(3), $12, $13::timestamp(3), $2::timestamp(3) FROM family
       RETURNING "id"
     )
     SELECT EXISTS (SELECT 1 FROM session) AS "sessionLive", EXISTS (SELECT 1 FROM token) AS "redeemed"`,
    [
      issuingSessionId,
      at,
      family.familyId,
      codeHash,
      family.clientId,
      family.userId,
      family.scopes,
      family.familyExpiresAt,
      family.refreshTokenId,
      family.refreshTokenHash,
      family.refreshTokenExpiresAt,
      family.accessTokenJti,
      family.accessTokenExpiresAt,
    ],
  );
  if (!outcome?.sessionLive) return "session_ended";
  return outcome.redeemed ? "redeemed" : "already_used";
}
