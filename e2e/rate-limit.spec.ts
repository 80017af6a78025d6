import { randomInt } from "node:crypto";

import { e2eConfig } from "./support/config";
import { usersWithEmail } from "./support/database";
import { expect, test } from "./support/fixtures";
import { forgetSession, sessionToken, signInWithLocalId, uniqueIdentity } from "./support/local-idp";

test("sign-in attempts from one IP beyond the limit get 429 with Retry-After; another IP is not affected", async ({ request }) => {
  const attacker = `198.51.100.${randomInt(1, 255)}`;
  const bystander = `203.0.113.${randomInt(1, 255)}`;
  const attempt = (ip: string) =>
    request.post("/api/auth/signin/local", { headers: { "X-Forwarded-For": ip }, form: { csrfToken: "x" }, maxRedirects: 0 });

  for (let index = 0; index < e2eConfig.signInRateLimit; index += 1) {
    expect((await attempt(attacker)).status()).not.toBe(429);
  }
  const refused = await attempt(attacker);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await refused.json()).toEqual({ error: { code: "too_many_requests", message: expect.any(String) } });

  expect((await attempt(bystander)).status()).not.toBe(429);
});

test("sign-ins to one account beyond its limit are refused with a clear message", async ({ page, context, trackUser }) => {
  const person = uniqueIdentity({ subject: `limited-${Date.now()}` });
  for (let attempt = 0; attempt < e2eConfig.accountSignInRateLimit; attempt += 1) {
    await forgetSession(page, context);
    await page.goto("/signin");
    await signInWithLocalId(page, person);
    await expect(page).toHaveURL("/account");
  }
  trackUser((await usersWithEmail(person.email))[0]!.id);

  await forgetSession(page, context);
  await page.goto("/signin");
  await signInWithLocalId(page, person);

  await expect(page).toHaveURL("/signin?error=TooManyAttempts");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Too many sign-in attempts for this account");
  expect(await sessionToken(context)).toBeUndefined();
});
