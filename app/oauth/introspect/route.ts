// POST /oauth/introspect — token introspection (RFC 7662) for resource servers. Only an authenticated
// confidential client marked `mayIntrospect` may ask (§2.1, §4: otherwise any client could test tokens
// it came across, and learn whose they are); anything expired, revoked, retired or foreign is
// `{ "active": false }`.
import { getDb } from "@/server/db";
import { readOAuthForm } from "@/server/oauth/oauth-form";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { tokenParameterSchema } from "@/server/oauth/token-request";
import { getTokenService } from "@/server/tokens";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const authorization = request.headers.get("authorization");
  try {
    const form = await readOAuthForm(request);
    const client = await authenticateClient(getDb(), clientCredentialsFrom(authorization, form));
    if (client.type !== "confidential" || !client.mayIntrospect) throw new OAuthError("invalid_client", "This client may not introspect tokens.");
    const { token } = tokenParameterSchema.parse(form);
    return oauthJson(await getTokenService().introspect(token));
  } catch (error) {
    return oauthErrorResponse(error, { basicAuthUsed: authorization !== null });
  }
}
