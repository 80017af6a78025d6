import { z } from "zod";

import type { TokenPair } from "@/lib/token-response";

import { newRowId } from "@/server/database";

import type { OAuthClient } from "../clients";
import { findAuthorizationCode, redeemAuthorizationCode } from "../code-redemption";
import { revokeFamily } from "../family-revocation";
import { mintAccessToken, refreshExpiry, tokenResponse } from "../mint";
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from "../opaque-token";
import { pkceMatches } from "../pkce";
import type { TokenContext } from "../token-context";
import { assertClientMayUse, defineGrant, invalidGrant } from "./grant";
import { requiredParameter } from "./required-parameter";

/** The authorization_code grant's parameters (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const authorizationCodeGrantSchema = z.object({
  grant_type: z.literal("authorization_code"),
  code: requiredParameter(4096),
  redirect_uri: requiredParameter(2048),
  code_verifier: z
    .string({ error: "is required (PKCE, RFC 7636)" })
    // RFC 7636 §4.1: 43 to 128 unreserved characters.
    .regex(/^[A-Za-z0-9\-._~]{43,128}$/, { error: "must be 43 to 128 unreserved characters (RFC 7636 §4.1)" }),
});

export const authorizationCodeGrant = defineGrant({
  grantType: "authorization_code",
  schema: authorizationCodeGrantSchema,
  handle: (context, client, params) => exchangeAuthorizationCode(context, client, { code: params.code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier }),
});

/**
 * The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6). A code works once: presented again,
 * it revokes the tokens its first use issued (RFC 6749 §4.1.2).
 * @throws {OAuthError}
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export async function exchangeAuthorizationCode(context: TokenContext, client: OAuthClient, input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenPair> {
  const { sql, config, now, audit, isSessionActive } = context;
  assertClientMayUse(client, "authorization_code");
  // Made only when thrown (an Error captures its stack when constructed).
  const invalidCode = () => invalidGrant("The authorization code is invalid, expired or already used.");
  const sessionEnded = () => invalidGrant("The browser session that approved this code has ended.");
  if (!isOpaqueToken("authorizationCode", input.code)) throw invalidCode();
  const codeHash = hashOpaqueToken(input.code);
  const row = await findAuthorizationCode(sql, codeHash);
  if (!row || row.clientId !== client.id) throw invalidCode();
  if (row.usedAt) {
    if (row.familyId) await revokeForReuse(context, row.familyId, row.userId, client.id);
    throw invalidCode();
  }
  if (row.expiresAt <= now()) throw invalidCode();
  // A code issued before "sign out everywhere" must not start a pair after it.
  if (row.tokensValidAfter && row.createdAt < row.tokensValidAfter) throw invalidCode();
  if (row.redirectUri !== input.redirectUri) throw invalidGrant("redirect_uri differs from the one the code was issued for.");
  if (!pkceMatches(input.codeVerifier, row.codeChallenge)) throw invalidGrant("The PKCE code_verifier does not match the code_challenge.");
  // The code stands for a person's approval in one browser session: once that device has signed out
  // (or its session expired) the code is worthless, even within its minute.
  const { issuingSessionId } = row;
  if (!issuingSessionId || !(row.session && isSessionActive(row.session, now()))) throw sessionEnded();

  const access = await mintAccessToken(context, row.userId, client.id, row.scopes);
  const refreshToken = generateOpaqueToken("refreshToken");
  const familyExpiresAt = new Date(now().getTime() + config.familyMaxAgeSeconds * 1000);
  const family = {
    familyId: newRowId(),
    clientId: client.id,
    userId: row.userId,
    scopes: row.scopes,
    familyExpiresAt,
    refreshTokenId: newRowId(),
    refreshTokenHash: hashOpaqueToken(refreshToken),
    refreshTokenExpiresAt: refreshExpiry(context, familyExpiresAt),
    accessTokenJti: access.jti,
    accessTokenExpiresAt: access.expiresAt,
  };
  const outcome = await redeemAuthorizationCode(sql, { codeHash, issuingSessionId, family, at: now() });
  if (outcome === "session_ended") throw sessionEnded();
  if (outcome === "already_used") {
    // Lost the race to a concurrent exchange of the same code: a code used twice revokes what it issued.
    const winner = await findAuthorizationCode(sql, codeHash);
    if (winner?.familyId) await revokeForReuse(context, winner.familyId, row.userId, client.id);
    throw invalidCode();
  }
  audit({ event: "tokens_issued", actorId: row.userId, subjectId: row.userId, details: { familyId: family.familyId, clientId: client.id, kind: "authorization_code" } });
  return tokenResponse(context, access.token, access.exp, refreshToken, access.scope, access.iat);
}

/** RFC 6749 §4.1.2: a code presented again revokes the tokens its first use issued. */
async function revokeForReuse(context: TokenContext, familyId: string, userId: string, clientId: string): Promise<void> {
  if (await revokeFamily(context, familyId, "authorization_code_reuse")) {
    context.audit({ event: "authorization_code_reused", subjectId: userId, details: { familyId, clientId } });
  }
}
