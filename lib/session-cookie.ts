/**
 * The session cookie's names, and which of them a request may be believed to carry.
 *
 * Under HTTPS the cookie is `__Host-authjs.session-token`: a browser accepts a `__Host-` cookie only
 * when it is Secure, has Path=/ and *no Domain*, so no sibling subdomain (`evil.example.com` beside
 * `app.example.com`) can plant one and sign a victim into the attacker's account. The unprefixed name
 * is never read under HTTPS (anyone on a sibling can set it). Sessions that began while the cookie was
 * `__Secure-authjs.session-token` (which a sibling *can* set, with Domain) keep working through that name
 * only if the session itself predates the change, for 14 days after it (`Session.legacyCookieUntil`),
 * and the proxy moves them to the new name on their next page view.
 *
 * Over plain HTTP (development on localhost) cookies cannot be Secure, so the name is unprefixed; note
 * that cookies do not separate ports, so any other server on localhost can set it there.
 * @see https://www.rfc-editor.org/rfc/rfc6265bis-14#section-4.1.3.2 the __Host- prefix
 */
export const HTTPS_SESSION_COOKIE = "__Host-authjs.session-token";
export const HTTP_SESSION_COOKIE = "authjs.session-token";
/** The name Auth.js gave the cookie under HTTPS before: read for sessions that predate `__Host-`. */
export const LEGACY_SESSION_COOKIE = "__Secure-authjs.session-token";

/** Every name the session cookie has had: all are cleared at sign-out. */
export const SESSION_COOKIE_NAMES = [HTTPS_SESSION_COOKIE, LEGACY_SESSION_COOKIE, HTTP_SESSION_COOKIE] as const;

export function sessionCookieName(https: boolean): string {
  return https ? HTTPS_SESSION_COOKIE : HTTP_SESSION_COOKIE;
}

/**
 * Whether the app is reached over HTTPS, as Auth.js decides it (so both agree on the cookie's name):
 * AUTH_URL's scheme when it is set, else the forwarded protocol, else the request URL's.
 */
export function isHttpsRequest(authUrl: string | undefined, request: { url?: string; headers: { get(name: string): string | null } }): boolean {
  if (authUrl) return authUrl.startsWith("https:");
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return request.url?.startsWith("https:") ?? false;
}

export interface SessionCookie {
  name: string;
  value: string;
  /** Read under its pre-`__Host-` name: valid only for a session that predates the change. */
  legacy: boolean;
}

/** The session cookie a request may be believed to carry, or `undefined`. */
export function sessionCookieFrom(cookies: { get(name: string): { name: string; value: string } | undefined }, https: boolean): SessionCookie | undefined {
  if (!https) {
    const cookie = cookies.get(HTTP_SESSION_COOKIE);
    return cookie && { name: cookie.name, value: cookie.value, legacy: false };
  }
  const current = cookies.get(HTTPS_SESSION_COOKIE);
  if (current) return { name: current.name, value: current.value, legacy: false };
  const legacy = cookies.get(LEGACY_SESSION_COOKIE);
  return legacy && { name: legacy.name, value: legacy.value, legacy: true };
}

/** Set-Cookie options for the session cookie: HttpOnly, SameSite=Lax, Path=/, never a Domain; Secure under HTTPS. */
export function sessionCookieOptions(https: boolean, expires: Date) {
  return { httpOnly: true, sameSite: "lax" as const, secure: https, path: "/", expires };
}
