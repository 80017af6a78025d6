// GET /api/cron/prune — housekeeping, for Vercel Cron (vercel.json) or any scheduler: deletes what can
// no longer be used. Only with `Authorization: Bearer <CRON_SECRET>`; 404 when CRON_SECRET is unset.
import { timingSafeEqual } from "node:crypto";

import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { apiErrorResponse } from "@/server/http/api-error";
import { pruneExpired } from "@/server/maintenance/prune-expired";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const { cronSecret, sessionLifetimes } = getEnv();
  if (!cronSecret) return Response.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
  if (!bearerMatches(request.headers.get("authorization"), cronSecret)) {
    return Response.json({ error: { code: "unauthenticated", message: "This route needs the cron secret." } }, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="cron"' } });
  }
  try {
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
