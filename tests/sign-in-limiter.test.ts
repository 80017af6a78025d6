import { randomBytes } from "node:crypto";

import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createRateLimiter, leaseSizeFor } from "@/server/rate-limit/rate-limiter";
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

/**
 * Large limits (the OAuth endpoints': 600 per IP, 1200 per client a minute) are taken from Redis in
 * leases of 1% (at most 50), so most requests cost no round trip; the count in Redis must still never let
 * more through than the limit, from one process or several.
 */
describe("rate limit leases (large limits)", () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectTestRedis(redisUrl.toString());
  });
  afterAll(() => redis?.disconnect());

  const PREFIX = "gatehouse-test:leases";
  const freshKey = () => `client:${randomBytes(4).toString("hex")}`;
  const countInRedis = async (key: string) => Number(await redis.get(`${PREFIX}:${key}`));
  async function allowedOf(limiter: ReturnType<typeof createRateLimiter>, key: string, attempts: number) {
    let allowed = 0;
    for (let index = 0; index < attempts; index += 1) if ((await limiter.consume(key)).allowed) allowed += 1;
    return allowed;
  }

  it("is 1% of the limit, at most 50, and none below 200 a window", () => {
    expect([leaseSizeFor(5), leaseSizeFor(199), leaseSizeFor(200), leaseSizeFor(1200), leaseSizeFor(10_000_000)]).toEqual([1, 1, 2, 12, 50]);
  });

  it("takes Redis's count a lease at a time, and answers from it in memory", async () => {
    const limiter = createRateLimiter({ redis, points: 1000, durationSeconds: 60, keyPrefix: PREFIX });
    const key = freshKey();
    expect(await limiter.consume(key)).toEqual({ allowed: true });
    expect(await countInRedis(key)).toBe(10);
    expect(await allowedOf(limiter, key, 9)).toBe(9);
    expect(await countInRedis(key)).toBe(10);
    await limiter.consume(key);
    expect(await countInRedis(key)).toBe(20);
  });

  it("lets exactly the limit through from one process (the last lease is what was left), then refuses with a Retry-After", async () => {
    const limiter = createRateLimiter({ redis, points: 1005, durationSeconds: 60, keyPrefix: PREFIX });
    const key = freshKey();
    expect(await allowedOf(limiter, key, 1005)).toBe(1005);
    const refused = await limiter.consume(key);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(50);
    const counted = await countInRedis(key);
    expect(await allowedOf(limiter, key, 20)).toBe(0);
    expect(await countInRedis(key)).toBe(counted); // refused from memory until the window ends
    expect(await limiter.consume(freshKey())).toEqual({ allowed: true });
  });

  it("shares one acquisition among requests that arrive together, and counts the rest of a burst one by one", async () => {
    const limiter = createRateLimiter({ redis, points: 1000, durationSeconds: 60, keyPrefix: PREFIX });
    const key = freshKey();
    const together = await Promise.all(Array.from({ length: 9 }, () => limiter.consume(key)));
    expect(together.every((decision) => decision.allowed)).toBe(true);
    expect(await countInRedis(key)).toBe(10); // one lease of 10 for all nine
    const burstKey = freshKey();
    const burst = await Promise.all(Array.from({ length: 95 }, () => limiter.consume(burstKey)));
    expect(burst.every((decision) => decision.allowed)).toBe(true);
    expect(await countInRedis(burstKey)).toBe(95); // a lease of 10, then 85 counted alone: not a lease each
  });

  it("never lets more than the limit through across processes, and loses at most a lease each", async () => {
    const key = freshKey();
    // 601: the last lease is a part of one.
    const processes = [0, 1, 2].map(() => createRateLimiter({ redis, points: 601, durationSeconds: 60, keyPrefix: PREFIX }));
    let allowed = 0;
    for (let round = 0; round < 250; round += 1) {
      const decisions = await Promise.all(processes.map((limiter) => limiter.consume(key)));
      allowed += decisions.filter((decision) => decision.allowed).length;
    }
    expect(allowed).toBeLessThanOrEqual(601);
    expect(allowed).toBeGreaterThanOrEqual(601 - 3 * leaseSizeFor(601));
    for (const limiter of processes) expect((await limiter.consume(key)).allowed).toBe(false);
  });

  it("drops a lease when its window ends, as Redis drops the count", async () => {
    const limiter = createRateLimiter({ redis, points: 200, durationSeconds: 1, keyPrefix: PREFIX });
    const key = freshKey();
    await limiter.consume(key); // a lease of 2: one left
    expect(await countInRedis(key)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await redis.exists(`${PREFIX}:${key}`)).toBe(0);
    await limiter.consume(key); // the new window's, not the old lease's last attempt
    expect(await countInRedis(key)).toBe(2);
  });

  it("holds at most 10,000 keys' leases: the oldest makes room, and its key takes a new one", async () => {
    const limiter = createRateLimiter({ redis, points: 200, durationSeconds: 60, keyPrefix: PREFIX });
    const keys = Array.from({ length: 10_001 }, freshKey);
    await limiter.consume(keys[0]!); // a lease of 2, one left in memory
    for (let start = 1; start < keys.length; start += 500) await Promise.all(keys.slice(start, start + 500).map((key) => limiter.consume(key)));
    expect(await countInRedis(keys[0]!)).toBe(2);
    await limiter.consume(keys[0]!); // its lease was dropped for room: a new one, not the attempt it held
    expect(await countInRedis(keys[0]!)).toBe(4);
    await limiter.consume(keys.at(-1)!); // the newest still has its own
    expect(await countInRedis(keys.at(-1)!)).toBe(2);
  });

  it("still limits, in memory and by leases, while Redis is unreachable", async () => {
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const viaProxy = await connectTestRedis(`redis://127.0.0.1:${proxy.port}${redisUrl.pathname}`);
    const limiter = createRateLimiter({ redis: viaProxy, points: 201, durationSeconds: 60, keyPrefix: PREFIX });
    await proxy.cut();
    const key = freshKey();
    expect(await allowedOf(limiter, key, 230)).toBe(201);
    viaProxy.disconnect();
  });
});
