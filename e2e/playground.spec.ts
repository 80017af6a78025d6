import type { Page } from "@playwright/test";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";

/* The token playground: the three credentials live, a rotation, a replay inside and after the grace window. */

async function openPlaygroundWithPair(page: Page) {
  await page.goto("/playground");
  await expect(page.getByRole("heading", { level: 1, name: "Token playground" })).toBeVisible();
  await page.getByRole("button", { name: "Issue a token pair" }).click();
  await expect(page.getByRole("button", { name: "Start over with a new pair" })).toBeEnabled();
}

test.describe("Token playground", () => {
  test("a replayed refresh token revokes its family once the grace window is over, and its access token is refused", async ({ page, signInAs }) => {
    test.slow(); // It waits out the real 10-second grace window.
    const { userId } = await signInAs("person");
    await openPlaygroundWithPair(page);

    const session = page.getByRole("region", { name: "Session (cookie)" });
    const access = page.getByRole("region", { name: "Access token (JWT)" });
    const family = page.getByRole("region", { name: "Refresh token family" });
    const log = page.getByRole("log", { name: "Request log" }).getByRole("listitem");

    // HttpOnly, shown from the page's own point of view.
    await expect(session.getByText("JavaScript on this page sees the session cookie: no")).toBeVisible();

    // The JWT taken apart, and checked in the browser against the published keys.
    await expect(access.getByRole("figure", { name: "Decoded payload" })).toContainText(`"sub": "${userId}"`);
    await expect(access.getByRole("figure", { name: "Decoded header" })).toContainText(`"typ": "at+jwt"`);
    await expect(access.getByText(/Signature valid — key \S+/)).toBeVisible();

    await access.getByRole("button", { name: "Call /api/v1/me with the access token" }).click();
    await expect(log).toHaveCount(1);
    await expect(log.first()).toContainText("200 OK");
    await expect(log.first()).toContainText(userId);

    // Rotation: the chain grows, the first token retires.
    await family.getByRole("button", { name: "Rotate the refresh token" }).click();
    const chain = family.getByRole("list", { name: "Refresh token chain" }).getByRole("listitem");
    await expect(chain).toHaveCount(2);
    await expect(chain.first()).toContainText("rotated at");
    await expect(chain.last()).toContainText("live");

    // Inside the grace window, a replay is an honest race: the same successor, nothing revoked.
    await expect(family.getByText(/^Grace window: \d+:\d\d left$/)).toBeVisible();
    await family.getByRole("button", { name: "Replay the previous refresh token" }).click();
    await expect(log).toHaveCount(3);
    await expect(log.first()).toContainText("200 OK");
    await expect(log.first()).toContainText("The same successor as the current refresh token");
    await expect(chain).toHaveCount(2);

    // After it, a replay is reuse: the whole family goes.
    await expect(family.getByText("Grace window over: a replay now revokes the whole family")).toBeVisible({ timeout: 20_000 });
    await family.getByRole("button", { name: "Replay the previous refresh token" }).click();
    await expect(family.getByRole("status")).toContainText("Family revoked (refresh_token_reuse)");
    await expect(log).toHaveCount(4);
    await expect(log.first()).toContainText("400 Bad Request");
    await expect(log.first()).toContainText("invalid_grant");
    await expect(chain.last()).toContainText("revoked at");

    // The access token's signature is still valid; the API refuses it anyway (denylisted with its family).
    await access.getByRole("button", { name: "Call /api/v1/me with the access token" }).click();
    await expect(log).toHaveCount(5);
    await expect(log.first()).toContainText("401 Unauthorized");
    await expect(log.first()).toContainText('error="invalid_token"');
  });

  test("the session cookie alone authenticates an API call, and no credential gets a bare challenge", async ({ page, signInAs }) => {
    const { userId } = await signInAs("person");
    await page.goto("/playground");
    const session = page.getByRole("region", { name: "Session (cookie)" });
    const log = page.getByRole("log", { name: "Request log" }).getByRole("listitem");

    await session.getByRole("button", { name: "Call /api/v1/me with the cookie" }).click();
    await expect(log).toHaveCount(1);
    await expect(log.first()).toContainText("200 OK");
    await expect(log.first()).toContainText("with the session cookie");
    await expect(log.first()).toContainText(userId);

    await session.getByRole("button", { name: "Call /api/v1/me with no credential" }).click();
    await expect(log).toHaveCount(2);
    await expect(log.first()).toContainText("401 Unauthorized");
    // RFC 6750 §3.1: no credential, no error code.
    await expect(log.first()).toContainText('WWW-Authenticate: Bearer realm="gatehouse"');
    await expect(log.first()).not.toContainText("error=");
  });

  test("a token whose payload was edited fails the signature check and is refused by the API", async ({ page, signInAs }) => {
    await signInAs("person");
    await openPlaygroundWithPair(page);

    await page.getByRole("button", { name: "Call /api/v1/me with a forged token" }).click();
    const entry = page.getByRole("log", { name: "Request log" }).getByRole("listitem").first();
    await expect(entry).toContainText("401 Unauthorized");
    await expect(entry).toContainText("with the forged access token");
    await expect(entry).toContainText("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  });

  test("signing out the browser session revokes the playground family bound to it", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    await openPlaygroundWithPair(page);
    const accessToken = await page.getByRole("figure", { name: "Encoded access token" }).getByRole("paragraph").textContent();
    expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const withToken = { headers: { Authorization: `Bearer ${accessToken}` } };

    expect((await request.get("/api/v1/me", withToken)).status()).toBe(200);

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL("/");

    const refused = await request.get("/api/v1/me", withToken);
    expect(refused.status()).toBe(401);
    expect(refused.headers()["www-authenticate"]).toContain('error="invalid_token"');
  });

  test("once the session has ended, the next request for a pair sends the person to sign in", async ({ page, context, signInAs }) => {
    await signInAs("person");
    await openPlaygroundWithPair(page);
    await context.clearCookies();
    // Next's router follows the proxy's X-Action-Redirect itself: the page's fallback probe of
    // /api/v1/me (for actions that failed another way) must not be what takes it to sign in.
    await page.route("**/api/v1/me", (route) => route.abort());

    await page.getByRole("button", { name: "Start over with a new pair" }).click();
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fplayground$/);
  });

  test("its own action, replayed with arguments that are not JSON, gets 400, not Next's 500", async ({ page, signInAs }) => {
    // An action's id is in the page's script, so anyone can call it with a body of their own.
    await signInAs("person");
    await page.goto("/playground");
    const call = page.waitForRequest((request) => request.method() === "POST" && request.headers()["next-action"] !== undefined);
    await page.getByRole("button", { name: "Issue a token pair" }).click();
    const actionId = (await call).headers()["next-action"]!;

    const replayed = await page.request.post("/playground", {
      headers: { "Next-Action": actionId, Origin: e2eConfig.baseURL, "Content-Type": "text/plain;charset=UTF-8" },
      data: "not json",
      failOnStatusCode: false,
    });
    expect(replayed.status()).toBe(400);
    expect(await replayed.json()).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
  });

  test("the playground fits a 375 px wide screen", async ({ page, signInAs }) => {
    await signInAs("person");
    await page.setViewportSize({ width: 375, height: 740 });
    await openPlaygroundWithPair(page);
    await page.getByRole("button", { name: "Call /api/v1/me with the access token" }).click();
    await expect(page.getByRole("log", { name: "Request log" }).getByRole("listitem")).toHaveCount(1);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "/playground scrolls sideways").toBeLessThanOrEqual(0);
  });
});
