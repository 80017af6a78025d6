import { randomBytes } from "node:crypto";

import { sha256Hex } from "@/server/crypto/secret-hash";

/**
 * Session tokens: 256 random bits in the cookie, and only their SHA-256 in the database and the cache.
 * A hash of a high-entropy token needs no salt or slow KDF: it cannot be guessed, only stolen, and the
 * hash is useless as a cookie (see server/crypto/secret-hash.ts).
 */
export function generateSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return sha256Hex(token);
}

/** Cheap shape check before any I/O: hostile or garbage cookies never reach Redis or PostgreSQL. */
export function isWellFormedSessionToken(token: unknown): token is string {
  // Our tokens are 43 base64url characters; Auth.js's older UUID tokens (36) are still accepted.
  return typeof token === "string" && token.length >= 36 && token.length <= 64 && /^[A-Za-z0-9_-]+$/.test(token);
}
