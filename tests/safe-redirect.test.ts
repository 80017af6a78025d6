import { describe, expect, it } from "vitest";

import { safeCallbackPath, sameOriginUrl } from "@/lib/safe-redirect";

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
  ])("sends %s back to our own origin", (target) => {
    expect(sameOriginUrl(target, base)).toBe("https://gatehouse.example/");
  });
});

describe("safeCallbackPath (our sign-in page)", () => {
  it("keeps a path with its query and hash", () => {
    expect(safeCallbackPath("/account?x=1#y")).toBe("/account?x=1#y");
  });

  it.each([undefined, "", 42, ["/account"], "https://evil.example", "//evil.example", "/\\evil.example", `/${"a".repeat(3000)}`])(
    "falls back to /account for %s",
    (target) => {
      expect(safeCallbackPath(target)).toBe("/account");
    },
  );

  it("uses the given fallback", () => {
    expect(safeCallbackPath("https://evil.example", "/")).toBe("/");
  });
});
