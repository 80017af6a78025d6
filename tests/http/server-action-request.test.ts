import { describe, expect, it } from "vitest";

import { isPossibleServerAction, originMatchesHost } from "@/lib/server-action-request";

import nextConfig from "../../next.config";

describe("isPossibleServerAction, as Next.js decides it", () => {
  it("is a POST with a Next-Action header, or a POST with a multipart body", () => {
    expect(isPossibleServerAction("POST", new Headers({ "next-action": "abc" }))).toBe(true);
    expect(isPossibleServerAction("POST", new Headers({ "content-type": "multipart/form-data; boundary=x" }))).toBe(true);
  });

  it("is not a GET with the header, nor a POST of a urlencoded or JSON body", () => {
    expect(isPossibleServerAction("GET", new Headers({ "next-action": "abc" }))).toBe(false);
    expect(isPossibleServerAction("POST", new Headers({ "content-type": "application/x-www-form-urlencoded" }))).toBe(false);
    expect(isPossibleServerAction("POST", new Headers({ "content-type": "application/json" }))).toBe(false);
  });
});

describe("originMatchesHost", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("holds with no Origin (not a browser's cross-origin request), or one naming the Host", () => {
    expect(originMatchesHost(headers({ host: "app.example" }))).toBe(true);
    expect(originMatchesHost(headers({ host: "app.example", origin: "https://app.example" }))).toBe(true);
    expect(originMatchesHost(headers({ host: "localhost:3000", origin: "http://localhost:3000" }))).toBe(true);
  });

  it("compares with X-Forwarded-Host's first value before Host, as Next.js does", () => {
    expect(originMatchesHost(headers({ host: "internal:8080", "x-forwarded-host": "app.example, proxy.internal", origin: "https://app.example" }))).toBe(true);
    expect(originMatchesHost(headers({ host: "app.example", "x-forwarded-host": "evil.example", origin: "https://app.example" }))).toBe(false);
  });

  it("fails for another host or port, an opaque origin, garbage, or no host at all", () => {
    expect(originMatchesHost(headers({ host: "127.0.0.1:3000", origin: "http://localhost:3000" }))).toBe(false);
    expect(originMatchesHost(headers({ host: "localhost:3000", origin: "http://localhost:3001" }))).toBe(false);
    expect(originMatchesHost(headers({ host: "localhost:3000", origin: "null" }))).toBe(false);
    expect(originMatchesHost(headers({ host: "localhost:3000", origin: "not a url" }))).toBe(false);
    expect(originMatchesHost(headers({ origin: "http://localhost:3000" }))).toBe(false);
  });
});

describe("next.config.ts", () => {
  it("leaves serverActions at Next's defaults, which the proxy mirrors (no allowed origins, a 1 MB body)", () => {
    // proxy.ts refuses another Origin host and bodies over 1 MB as Next.js does by default; setting
    // allowedOrigins or bodySizeLimit must change those checks too.
    expect(nextConfig.experimental?.serverActions).toBeUndefined();
  });
});

describe("action arguments", () => {
  it("are JSON, or refused", async () => {
    const { isActionArgumentsJson, isJsonActionField } = await import("@/lib/server-action-request");
    expect(isActionArgumentsJson('["$undefined"]')).toBe(true);
    expect(isActionArgumentsJson("[]")).toBe(true);
    expect(isActionArgumentsJson("not json")).toBe(false);
    expect(isActionArgumentsJson("")).toBe(false);
    expect(isJsonActionField("0", true)).toBe(true);
    expect(isJsonActionField("0", false)).toBe(false);
    expect(isJsonActionField("$ACTION_1:0", false)).toBe(true);
    expect(isJsonActionField("$ACTION_ID_abc", false)).toBe(false);
    expect(isJsonActionField("$ACTION_REF_1", false)).toBe(false);
  });
});
