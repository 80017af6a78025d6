import "server-only";

import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";

import { deriveKeyEncryptionKey } from "./key-encryption";
import { createSigningKeyStore, maxTokenLifetimeMs, type SigningKeyStore } from "./signing-keys";

/**
 * The app's signing keys: TOKEN_SIGNING_KEYS when set, else the SigningKey table, whose private halves
 * are sealed under TOKEN_KEY_ENCRYPTION_KEY (or a key derived from AUTH_SECRET, so development needs
 * nothing more). Kept on `globalThis` so hot reloads keep one in-memory copy of the keys.
 */
const globalForSigningKeys = globalThis as unknown as { gatehouseSigningKeys?: SigningKeyStore };

export function getSigningKeyStore(): SigningKeyStore {
  if (!globalForSigningKeys.gatehouseSigningKeys) {
    const env = getEnv();
    const { signingKeys, keyEncryptionKey, accessTokenTtlSeconds } = env.oauth;
    globalForSigningKeys.gatehouseSigningKeys = signingKeys
      ? createSigningKeyStore({ envKeys: signingKeys, maxTokenLifetimeMs: maxTokenLifetimeMs(accessTokenTtlSeconds) })
      : createSigningKeyStore({
          db: getDb(),
          encryptionKey: keyEncryptionKey ?? deriveKeyEncryptionKey(env.authSecret),
          maxTokenLifetimeMs: maxTokenLifetimeMs(accessTokenTtlSeconds),
        });
  }
  return globalForSigningKeys.gatehouseSigningKeys;
}
