// GET /.well-known/jwks.json — RFC 7517 §5: the public keys that verify our access tokens. A rotated key
// appears here 10 minutes before it signs, and a retired one stays until every token it signed has expired,
// so caching this for 5 minutes (as verifiers do) never hides a key in use.
import { apiErrorResponse } from "@/server/http/api-error";
import { getServices } from "@/server/services";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => {
  try {
    const keys = getServices().signingKeys;
    // Makes the first key if there is none yet, so a verifier never caches an empty set and then meets
    // a token signed by a key it has not seen.
    await keys.currentSigningKey();
    const jwks = await keys.publishedJwks();
    // Public data: any origin may fetch it (browser-side verifiers, like the playground's, elsewhere).
    return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300, stale-while-revalidate=60", "Access-Control-Allow-Origin": "*" } });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "oauth");
