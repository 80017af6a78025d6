/**
 * The names of Auth.js's session cookie: `__Secure-` prefixed when the app is served over HTTPS.
 */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/** The session cookie of a request (whichever name it goes by), or `undefined`. */
export function sessionCookieFrom<Cookie extends { name: string; value: string }>(cookies: { get(name: string): Cookie | undefined }): Cookie | undefined {
  return SESSION_COOKIE_NAMES.map((name) => cookies.get(name)).find(Boolean);
}
