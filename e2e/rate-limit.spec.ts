import { randomInt } from "node:crypto";

import { expect, test } from "@playwright/test";

import { e2eConfig } from "./support/config";

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
