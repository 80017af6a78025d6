import "server-only";

import { pageErrorRedirect } from "@/server/http/page-error";
import { getTokenConfig, getTokenService } from "@/server/services";

import { authorizationResponseUrl, type AuthorizationRequest } from "./authorize-request";

/**
 * The person approved (or the client is first-party): a code for them, and the URL that takes it back
 * to the client with the state and issuer. If the browser session ended while the code was being
 * written, the URL is the page boundary's answer instead (sign in again, then back to `returnTo`).
 */
export async function approveAuthorization(request: AuthorizationRequest, session: { userId: string; sessionId: string }, returnTo: string): Promise<string> {
  let code: string;
  try {
    code = await getTokenService().createAuthorizationCode({
      clientId: request.client.id,
      userId: session.userId,
      issuingSessionId: session.sessionId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
    });
  } catch (error) {
    const signInAgain = pageErrorRedirect(error, returnTo);
    if (signInAgain) return signInAgain;
    throw error;
  }
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
