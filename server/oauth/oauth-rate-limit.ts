import "server-only";

import { DEVICE_CODE_GRANT_TYPE } from "@/lib/grant-types";
import { getEnv } from "@/server/env";
import { clientIpFrom, rateLimitBucket } from "@/server/http/client-ip";
import { getServices } from "@/server/services";
import type { OAuthClient } from "@/server/tokens/clients";

import { readOAuthForm } from "./oauth-form";
import { OAuthRateLimitedError } from "./oauth-response";

/**
 * An OAuth endpoint's form, read once the request has been counted against its IP (its /64 for IPv6):
 * counted first, so a malformed request counts too. An IP the app cannot know (a host that does not run
 * Next.js's own server, with no trusted proxy in front: see client-ip.ts) is not limited per IP.
 * @throws {OAuthRateLimitedError} 429, `slow_down` to a device polling (RFC 8628 §3.5).
 * @throws {OAuthError} invalid_request for a body readOAuthForm refuses.
 */
export async function readOAuthFormWithinLimits(request: Request): Promise<Record<string, string>> {
  const ip = clientIpFrom(request.headers, getEnv().trustedProxyHops);
  const decision = ip ? await getServices().oauthRateLimiter.forIp(rateLimitBucket(ip)) : null;
  let form: Record<string, string>;
  try {
    form = await readOAuthForm(request);
  } catch (error) {
    if (decision && !decision.allowed) throw new OAuthRateLimitedError(decision.retryAfterSeconds, false);
    throw error;
  }
  if (decision && !decision.allowed) throw new OAuthRateLimitedError(decision.retryAfterSeconds, isPolling(form));
  return form;
}

/** A device polling the token endpoint (RFC 8628 §3.4): told `slow_down` when over a limit. */
export const isPolling = (form: Record<string, string>) => form.grant_type === DEVICE_CODE_GRANT_TYPE;

/**
 * A confidential client's own limit. A public client proves nothing but its id, so counting it would let
 * anyone who sends that id (every CLI user's, say) use up everyone's requests: it is limited per IP only.
 * @throws {OAuthRateLimitedError}
 */
export async function limitRequestsFromClient(client: Pick<OAuthClient, "id" | "type">, polling = false): Promise<void> {
  if (client.type !== "confidential") return;
  const decision = await getServices().oauthRateLimiter.forClient(client.id);
  if (!decision.allowed) throw new OAuthRateLimitedError(decision.retryAfterSeconds, polling);
}
