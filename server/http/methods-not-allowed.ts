import type { NextRequest } from "next/server";

import { oauthJson } from "@/server/oauth/oauth-response";

import { ApiError, apiErrorResponse } from "./api-error";
import { apiRoute } from "./api-route";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: NextRequest, context: unknown) => Response | Promise<Response>;

/**
 * Route handlers for the methods a route does not serve, and its OPTIONS. Next.js answers those itself
 * with an empty 405 and no `Allow` (which RFC 9110 §15.5.6 requires); these answer 405 with `Allow` and
 * the error body of the route's boundary: the API's `{ error: { code, message } }`, or RFC 6749 §5.2's for
 * the OAuth endpoints and their metadata. OPTIONS answers 204 with the same `Allow` (Next.js's own would
 * list every method the route exports, these refusals included). Through apiRoute, so they carry the same
 * headers as every other answer.
 *
 *   export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"], "api");
 */
export function methodsNotAllowed(served: readonly Method[], boundary: "api" | "oauth"): Record<Method | "OPTIONS", Handler> {
  const allow = [...served, ...(served.includes("GET") && !served.includes("HEAD") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const message = `This endpoint answers ${allow} only.`;
  const refuse = apiRoute(() => {
    const response =
      boundary === "api"
        ? apiErrorResponse(new ApiError("method_not_allowed", message))
        : oauthJson({ error: "invalid_request", error_description: message }, 405);
    response.headers.set("Allow", allow);
    return response;
  });
  const options = apiRoute(() => new Response(null, { status: 204, headers: { Allow: allow } }));
  return { ...(Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<Method, Handler>), OPTIONS: options };
}
