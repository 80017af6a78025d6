import type { IncomingHttpHeaders } from "node:http";

/** Whether a request target's path (before `?` or `#`) fails to percent-decode as UTF-8. */
export function isMalformedPath(target: string | undefined): boolean;
/** Whether an `RSC: 1` request's Next-Router-State-Tree header is one Next.js cannot parse. */
export function isMalformedRouterState(headers: IncomingHttpHeaders): boolean;
/** Answers such requests (and unserved methods, the asterisk form, another host's absolute form) with their 4xx on every HTTP server of this process (idempotent). */
export function refuseMalformedPaths(): boolean;
/** "refuse" for an asterisk-form target or an absolute form naming another host than `host`; the path for one naming it; else null. */
export function targetProblem(target: string | undefined, host: string | undefined): "refuse" | string | null;
