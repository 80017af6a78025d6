import { ResourceAccessError, type Principal } from "./principal";

/**
 * The person a principal acts for. A client-credentials token acts for the client itself and has no
 * person, hence no notes: refused with 403 (the credential is valid, so not 401; no scope would help, but
 * RFC 6750's `insufficient_scope` is the closest code a Bearer client understands).
 */
export function requireUserId(principal: Principal): string {
  if (principal.kind === "client-token") {
    throw new ResourceAccessError("insufficient_scope", "This endpoint acts for a person; a client's own token has no notes.");
  }
  return principal.userId;
}
