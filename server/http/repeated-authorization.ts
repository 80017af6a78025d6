import { IncomingMessage } from "node:http";

/*
 * Two `Authorization` headers on one request are two credentials, and two parsers may pick different
 * ones: Node keeps the first in `req.headers` and drops the rest, while a front proxy may judge the
 * last. Next.js builds the route's `Request` from `req.headers`, so a route handler could never see
 * the second. This makes Node join repeated Authorization field lines with ", " (as RFC 9110 §5.3
 * combines repeated fields, and as Node's own `joinDuplicateHeaders` server option does for every
 * header), so the joined value reaches the handlers, and `isRepeatedAuthorization` refuses it: no
 * credential contains a comma (RFC 6750 §2.1 b64token, RFC 7617 base64).
 */

const PATCHED = Symbol.for("gatehouse.joinRepeatedAuthorization");

type AddHeaderLine = (this: IncomingMessage, field: string, value: string, dest: Record<string, unknown>) => void;
type PatchableIncomingMessage = { _addHeaderLine?: AddHeaderLine; [PATCHED]?: true };

/**
 * Installs the join in this process (idempotent), before the first request's headers are read: from
 * `instrumentation.ts`, which Next.js runs before it serves. Checks that it works on this Node.js.
 * @returns whether repeated Authorization headers are now joined.
 */
export function joinRepeatedAuthorizationHeaders(): boolean {
  const prototype = IncomingMessage.prototype as unknown as PatchableIncomingMessage;
  const original = prototype._addHeaderLine;
  if (!prototype[PATCHED] && typeof original === "function") {
    prototype._addHeaderLine = function addHeaderLine(field, value, dest) {
      if (field.length === 13 && field.toLowerCase() === "authorization" && typeof dest.authorization === "string") {
        dest.authorization = `${dest.authorization}, ${value}`;
        return;
      }
      original.call(this, field, value, dest);
    };
    prototype[PATCHED] = true;
  }
  const probe = new IncomingMessage(null as never);
  probe.rawHeaders = ["Authorization", "Bearer first", "authorization", "Bearer second"];
  (probe as unknown as { _addHeaderLines(headers: string[], n: number): void })._addHeaderLines(probe.rawHeaders, 4);
  const joined = probe.headers.authorization === "Bearer first, Bearer second";
  if (!joined) {
    console.warn("[http] this Node.js does not let Gatehouse see repeated Authorization headers: a request with two is judged by its first.");
  }
  return joined;
}

/** Whether an Authorization value holds more than one credential (repeated headers, joined above). */
export function isRepeatedAuthorization(value: string): boolean {
  return value.includes(",");
}
