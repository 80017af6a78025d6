import { isIPv4, isIPv6 } from "node:net";

import { peerAddressFrom } from "./peer-address.cjs";

/**
 * The client's IP as the app can know it: with no reverse proxy in front (`TRUST_PROXY_HOPS` 0), the
 * socket's own address; behind proxies, from `X-Forwarded-For` and the number of them that each append
 * to it.
 *
 * Next.js does not expose the socket address; it fills a missing X-Forwarded-For with it (`??=`), but keeps
 * one the client sent, so with no trusted proxy nothing in that header can be believed. The socket address
 * comes instead from peer-address.cjs, which stamps it on each request before Next.js reads it (null where
 * that hook does not run: a host that hands requests to Next.js another way, such as Vercel, where
 * `TRUST_PROXY_HOPS` is 1 by default). Behind proxies, each trusted one appends the address it got the
 * request from, so the `hops`-th entry from the right was written by the outermost trusted proxy and names
 * the client; every entry left of it came from the client (a spoofed "10.0.0.1, ..." only adds entries
 * there). Fewer entries than hops means all of them came from trusted proxies (the outermost one started
 * the header): the leftmost is taken, as Express's numeric `trust proxy` does.
 *
 * `X-Real-IP` is not read: a client can send it too unless the proxy overwrites it, it has no hops to
 * count, and Next.js always fills X-Forwarded-For, so it would never be reached anyway.
 * @returns the address in one canonical spelling (see {@link canonicalIp}), or `null` when it cannot be known.
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#selecting_an_ip_address
 */
export function clientIpFrom(headers: Headers, hops: number): string | null {
  if (hops === 0) {
    const peer = peerAddressFrom(headers);
    const ip = peer === null ? null : canonicalIp(peer);
    if (ip !== null) warnIfBehindProxy(ip, headers);
    return ip;
  }
  if (!Number.isInteger(hops) || hops < 1) return null;
  // `get` joins repeated X-Forwarded-For headers with ", ", in order, so they count as one list.
  const entries = headers.get("x-forwarded-for")?.split(",");
  if (!entries) return null;
  // Empty entries stay in place: a trusted proxy never writes one, so they can only be the client's, and
  // dropping them would not change which entry is ours; an empty entry where ours should be means null.
  return canonicalIp(entries[Math.max(entries.length - hops, 0)]!);
}

let warnedBehindProxy = false;

/**
 * With TRUST_PROXY_HOPS=0 the client is the socket's peer. A peer on a loopback or private address that
 * forwards another client's address is most likely a reverse proxy the setting forgot: every client
 * would then share its one rate-limit bucket. Said once, loudly, rather than guessed at.
 */
function warnIfBehindProxy(peer: string, headers: Headers): void {
  if (warnedBehindProxy || !/^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|::1$|f[cd][0-9a-f]{2}:)/.test(peer)) return;
  // Next.js fills a missing X-Forwarded-For with the socket's address: only another one was forwarded.
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (!forwarded || forwarded === peer || canonicalIp(forwarded) === peer) return;
  warnedBehindProxy = true;
  console.warn(
    `[client-ip] requests come from ${peer} carrying X-Forwarded-For ${forwarded.slice(0, 64)}, but TRUST_PROXY_HOPS is 0: if a reverse proxy is in front of this server, set TRUST_PROXY_HOPS to the number of proxies, or every client counts as ${peer} for the per-IP limits.`,
  );
}

/**
 * One spelling per address, so that a client cannot become several rate-limit buckets by writing its
 * address differently: IPv4 in strict dotted decimal (Node's `isIPv4` refuses `0x7f.1`, `127.1` and
 * leading zeros), IPv6 lowercased and compressed as RFC 5952 says, and an IPv6 address that only carries
 * an IPv4 one as that IPv4 address: IPv4-mapped (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2), IPv4-translated
 * (`::ffff:0:a.b.c.d`, RFC 2765 §2.1) and the NAT64 well-known prefix (`64:ff9b::a.b.c.d`, RFC 6052
 * §2.1). Otherwise every IPv4 client behind a translator would share the translator's one /64 bucket.
 * A port (`1.2.3.4:5678`, `[::1]:1234`, as some proxies write) and brackets are dropped. Anything
 * else (`unknown`, `_hidden`, zone IDs, empty) is `null`.
 */
function canonicalIp(entry: string): string | null {
  const value = entry.trim();
  const bracketed = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return isPort(bracketed[2]) ? canonicalIpv6(bracketed[1]!) : null;
  const ipv4WithPort = /^([\d.]+):(\d{1,5})$/.exec(value);
  if (ipv4WithPort) return isPort(ipv4WithPort[2]) && isIPv4(ipv4WithPort[1]!) ? ipv4WithPort[1]! : null;
  if (isIPv4(value)) return value;
  return canonicalIpv6(value);
}

function canonicalIpv6(value: string): string | null {
  // Zone IDs (`fe80::1%eth0`) pass `isIPv6` but name an interface of the sender, not a client.
  if (!isIPv6(value) || value.includes("%")) return null;
  // The WHATWG URL serialiser lowercases and compresses IPv6 canonically (RFC 5952 §4).
  const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const mapped = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function isPort(port: string | undefined): boolean {
  return port === undefined || Number(port) <= 65_535;
}

/**
 * The rate-limit bucket of a canonical address (from {@link clientIpFrom}): an IPv4 address itself, an
 * IPv6 address its /64. One subscriber usually holds a whole /64 (RFC 6177), so counting single IPv6
 * addresses would let one attacker rotate through 2^64 of them.
 */
export function rateLimitBucket(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.padStart(4, "0")).join(":")}::/64`;
}
