// GET /api/health — for load balancers and uptime checks: 200 when the database answers, else 503.
import { getDb } from "@/server/db";
import { checkDatabase } from "@/server/health/check-database";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => {
  const database = await checkDatabase(getDb());
  const healthy = database.status === "up";
  return Response.json(
    { status: healthy ? "ok" : "unavailable", database },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
});
