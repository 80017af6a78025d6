import { randomBytes } from "node:crypto";

import { sha256Hex } from "@/server/crypto/secret-hash";

/**
 * Opaque secrets: refresh tokens, authorization codes, client secrets, device codes. 256 random bits, prefixed so a
 * leaked one is recognisable (secret scanners, logs) and cannot be mistaken for another kind. Only the
 * SHA-256 is stored: a hash of a high-entropy secret needs no salt or slow KDF (see server/crypto/secret-hash.ts).
 */
export const TOKEN_PREFIXES = { refreshToken: "ghr_", authorizationCode: "ghc_", clientSecret: "ghs_", deviceCode: "ghd_" } as const;

export type OpaqueTokenKind = keyof typeof TOKEN_PREFIXES;

export function generateOpaqueToken(kind: OpaqueTokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(32).toString("base64url");
}

/** The stored form of an opaque token: what the database's `tokenHash`, `codeHash` and `secretHash` hold. */
export function hashOpaqueToken(token: string): string {
  return sha256Hex(token);
}

/** Shape check before any I/O: garbage never reaches the database. */
export function isOpaqueToken(kind: OpaqueTokenKind, value: string): boolean {
  const prefix = TOKEN_PREFIXES[kind];
  return value.length === prefix.length + 43 && value.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length));
}
