import { liveAccessTokenClaims } from "./access-token-verification";
import type { OAuthClient } from "./clients";
import { OAuthError, TokenVerificationError } from "./errors";
import { hashOpaqueToken, isOpaqueToken } from "./opaque-token";
import { secondsOf, type TokenContext } from "./token-context";

/** An RFC 7662 §2.2 answer: `{ active: false }`, or the token's claims with `active: true`. */
export type IntrospectionResponse = Record<string, string | number | boolean>;

/**
 * Token introspection (RFC 7662 §2.2): `active: false` and nothing else for anything expired, revoked,
 * retired, malformed or not ours.
 *
 * Only an authenticated confidential client may ask (§2.1). It learns about the tokens issued to itself;
 * a resource server marked `mayIntrospect` about any token (§4: otherwise any client could test tokens it
 * came across, and learn whose they are). Another client's token is `active: false` to the first.
 * @throws {OAuthError} invalid_client (401) for a public client, before the token is looked at.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export async function introspect(context: TokenContext, client: OAuthClient, token: string): Promise<IntrospectionResponse> {
  assertMayIntrospect(client);
  const visible = (clientId: string) => client.mayIntrospect || clientId === client.id;
  if (isOpaqueToken("refreshToken", token)) return introspectRefreshToken(context, token, visible);
  try {
    const claims = await liveAccessTokenClaims(context, token);
    return visible(claims.client_id) ? { active: true, token_type: "Bearer", ...claims } : { active: false };
  } catch (error) {
    if (error instanceof TokenVerificationError) return { active: false };
    throw error;
  }
}

/**
 * Only an authenticated confidential client may introspect (RFC 7662 §2.1).
 * @throws {OAuthError} invalid_client (401) for a public one.
 */
export function assertMayIntrospect(client: OAuthClient): void {
  if (client.type !== "confidential") throw new OAuthError("invalid_client", "Only a confidential client may introspect tokens.");
}

async function introspectRefreshToken({ db, config, now }: TokenContext, token: string, visible: (clientId: string) => boolean): Promise<IntrospectionResponse> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, include: { family: true } });
  const active = row && !row.retiredAt && !row.family.revokedAt && row.expiresAt > now() && row.family.expiresAt > now() && visible(row.family.clientId);
  if (!active) return { active: false };
  return {
    active: true,
    token_type: "refresh_token",
    client_id: row.family.clientId,
    sub: row.family.userId,
    scope: row.family.scopes.join(" "),
    iat: secondsOf(row.createdAt),
    exp: secondsOf(row.expiresAt),
    iss: config.issuer,
  };
}
