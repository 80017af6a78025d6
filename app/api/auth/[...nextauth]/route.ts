// /api/auth/* — Auth.js: sign-in, OAuth/OIDC callbacks, sign-out, session, CSRF token.
import type { NextRequest } from "next/server";

import { handlers } from "@/auth";
import { getEnv } from "@/server/env";
import { clientIpFrom } from "@/server/http/client-ip";
import { runWithRequestContext } from "@/server/http/request-context";

type Handler = (request: NextRequest) => Promise<Response>;

// Auth.js creates the session deep inside its callback handler; the request context lets our adapter
// record the client's user agent and IP on it.
function withRequestContext(handler: Handler): Handler {
  return (request) =>
    runWithRequestContext(
      { userAgent: request.headers.get("user-agent"), ip: clientIpFrom(request.headers, getEnv().trustProxy) },
      () => handler(request),
    );
}

export const GET = withRequestContext(handlers.GET);
export const POST = withRequestContext(handlers.POST);
