import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { RunningLocalIdp } from "../../idp/server";
import { FakeBrowser, followUntilLeaving, newPkceRequest } from "./fake-browser";
import {
  authorizationUrl,
  client,
  exchangeCode,
  openLoginPage,
  signInAndExchange,
  startTestIdp,
  submitLogin,
} from "./test-idp";

let idp: RunningLocalIdp;

beforeAll(async () => {
  idp = await startTestIdp();
});

afterAll(async () => {
  await idp.close();
});

async function verifyIdToken(idToken: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL("/jwks", idp.issuer));
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
    issuer: idp.issuer,
    audience: client.id,
    algorithms: ["RS256"],
  });
  expect(protectedHeader.alg).toBe("RS256");
  return payload;
}

describe("discovery", () => {
  it("publishes the issuer, S256 PKCE, the code flow and the profile and email claims", async () => {
    const response = await fetch(new URL("/.well-known/openid-configuration", idp.issuer));
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.response_types_supported).toEqual(["code"]);
    expect(metadata.grant_types_supported).toEqual(["authorization_code"]);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "email"]));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(["sub", "name", "email", "email_verified"]));
    expect(metadata.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic", "client_secret_post"]);
    expect(metadata.jwks_uri).toBe(`${idp.issuer}/jwks`);
  });

  it("publishes a public RS256 signing key and no private part", async () => {
    const response = await fetch(new URL("/jwks", idp.issuer));
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(keys[0]?.kid).toEqual(expect.any(String));
    expect(keys[0]).not.toHaveProperty("d");
  });

  it("answers the readiness probe", async () => {
    const response = await fetch(new URL("/healthz", idp.issuer));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });
});

describe("authorization code flow with PKCE", () => {
  it("signs Ada in and issues an ID token, verifiable against the JWKS, with her claims and the nonce", async () => {
    const { tokens, pkce } = await signInAndExchange(idp.issuer, { seed: "ada" });
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.scope.split(" ").sort()).toEqual(["email", "openid", "profile"]);

    const claims = await verifyIdToken(tokens.id_token);
    expect(claims).toMatchObject({
      sub: "ada",
      name: "Ada Lovelace",
      email: "ada@example.com",
      email_verified: true,
      nonce: pkce.nonce,
    });

    // The same claims at the userinfo endpoint, for clients that read them there.
    const userinfo = await fetch(new URL("/me", idp.issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toEqual({
      sub: "ada",
      name: "Ada Lovelace",
      email: "ada@example.com",
      email_verified: true,
    });
  });

  it("returns the state and the issuer with the code (RFC 9207)", async () => {
    const browser = new FakeBrowser();
    const pkce = newPkceRequest();
    const callback = await submitLogin(browser, idp.issuer, await openLoginPage(browser, idp.issuer, pkce), {
      seed: "grace",
    });
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get("state")).toBe(pkce.state);
    expect(callback.searchParams.get("iss")).toBe(idp.issuer);
    expect(callback.searchParams.get("code")).toEqual(expect.any(String));
  });

  it("gives the unverified seeded user email_verified false, as a boolean", async () => {
    const { tokens } = await signInAndExchange(idp.issuer, { seed: "mallory" });
    const claims = await verifyIdToken(tokens.id_token);
    expect(claims.sub).toBe("mallory");
    expect(claims.email).toBe("ada@example.com");
    expect(claims.email_verified).toBe(false);
  });

  it("gives Ada's work account its own subject with Ada's verified email", async () => {
    const { tokens } = await signInAndExchange(idp.issuer, { seed: "ada-work" });
    expect(await verifyIdToken(tokens.id_token)).toMatchObject({
      sub: "ada-work",
      email: "ada@example.com",
      email_verified: true,
    });
  });

  it("signs in a typed-in identity, normalising the email and deriving the subject from it", async () => {
    const { tokens } = await signInAndExchange(idp.issuer, {
      name: "  Ada Byron ",
      email: "  Ada.Byron@Example.COM ",
      sub: "",
      // The checkbox is left unticked: a browser then sends no email_verified field at all.
    });
    const expectedSub = `local-${createHash("sha256").update("ada.byron@example.com").digest("hex").slice(0, 16)}`;
    expect(await verifyIdToken(tokens.id_token)).toMatchObject({
      sub: expectedSub,
      name: "Ada Byron",
      email: "ada.byron@example.com",
      email_verified: false,
    });
  });

  it("uses the subject a person types in, and the claims they last submitted for it", async () => {
    await signInAndExchange(idp.issuer, { name: "First", email: "x@example.com", email_verified: "on", sub: "custom-1" });
    const { tokens } = await signInAndExchange(idp.issuer, {
      name: "Second",
      email: "y@example.com",
      email_verified: "on",
      sub: "custom-1",
    });
    expect(await verifyIdToken(tokens.id_token)).toMatchObject({
      sub: "custom-1",
      name: "Second",
      email: "y@example.com",
      email_verified: true,
    });
  });

  it("accepts client_secret_post as well as client_secret_basic", async () => {
    const browser = new FakeBrowser();
    const pkce = newPkceRequest();
    const callback = await submitLogin(browser, idp.issuer, await openLoginPage(browser, idp.issuer, pkce), {
      seed: "grace",
    });
    const response = await exchangeCode(idp.issuer, callback.searchParams.get("code") ?? "", pkce.codeVerifier, "client_secret_post");
    expect(response.status).toBe(200);
  });

  it("asks who is signing in on every request, and switches the person in the same browser", async () => {
    const browser = new FakeBrowser();
    const first = await signInAndExchange(idp.issuer, { seed: "ada" }, browser);
    expect((await verifyIdToken(first.tokens.id_token)).sub).toBe("ada");

    // The provider still has Ada's session, yet shows the login page again.
    const second = await signInAndExchange(idp.issuer, { seed: "ada-work" }, browser);
    expect((await verifyIdToken(second.tokens.id_token)).sub).toBe("ada-work");
  });
});

describe("what the provider refuses", () => {
  it("refuses an authorization request without a code_challenge", async () => {
    const browser = new FakeBrowser();
    const response = await browser.request(authorizationUrl(idp.issuer, newPkceRequest(), { code_challenge: null, code_challenge_method: null }));
    const { leftTo } = await followUntilLeaving(browser, idp.issuer, response);
    expect(leftTo?.searchParams.get("error")).toBe("invalid_request");
    expect(leftTo?.searchParams.get("error_description")).toMatch(/PKCE/);
    expect(leftTo?.searchParams.get("code")).toBeNull();
  });

  it("refuses the plain code_challenge_method", async () => {
    const browser = new FakeBrowser();
    const pkce = newPkceRequest();
    const response = await browser.request(
      authorizationUrl(idp.issuer, pkce, { code_challenge: pkce.codeVerifier, code_challenge_method: "plain" }),
    );
    const { leftTo } = await followUntilLeaving(browser, idp.issuer, response);
    expect(leftTo?.searchParams.get("error")).toBe("invalid_request");
    expect(leftTo?.searchParams.get("code")).toBeNull();
  });

  it("refuses to exchange a code without the code_verifier, or with another one", async () => {
    const browser = new FakeBrowser();
    const pkce = newPkceRequest();
    const callback = await submitLogin(browser, idp.issuer, await openLoginPage(browser, idp.issuer, pkce), { seed: "ada" });
    const code = callback.searchParams.get("code") ?? "";

    const missing = await exchangeCode(idp.issuer, code, undefined);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_grant" });

    const wrong = await exchangeCode(idp.issuer, code, newPkceRequest().codeVerifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses the token request with a wrong client secret", async () => {
    const response = await fetch(new URL("/token", idp.issuer), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${client.id}:not-the-secret`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "x", redirect_uri: client.redirectUri }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  it("refuses a redirect_uri that is not registered, without redirecting to it", async () => {
    const response = await fetch(
      authorizationUrl(idp.issuer, newPkceRequest(), { redirect_uri: "https://attacker.example/callback" }),
      { redirect: "manual" },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const page = await response.text();
    expect(page).toContain("invalid_redirect_uri");
    expect(page).toContain("redirect_uri did not match any of the client&#39;s registered redirect_uris");
    expect(page).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("sends access_denied to the client when the person cancels", async () => {
    const browser = new FakeBrowser();
    const pkce = newPkceRequest();
    const loginPage = await openLoginPage(browser, idp.issuer, pkce);
    const { leftTo } = await followUntilLeaving(browser, idp.issuer, await browser.post(`${loginPage.url.href}/abort`, {}));
    expect(leftTo?.searchParams.get("error")).toBe("access_denied");
    expect(leftTo?.searchParams.get("state")).toBe(pkce.state);
    expect(leftTo?.searchParams.get("code")).toBeNull();
  });
});
