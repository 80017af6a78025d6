// GET /api/cron/prune — housekeeping, for Vercel Cron (vercel.json) or any scheduler: deletes what can
// no longer be used. Only with `Authorization: Bearer <CRON_SECRET>`; 404 when CRON_SECRET is unset.
import { timingSafeEqual } from "node:crypto";

import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { InvalidTokenError } from "@/server/auth/principal";
import { ApiError, apiErrorResponse } from "@/server/http/api-error";
import { pruneExpired } from "@/server/maintenance/prune-expired";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const { cronSecret, sessionLifetimes } = getEnv();
    if (!cronSecret) throw new ApiError("not_found", "Not found.");
    if (!bearerMatches(request.headers.get("authorization"), cronSecret)) throw new InvalidTokenError("This route needs the cron secret.");
    return Response.json({ removed: await pruneExpired(getDb(), sessionLifetimes) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return apiErrorResponse(error);
  }
}

function bearerMatches(authorization: string | null, secret: string): boolean {
  const presented = Buffer.from(authorization ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
