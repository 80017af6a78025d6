// POST /oauth/introspect — token introspection (RFC 7662). Only an authenticated confidential client may
// ask (§2.1; a public one is refused with invalid_client): about its own tokens, or about any token if it
// is a resource server marked `mayIntrospect` (§4). Anything expired, revoked, retired, foreign or
// another client's (to a client without the permission) is `{ "active": false }`.
import { limitRequestsFromClient, readOAuthFormWithinLimits } from "@/server/oauth/oauth-rate-limit";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { tokenParameterSchema } from "@/server/oauth/token-request";
import { getServices } from "@/server/services";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const POST = apiRoute(async (request: Request) => {
  const authorization = request.headers.get("authorization");
  try {
    const form = await readOAuthFormWithinLimits(request);
    const client = await authenticateClient(getServices().clients, clientCredentialsFrom(authorization, form));
    await limitRequestsFromClient(client);
    const { tokens } = getServices();
    tokens.assertMayIntrospect(client); // before the request is looked at, as the RFC's §2.1 reads
    const { token } = tokenParameterSchema.parse(form);
    return oauthJson(await tokens.introspect(client, token));
  } catch (error) {
    return oauthErrorResponse(error);
  }
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/oauth/introspect", "oauth", { POST });
export const config = { api: { bodyParser: false } };
