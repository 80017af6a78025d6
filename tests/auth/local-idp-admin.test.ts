import { randomBytes } from "node:crypto";

import { Auth } from "@auth/core";
import type { Provider } from "@auth/core/providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createAuthConfig } from "@/auth.config";
import type { AuditEntry } from "@/server/audit/audit-log";
import { toProviderUser, type ProviderProfile } from "@/server/auth/provider-profile";
import { parseEnv } from "@/server/env-schema";
import { noSessionCache } from "@/server/sessions/session-cache";
import { createSessionService } from "@/server/sessions/session-service";
import { HTTPS_SESSION_COOKIE } from "@/lib/session-cookie";
import { hashSessionToken } from "@/server/sessions/session-token";
import { startLocalIdp, type RunningLocalIdp } from "../../idp/server";
import { FakeBrowser, followUntilLeaving } from "../idp/fake-browser";
import { useTestDatabase } from "../support/test-database";

/*
 * Issue 9, point 7, "admin by configuration mistake", as an attacker would try it: the app runs in
 * production with AUTH_LOCAL_IDP=on and ADMIN_EMAILS set, and anyone can reach the local identity
 * provider, type an admin's address and tick "email verified". Whole sign-ins through Auth.js's own
 * request handler, with the real local IdP and a real PostgreSQL.
 *
 * A second instance of the local IdP, configured as provider "real" the way Google is (its verified
 * addresses believed), stands for the real provider the admin signs in with.
 */
const appOrigin = "https://gatehouse.test";
const client = { id: "gatehouse-admin-test", secret: randomBytes(24).toString("hex") };
const boss = "boss@example.com";
const secondBoss = "second-boss@example.com";
const demoBoss = "demo-boss@example.com";
const listedBoss = "listed-boss@example.com";

interface Identity {
  name: string;
  email: string;
  /** The local IdP's subject; derived from the email when left out. */
  sub?: string;
}

describe("the local identity provider in production makes nobody an admin", () => {
  const database = useTestDatabase("local_idp_admin");
  const audited: AuditEntry[] = [];
  let localIdp: RunningLocalIdp;
  let realIdp: RunningLocalIdp;
  let untrusted: ReturnType<typeof createAuthConfig>;
  let trusted: ReturnType<typeof createAuthConfig>;

  beforeAll(async () => {
    const redirectUris = [`${appOrigin}/api/auth/callback/local`, `${appOrigin}/api/auth/callback/real`];
    [localIdp, realIdp] = await Promise.all([
      startLocalIdp({ port: 0, clientId: client.id, clientSecret: client.secret, redirectUris }),
      startLocalIdp({ port: 0, clientId: client.id, clientSecret: client.secret, redirectUris }),
    ]);
    const realProvider: Provider = {
      id: "real",
      name: "A real provider",
      type: "oidc",
      issuer: realIdp.issuer,
      clientId: client.id,
      clientSecret: client.secret,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
      allowDangerousEmailAccountLinking: true,
      account: () => ({}),
      profile: (profile: ProviderProfile & { sub: string; name?: string }) =>
        toProviderUser({ id: profile.sub, name: profile.name, profile }),
    };
    const environment = {
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_URL: appOrigin,
      AUTH_LOCAL_IDP: "on",
      LOCAL_IDP_ISSUER: localIdp.issuer,
      LOCAL_IDP_CLIENT_ID: client.id,
      LOCAL_IDP_CLIENT_SECRET: client.secret,
      ADMIN_EMAILS: [boss, secondBoss, demoBoss, listedBoss].join(","),
    };
    const configFor = (env: ReturnType<typeof parseEnv>) => {
      const sessions = createSessionService({ db: database.db, sql: database.sql, cache: noSessionCache, lifetimes: env.sessionLifetimes });
      const config = createAuthConfig({ env, db: database.db, sessions, audit: (entry) => audited.push(entry) });
      return { ...config, providers: [...config.providers, realProvider], basePath: "/api/auth" };
    };
    untrusted = configFor(parseEnv(environment));
    trusted = configFor(parseEnv({ ...environment, AUTH_LOCAL_IDP_TRUSTED: "on" }));
  });

  afterAll(async () => {
    await Promise.all([localIdp?.close(), realIdp?.close()]);
  });

  /** One whole sign-in in a fresh browser, with "email verified" ticked; where it ends, and whose session it opened. */
  async function signIn(config: ReturnType<typeof createAuthConfig>, provider: "local" | "real", identity: Identity) {
    const jar = new Map<string, string>();
    async function app(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
      const response = await Auth(new Request(new URL(path, appOrigin), { ...init, headers }), config);
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
        if (value) jar.set(name, value);
        else jar.delete(name);
      }
      return response;
    }

    const { csrfToken } = (await (await app("/api/auth/csrf")).json()) as { csrfToken: string };
    const start = await app(`/api/auth/signin/${provider}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/account" }),
    });
    expect(start.status).toBe(302);

    const idp = provider === "local" ? localIdp : realIdp;
    const browser = new FakeBrowser();
    const toLogin = await followUntilLeaving(browser, idp.issuer, await browser.request(start.headers.get("location")!));
    const afterLogin = await browser.post(`${toLogin.page!.url}/login`, {
      name: identity.name,
      email: identity.email,
      email_verified: "on",
      sub: identity.sub ?? "",
    });
    const { leftTo } = await followUntilLeaving(browser, idp.issuer, afterLogin);
    expect(leftTo?.origin).toBe(appOrigin);

    const callback = await app(`${leftTo!.pathname}${leftTo!.search}`);
    expect(callback.status).toBe(302);
    const landedOn = new URL(callback.headers.get("location")!, appOrigin);
    const token = jar.get(HTTPS_SESSION_COOKIE);
    const session = token
      ? await database.db.session.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { user: true } })
      : null;
    return { landedOn: `${landedOn.pathname}${landedOn.search}`, user: session?.user ?? null };
  }

  const localAccount = (sub: string) =>
    database.db.account.findUnique({ where: { provider_providerAccountId: { provider: "local", providerAccountId: sub } } });
  const roleAndEmailOf = (userId: string) => database.db.user.findUnique({ where: { id: userId }, select: { role: true, email: true } });
  const failedLocalSignIn = (reason: string) =>
    expect.objectContaining({ event: "sign_in_failed", details: expect.objectContaining({ provider: "local", reason }) });

  it("typing an ADMIN_EMAILS address with 'verified' ticked signs in a plain user with no email", async () => {
    const { landedOn, user } = await signIn(untrusted, "local", { name: "Mallory", email: "Boss@Example.com", sub: "mallory-alone" });

    expect(landedOn).toBe("/account");
    expect(user).toMatchObject({ role: "user", email: null });
    expect(await database.db.user.count({ where: { role: "admin" } })).toBe(0);
    expect(audited.filter((entry) => entry.event === "role_changed")).toEqual([]);
  });

  it("a local sign-in with the real admin's address is refused, not linked to the admin", async () => {
    const admin = await signIn(untrusted, "real", { name: "The Boss", email: boss });
    expect(admin.user).toMatchObject({ role: "admin", email: boss });

    const attempt = await signIn(untrusted, "local", { name: "Mallory", email: boss, sub: "mallory-linking" });

    expect(attempt.landedOn).toBe("/signin?error=OAuthAccountNotLinked");
    expect(attempt.user).toBeNull();
    expect(await localAccount("mallory-linking")).toBeNull();
    const adminAccounts = await database.db.account.findMany({ where: { userId: admin.user!.id }, select: { provider: true } });
    expect(adminAccounts).toEqual([{ provider: "real" }]);
    expect(audited).toContainEqual(failedLocalSignIn("unverified_email_of_existing_user"));
  });

  it("a user the local IdP made first with an admin's address is not the one a real provider's sign-in links onto", async () => {
    const squatter = await signIn(untrusted, "local", { name: "Mallory", email: secondBoss, sub: "mallory-first" });
    expect(squatter.user).toMatchObject({ role: "user", email: null });

    const admin = await signIn(untrusted, "real", { name: "The Second Boss", email: secondBoss });

    expect(admin.user).toMatchObject({ role: "admin", email: secondBoss });
    expect(admin.user!.id).not.toBe(squatter.user!.id);
    expect(await roleAndEmailOf(squatter.user!.id)).toEqual({ role: "user", email: null });
  });

  it("a local account left linked to an admin (from a deployment that trusted it) no longer opens the admin's session", async () => {
    // As a trusting deployment (or the admin, signed in, adding a local identity) would have left it.
    const admin = await database.db.user.create({
      data: {
        email: "old-boss@example.com",
        role: "admin",
        accounts: { create: { type: "oidc", provider: "local", providerAccountId: "old-boss" } },
      },
    });

    const attempt = await signIn(untrusted, "local", { name: "Mallory", email: "anything@example.com", sub: "old-boss" });

    expect(attempt.landedOn).toBe("/signin?error=AccessDenied");
    expect(attempt.user).toBeNull();
    expect(await database.db.session.count({ where: { userId: admin.id } })).toBe(0);
    expect(await roleAndEmailOf(admin.id)).toEqual({ role: "admin", email: "old-boss@example.com" });
    expect(audited).toContainEqual(failedLocalSignIn("unvouched_account_of_verified_user"));
  });

  it("a local sign-in grants no role from ADMIN_EMAILS even to a user whose address is on the list", async () => {
    // Behind the defences above, in case one is ever bypassed: the role sync itself ignores local sign-ins.
    const user = await database.db.user.create({ data: { email: listedBoss } });
    const account = { provider: "local", providerAccountId: "listed-boss", type: "oidc" as const };

    await untrusted.events!.signIn!({ user: { id: user.id, email: user.email }, account });
    expect((await roleAndEmailOf(user.id))?.role).toBe("user");

    await untrusted.events!.signIn!({ user: { id: user.id, email: user.email }, account: { ...account, provider: "real" } });
    expect((await roleAndEmailOf(user.id))?.role).toBe("admin");
  });

  it("with AUTH_LOCAL_IDP_TRUSTED=on (demo and test deployments) the typed address is believed, as the end-to-end suite needs", async () => {
    const { landedOn, user } = await signIn(trusted, "local", { name: "Demo Boss", email: demoBoss });

    expect(landedOn).toBe("/account");
    expect(user).toMatchObject({ role: "admin", email: demoBoss });
  });
});
