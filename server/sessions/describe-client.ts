import { UAParser } from "ua-parser-js";

import type { SessionClient } from "./session-service";

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Browser, OS and device type from a User-Agent header, with ua-parser-js (MIT-licensed 1.x; 2.x is
 * AGPL). Desktop browsers send no device type, so "desktop" is the default.
 */
export function describeClient(userAgent: string | null, ip: string | null): SessionClient {
  const ua = userAgent?.slice(0, MAX_USER_AGENT_LENGTH) || null;
  if (!ua) return { userAgent: null, browser: null, os: null, deviceType: null, ip };
  const parsed = new UAParser(ua).getResult();
  const join = (name?: string, version?: string) => (name ? [name, version?.split(".")[0]].filter(Boolean).join(" ") : null);
  return {
    userAgent: ua,
    browser: join(parsed.browser.name, parsed.browser.version),
    os: join(parsed.os.name, parsed.os.version),
    deviceType: parsed.device.type ?? "desktop",
    ip,
  };
}
