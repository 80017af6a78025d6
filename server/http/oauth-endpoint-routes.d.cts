import type { IncomingMessage } from "node:http";

/** The URL path (and query) the client asked for: the public endpoint's when the hook routed the request, else `req.url`. */
export function publicUrlOf(request: IncomingMessage): string | undefined;
/** Maps the OAuth endpoints' public paths to their routes on every HTTP server of this process (idempotent). */
export function routeOAuthEndpointsDirectly(): boolean;
