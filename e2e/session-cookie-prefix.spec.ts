import { randomBytes } from "node:crypto";

import { hashSessionToken } from "../server/sessions/session-token";
import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { sessionToken } from "./support/local-idp";

/*
 * Under HTTPS the session cookie is __Host-authjs.session-token: a browser takes a __Host- cookie only
 * with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant it. The names a sibling *can*
 * plant with a Domain attribute (__Secure-…, or the bare name) are never used for a session that began
 * after the change; sessions that began before it keep working, and move to the __Host- name.
 *
 * The stack runs on plain http://localhost; `X-Forwarded-Proto: https` is what a TLS-terminating proxy
 * in front of it sends, and the app then behaves as it does under HTTPS.
 */
const HTTPS = { "x-forwarded-proto": "https" };

/** A session as one from before the __Host- change looks: its old cookie name is accepted until `legacyCookieUntil`. */
async function insertSession(userId: string, { legacyCookieDays }: { legacyCookieDays: number }) {
  const token = randomBytes(32).toString("base64url");
  await query(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt", "lastUsedAt", "legacyCookieUntil", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, now() + interval '1 day', now() - interval '1 hour', now() + make_interval(days => $4), now() - interval '1 hour', now())`,
    [`s${randomBytes(8).toString("hex")}`, hashSessionToken(token), userId, legacyCookieDays],
  );
  return token;
}

test("under HTTPS, a session cookie under a name a sibling subdomain can plant is never used", async ({ request, context, signInAs }) => {
  const { userId } = await signInAs("person");
  const token = (await sessionToken(context))!;

  for (const planted of [`__Secure-authjs.session-token=${token}`, `authjs.session-token=${token}`]) {
    const page = await request.get("/account", { headers: { ...HTTPS, cookie: planted }, maxRedirects: 0 });
    expect(page.status(), planted).toBe(307);
    expect(new URL(page.headers().location!, "http://x").pathname, planted).toBe("/signin");
    const api = await request.get("/api/v1/me", { headers: { ...HTTPS, cookie: planted } });
    expect(api.status(), planted).toBe(401);
  }

  const hostCookie = await request.get("/api/v1/me", { headers: { ...HTTPS, cookie: `__Host-authjs.session-token=${token}` } });
  expect(hostCookie.status()).toBe(200);
  expect(((await hostCookie.json()) as { user: { id: string } }).user.id).toBe(userId);
});

test("under HTTPS, a session from before the __Host- change keeps working and moves to the __Host- cookie", async ({ request, signInNewPerson }) => {
  const { userId } = await signInNewPerson();
  const token = await insertSession(userId, { legacyCookieDays: 14 });

  const page = await request.get("/account", { headers: { ...HTTPS, cookie: `__Secure-authjs.session-token=${token}` }, maxRedirects: 0 });
  expect(page.status()).toBe(200);
  const setCookies = page.headersArray().filter((header) => header.name.toLowerCase() === "set-cookie").map((header) => header.value);
  const moved = setCookies.find((line) => line.startsWith(`__Host-authjs.session-token=${token}`));
  expect(moved, setCookies.join("\n")).toBeDefined();
  expect(moved).toMatch(/;\s*Secure/i);
  expect(moved).toMatch(/;\s*Path=\//i);
  expect(moved).toMatch(/;\s*HttpOnly/i);
  expect(moved).not.toMatch(/;\s*Domain=/i);
  const cleared = setCookies.find((line) => line.startsWith("__Secure-authjs.session-token="));
  expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/i);

  // The bare name is still never used under HTTPS, even for that older session.
  const bare = await request.get("/api/v1/me", { headers: { ...HTTPS, cookie: `authjs.session-token=${token}` } });
  expect(bare.status()).toBe(401);
});

test("under HTTPS, the old cookie name stops working once its window after the change has passed", async ({ request, signInNewPerson }) => {
  const { userId } = await signInNewPerson();
  const token = await insertSession(userId, { legacyCookieDays: -1 });

  const legacy = await request.get("/api/v1/me", { headers: { ...HTTPS, cookie: `__Secure-authjs.session-token=${token}` } });
  expect(legacy.status()).toBe(401);
  const current = await request.get("/api/v1/me", { headers: { ...HTTPS, cookie: `__Host-authjs.session-token=${token}` } });
  expect(current.status()).toBe(200);
});
