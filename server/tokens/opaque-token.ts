import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Opaque secrets: refresh tokens, authorization codes, client secrets. 256 random bits, prefixed so a
 * leaked one is recognisable (secret scanners, logs) and cannot be mistaken for another kind. Only the
 * SHA-256 is stored: a hash of a high-entropy secret needs no salt or slow KDF.
 */
export const TOKEN_PREFIXES = { refreshToken: "ghr_", authorizationCode: "ghc_", clientSecret: "ghs_" } as const;

export type OpaqueTokenKind = keyof typeof TOKEN_PREFIXES;

export function generateOpaqueToken(kind: OpaqueTokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(32).toString("base64url");
}

export function hashOpaqueToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Shape check before any I/O: garbage never reaches the database. */
export function isOpaqueToken(kind: OpaqueTokenKind, value: string): boolean {
  const prefix = TOKEN_PREFIXES[kind];
  return value.length === prefix.length + 43 && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length));
}

/** Constant-time comparison of two hex digests (a secret's hash against the stored one). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
