import { hkdfSync } from "node:crypto";

import { compactDecrypt, CompactEncrypt } from "jose";

/**
 * The grace window for honest races (two tabs refreshing at once): the successor of a rotated refresh
 * token is kept, encrypted under a key derived from the *old* token. Only the old token's hash is stored,
 * so the database alone cannot open it; whoever presents the old token again within the window gets the
 * same successor, not a second live one.
 */
export interface SealedPair {
  refreshToken: string;
  accessToken: string;
  /** The access token's scope and expiry (seconds), to answer exactly as the first response did. */
  scope: string;
  expiresAt: number;
}

function keyFrom(refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", refreshToken, "gatehouse", "refresh successor v1", 32));
}

export async function sealSuccessor(oldRefreshToken: string, pair: SealedPair): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(pair)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .encrypt(keyFrom(oldRefreshToken));
}

export async function openSuccessor(oldRefreshToken: string, sealed: string): Promise<SealedPair> {
  const { plaintext } = await compactDecrypt(sealed, keyFrom(oldRefreshToken));
  return JSON.parse(new TextDecoder().decode(plaintext)) as SealedPair;
}
