import { request as playwrightRequest } from "@playwright/test";

import { e2eConfig } from "./support/config";
import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { authorizeInBrowser, authorizeUrl, exchangeCode, nativeClient, pkcePair, tokenPairFor, tokenRequest } from "./support/oauth";

/*
 * The authorization server over HTTP: discovery, the authorization code flow with PKCE through a real
 * browser and consent screen, the token endpoint's grants, revocation and the API with Bearer tokens.
 */

test.describe("discovery", () => {
  test("RFC 8414 metadata names the endpoints, S256 only, and the JWKS", async ({ request }) => {
    const response = await request.get("/.well-known/oauth-authorization-server");
    expect(response.status()).toBe(200);
    const metadata = await response.json();
    expect(metadata).toMatchObject({
      issuer: e2eConfig.baseURL,
      authorization_endpoint: `${e2eConfig.baseURL}/oauth/authorize`,
      token_endpoint: `${e2eConfig.baseURL}/oauth/token`,
      jwks_uri: `${e2eConfig.baseURL}/.well-known/jwks.json`,
      revocation_endpoint: `${e2eConfig.baseURL}/oauth/revoke`,
      introspection_endpoint: `${e2eConfig.baseURL}/oauth/introspect`,
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"],
      device_authorization_endpoint: `${e2eConfig.baseURL}/oauth/device_authorization`,
      scopes_supported: ["profile", "notes:read", "notes:write"],
    });
  });

  test("the JWKS publishes public ES256 keys only, cacheably, to any origin", async ({ request }) => {
    const response = await request.get("/.well-known/jwks.json");
    expect(response.status()).toBe(200);
    expect(response.headers()["access-control-allow-origin"]).toBe("*");
    expect(response.headers()["cache-control"]).toContain("max-age=");
    const { keys } = await response.json();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(key).not.toHaveProperty("d");
    }
  });
});

test.describe("authorization code flow with PKCE", () => {
  test("a person approves a third-party app on the consent screen; its token works on the API", async ({ page, request, signInAs }) => {
    const { userId } = await signInAs("person");
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl({ code_challenge: challenge }));
    await expect(page.getByRole("heading", { name: "Example native app wants to use your Gatehouse account" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Requested permissions" })).toContainText("Read your notes");
    const callback = await authorizeInBrowser(page, { code_challenge: challenge });
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.get("iss")).toBe(e2eConfig.baseURL);

    const response = await exchangeCode(request, callback, verifier);
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const tokens = await response.json();
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "profile notes:read" });

    const bearer = await playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
    const me = await bearer.get("/api/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.id).toBe(userId);
    // notes:read does not let it write.
    const write = await bearer.post("/api/v1/notes", { headers: { Authorization: `Bearer ${tokens.access_token}` }, data: { title: "hi" } });
    expect(write.status()).toBe(403);
    expect(write.headers()["www-authenticate"]).toContain('error="insufficient_scope"');
    await bearer.dispose();
  });

  test("denying sends access_denied back to the app, with its state", async ({ page, signInAs }) => {
    await signInAs("person");
    const callback = await authorizeInBrowser(page, { code_challenge: pkcePair().challenge }, "Deny");
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.has("code")).toBe(false);
  });

  test("a first-party client skips the consent screen", async ({ page, signInAs }) => {
    await signInAs("person");
    await query(
      `INSERT INTO "Client" (id, name, type, "redirectUris", "grantTypes", scopes, "firstParty", "updatedAt")
       VALUES ('e2e-first-party', 'Our own app', 'public', $1, '{authorization_code,refresh_token}', '{profile}', true, now())
       ON CONFLICT (id) DO NOTHING`,
      [[nativeClient.redirectUri]],
    );
    const response = await page.request.get(authorizeUrl({ client_id: "e2e-first-party", scope: "profile", code_challenge: pkcePair().challenge }), { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    const location = new URL(response.headers()["location"]!);
    expect(location.searchParams.get("code")).toMatch(/^ghc_/);
    expect(location.searchParams.get("state")).toBe("state-123");
  });

  test("signed out, the person signs in first and comes back to the consent screen", async ({ page, trackUser }) => {
    const { uniqueIdentity, signInWithLocalId } = await import("./support/local-idp");
    const identity = uniqueIdentity();
    await page.goto(authorizeUrl({ code_challenge: pkcePair().challenge }));
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Foauth%2Fauthorize/);
    await signInWithLocalId(page, identity);
    await expect(page.getByRole("heading", { name: /Example native app wants to use/ })).toBeVisible();
    const [user] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [identity.email]);
    trackUser(user!.id);
  });
});

test.describe("refresh, revocation and the API", () => {
  test("refresh rotates; revoking the refresh token ends the pair's access token at once", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const first = await tokenPairFor(page, request);
    const refreshed = await tokenRequest(request, { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: nativeClient.id });
    expect(refreshed.status()).toBe(200);
    const second = await refreshed.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const api = await playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
    const bearer = { Authorization: `Bearer ${second.access_token}` };
    expect((await api.get("/api/v1/me", { headers: bearer })).status()).toBe(200);
    const revoke = await request.post("/oauth/revoke", { form: { token: second.refresh_token, client_id: nativeClient.id } });
    expect(revoke.status()).toBe(200);
    const after = await api.get("/api/v1/me", { headers: bearer });
    expect(after.status()).toBe(401);
    expect(after.headers()["www-authenticate"]).toContain('error="invalid_token"');
    expect(after.headers()["www-authenticate"]).toContain("The access token was refused (revoked).");
    // On the second app process too: the denylist is shared.
    const other = await playwrightRequest.newContext({ baseURL: e2eConfig.secondBaseURL });
    const elsewhere = await other.get("/api/v1/me", { headers: bearer });
    expect(elsewhere.status()).toBe(401);
    expect(elsewhere.headers()["www-authenticate"]).toContain("The access token was refused (revoked).");
    await Promise.all([api.dispose(), other.dispose()]);
  });

  test("revocation answers 200 for unknown tokens and for another client's, which it leaves alone", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const pair = await tokenPairFor(page, request);
    expect((await request.post("/oauth/revoke", { form: { token: "ghr_unknown", client_id: nativeClient.id } })).status()).toBe(200);
    expect((await request.post("/oauth/revoke", { form: { token: pair.refresh_token, client_id: "gatehouse-playground" } })).status()).toBe(200);
    const refreshed = await tokenRequest(request, { grant_type: "refresh_token", refresh_token: pair.refresh_token, client_id: nativeClient.id });
    expect(refreshed.status()).toBe(200);
  });

  test("the same notes API works from the browser's cookie and from a Bearer token", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    const created = await page.request.post("/api/v1/notes", { data: { title: "From the browser", body: "cookie" }, headers: { Origin: e2eConfig.baseURL } });
    expect(created.status()).toBe(201);
    const pair = await tokenPairFor(page, request, "notes:read");
    const api = await playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
    const list = await api.get("/api/v1/notes", { headers: { Authorization: `Bearer ${pair.access_token}` } });
    expect(list.status()).toBe(200);
    expect((await list.json()).notes.map((note: { title: string }) => note.title)).toEqual(["From the browser"]);
    await api.dispose();
  });

  test("sign out everywhere ends the person's API tokens too", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    const pair = await tokenPairFor(page, request);
    await page.goto("/account/security");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/signin/);
    const api = await playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
    const me = await api.get("/api/v1/me", { headers: { Authorization: `Bearer ${pair.access_token}` } });
    expect(me.status()).toBe(401);
    expect(me.headers()["www-authenticate"]).toContain("The access token was refused (revoked).");
    const refreshed = await tokenRequest(api, { grant_type: "refresh_token", refresh_token: pair.refresh_token, client_id: nativeClient.id });
    expect((await refreshed.json()).error).toBe("invalid_grant");
    await api.dispose();
  });
});
