import { hkdfSync, randomBytes } from "node:crypto";

import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";

import { openSuccessor, sealSuccessor, type SealedPair } from "@/server/tokens/successor-seal";

/**
 * The successor seal is written with Node's AES-256-GCM, not jose's: it must still be a JWE that an
 * independent implementation (jose) opens, bound to the old refresh token, and refused when altered.
 */
const pair: SealedPair = { refreshToken: randomBytes(32).toString("base64url"), accessToken: "eyJ.header.payload.signature", scope: "profile notes:read", expiresAt: 1_900_000_000 };
const oldToken = () => `grt_${randomBytes(32).toString("base64url")}`;
const keyOf = (token: string) => new Uint8Array(hkdfSync("sha256", token, "gatehouse", "refresh successor v1", 32));

/**
 * One part of the compact JWE altered (0 header, 2 IV, 3 ciphertext, 4 tag). The header keeps its meaning
 * (the same members, in another order), so only the tag's check over it, as AAD, can refuse it.
 */
function withPartChanged(sealed: string, index: number): string {
  const parts = sealed.split(".");
  if (index === 0) {
    parts[0] = Buffer.from(JSON.stringify({ enc: "A256GCM", alg: "dir" })).toString("base64url");
  } else {
    const bytes = Buffer.from(parts[index]!, "base64url");
    bytes[0] = bytes[0]! ^ 0x01;
    parts[index] = bytes.toString("base64url");
  }
  return parts.join(".");
}

describe("successor seal", () => {
  it("is a compact JWE (dir, A256GCM) that jose opens with the key derived from the old token", async () => {
    const token = oldToken();
    const sealed = sealSuccessor(token, pair);
    expect(sealed.split(".")).toHaveLength(5);
    expect(sealed.split(".")[1]).toBe(""); // `dir`: no encrypted key
    expect(decodeProtectedHeader(sealed)).toEqual({ alg: "dir", enc: "A256GCM" });
    const { plaintext, protectedHeader } = await compactDecrypt(sealed, keyOf(token));
    expect(protectedHeader).toEqual({ alg: "dir", enc: "A256GCM" });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(pair);
    expect(await openSuccessor(token, sealed)).toEqual(pair);
  });

  it("opens only with the old token it was sealed under", async () => {
    const sealed = sealSuccessor(oldToken(), pair);
    await expect(openSuccessor(oldToken(), sealed)).rejects.toThrow();
  });

  it.each([
    ["the protected header (the AAD)", 0],
    ["the IV", 2],
    ["the ciphertext", 3],
    ["the tag", 4],
  ])("is refused when %s is altered", async (_part, index) => {
    const token = oldToken();
    const sealed = sealSuccessor(token, pair);
    await expect(openSuccessor(token, withPartChanged(sealed, index))).rejects.toThrow();
  });

  it("uses a fresh IV each time: the same pair sealed twice differs", () => {
    const token = oldToken();
    const [first, second] = [sealSuccessor(token, pair), sealSuccessor(token, pair)];
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
    expect(first).not.toBe(second);
  });

  it("opens nothing but dir with A256GCM, whatever else the same key could open", async () => {
    const token = oldToken();
    const otherEncryption = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(pair))).setProtectedHeader({ alg: "dir", enc: "A128CBC-HS256" }).encrypt(keyOf(token));
    await expect(openSuccessor(token, otherEncryption)).rejects.toThrow();
  });

  it("still opens a seal jose wrote (one made before this change, within its grace window)", async () => {
    const token = oldToken();
    const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(pair))).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(keyOf(token));
    expect(await openSuccessor(token, sealed)).toEqual(pair);
  });
});
