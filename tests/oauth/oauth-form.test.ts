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
