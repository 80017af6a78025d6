import { z } from "zod";

import type { TokenResponse } from "@/lib/token-response";

import type { OAuthClient } from "../clients";
import { IssuingSessionEndedError } from "../errors";
import { revokeFamily } from "../family-revocation";
import { lockIssuingSession } from "../issuing-session";
import { mintAccessToken } from "../mint";
import { hashOpaqueToken, isOpaqueToken } from "../opaque-token";
import { pkceMatches } from "../pkce";
import { startFamily } from "../start-family";
import type { TokenContext } from "../token-context";
import { assertClientMayUse, defineGrant, invalidGrant, RotationRaceLost } from "./grant";

/** The authorization_code grant's parameters (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const authorizationCodeGrantSchema = z.object({
  grant_type: z.literal("authorization_code"),
  code: z.string({ error: "is required" }).max(4096),
  redirect_uri: z.string({ error: "is required" }).max(2048),
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
export async function exchangeAuthorizationCode(context: TokenContext, client: OAuthClient, input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenResponse> {
  const { db, now, audit, isSessionLive } = context;
  assertClientMayUse(client, "authorization_code");
  // Made only when thrown (an Error captures its stack when constructed).
  const invalidCode = () => invalidGrant("The authorization code is invalid, expired or already used.");
  if (!isOpaqueToken("authorizationCode", input.code)) throw invalidCode();
  const codeHash = hashOpaqueToken(input.code);
  const row = await db.authorizationCode.findUnique({ where: { codeHash } });
  if (!row || row.clientId !== client.id) throw invalidCode();
  if (row.usedAt) {
    if (row.familyId && (await revokeFamily(context, row.familyId, "authorization_code_reuse"))) {
      audit({ event: "authorization_code_reused", subjectId: row.userId, details: { familyId: row.familyId, clientId: client.id } });
    }
    throw invalidCode();
  }
  if (row.expiresAt <= now()) throw invalidCode();
  // A code issued before "sign out everywhere" must not start a pair after it.
  const owner = await db.user.findUnique({ where: { id: row.userId }, select: { tokensValidAfter: true } });
  if (!owner || (owner.tokensValidAfter && row.createdAt < owner.tokensValidAfter)) throw invalidCode();
  if (row.redirectUri !== input.redirectUri) throw invalidGrant("redirect_uri differs from the one the code was issued for.");
  if (!pkceMatches(input.codeVerifier, row.codeChallenge)) throw invalidGrant("The PKCE code_verifier does not match the code_challenge.");
  // The code stands for a person's approval in one browser session: once that device has signed out
  // (or its session expired) the code is worthless, even within its minute.
  const { issuingSessionId } = row;
  if (!issuingSessionId || !(await isSessionLive(issuingSessionId))) throw invalidGrant("The browser session that approved this code has ended.");

  // Minted before the transaction (see startFamily); if the claim below loses, it is never handed out.
  const access = await mintAccessToken(context, row.userId, client.id, row.scopes);
  const issued = await db
    .$transaction(async (tx) => {
      // Claims the code; a concurrent exchange waits on the row lock, then finds it used.
      // Held until commit: a sign-out ending that session now waits, or has already run and refuses here.
      await lockIssuingSession(tx, issuingSessionId);
      const claimed = await tx.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now() } });
      if (claimed.count === 0) throw new RotationRaceLost();
      const started = await startFamily(context, tx, { kind: "authorization_code", clientId: client.id, userId: row.userId, scopes: row.scopes }, access);
      await tx.authorizationCode.update({ where: { codeHash }, data: { familyId: started.familyId } });
      return started;
    })
    .catch(async (error: unknown) => {
      if (error instanceof IssuingSessionEndedError) throw invalidGrant("The browser session that approved this code has ended.");
      if (!(error instanceof RotationRaceLost)) throw error;
      const winner = await db.authorizationCode.findUnique({ where: { codeHash }, select: { familyId: true } });
      if (winner?.familyId) await revokeFamily(context, winner.familyId, "authorization_code_reuse");
      throw invalidCode();
    });
  audit({ event: "tokens_issued", actorId: row.userId, subjectId: row.userId, details: { familyId: issued.familyId, clientId: client.id, kind: "authorization_code" } });
  return issued.response;
}
