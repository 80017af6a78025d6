// GET /api/v1/ping — public liveness of the demo API; no session, no database. The benchmarks measure it
// beside a stock Next.js route (bench/baseline-app): the difference is what apiRoute costs.
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";
const GET = apiRoute(() => {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/v1/ping", "api", { GET });
export const config = { api: { bodyParser: false } };
