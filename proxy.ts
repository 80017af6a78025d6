import { NextResponse, type NextRequest } from "next/server";

import { SESSION_COOKIE_NAMES } from "@/lib/session-cookie";
import { getSessionService } from "@/server/sessions";

/**
 * Protects /account/** and /admin/** with the real session: the cookie's token is resolved by the
 * session service (Redis, then PostgreSQL), so a revoked session is turned away here on its very next
 * request. Pages and handlers check again where they read data (defence in depth).
 *
 * Next 16 runs `proxy.ts` on Node.js (the deprecated `middleware.ts` ran on the Edge runtime, with no
 * TCP sockets for PostgreSQL or Redis). On Vercel it runs as a Node.js function in front of the matched
 * routes, so it can reach the same database and Redis as the pages.
 */
export async function proxy(request: NextRequest) {
  const cookie = SESSION_COOKIE_NAMES.map((name) => request.cookies.get(name)).find(Boolean);
  const session = cookie ? await getSessionService().resolve(cookie.value) : null;
  if (!session) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    return NextResponse.redirect(signIn);
  }
  // Sliding renewal: the cookie lives as long as the session could, never past its absolute end.
  const response = NextResponse.next();
  response.cookies.set(cookie!.name, cookie!.value, {
    httpOnly: true,
    sameSite: "lax",
    secure: cookie!.name.startsWith("__Secure-"),
    path: "/",
    expires: session.expires,
  });
  return response;
}

export const config = {
  matcher: ["/account/:path*", "/admin/:path*"],
};
