// GET /api/v1/me — the person calling, from their browser session or a Bearer token with the `profile`
// scope (a client's own token has no person: 403).
import type { NextRequest } from "next/server";

import { authenticate } from "@/server/auth/authenticate";
import { requireUserId } from "@/server/auth/require-user";
import { getProfile } from "@/server/account/get-profile";
import { apiErrorResponse } from "@/server/http/api-error";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request: NextRequest) => {
  try {
    const principal = await authenticate(request, { scopes: ["profile"] });
    const user = await getProfile(requireUserId(principal));
    return Response.json({ user }, { headers: { "Cache-Control": "private, no-store" } });
  } catch (error) {
    return apiErrorResponse(error);
  }
});
