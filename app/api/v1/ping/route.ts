// GET /api/v1/ping — public liveness of the demo API; no session, no database. The benchmarks measure it
// beside a stock Next.js route (bench/baseline-app): the difference is what apiRoute costs.
import { apiRoute } from "@/server/http/api-route";
export const dynamic = "force-dynamic";

export const GET = apiRoute(() => {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
});
