import { createHmac } from "node:crypto";

import { base64url, createLocalJWKSet, jwtVerify, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";

import { signAccessToken, verifyAccessToken, type VerifyOptions } from "@/server/tokens/access-token";
import { TokenVerificationError } from "@/server/tokens/errors";

import { testKeys } from "./token-fixtures";

/* Access-token signing and verification, attacked the ways RFC 8725 lists. */

const issuer = "https://gatehouse.test";
const audience = "https://gatehouse.test/api";
const NOW = new Date("2026-06-01T12:00:00Z");
const nowSeconds = Math.floor(NOW.getTime() / 1000);

let keys: Awaited<ReturnType<typeof testKeys>>;
let options: VerifyOptions;

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: issuer,
  aud: audience,
  sub: "user-1",
  client_id: "client-1",
  scope: "profile notes:read",
  jti: "jti-1",
  iat: nowSeconds,
  exp: nowSeconds + 900,
  ...overrides,
});

async function failure(token: string, verifyOptions: Partial<VerifyOptions> = {}) {
  try {
    await verifyAccessToken(token, { ...options, ...verifyOptions });
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.code;
    throw error;
  }
  return "accepted";
}

/** Signs arbitrary header and payload with our real private key (an insider's forgery of claims). */
function signRaw(header: Record<string, unknown>, payload: Record<string, unknown>) {
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", ...header }).sign(keys.privateKey);
}

beforeAll(async () => {
  keys = await testKeys();
  options = { issuer, audience, keyFor: keys.store.verificationKey, now: () => NOW, clockSkewSeconds: 10 };
});

describe("access tokens (RFC 9068)", () => {
  it("are JWTs typed at+jwt with the RFC 9068 claims, and nothing else", async () => {
    const token = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, claims());
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(new TextDecoder().decode(base64url.decode(part!))));
    expect(header).toEqual({ alg: "ES256", typ: "at+jwt", kid: keys.kid });
    expect(Object.keys(payload).sort()).toEqual(["aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"]);
    await expect(verifyAccessToken(token, options)).resolves.toMatchObject({ sub: "user-1", scope: "profile notes:read" });
  });

  it("are signed as any JOSE library reads them: jose alone, from the published JWK, accepts one (ES256, a 64-byte signature)", async () => {
    const token = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, claims());
    expect(base64url.decode(token.split(".")[2]!)).toHaveLength(64); // r and s side by side (RFC 7518 §3.4), not DER
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: [keys.publicJwk] }), { issuer, audience, algorithms: ["ES256"], typ: "at+jwt", currentDate: NOW });
    expect(protectedHeader.kid).toBe(keys.kid);
    expect(payload).toMatchObject({ sub: "user-1", client_id: claims().client_id, scope: "profile notes:read", iat: claims().iat, exp: claims().exp, jti: claims().jti });
  });

  it("are refused by jose once a byte of the signed part changes", async () => {
    const token = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, claims());
    const [header, payload, signature] = token.split(".");
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))), scope: "admin" }))}.${signature}`;
    await expect(jwtVerify(tampered, createLocalJWKSet({ keys: [keys.publicJwk] }), { currentDate: NOW })).rejects.toThrow(/signature verification failed/);
  });

  it("refuses alg none", async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    const withType = unsecured.replace(/^[^.]+/, base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: keys.kid })));
    expect(await failure(withType)).toBe("wrong_algorithm");
  });

  it("refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "HS256", typ: "at+jwt", kid: keys.kid }));
    const payload = base64url.encode(JSON.stringify(claims()));
    const secret = JSON.stringify(keys.publicJwk);
    const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
    expect(await failure(`${header}.${payload}.${signature}`)).toBe("wrong_algorithm");
  });

  it("refuses unknown, injected and path-like key ids", async () => {
    for (const kid of ["other-key", "../../../../etc/passwd", "' OR '1'='1", "http://evil.example/jwks.json"]) {
      expect(await failure(await signRaw({ typ: "at+jwt", kid }, claims()))).toBe("unknown_key");
    }
    expect(await failure(await signRaw({ typ: "at+jwt" }, claims()))).toBe("unknown_key");
  });

  it("refuses expired tokens, beyond the small clock-skew allowance only", async () => {
    const expiredLongAgo = await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ iat: nowSeconds - 1000, exp: nowSeconds - 60 }));
    expect(await failure(expiredLongAgo)).toBe("expired");
    const justExpired = await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ iat: nowSeconds - 905, exp: nowSeconds - 5 }));
    expect(await failure(justExpired)).toBe("accepted");
  });

  it("refuses tokens not yet valid (nbf or iat in the future)", async () => {
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ nbf: nowSeconds + 120 })))).toBe("not_yet_valid");
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ iat: nowSeconds + 120, exp: nowSeconds + 1000 })))).toBe("not_yet_valid");
  });

  it("refuses the wrong issuer, audience or type", async () => {
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ iss: "https://evil.example" })))).toBe("wrong_issuer");
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, claims({ aud: "https://other.example/api" })))).toBe("wrong_audience");
    expect(await failure(await signRaw({ typ: "JWT", kid: keys.kid }, claims()))).toBe("wrong_type");
    expect(await failure(await signRaw({ kid: keys.kid }, claims()))).toBe("wrong_type");
  });

  it("refuses a tampered payload or signature", async () => {
    const token = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, claims());
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const elevated = base64url.encode(JSON.stringify({ ...claims(), scope: "profile notes:read notes:write" }));
    expect(await failure(`${header}.${elevated}.${signature}`)).toBe("bad_signature");
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    expect(await failure(`${header}.${payload}.${flipped}`)).toBe("bad_signature");
  });

  it("refuses tokens signed by a key that is not ours, even with our kid", async () => {
    const stranger = await testKeys(keys.kid);
    const forged = signAccessToken({ kid: keys.kid, privateKey: stranger.privateKey }, claims());
    expect(await failure(forged)).toBe("bad_signature");
  });

  it("refuses garbage, oversized tokens and opaque refresh tokens", async () => {
    expect(await failure("not-a-jwt")).toBe("malformed");
    expect(await failure("a.b.c")).toBe("malformed");
    expect(await failure(`${"a".repeat(5000)}.b.c`)).toBe("malformed");
    expect(await failure(`ghr_${"A".repeat(43)}`)).toBe("malformed");
  });

  it("requires every claim", async () => {
    const { jti: _jti, ...withoutJti } = claims();
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, withoutJti))).toBe("missing_claim");
    const { client_id: _clientId, ...withoutClient } = claims();
    expect(await failure(await signRaw({ typ: "at+jwt", kid: keys.kid }, withoutClient))).toBe("missing_claim");
  });
});
