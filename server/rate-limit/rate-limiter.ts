import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Attempts allowed per key (an IP address or its /64, a provider account, a session, a client) per
 * window: sign-ins, codes typed on /device, requests to the OAuth endpoints. On Redis when there is one,
 * so every app process counts together; in memory otherwise, and as Redis's stand-in while Redis is
 * unreachable (`insuranceLimiter`), so an outage neither blocks anyone nor lifts the limit.
 */
export function createRateLimiter({
  redis,
  points,
  durationSeconds,
  keyPrefix,
}: {
  redis: Redis | null;
  points: number;
  durationSeconds: number;
  keyPrefix: string;
}) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: durationSeconds, insuranceLimiter: memory })
    : memory;

  return {
    /** Gives back one attempt that turned out to be no guess (a code that was right). */
    async refund(key: string): Promise<void> {
      await limiter.reward(key, 1).catch(() => {});
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

export type RateLimiter = ReturnType<typeof createRateLimiter>;
