// GET /.well-known/jwks.json — RFC 7517 §5: the public keys that verify our access tokens. A rotated key
// appears here 10 minutes before it signs, and a retired one stays until every token it signed has expired,
// so caching this for 5 minutes (as verifiers do) never hides a key in use.
import { apiErrorResponse } from "@/server/http/api-error";
import { getSigningKeyStore } from "@/server/tokens/signing-key-store";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const jwks = await getSigningKeyStore().publishedJwks();
    return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300, stale-while-revalidate=60" } });
  } catch (error) {
    return apiErrorResponse(error);
  }
}
