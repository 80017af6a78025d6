import { randomUUID } from "node:crypto";

import { expect, test, type Browser, type Page } from "@playwright/test";
import * as oauth from "openid-client";

/*
 * The conformance suite: the running production build driven only through openid-client, a certified
 * OpenID Connect relying-party library, and Chromium where a person must act (sign in, approve, register a
 * client as an admin). Nothing here imports Gatehouse's code or reads its database: what it knows of the
 * server is the URL, its metadata, and what the documentation says (the built-in public clients).
 */

const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL ?? "admin-e2e@example.com";
const NATIVE_CLIENT = { id: "gatehouse-example-native", redirectUri: "http://127.0.0.1:8976/callback" };
const CLI_CLIENT = "gatehouse-cli";
/** Plain http is allowed for the local test server only. */
const insecure = { execute: [oauth.allowInsecureRequests], algorithm: "oauth2" as const };

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Local ID" }).click();
  await page.getByLabel("Name").fill(`Conformance ${email.split("@")[0]}`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Email address is verified").setChecked(true);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** A new person in a browser of their own. */
async function person(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, `conformance-${randomUUID().slice(0, 8)}@example.com`);
  return page;
}

/** A confidential service, registered by an admin on /admin/clients (its secret shown once). */
async function registerService(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, ADMIN_EMAIL);
  await page.goto("/admin/clients");
  const form = page.getByRole("form", { name: "Register a client" });
  const name = `Conformance service ${randomUUID().slice(0, 8)}`;
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByRole("checkbox", { name: /^client_credentials/ }).check();
  await form.getByRole("checkbox", { name: /^notes:read/ }).check();
  await form.getByRole("checkbox", { name: /^May introspect/ }).check();
  await form.getByRole("button", { name: "Register client" }).click();
  const registered = page.getByRole("region", { name: `“${name}” registered` });
  const service = { id: await registered.getByLabel("Client ID").inputValue(), secret: await registered.getByLabel("Client secret").inputValue() };
  await context.close();
  return service;
}

test.describe("conformance, through openid-client", () => {
  test("discovery: RFC 8414 metadata with every endpoint, grant and method the suite uses", async ({ baseURL }) => {
    const config = await oauth.discovery(new URL(baseURL!), NATIVE_CLIENT.id, undefined, oauth.None(), insecure);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(baseURL);
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"]));
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["client_secret_basic", "client_secret_post", "none"]));
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    for (const endpoint of ["authorization_endpoint", "token_endpoint", "device_authorization_endpoint", "introspection_endpoint", "revocation_endpoint", "jwks_uri"] as const) {
      expect(metadata[endpoint], endpoint).toMatch(new RegExp(`^${baseURL}/`));
    }
  });

  test("client credentials with client_secret_basic and client_secret_post; introspection and revocation", async ({ browser, baseURL }) => {
    const service = await registerService(browser, baseURL!);
    for (const authentication of [oauth.ClientSecretBasic(service.secret), oauth.ClientSecretPost(service.secret)]) {
      const config = await oauth.discovery(new URL(baseURL!), service.id, undefined, authentication, insecure);
      const tokens = await oauth.clientCredentialsGrant(config, { scope: "notes:read" });
      expect(tokens).toMatchObject({ token_type: "bearer", scope: "notes:read" });
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.expiresIn()).toBeGreaterThan(0);
      const introspected = await oauth.tokenIntrospection(config, tokens.access_token);
      expect(introspected).toMatchObject({ active: true, client_id: service.id, sub: service.id, scope: "notes:read" });
      await oauth.tokenRevocation(config, tokens.access_token);
      expect((await oauth.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    }
    // A wrong secret is refused as RFC 6749 §5.2 says: 401 invalid_client with a Basic challenge.
    const wrong = await oauth.discovery(new URL(baseURL!), service.id, undefined, oauth.ClientSecretBasic("ghs_wrong"), insecure);
    const refusal = await oauth.clientCredentialsGrant(wrong).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = refusal as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.scheme).toBe("basic");
    expect((await challenge.response.json()).error).toBe("invalid_client");
  });

  test("the device authorization grant, approved in Chromium", async ({ browser, baseURL }) => {
    const config = await oauth.discovery(new URL(baseURL!), CLI_CLIENT, undefined, oauth.None(), insecure);
    const started = await oauth.initiateDeviceAuthorization(config, { scope: "profile" });
    expect(started.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const page = await person(browser, baseURL!);
    const polling = oauth.pollDeviceAuthorizationGrant(config, started);
    await page.goto(started.verification_uri_complete!);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    const tokens = await polling;
    expect(tokens).toMatchObject({ token_type: "bearer", scope: "profile" });
    expect(tokens.refresh_token).toMatch(/^ghr_/);
    const me = await oauth.fetchProtectedResource(config, tokens.access_token, new URL(`${baseURL}/api/v1/me`), "GET");
    expect((await me.json()).kind).toBe("person");
  });

  test("authorization code with PKCE, then refresh with rotation and reuse detection", async ({ browser, baseURL }) => {
    test.setTimeout(60_000);
    const config = await oauth.discovery(new URL(baseURL!), NATIVE_CLIENT.id, undefined, oauth.None(), insecure);
    const verifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: NATIVE_CLIENT.redirectUri,
      scope: "profile notes:read",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
    });
    const page = await person(browser, baseURL!);
    // The native app's loopback redirect, caught before it leaves the browser.
    let callback: URL | undefined;
    await page.route(`${NATIVE_CLIENT.redirectUri}**`, async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, body: "ok" });
    });
    await page.goto(url.href);
    await page.getByRole("button", { name: "Allow" }).click();
    await expect.poll(() => callback?.href).toBeTruthy();
    // openid-client checks state, the RFC 9207 `iss`, and sends the verifier.
    const tokens = await oauth.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens).toMatchObject({ token_type: "bearer", scope: "profile notes:read" });

    const rotated = await oauth.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    // Presented again after the 10-second grace window: reuse, and the whole family is revoked.
    await page.waitForTimeout(11_000);
    await expect(oauth.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(oauth.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    // The family's access token is refused too (RFC 6750 §3: 401 with a Bearer invalid_token challenge).
    const refused = await oauth.fetchProtectedResource(config, rotated.access_token, new URL(`${baseURL}/api/v1/me`), "GET").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((refused as oauth.WWWAuthenticateChallengeError).cause[0]).toMatchObject({ scheme: "bearer", parameters: { error: "invalid_token" } });
  });
});
