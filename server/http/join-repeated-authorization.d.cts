/** Installs the join in this process (idempotent) and reports whether it works on this Node.js. */
export function joinRepeatedAuthorizationHeaders(): boolean;
