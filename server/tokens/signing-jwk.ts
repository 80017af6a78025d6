import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { z } from "zod";

import type { PrivateSigningJwk } from "@/server/env-schema";

import { SigningKeyStoreError } from "./errors";

/**
 * The ES256 JWKs our signing keys are, whichever store holds them: kids, the members we publish, and
 * importing them for jose.
 * @see https://www.rfc-editor.org/rfc/rfc7517 JSON Web Key
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK Thumbprint (our kids)
 */

export const SIGNING_ALGORITHM = "ES256";

/** Anything else is refused before a lookup: kids come from attackers' token headers. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
export const publicEcJwkSchema = z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: base64url, y: base64url });
export type PublicEcJwk = z.output<typeof publicEcJwkSchema>;

export function isWellFormedKid(kid: unknown): kid is string {
  return typeof kid === "string" && KID_PATTERN.test(kid);
}

/** A new ES256 private JWK whose kid is its RFC 7638 thumbprint: what `npm run keys:generate` prints. */
export async function generateSigningJwk(): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(privateKey);
  if (kty !== "EC" || crv !== "P-256" || !x || !y || !d) throw new Error("generateSigningJwk: unexpected key export");
  const kid = await calculateJwkThumbprint({ kty, crv, x, y }, "sha256");
  return { kty: "EC", crv: "P-256", kid, x, y, d };
}

/** The members we publish, built field by field so a private member can never leak into the JWK Set. */
export function publishedJwk(kid: string, jwk: PublicEcJwk) {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: SIGNING_ALGORITHM, use: "sig" } satisfies JWK;
}

export function importPublicKey(jwk: PublicEcJwk): Promise<CryptoKey> {
  return importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, SIGNING_ALGORITHM);
}

export function importPrivateKey(jwk: PublicEcJwk & { d: string }): Promise<CryptoKey> {
  return importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d }, SIGNING_ALGORITHM);
}

/** Imports once per kid (importJWK costs far more than a map lookup); a failed import is retried next time. */
export function memoize<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = load();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

export function configurationError(message: string): SigningKeyStoreError {
  return new SigningKeyStoreError("invalid_configuration", `Signing keys: ${message}`);
}
