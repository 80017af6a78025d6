import { CLIENT_TOKEN_GRANT, verifyAccessToken as verifyJwt, type AccessTokenClaims } from "./access-token";
import { TokenVerificationError } from "./errors";
import { secondsOf, type TokenContext } from "./token-context";

/** A verified, unrevoked access token, as the API resolver needs it. */
export interface VerifiedAccessToken {
  /** The person, or null for a client's own token (client credentials: `gty`, and sub = client_id, RFC 9068 §2.2). */
  userId: string | null;
  clientId: string;
  jti: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
}

/**
 * Checks a JWT against our issuer, audience and published keys (no cache, no revocation check).
 * @throws {TokenVerificationError}
 */
export function verifyWithOurKeys({ config, keys, now }: TokenContext, token: string): Promise<AccessTokenClaims> {
  return verifyJwt(token, { issuer: config.issuer, audience: config.audience, keyFor: (kid) => keys.verificationKey(kid), now, clockSkewSeconds: config.clockSkewSeconds });
}

/**
 * The claims of a valid, unrevoked access token. The signature is checked once per token and remembered
 * until the token expires (the verified-token cache); revocation is checked on every call.
 * @throws {TokenVerificationError} `revoked` for a denied jti, a token from before "sign out everywhere",
 *   or one issued to a client since revoked (its row, cached for at most a second: client-cache.ts).
 */
export async function liveAccessTokenClaims(context: TokenContext, token: string): Promise<AccessTokenClaims> {
  const { verified, config, revocations, clients } = context;
  let claims = verified.get(token);
  const nowSeconds = secondsOf(context.now());
  if (!claims) {
    claims = await verifyWithOurKeys(context, token);
    verified.remember(token, claims);
  } else if (claims.exp + config.clockSkewSeconds <= nowSeconds) {
    verified.forget(token);
    throw new TokenVerificationError("expired");
  }
  const [denied, client] = await Promise.all([revocations.isRevoked({ jti: claims.jti, userId: subjectUserId(claims), iat: claims.iat }), clients(claims.client_id)]);
  if (denied || !client || client.disabledAt) throw new TokenVerificationError("revoked");
  return claims;
}

/**
 * An API request's Bearer token, verified (RFC 6750 §2.1, RFC 9068 §4) and checked against revocation.
 * @throws {TokenVerificationError}
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export async function verifyAccessToken(context: TokenContext, token: string): Promise<VerifiedAccessToken> {
  const claims = await liveAccessTokenClaims(context, token);
  return {
    userId: subjectUserId(claims),
    clientId: claims.client_id,
    jti: claims.jti,
    scopes: claims.scope.split(" ").filter(Boolean),
    issuedAt: claims.iat,
    expiresAt: claims.exp,
  };
}

/** The person a token acts for, or null for a client's own token (access-token.ts, `gty`). */
function subjectUserId(claims: AccessTokenClaims): string | null {
  return claims.gty === CLIENT_TOKEN_GRANT ? null : claims.sub;
}
