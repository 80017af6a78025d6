import "server-only";

import { getEnv } from "@/server/env";

import { clientIpFrom } from "./client-ip";
import { runWithRequestContext } from "./request-context";

type Handler<R extends Request> = (request: R) => Promise<Response>;

/**
 * Runs a route handler with the request's client (user agent, IP) in context, so audit events recorded
 * deep below it (a refresh token replayed, a code reused) say where the request came from.
 */
export function withRequestContext<R extends Request>(handler: Handler<R>): Handler<R> {
  return (request) =>
    runWithRequestContext({ userAgent: request.headers.get("user-agent"), ip: clientIpFrom(request.headers, getEnv().trustedProxyHops) }, () => handler(request));
}
