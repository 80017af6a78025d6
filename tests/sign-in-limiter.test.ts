import { randomBytes } from "node:crypto";

import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createRateLimiter } from "@/server/rate-limit/rate-limiter";
import { isSignInAttempt } from "@/server/rate-limit/sign-in-limiter";
import { connectTestRedis, testRedisUrl } from "./support/redis";
import { startTcpProxy } from "./support/tcp-proxy";

// Its own Redis database (tests/support/redis.ts): the session tests flush theirs.
const redisUrl = new URL(testRedisUrl("signInLimiter"));

describe("sign-in rate limit", () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectTestRedis(redisUrl.toString());
  });
  afterAll(() => redis?.disconnect());

  it.each([
    ["Redis", () => redis],
    ["memory", () => null],
  ])("allows the limit, then refuses with a Retry-After (%s)", async (_label, store) => {
    const limiter = createRateLimiter({ redis: store(), points: 3, durationSeconds: 60, keyPrefix: "gatehouse-test:limiter" });
    const key = `ip:test-${randomBytes(4).toString("hex")}`;
    for (let index = 0; index < 3; index += 1) expect(await limiter.consume(key)).toEqual({ allowed: true });
    const refused = await limiter.consume(key);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(50);
    expect(await limiter.consume(`${key}-other`)).toEqual({ allowed: true });
  });

  it("counts across app processes through Redis", async () => {
    const key = `ip:shared-${randomBytes(4).toString("hex")}`;
    const first = createRateLimiter({ redis, points: 2, durationSeconds: 60, keyPrefix: "gatehouse-test:limiter" });
    const second = createRateLimiter({ redis, points: 2, durationSeconds: 60, keyPrefix: "gatehouse-test:limiter" });
    await first.consume(key);
    await second.consume(key);
    expect((await first.consume(key)).allowed).toBe(false);
  });

  it("still limits, in memory, while Redis is unreachable", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const viaProxy = await connectTestRedis(`redis://127.0.0.1:${proxy.port}${redisUrl.pathname}`);
    const limiter = createRateLimiter({ redis: viaProxy, points: 2, durationSeconds: 60, keyPrefix: "gatehouse-test:limiter" });
    await proxy.cut();
    const key = `ip:outage-${randomBytes(4).toString("hex")}`;
    expect(await limiter.consume(key)).toEqual({ allowed: true });
    expect(await limiter.consume(key)).toEqual({ allowed: true });
    expect((await limiter.consume(key)).allowed).toBe(false);
    viaProxy.disconnect();
  });

  it("counts sign-in starts and provider callbacks, nothing else", () => {
    expect(isSignInAttempt("POST", "/api/auth/signin/local")).toBe(true);
    expect(isSignInAttempt("POST", "/signin")).toBe(true);
    expect(isSignInAttempt("GET", "/api/auth/callback/google")).toBe(true);
    expect(isSignInAttempt("GET", "/signin")).toBe(false);
    expect(isSignInAttempt("GET", "/api/auth/session")).toBe(false);
    expect(isSignInAttempt("POST", "/api/auth/signout")).toBe(false);
  });
});
