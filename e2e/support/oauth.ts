import { createHash, randomBytes } from "node:crypto";

import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { importJWK, SignJWT } from "jose";

import { openPrivateJwk } from "../../server/tokens/key-encryption";
import { hashOpaqueToken } from "../../server/tokens/opaque-token";

import { e2eConfig } from "./config";
import { query } from "./database";

/** The seeded third-party public client (consent screen shown) and where it wants the code. */
export const nativeClient = { id: "gatehouse-example-native", redirectUri: "http://127.0.0.1:8976/callback" };

export function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(params: Record<string, string>) {
  return `/oauth/authorize?${new URLSearchParams({
    client_id: nativeClient.id,
    redirect_uri: nativeClient.redirectUri,
    response_type: "code",
    code_challenge_method: "S256",
    scope: "profile notes:read",
    state: "state-123",
    ...params,
  })}`;
}

/**
 * Walks a signed-in browser through /oauth/authorize and the consent screen; returns the redirect back
 * to the client (nothing listens there: the browser's request is answered by the test).
 */
export async function authorizeInBrowser(page: Page, params: Record<string, string>, decision: "Allow" | "Deny" = "Allow") {
  let callback: URL | undefined;
  await page.route(`${nativeClient.redirectUri}**`, async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/plain", body: "back at the client" });
  });
  await page.goto(authorizeUrl(params));
  await page.getByRole("button", { name: decision }).click();
  await expect.poll(() => callback?.toString()).toBeDefined();
  // The page is still on its way to the callback when the route sees it: a test's next page.goto would be
  // interrupted by that navigation (seen in CI), so arrive first.
  await page.waitForURL(`${nativeClient.redirectUri}**`);
  return callback!;
}

/** POST /oauth/token with a form body. */
export function tokenRequest(request: APIRequestContext, form: Record<string, string>, headers: Record<string, string> = {}) {
  return request.post("/oauth/token", { form, headers, failOnStatusCode: false });
}

/** The native client exchanges the code its redirect received, with its PKCE verifier. */
export function exchangeCode(request: APIRequestContext, callback: URL, codeVerifier: string) {
  return tokenRequest(request, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code")!,
    redirect_uri: nativeClient.redirectUri,
    code_verifier: codeVerifier,
    client_id: nativeClient.id,
  });
}

/** A code from the browser, exchanged for a token pair. */
export async function tokenPairFor(page: Page, request: APIRequestContext, scope = "profile notes:read") {
  const { verifier, challenge } = pkcePair();
  const callback = await authorizeInBrowser(page, { code_challenge: challenge, scope });
  const response = await exchangeCode(request, callback, verifier);
  expect(response.status()).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
}

/** HTTP Basic client credentials, each half form-encoded first (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;
}

/** A confidential client with a known secret: a resource server that may introspect, unless told otherwise. */
export async function createConfidentialClient(id: string, { mayIntrospect = true, grantTypes = [] as string[], scopes = ["profile"] } = {}) {
  const secret = `ghs_${randomBytes(32).toString("base64url")}`;
  await query(
    `INSERT INTO "Client" (id, name, type, "secretHash", "redirectUris", "grantTypes", scopes, "mayIntrospect", "updatedAt")
     VALUES ($1, 'Resource server (test)', 'confidential', $2, '{}', $3, $4, $5, now())`,
    [id, hashOpaqueToken(secret), grantTypes, scopes, mayIntrospect],
  );
  return { id, secret, basic: basicAuthorization(id, secret) };
}

/**
 * Signs a JWT with the app's own current signing key: what an insider (or a bug) could mint. Used to
 * show that the checks after the signature (expiry, issuer, audience, type) hold on their own.
 */
export async function signWithAppKey(header: Record<string, unknown>, payload: Record<string, unknown>) {
  // The app makes its first key on first use: asking for the JWKS is such a use.
  expect((await fetch(`${e2eConfig.baseURL}/.well-known/jwks.json`)).status).toBe(200);
  const [row] = await query<{ kid: string; privateJwkEncrypted: string }>(
    `SELECT kid, "privateJwkEncrypted" FROM "SigningKey" WHERE "activatesAt" <= now() ORDER BY "activatesAt" DESC LIMIT 1`,
  );
  const jwk = await openPrivateJwk(row!.privateJwkEncrypted, new Uint8Array(Buffer.from(e2eConfig.tokenKeyEncryptionKey, "base64url")), row!.kid);
  const key = await importJWK(jwk, "ES256");
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid: row!.kid, ...header }).sign(key);
}
