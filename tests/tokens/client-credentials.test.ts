import { describe, expect, it } from "vitest";

import { clientCredentialsFrom } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";

/* RFC 6749 §2.3: how a client presents itself at the token, revocation and introspection endpoints. */

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

function refusal(authorization: string | null, body: { client_id?: string; client_secret?: string }) {
  try {
    clientCredentialsFrom(authorization, body);
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return "accepted";
}

describe("clientCredentialsFrom", () => {
  it("reads HTTP Basic, form-decoding both halves", () => {
    expect(clientCredentialsFrom(basic("rs:1", "p@ss word"), {})).toEqual({ clientId: "rs:1", clientSecret: "p@ss word", method: "client_secret_basic" });
  });

  it("reads the body, with or without a secret", () => {
    expect(clientCredentialsFrom(null, { client_id: "app", client_secret: "s" })).toEqual({ clientId: "app", clientSecret: "s", method: "client_secret_post" });
    expect(clientCredentialsFrom(null, { client_id: "app" })).toEqual({ clientId: "app", method: "none" });
  });

  it("refuses two methods at once, a mismatched client_id, and no identity at all", () => {
    expect(refusal(basic("a", "s"), { client_secret: "s" })).toBe("invalid_request");
    expect(refusal(basic("a", "s"), { client_id: "b" })).toBe("invalid_request");
    expect(refusal(null, {})).toBe("invalid_client");
  });

  it("refuses malformed Basic credentials as invalid_client", () => {
    expect(refusal("Basic !!!", {})).toBe("invalid_client");
    expect(refusal(`Basic ${Buffer.from("no-colon").toString("base64")}`, {})).toBe("invalid_client");
    expect(refusal(`Basic ${Buffer.from("%E0%A4%A:x").toString("base64")}`, {})).toBe("invalid_client");
    expect(refusal("Bearer abc", {})).toBe("invalid_client");
  });
});
