import { base64url, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from "jose";

/** Where the authorization server publishes its public keys (RFC 7517 §5; same origin, so CSP allows it). */
export const JWKS_PATH = "/.well-known/jwks.json";

export interface DecodedAccessToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The three base64url segments: header, payload, signature. */
  segments: [string, string, string];
}

/** Reads a JWT without checking it: anyone holding a JWT can do this, which is why it carries no secrets. */
export function decodeAccessToken(token: string): DecodedAccessToken | null {
  const segments = token.split(".");
  if (segments.length !== 3) return null;
  try {
    return { header: { ...decodeProtectedHeader(token) }, payload: { ...decodeJwt(token) }, segments: segments as [string, string, string] };
  } catch {
    return null;
  }
}

export type SignatureCheck = { valid: true; kid: string } | { valid: false; reason: string };

/**
 * Checks the token in this browser as any resource server would: the signature against the published
 * JWKS (ES256 only: an `alg` taken from the token itself is how "alg: none" attacks work), then iss,
 * aud and the RFC 9068 `typ: at+jwt` header, then exp.
 */
export async function checkAccessTokenSignature(token: string, expected: { issuer: string; audience: string }): Promise<SignatureCheck> {
  try {
    const response = await fetch(JWKS_PATH, { credentials: "omit" });
    if (!response.ok) return { valid: false, reason: `${JWKS_PATH} answered ${response.status}` };
    const jwks = createLocalJWKSet((await response.json()) as JSONWebKeySet);
    const { protectedHeader } = await jwtVerify(token, jwks, { algorithms: ["ES256"], typ: "at+jwt", issuer: expected.issuer, audience: expected.audience });
    return { valid: true, kid: protectedHeader.kid ?? "(no kid)" };
  } catch (error) {
    if (error instanceof errors.JOSEError) return { valid: false, reason: `${error.code}: ${error.message}` };
    return { valid: false, reason: error instanceof Error ? error.message : "the check could not run" };
  }
}

/**
 * The same token with its payload edited (`sub` made someone else's) and the original signature kept:
 * what an attacker who holds a token and wants more would try. The signature no longer matches.
 */
export function forgeAccessToken(token: string): string {
  const decoded = decodeAccessToken(token);
  if (!decoded) return token;
  const payload = { ...decoded.payload, sub: "someone-else" };
  return [decoded.segments[0], base64url.encode(JSON.stringify(payload)), decoded.segments[2]].join(".");
}
