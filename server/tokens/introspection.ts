import { liveAccessTokenClaims } from "./access-token-verification";
import type { OAuthClient } from "./clients";
import { OAuthError, TokenVerificationError } from "./errors";
import { hashOpaqueToken, isOpaqueToken } from "./opaque-token";
import { secondsOf, type TokenContext } from "./token-context";

/** An RFC 7662 §2.2 answer: `{ active: false }`, or the token's claims with `active: true`. */
export type IntrospectionResponse = Record<string, string | number | boolean>;

/**
 * Token introspection (RFC 7662 §2.2) for a resource server: `active: false` and nothing else for
 * anything expired, revoked, retired, malformed or not ours.
 *
 * Only an authenticated confidential client marked `mayIntrospect` may ask (§2.1, §4): otherwise any
 * client could test tokens it came across, and learn whose they are.
 * @throws {OAuthError} invalid_client (401) for any other client, before the token is looked at.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export async function introspect(context: TokenContext, client: OAuthClient, token: string): Promise<IntrospectionResponse> {
  assertMayIntrospect(client);
  if (isOpaqueToken("refreshToken", token)) return introspectRefreshToken(context, token);
  try {
    return { active: true, token_type: "Bearer", ...(await liveAccessTokenClaims(context, token)) };
  } catch (error) {
    if (error instanceof TokenVerificationError) return { active: false };
    throw error;
  }
}

/**
 * Only an authenticated confidential client marked `mayIntrospect` may introspect (RFC 7662 §2.1, §4).
 * @throws {OAuthError} invalid_client (401) for any other.
 */
export function assertMayIntrospect(client: OAuthClient): void {
  if (client.type !== "confidential" || !client.mayIntrospect) throw new OAuthError("invalid_client", "This client may not introspect tokens.");
}

async function introspectRefreshToken({ db, config, now }: TokenContext, token: string): Promise<IntrospectionResponse> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, include: { family: true } });
  const active = row && !row.retiredAt && !row.family.revokedAt && row.expiresAt > now() && row.family.expiresAt > now();
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
