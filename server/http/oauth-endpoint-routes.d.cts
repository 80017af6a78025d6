import type { IncomingMessage } from "node:http";

/** The public endpoint's URL path (and query) the client asked for, when the hook routed the request; else undefined. */
export function routedFrom(request: IncomingMessage): string | undefined;
/** Maps the OAuth endpoints' public paths to their routes on every HTTP server of this process (idempotent). */
export function routeOAuthEndpointsDirectly(): boolean;
/** Each OAuth endpoint's public path and the Pages Router route that serves it (next.config.ts's rewrites). */
export const OAUTH_ENDPOINT_ROUTES: ReadonlyArray<{ source: string; destination: string }>;
