// GET /api/health — for load balancers and uptime checks: 200 when the database answers, else 503.
import { getDb } from "@/server/db";
import { checkDatabase } from "@/server/health/check-database";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => {
  const database = await checkDatabase(getDb());
  const healthy = database.status === "up";
  return Response.json(
    { status: healthy ? "ok" : "unavailable", database },
    { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "api");
