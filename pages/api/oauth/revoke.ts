// POST /oauth/revoke — token revocation (RFC 7009). 200 whether or not the token was known or the
// client's: the answer reveals nothing (§2.2). A refresh token takes its whole family with it.
import { withRequestContext } from "@/server/http/with-request-context";
import { limitRequestsFromClient, readOAuthFormWithinLimits } from "@/server/oauth/oauth-rate-limit";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { tokenParameterSchema } from "@/server/oauth/token-request";
import { getServices } from "@/server/services";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const POST = apiRoute(withRequestContext(async (request: Request) => {
  const authorization = request.headers.get("authorization");
  try {
    const form = await readOAuthFormWithinLimits(request);
    const client = await authenticateClient(getServices().clients, clientCredentialsFrom(authorization, form));
    await limitRequestsFromClient(client);
    const { token } = tokenParameterSchema.parse(form);
    await getServices().tokens.revokeToken(client, token);
    return oauthJson({});
  } catch (error) {
    return oauthErrorResponse(error);
  }
}));

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/oauth/revoke", "oauth", { POST });
export const config = { api: { bodyParser: false } };
