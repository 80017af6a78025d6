import { describe, expect, it } from "vitest";

import { readOAuthForm } from "@/server/oauth/oauth-form";
import { OAuthError } from "@/server/tokens/errors";

/* The OAuth endpoints' body reader: every hostile body is an invalid_request, never a 500. */

const form = (body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" }) =>
  new Request("http://localhost/oauth/token", { method: "POST", body, headers, duplex: "half" } as RequestInit);

async function refusal(request: Request) {
  try {
    await readOAuthForm(request);
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return "accepted";
}

describe("readOAuthForm", () => {
  it("reads a form, treating empty values as omitted", async () => {
    expect(await readOAuthForm(form("grant_type=refresh_token&scope=&client_id=app"))).toEqual({ grant_type: "refresh_token", client_id: "app" });
  });

  it("refuses other media types, repeated parameters and oversized bodies", async () => {
    expect(await refusal(form('{"grant_type":"x"}', { "content-type": "application/json" }))).toBe("invalid_request");
    expect(await refusal(form("a=1&a=2"))).toBe("invalid_request");
    expect(await refusal(form(`a=${"x".repeat(9000)}`))).toBe("invalid_request");
  });

  it("reads percent-escapes, plus signs and UTF-8 as the form encoding has them, and a declared UTF-8 charset", async () => {
    expect(await readOAuthForm(form("scope=notes%3Aread+profile&client_id=caf%C3%A9&x=%E2%82%AC", { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }))).toEqual({
      scope: "notes:read profile",
      client_id: "café",
      x: "€",
    });
    expect(await readOAuthForm(form("a=1&&b", { "content-type": 'Application/X-WWW-Form-Urlencoded; charset="utf-8"' }))).toEqual({ a: "1" });
    // Other labels of UTF-8, ASCII bodies under ASCII-compatible charsets, and a `%` that starts no escape (kept, as WHATWG does).
    expect(await readOAuthForm(form("a=%C3%A9", { "content-type": "application/x-www-form-urlencoded; charset=utf8" }))).toEqual({ a: "é" });
    expect(await readOAuthForm(form("a=b", { "content-type": "application/x-www-form-urlencoded; charset=ISO-8859-1" }))).toEqual({ a: "b" });
    expect(await readOAuthForm(form("a=100%&b=%zz%4"))).toEqual({ a: "100%", b: "%zz%4" });
    // The same parse as URLSearchParams for whatever is well formed.
    const sample = "x=%41%2b+b&y=%E2%82%AC%25&z=a%3Db";
    expect(await readOAuthForm(form(sample))).toEqual(Object.fromEntries(new URLSearchParams(sample)));
  });

  it("refuses what it would otherwise read as another value: another charset, a content encoding, bytes or escapes that are not UTF-8", async () => {
    expect(await refusal(form("grant_type=client_credentials", { "content-type": "application/x-www-form-urlencoded; charset=utf-16" }))).toBe("invalid_request");
    expect(await refusal(form("grant_type=client_credentials", { "content-type": "application/x-www-form-urlencoded", "content-encoding": "gzip" }))).toBe("invalid_request");
    expect(await refusal(form(new Uint8Array([0x61, 0x3d, 0xff])))).toBe("invalid_request");
    expect(await refusal(form(new Uint8Array([0x61, 0x3d, 0xe9]), { "content-type": "application/x-www-form-urlencoded; charset=ISO-8859-1" }))).toBe("invalid_request");
    expect(await refusal(form("a=b", { "content-type": "application/x-www-form-urlencoded; charset=nonsense" }))).toBe("invalid_request");
    // A body that reads otherwise in its declared charset (ISO-2022-JP's escapes make ASCII bytes kanji).
    expect(await refusal(form("a=\u001b$B$\"\u001b(B", { "content-type": "application/x-www-form-urlencoded; charset=iso-2022-jp" }))).toBe("invalid_request");
    expect(await readOAuthForm(form("a=b", { "content-type": "application/x-www-form-urlencoded; charset=iso-2022-jp" }))).toEqual({ a: "b" });
    // A byte-order mark, raw or escaped, is kept as part of what it precedes, not silently dropped.
    expect(await readOAuthForm(form("grant_type=%EF%BB%BFclient_credentials"))).toEqual({ grant_type: "\ufeffclient_credentials" });
    expect(await readOAuthForm(form(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3d, 0x62])))).toEqual({ "\ufeffa": "b" });
    for (const body of ["a=%E0", "a=%FF", "%C0%AF=1", "a=%ED%A0%80", "a=%C3"]) expect(await refusal(form(body)), body).toBe("invalid_request");
  });

  it("refuses an oversized body whose Content-Length lies", async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        controller.close();
      },
    });
    expect(await refusal(form(stream, { "content-type": "application/x-www-form-urlencoded", "content-length": "10" }))).toBe("invalid_request");
  });

  it("refuses a body whose stream breaks mid-way (the client went away)", async () => {
    const stream = new ReadableStream({
      pull(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    expect(await refusal(form(stream))).toBe("invalid_request");
  });
});
