/** Whether a request target's path (before `?` or `#`) fails to percent-decode as UTF-8. */
export function isMalformedPath(target: string | undefined): boolean;
/** Answers 400 to requests with such a path on every HTTP server of this process (idempotent). */
export function refuseMalformedPaths(): boolean;
