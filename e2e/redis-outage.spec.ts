import { Redis } from "ioredis";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";
import { sessionToken, signInWithLocalId } from "./support/local-idp";
import { hashSessionToken } from "../server/sessions/session-token";

/*
 * Redis is a cache in front of PostgreSQL. When the app loses it, requests are served from PostgreSQL
 * (no 5xx), revocations still hold, and when Redis comes back with entries a revocation could not
 * delete (a partition: Redis kept its data), those entries are purged before Redis is used again.
 */
const control = (action: "cut" | "restore") => fetch(`http://127.0.0.1:${e2eConfig.redisControlPort}/${action}`, { method: "POST" });

test("losing Redis costs no request and lifts no revocation", async ({ page, browser, signInNewPerson }) => {
  const { identity } = await signInNewPerson();
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await phone.goto("/signin");
  await signInWithLocalId(phone, identity);
  await expect(phone).toHaveURL("/account");
  const phoneToken = (await sessionToken(phoneContext))!;
  const redis = new Redis(e2eConfig.redisUrl);
  // Both sessions are cached now.
  await expect.poll(() => redis.exists(`gatehouse:session:${hashSessionToken(phoneToken)}`)).toBe(1);

  expect((await control("cut")).status).toBe(204);
  try {
    const account = await page.goto("/account");
    expect(account!.status()).toBe(200);
    expect((await page.request.get("/api/v1/me")).status()).toBe(200);

    await page.goto("/account/security");
    await page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem").filter({ hasNot: page.getByText("This device", { exact: true }) }).getByRole("button", { name: "Sign out this device" }).click();
    await expect(page.getByRole("list", { name: "Signed-in devices" }).getByRole("listitem")).toHaveCount(1);
    await phone.goto("/account");
    await expect(phone).toHaveURL(/\/signin/);
    // Redis never heard of the revocation: it still holds the phone's entry.
    expect(await redis.exists(`gatehouse:session:${hashSessionToken(phoneToken)}`)).toBe(1);
  } finally {
    expect((await control("restore")).status).toBe(204);
  }

  // Once the app reconnects, the stale entry is purged, and the phone stays signed out.
  await expect.poll(() => redis.exists(`gatehouse:session:${hashSessionToken(phoneToken)}`), { timeout: 15_000 }).toBe(0);
  await phone.goto("/account");
  await expect(phone).toHaveURL(/\/signin/);
  await page.goto("/account");
  await expect(page).toHaveURL("/account");
  redis.disconnect();
  await phoneContext.close();
});
