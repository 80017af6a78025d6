import { randomBytes } from "node:crypto";

import type { TokenPair } from "@/lib/token-response";

import { CLIENT_TOKEN_GRANT, signAccessToken } from "./access-token";
import { secondsOf, type TokenContext } from "./token-context";

export interface MintedAccessToken {
  token: string;
  jti: string;
  /** Space-separated, as the token's `scope` claim. */
  scope: string;
  /** Seconds, as the token's `iat` and `exp` claims. */
  iat: number;
  exp: number;
  expiresAt: Date;
}

/**
 * Signs a new access token (RFC 9068) for `sub` with the current signing key. Callers mint *before*
 * opening a transaction: minting may reload the signing keys through the shared client (see
 * start-family.ts for why that must not happen inside one).
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export async function mintAccessToken(
  { keys, config, now }: TokenContext,
  sub: string,
  clientId: string,
  scopes: readonly string[],
  { clientToken = false }: { clientToken?: boolean } = {},
): Promise<MintedAccessToken> {
  const key = await keys.currentSigningKey();
  const iat = secondsOf(now());
  const exp = iat + config.accessTokenTtlSeconds;
  const jti = randomBytes(16).toString("base64url");
  const scope = scopes.join(" ");
  const token = signAccessToken(key, { iss: config.issuer, aud: config.audience, sub, client_id: clientId, scope, jti, iat, exp, ...(clientToken ? { gty: CLIENT_TOKEN_GRANT } : {}) });
  return { token, jti, scope, iat, exp, expiresAt: new Date(exp * 1000) };
}

/** A new refresh token's end: its own lifetime, but never past its family's absolute end. */
export function refreshExpiry({ config, now }: TokenContext, familyExpiresAt: Date): Date {
  return new Date(Math.min(now().getTime() + config.refreshTokenTtlSeconds * 1000, familyExpiresAt.getTime()));
}

/**
 * The RFC 6749 §5.1 body for a pair. `expires_in` counts from `from` (seconds): a new token's issue
 * time, so it is the whole lifetime even when a second turns while the grant is written; by default
 * now, for a pair handed out again within the grace window (whose lifetime has partly run).
 */
export function tokenResponse({ now }: TokenContext, accessToken: string, exp: number, refreshToken: string, scope: string, from = secondsOf(now())): TokenPair {
  return { access_token: accessToken, token_type: "Bearer", expires_in: Math.max(0, exp - from), refresh_token: refreshToken, scope };
}
