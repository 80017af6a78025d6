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
  it("admit what React's client encodes for our actions' values", async () => {
    const { isActionArguments } = await import("@/lib/server-action-request");
    for (const text of [
      "[]",
      '["$undefined"]',
      '["$K1"]',
      '[{"status":"idle","typed":"ABCD-EFGH"},"$K1"]',
      '["cmxd5jdtv0000dn7d6v0hlp04"]',
      "[null]",
      '["$$a dollar", "$D2026-12-07T10:00:00.000Z", "$n123", "$-0", "$NaN", "$Infinity"]',
    ]) {
      expect(isActionArguments(text), text).toBe(true);
    }
  });

  it("refuse what React cannot decode or apply (Next.js answered each of these with a 500)", async () => {
    const { isActionArguments } = await import("@/lib/server-action-request");
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const many = JSON.stringify(Array.from({ length: 400_000 }, () => 1));
    for (const text of ["not json", "", "{}", "null", '"x"', "1", '["$Q1"]', '["$@1"]', '["$h1"]', '["$B1"]', '["$T"]', '["$1"]', '["$nxyz"]', '[{"a":"$W2"}]', deep, many]) {
      expect(isActionArguments(text), text.slice(0, 40)).toBe(false);
    }
  });

  it("tell a bound action's field from its arguments, and refuse a bound action of another shape", async () => {
    const { actionReplyField, isBoundAction } = await import("@/lib/server-action-request");
    expect(actionReplyField("0", true)).toBe("arguments");
    expect(actionReplyField("0", false)).toBeNull();
    expect(actionReplyField("1_name", true)).toBeNull();
    expect(actionReplyField("$ACTION_1:0", false)).toBe("bound-action");
    expect(actionReplyField("$ACTION_1:1", false)).toBe("arguments");
    expect(actionReplyField("$ACTION_ID_abc", false)).toBeNull();
    expect(actionReplyField("$ACTION_REF_1", false)).toBeNull();
    expect(isBoundAction('{"id":"40a6d1cf","bound":"$@1"}')).toBe(true);
    expect(isBoundAction('{"id":"40a6d1cf","bound":null}')).toBe(true);
    for (const text of ["[]", '{"id":1,"bound":null}', '{"id":"x","bound":"$Q1"}', '{"id":"x"}', "nope"]) expect(isBoundAction(text), text).toBe(false);
  });

  it("admit the multipart bodies our pages send, and refuse field names and bound parts React would fail on", async () => {
    const { isDecodableActionForm } = await import("@/lib/server-action-request");
    const form = (fields: Array<[string, string]>) => {
      const data = new FormData();
      for (const [name, value] of fields) data.append(name, value);
      return data;
    };
    const id = "40b7822f7af2b3f3cba1febb88718b28cc65f5d7ac";
    // From the page's script: the arguments in field 0, the form's fields under 1_.
    expect(isDecodableActionForm(form([["1_provider", "local"], ["0", '["$K1"]']]), true)).toBe(true);
    // Before the script ran: a plain action, and a useActionState one with its state bound.
    expect(isDecodableActionForm(form([[`$ACTION_ID_${id}`, ""], ["provider", "local"]]), false)).toBe(true);
    const bound: Array<[string, string]> = [["$ACTION_REF_1", ""], ["$ACTION_1:0", `{"id":"${id}","bound":"$@1"}`], ["$ACTION_1:1", '[{"status":"idle"}]'], ["$ACTION_KEY", "k0"], ["userCode", "ABCD"]];
    expect(isDecodableActionForm(form(bound), false)).toBe(true);

    expect(isDecodableActionForm(form([["1_provider", "local"]]), true)).toBe(false); // no field 0
    expect(isDecodableActionForm(form([["$ACTION_REF_x", ""], ["$ACTION_x:0", `{"id":"${id}",`]]), false)).toBe(false); // React reads any suffix
    expect(isDecodableActionForm(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", `{"id":"${id}","bound":"$@5"}`]]), false)).toBe(false); // names a part that is not there
    expect(isDecodableActionForm(form([["$ACTION_REF_1", ""]]), false)).toBe(false); // a reference to nothing
    expect(isDecodableActionForm(form([["$ACTION_1:1", "[1]"], ["$ACTION_1:0", "{}"]]), false)).toBe(false);
  });
});

