import { NextResponse, type NextRequest } from "next/server";

import { isForgedRequest } from "@/lib/cross-site-request";
import { signInUrlReturningTo } from "@/lib/safe-redirect";
import { isActionArguments, isDecodableActionForm, isFetchAction, isMultipartBody, isPossibleServerAction, originMatchesHost } from "@/lib/server-action-request";
import { contentSecurityPolicy } from "@/lib/security-headers";
import { HTTPS_SESSION_COOKIE, isHttpsRequest, LEGACY_SESSION_COOKIE, sessionCookieFrom, sessionCookieName, sessionCookieOptions } from "@/lib/session-cookie";
import { getEnv } from "@/server/env";
import { ApiError, apiErrorResponse } from "@/server/http/api-error";
import { crossSiteRefusal } from "@/server/http/api-route";
import { readActionMultipart } from "@/server/http/action-multipart";
import { readBodyAtMost } from "@/server/http/read-body";
import { clientIpFrom, rateLimitBucket } from "@/server/http/client-ip";
import { isSignInAttempt } from "@/server/rate-limit/sign-in-limiter";
import { getServices } from "@/server/services";

/**
 * Runs in front of the pages (and Auth.js's /api/auth/*), never in front of the other route handlers:
 * the API, the OAuth endpoints programs call and /.well-known/* do their CSRF check and set their
 * headers in `apiRoute` (server/http/api-route.ts), so a Bearer API call pays for no proxy at all. Four
 * jobs, cheapest first:
 *
 * 1. CSRF: a state-changing request that does not come from our own origin is refused with 403, unless
 *    no cookie can authenticate it (`isForgedRequest`, the same decision `apiRoute` makes). A POST that
 *    Next.js would take for a server action but answer with a 500 is refused with its 4xx here too.
 *    A page, like Auth.js's routes, is only read (GET, HEAD) or sent a form or an action (POST): other
 *    methods get 405 (Next.js rendered the page for a PUT or a DELETE, and Auth.js's routes answered an
 *    empty 405), OPTIONS a 204 naming the three.
 * 2. Sign-in attempts are rate-limited per client IP (429 with Retry-After): the socket's address with no
 *    proxy in front (server/http/peer-address.cjs), else the one the trusted proxies report.
 * 3. A per-request CSP nonce, so only our own scripts run.
 * 4. /account/**, /admin/**, /playground and /device need a live session: the cookie's token is resolved
 *    by the session service (Redis, then PostgreSQL), so a revoked session is turned away on its very next
 *    request, in a form it can follow (`signInRedirect`). Pages and handlers check again where they read
 *    data (defence in depth).
 *
 * Auth.js's routes stay behind it: its sign-in endpoints are rate-limited here, and a session still
 * under its pre-`__Host-` cookie name must be renamed before Auth.js (sign-out) reads the request.
 *
 * Next 16 runs `proxy.ts` on Node.js (the deprecated `middleware.ts` ran on the Edge runtime, with no TCP
 * sockets for PostgreSQL or Redis). On Vercel it runs as a Node.js function in front of the routes.
 */
const PROTECTED_PREFIXES = ["/account", "/admin", "/playground", "/device"];
/** What a page answers: a read, or a form or action sent to it; Auth.js's routes take the same two. */
const PAGE_METHODS = ["GET", "HEAD", "POST"];

function methodRefusal(method: string): Response {
  const allow = { Allow: PAGE_METHODS.join(", ") };
  if (method === "OPTIONS") return new Response(null, { status: 204, headers: allow });
  const response = apiErrorResponse(new ApiError("method_not_allowed", `A page answers ${PAGE_METHODS.join(", ")} only.`));
  response.headers.set("Allow", allow.Allow);
  return response;
}

/** Next.js's default `serverActions.bodySizeLimit` ("1mb"), which next.config.ts leaves as it is. */
const SERVER_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

export async function proxy(request: NextRequest) {
  const env = getEnv();
  const https = isHttpsRequest(env.authUrl, request);
  const cookie = sessionCookieFrom(request.cookies, https);
  const { pathname } = request.nextUrl;
  if (isForgedRequest(request, env.authUrl)) {
    return crossSiteRefusal();
  }
  if (!PAGE_METHODS.includes(request.method)) {
    return methodRefusal(request.method);
  }
  if (isPossibleServerAction(request.method, request.headers)) {
    const refusal = await refuseMalformedServerAction(request);
    if (refusal) return refusal;
  }

  const ip = isSignInAttempt(request.method, pathname) ? clientIpFrom(request.headers, env.trustedProxyHops) : null;
  if (ip) {
    const decision = await getServices().signInLimiter.consume(`ip:${rateLimitBucket(ip)}`);
    if (!decision.allowed) {
      return apiErrorResponse(new ApiError("too_many_requests", "Too many sign-in attempts. Please wait and try again.", decision.retryAfterSeconds));
    }
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy({ nonce, development: !env.isProduction });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp); // Next.js reads the nonce from here for its scripts.

  const isProtected = PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
  // Pages resolve the cookie too (to renew it, or move it to its __Host- name); others only where they need it.
  const session = (isProtected || cookie?.legacy) && cookie ? await getServices().sessions.resolve(cookie.value, { legacyCookie: cookie.legacy }) : null;
  if (isProtected && !session) {
    return signInRedirect(request, signInUrlReturningTo(`${pathname}${request.nextUrl.search}`));
  }

  if (session && cookie?.legacy) {
    // Everything after the proxy (Auth.js's sign-out included) reads the cookie by its __Host- name.
    requestHeaders.set("cookie", renameCookie(request.headers.get("cookie") ?? "", LEGACY_SESSION_COOKIE, HTTPS_SESSION_COOKIE));
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (session && cookie && (session.touched || cookie.legacy)) {
    // Sliding renewal, when activity was recorded (at most once a minute): the cookie lives as long as the
    // session could, never past its absolute end. A session still under the old __Secure- name moves to
    // the __Host- name now, and the old cookie goes (prefixed cookies are only replaced with Secure).
    response.cookies.set(sessionCookieName(https), cookie.value, sessionCookieOptions(https, session.expires));
    if (cookie.legacy) response.cookies.set(LEGACY_SESSION_COOKIE, "", sessionCookieOptions(true, new Date(0)));
  }
  return response;
}

/**
 * A POST Next.js would take for a server action but answer with a 500 (lib/server-action-request.ts),
 * refused here with the answer it deserves: another host in `Origin` (403), a body over Next's limit for
 * actions (413), a multipart body that does not parse or arguments React cannot decode (400). Reading a copy of the body costs only these
 * posts (actions, and forms sent before the page's script ran), never a page view. Both limits are Next's
 * defaults (`serverActions.allowedOrigins` unset, `bodySizeLimit` 1 MB): tests/http/server-action-request
 * fails if next.config.ts changes them. The arguments' check admits what React's client encodes for the
 * values our actions take (lib/server-action-request.ts); each action still reads its form through
 * `actionForm`, for arguments of the right kind in the wrong place. The same checks also meet multipart
 * posts to Auth.js's routes, where they refuse only what no browser sends.
 */
async function refuseMalformedServerAction(request: NextRequest): Promise<Response | null> {
  if (!originMatchesHost(request.headers)) return crossSiteRefusal();
  try {
    const body = await readBodyAtMost(request.clone(), SERVER_ACTION_BODY_LIMIT_BYTES, {
      tooLarge: () => new ApiError("payload_too_large", "The request body is larger than a form or an action may send (1 MB)."),
      unreadable: () => new ApiError("invalid_request", "The request body could not be read."),
    });
    const contentType = request.headers.get("content-type") ?? "";
    const fetchAction = isFetchAction(request.method, request.headers);
    const undecodable = () => new ApiError("invalid_request", "The action's arguments are not what this site's pages send.");
    const notMultipart = () => new ApiError("invalid_request", "The form's body is not valid multipart/form-data.");
    if (isMultipartBody(request.headers)) {
      // Read as Next.js reads each: a script-called action with busboy (which reads some bodies otherwise
      // than the Fetch API's parser), a form sent before the page's script ran with the Fetch API's.
      const form = fetchAction
        ? await readActionMultipart(body, contentType)
        : await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData().catch(() => {
            throw notMultipart();
          });
      if (!form || !isDecodableActionForm(form, fetchAction)) throw undecodable();
    } else if (fetchAction && contentType !== "application/x-www-form-urlencoded" && !isActionArguments(new TextDecoder("utf-8", { ignoreBOM: true }).decode(body))) {
      // (ignoreBOM keeps a byte-order mark, on which React's JSON.parse fails: so must this check.)
      // (Next.js answers a urlencoded action 404 before reading it.)
      throw undecodable();
    }
  } catch (error) {
    return apiErrorResponse(error);
  }
  return null;
}

/**
 * Sends someone without a live session to sign in, in the form each kind of request can follow:
 * - a server action called by the page's JavaScript (`fetch` with a `Next-Action` header, such as the
 *   playground's "Start over" after the session ended in another tab): an HTTP redirect would be followed
 *   by `fetch` itself, re-posting the action to /signin and handing the page HTML it cannot read. Next's
 *   client reads a redirect from `X-Action-Redirect` (what Next's own action handler sends for
 *   `redirect()`), with 200 and an empty body, and loads the sign-in page;
 * - any other method (a form sent without JavaScript is a POST): 303, so the browser follows with a GET
 *   (a 307 would re-post the form to /signin);
 * - GET and HEAD: 307, as NextResponse.redirect does.
 */
function signInRedirect(request: NextRequest, signInPath: string): Response {
  if (isFetchAction(request.method, request.headers)) {
    return new Response(null, { status: 200, headers: { "X-Action-Redirect": `${signInPath};push`, "Content-Type": "text/plain", "Cache-Control": "no-store" } });
  }
  const safeMethod = request.method === "GET" || request.method === "HEAD";
  return NextResponse.redirect(new URL(signInPath, request.url), safeMethod ? 307 : 303);
}

/** A Cookie header with the cookie `from` renamed `to` (any cookie already named `to` dropped). */
function renameCookie(header: string, from: string, to: string): string {
  return header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "" && !pair.startsWith(`${to}=`))
    .map((pair) => (pair.startsWith(`${from}=`) ? `${to}=${pair.slice(from.length + 1)}` : pair))
    .join("; ");
}

/**
 * Everything but exactly what needs no proxy, each alternative anchored (an unanchored prefix once let
 * `/favicon-ico` and `/_next/imagex` skip the CSRF check and the CSP):
 * - the build's assets under `/_next/static/` and the image optimiser at exactly `/_next/image`;
 * - route handlers, which guard themselves (`apiRoute`): everything under `/api/` but `/api/auth/`
 *   (unknown API paths have a JSON 404 route of their own, so no page is ever under /api/), the three
 *   OAuth endpoints for programs, and the two /.well-known documents, by exact path.
 * Any other spelling (`/oauth/token/x`, `/.well-known/other`, `/api`) is a page and gets the proxy.
 * There is no favicon file, so `/favicon.ico` is a page like any other. lib/proxy-scope.ts holds the
 * same pattern for the tests (Next reads this one from the source, so it must be a literal);
 * tests/proxy-scope.test.ts keeps the two equal and checks every page and route against it.
 */
export const config = {
  matcher: [{ source: "/((?!_next/static/|_next/image$|api/(?!auth/)|oauth/(?:token|introspect|revoke|device_authorization)$|\\.well-known/(?:jwks\\.json|oauth-authorization-server)$).*)" }],
};
