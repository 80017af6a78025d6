import "server-only";

import type { NextRequest } from "next/server";

import { isScope, type Scope } from "@/lib/scopes";
import { isHttpsRequest, sessionCookieFrom } from "@/lib/session-cookie";
import { getEnv } from "@/server/env";
import { isRepeatedAuthorization } from "@/lib/authorization-header";
import { getServices } from "@/server/services";
import { TokenVerificationError } from "@/server/tokens/errors";

import { InsufficientScopeError, InvalidTokenError, ResourceAccessError, type Principal } from "./principal";

/** What a browser session may do: everything its person may (a cookie is never scoped down). */
const SESSION_SCOPES: readonly Scope[] = ["profile", "notes:read", "notes:write"];

/**
 * The one resolver for API routes: who is calling, with which scopes.
 *
 * - `Authorization: Bearer <access token>` (RFC 6750 §2.1) is verified by the token service (signature,
 *   issuer, audience, type, expiry, then the revocation checks). When the header is present it is the
 *   only credential considered: a bad Bearer token is never rescued by a cookie riding along.
 * - Otherwise the browser session cookie is resolved (apiRoute, which wraps every API route, has
 *   already refused cross-site mutations that carry it: the CSRF check applies to cookie-authenticated
 *   requests only).
 *
 * @throws {InvalidTokenError} no credential, or a bad one (the route answers 401).
 * @throws {InsufficientScopeError} a good credential without every scope in `scopes` (403).
 */
export async function authenticate(request: NextRequest, { scopes = [] }: { scopes?: readonly Scope[] } = {}): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  const principal = authorization !== null ? await principalFromBearer(authorization) : await principalFromSessionCookie(request);
  requireScopes(principal, scopes);
  return principal;
}

/** @throws {InsufficientScopeError} when the principal lacks one of `scopes` (403). */
export function requireScopes(principal: Principal, scopes: readonly Scope[]): void {
  if (!scopes.every((scope) => principal.scopes.includes(scope))) throw new InsufficientScopeError(scopes);
}

async function principalFromBearer(authorization: string): Promise<Principal> {
  if (isRepeatedAuthorization(authorization)) {
    throw new ResourceAccessError("invalid_request", "Send one Authorization header: this request has more than one credential.");
  }
  // RFC 6750 §2.1: the scheme is case-insensitive; the token is b64token characters only.
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trim());
  if (!match) throw new ResourceAccessError("invalid_request", "The Authorization header must be `Bearer <access token>`.");
  try {
    const token = await getServices().tokens.verifyAccessToken(match[1]!);
    const scopes = token.scopes.filter(isScope);
    return token.userId
      ? { kind: "user-token", userId: token.userId, clientId: token.clientId, jti: token.jti, scopes }
      : { kind: "client-token", clientId: token.clientId, jti: token.jti, scopes };
  } catch (error) {
    // Names the check that refused it, for the developer (RFC 6750 §3); the holder knows its token anyway.
    if (error instanceof TokenVerificationError) throw new InvalidTokenError(`The access token was refused (${error.code}).`);
    throw error;
  }
}

async function principalFromSessionCookie(request: NextRequest): Promise<Principal> {
  const cookie = sessionCookieFrom(request.cookies, isHttpsRequest(getEnv().authUrl, request));
  const session = cookie ? await getServices().sessions.resolve(cookie.value, { legacyCookie: cookie.legacy }) : null;
  if (!session) throw new InvalidTokenError("Sign in, or send an access token: Authorization: Bearer <token>.", false);
  return { kind: "session", userId: session.userId, sessionId: session.sessionId, scopes: SESSION_SCOPES };
}
