// GET /api/health — for load balancers and uptime checks: 200 when the database answers, else 503.
import { getDb } from "@/server/db";
import { checkDatabase } from "@/server/health/check-database";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const GET = apiRoute(async () => {
  const database = await checkDatabase(getDb());
  const healthy = database.status === "up";
  return Response.json(
    { status: healthy ? "ok" : "unavailable", database },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/health", "api", { GET });
export const config = { api: { bodyParser: false } };
