import { isIP } from "node:net";

/**
 * The client's IP as the app can know it. Next.js does not expose the socket address, so the only
 * source is `X-Forwarded-For`, and a client can write anything there: it is believed only when the app
 * runs behind a proxy that sets it (`TRUST_PROXY=true`, or on Vercel). Then the last entry is the one
 * our proxy appended (entries before it came from the client); on Vercel the header holds one address.
 * @returns the address, or `null` when it cannot be known.
 */
export function clientIpFrom(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  const forwarded = headers.get("x-forwarded-for");
  const candidate = forwarded?.split(",").at(-1)?.trim() || headers.get("x-real-ip")?.trim();
  return candidate && isIP(candidate) ? candidate : null;
}
