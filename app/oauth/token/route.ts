// POST /oauth/token — the token endpoint (RFC 6749 §3.2): authorization_code (with PKCE, RFC 7636) and
// refresh_token (with rotation and reuse detection). Errors per RFC 6749 §5.2.
import { readOAuthForm } from "@/server/oauth/oauth-form";
import { oauthErrorResponse, oauthJson } from "@/server/oauth/oauth-response";
import { SUPPORTED_GRANT_TYPES, tokenRequestSchema } from "@/server/oauth/token-request";
import { withRequestContext } from "@/server/http/with-request-context";
import { getDb } from "@/server/db";
import { getTokenService } from "@/server/tokens";
import { authenticateClient, clientCredentialsFrom } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";

export const dynamic = "force-dynamic";

export const POST = withRequestContext(async (request: Request) => {
  const authorization = request.headers.get("authorization");
  try {
    const form = await readOAuthForm(request);
    if (!form.grant_type) throw new OAuthError("invalid_request", "grant_type is required.");
    if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(form.grant_type)) {
      throw new OAuthError("unsupported_grant_type", "Supported grant types: authorization_code, refresh_token.");
    }
    const client = await authenticateClient(getDb(), clientCredentialsFrom(authorization, form));
    const grant = tokenRequestSchema.parse(form);
    const tokens = getTokenService();
    const response =
      grant.grant_type === "authorization_code"
        ? await tokens.exchangeAuthorizationCode(client, { code: grant.code, redirectUri: grant.redirect_uri, codeVerifier: grant.code_verifier })
        : await tokens.refresh(client, { refreshToken: grant.refresh_token, scopes: grant.scope });
    return oauthJson(response);
  } catch (error) {
    return oauthErrorResponse(error, { basicAuthUsed: authorization !== null });
  }
});
