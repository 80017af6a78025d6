import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether two secrets (or hashes of secrets) are equal, in a time that tells an attacker nothing about
 * where they differ, nor how long the expected one is.
 *
 * `timingSafeEqual` alone needs buffers of equal length, and the usual guard (`a.length === b.length &&
 * ...`) returns early, so the time of a refusal says whether the length was right. Both sides are
 * hashed to 32 bytes first instead: the comparison is always of equal lengths, and equal digests mean
 * equal strings (SHA-256 is collision-resistant). Hashing takes time in proportion to each input's
 * length, which reveals only the length of what the caller presented.
 *
 * @see https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
