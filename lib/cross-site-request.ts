import { isHttpsRequest, sessionCookieFrom } from "./session-cookie";

/**
 * CSRF defence for everything a cookie authenticates: a state-changing request (any method but GET,
 * HEAD, OPTIONS) must show that it comes from our own origin.
 *
 * - `Origin`, when present, must be our origin. Browsers send it on every cross-origin POST.
 * - `Sec-Fetch-Site`, when present, must be `same-origin` (or `none`: typed by the user). Note that
 *   another port on localhost is *same-site*, and SameSite=Lax cookies travel there: only the origin
 *   check stops it.
 * - A request that carries the session cookie but neither header is refused: every current browser
 *   sends at least one, so such a request is not a browser form the person submitted.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isCrossSiteRequest(input: { method: string; headers: Headers; ourOrigin: string; hasSessionCookie: boolean }): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  const origin = input.headers.get("origin");
  const fetchSite = input.headers.get("sec-fetch-site");
  if (origin !== null && origin !== input.ourOrigin) return true;
  if (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none") return true;
  return origin === null && fetchSite === null && input.hasSessionCookie;
}

/**
 * Requests a session cookie cannot authenticate, so CSRF cannot touch them: the OAuth endpoints that
 * programs call (they read only the form and the client's credentials), and API calls carrying an
 * `Authorization: Bearer` header (the API resolver then ignores any cookie; a cross-site page cannot add
 * that header without a CORS preflight we never approve).
 */
const COOKIE_FREE_PATHS = new Set(["/oauth/token", "/oauth/revoke", "/oauth/introspect", "/oauth/device_authorization"]);

export function isCookieFreeRequest(pathname: string, headers: Headers): boolean {
  if (COOKIE_FREE_PATHS.has(pathname)) return true;
  // Bearer only: a browser attaches cached HTTP Basic credentials to cross-site requests by itself.
  return pathname.startsWith("/api/v1/") && /^Bearer /i.test(headers.get("authorization") ?? "");
}

/** What the CSRF decision reads of a request (a NextRequest has it). */
export interface CsrfCheckedRequest {
  method: string;
  headers: Headers;
  cookies: { get(name: string): { name: string; value: string } | undefined };
  nextUrl: { pathname: string; origin: string };
}

/**
 * The one CSRF decision, made by the proxy for pages and by `apiRoute` for route handlers: refuse a
 * state-changing request from another origin unless no cookie can authenticate it. Safe methods leave
 * at the first line, so a GET pays nothing.
 * @param authUrl AUTH_URL, when set: our origin (else the request's own), and whether we are on HTTPS.
 */
export function isForgedRequest(request: CsrfCheckedRequest, authUrl: string | undefined): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  if (isCookieFreeRequest(request.nextUrl.pathname, request.headers)) return false;
  const ourOrigin = authUrl ? new URL(authUrl).origin : request.nextUrl.origin;
  const hasSessionCookie = sessionCookieFrom(request.cookies, isHttpsRequest(authUrl, { headers: request.headers, url: request.nextUrl.origin })) !== undefined;
  return isCrossSiteRequest({ method: request.method, headers: request.headers, ourOrigin, hasSessionCookie });
}
