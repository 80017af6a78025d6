import { describe, expect, it } from "vitest";

import { isCrossSiteRequest } from "@/lib/cross-site-request";

const ourOrigin = "https://gatehouse.example";
const check = (method: string, headers: Record<string, string>, hasSessionCookie = true) =>
  isCrossSiteRequest({ method, headers: new Headers(headers), ourOrigin, hasSessionCookie });

describe("isCrossSiteRequest", () => {
  it("lets safe methods through whatever their origin", () => {
    expect(check("GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).toBe(false);
    expect(check("HEAD", {})).toBe(false);
  });

  it("lets a same-origin post through", () => {
    expect(check("POST", { origin: ourOrigin, "sec-fetch-site": "same-origin" })).toBe(false);
    expect(check("POST", { "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it.each([
    [{ origin: "https://evil.example" }],
    [{ origin: "http://gatehouse.example" }],
    [{ origin: "null" }],
    [{ "sec-fetch-site": "same-site" }],
    [{ "sec-fetch-site": "cross-site" }],
    [{ origin: ourOrigin, "sec-fetch-site": "cross-site" }],
  ])("refuses a post with %o", (headers) => {
    expect(check("POST", headers)).toBe(true);
    expect(check("DELETE", headers)).toBe(true);
  });

  it("refuses a cookie-carrying post that shows no origin at all, but not one without the cookie", () => {
    expect(check("POST", {}, true)).toBe(true);
    expect(check("POST", {}, false)).toBe(false);
  });
});
