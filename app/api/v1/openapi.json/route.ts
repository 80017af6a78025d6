// GET /api/v1/openapi.json — the demo API's OpenAPI 3.1 description; public, cacheable for five minutes.
import { openApiDocument } from "@/lib/openapi";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(() => {
  return Response.json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "api");
