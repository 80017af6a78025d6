import { randomBytes } from "node:crypto";

import { Auth } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createAuthConfig } from "@/auth.config";
import type { PrismaClient } from "@/generated/prisma/client";
import { createDatabase, type Database } from "@/server/database";
import { parseEnv } from "@/server/env-schema";
import { sessionCookieFrom } from "@/lib/session-cookie";
import { noSessionCache } from "@/server/sessions/session-cache";
import { createSessionService } from "@/server/sessions/session-service";
import { hashSessionToken } from "@/server/sessions/session-token";
import { startLocalIdp, type RunningLocalIdp } from "../../idp/server";
import { FakeBrowser, followUntilLeaving } from "../idp/fake-browser";
import { createTestDatabase } from "../support/test-database";

/*
 * Point 5 under HTTPS: a whole sign-in through Auth.js's own request handler, with the real local
 * identity provider and a real PostgreSQL, for an app served at https://. (The browser tests run on
 * plain http://localhost, where cookies cannot be Secure.)
 */
const appOrigin = "https://gatehouse.test";
const client = { id: "gatehouse-https-test", secret: randomBytes(24).toString("hex") };

interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function parseSetCookie(line: string): SetCookie {
  const [pair = "", ...rest] = line.split(";").map((part) => part.trim());
  const eq = pair.indexOf("=");
  const attributes = new Map(
    rest.map((attribute) => {
      const [key = "", value = ""] = attribute.split("=");
      return [key.toLowerCase(), value] as const;
    }),
  );
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

describe("sign-in over HTTPS", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let connection: Database;
  let db: PrismaClient;
  let idp: RunningLocalIdp;
  let config: ReturnType<typeof createAuthConfig>;
  const jar = new Map<string, string>();
  let signedInToken: string | undefined;

  async function app(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await Auth(new Request(new URL(path, appOrigin), { ...init, headers }), config);
    const cookies = response.headers.getSetCookie().map(parseSetCookie);
    for (const cookie of cookies) jar.set(cookie.name, cookie.value);
    return { response, cookies };
  }

  beforeAll(async () => {
    database = await createTestDatabase("https");
    connection = createDatabase(database.url);
    db = connection.db;
    idp = await startLocalIdp({ port: 0, clientId: client.id, clientSecret: client.secret, redirectUris: [`${appOrigin}/api/auth/callback/local`] });
    const env = parseEnv({
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_URL: appOrigin,
      AUTH_LOCAL_IDP: "on",
      // Its typed email is believed here (a test deployment), so the sign-in has an address to check.
      AUTH_LOCAL_IDP_TRUSTED: "on",
      LOCAL_IDP_ISSUER: idp.issuer,
      LOCAL_IDP_CLIENT_ID: client.id,
      LOCAL_IDP_CLIENT_SECRET: client.secret,
    });
    const sessions = createSessionService({ db, sql: connection.sql, cache: noSessionCache, lifetimes: env.sessionLifetimes });
    config = { ...createAuthConfig({ env, db, sessions }), basePath: "/api/auth" };
  });

  afterAll(async () => {
    await idp?.close();
    await connection?.close();
    await database?.drop();
  });

  it("sets a __Host- session cookie that is Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain, naming a Session row", async () => {
    const { response: csrfResponse } = await app("/api/auth/csrf");
    const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };

    const { response: start, cookies: flowCookies } = await app("/api/auth/signin/local", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/account" }),
    });
    expect(start.status).toBe(302);
    // The PKCE verifier, state and nonce ride in prefixed, Secure cookies too.
    expect(flowCookies.map((cookie) => cookie.name)).toEqual(
      expect.arrayContaining(["__Secure-authjs.pkce.code_verifier", "__Secure-authjs.state", "__Secure-authjs.nonce"]),
    );

    const browser = new FakeBrowser();
    const toLogin = await followUntilLeaving(browser, idp.issuer, await browser.request(start.headers.get("location")!));
    const loginUrl = toLogin.page!.url;
    const afterLogin = await browser.post(`${loginUrl}/login`, { name: "Ada Secure", email: "ada-secure@example.com", email_verified: "on" });
    const { leftTo } = await followUntilLeaving(browser, idp.issuer, afterLogin);
    expect(leftTo?.origin).toBe(appOrigin);

    const { response: callback, cookies } = await app(`${leftTo!.pathname}${leftTo!.search}`);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`${appOrigin}/account`);

    const sessionCookie = cookies.find((cookie) => cookie.name.endsWith("authjs.session-token"));
    expect(sessionCookie?.name).toBe("__Host-authjs.session-token");
    expect(sessionCookie!.attributes.has("domain")).toBe(false);
    expect(sessionCookie!.attributes.has("secure")).toBe(true);
    expect(sessionCookie!.attributes.has("httponly")).toBe(true);
    expect(sessionCookie!.attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(sessionCookie!.attributes.get("path")).toBe("/");

    // The database has only the token's hash.
    const session = await db.session.findUnique({ where: { tokenHash: hashSessionToken(sessionCookie!.value) }, include: { user: true } });
    expect(session?.user.email).toBe("ada-secure@example.com");
    signedInToken = sessionCookie!.value;
  });

  it("never uses the session token under a name a sibling subdomain can plant with a Domain attribute", async () => {
    expect(signedInToken).toBeDefined();
    const sessions = createSessionService({ db, sql: connection.sql, cache: noSessionCache, lifetimes: parseEnv({ DATABASE_URL: database.url, AUTH_SECRET: "x".repeat(32), AUTH_LOCAL_IDP: "off" }).sessionLifetimes });
    for (const name of ["__Secure-authjs.session-token", "authjs.session-token"]) {
      // Auth.js's own session endpoint ignores it...
      const response = await Auth(new Request(`${appOrigin}/api/auth/session`, { headers: { cookie: `${name}=${signedInToken}` } }), config);
      expect(await response.json(), name).toBeNull();
      // ...and so does ours: the bare name is never read under HTTPS, and the old __Secure- name only for a
      // session that began before the __Host- change.
      const cookie = sessionCookieFrom(new Map([[name, { name, value: signedInToken! }]]), true);
      const resolved = cookie ? await sessions.resolve(cookie.value, { legacyCookie: cookie.legacy }) : null;
      expect(resolved, name).toBeNull();
    }
    const current = sessionCookieFrom(new Map([["__Host-authjs.session-token", { name: "__Host-authjs.session-token", value: signedInToken! }]]), true);
    expect(await sessions.resolve(current!.value, { legacyCookie: current!.legacy })).not.toBeNull();

    // A session from before the change is still reached through its old name, so nobody is signed out.
    await db.session.update({ where: { tokenHash: hashSessionToken(signedInToken!) }, data: { legacyCookieUntil: new Date(Date.now() + 86_400_000) } });
    const legacy = sessionCookieFrom(new Map([["__Secure-authjs.session-token", { name: "__Secure-authjs.session-token", value: signedInToken! }]]), true);
    expect(legacy?.legacy).toBe(true);
    expect(await sessions.resolve(legacy!.value, { legacyCookie: true })).not.toBeNull();
    // ...but only within its window.
    await db.session.update({ where: { tokenHash: hashSessionToken(signedInToken!) }, data: { legacyCookieUntil: new Date(Date.now() - 1000) } });
    expect(await sessions.resolve(legacy!.value, { legacyCookie: true })).toBeNull();
    expect(await sessions.resolve(current!.value)).not.toBeNull();
  });
});
