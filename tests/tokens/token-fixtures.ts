import { exportJWK, generateKeyPair, type JWK } from "jose";

import { createHash, randomBytes } from "node:crypto";

/** An in-memory signing key for token-service tests (the key store has its own tests). */
export async function testKeys(kid = "test-key-1") {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk,
    store: {
      currentSigningKey: async () => ({ kid, privateKey }),
      verificationKey: async (requested: string) => (requested === kid ? publicKey : null),
    },
  };
}

/** A PKCE pair (RFC 7636 §4.1-4.2). */
export function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}
