import "server-only";

import { getTokenConfig, getTokenService } from "@/server/services";

import { authorizationResponseUrl, type AuthorizationRequest } from "./authorize-request";

/**
 * The person approved (or the client is first-party): a code for them, and the URL that takes it back
 * to the client with the state and issuer.
 */
export async function approveAuthorization(request: AuthorizationRequest, session: { userId: string; sessionId: string }): Promise<string> {
  const code = await getTokenService().createAuthorizationCode({
    clientId: request.client.id,
    userId: session.userId,
    issuingSessionId: session.sessionId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
  });
  return authorizationResponseUrl(request.redirectUri, getTokenConfig().issuer, { code, state: request.state });
}

/** The person declined: `access_denied` goes back to the client (RFC 6749 §4.1.2.1). */
export function denyAuthorization(request: AuthorizationRequest): string {
  return authorizationResponseUrl(request.redirectUri, getTokenConfig().issuer, {
    error: "access_denied",
    error_description: "The person declined.",
    state: request.state,
  });
}
