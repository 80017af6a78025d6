import { ResourceAccessError } from "@/server/auth/principal";
import { brandErrorClass } from "@/lib/branded-error";

/**
 * The one place API errors become responses. Resource routes answer `{ error: { code, message } }`;
 * authentication failures also carry `WWW-Authenticate: Bearer ...` (RFC 6750 §3). Anything unexpected
 * is logged and answered with a bare 500: no stack, no internals.
 */
export class ApiError extends Error {
  constructor(
    readonly code: "invalid_request" | "not_found" | "payload_too_large" | "unsupported_media_type" | "conflict",
    readonly status: 400 | 404 | 409 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const NO_STORE = { "Cache-Control": "no-store" };

export function apiErrorResponse(error: unknown): Response {
  if (error instanceof ResourceAccessError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: { ...NO_STORE, "WWW-Authenticate": wwwAuthenticate(error) } },
    );
  }
  if (error instanceof ApiError) {
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers: NO_STORE });
  }
  console.error("[api] unexpected error:", error);
  return Response.json({ error: { code: "internal_error", message: "Something went wrong on our side." } }, { status: 500, headers: NO_STORE });
}

/**
 * RFC 6750 §3: a request with no credential gets a bare challenge (no error code, §3.1); one with a bad
 * credential gets `error="invalid_token"`; a good one that lacks scopes gets `insufficient_scope`.
 */
function wwwAuthenticate(error: ResourceAccessError): string {
  const params = ['realm="gatehouse"'];
  const presented = !("credentialPresented" in error) || error.credentialPresented;
  if (presented) params.push(`error="${error.code}"`, `error_description="${error.message.replace(/["\\]/g, "")}"`);
  if (error.requiredScopes.length > 0) params.push(`scope="${error.requiredScopes.join(" ")}"`);
  return `Bearer ${params.join(", ")}`;
}
brandErrorClass(ApiError, "ApiError");
