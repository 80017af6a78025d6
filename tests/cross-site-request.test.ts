import { describe, expect, it } from "vitest";

import { isCookieFreeRequest, isCrossSiteRequest, isForgedRequest } from "@/lib/cross-site-request";

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
    expect(isCookieFreeRequest("/oauth/device_authorization", none)).toBe(true);
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

describe("isForgedRequest (the proxy's and apiRoute's one decision)", () => {
  const request = (method: string, pathname: string, headers: Record<string, string>, cookies: Record<string, string> = {}) => ({
    method,
    headers: new Headers(headers),
    cookies: { get: (name: string) => (name in cookies ? { name, value: cookies[name]! } : undefined) },
    nextUrl: { pathname, origin: "http://127.0.0.1:3000" },
  });
  const authUrl = "https://gatehouse.example";
  const attacker = { origin: "https://evil.example" };

  it("lets every safe method through, whatever it carries", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) expect(isForgedRequest(request(method, "/api/v1/notes", attacker, { "__Host-authjs.session-token": "t" }), authUrl)).toBe(false);
  });

  it("refuses a cross-origin mutation, with or without the cookie", () => {
    expect(isForgedRequest(request("POST", "/api/v1/notes", attacker), authUrl)).toBe(true);
    expect(isForgedRequest(request("DELETE", "/api/v1/notes/x", attacker, { "__Host-authjs.session-token": "t" }), authUrl)).toBe(true);
    expect(isForgedRequest(request("POST", "/account/security", { "sec-fetch-site": "same-site" }), authUrl)).toBe(true);
  });

  it("refuses a mutation that carries the session cookie but neither Origin nor Sec-Fetch-Site", () => {
    expect(isForgedRequest(request("POST", "/api/v1/notes", {}, { "__Host-authjs.session-token": "t" }), authUrl)).toBe(true);
    // Over https only the __Host- name (or the legacy one) is a session cookie.
    expect(isForgedRequest(request("POST", "/api/v1/notes", {}, { "__Secure-authjs.session-token": "t" }), authUrl)).toBe(true);
    expect(isForgedRequest(request("POST", "/api/v1/notes", {}, { "authjs.session-token": "t" }), authUrl)).toBe(false);
    // Over plain http (no AUTH_URL, a request to http://127.0.0.1) the unprefixed name is the session cookie.
    expect(isForgedRequest(request("POST", "/api/v1/notes", {}, { "authjs.session-token": "t" }), undefined)).toBe(true);
  });

  it("compares with AUTH_URL's origin when it is set, else the request's own", () => {
    expect(isForgedRequest(request("POST", "/api/v1/notes", { origin: authUrl }), authUrl)).toBe(false);
    expect(isForgedRequest(request("POST", "/api/v1/notes", { origin: "http://127.0.0.1:3000" }), authUrl)).toBe(true);
    expect(isForgedRequest(request("POST", "/api/v1/notes", { origin: "http://127.0.0.1:3000" }), undefined)).toBe(false);
  });

  it("lets through what no cookie can authenticate: the OAuth endpoints, and Bearer API calls", () => {
    expect(isForgedRequest(request("POST", "/oauth/token", attacker), authUrl)).toBe(false);
    expect(isForgedRequest(request("POST", "/api/v1/notes", { ...attacker, authorization: "Bearer abc" }, { "__Host-authjs.session-token": "t" }), authUrl)).toBe(false);
    expect(isForgedRequest(request("POST", "/account/security", { ...attacker, authorization: "Bearer abc" }), authUrl)).toBe(true);
  });
});
