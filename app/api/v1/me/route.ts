// GET /api/v1/me — who is calling: the person, from their browser session or a Bearer token with the
// `profile` scope; or a client acting for itself (a client-credentials token, whatever its scopes).
import type { NextRequest } from "next/server";

import { authenticate, requireScopes } from "@/server/auth/authenticate";
import { describeClientCaller } from "@/server/account/describe-client";
import { getProfile } from "@/server/account/get-profile";
import { apiErrorResponse } from "@/server/http/api-error";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request: NextRequest) => {
  try {
    const principal = await authenticate(request);
    const headers = { "Cache-Control": "private, no-store" };
    if (principal.kind === "client-token") return Response.json(await describeClientCaller(principal), { headers });
    requireScopes(principal, ["profile"]);
    return Response.json({ kind: "person", user: await getProfile(principal.userId) }, { headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "api");
