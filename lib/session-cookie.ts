/**
 * The names of Auth.js's session cookie: `__Secure-` prefixed when the app is served over HTTPS.
 * Used only for the proxy's optimistic check; pages and handlers ask the database.
 */
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export function hasSessionCookie(cookies: { has(name: string): boolean }): boolean {
  return SESSION_COOKIE_NAMES.some((name) => cookies.has(name));
}
