import "server-only";

import { headers } from "next/headers";

import { clientIpFrom, rateLimitBucket } from "@/server/http/client-ip";
import { getEnv } from "@/server/env";
import { getServices } from "@/server/services";
import { normalizeUserCode, type PendingDeviceCode } from "@/server/tokens/device-authorization";

/**
 * What /device does with a typed code, and with a decision on it. Every lookup counts against the
 * browser session, the person and the client's IP (its /64 for IPv6) before the database is asked, and a
 * right code gives its attempt back: so parallel guesses are all counted, and a decision (a POST as much
 * as a lookup) is never a free guess. RFC 8628 §5.1: 20^8 codes, a few tries per 10 minutes each.
 * Without a known client IP (see server/http/client-ip.ts) the session and person limits still hold.
 */
export type DeviceLookup =
  | { outcome: "malformed" }
  | { outcome: "limited"; retryAfterSeconds: number }
  | { outcome: "not_found" }
  | { outcome: "found"; userCode: string; request: PendingDeviceCode };

export async function lookUpDeviceCode(viewer: { sessionId: string; userId: string }, typed: string): Promise<DeviceLookup> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return { outcome: "malformed" };
  const { deviceCodeSessionLimiter, deviceCodeIpLimiter, deviceCodeUserLimiter, tokens } = getServices();
  const ip = clientIpFrom(await headers(), getEnv().trustedProxyHops);
  const attempts = [
    { limiter: deviceCodeSessionLimiter, key: viewer.sessionId },
    { limiter: deviceCodeUserLimiter, key: viewer.userId },
    ...(ip ? [{ limiter: deviceCodeIpLimiter, key: rateLimitBucket(ip) }] : []),
  ];
  const decisions = await Promise.all(attempts.map(({ limiter, key }) => limiter.consume(key)));
  const refused = decisions.find((decision) => !decision.allowed);
  if (refused && !refused.allowed) return { outcome: "limited", retryAfterSeconds: refused.retryAfterSeconds };
  const request = await tokens.findPendingDeviceCode(userCode);
  if (!request) return { outcome: "not_found" };
  await Promise.all(attempts.map(({ limiter, key }) => limiter.refund(key)));
  return { outcome: "found", userCode, request };
}
