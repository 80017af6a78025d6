// POST /oauth/token — the token endpoint (RFC 6749 §3.2). Each grant_type is a module of
// server/tokens/grants/, registered in its index: authorization_code (with PKCE, RFC 7636), refresh_token
// (with rotation and reuse detection), client_credentials (a service's own token) and the device grant
// (RFC 8628). Errors per RFC 6749 §5.2 and RFC 8628 §3.5; rate limits per IP and per client.
import { isPolling, limitRequestsFromClient, readOAuthFormWithinLimits } from "@/server/oauth/oauth-rate-limit";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { withRequestContext } from "@/server/http/with-request-context";
import { getServices } from "@/server/services";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";
import { findGrant, SUPPORTED_GRANT_TYPES } from "@/server/tokens/grants";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const POST = apiRoute(withRequestContext(async (request: Request) => {
  const authorization = request.headers.get("authorization");
  try {
    const form = await readOAuthFormWithinLimits(request);
    if (!form.grant_type) throw new OAuthError("invalid_request", "grant_type is required.");
    const grant = findGrant(form.grant_type);
    if (!grant) throw new OAuthError("unsupported_grant_type", `Supported grant types: ${SUPPORTED_GRANT_TYPES.join(", ")}.`);
    const client = await authenticateClient(getServices().clients, clientCredentialsFrom(authorization, form));
    await limitRequestsFromClient(client, isPolling(form));
    const params = grant.schema.parse(form);
    return oauthJson(await getServices().tokens.handleGrant(grant, client, params));
  } catch (error) {
    return oauthErrorResponse(error);
  }
}));

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/oauth/token", "oauth", { POST });
export const config = { api: { bodyParser: false } };
