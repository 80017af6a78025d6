import type { Redis } from "ioredis";

import { createRateLimiter, type RateLimitDecision } from "./rate-limiter";

export interface OAuthRateLimits {
  /** Requests per client IP (an IPv6 address counts as its /64) per window, before anything is parsed. */
  perIp: number;
  /** Requests per authenticated confidential client per window. */
  perClient: number;
  windowSeconds: number;
}

/**
 * The OAuth endpoints' limits (/oauth/token, /oauth/device_authorization, /oauth/introspect,
 * /oauth/revoke): per IP, and per confidential client once it has authenticated (counting an id that
 * proves nothing would let anyone lock a client out by sending it). On Redis when there is one, in memory
 * otherwise and while Redis is down (createRateLimiter).
 */
export function createOAuthRateLimiter({ redis, limits }: { redis: Redis | null; limits: OAuthRateLimits }) {
  const perIp = createRateLimiter({ redis, points: limits.perIp, durationSeconds: limits.windowSeconds, keyPrefix: "gatehouse:oauth-ip" });
  const perClient = createRateLimiter({ redis, points: limits.perClient, durationSeconds: limits.windowSeconds, keyPrefix: "gatehouse:oauth-client" });
  return {
    /** @param bucket rateLimitBucket() of the client's IP */
    forIp: (bucket: string): Promise<RateLimitDecision> => perIp.consume(bucket),
    forClient: (clientId: string): Promise<RateLimitDecision> => perClient.consume(clientId),
  };
}

export type OAuthRateLimiter = ReturnType<typeof createOAuthRateLimiter>;
