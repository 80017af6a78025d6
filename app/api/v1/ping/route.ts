// GET /api/v1/ping — public liveness of the demo API; no session, no database. The benchmark's baseline.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
