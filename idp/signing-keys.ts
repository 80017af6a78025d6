// Keys generated at every start: nothing to keep secret in the repo, nothing to rotate by hand.
import { generateKeyPair, randomBytes, randomUUID, type JsonWebKey } from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A fresh RS256 signing key as a private JWK set for oidc-provider's `jwks` option.
 *
 * RS256 because it is the ID token algorithm a client assumes when it registers none (OpenID Connect
 * Registration 1.0 §2, `id_token_signed_response_alg`), which is what Auth.js / oauth4webapi check by default.
 */
export async function generateSigningJwks(): Promise<{ keys: JsonWebKey[] }> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: randomUUID(), alg: "RS256", use: "sig" }] };
}

/** Random keys for oidc-provider's signed cookies (Koa keygrip); sessions do not survive a restart anyway. */
export function generateCookieKeys(): string[] {
  return [randomBytes(32).toString("base64url")];
}
