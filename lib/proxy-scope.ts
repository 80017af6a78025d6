/**
 * Which paths the proxy runs in front of, as one path-to-regexp source: everything but the static
 * assets and the route handlers that guard themselves (see proxy.ts's matcher for the why). Next.js
 * reads the proxy's matcher from its source text, so proxy.ts repeats this literal;
 * tests/proxy-scope.test.ts keeps the two equal and checks every page and route handler against it.
 */
export const PROXY_SCOPE_SOURCE =
  "/((?!_next/static/|_next/image$|api/(?!auth/)|oauth/(?:token|introspect|revoke|device_authorization)$|\\.well-known/(?:jwks\\.json|oauth-authorization-server)$).*)";
