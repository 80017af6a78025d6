import { describe, expect, it } from "vitest";

import { authorizationCodeGrant } from "@/server/tokens/grants/authorization-code";
import { clientCredentialsGrant } from "@/server/tokens/grants/client-credentials";
import { deviceCodeGrant } from "@/server/tokens/grants/device-code";
import { findGrant, SUPPORTED_GRANT_TYPES } from "@/server/tokens/grants";
import { refreshTokenGrant } from "@/server/tokens/grants/refresh-token";
import { tokenParameterSchema } from "@/server/oauth/token-request";

/* The token endpoint's grants (server/tokens/grants/index.ts): what it serves, and what it refuses. */

describe("the grant registry", () => {
  it("serves authorization_code, refresh_token, client_credentials and the device grant, and advertises exactly those", () => {
    expect(SUPPORTED_GRANT_TYPES).toEqual(["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"]);
    expect(findGrant("authorization_code")).toBe(authorizationCodeGrant);
    expect(findGrant("refresh_token")).toBe(refreshTokenGrant);
    expect(findGrant("client_credentials")).toBe(clientCredentialsGrant);
    expect(findGrant("urn:ietf:params:oauth:grant-type:device_code")).toBe(deviceCodeGrant);
  });

  it("has no grant for any other grant_type, including the names every object inherits", () => {
    for (const grantType of ["password", "implicit", "CLIENT_CREDENTIALS", "AUTHORIZATION_CODE", "", "__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect(findGrant(grantType), grantType).toBeUndefined();
    }
  });

  it("keeps each grant's parameters with the grant: an unknown scope is marked invalid_scope (RFC 6749 §5.2)", () => {
    const parsed = refreshTokenGrant.schema.safeParse({ grant_type: "refresh_token", refresh_token: "ghr_x", scope: "profile admin:everything" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: "custom", path: ["scope"], params: { oauthError: "invalid_scope" } });
    const verifier = authorizationCodeGrant.schema.safeParse({ grant_type: "authorization_code", code: "ghc_x", redirect_uri: "http://127.0.0.1/cb", code_verifier: "too-short" });
    expect(verifier.error?.issues[0]?.path).toEqual(["code_verifier"]);
  });

  it.each([
    ["refresh_token", refreshTokenGrant.schema, { grant_type: "refresh_token" }, 4096],
    ["code", authorizationCodeGrant.schema, { grant_type: "authorization_code", redirect_uri: "http://127.0.0.1/cb", code_verifier: "v".repeat(43) }, 4096],
    ["redirect_uri", authorizationCodeGrant.schema, { grant_type: "authorization_code", code: "ghc_x", code_verifier: "v".repeat(43) }, 2048],
    ["device_code", deviceCodeGrant.schema, { grant_type: "urn:ietf:params:oauth:grant-type:device_code" }, 4096],
    ["token", tokenParameterSchema, {}, 4096],
  ] as const)("says %s is required only when it is missing, and too long when it is", (name, schema, rest, max) => {
    expect(schema.safeParse(rest).error?.issues[0]).toMatchObject({ path: [name], message: "is required" });
    expect(schema.safeParse({ ...rest, [name]: "x".repeat(max + 1) }).error?.issues[0]).toMatchObject({ path: [name], message: `must be at most ${max} characters` });
    expect(schema.safeParse({ ...rest, [name]: "x".repeat(max) }).error?.issues.find((issue) => issue.path[0] === name)).toBeUndefined();
  });
});
