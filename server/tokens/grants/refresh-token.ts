import { decodeJwt } from "jose";
import { z } from "zod";

import type { TokenPair } from "@/lib/token-response";
import { newRowId } from "@/server/database";

import type { OAuthClient } from "../clients";
import { OAuthError } from "../errors";
import { revokeFamily } from "../family-revocation";
import { mintAccessToken, refreshExpiry, tokenResponse } from "../mint";
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from "../opaque-token";
import { findRefreshToken, rotateRefreshToken } from "../refresh-rotation";
import { openSuccessor, sealSuccessor } from "../successor-seal";
import type { TokenContext } from "../token-context";
import { assertClientMayUse, defineGrant, invalidGrant } from "./grant";
import { requiredParameter } from "./required-parameter";
import { scopeParameterSchema } from "./scope-parameter";

const STALE_REFRESH = "The refresh token is invalid, expired or revoked.";

/** The refresh_token grant's parameters (RFC 6749 §6). */
export const refreshTokenGrantSchema = z.object({
  grant_type: z.literal("refresh_token"),
  refresh_token: requiredParameter(4096),
  scope: scopeParameterSchema.optional(),
});

export const refreshTokenGrant = defineGrant({
  grantType: "refresh_token",
  schema: refreshTokenGrantSchema,
  handle: (context, client, params) => exchangeRefreshToken(context, client, { refreshToken: params.refresh_token, scopes: params.scope }),
});

/**
 * The refresh_token grant (RFC 6749 §6) with rotation: the presented token is retired and a successor
 * issued. An optional narrower `scopes` applies to the new access token only.
 * @throws {OAuthError}
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2 refresh token rotation
 */
export async function exchangeRefreshToken(context: TokenContext, client: OAuthClient, input: { refreshToken: string; scopes?: string[] }): Promise<TokenPair> {
  const { sql, now, isSessionActive } = context;
  assertClientMayUse(client, "refresh_token");
  if (!isOpaqueToken("refreshToken", input.refreshToken)) throw invalidGrant(STALE_REFRESH);
  const row = await findRefreshToken(sql, hashOpaqueToken(input.refreshToken));
  // Another client's token: refused, but not treated as reuse (the holder may just be confused).
  if (!row || row.clientId !== client.id || row.familyRevokedAt) throw invalidGrant(STALE_REFRESH);
  if (row.retiredAt) return answerRetired(context, input.refreshToken, row.id);
  if (row.expiresAt <= now() || row.familyExpiresAt <= now()) throw invalidGrant(STALE_REFRESH);
  if (row.sessionId && !(row.session && isSessionActive(row.session, now()))) {
    await revokeFamily(context, row.familyId, "session_ended");
    throw invalidGrant(STALE_REFRESH);
  }
  const scopes = input.scopes && input.scopes.length > 0 ? input.scopes : row.scopes;
  if (!scopes.every((scope) => row.scopes.includes(scope))) throw new OAuthError("invalid_scope", "A refresh can only keep or narrow the granted scopes.");

  const access = await mintAccessToken(context, row.userId, client.id, scopes);
  const successor = generateOpaqueToken("refreshToken");
  const sealed = sealSuccessor(input.refreshToken, { refreshToken: successor, accessToken: access.token, scope: access.scope, expiresAt: access.exp });
  const outcome = await rotateRefreshToken(sql, {
    familyId: row.familyId,
    presentedId: row.id,
    successor: {
      id: newRowId(),
      tokenHash: hashOpaqueToken(successor),
      expiresAt: refreshExpiry(context, row.familyExpiresAt),
      accessTokenJti: access.jti,
      accessTokenExpiresAt: access.expiresAt,
      sealed,
    },
    at: now(),
  });
  if (outcome === "family_revoked") throw invalidGrant(STALE_REFRESH);
  // Lost the race to a concurrent rotation of the same token: answered as the retired token it now is.
  if (outcome === "already_retired") return answerRetired(context, input.refreshToken, row.id);
  return tokenResponse(context, access.token, access.exp, successor, access.scope, access.iat);
}

/** A retired refresh token presented again: the same successor within the grace window, else the family dies. */
async function answerRetired(context: TokenContext, refreshToken: string, tokenId: string): Promise<TokenPair> {
  const { db, config, now, audit } = context;
  const row = await db.refreshToken.findUniqueOrThrow({
    where: { id: tokenId },
    select: { familyId: true, retiredAt: true, successorId: true, successorSealed: true, family: { select: { userId: true, clientId: true, revokedAt: true } } },
  });
  const successor = row.successorId ? await db.refreshToken.findUnique({ where: { id: row.successorId }, select: { retiredAt: true } }) : null;
  const withinGrace = row.retiredAt !== null && now().getTime() - row.retiredAt.getTime() <= config.reuseGraceSeconds * 1000;
  if (withinGrace && successor && successor.retiredAt === null && row.successorSealed && !row.family.revokedAt) {
    const pair = await openSuccessor(refreshToken, row.successorSealed);
    // Its access token may have been revoked since (RFC 7009, or "sign out everywhere"): handed out again
    // it would be a dead token given as new. The retry is refused; the successor refresh token stays as it is.
    if (await isRevokedAccessToken(context, pair.accessToken, row.family.userId)) throw invalidGrant(STALE_REFRESH);
    return tokenResponse(context, pair.accessToken, pair.expiresAt, pair.refreshToken, pair.scope);
  }
  // RFC 9700 §4.14.2: a rotated refresh token used again means two parties hold it; one is an attacker,
  // and we cannot tell which, so the whole family goes.
  const revoked = await revokeFamily(context, row.familyId, "refresh_token_reuse");
  if (revoked) {
    audit({ event: "refresh_token_reused", subjectId: row.family.userId, details: { familyId: row.familyId, clientId: row.family.clientId } });
  }
  throw invalidGrant(STALE_REFRESH);
}

/** Whether an access token this server signed (a sealed successor's) has been revoked since. */
async function isRevokedAccessToken(context: TokenContext, accessToken: string, userId: string | null): Promise<boolean> {
  const { jti, iat } = decodeJwt(accessToken);
  return typeof jti !== "string" || typeof iat !== "number" || (await context.revocations.isRevoked({ jti, userId, iat }));
}
