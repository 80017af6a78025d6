/**
 * Runs once when the server starts. The Node.js-only work lives in server/startup.ts so that the Edge
 * bundle of this file stays free of Node APIs.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("@/server/startup");
    checkStartup();
    // The OAuth endpoints' public paths go straight to their routes (next.config.ts's rewrite, without its cost).
    const { routeOAuthEndpointsDirectly } = await import("@/server/http/oauth-endpoint-routes.cjs");
    routeOAuthEndpointsDirectly();
    // Before any request: two Authorization headers must reach the handlers as two (and be refused).
    const { joinRepeatedAuthorizationHeaders } = await import("@/server/http/repeated-authorization");
    joinRepeatedAuthorizationHeaders();
    // Requests Next.js would answer with a 500 (a path that does not percent-decode, TRACE, ...) get their 4xx first.
    const { refuseMalformedPaths } = await import("@/server/http/refuse-malformed-paths.cjs");
    refuseMalformedPaths();
    // With no reverse proxy in front (TRUST_PROXY_HOPS=0), the client's address is the socket's.
    const { stampPeerAddresses } = await import("@/server/http/peer-address.cjs");
    stampPeerAddresses();
  }
}
