import { lockIssuingSession } from "./issuing-session";
import { generateOpaqueToken, hashOpaqueToken } from "./opaque-token";
import type { TokenContext } from "./token-context";

export interface AuthorizationCodeRequest {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  /** S256 only (RFC 7636 §4.2); checked at the exchange (see pkce.ts). */
  codeChallenge: string;
  /** The browser session the person approved in: the code is worthless once it ends. */
  issuingSessionId: string;
}

/**
 * Issues an authorization code (RFC 6749 §4.1.2) once the person has approved the request. It is
 * exchanged by the authorization_code grant (grants/authorization-code.ts).
 * @returns the code (only its hash is stored).
 * @throws {IssuingSessionEndedError}
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export async function createAuthorizationCode({ db, config, now }: TokenContext, input: AuthorizationCodeRequest): Promise<string> {
  const code = generateOpaqueToken("authorizationCode");
  await db.$transaction(async (tx) => {
    await lockIssuingSession(tx, input.issuingSessionId);
    await tx.authorizationCode.create({
      data: { ...input, codeHash: hashOpaqueToken(code), expiresAt: new Date(now().getTime() + config.authorizationCodeTtlSeconds * 1000), createdAt: now() },
    });
  });
  return code;
}
