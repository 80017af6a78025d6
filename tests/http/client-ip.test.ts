import { describe, expect, it } from "vitest";

import { clientIpFrom } from "@/server/http/client-ip";

/** The X-Forwarded-For the app receives (Next.js keeps the client's own, or fills it with the socket's). */
const ipFrom = (forwardedFor: string | string[] | null, hops: number, extra: Record<string, string> = {}) => {
  const headers = new Headers(extra);
  for (const value of forwardedFor === null ? [] : [forwardedFor].flat()) headers.append("x-forwarded-for", value);
  return clientIpFrom(headers, hops);
};

describe("clientIpFrom", () => {
  it.each([
    ["a header the client wrote itself", "203.0.113.7"],
    ["the socket address Next.js filled in", "127.0.0.1"],
    ["a spoofed list", "6.6.6.6, 203.0.113.7"],
  ])("believes no X-Forwarded-For without a trusted proxy (hops 0): %s", (_, forwardedFor) => {
    expect(ipFrom(forwardedFor, 0)).toBeNull();
  });

  it.each([
    // [what the attacker sends, what the trusted proxies make of it, hops, the client's real address]
    ["nothing, behind one proxy", "203.0.113.7", 1, "203.0.113.7"],
    ["a spoofed address, behind one proxy", "6.6.6.6, 203.0.113.7", 1, "203.0.113.7"],
    ["many spoofed addresses, behind one proxy", "6.6.6.6, 7.7.7.7, 10.0.0.1, 203.0.113.7", 1, "203.0.113.7"],
    ["nothing, behind two proxies", "203.0.113.7, 10.0.0.2", 2, "203.0.113.7"],
    ["a spoofed address, behind two proxies", "6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"],
    ["spoofed addresses, behind three proxies", "6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.3, 10.0.0.2", 3, "203.0.113.7"],
    ["a spoofed IPv6 address, behind two proxies", "2001:db8::666, 2001:db8::7, 10.0.0.2", 2, "2001:db8::7"],
  ])("takes the entry the outermost trusted proxy wrote, whatever the client put left of it: %s", (_, forwardedFor, hops, expected) => {
    expect(ipFrom(forwardedFor, hops)).toBe(expected);
  });

  it("reads repeated X-Forwarded-For headers as one list, in order", () => {
    expect(ipFrom(["6.6.6.6", "203.0.113.7, 10.0.0.2"], 2)).toBe("203.0.113.7");
    expect(ipFrom(["6.6.6.6, 7.7.7.7", "203.0.113.7"], 1)).toBe("203.0.113.7");
  });

  it.each([
    ["one entry, two hops (the outermost proxy started the header)", "203.0.113.7", 2, "203.0.113.7"],
    ["two entries, three hops", "203.0.113.7, 10.0.0.2", 3, "203.0.113.7"],
    ["one entry, ten hops", "2001:db8::7", 10, "2001:db8::7"],
  ])("takes the leftmost entry when there are fewer entries than hops: %s", (_, forwardedFor, hops, expected) => {
    expect(ipFrom(forwardedFor, hops)).toBe(expected);
  });

  it.each([
    ["spaces around entries", "  6.6.6.6 ,   203.0.113.7  ", 1, "203.0.113.7"],
    ["no spaces", "6.6.6.6,203.0.113.7,10.0.0.2", 2, "203.0.113.7"],
    ["empty entries the client left", ",, 6.6.6.6,, , 203.0.113.7", 1, "203.0.113.7"],
    ["an empty entry left of ours, two hops", "6.6.6.6, , 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"],
    ["IPv4 with a port", "6.6.6.6, 203.0.113.7:5678", 1, "203.0.113.7"],
    ["IPv6 in brackets", "[2001:db8::7]", 1, "2001:db8::7"],
    ["IPv6 in brackets with a port", "6.6.6.6, [2001:db8::7]:1234", 1, "2001:db8::7"],
    ["loopback IPv6 in brackets with a port", "[::1]:1234", 1, "::1"],
    ["IPv4-mapped IPv6", "::ffff:203.0.113.7", 1, "203.0.113.7"],
    ["IPv4-mapped IPv6, uppercase, in brackets with a port", "[::FFFF:203.0.113.7]:80", 1, "203.0.113.7"],
    ["IPv4-mapped IPv6 in hex", "::ffff:cb00:7107", 1, "203.0.113.7"],
    ["IPv4-mapped IPv6 written out", "0:0:0:0:0:ffff:cb00:7107", 1, "203.0.113.7"],
    ["uppercase IPv6", "2001:DB8::7", 1, "2001:db8::7"],
    ["uncompressed IPv6", "2001:0db8:0000:0000:0000:0000:0000:0007", 1, "2001:db8::7"],
    ["IPv6 compressed elsewhere", "2001:db8:0::0:0:7", 1, "2001:db8::7"],
    ["IPv6 with the longest zero run compressed", "2001:db8:0:0:1:0:0:0", 1, "2001:db8:0:0:1::"],
  ])("writes one address one way, so a client is one rate-limit bucket: %s", (_, forwardedFor, hops, expected) => {
    expect(ipFrom(forwardedFor, hops)).toBe(expected);
  });

  it.each([
    ["an empty header", ""],
    ["only commas and spaces", " , ,"],
    ["an empty entry where ours should be", "203.0.113.7, "],
    ["unknown", "unknown"],
    ["an obfuscated hex loopback", "0x7f.1"],
    ["a short-form IPv4", "127.1"],
    ["an IPv4 with leading zeros", "127.000.000.001"],
    ["an IPv4 as one number", "2130706433"],
    ["an IPv4 out of range", "256.1.1.1"],
    ["an IPv4 in brackets", "[203.0.113.7]"],
    ["an IPv4 with a port out of range", "203.0.113.7:99999"],
    ["an IPv6 in brackets with a port out of range", "[::1]:70000"],
    ["an IPv6 with a zone ID", "fe80::1%eth0"],
    ["a host name", "localhost"],
    ["an obfuscated name (RFC 7239)", "_hidden"],
    ["markup", "<script>alert(1)</script>"],
    ["a quoted address", '"203.0.113.7"'],
    ["two addresses in one entry", "203.0.113.7 6.6.6.6"],
  ])("refuses anything that is not one IP address: %s", (_, forwardedFor) => {
    expect(ipFrom(forwardedFor, 1)).toBeNull();
    expect(ipFrom(`6.6.6.6, ${forwardedFor}, 10.0.0.2`, 2)).toBeNull();
  });

  it("does not fall back to X-Real-IP, which a client can send as freely", () => {
    expect(ipFrom(null, 1, { "x-real-ip": "6.6.6.6" })).toBeNull();
    expect(ipFrom("garbage", 1, { "x-real-ip": "6.6.6.6" })).toBeNull();
    expect(ipFrom("203.0.113.7", 1, { "x-real-ip": "6.6.6.6" })).toBe("203.0.113.7");
  });

  it("knows no IP without an X-Forwarded-For, or with a nonsensical hop count", () => {
    expect(ipFrom(null, 1)).toBeNull();
    expect(ipFrom("203.0.113.7", -1)).toBeNull();
    expect(ipFrom("203.0.113.7", 1.5)).toBeNull();
  });
});
