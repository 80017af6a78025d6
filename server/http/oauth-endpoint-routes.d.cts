import type { IncomingMessage } from "node:http";

/** The public endpoint's URL path (and query) the client asked for, when the hook routed the request; else undefined. */
export function routedFrom(request: IncomingMessage): string | undefined;
/** Maps the OAuth endpoints' public paths to their routes on every HTTP server of this process (idempotent). */
export function routeOAuthEndpointsDirectly(): boolean;
