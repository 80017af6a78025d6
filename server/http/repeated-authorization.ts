import { joinRepeatedAuthorizationHeaders as installJoin } from "./join-repeated-authorization.cjs";

/*
 * Two `Authorization` headers on one request are two credentials, and two parsers may pick different
 * ones: Node keeps the first in `req.headers` and drops the rest, while a front proxy may judge the
 * last. Next.js builds the route's `Request` from `req.headers`, so a route handler could never see
 * the second. join-repeated-authorization.cjs makes Node join repeated Authorization field lines with
 * ", " (as RFC 9110 §5.3 combines repeated fields, and as Node's own `joinDuplicateHeaders` server option
 * does for every header), so the joined value reaches the handlers, and `isRepeatedAuthorization`
 * (lib/authorization-header.ts) refuses it: no credential contains a comma.
 *
 * The run scripts load it with `node --require` before Next.js listens; `instrumentation.ts` installs it
 * too, for hosts that start Next.js themselves (there the requests that arrive while the server boots
 * are judged by their first header).
 */

/**
 * Installs the join in this process (idempotent) and checks that it works on this Node.js.
 * @returns whether repeated Authorization headers are now joined.
 */
export function joinRepeatedAuthorizationHeaders(): boolean {
  const joined = installJoin();
  if (!joined) {
    console.warn("[http] this Node.js does not let Gatehouse see repeated Authorization headers: a request with two is judged by its first.");
  }
  return joined;
}
