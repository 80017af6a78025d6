import { createHash } from "node:crypto";

import { constantTimeEqual } from "@/server/crypto/constant-time";

/**
 * RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time.
 * Only S256: with `plain` the challenge would be the verifier, and anyone who saw the authorization
 * request could redeem the code.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export function pkceMatches(codeVerifier: string, codeChallenge: string): boolean {
  const computed = createHash("sha256").update(codeVerifier, "ascii").digest("base64url");
  return constantTimeEqual(computed, codeChallenge);
}
