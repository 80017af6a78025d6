// POST /oauth/device_authorization — the device authorization endpoint (RFC 8628 §3.1): a CLI or a TV
// asks for a device code to poll with and a user code for a person to type on /device. The client
// authenticates as at the token endpoint (a public client by its id). Errors per RFC 6749 §5.2.
import { z } from "zod";

import { formatUserCode } from "@/server/tokens/device-authorization";
import { limitRequestsFromClient, readOAuthFormWithinLimits } from "@/server/oauth/oauth-rate-limit";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { apiRoute } from "@/server/http/api-route";
import { withRequestContext } from "@/server/http/with-request-context";
import { getServices, getTokenConfig } from "@/server/services";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { scopeParameterSchema } from "@/server/tokens/grants/scope-parameter";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const deviceAuthorizationSchema = z.object({ scope: scopeParameterSchema.optional() });

const POST = apiRoute(withRequestContext(async (request: Request) => {
  try {
    const form = await readOAuthFormWithinLimits(request);
    const client = await authenticateClient(getServices().clients, clientCredentialsFrom(request.headers.get("authorization"), form));
    await limitRequestsFromClient(client);
    const { scope } = deviceAuthorizationSchema.parse(form);
    const started = await getServices().tokens.startDeviceAuthorization(client, { scopes: scope });
    const userCode = formatUserCode(started.userCode);
    const verificationUri = `${getTokenConfig().issuer}/device`;
    return oauthJson({
      device_code: started.deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${userCode}`,
      expires_in: started.expiresIn,
      interval: started.interval,
    });
  } catch (error) {
    return oauthErrorResponse(error);
  }
}));

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/oauth/device_authorization", "oauth", { POST });
export const config = { api: { bodyParser: false } };
