// The same answer as app/api/ping/route.js from a Pages Router API route, stock: Next.js alone for the
// kind of route Gatehouse serves its API and OAuth endpoints from (server/http/pages-api-route.ts), so
// the benchmark can show what we add above the very pipeline we use, beside the App Router baseline.
export default function handler(request, response) {
  response.setHeader("Cache-Control", "no-store");
  response.status(200).json({ ok: true });
}
