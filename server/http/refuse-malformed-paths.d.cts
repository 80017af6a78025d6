import type { IncomingHttpHeaders } from "node:http";

/** Whether a request target's path (before `?` or `#`) fails to percent-decode as UTF-8. */
export function isMalformedPath(target: string | undefined): boolean;
/** Whether an `RSC: 1` request's Next-Router-State-Tree header is one Next.js cannot parse. */
export function isMalformedRouterState(headers: IncomingHttpHeaders): boolean;
/** Answers 400 to requests with such a path or router state on every HTTP server of this process (idempotent). */
export function refuseMalformedPaths(): boolean;
