import { describe, expect, it } from "vitest";

import { authorizationResponseUrl, authorizeParamsFrom, validateAuthorizeRequest } from "@/server/oauth/authorize-request";
import { useTestDatabase } from "../support/test-database";

/* The authorization endpoint's checks (RFC 6749 §4.1.1, RFC 7636), against the seeded clients. */

const redirectUri = "http://127.0.0.1:8976/callback";
const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const valid = {
  client_id: "gatehouse-example-native",
  redirect_uri: redirectUri,
  response_type: "code",
  code_challenge: challenge,
  code_challenge_method: "S256",
  scope: "profile notes:read",
  state: "s1",
};

describe("validateAuthorizeRequest", () => {
  const database = useTestDatabase("authorize");

  const validate = (params: Record<string, string | string[] | undefined>) => validateAuthorizeRequest(database.db, params);

  it("accepts a complete S256 request", async () => {
    const result = await validate(valid);
    expect(result).toMatchObject({ outcome: "ok", request: { redirectUri, scopes: ["profile", "notes:read"], codeChallenge: challenge, state: "s1" } });
  });

  it("never redirects for an unknown client or an unregistered redirect URI", async () => {
    expect((await validate({ ...valid, client_id: "nobody" })).outcome).toBe("show-error");
    expect((await validate({ ...valid, client_id: undefined })).outcome).toBe("show-error");
    for (const redirect of ["http://evil.example/callback", `${redirectUri}/`, `${redirectUri}?next=x`, "HTTP://127.0.0.1:8976/callback", undefined]) {
      expect((await validate({ ...valid, redirect_uri: redirect })).outcome, String(redirect)).toBe("show-error");
    }
    expect((await validate({ ...valid, redirect_uri: [redirectUri, "http://evil.example/"] })).outcome).toBe("show-error");
  });

  it("sends protocol errors back to the registered redirect URI with the state", async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge_method: undefined }, "invalid_request"],
      [{ code_challenge: undefined }, "invalid_request"],
      [{ code_challenge: "too-short" }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "profile admin" }, "invalid_scope"],
    ];
    for (const [change, error] of cases) {
      expect(await validate({ ...valid, ...change }), JSON.stringify(change)).toMatchObject({ outcome: "redirect-error", redirectUri, error, state: "s1" });
    }
  });

  it("refuses an oversized state without echoing it back", async () => {
    const result = await validate({ ...valid, state: "s".repeat(2000) });
    expect(result).toMatchObject({ outcome: "redirect-error", redirectUri, error: "invalid_request" });
    expect(result).toHaveProperty("state", undefined);
  });

  it("refuses a repeated parameter, however it arrives", async () => {
    const query = new URLSearchParams(valid);
    query.append("scope", "notes:write");
    expect(await validate(authorizeParamsFrom(query.toString()))).toMatchObject({ outcome: "redirect-error", error: "invalid_scope" });
  });

  it("keeps scopes within the client's", async () => {
    await database.db.client.create({
      data: { id: "narrow-app", name: "Narrow", type: "public", redirectUris: [redirectUri], grantTypes: ["authorization_code"], scopes: ["profile"] },
    });
    expect((await validate({ ...valid, client_id: "narrow-app", scope: "profile" })).outcome).toBe("ok");
    expect(await validate({ ...valid, client_id: "narrow-app", scope: "notes:read" })).toMatchObject({ error: "invalid_scope" });
  });
});

describe("authorizationResponseUrl", () => {
  it("adds the code, state and issuer (RFC 9207) to the redirect URI's own query", () => {
    const url = new URL(authorizationResponseUrl("http://127.0.0.1:8976/callback?app=1", "https://gatehouse.test", { code: "c", state: "s" }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ app: "1", code: "c", state: "s", iss: "https://gatehouse.test" });
  });
});
