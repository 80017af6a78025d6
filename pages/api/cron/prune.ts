// GET /api/cron/prune — housekeeping, for Vercel Cron (vercel.json) or any scheduler: deletes what can
// no longer be used. Only with `Authorization: Bearer <CRON_SECRET>`; 404 when CRON_SECRET is unset.
import { getEnv } from "@/server/env";
import { getServices } from "@/server/services";
import { InvalidTokenError } from "@/server/auth/principal";
import { ApiError, apiErrorResponse } from "@/server/http/api-error";
import { isCronRequest } from "@/server/maintenance/cron-auth";
import { pruneExpired } from "@/server/maintenance/prune-expired";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const GET = apiRoute(async (request: Request) => {
  try {
    const { cronSecret, sessionLifetimes } = getEnv();
    if (!cronSecret) throw new ApiError("not_found", "Not found.");
    if (!isCronRequest(request.headers.get("authorization"), cronSecret)) throw new InvalidTokenError("This route needs the cron secret.");
    return Response.json({ removed: await pruneExpired(getServices().db, sessionLifetimes) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/cron/prune", "api", { GET });
export const config = { api: { bodyParser: false } };
