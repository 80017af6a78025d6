import { verifyWithOurKeys } from "./access-token-verification";
import type { OAuthClient } from "./clients";
import { revokeFamily } from "./family-revocation";
import { hashOpaqueToken, isOpaqueToken } from "./opaque-token";
import type { TokenContext } from "./token-context";

/**
 * Token revocation (RFC 7009 §2). Unknown tokens, and tokens of another client, are ignored: the
 * answer is the same, so nothing can be learnt from it. A refresh token takes its family (and the
 * family's access tokens) with it; an access token is denied until it expires.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export async function revokeToken(context: TokenContext, client: OAuthClient, token: string): Promise<void> {
  if (isOpaqueToken("refreshToken", token)) {
    const row = await context.db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, select: { familyId: true, family: { select: { clientId: true } } } });
    if (row && row.family.clientId === client.id) await revokeFamily(context, row.familyId, "revoked_by_client");
    return;
  }
  const claims = await verifyWithOurKeys(context, token).catch(() => null);
  if (claims && claims.client_id === client.id) await context.revocations.revokeAccessTokens([{ jti: claims.jti, expiresAt: new Date(claims.exp * 1000) }]);
}
