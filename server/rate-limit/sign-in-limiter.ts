/** The requests that count as a sign-in attempt: starting a flow, or coming back from a provider. */
export function isSignInAttempt(method: string, pathname: string): boolean {
  if (method === "POST") return pathname === "/signin" || pathname.startsWith("/api/auth/signin/");
  return method === "GET" && pathname.startsWith("/api/auth/callback/");
}
