import { describe, expect, it } from "vitest";

import { safeCallbackPath, safeRedirectPath, sameOriginUrl, signInUrlReturningTo } from "@/lib/safe-redirect";

const base = "https://gatehouse.example";

describe("sameOriginUrl (Auth.js redirect callback)", () => {
  it("keeps paths and same-origin URLs", () => {
    expect(sameOriginUrl("/account?tab=1#x", base)).toBe("https://gatehouse.example/account?tab=1#x");
    expect(sameOriginUrl("https://gatehouse.example/account", base)).toBe("https://gatehouse.example/account");
  });

  it.each([
    "https://evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "https://gatehouse.example@evil.example/",
    "https://gatehouse.example.evil.example/",
    "http://gatehouse.example/account",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    // Same origin on the way in, `//evil.example` once the parser has removed the dot segment.
    "https://gatehouse.example/.//evil.example",
    "/.//evil.example",
    "https://user:pass@gatehouse.example/account",
  ])("sends %s back to our own origin", (target) => {
    expect(sameOriginUrl(target, base)).toBe("https://gatehouse.example/");
  });
});

describe("safeCallbackPath (our sign-in page)", () => {
  it("keeps a path with its query and hash", () => {
    expect(safeCallbackPath("/account?x=1#y")).toBe("/account?x=1#y");
    expect(safeCallbackPath("/oauth/authorize?client_id=a&scope=notes%3Aread+profile&state=x")).toBe(
      "/oauth/authorize?client_id=a&scope=notes%3Aread+profile&state=x",
    );
  });

  it.each([undefined, "", 42, ["/account"], "https://evil.example", "//evil.example", "/\\evil.example", `/${"a".repeat(3000)}`])(
    "falls back to /account for %s",
    (target) => {
      expect(safeCallbackPath(target)).toBe("/account");
    },
  );

  // The spellings of the outside attack run: each one normalises to a path starting with `//` or `/\`.
  it.each(["/.//evil.example", "/..//evil.example", "/%2e//evil.example", "/%2E%2E//evil.example", "/./\\evil.example", "/a/..//evil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "/.%2F/evil.example", "/%2e%2F/evil.example", "/x/..%2F/evil.example", "/.%5C/evil.example"])(
    "refuses %s, which the URL parser turns into another host",
    (target) => {
      expect(safeCallbackPath(target)).toBe("/account");
    },
  );

  it("uses the given fallback", () => {
    expect(safeCallbackPath("https://evil.example", "/")).toBe("/");
  });

  it("builds a sign-in link that returns only to a safe path", () => {
    expect(signInUrlReturningTo("/account/tokens?x=1")).toBe("/signin?callbackUrl=%2Faccount%2Ftokens%3Fx%3D1");
    expect(signInUrlReturningTo("/.//evil.example")).toBe("/signin?callbackUrl=%2Faccount");
  });
});

/*
 * Property-style: hundreds of generated spellings (dot segments, encodings, backslashes, control
 * characters, schemes, user info, nested callbackUrls), checked against what a browser would do with
 * the result, not against a list of expected strings.
 */
const OUR_ORIGIN = "https://gatehouse.example";
const FALLBACK = "/account";

const prefixes = ["", "/", "//", "///", "/./", "/../", "/.//", "/..//", "/%2e/", "/%2e//", "/%2E%2E//", "/.%2e//", "/%2e%2e/%2f", "\\", "/\\", "\\/", "/./\\", "/%5c", "/%2f", "/%2F/", "%2f%2f", "/\t/", "/\n/", "/\r\n/", "\u0000/", " //", "/ /", "/\u007f/", "/a/../", "/a/..//", "/a/%2e%2e//"];
const schemes = ["", "https:", "http:", "HTTPS:", "https:/", "https://", "javascript:", "JaVaScRiPt:", "data:", "//", "ftp://"];
const hosts = ["evil.example", "evil.example/", "evil.example/x?y#z", "gatehouse.example@evil.example", "evil.example@gatehouse.example", "evil.example%2f", "evil.example:443", "%65vil.example", "0x7f.1", "[::1]", "evil。example", "alert(1)"];

function generatedSpellings(): string[] {
  const spellings = new Set<string>();
  for (const prefix of prefixes) for (const scheme of schemes.slice(0, 6)) for (const host of hosts.slice(0, 6)) spellings.add(`${scheme}${prefix}${host}`);
  for (const scheme of schemes) for (const host of hosts) spellings.add(`${scheme}${host}`);
  // A deterministic pseudo-random mix of the same fragments, for combinations no list thought of.
  const fragments = [...prefixes, ...schemes, ...hosts, "/account", "?callbackUrl=", "#", "%", "%%", "@", ":", ".", "..", "%00", "%09", "%0a", "\\\\"];
  let seed = 0x9e3779b9;
  const random = () => ((seed = (seed * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
  for (let i = 0; i < 400; i += 1) {
    let spelling = "";
    for (let n = 1 + Math.floor(random() * 5); n > 0; n -= 1) spelling += fragments[Math.floor(random() * fragments.length)];
    spellings.add(spelling);
  }
  // Nested: a sign-in link whose callbackUrl is itself hostile, once and twice encoded.
  for (const inner of [...spellings].slice(0, 120)) {
    spellings.add(`/signin?callbackUrl=${encodeURIComponent(inner)}`);
    spellings.add(`/signin?callbackUrl=${encodeURIComponent(`/signin?callbackUrl=${encodeURIComponent(inner)}`)}`);
    spellings.add(`/signin?callbackUrl=${inner}`);
  }
  return [...spellings];
}

/** Where a browser on our origin goes with this Location, following nested callbackUrls the way our sign-in page does. */
function assertLandsOnOurOrigin(path: string, depth = 0): void {
  expect(path === FALLBACK || path.startsWith("/")).toBe(true);
  expect(path.startsWith("//")).toBe(false);
  expect(path.startsWith("/\\")).toBe(false);
  expect(path).not.toMatch(/[\u0000-\u001f\u007f\\]/);
  const landed = new URL(path, OUR_ORIGIN);
  expect(landed.origin).toBe(OUR_ORIGIN);
  // The browser's own reading of the same Location agrees with ours.
  expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe(path);
  const nested = landed.pathname === "/signin" ? landed.searchParams.get("callbackUrl") : null;
  if (nested !== null && depth < 5) assertLandsOnOurOrigin(safeCallbackPath(nested), depth + 1);
}

describe("safeRedirectPath against generated spellings", () => {
  const spellings = generatedSpellings();

  it("generates a few hundred spellings", () => {
    expect(spellings.length).toBeGreaterThan(500);
  });

  it("never returns a target that leaves our origin, however it is spelled or nested", () => {
    for (const spelling of spellings) {
      assertLandsOnOurOrigin(safeRedirectPath(spelling));
      const absolute = new URL(sameOriginUrl(spelling, OUR_ORIGIN));
      expect(absolute.origin).toBe(OUR_ORIGIN);
      assertLandsOnOurOrigin(`${absolute.pathname}${absolute.search}${absolute.hash}`);
    }
  });

  it("refuses every spelling that names another host", () => {
    const hostile = spellings.filter((spelling) => {
      try {
        return new URL(spelling, OUR_ORIGIN).origin !== OUR_ORIGIN || /^\/[/\\]/.test(new URL(spelling, OUR_ORIGIN).pathname);
      } catch {
        return true;
      }
    });
    expect(hostile.length).toBeGreaterThan(100);
    for (const spelling of hostile) expect(safeRedirectPath(spelling)).toBe(FALLBACK);
  });

  it("is idempotent: a safe path comes back unchanged", () => {
    for (const spelling of spellings) {
      const once = safeRedirectPath(spelling);
      expect(safeRedirectPath(once)).toBe(once);
    }
  });
});
