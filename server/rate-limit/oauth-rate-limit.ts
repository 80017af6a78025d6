import type { Redis } from "ioredis";

import { createSignInLimiter, type RateLimitDecision } from "./sign-in-limiter";

export interface OAuthRateLimits {
  /** Requests per client IP (an IPv6 address counts as its /64) per window, before anything is parsed. */
  perIp: number;
  /** Requests per authenticated client per window. */
  perClient: number;
  windowSeconds: number;
}

/**
 * The OAuth endpoints' limits (/oauth/token, /oauth/device_authorization, /oauth/introspect,
 * /oauth/revoke): per IP, and per client once it has authenticated (counting an id before it proves
 * itself would let anyone lock a client out by sending its id). On Redis when there is one, in memory
 * otherwise and while Redis is down (createSignInLimiter).
 */
export function createOAuthRateLimiter({ redis, limits }: { redis: Redis | null; limits: OAuthRateLimits }) {
  const perIp = createSignInLimiter({ redis, points: limits.perIp, durationSeconds: limits.windowSeconds, keyPrefix: "gatehouse:oauth-ip" });
  const perClient = createSignInLimiter({ redis, points: limits.perClient, durationSeconds: limits.windowSeconds, keyPrefix: "gatehouse:oauth-client" });
  return {
    /** @param bucket rateLimitBucket() of the client's IP */
    forIp: (bucket: string): Promise<RateLimitDecision> => perIp.consume(bucket),
    forClient: (clientId: string): Promise<RateLimitDecision> => perClient.consume(clientId),
  };
}

export type OAuthRateLimiter = ReturnType<typeof createOAuthRateLimiter>;
