import type { JWK } from "jose";

import type { PrismaClient } from "@/generated/prisma/client";
import type { PrivateSigningJwk } from "@/server/env-schema";

import { createEnvironmentKeyStore } from "./environment-key-store";
import { configurationError } from "./signing-jwk";
import { createTableKeyStore } from "./table-key-store";

/**
 * The ES256 keys that sign access tokens: which one signs now, which ones are published in the JWK Set,
 * and rotation. Keys live in the `SigningKey` table (private halves sealed, see key-encryption.ts;
 * the schedule in key-schedule.ts), or, on deployments without database-held keys, in TOKEN_SIGNING_KEYS.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 JSON Web Key
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK Thumbprint (our kids)
 */
export interface SigningKeyStore {
  /** The key that signs now: the newest whose activatesAt <= now. Creates and activates the first key at once when the table has none (safe: no token can exist yet). */
  currentSigningKey(): Promise<{ kid: string; privateKey: CryptoKey }>;
  /** The public key for a token's `kid`, or null when that kid is not published. Hot path: served from memory. */
  verificationKey(kid: string): Promise<CryptoKey | null>;
  /** The JWK Set to publish: pending keys, the current key, and superseded keys until every token they signed has expired. Public members only (kty, crv, x, y, kid, alg: "ES256", use: "sig"). */
  publishedJwks(): Promise<{ keys: JWK[] }>;
  /** Adds a new key, published at once, signing after activationDelayMs. */
  rotate(): Promise<{ kid: string; activatesAt: Date }>;
}

export interface SigningKeyStoreOptions {
  /** The table (absent when `envKeys` are given). */
  db?: PrismaClient;
  /** Seals and opens the private halves in the table; required with `db`. 32 bytes. */
  encryptionKey?: Uint8Array;
  /** TOKEN_SIGNING_KEYS: replaces the table; the first signs, all are published. */
  envKeys?: PrivateSigningJwk[];
  now?: () => Date;
  /** Default 10 minutes: a rotated key is published this long before it signs (> JWKS max-age 5 min + cache refresh). */
  activationDelayMs?: number;
  /** Access-token TTL + clock skew allowance: how long a superseded key stays published (see `maxTokenLifetimeMs`). */
  maxTokenLifetimeMs: number;
  /** Default 60 s: how long the in-process copy of the key table is trusted. */
  cacheTtlMs?: number;
}

/**
 * The signing keys of one process: from the table (cached in memory) or from the environment.
 * @throws {SigningKeyStoreError} `invalid_configuration` when neither keys nor a database are usable.
 */
export function createSigningKeyStore(options: SigningKeyStoreOptions): SigningKeyStore {
  if (!(options.maxTokenLifetimeMs >= 0)) throw configurationError("maxTokenLifetimeMs must be a non-negative number");
  if (options.envKeys && options.envKeys.length > 0) return createEnvironmentKeyStore(options.envKeys);
  if (!options.db) throw configurationError("give either the database or TOKEN_SIGNING_KEYS");
  if (options.encryptionKey?.byteLength !== 32) throw configurationError("the key-encryption key must be 32 bytes");
  return createTableKeyStore(options.db, options.encryptionKey, options);
}
