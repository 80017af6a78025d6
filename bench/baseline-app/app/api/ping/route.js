// The benchmarks' baseline: a stock Next.js route with nothing of Gatehouse in front of it (no proxy, no
// header rules, no instrumentation), answering what /api/v1/ping answers. Whatever a Gatehouse route
// costs beyond this is our overhead.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
