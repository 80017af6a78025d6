import "server-only";

import { headers } from "next/headers";

import { clientIpFrom } from "@/server/http/client-ip";
import { getEnv } from "@/server/env";
import { getServices } from "@/server/services";
import { normalizeUserCode, type PendingDeviceCode } from "@/server/tokens/device-authorization";

/**
 * What /device does with a typed code. Wrong codes are counted per browser session and per client IP
 * (RFC 8628 §5.1: 20^8 codes, and a few tries each per 10 minutes, so the space cannot be searched);
 * once either is used up, no code is looked up at all until the window has passed.
 */
export type DeviceLookup =
  | { outcome: "malformed" }
  | { outcome: "limited"; retryAfterSeconds: number }
  | { outcome: "not_found" }
  | { outcome: "found"; userCode: string; request: PendingDeviceCode };

export async function lookUpDeviceCode(sessionId: string, typed: string): Promise<DeviceLookup> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return { outcome: "malformed" };
  const { deviceCodeSessionLimiter, deviceCodeIpLimiter, tokens } = getServices();
  const ip = clientIpFrom(await headers(), getEnv().trustedProxyHops);
  const keys = [{ limiter: deviceCodeSessionLimiter, key: sessionId }, ...(ip ? [{ limiter: deviceCodeIpLimiter, key: ip }] : [])];
  for (const { limiter, key } of keys) {
    const decision = await limiter.isBlocked(key);
    if (!decision.allowed) return { outcome: "limited", retryAfterSeconds: decision.retryAfterSeconds };
  }
  const request = await tokens.findPendingDeviceCode(userCode);
  if (request) return { outcome: "found", userCode, request };
  for (const { limiter, key } of keys) await limiter.consume(key);
  return { outcome: "not_found" };
}
