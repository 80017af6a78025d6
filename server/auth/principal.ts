import type { Scope } from "@/lib/scopes";
import { AppError } from "@/lib/app-error";
import { brandErrorClass } from "@/lib/branded-error";
import { API_ERROR_STATUS } from "@/server/http/api-error-status";

/**
 * Who is calling an API route, as `authenticate()` resolves it: a person through their browser session,
 * a person through a Bearer access token (issued to some client), or a client acting for itself.
 */
export type Principal =
  | { kind: "session"; userId: string; sessionId: string; scopes: readonly Scope[] }
  | { kind: "user-token"; userId: string; clientId: string; jti: string; scopes: readonly Scope[] }
  | { kind: "client-token"; clientId: string; jti: string; scopes: readonly Scope[] };

/**
 * Base of the errors a resource route answers per RFC 6750 §3.1 (400, 401 or 403: the status comes from
 * the resource API's table, API_ERROR_STATUS in server/http/api-error-status.ts).
 */
export class ResourceAccessError extends AppError<"invalid_request" | "invalid_token" | "insufficient_scope"> {
  readonly status: 400 | 401 | 403;
  constructor(
    readonly code: "invalid_request" | "invalid_token" | "insufficient_scope",
    message: string,
    readonly requiredScopes: readonly Scope[] = [],
  ) {
    super(message);
    this.status = API_ERROR_STATUS[code];
    this.name = "ResourceAccessError";
  }
}

/** No credential, or one that is malformed, expired, revoked or not ours: 401. */
export class InvalidTokenError extends ResourceAccessError {
  constructor(message = "The access token is missing, expired, revoked or not valid here.", readonly credentialPresented = true) {
    super("invalid_token", message);
  }
}

/** A valid credential without the scopes the route needs: 403. */
export class InsufficientScopeError extends ResourceAccessError {
  constructor(requiredScopes: readonly Scope[]) {
    super("insufficient_scope", `This request needs the scope ${requiredScopes.join(" ")}.`, requiredScopes);
  }
}
brandErrorClass(ResourceAccessError, "ResourceAccessError");
