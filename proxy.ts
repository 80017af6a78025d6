import { NextResponse, type NextRequest } from "next/server";

import { hasSessionCookie } from "@/lib/session-cookie";

/**
 * Optimistic redirect for protected pages: a visitor with no session cookie at all goes straight to
 * /signin and comes back afterwards. It does not decide who is signed in: a cookie can be stale or
 * forged, so every protected page and handler checks the session again where the data is read.
 *
 * Next 16 runs `proxy.ts` on Node.js (the deprecated `middleware.ts` ran on the Edge runtime), so a
 * later version could read the database session here; this one needs no I/O.
 */
export function proxy(request: NextRequest) {
  if (hasSessionCookie(request.cookies)) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/account/:path*"],
};
