import { hkdfSync } from "node:crypto";

import { CompactEncrypt, compactDecrypt, type JWK } from "jose";

import { AppError } from "@/lib/app-error";
import { brandErrorClass } from "@/lib/branded-error";

/**
 * Sealing the signing keys' private halves for storage in PostgreSQL: JWE compact serialisation, `dir`
 * with A256GCM under a 32-byte key-encryption key, so a copy of the database alone signs nothing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7516 JSON Web Encryption
 */

const KEY_BYTES = 32;
const HKDF_INFO = "gatehouse signing-key encryption v1";
/** Names the plaintext, so a sealed value can never be mistaken for (or opened as) another kind of JWE. */
const CONTENT_TYPE = "gatehouse-private-jwk";

export type SealedJwkFailure = "decryption_failed" | "kid_mismatch" | "invalid_payload";

/**
 * A sealed private JWK could not be opened. `decryption_failed`: wrong key-encryption key, or the
 * value was tampered with; `kid_mismatch`: a sealed key copied onto another key's row;
 * `invalid_payload`: it opened, but does not hold a private JWK.
 */
export class SealedJwkError extends AppError<SealedJwkFailure> {
  constructor(
    readonly code: SealedJwkFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SealedJwkError";
  }
}

brandErrorClass(SealedJwkError, "SealedJwkError");

/**
 * The key-encryption key used when TOKEN_KEY_ENCRYPTION_KEY is unset: HKDF-SHA256 of AUTH_SECRET, with
 * its own `info` so it is independent of every other key derived from that secret (Auth.js derives its
 * cookie keys from it too). Rotating AUTH_SECRET then makes the stored private keys unreadable: the
 * store publishes them until they expire and signs with a fresh key (see table-key-store.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5869 HKDF
 */
export function deriveKeyEncryptionKey(authSecret: string): Uint8Array {
  if (authSecret.length === 0) throw new TypeError("deriveKeyEncryptionKey: the secret is empty");
  // No salt: the input is already a high-entropy secret (RFC 5869 §3.1 makes the salt optional then).
  return new Uint8Array(hkdfSync("sha256", authSecret, new Uint8Array(0), HKDF_INFO, KEY_BYTES));
}

/**
 * Encrypts a private JWK under `key`. Its `kid` goes in the protected header, which A256GCM
 * authenticates, so `openPrivateJwk` can tell when a sealed value was moved onto another key's row.
 */
export async function sealPrivateJwk(jwk: JWK, key: Uint8Array): Promise<string> {
  assertKeyLength(key);
  if (!jwk.kid) throw new TypeError("sealPrivateJwk: the JWK has no kid");
  if (!jwk.d) throw new TypeError("sealPrivateJwk: the JWK is not a private key");
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: jwk.kid, cty: CONTENT_TYPE })
    .encrypt(key);
}

/**
 * Decrypts what `sealPrivateJwk` produced.
 *
 * @param expectedKid the kid of the row the value was read from: refused when the sealed kid differs.
 * @throws {SealedJwkError} when it cannot be opened with `key`, was tampered with, or names another kid.
 */
export async function openPrivateJwk(sealed: string, key: Uint8Array, expectedKid?: string): Promise<JWK> {
  assertKeyLength(key);
  let opened: Awaited<ReturnType<typeof compactDecrypt>>;
  try {
    // Only dir + A256GCM: a value rewritten to another algorithm is refused, not tried.
    opened = await compactDecrypt(sealed, key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
  } catch (error) {
    throw new SealedJwkError("decryption_failed", "The sealed private key cannot be decrypted: wrong key-encryption key, or altered", {
      cause: error,
    });
  }
  const { plaintext, protectedHeader } = opened;
  if (protectedHeader.cty !== CONTENT_TYPE) throw new SealedJwkError("invalid_payload", "The sealed value is not a private JWK");
  let jwk: JWK;
  try {
    jwk = JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch (error) {
    throw new SealedJwkError("invalid_payload", "The sealed value is not JSON", { cause: error });
  }
  if (typeof jwk !== "object" || jwk === null || typeof jwk.d !== "string") {
    throw new SealedJwkError("invalid_payload", "The sealed value is not a private JWK");
  }
  if (protectedHeader.kid !== jwk.kid || (expectedKid !== undefined && protectedHeader.kid !== expectedKid)) {
    throw new SealedJwkError("kid_mismatch", "The sealed private key belongs to another kid");
  }
  return jwk;
}

function assertKeyLength(key: Uint8Array) {
  if (key.byteLength !== KEY_BYTES) throw new TypeError(`The key-encryption key must be ${KEY_BYTES} bytes, not ${key.byteLength}`);
}
