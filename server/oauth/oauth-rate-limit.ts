import "server-only";

import { getEnv } from "@/server/env";
import { clientIpFrom, rateLimitBucket } from "@/server/http/client-ip";
import { getServices } from "@/server/services";

import { OAuthRateLimitedError } from "./oauth-response";

/**
 * The OAuth endpoints' rate limits, per IP (its /64 for IPv6) before the client is known, and per
 * client once it has authenticated. An IP the app cannot know (no trusted proxy: TRUST_PROXY_HOPS) is
 * limited per client only.
 * @throws {OAuthRateLimitedError} 429, `slow_down` when `polling` (the device grant).
 */
export async function limitRequestsFromIp(request: Request, polling = false): Promise<void> {
  const ip = clientIpFrom(request.headers, getEnv().trustedProxyHops);
  if (!ip) return;
  const decision = await getServices().oauthRateLimiter.forIp(rateLimitBucket(ip));
  if (!decision.allowed) throw new OAuthRateLimitedError(decision.retryAfterSeconds, polling);
}

/** @throws {OAuthRateLimitedError} */
export async function limitRequestsFromClient(clientId: string, polling = false): Promise<void> {
  const decision = await getServices().oauthRateLimiter.forClient(clientId);
  if (!decision.allowed) throw new OAuthRateLimitedError(decision.retryAfterSeconds, polling);
}
