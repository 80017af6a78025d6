// GET /.well-known/oauth-authorization-server — authorization server metadata (RFC 8414 §3), so clients
// discover the endpoints, keys and capabilities instead of hard-coding them.
import { ALL_SCOPES } from "@/lib/scopes";
import { SUPPORTED_GRANT_TYPES } from "@/server/oauth/token-request";
import { getTokenConfig } from "@/server/services";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(() => {
  const { issuer } = getTokenConfig();
  return Response.json(
    {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
      scopes_supported: ALL_SCOPES,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: SUPPORTED_GRANT_TYPES,
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      // RFC 9207: the issuer comes back with the code, so a client talking to several servers cannot be mixed up.
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${issuer}/api/v1/openapi.json`,
    },
    { headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" } },
  );
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "oauth");
