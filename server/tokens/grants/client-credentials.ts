import { z } from "zod";

import type { TokenResponse } from "@/lib/token-response";

import { scopesWithinClient, type OAuthClient } from "../clients";
import { OAuthError } from "../errors";
import { mintAccessToken } from "../mint";
import type { TokenContext } from "../token-context";
import { assertClientMayUse, defineGrant } from "./grant";
import { scopeParameterSchema } from "./scope-parameter";

/** The client_credentials grant's parameters (RFC 6749 §4.4.2). */
export const clientCredentialsGrantSchema = z.object({
  grant_type: z.literal("client_credentials"),
  scope: scopeParameterSchema.optional(),
});

export const clientCredentialsGrant = defineGrant({
  grantType: "client_credentials",
  schema: clientCredentialsGrantSchema,
  handle: (context, client, params) => issueClientToken(context, client, { scopes: params.scope }),
});

/**
 * The client credentials grant (RFC 6749 §4.4): a service's own access token, for itself and no person.
 * `sub` and `client_id` are the client (RFC 9068 §2.2) and `gty` says it (access-token.ts), so the API
 * can never take it for a person's. No refresh token (§4.4.3): the client asks again. Nothing is
 * written: the client row comes from its cache, and the token lives only as long as it says.
 *
 * Scopes: a subset of the client's registered ones (`invalid_scope` otherwise); none asked for means
 * all of them (the client's defaults are what it was registered with).
 * @throws {OAuthError}
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export async function issueClientToken(context: TokenContext, client: OAuthClient, input: { scopes?: string[] }): Promise<TokenResponse> {
  assertClientMayUse(client, "client_credentials");
  // RFC 6749 §4.4: confidential clients only (a public one has proved nothing).
  if (client.type !== "confidential") throw new OAuthError("unauthorized_client", "The client credentials grant is for confidential clients.");
  const scopes = scopesWithinClient(client, input.scopes);
  const access = await mintAccessToken(context, client.id, client.id, scopes, { clientToken: true });
  return { access_token: access.token, token_type: "Bearer", expires_in: access.exp - access.iat, scope: access.scope };
}
