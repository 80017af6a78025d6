/**
 * The route handlers that guard themselves (`apiRoute`: their CSRF check, their JSON headers):
 * everything under `/api/` but Auth.js's `/api/auth/` (unknown API paths have a JSON 404 route of their
 * own, so no page is ever under /api/), the four OAuth endpoints programs call and the two /.well-known
 * documents, by exact path. Any other spelling (`/oauth/token/x`, `/.well-known/other`, `/api`) is a page.
 */
const SELF_GUARDED_API = "api/(?!auth/)";
const SELF_GUARDED_ENDPOINTS = "oauth/(?:token|introspect|revoke|device_authorization)$|\\.well-known/(?:jwks\\.json|oauth-authorization-server)$";

/**
 * Which paths the proxy runs in front of, as one path-to-regexp source: everything but the static
 * assets and the self-guarded route handlers (see proxy.ts's matcher for the why). Next.js reads the
 * proxy's matcher from its source text, so proxy.ts repeats this literal; tests/proxy-scope.test.ts
 * keeps the two equal and checks every page and route handler against it.
 */
export const PROXY_SCOPE_SOURCE = `/((?!_next/static/|_next/image$|${SELF_GUARDED_API}|${SELF_GUARDED_ENDPOINTS}).*)`;

/**
 * Where next.config.ts's security-header rule applies: every answer but the self-guarded route handlers',
 * which set the headers JSON needs themselves (server/http/api-route.ts). Pages, the build's assets and
 * Next.js's own 404 pages keep the rule. (Next.js drops a rule's headers from its own redirects, the
 * trailing-slash one included, whatever the path: a 308 with no body.) The route handlers' 405 and OPTIONS
 * answers come from methodsNotAllowed, through apiRoute, with the JSON headers.
 */
export const HEADER_RULE_SOURCE = `/((?!${SELF_GUARDED_API}|${SELF_GUARDED_ENDPOINTS}).*)`;
