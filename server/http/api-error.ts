import { AppError } from "@/lib/app-error";
import { brandErrorClass } from "@/lib/branded-error";
import { ResourceAccessError } from "@/server/auth/principal";

import { API_ERROR_STATUS } from "./api-error-status";

export { API_ERROR_STATUS } from "./api-error-status";

/**
 * The resource API's boundary (the demo API, housekeeping routes, and the CSRF refusals of apiRoute and
 * the proxy): every error it answers is `{ error: { code, message } }` with its code's status from
 * API_ERROR_STATUS; authentication failures also carry `WWW-Authenticate: Bearer ...` (RFC 6750 §3).
 * Any other error is unexpected: logged, and answered with a bare 500 (no stack, no internals).
 */
export type ApiErrorCode = Exclude<keyof typeof API_ERROR_STATUS, "invalid_token" | "insufficient_scope" | "internal_error">;

/** An error a resource route answers on purpose; its status comes from API_ERROR_STATUS. */
export class ApiError extends AppError<ApiErrorCode> {
  readonly status: (typeof API_ERROR_STATUS)[ApiErrorCode];
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For `too_many_requests`: sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = API_ERROR_STATUS[code];
  }
}

const NO_STORE = { "Cache-Control": "no-store" };

/** The one function that turns an error into a resource-API response. */
export function apiErrorResponse(error: unknown): Response {
  if (error instanceof ResourceAccessError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: { ...NO_STORE, "WWW-Authenticate": wwwAuthenticate(error) } },
    );
  }
  if (error instanceof ApiError) {
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers });
  }
  console.error("[api] unexpected error:", error);
  return Response.json({ error: { code: "internal_error", message: "Something went wrong on our side." } }, { status: API_ERROR_STATUS.internal_error, headers: NO_STORE });
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
