import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Attempts allowed per key (an IP address, a provider account, a session) per window: sign-ins, and
 * wrong device codes typed on /device. On Redis when there is one, so every app
 * process counts together; in memory otherwise, and as Redis's stand-in while Redis is unreachable
 * (`insuranceLimiter`), so an outage neither blocks sign-in nor lifts the limit.
 */
export function createSignInLimiter({
  redis,
  points,
  durationSeconds,
  keyPrefix = "gatehouse:signin",
}: {
  redis: Redis | null;
  points: number;
  durationSeconds: number;
  keyPrefix?: string;
}) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: durationSeconds, insuranceLimiter: memory })
    : memory;

  return {
    /** Whether `key` has used up its attempts (without counting one). */
    async isBlocked(key: string): Promise<RateLimitDecision> {
      const state = await limiter.get(key).catch(() => null);
      if (state && state.consumedPoints >= points) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
      return { allowed: true };
    },

    async consume(key: string): Promise<RateLimitDecision> {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;

/** The requests that count as a sign-in attempt: starting a flow, or coming back from a provider. */
export function isSignInAttempt(method: string, pathname: string): boolean {
  if (method === "POST") return pathname === "/signin" || pathname.startsWith("/api/auth/signin/");
  return method === "GET" && pathname.startsWith("/api/auth/callback/");
}
