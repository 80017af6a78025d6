// A second baseline, for the token endpoint: a stock Next.js POST route that reads a small form body and
// answers JSON, nothing more. What a grant costs beyond this is ours; what this costs beyond GET
// /api/ping is what Next.js charges for a POST with a body.
export const dynamic = "force-dynamic";

export async function POST(request) {
  const form = new URLSearchParams(await request.text());
  return Response.json({ ok: true, grant_type: form.get("grant_type") }, { headers: { "Cache-Control": "no-store" } });
}
