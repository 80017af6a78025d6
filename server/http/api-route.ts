import "server-only";

import type { NextRequest } from "next/server";

import { isForgedRequest } from "@/lib/cross-site-request";
import { jsonSecurityHeaders } from "@/lib/security-headers";
import { getEnv } from "@/server/env";

import { ApiError, apiErrorResponse } from "./api-error";

/** The answer to a forged request, from the proxy (pages) and from apiRoute (route handlers) alike. */
export function crossSiteRefusal(): Response {
  return apiErrorResponse(new ApiError("cross_site_request", "This request did not come from this site, so it was refused."));
}

type RouteHandler<Context> = (request: NextRequest, context: Context) => Response | Promise<Response>;

/**
 * Every route handler but Auth.js's is wrapped in this (the API, the OAuth endpoints programs call,
 * /.well-known/*). The proxy does not run in front of them (see proxy.ts's matcher), so what it did
 * for them is done here, paying only for what the request needs:
 *
 * 1. CSRF, for a state-changing request a cookie could authenticate: the same decision as the proxy's
 *    (`isForgedRequest`). A GET leaves at its first line.
 * 2. The headers JSON needs (`jsonSecurityHeaders`: next.config.ts's header rule leaves these routes
 *    out), and `Cache-Control: no-store` when the route set no policy of its own (nothing here is meant
 *    for a shared cache unless the route says so).
 * 3. An error its handler did not catch is answered as the API's 500 (logged, no internals), with
 *    these headers, rather than as Next.js's bare one.
 *
 * tests/proxy-scope.test.ts fails for a route handler outside both this wrapper and the proxy.
 */
export function apiRoute<Context = unknown>(handler: RouteHandler<Context>): RouteHandler<Context> {
  return async (request, context) => {
    const env = getEnv();
    let response: Response;
    try {
      response = isForgedRequest(request, env.authUrl)
        ? crossSiteRefusal()
        : await handler(request, context);
    } catch (error) {
      // Handlers answer their own errors in their boundary's shape; this is for what none expected.
      response = apiErrorResponse(error);
    }
    return withJsonHeaders(response, env.isProduction ? PRODUCTION_HEADERS : DEVELOPMENT_HEADERS);
  };
}

/** The answer to an error no handler saw (the request could not even be built), with these headers. */
export function unhandledErrorResponse(errorResponse: Response): Response {
  return withJsonHeaders(errorResponse, getEnv().isProduction ? PRODUCTION_HEADERS : DEVELOPMENT_HEADERS);
}

const PRODUCTION_HEADERS = jsonSecurityHeaders({ production: true });
const DEVELOPMENT_HEADERS = jsonSecurityHeaders({ production: false });

function withJsonHeaders(response: Response, headers: typeof PRODUCTION_HEADERS): Response {
  try {
    for (const [name, value] of headers) response.headers.set(name, value);
  } catch {
    // A Response.redirect() or a fetched one has immutable headers: answer with a copy.
    return withJsonHeaders(new Response(response.body, response), headers);
  }
  if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
  return response;
}
