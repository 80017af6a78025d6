import "server-only";

import type { NextRequest } from "next/server";

import { isForgedRequest } from "@/lib/cross-site-request";
import { getEnv } from "@/server/env";

import { ApiError, apiErrorResponse } from "./api-error";

/**
 * The headers a JSON answer needs (OWASP's REST Security cheat sheet), set on every answer of a route
 * handler. A page's CSP and its policies are for documents: here a CSP that allows nothing means an
 * answer opened as a document runs nothing and cannot be framed. HSTS is for the whole host, so the API
 * sends it too (in production: browsers ignore it over plain http).
 */
const JSON_HEADERS: ReadonlyArray<[string, string]> = [
  ["X-Content-Type-Options", "nosniff"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["X-Frame-Options", "DENY"],
  ["Referrer-Policy", "no-referrer"],
];
const HSTS: [string, string] = ["Strict-Transport-Security", "max-age=63072000; includeSubDomains"];

type RouteHandler<Context> = (request: NextRequest, context: Context) => Response | Promise<Response>;

/**
 * Every route handler but Auth.js's is wrapped in this (the API, the OAuth endpoints programs call,
 * /.well-known/*). The proxy does not run in front of them (see proxy.ts's matcher), so what it did
 * for them is done here, paying only for what the request needs:
 *
 * 1. CSRF, for a state-changing request a cookie could authenticate: the same decision as the proxy's
 *    (`isForgedRequest`). A GET leaves at its first line.
 * 2. The JSON headers above (beside next.config.ts's headers for every answer, which these override
 *    where both set one), and `Cache-Control: no-store` when the route set no policy of its own
 *    (nothing here is meant for a shared cache unless the route says so).
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
        ? apiErrorResponse(new ApiError("cross_site_request", "This request did not come from this site, so it was refused."))
        : await handler(request, context);
    } catch (error) {
      // Handlers answer their own errors in their boundary's shape; this is for what none expected.
      response = apiErrorResponse(error);
    }
    return withJsonHeaders(response, env.isProduction);
  };
}

function withJsonHeaders(response: Response, production: boolean): Response {
  // A Response.redirect() or a fetched one has immutable headers: copy it first.
  const mutable = isMutable(response) ? response : new Response(response.body, response);
  const { headers } = mutable;
  for (const [name, value] of JSON_HEADERS) headers.set(name, value);
  if (production) headers.set(...HSTS);
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return mutable;
}

function isMutable(response: Response): boolean {
  try {
    response.headers.set("X-Content-Type-Options", "nosniff");
    return true;
  } catch {
    return false;
  }
}
