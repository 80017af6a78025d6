import type { APIRequestContext, APIResponse } from "@playwright/test";

import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { authorizeInBrowser, authorizeUrl, basicAuthorization, createConfidentialClient, nativeClient, pkcePair, tokenPairFor, tokenRequest } from "./support/oauth";

/*
 * Every OAuth error the endpoints answer, checked against the RFCs' own tables in one place: each row is
 * a request that must fail, the status it must get, and the error code it must carry, and each code
 * must be one its RFC section defines for that endpoint.
 */
const RFC_ERROR_CODES = {
  /** RFC 6749 §4.1.2.1: the authorization endpoint, sent back to the client's redirect URI. */
  authorize: ["invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type", "invalid_scope", "server_error", "temporarily_unavailable"],
  /** RFC 6749 §5.2, and RFC 8628 §3.5's polling errors. */
  token: ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "authorization_pending", "slow_down", "access_denied", "expired_token"],
  /** RFC 8628 §3.2: the device authorization endpoint answers §5.2's codes. */
  device_authorization: ["invalid_request", "invalid_client", "unauthorized_client", "invalid_scope"],
  /** RFC 6750 §3.1: protected resources. */
  resource: ["invalid_request", "invalid_token", "insufficient_scope"],
  /** RFC 7009 §2.2.1: revocation answers §5.2's codes, plus unsupported_token_type. */
  revoke: ["invalid_request", "invalid_client", "unsupported_token_type"],
  /** RFC 7662 §2.3: introspection answers §5.2's codes (401 for a caller that failed to authenticate). */
  introspect: ["invalid_request", "invalid_client"],
} as const;

type Endpoint = keyof typeof RFC_ERROR_CODES;

interface Context {
  request: APIRequestContext;
  /** A live refresh token of the native client, granted profile and notes:read. */
  refreshToken: string;
  /** A live access token with only notes:read (no profile). */
  notesOnlyAccessToken: string;
  /** A confidential resource-server client that may introspect, with Basic credentials. */
  resourceServer: { id: string; secret: string; basic: string };
  /** A public client registered with a redirect URI but not for the authorization code grant. */
  refreshOnlyClientId: string;
  /** A confidential service registered for client_credentials with notes:read only. */
  service: { id: string; secret: string; basic: string };
  /** A pending device code of the built-in CLI client, never polled before the table's rows. */
  deviceCode: string;
}

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const CLI_CLIENT_ID = "gatehouse-cli";

interface Row {
  endpoint: Endpoint;
  name: string;
  send(context: Context): Promise<APIResponse>;
  status: number;
  error: string;
}

const form = { "content-type": "application/x-www-form-urlencoded" };
const authorize = (context: Context, params: Record<string, string>) => context.request.get(authorizeUrl({ code_challenge: pkcePair().challenge, ...params }), { maxRedirects: 0 });

const ROWS: Row[] = [
  // RFC 6749 §4.1.2.1
  { endpoint: "authorize", name: "no PKCE challenge", send: (c) => c.request.get(authorizeUrl({}), { maxRedirects: 0 }), status: 307, error: "invalid_request" },
  { endpoint: "authorize", name: "a repeated parameter", send: (c) => c.request.get(`${authorizeUrl({ code_challenge: pkcePair().challenge })}&state=again`, { maxRedirects: 0 }), status: 307, error: "invalid_request" },
  { endpoint: "authorize", name: "response_type=token", send: (c) => authorize(c, { response_type: "token" }), status: 307, error: "unsupported_response_type" },
  { endpoint: "authorize", name: "an unknown scope", send: (c) => authorize(c, { scope: "profile admin" }), status: 307, error: "invalid_scope" },
  { endpoint: "authorize", name: "a client not registered for the code grant", send: (c) => authorize(c, { client_id: c.refreshOnlyClientId }), status: 307, error: "unauthorized_client" },

  // RFC 6749 §5.2
  { endpoint: "token", name: "no grant_type", send: (c) => tokenRequest(c.request, { client_id: nativeClient.id }), status: 400, error: "invalid_request" },
  { endpoint: "token", name: "a JSON body", send: (c) => c.request.post("/oauth/token", { data: { grant_type: "refresh_token" } }), status: 400, error: "invalid_request" },
  { endpoint: "token", name: "a repeated parameter", send: (c) => c.request.post("/oauth/token", { headers: form, data: `grant_type=refresh_token&grant_type=refresh_token&client_id=${nativeClient.id}` }), status: 400, error: "invalid_request" },
  { endpoint: "token", name: "a missing code_verifier", send: (c) => tokenRequest(c.request, { grant_type: "authorization_code", client_id: nativeClient.id, code: "ghc_x", redirect_uri: nativeClient.redirectUri }), status: 400, error: "invalid_request" },
  { endpoint: "token", name: "the password grant", send: (c) => tokenRequest(c.request, { grant_type: "password", username: "a", password: "b", client_id: nativeClient.id }), status: 400, error: "unsupported_grant_type" },
  { endpoint: "token", name: "an unknown client", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", refresh_token: c.refreshToken, client_id: "no-such-client" }), status: 401, error: "invalid_client" },
  { endpoint: "token", name: "a wrong client secret over Basic", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", refresh_token: c.refreshToken }, { authorization: basicAuthorization(c.resourceServer.id, "wrong") }), status: 401, error: "invalid_client" },
  { endpoint: "token", name: "an unknown authorization code", send: (c) => tokenRequest(c.request, { grant_type: "authorization_code", client_id: nativeClient.id, code: "ghc_unknown", redirect_uri: nativeClient.redirectUri, code_verifier: pkcePair().verifier }), status: 400, error: "invalid_grant" },
  { endpoint: "token", name: "an unknown refresh token", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", client_id: nativeClient.id, refresh_token: "ghr_unknown" }), status: 400, error: "invalid_grant" },
  { endpoint: "token", name: "a client not registered for the grant", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", refresh_token: c.refreshToken }, { authorization: c.resourceServer.basic }), status: 400, error: "unauthorized_client" },
  { endpoint: "token", name: "a refresh asking for an unknown scope", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", client_id: nativeClient.id, refresh_token: c.refreshToken, scope: "profile admin" }), status: 400, error: "invalid_scope" },
  { endpoint: "token", name: "client credentials for a public client", send: (c) => tokenRequest(c.request, { grant_type: "client_credentials", client_id: nativeClient.id }), status: 400, error: "unauthorized_client" },
  { endpoint: "token", name: "client credentials beyond the client's scopes", send: (c) => tokenRequest(c.request, { grant_type: "client_credentials", scope: "notes:write" }, { authorization: c.service.basic }), status: 400, error: "invalid_scope" },
  { endpoint: "token", name: "client credentials with a wrong secret in the body", send: (c) => tokenRequest(c.request, { grant_type: "client_credentials", client_id: c.service.id, client_secret: "wrong" }), status: 401, error: "invalid_client" },
  { endpoint: "token", name: "a refresh widening the granted scopes", send: (c) => tokenRequest(c.request, { grant_type: "refresh_token", client_id: nativeClient.id, refresh_token: c.refreshToken, scope: "notes:write" }), status: 400, error: "invalid_scope" },
  { endpoint: "token", name: "the device grant for a client not registered for it", send: (c) => tokenRequest(c.request, { grant_type: DEVICE_GRANT, device_code: c.deviceCode, client_id: nativeClient.id }), status: 400, error: "unauthorized_client" },
  { endpoint: "token", name: "an unknown device code", send: (c) => tokenRequest(c.request, { grant_type: DEVICE_GRANT, device_code: "ghd_unknown", client_id: CLI_CLIENT_ID }), status: 400, error: "invalid_grant" },
  { endpoint: "token", name: "a device code nobody has approved yet", send: (c) => tokenRequest(c.request, { grant_type: DEVICE_GRANT, device_code: c.deviceCode, client_id: CLI_CLIENT_ID }), status: 400, error: "authorization_pending" },
  { endpoint: "token", name: "the same device code polled again at once", send: (c) => tokenRequest(c.request, { grant_type: DEVICE_GRANT, device_code: c.deviceCode, client_id: CLI_CLIENT_ID }), status: 400, error: "slow_down" },

  // RFC 8628 §3.2
  { endpoint: "device_authorization", name: "a client not registered for the device grant", send: (c) => c.request.post("/oauth/device_authorization", { form: { client_id: nativeClient.id } }), status: 400, error: "unauthorized_client" },
  { endpoint: "device_authorization", name: "an unknown scope", send: (c) => c.request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID, scope: "profile admin" } }), status: 400, error: "invalid_scope" },
  { endpoint: "device_authorization", name: "an unknown client", send: (c) => c.request.post("/oauth/device_authorization", { form: { client_id: "no-such-client" } }), status: 401, error: "invalid_client" },
  { endpoint: "device_authorization", name: "a JSON body", send: (c) => c.request.post("/oauth/device_authorization", { data: { client_id: CLI_CLIENT_ID } }), status: 400, error: "invalid_request" },

  // RFC 6750 §3.1
  { endpoint: "resource", name: "a malformed Authorization header", send: (c) => c.request.get("/api/v1/me", { headers: { authorization: "Bearer two words" } }), status: 400, error: "invalid_request" },
  { endpoint: "resource", name: "a token that is not ours", send: (c) => c.request.get("/api/v1/me", { headers: { authorization: "Bearer garbage" } }), status: 401, error: "invalid_token" },
  { endpoint: "resource", name: "a token without the route's scope", send: (c) => c.request.get("/api/v1/me", { headers: { authorization: `Bearer ${c.notesOnlyAccessToken}` } }), status: 403, error: "insufficient_scope" },

  // RFC 7009 §2.2.1
  { endpoint: "revoke", name: "no token", send: (c) => c.request.post("/oauth/revoke", { form: { client_id: nativeClient.id } }), status: 400, error: "invalid_request" },
  { endpoint: "revoke", name: "an unknown client", send: (c) => c.request.post("/oauth/revoke", { form: { client_id: "no-such-client", token: c.refreshToken } }), status: 401, error: "invalid_client" },

  // RFC 7662 §2.3
  { endpoint: "introspect", name: "no token", send: (c) => c.request.post("/oauth/introspect", { form: {}, headers: { authorization: c.resourceServer.basic } }), status: 400, error: "invalid_request" },
  { endpoint: "introspect", name: "no client authentication", send: (c) => c.request.post("/oauth/introspect", { form: { token: c.refreshToken } }), status: 401, error: "invalid_client" },
  { endpoint: "introspect", name: "a public client without a token", send: (c) => c.request.post("/oauth/introspect", { form: { client_id: nativeClient.id } }), status: 401, error: "invalid_client" },
  { endpoint: "introspect", name: "a public client", send: (c) => c.request.post("/oauth/introspect", { form: { token: c.refreshToken, client_id: nativeClient.id } }), status: 401, error: "invalid_client" },
];

/** The error code a response carries, wherever its endpoint puts it. */
async function errorCodeOf(endpoint: Endpoint, response: APIResponse): Promise<string | null> {
  if (endpoint === "authorize") return new URL(response.headers().location ?? "http://x/").searchParams.get("error");
  const body = (await response.json()) as { error?: string | { code?: string } };
  if (endpoint !== "resource") return typeof body.error === "string" ? body.error : null;
  // RFC 6750 §3: the code goes in the challenge; our JSON body repeats it.
  const challenge = /error="([^"]+)"/.exec(response.headers()["www-authenticate"] ?? "")?.[1] ?? null;
  expect(typeof body.error === "object" ? body.error.code : null).toBe(challenge);
  return challenge;
}

test("every OAuth error code is the one its RFC prescribes", async ({ page, request, signInAs }) => {
  const person = await signInAs("person");
  const { refresh_token } = await tokenPairFor(page, request, "profile notes:read");
  const notesOnly = await tokenPairFor(page, request, "notes:read");
  const resourceServer = await createConfidentialClient(`error-codes-rs-${Date.now()}`);
  const refreshOnlyClientId = `error-codes-refresh-only-${Date.now()}`;
  await query(
    `INSERT INTO "Client" (id, name, type, "redirectUris", "grantTypes", scopes, "updatedAt") VALUES ($1, 'Refresh only (test)', 'public', $2, '{refresh_token}', '{profile}', now())`,
    [refreshOnlyClientId, `{${nativeClient.redirectUri}}`],
  );
  const service = await createConfidentialClient(`error-codes-service-${Date.now()}`, { mayIntrospect: false, grantTypes: ["client_credentials"], scopes: ["notes:read"] });
  const { device_code: deviceCode } = await (await request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID } })).json();
  const context: Context = { request, refreshToken: refresh_token, notesOnlyAccessToken: notesOnly.access_token, resourceServer, refreshOnlyClientId, service, deviceCode };

  const outcomes = [];
  for (const row of ROWS) {
    const response = await row.send(context);
    outcomes.push({ row: `${row.endpoint}: ${row.name}`, status: response.status(), error: await errorCodeOf(row.endpoint, response) });
  }
  expect(outcomes).toEqual(ROWS.map((row) => ({ row: `${row.endpoint}: ${row.name}`, status: row.status, error: row.error })));
  for (const row of ROWS) expect(RFC_ERROR_CODES[row.endpoint] as readonly string[]).toContain(row.error);

  // access_denied needs a person to say no on the consent screen, or on /device.
  const denied = await authorizeInBrowser(page, { code_challenge: pkcePair().challenge }, "Deny");
  expect(denied.searchParams.get("error")).toBe("access_denied");
  const device = await (await request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID } })).json();
  await page.goto(device.verification_uri_complete);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("status")).toContainText("Denied");
  const refused = await tokenRequest(request, { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: CLI_CLIENT_ID });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toBe("access_denied");
  expect(person.userId).toBeTruthy();
});
