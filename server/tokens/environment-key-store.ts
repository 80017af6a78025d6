import type { PrivateSigningJwk } from "@/server/env-schema";

import { SigningKeyStoreError } from "./errors";
import type { SigningKeyStore } from "./key-store";
import { configurationError, importPrivateKey, importPublicKey, isWellFormedKid, memoize, publishedJwk } from "./signing-jwk";

const ENVIRONMENT_ROTATION_STEPS = [
  "The signing keys come from TOKEN_SIGNING_KEYS, so they are rotated by redeploying, in four steps:",
  "  1. `npm run keys:generate`, and add the new key to TOKEN_SIGNING_KEYS after the current one (the first one signs; all are published); deploy.",
  "  2. Wait at least 10 minutes, so that every verifier's cached JWK Set holds the new key.",
  "  3. Move the new key first; deploy. It signs from now on.",
  "  4. After the access-token lifetime (plus a minute), remove the old key; deploy.",
].join("\n");

/**
 * The keys of TOKEN_SIGNING_KEYS, on deployments without database-held keys: the first signs, all are
 * published, and rotation is a redeploy (`rotate()` says how).
 * @throws {SigningKeyStoreError} `invalid_configuration` for a malformed or repeated kid.
 */
export function createEnvironmentKeyStore(envKeys: PrivateSigningJwk[]): SigningKeyStore {
  const byKid = new Map<string, PrivateSigningJwk>();
  for (const key of envKeys) {
    if (!isWellFormedKid(key.kid)) throw configurationError(`TOKEN_SIGNING_KEYS has a malformed kid`);
    if (byKid.has(key.kid)) throw configurationError(`TOKEN_SIGNING_KEYS names kid ${key.kid} twice`);
    byKid.set(key.kid, key);
  }
  const signing = envKeys[0]!;
  const privateKeys = new Map<string, Promise<CryptoKey>>();
  const publicKeys = new Map<string, Promise<CryptoKey>>();

  return {
    async currentSigningKey() {
      return { kid: signing.kid, privateKey: await memoize(privateKeys, signing.kid, () => importPrivateKey(signing)) };
    },
    async verificationKey(kid) {
      const key = isWellFormedKid(kid) ? byKid.get(kid) : undefined;
      return key ? memoize(publicKeys, kid, () => importPublicKey(key)) : null;
    },
    async publishedJwks() {
      return { keys: envKeys.map((key) => publishedJwk(key.kid, key)) };
    },
    async rotate() {
      throw new SigningKeyStoreError("keys_from_environment", ENVIRONMENT_ROTATION_STEPS);
    },
  };
}
