import { NextResponse, type NextRequest } from "next/server";

import { isCookieFreeRequest, isCrossSiteRequest } from "@/lib/cross-site-request";
import { signInUrlReturningTo } from "@/lib/safe-redirect";
import { contentSecurityPolicy } from "@/lib/security-headers";
import { sessionCookieFrom } from "@/lib/session-cookie";
import { getEnv } from "@/server/env";
import { clientIpFrom } from "@/server/http/client-ip";
import { getSignInLimiter } from "@/server/rate-limit";
import { isSignInAttempt } from "@/server/rate-limit/sign-in-limiter";
import { getSessionService } from "@/server/sessions";

/**
 * Runs before every route (but static files). Four jobs, cheapest first:
 *
 * 1. CSRF: a state-changing request that does not come from our own origin is refused with 403, unless
 *    no cookie can authenticate it (OAuth endpoints for programs, API calls with a Bearer token).
 * 2. Sign-in attempts are rate-limited per client IP (429 with Retry-After). Without a trusted proxy the
 *    IP is unknown (Next.js does not expose the socket) and this limit does not apply.
 * 3. A per-request CSP nonce, so only our own scripts run.
 * 4. /account/**, /admin/** and /playground need a live session: the cookie's token is resolved by the session service
 *    (Redis, then PostgreSQL), so a revoked session is turned away on its very next request. Pages and
 *    handlers check again where they read data (defence in depth).
 *
 * Next 16 runs `proxy.ts` on Node.js (the deprecated `middleware.ts` ran on the Edge runtime, with no TCP
 * sockets for PostgreSQL or Redis). On Vercel it runs as a Node.js function in front of the routes.
 */
const PROTECTED_PREFIXES = ["/account", "/admin", "/playground"];

export async function proxy(request: NextRequest) {
  const env = getEnv();
  const cookie = sessionCookieFrom(request.cookies);
  const ourOrigin = env.authUrl ? new URL(env.authUrl).origin : request.nextUrl.origin;
  const { pathname } = request.nextUrl;
  if (
    !isCookieFreeRequest(pathname, request.headers) &&
    isCrossSiteRequest({ method: request.method, headers: request.headers, ourOrigin, hasSessionCookie: Boolean(cookie) })
  ) {
    return Response.json(
      { error: { code: "cross_site_request", message: "This request did not come from this site, so it was refused." } },
      { status: 403 },
    );
  }

  const ip = isSignInAttempt(request.method, pathname) ? clientIpFrom(request.headers, env.trustProxy) : null;
  if (ip) {
    const decision = await getSignInLimiter().consume(`ip:${ip}`);
    if (!decision.allowed) {
      return Response.json(
        { error: { code: "too_many_requests", message: "Too many sign-in attempts. Please wait and try again." } },
        { status: 429, headers: { "Retry-After": String(decision.retryAfterSeconds) } },
      );
    }
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy({ nonce, development: !env.isProduction });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp); // Next.js reads the nonce from here for its scripts.

  const isProtected = PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
  const session = isProtected && cookie ? await getSessionService().resolve(cookie.value) : null;
  if (isProtected && !session) {
    return NextResponse.redirect(new URL(signInUrlReturningTo(`${pathname}${request.nextUrl.search}`), request.url));
  }

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (session?.touched && cookie) {
    // Sliding renewal, when activity was recorded (at most once a minute): the cookie lives as long as the
    // session could, never past its absolute end.
    response.cookies.set(cookie.name, cookie.value, {
      httpOnly: true,
      sameSite: "lax",
      secure: cookie.name.startsWith("__Secure-"),
      path: "/",
      expires: session.expires,
    });
  }
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
