import { describe, expect, it } from "vitest";

import { clientIpFrom, rateLimitBucket } from "@/server/http/client-ip";

/* One rate-limit bucket per IPv4 address and per IPv6 /64, whatever the spelling. */

const bucketOf = (forwarded: string) => rateLimitBucket(clientIpFrom(new Headers({ "x-forwarded-for": forwarded }), 1)!);

describe("rateLimitBucket", () => {
  it("is the IPv4 address itself, and the same for an IPv4-mapped IPv6 spelling", () => {
    expect(bucketOf("203.0.113.7")).toBe("203.0.113.7");
    expect(bucketOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(bucketOf("[::ffff:cb00:7107]:443")).toBe("203.0.113.7");
  });

  it("is the IPv4 address an IPv4-translated or NAT64 address carries, so the clients behind a translator are not one bucket", () => {
    for (const spelling of ["::ffff:0:203.0.113.7", "::ffff:0:cb00:7107", "0:0:0:0:ffff:0:cb00:7107", "64:ff9b::203.0.113.7", "[64:FF9B::cb00:7107]:443", "64:ff9b:0:0:0:0:cb00:7107"]) {
      expect(bucketOf(spelling), spelling).toBe("203.0.113.7");
    }
    expect(bucketOf("64:ff9b::198.51.100.9")).toBe("198.51.100.9");
    // Only the /96 prefixes carry an IPv4 address: the rest of 64:ff9b::/64 and other ::ffff: forms stay IPv6.
    expect(bucketOf("64:ff9b::1:0:cb00:7107")).toBe("0064:ff9b:0000:0000::/64");
    expect(bucketOf("::ffff:1:cb00:7107")).toBe("0000:0000:0000:0000::/64");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    const bucket = "2001:0db8:0001:0002::/64";
    for (const spelling of ["2001:db8:1:2::1", "2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:0000:0000:0000:0001", "[2001:db8:1:2::abcd]:8080", "2001:db8:1:2:0:0:0:7"]) {
      expect(bucketOf(spelling), spelling).toBe(bucket);
    }
    expect(bucketOf("2001:db8:1:3::1")).not.toBe(bucket);
    expect(bucketOf("::1")).toBe("0000:0000:0000:0000::/64");
    expect(bucketOf("2001:db8::")).toBe("2001:0db8:0000:0000::/64");
  });
});
