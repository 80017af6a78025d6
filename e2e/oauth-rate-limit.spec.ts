import type { APIRequestContext, APIResponse } from "@playwright/test";

import { expect, test } from "./support/fixtures";
import { createConfidentialClient } from "./support/oauth";

/*
 * The OAuth endpoints' limits (OAUTH_RATE_LIMIT_PER_IP: 600, OAUTH_RATE_LIMIT_PER_CLIENT: 1200, per
 * minute by default): per IP, with an IPv6 address counted as its /64, and per authenticated client.
 * The stack trusts one proxy hop, so X-Forwarded-For names the client: each test uses addresses of its own.
 */

const PER_IP = 600;
const PER_CLIENT = 1200;

/** Sends `count` requests, `inFlight` at a time; the answers in order. */
async function burst(count: number, send: (index: number) => Promise<APIResponse>, inFlight = 25): Promise<APIResponse[]> {
  const answers: APIResponse[] = [];
  for (let start = 0; start < count; start += inFlight) {
    answers.push(...(await Promise.all(Array.from({ length: Math.min(inFlight, count - start) }, (_, offset) => send(start + offset)))));
  }
  return answers;
}

const revokeFrom = (request: APIRequestContext, ip: string) =>
  request.post("/oauth/revoke", { form: { token: "x", client_id: "nobody-rate-limit" }, headers: { "X-Forwarded-For": ip }, failOnStatusCode: false });

test.describe("rate limits on the OAuth endpoints", () => {
  test("per IP: the request after the limit is 429 with Retry-After and an OAuth error body; other addresses go on", async ({ request }) => {
    test.setTimeout(60_000);
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const answers = await burst(PER_IP, () => revokeFrom(request, ip));
    expect(answers.every((answer) => answer.status() === 401)).toBe(true); // counted before the client is known
    const over = await revokeFrom(request, ip);
    expect(over.status()).toBe(429);
    expect(Number(over.headers()["retry-after"])).toBeGreaterThan(0);
    expect(over.headers()["cache-control"]).toContain("no-store");
    expect(await over.json()).toMatchObject({ error: "temporarily_unavailable", error_description: expect.stringContaining("Too many requests") });
    // The same address spelled as IPv4-mapped IPv6 is the same bucket; another address is not limited.
    expect((await revokeFrom(request, `::ffff:${ip}`)).status()).toBe(429);
    expect((await revokeFrom(request, "198.51.100.251")).status()).not.toBe(429);
  });

  test("an IPv6 client cannot escape by rotating addresses inside its /64", async ({ request }) => {
    test.setTimeout(60_000);
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    await burst(PER_IP, (index) => revokeFrom(request, `${prefix}::${(index + 1).toString(16)}`));
    expect((await revokeFrom(request, `${prefix}:ffff:ffff:ffff:fffe`)).status()).toBe(429);
    expect((await revokeFrom(request, `${prefix.toUpperCase()}:0:0:0:1`)).status()).toBe(429);
    expect((await revokeFrom(request, `${prefix}1::1`)).status()).not.toBe(429);
  });

  test("per client, from any number of addresses", async ({ request }) => {
    test.setTimeout(90_000);
    const service = await createConfidentialClient(`rate-limited-${Date.now()}`, { mayIntrospect: false, grantTypes: ["client_credentials"], scopes: ["notes:read"] });
    const grant = (index: number) =>
      request.post("/oauth/token", {
        form: { grant_type: "client_credentials" },
        // Three addresses, each under its own limit.
        headers: { Authorization: service.basic, "X-Forwarded-For": `192.0.2.${(index % 3) + 10}` },
        failOnStatusCode: false,
      });
    const answers = await burst(PER_CLIENT, grant);
    expect(answers.filter((answer) => answer.status() === 200)).toHaveLength(PER_CLIENT);
    const over = await grant(PER_CLIENT);
    expect(over.status()).toBe(429);
    expect(over.headers()["retry-after"]).toMatch(/^\d+$/);
  });

  test("a public client is limited per IP only: anyone can send its id, so its id is nobody's budget", async ({ request }) => {
    test.setTimeout(90_000);
    // Three addresses of their own, each under its per-IP limit, together past the per-client one.
    const base = Math.floor(Math.random() * 80) * 3 + 1;
    const poll = (index: number) =>
      request.post("/oauth/token", {
        form: { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: "no-such-device-code", client_id: "gatehouse-cli" },
        headers: { "X-Forwarded-For": `203.0.113.${base + (index % 3)}` },
        failOnStatusCode: false,
      });
    const answers = await burst(PER_CLIENT + 1, poll);
    // Every one reached the grant (its client known) and was refused there, none for the client's count.
    expect(answers.filter((answer) => answer.status() === 400)).toHaveLength(PER_CLIENT + 1);
    expect((await answers[PER_CLIENT]!.json()).error).toBe("invalid_grant");
  });
});
