// GET /api/v1/openapi.json — the demo API's OpenAPI 3.1 description; public, cacheable for five minutes.
import { openApiDocument } from "@/lib/openapi";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
}
