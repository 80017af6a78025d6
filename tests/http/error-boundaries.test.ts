import { describe, expect, it, vi } from "vitest";

import { AppError } from "@/lib/app-error";
import { InsufficientScopeError, InvalidTokenError, ResourceAccessError } from "@/server/auth/principal";
import { API_ERROR_STATUS, ApiError, apiErrorResponse } from "@/server/http/api-error";
import { pageErrorRedirect } from "@/server/http/page-error";
import { OAuthRateLimitedError, oauthErrorResponse } from "@/server/oauth/oauth-response";
import { IssuingSessionEndedError, OAUTH_ERROR_STATUS, OAuthError, TokenVerificationError } from "@/server/tokens/errors";

/* One table per boundary, one function per boundary that turns errors into responses. */

describe("the resource API boundary", () => {
  it.each(Object.entries(API_ERROR_STATUS).filter(([code]) => !["invalid_token", "insufficient_scope", "internal_error"].includes(code)))(
    "answers ApiError %s with %i and { error: { code, message } }",
    async (code, status) => {
      const response = apiErrorResponse(new ApiError(code as ConstructorParameters<typeof ApiError>[0], "why"));
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { code, message: "why" } });
    },
  );

  it("answers resource errors per RFC 6750 §3.1, with a Bearer challenge", async () => {
    for (const [error, status] of [
      [new ResourceAccessError("invalid_request", "bad header"), 400],
      [new InvalidTokenError(), 401],
      [new InsufficientScopeError(["profile"]), 403],
    ] as const) {
      const response = apiErrorResponse(error);
      expect(response.status).toBe(status);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="gatehouse"/);
    }
  });

  it("answers anything unexpected with a bare 500, no stack and no message of its own", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = apiErrorResponse(new Error("connection refused at 10.0.0.5"));
    log.mockRestore();
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("10.0.0.5");
  });
});

describe("the OAuth boundary", () => {
  it("answers every RFC 6749 §5.2 code with its table's status, and a Basic challenge on every failed client authentication", async () => {
    for (const [code, status] of Object.entries(OAUTH_ERROR_STATUS)) {
      const response = oauthErrorResponse(new OAuthError(code as keyof typeof OAUTH_ERROR_STATUS, "why"));
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: code, error_description: "why" });
      expect(response.headers.get("www-authenticate")?.startsWith("Basic ") ?? false).toBe(status === 401);
    }
  });
});

describe("the page boundary", () => {
  it("sends a person whose issuing session ended to sign in again, back to where they were", () => {
    expect(pageErrorRedirect(new IssuingSessionEndedError(), "/account/tokens")).toBe("/signin?callbackUrl=%2Faccount%2Ftokens");
  });

  it("leaves errors it does not expect to the error page", () => {
    expect(pageErrorRedirect(new Error("boom"), "/account")).toBeNull();
    expect(pageErrorRedirect(new TokenVerificationError("expired"), "/account")).toBeNull();
  });

  it("every error the app throws on purpose is an AppError with a stable code", () => {
    for (const error of [new ApiError("not_found", "x"), new InvalidTokenError(), new OAuthError("invalid_grant", "x"), new IssuingSessionEndedError(), new TokenVerificationError("revoked")]) {
      expect(error).toBeInstanceOf(AppError);
      expect(typeof error.code).toBe("string");
    }
  });
});

describe("the OAuth boundary's rate-limit answer", () => {
  it("is 429 with Retry-After, slow_down to a polling device and temporarily_unavailable to anyone else", async () => {
    const polling = oauthErrorResponse(new OAuthRateLimitedError(7, true));
    expect(polling.status).toBe(429);
    expect(polling.headers.get("retry-after")).toBe("7");
    expect((await polling.json()).error).toBe("slow_down");
    const other = oauthErrorResponse(new OAuthRateLimitedError(30, false));
    expect(other.status).toBe(429);
    expect(other.headers.get("retry-after")).toBe("30");
    expect((await other.json()).error).toBe("temporarily_unavailable");
  });
});
