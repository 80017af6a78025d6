/**
 * What Next.js takes for a server action when a POST reaches a page (its server-action-request-meta):
 * a `Next-Action` header (an action called by the page's script), or a multipart body (a form sent
 * before the page's script ran). Next.js answers some malformed ones with a 500, so the proxy refuses
 * those first (proxy.ts): another host in `Origin`, a body over the limit, a multipart body that does not
 * parse, arguments that are not JSON.
 */
export function isPossibleServerAction(method: string, headers: Headers): boolean {
  return isFetchAction(method, headers) || (method === "POST" && isMultipartBody(headers));
}

/** An action called by the page's script (`fetch` with a `Next-Action` header), as Next.js tells one. */
export const isFetchAction = (method: string, headers: Headers) => method === "POST" && headers.has("next-action");

/** A multipart body, as Next.js tells one (case-sensitive, as it compares). */
export const isMultipartBody = (headers: Headers) => (headers.get("content-type") ?? "").startsWith("multipart/form-data");

/**
 * Whether the `Origin` (when sent) names the host the request was sent to: `X-Forwarded-Host`'s first
 * value when present, else `Host`, as Next.js compares them before it runs an action (it aborts with a
 * 500 otherwise). Our own CSRF check compares `Origin` with AUTH_URL, which a request can satisfy while
 * naming another `Host`.
 */
export function originMatchesHost(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return true;
  const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwardedHost || headers.get("host");
  if (!host) return false;
  try {
    return origin !== "null" && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Whether a server action's encoded arguments can be decoded at all: React reads them (a call's text
 * body, the field `0` of a multipart call, the `$ACTION_<n>:0` field of a form's bound action) as JSON,
 * and Next.js answers a body that is not with a 500. A known action id is in the page's script, so
 * anyone can send one with a body of their choosing.
 */
export function isActionArgumentsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The fields of a multipart action body that React parses as JSON (see isActionArgumentsJson). */
export const isJsonActionField = (name: string, fetchAction: boolean) => (fetchAction && name === "0") || /^\$ACTION_\d+:0$/.test(name);
