// GET /api/v1/ping — public liveness of the demo API; no session, no database. The benchmarks measure it
// beside a stock Next.js route (bench/baseline-app): the difference is what apiRoute costs.
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";
export const dynamic = "force-dynamic";

export const GET = apiRoute(() => {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "api");
