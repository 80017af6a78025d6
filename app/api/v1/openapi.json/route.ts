// GET /api/v1/openapi.json — the demo API's OpenAPI 3.1 description; public, cacheable for five minutes.
import { openApiDocument } from "@/lib/openapi";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(() => {
  return Response.json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
});
