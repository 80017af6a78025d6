import { ZodError } from "zod";

import { OAuthError } from "@/server/tokens/errors";

/**
 * Token responses and OAuth errors are never cached (RFC 6749 §5.1).
 */
export const NO_STORE_HEADERS = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

export function oauthJson(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE_HEADERS });
}

/**
 * The one mapper from errors to OAuth error responses (RFC 6749 §5.2): `{ error, error_description }`,
 * 400, or 401 with `WWW-Authenticate: Basic` for a failed client authentication. A zod failure is an
 * `invalid_request`; anything unexpected is logged and answered without internals.
 */
export function oauthErrorResponse(error: unknown): Response {
  if (error instanceof OAuthRateLimitedError) {
    const body = error.polling
      ? { error: "slow_down", error_description: `Too many requests: poll again in ${error.retryAfterSeconds} seconds.` }
      : { error: "temporarily_unavailable", error_description: `Too many requests: try again in ${error.retryAfterSeconds} seconds.` };
    return Response.json(body, { status: 429, headers: { ...NO_STORE_HEADERS, "Retry-After": String(error.retryAfterSeconds) } });
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const name = issue?.path.join(".") || "request";
    // A schema can name the RFC's error for its own check (an unknown scope is invalid_scope).
    const code = issue?.code === "custom" && issue.params?.oauthError === "invalid_scope" ? "invalid_scope" : "invalid_request";
    return oauthJson({ error: code, error_description: `${name}: ${issue?.message ?? "is not valid"}` }, 400);
  }
  if (error instanceof OAuthError) {
    const body = { error: error.code, error_description: error.description };
    if (error.status !== 401) return oauthJson(body, error.status);
    // RFC 6749 §5.2 requires the Basic challenge when the client tried HTTP Basic; it is sent whichever
    // way it tried, so every client library sees the one answer to a failed client authentication.
    return Response.json(body, { status: 401, headers: { ...NO_STORE_HEADERS, "WWW-Authenticate": 'Basic realm="gatehouse", charset="UTF-8"' } });
  }
  console.error("[oauth] unexpected error:", error);
  return oauthJson({ error: "server_error", error_description: "Something went wrong on our side." }, 500);
}

/**
 * Too many requests from one IP or one client (server/oauth/oauth-rate-limit.ts): 429 with Retry-After,
 * and an OAuth error body, `slow_down` to a device polling the token endpoint (RFC 8628 §3.5), else
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1: the server cannot take the request now).
 */
export class OAuthRateLimitedError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly polling: boolean,
  ) {
    super("rate limited");
    this.name = "OAuthRateLimitedError";
  }
}
