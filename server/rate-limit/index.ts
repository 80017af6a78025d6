import "server-only";

import { getEnv } from "@/server/env";
import { getRedis } from "@/server/redis";

import { createSignInLimiter, type SignInLimiter } from "./sign-in-limiter";

const globalForLimits = globalThis as unknown as { gatehouseSignInLimiter?: SignInLimiter };

export function getSignInLimiter(): SignInLimiter {
  const { signInRateLimit } = getEnv();
  globalForLimits.gatehouseSignInLimiter ??= createSignInLimiter({ redis: getRedis(), ...signInRateLimit });
  return globalForLimits.gatehouseSignInLimiter;
}
