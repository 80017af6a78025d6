import type { BrowserContext } from "@playwright/test";

import { sessionByToken, sessionRowsAsText, usersWithEmail } from "./support/database";
import { expect, test } from "./support/fixtures";
import { forgetSession, signInWithLocalId, uniqueIdentity } from "./support/local-idp";

const SESSION_COOKIE = "authjs.session-token";

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
}

test.describe("signing in with the local identity provider", () => {
  test("a signed-out visit to /account goes through /signin and the provider, and comes back to /account", async ({ page, trackUser }) => {
    const person = uniqueIdentity();

    await page.goto("/account");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount$/);
    await signInWithLocalId(page, person);

    await expect(page).toHaveURL("/account");
    await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
    const profile = page.getByRole("region", { name: "Profile" });
    await expect(profile).toContainText(person.name);
    await expect(profile).toContainText(person.email);
    await expect(page.getByRole("region", { name: "Linked accounts" })).toContainText("Local ID");
    await expect(page.getByRole("region", { name: "This session" })).toContainText("Expires");
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "/account scrolls sideways at 375 px").toBeLessThanOrEqual(0);

    const [user] = await usersWithEmail(person.email);
    expect(user).toBeDefined();
    trackUser(user!.id);
  });

  test("the session cookie is an opaque HttpOnly, SameSite=Lax token naming a Session row", async ({ context, signInNewPerson }) => {
    const { userId } = await signInNewPerson();

    const cookie = await sessionCookie(context);
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
    expect(cookie!.path).toBe("/");
    // Plain http here, so no Secure flag; under https Auth.js adds Secure and the __Secure- prefix
    // (covered by tests/auth/secure-cookies.test.ts).
    expect(cookie!.secure).toBe(false);
    // Opaque: 256 random bits, not a JWT or anything else that carries data.
    expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await sessionByToken(cookie!.value);
    expect(session?.userId).toBe(userId);
    expect(session!.expiresAt.getTime()).toBeGreaterThan(Date.now());
    // The database holds the token's hash only: a leaked backup yields no usable cookie.
    const rows = await sessionRowsAsText(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).not.toContain(cookie!.value);
    // The session records the client it was made for.
    expect(session).toMatchObject({ browser: expect.stringMatching(/^Chrom/), os: "Windows 10", deviceType: "desktop" });
  });

  test("signing in again as the same person reuses the same User", async ({ page, context, signInNewPerson }) => {
    const { identity: person, userId } = await signInNewPerson();

    await forgetSession(page, context);
    await page.goto("/signin");
    await signInWithLocalId(page, person);
    await expect(page).toHaveURL("/account");

    const users = await usersWithEmail(person.email);
    expect(users).toHaveLength(1);
    expect(users[0]!.id).toBe(userId);
    const session = await sessionByToken((await sessionCookie(context))!.value);
    expect(session?.userId).toBe(userId);
  });

  test("activity renews the cookie's expiry, never past the session's absolute end", async ({ page, context, signInNewPerson }) => {
    await signInNewPerson();
    const first = (await sessionCookie(context))!;
    const session = await sessionByToken(first.value);
    // Idle timeout (24 h) from sign-in, well inside the absolute end (30 days).
    expect(first.expires * 1000).toBeLessThan(session!.expiresAt.getTime());

    // A later visit (after the touch interval) records activity and pushes the cookie's expiry forward.
    await expect
      .poll(async () => {
        await page.goto("/account");
        return (await sessionCookie(context))!.expires;
      })
      .toBeGreaterThan(first.expires);
    const renewed = (await sessionCookie(context))!;
    expect(renewed.value).toBe(first.value);
    expect(renewed.expires * 1000).toBeLessThanOrEqual(session!.expiresAt.getTime());
  });

  test("signing out deletes the Session row and the cookie", async ({ page, context, signInNewPerson }) => {
    await signInNewPerson();
    const token = (await sessionCookie(context))!.value;
    expect(await sessionByToken(token)).not.toBeNull();

    await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();

    await expect(page).toHaveURL("/");
    await expect(page.getByRole("status")).toContainText("You are not signed in");
    expect(await sessionCookie(context)).toBeUndefined();
    expect(await sessionByToken(token)).toBeNull();
    // The old token is worth nothing now, even if someone kept a copy.
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: page.url() }]);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount$/);
  });
});
