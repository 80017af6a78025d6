import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { base64url } from "jose";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";
import { authorizeInBrowser, authorizeUrl, createConfidentialClient, nativeClient, pkcePair, signWithAppKey, tokenPairFor, tokenRequest } from "./support/oauth";

/*
 * The authorization server and the API attacked over HTTP: forged, expired, tampered and misused tokens,
 * PKCE and redirect tricks, replayed codes and refresh tokens, hostile bodies. Every refusal has the
 * right OAuth error and none is a 5xx.
 */

let api: APIRequestContext;
test.beforeAll(async () => {
  // No cookies ever: only the Bearer token speaks.
  api = await playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
});
test.afterAll(() => api.dispose());

async function meWith(token: string) {
  const response = await api.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { error?: { message?: string } };
  return { status: response.status(), challenge: response.headers()["www-authenticate"] ?? "", message: body.error?.message };
}

/**
 * The challenge's description of a refused token names the check that refused it (the verifier's
 * code): a refusal for the reason the attack is about, not any 401 (RFC 6750 §3).
 */
const refusedFor = (code: string) => `error_description="The access token was refused (${code})."`;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const validClaims = (sub: string) => ({
  iss: e2eConfig.baseURL,
  aud: `${e2eConfig.baseURL}/api`,
  sub,
  client_id: nativeClient.id,
  scope: "profile",
  jti: `forged-${Math.random()}`,
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
});

test.describe("forged and misused access tokens at the API", () => {
  test("each is refused with 401 invalid_token", async ({ page, request, signInAs }) => {
    const { userId } = await signInAs("person");
    const pair = await tokenPairFor(page, request);
    expect((await meWith(pair.access_token)).status).toBe(200);
    const [header, payload, signature] = pair.access_token.split(".") as [string, string, string];
    const decoded = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));

    // Each attack, and the check that must refuse it.
    const attacks: Record<string, [token: string, refusedBy: string]> = {
      "alg none": [`${base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${payload}.`, "wrong_algorithm"],
      "tampered payload": [`${header}.${base64url.encode(JSON.stringify({ ...decoded, scope: "profile notes:read notes:write" }))}.${signature}`, "bad_signature"],
      "tampered signature": [`${header}.${payload}.${signature.slice(0, -4)}AAAA`, "bad_signature"],
      "unknown kid": [`${base64url.encode(JSON.stringify({ alg: "ES256", typ: "at+jwt", kid: "no-such-key" }))}.${payload}.${signature}`, "unknown_key"],
      "path-like kid": [`${base64url.encode(JSON.stringify({ alg: "ES256", typ: "at+jwt", kid: "../../../etc/passwd" }))}.${payload}.${signature}`, "unknown_key"],
      "expired (signed with our own key)": [await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), iat: nowSeconds() - 3600, exp: nowSeconds() - 600 }), "expired"],
      "not yet valid": [await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), nbf: nowSeconds() + 600 }), "not_yet_valid"],
      "wrong issuer": [await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), iss: "https://evil.example" }), "wrong_issuer"],
      "wrong audience": [await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), aud: "https://other.example/api" }), "wrong_audience"],
      "wrong type": [await signWithAppKey({ typ: "JWT" }, validClaims(userId)), "wrong_type"],
      "refresh token as access token": [pair.refresh_token, "malformed"],
      garbage: ["garbage", "malformed"],
    };
    for (const [attack, [token, refusedBy]] of Object.entries(attacks)) {
      const result = await meWith(token);
      expect(result.status, attack).toBe(401);
      expect(result.challenge, attack).toContain('error="invalid_token"');
      expect(result.challenge, attack).toContain(refusedFor(refusedBy));
    }
    // The forger's own control: the same key and claims, done right, is accepted.
    expect((await meWith(await signWithAppKey({ typ: "at+jwt" }, validClaims(userId)))).status).toBe(200);
  });

  test("a client's own token (gty, sub = client_id) is a client principal: valid, but it has no person; gty with a person's sub is refused", async ({ signInAs }) => {
    const clientToken = await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(nativeClient.id), gty: "client_credentials", scope: "profile notes:read" });
    const me = await api.get("/api/v1/me", { headers: { Authorization: `Bearer ${clientToken}` } });
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ kind: "client", client_id: nativeClient.id });
    const notes = await api.get("/api/v1/notes", { headers: { Authorization: `Bearer ${clientToken}` } });
    expect(notes.status()).toBe(403);
    expect(notes.headers()["www-authenticate"]).toContain('error="insufficient_scope"');
    // Claiming to be a client's token while naming a person: never the person's, never the client's.
    const { userId } = await signInAs("person");
    const confused = await meWith(await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), gty: "client_credentials" }));
    expect(confused.status).toBe(401);
    expect(confused.challenge).toContain(refusedFor("malformed"));
  });

  test("HS256 signed with the published public key is refused", async ({ request }) => {
    const { createHmac } = await import("node:crypto");
    const { keys } = await (await request.get("/.well-known/jwks.json")).json();
    const head = base64url.encode(JSON.stringify({ alg: "HS256", typ: "at+jwt", kid: keys[0].kid }));
    const body = base64url.encode(JSON.stringify(validClaims("anyone")));
    const mac = createHmac("sha256", JSON.stringify(keys[0])).update(`${head}.${body}`).digest("base64url");
    const refused = await meWith(`${head}.${body}.${mac}`);
    expect(refused.status).toBe(401);
    // Refused for its algorithm (pinned to ES256 before any key is looked up), not merely for a
    // signature that jose could not check with an EC key: the description and the body say which.
    expect(refused.challenge).toContain(refusedFor("wrong_algorithm"));
    expect(refused.message).toBe("The access token was refused (wrong_algorithm).");
  });

  test("a revoked jti is refused", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const pair = await tokenPairFor(page, request);
    await request.post("/oauth/revoke", { form: { token: pair.access_token, client_id: nativeClient.id } });
    const refused = await meWith(pair.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain(refusedFor("revoked"));
  });

  test("a malformed Authorization header is a 400 invalid_request; no credential is a bare 401 challenge", async () => {
    const malformed = await api.get("/api/v1/me", { headers: { Authorization: "Token abc" } });
    expect(malformed.status()).toBe(400);
    const none = await api.get("/api/v1/me");
    expect(none.status()).toBe(401);
    expect(none.headers()["www-authenticate"]).toMatch(/^Bearer realm="gatehouse"$/);
  });
});

test.describe("the authorization endpoint", () => {
  test("PKCE plain, or no challenge, is sent back as invalid_request", async ({ page, signInAs }) => {
    await signInAs("person");
    const attempts: Array<Record<string, string>> = [{ code_challenge_method: "plain", code_challenge: "x".repeat(43) }, { code_challenge: "" }];
    for (const params of attempts) {
      // The browser's own cookies, without following the redirect: the Location is what we check.
      const response = await page.request.get(authorizeUrl(params), { maxRedirects: 0 });
      expect(response.status()).toBe(307);
      const location = new URL(response.headers()["location"]!);
      expect(`${location.origin}${location.pathname}`).toBe(nativeClient.redirectUri);
      expect(location.searchParams.get("error")).toBe("invalid_request");
      expect(location.searchParams.get("state")).toBe("state-123");
      expect(location.searchParams.has("code")).toBe(false);
    }
  });

  test("an unregistered redirect_uri is never redirected to", async ({ page, signInAs }) => {
    await signInAs("person");
    const evil: string[] = [];
    await page.route("http://evil.example/**", (route) => {
      evil.push(route.request().url());
      return route.fulfill({ status: 200, body: "evil" });
    });
    for (const redirect of ["http://evil.example/callback", `${nativeClient.redirectUri}/../evil`, `${nativeClient.redirectUri}?x=1`, "http://127.0.0.1:8976/callback/"]) {
      const response = await page.goto(authorizeUrl({ redirect_uri: redirect, code_challenge: pkcePair().challenge }));
      expect(response?.status()).toBeLessThan(500);
      await expect(page.getByRole("heading", { name: "This sign-in request cannot continue" })).toBeVisible();
    }
    expect(evil).toEqual([]);
  });
});

test.describe("the token endpoint", () => {
  test("a missing, wrong or plain PKCE verifier and a changed redirect_uri are refused", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeInBrowser(page, { code_challenge: challenge });
    const code = callback.searchParams.get("code")!;
    const base = { grant_type: "authorization_code", code, redirect_uri: nativeClient.redirectUri, client_id: nativeClient.id };
    const cases: Array<[Record<string, string>, string]> = [
      [base, "invalid_request"],
      [{ ...base, code_verifier: pkcePair().verifier }, "invalid_grant"],
      [{ ...base, code_verifier: challenge.padEnd(43, "x") }, "invalid_grant"],
      [{ ...base, code_verifier: verifier, redirect_uri: `${nativeClient.redirectUri}x` }, "invalid_grant"],
    ];
    for (const [form, error] of cases) {
      const response = await tokenRequest(request, form);
      expect(response.status()).toBe(400);
      expect((await response.json()).error).toBe(error);
    }
    // None of that burnt the code for its rightful owner.
    expect((await tokenRequest(request, { ...base, code_verifier: verifier })).status()).toBe(200);
  });

  test("a reused authorization code is refused and the tokens it issued are revoked", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeInBrowser(page, { code_challenge: challenge });
    const form = { grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: nativeClient.redirectUri, code_verifier: verifier, client_id: nativeClient.id };
    const first = await (await tokenRequest(request, form)).json();
    expect((await meWith(first.access_token)).status).toBe(200);
    const replay = await tokenRequest(request, form);
    expect(replay.status()).toBe(400);
    expect((await replay.json()).error).toBe("invalid_grant");
    const refused = await meWith(first.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain(refusedFor("revoked"));
  });

  test("a replayed refresh token revokes its family: the current pair dies too", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const first = await tokenPairFor(page, request);
    const refresh = (token: string) => tokenRequest(request, { grant_type: "refresh_token", refresh_token: token, client_id: nativeClient.id });
    const second = await (await refresh(first.refresh_token)).json();
    const third = await (await refresh(second.refresh_token)).json();
    // `first` was rotated and its successor used since: no grace applies, this is a replay.
    const replay = await refresh(first.refresh_token);
    expect(replay.status()).toBe(400);
    expect((await replay.json()).error).toBe("invalid_grant");
    const refused = await meWith(third.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain(refusedFor("revoked"));
    expect((await (await refresh(third.refresh_token)).json()).error).toBe("invalid_grant");
  });

  test("two tabs refreshing at once both get the same successor", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const pair = await tokenPairFor(page, request);
    const form = { grant_type: "refresh_token", refresh_token: pair.refresh_token, client_id: nativeClient.id };
    const responses = await Promise.all([tokenRequest(request, form), tokenRequest(request, form)]);
    expect(responses.map((response) => response.status())).toEqual([200, 200]);
    const [a, b] = await Promise.all(responses.map((response) => response.json()));
    expect(a.refresh_token).toBe(b.refresh_token);
    expect((await meWith(a.access_token)).status).toBe(200);
  });

  test("an access token is refused as a refresh token", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const pair = await tokenPairFor(page, request);
    const response = await tokenRequest(request, { grant_type: "refresh_token", refresh_token: pair.access_token, client_id: nativeClient.id });
    expect(response.status()).toBe(400);
    expect((await response.json()).error).toBe("invalid_grant");
  });

  test("malformed, oversized and hostile bodies get OAuth errors, never a 5xx", async ({ request }) => {
    const cases: Array<[Parameters<APIRequestContext["post"]>[1], number, string]> = [
      [{ data: { grant_type: "refresh_token" } }, 400, "invalid_request"], // JSON, not a form
      [{ form: { grant_type: "password", username: "a", password: "b", client_id: nativeClient.id } }, 400, "unsupported_grant_type"],
      [{ form: { client_id: nativeClient.id } }, 400, "invalid_request"],
      [{ form: { grant_type: "refresh_token", refresh_token: "x" } }, 401, "invalid_client"],
      [{ form: { grant_type: "refresh_token", refresh_token: "x", client_id: "no-such-client" } }, 401, "invalid_client"],
      [{ form: { grant_type: "refresh_token", refresh_token: "x".repeat(10_000), client_id: nativeClient.id } }, 400, "invalid_request"],
      [{ headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: "grant_type=refresh_token&grant_type=authorization_code&client_id=x" }, 400, "invalid_request"],
      [{ headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: "%%%&&&=\u0000" }, 400, "invalid_request"],
      [{ form: { grant_type: "refresh_token", refresh_token: "ghr_nope", client_id: nativeClient.id } }, 400, "invalid_grant"],
      [{ form: { grant_type: "refresh_token", refresh_token: "ghr_nope", client_id: nativeClient.id, scope: "admin" } }, 400, "invalid_scope"], // RFC 6749 §5.2
    ];
    for (const [options, status, error] of cases) {
      const response = await request.post("/oauth/token", { ...options, failOnStatusCode: false });
      expect(response.status(), JSON.stringify(options)).toBe(status);
      expect((await response.json()).error, JSON.stringify(options)).toBe(error);
    }
  });
});

test.describe("introspection", () => {
  test("a resource server sees live tokens as active and dead or foreign ones as inactive; public clients may not ask, other clients learn nothing", async ({ page, request, signInAs }) => {
    const { userId } = await signInAs("person");
    const server = await createConfidentialClient(`rs-${Date.now()}`);
    const pair = await tokenPairFor(page, request);
    const introspect = (token: string, authorization = server.basic) =>
      request.post("/oauth/introspect", { form: { token }, headers: { Authorization: authorization }, failOnStatusCode: false });

    expect(await (await introspect(pair.access_token)).json()).toMatchObject({ active: true, sub: userId, client_id: nativeClient.id, scope: "profile notes:read" });
    expect(await (await introspect(pair.refresh_token)).json()).toMatchObject({ active: true, sub: userId });
    expect(await (await introspect(await signWithAppKey({ typ: "at+jwt" }, { ...validClaims(userId), exp: nowSeconds() - 600, iat: nowSeconds() - 1200 }))).json()).toEqual({ active: false });
    expect(await (await introspect("eyJhbGciOiJub25lIn0.e30.")).json()).toEqual({ active: false });

    await request.post("/oauth/revoke", { form: { token: pair.refresh_token, client_id: nativeClient.id } });
    expect(await (await introspect(pair.access_token)).json()).toEqual({ active: false });

    const wrongSecret = await introspect(pair.access_token, `Basic ${Buffer.from(`${server.id}:wrong`).toString("base64")}`);
    expect(wrongSecret.status()).toBe(401);
    expect(wrongSecret.headers()["www-authenticate"]).toContain("Basic");
    const publicClient = await request.post("/oauth/introspect", { form: { token: pair.access_token, client_id: nativeClient.id }, failOnStatusCode: false });
    expect(publicClient.status()).toBe(401);
    expect((await publicClient.json()).error).toBe("invalid_client");
    // A confidential client that is not a resource server (any third-party web app) learns nothing of
    // another client's token (RFC 7662 §2.1: it may introspect its own).
    const live = await tokenPairFor(page, request);
    expect(await (await introspect(live.access_token)).json()).toMatchObject({ active: true });
    const webApp = await createConfidentialClient(`web-${Date.now()}`, { mayIntrospect: false });
    const asWebApp = await introspect(live.access_token, webApp.basic);
    expect(asWebApp.status()).toBe(200);
    expect(await asWebApp.json()).toEqual({ active: false });
  });
});

test.describe("CSRF and Bearer", () => {
  test("a Bearer request needs no same-origin proof; a cookie request from another origin is refused", async ({ page, request, signInAs }) => {
    await signInAs("person");
    const pair = await tokenPairFor(page, request, "notes:write");
    const foreign = { Origin: "http://evil.example" };
    const withBearer = await api.post("/api/v1/notes", { headers: { ...foreign, Authorization: `Bearer ${pair.access_token}` }, data: { title: "from a script" } });
    expect(withBearer.status()).toBe(201);
    const withCookie = await page.request.post("/api/v1/notes", { headers: foreign, data: { title: "forged" }, failOnStatusCode: false });
    expect(withCookie.status()).toBe(403);
  });
});

test.describe("the notes API", () => {
  test("malformed, oversized and hostile bodies get 4xx JSON errors, and leave nothing behind", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    const pair = await tokenPairFor(page, request, "notes:read notes:write");
    const bearer = { Authorization: `Bearer ${pair.access_token}` };
    const cases: Array<[Parameters<APIRequestContext["post"]>[1], number]> = [
      [{ headers: { ...bearer, "Content-Type": "application/json" }, data: "{not json" }, 400],
      [{ headers: { ...bearer, "Content-Type": "text/plain" }, data: "title=x" }, 415],
      [{ headers: bearer, data: { title: "x", body: "y".repeat(20_000) } }, 413],
      [{ headers: bearer, data: { title: "" } }, 400],
      [{ headers: bearer, data: { title: "x", userId: "someone-else" } }, 400],
      [{ headers: bearer, data: ["an", "array"] }, 400],
      [{ headers: bearer, data: { title: { $gt: "" } } }, 400],
    ];
    for (const [options, status] of cases) {
      const response = await api.post("/api/v1/notes", { ...options, failOnStatusCode: false });
      expect(response.status(), JSON.stringify(options?.data).slice(0, 80)).toBe(status);
      expect((await response.json()).error.code).toEqual(expect.any(String));
    }
    const list = await api.get("/api/v1/notes", { headers: bearer });
    expect((await list.json()).notes).toEqual([]);
    for (const query of ["?limit=0", "?limit=abc", "?cursor=../../etc", "?limt=5"]) {
      expect((await api.get(`/api/v1/notes${query}`, { headers: bearer })).status(), query).toBe(400);
    }
  });
});
