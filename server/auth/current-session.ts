import "server-only";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";

import { signInUrlReturningTo } from "@/lib/safe-redirect";
import { isHttpsRequest, sessionCookieFrom, type SessionCookie } from "@/lib/session-cookie";
import { getEnv } from "@/server/env";
import { getSessionService } from "@/server/services";

/**
 * The signed-in session of this request, or `null`: the cookie's token resolved by the session service
 * (Redis, then PostgreSQL). Cached per request, so a layout and its page cost one lookup. Hot paths use
 * this instead of Auth.js's `auth()`, which is kept for the sign-in and sign-out flows.
 */
export const getCurrentSession = cache(async () => {
  const cookie = await requestSessionCookie();
  return cookie ? getSessionService().resolve(cookie.value, { legacyCookie: cookie.legacy }) : null;
});

/** The session cookie this request may be believed to carry (by its name under HTTP or HTTPS), in pages and actions. */
export async function requestSessionCookie(): Promise<SessionCookie | undefined> {
  // Request data first: reading it is what makes a page dynamic, so a prerender stops here, before the
  // environment (which `next build` does not have) is read.
  const [requestHeaders, requestCookies] = await Promise.all([headers(), cookies()]);
  return sessionCookieFrom(requestCookies, isHttpsRequest(getEnv().authUrl, { headers: requestHeaders }));
}

/** The session, or a redirect to /signin that comes back to `returnTo` afterwards. */
export async function requireSession(returnTo: string) {
  const session = await getCurrentSession();
  if (!session) redirect(signInUrlReturningTo(returnTo));
  return session;
}
