import type { z } from "zod";

import type { TokenResponse } from "@/lib/token-response";

import type { OAuthClient } from "../clients";
import { OAuthError } from "../errors";
import type { TokenContext } from "../token-context";

/**
 * One grant type of the token endpoint (RFC 6749 §3.2, §4): the schema of its parameters and the
 * handler that issues the tokens. The endpoint looks the grant up by `grant_type` (grants/index.ts),
 * authenticates the client, parses the form with `schema` and calls `handle` with what it returned.
 */
export interface TokenGrant<Params = unknown> {
  /** Its registered name (RFC 6749 §4; the `grant_type` value, and what a client's `grantTypes` lists). */
  readonly grantType: string;
  /**
   * The grant's own parameters (client credentials are read separately, server/tokens/clients.ts). A
   * failure answers `invalid_request`, or the error an issue names in `params.oauthError` (see
   * server/oauth/oauth-response.ts).
   */
  readonly schema: z.ZodType<Params>;
  /**
   * Issues the tokens for an authenticated client. The service has already refused, with
   * `unauthorized_client`, a client not registered for `grantType` (`assertClientMayUse`), so no grant
   * can forget to; the handlers check again for their direct callers.
   * @throws {OAuthError}
   */
  handle(context: TokenContext, client: OAuthClient, params: Params): Promise<TokenResponse>;
}

/** A grant whose handler is typed by what its schema returns. */
export function defineGrant<Params>(grant: TokenGrant<Params>): TokenGrant<Params> {
  return grant;
}

/**
 * RFC 6749 §5.2 `unauthorized_client`: the client is authenticated but not registered for this grant.
 * @throws {OAuthError}
 */
export function assertClientMayUse(client: OAuthClient, grantType: string): void {
  if (!client.grantTypes.includes(grantType)) throw new OAuthError("unauthorized_client", `This client may not use the ${grantType} grant.`);
}

export function invalidGrant(description: string): OAuthError {
  return new OAuthError("invalid_grant", description);
}
