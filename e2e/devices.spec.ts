import type { Browser, Page } from "@playwright/test";

import { e2eConfig } from "./support/config";
import { sessionByToken } from "./support/database";
import { expect, test } from "./support/fixtures";
import { sessionToken, signInWithLocalId, type LocalIdentity } from "./support/local-idp";
import { bearer, createPersonalToken, scriptClient } from "./support/personal-tokens";

/* "Devices & access": every session visible, any of them revocable, and a revoked one dead at once. */

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** A second browser (an iPhone), signed in as the same person; `baseURL` picks the app process. */
async function signInOnAnotherDevice(browser: Browser, identity: LocalIdentity, baseURL?: string, extraHTTPHeaders?: Record<string, string>): Promise<Page> {
  const context = await browser.newContext({ userAgent: IPHONE, ...(baseURL ? { baseURL } : {}), ...(extraHTTPHeaders ? { extraHTTPHeaders } : {}) });
  const page = await context.newPage();
  await page.goto("/signin");
  await signInWithLocalId(page, identity);
  await expect(page).toHaveURL("/account");
  return page;
}

test.describe("Devices & access", () => {
  test("lists both devices, marks this one, and signing the other out ends it on its next request", async ({ page, browser, signInNewPerson }) => {
    const { identity } = await signInNewPerson();
    const phone = await signInOnAnotherDevice(browser, identity);

    await page.goto("/account/security");
    const devices = page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem");
    await expect(devices).toHaveCount(2);
    await expect(devices.filter({ has: page.getByText("This device", { exact: true }) })).toHaveCount(1);
    const phoneEntry = devices.filter({ hasText: "Mobile Safari" });
    await expect(phoneEntry).toContainText("iOS 17");
    await expect(phoneEntry).toContainText("mobile");

    await phoneEntry.getByRole("button", { name: "Sign out this device" }).click();
    await expect(devices).toHaveCount(1);

    await phone.goto("/account");
    await expect(phone).toHaveURL(/\/signin\?callbackUrl=%2Faccount$/);
    await page.goto("/account");
    await expect(page).toHaveURL("/account");
    await phone.context().close();
  });

  test("a revocation made through one app process holds in another", async ({ page, browser, signInNewPerson }) => {
    const { identity } = await signInNewPerson();
    // The phone talks to the second app process only; both share PostgreSQL and Redis.
    const phone = await signInOnAnotherDevice(browser, identity, e2eConfig.secondBaseURL);
    await phone.goto("/account/security"); // its session is now in the cache
    await expect(phone.getByRole("heading", { name: "Devices & access" })).toBeVisible();

    await page.goto("/account/security");
    await page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem").filter({ hasText: "Mobile Safari" }).getByRole("button", { name: "Sign out this device" }).click();
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);

    await phone.goto("/account/security");
    await expect(phone).toHaveURL(`${e2eConfig.secondBaseURL}/signin?callbackUrl=%2Faccount%2Fsecurity`);
    await phone.context().close();
  });

  test("a session records the client's IP: the proxy's report behind one, the socket's address with none in front", async ({ browser, signInNewPerson }) => {
    const { identity } = await signInNewPerson();
    // The first process trusts one proxy: the header plays that proxy's entry.
    const behindProxy = await signInOnAnotherDevice(browser, identity, undefined, { "X-Forwarded-For": "203.0.113.77" });
    expect((await sessionByToken((await sessionToken(behindProxy.context()))!))?.ip).toBe("203.0.113.77");
    // The second has none in front (TRUST_PROXY_HOPS=0): the same header is the client's own writing.
    const direct = await signInOnAnotherDevice(browser, identity, e2eConfig.secondBaseURL, { "X-Forwarded-For": "203.0.113.78" });
    // The browser reaches localhost over IPv4 or IPv6, whichever resolves first.
    expect(["127.0.0.1", "::1"]).toContain((await sessionByToken((await sessionToken(direct.context()))!))?.ip);
    await behindProxy.context().close();
    await direct.context().close();
  });

  test("sign out all other devices keeps this one", async ({ page, browser, signInNewPerson }) => {
    const { identity } = await signInNewPerson();
    const phone = await signInOnAnotherDevice(browser, identity);

    await page.goto("/account/security");
    await page.getByRole("button", { name: "Sign out all other devices" }).click();
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);

    await phone.goto("/account/security");
    await expect(phone).toHaveURL(/\/signin/);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Devices & access" })).toBeVisible();
    await phone.context().close();
  });

  test("sign out everywhere ends every session, this one included", async ({ page, context, browser, signInNewPerson }) => {
    const { identity } = await signInNewPerson();
    const phone = await signInOnAnotherDevice(browser, identity);
    const token = (await sessionToken(context))!;

    await page.goto("/account/security");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();

    await expect(page).toHaveURL("/signin");
    expect(await sessionByToken(token)).toBeNull();
    await phone.goto("/account");
    await expect(phone).toHaveURL(/\/signin/);
    await phone.context().close();
  });

  test("a session token planted before sign-in is never the one used after it", async ({ page, context, baseURL, signInNewPerson }) => {
    // Session fixation: an attacker sets a token they know in the victim's browser, then waits.
    const planted = "A".repeat(43);
    await context.addCookies([{ name: "authjs.session-token", value: planted, url: baseURL! }]);

    await signInNewPerson();

    const token = (await sessionToken(context))!;
    expect(token).not.toBe(planted);
    expect(await sessionByToken(planted)).toBeNull();
    await page.goto("/account/security");
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);
  });

  test("a personal token is listed under apps and API tokens, and revoking it there kills its access token", async ({ page, signInNewPerson }) => {
    await signInNewPerson();
    await page.goto("/account/security");
    await expect(page.getByText("No app or API token has access to your account.")).toBeVisible();
    const { accessToken } = await createPersonalToken(page, "deploy script", ["profile", "notes:write"]);
    const api = await scriptClient();
    expect((await api.get("/api/v1/me", { headers: bearer(accessToken) })).status()).toBe(200);

    await page.goto("/account/security");
    const entry = page.getByRole("list", { name: "Apps and API tokens" }).getByRole("listitem", { name: "Personal API token “deploy script”" });
    await expect(entry).toContainText("Personal API token"); // the client
    await expect(entry).toContainText("profile notes:write");
    // Tokens are not devices: the sessions list still holds this browser only.
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);

    await entry.getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByText("No app or API token has access to your account.")).toBeVisible();
    const after = await api.get("/api/v1/me", { headers: bearer(accessToken) });
    expect(after.status()).toBe(401);
    expect(after.headers()["www-authenticate"]).toContain('error="invalid_token"');
    await api.dispose();
    await page.goto("/account/tokens");
    await expect(page.getByText("You have no personal API tokens.")).toBeVisible();
  });
});
