import { describe, expect, it } from "vitest";

import { isCookieFreeRequest, isCrossSiteRequest } from "@/lib/cross-site-request";

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

describe("isCookieFreeRequest", () => {
  it("exempts the OAuth endpoints programs call, and API calls with an Authorization header", () => {
    const none = new Headers();
    const bearer = new Headers({ authorization: "Bearer abc" });
    expect(isCookieFreeRequest("/oauth/token", none)).toBe(true);
    expect(isCookieFreeRequest("/oauth/revoke", none)).toBe(true);
    expect(isCookieFreeRequest("/oauth/introspect", none)).toBe(true);
    expect(isCookieFreeRequest("/api/v1/notes", bearer)).toBe(true);
  });

  it("keeps the check for everything a cookie can authenticate", () => {
    const bearer = new Headers({ authorization: "Bearer abc" });
    expect(isCookieFreeRequest("/api/v1/notes", new Headers())).toBe(false);
    // Browsers send cached Basic credentials on their own, cross-site too.
    expect(isCookieFreeRequest("/api/v1/notes", new Headers({ authorization: "Basic YTpi" }))).toBe(false);
    // Pages and server actions read the cookie whatever other header rides along.
    expect(isCookieFreeRequest("/account/security", bearer)).toBe(false);
    expect(isCookieFreeRequest("/oauth/authorize", bearer)).toBe(false);
    expect(isCookieFreeRequest("/api/auth/signin/local", bearer)).toBe(false);
  });
});
