import { expect, test } from "@playwright/test";

import { clientsCli } from "./support/clients-cli";
import { basicAuthorization } from "./support/oauth";

/*
 * The client credentials grant (RFC 6749 §4.4) end to end: a service registered with the real
 * `npm run client:create`, asking the running production build for its own token, calling the API with
 * it, and being revoked and rotated by the CLI while it runs.
 */

interface Registered {
  client_id: string;
  client_secret: string;
}

async function registerService(name: string, scope = "notes:read notes:write") {
  return clientsCli<Registered>("create", ["--name", name, "--grant", "client_credentials", "--scope", scope]);
}

test.describe("the client credentials grant", () => {
  test("a service gets its own token with Basic or with the body, and /api/v1/me describes it as a client", async ({ request }) => {
    const service = await registerService("Billing service");
    const byBasic = await request.post("/oauth/token", { form: { grant_type: "client_credentials" }, headers: { Authorization: basicAuthorization(service.client_id, service.client_secret) } });
    expect(byBasic.status()).toBe(200);
    expect(byBasic.headers()["cache-control"]).toContain("no-store");
    const token = await byBasic.json();
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "notes:read notes:write" });
    expect(token.refresh_token).toBeUndefined();

    const byPost = await request.post("/oauth/token", { form: { grant_type: "client_credentials", client_id: service.client_id, client_secret: service.client_secret, scope: "notes:read" } });
    expect(byPost.status()).toBe(200);
    expect((await byPost.json()).scope).toBe("notes:read");

    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token.access_token}` } });
    expect(me.status()).toBe(200);
    expect(await me.json()).toEqual({ kind: "client", client_id: service.client_id, name: "Billing service", scopes: ["notes:read", "notes:write"] });

    // A route acting on a person's data: the client has no notes, whatever its scopes.
    const notes = await request.get("/api/v1/notes", { headers: { Authorization: `Bearer ${token.access_token}` }, failOnStatusCode: false });
    expect(notes.status()).toBe(403);
    expect((await notes.json()).error.message).toMatch(/acts for a person/);
  });

  test("a bad client is invalid_client (401, WWW-Authenticate: Basic) either way; a scope beyond its own is invalid_scope", async ({ request }) => {
    const service = await registerService("Scoped service", "notes:read");
    const attempts: Array<{ form: Record<string, string>; headers?: Record<string, string> }> = [
      { form: { grant_type: "client_credentials" }, headers: { Authorization: basicAuthorization(service.client_id, "ghs_wrong") } },
      { form: { grant_type: "client_credentials", client_id: service.client_id, client_secret: "ghs_wrong" } },
      { form: { grant_type: "client_credentials", client_id: "nobody-000000000000", client_secret: service.client_secret } },
      // A confidential client that sends no secret at all.
      { form: { grant_type: "client_credentials", client_id: service.client_id } },
    ];
    for (const attempt of attempts) {
      const response = await request.post("/oauth/token", { ...attempt, failOnStatusCode: false });
      expect(response.status(), JSON.stringify(attempt.form)).toBe(401);
      expect(response.headers()["www-authenticate"]).toMatch(/^Basic /);
      expect((await response.json()).error).toBe("invalid_client");
    }
    const tooMuch = await request.post("/oauth/token", { form: { grant_type: "client_credentials", scope: "notes:write" }, headers: { Authorization: basicAuthorization(service.client_id, service.client_secret) }, failOnStatusCode: false });
    expect(tooMuch.status()).toBe(400);
    expect((await tooMuch.json()).error).toBe("invalid_scope");
    // A public client may not use it at all.
    const publicClient = await request.post("/oauth/token", { form: { grant_type: "client_credentials", client_id: "gatehouse-example-native" }, failOnStatusCode: false });
    expect(publicClient.status()).toBe(400);
    expect((await publicClient.json()).error).toBe("unauthorized_client");
  });

  test("the metadata lists the grant; a client introspects and revokes its own token", async ({ request }) => {
    const metadata = await (await request.get("/.well-known/oauth-authorization-server")).json();
    expect(metadata.grant_types_supported).toContain("client_credentials");
    const service = await registerService("Self-aware service");
    const authorization = basicAuthorization(service.client_id, service.client_secret);
    const { access_token } = await (await request.post("/oauth/token", { form: { grant_type: "client_credentials" }, headers: { Authorization: authorization } })).json();
    const introspected = await (await request.post("/oauth/introspect", { form: { token: access_token }, headers: { Authorization: authorization } })).json();
    expect(introspected).toMatchObject({ active: true, sub: service.client_id, client_id: service.client_id, gty: "client_credentials" });
    expect((await request.post("/oauth/revoke", { form: { token: access_token }, headers: { Authorization: authorization } })).status()).toBe(200);
    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${access_token}` }, failOnStatusCode: false });
    expect(me.status()).toBe(401);
  });

  test("revoking or rotating a client with the CLI takes effect within a second", async ({ request }) => {
    const service = await registerService("Short-lived service");
    const grant = (secret: string) =>
      request.post("/oauth/token", { form: { grant_type: "client_credentials" }, headers: { Authorization: basicAuthorization(service.client_id, secret) }, failOnStatusCode: false });
    const first = await grant(service.client_secret);
    expect(first.status()).toBe(200);
    const { access_token } = await first.json();
    // Used once, so the app holds the client in its cache when the CLI changes it.
    expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${access_token}` } })).status()).toBe(200);

    const rotated = await clientsCli<Registered>("rotate-secret", [service.client_id, "--overlap", "0"]);
    // The new secret works at once (a refused secret re-reads the row); the old one is refused within a second.
    expect((await grant(rotated.client_secret)).status()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await grant(service.client_secret)).status()).toBe(401);

    await clientsCli("revoke", [service.client_id]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await grant(rotated.client_secret)).status()).toBe(401);
    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${access_token}` }, failOnStatusCode: false });
    expect(me.status()).toBe(401);
  });
});
