import "server-only";

import { getEnv } from "@/server/env";
import { getRedis } from "@/server/redis";

import { createSignInLimiter, type SignInLimiter } from "./sign-in-limiter";

const globalForLimits = globalThis as unknown as { gatehouseSignInLimiter?: SignInLimiter; gatehouseAccountLimiter?: SignInLimiter };

/** Sign-in attempts per client IP (checked in the proxy, answered with 429). */
export function getSignInLimiter(): SignInLimiter {
  const { signInRateLimit } = getEnv();
  globalForLimits.gatehouseSignInLimiter ??= createSignInLimiter({ redis: getRedis(), ...signInRateLimit });
  return globalForLimits.gatehouseSignInLimiter;
}

/** Sign-in attempts per provider account (checked in Auth.js's signIn callback). */
export function getAccountSignInLimiter(): SignInLimiter {
  const { accountSignInRateLimit } = getEnv();
  globalForLimits.gatehouseAccountLimiter ??= createSignInLimiter({ redis: getRedis(), ...accountSignInRateLimit, keyPrefix: "gatehouse:signin-account" });
  return globalForLimits.gatehouseAccountLimiter;
}
