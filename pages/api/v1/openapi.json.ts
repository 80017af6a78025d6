// GET /api/v1/openapi.json — the demo API's OpenAPI 3.1 description; public, cacheable for five minutes.
import { openApiDocument } from "@/lib/openapi";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const GET = apiRoute(() => {
  return Response.json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/v1/openapi.json", "api", { GET });
export const config = { api: { bodyParser: false } };
