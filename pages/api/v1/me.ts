// GET /api/v1/me — who is calling: the person, from their browser session or a Bearer token with the
// `profile` scope; or a client acting for itself (a client-credentials token, whatever its scopes).
import type { NextRequest } from "next/server";

import { authenticate, requireScopes } from "@/server/auth/authenticate";
import { describeClientCaller } from "@/server/account/describe-client";
import { getProfile } from "@/server/account/get-profile";
import { apiErrorResponse } from "@/server/http/api-error";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

const GET = apiRoute(async (request: NextRequest) => {
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

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/v1/me", "api", { GET });
export const config = { api: { bodyParser: false } };
