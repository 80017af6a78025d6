/**
 * What Next.js takes for a server action when a POST reaches a page (its server-action-request-meta):
 * a `Next-Action` header (an action called by the page's script), or a multipart body (a form sent
 * before the page's script ran). Next.js answers some malformed ones with a 500, so the proxy refuses
 * those first (proxy.ts): another host in `Origin`, a body over the limit, a multipart body that does not
 * parse, arguments React cannot decode (see actionReplyField).
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
 * A server action's arguments are decoded by React from JSON (a call's text body, the field `0` of a
 * multipart call, the `$ACTION_<n>:<k>` fields of a form's bound action) and Next.js answers what it
 * cannot decode or apply with a 500. A known action id is in the page's script, so anyone can send one
 * with a body of their choosing. These checks admit what React's client encodes for the values our
 * actions take (forms, strings, numbers, booleans, null, plain objects and arrays, dates) and refuse the
 * rest before Next.js sees it: text that is not JSON, arguments that are not a list, nesting deeper or
 * values more numerous than a form needs, and React references our actions never receive (promises,
 * maps, sets, blobs, streams, server references, outlined parts, which name parts the body may lack).
 */
export type ActionReplyField = "arguments" | "bound-action";

/** The kind of JSON a multipart action body's field holds, or null for a form field React does not decode. */
export function actionReplyField(name: string, fetchAction: boolean): ActionReplyField | null {
  if (fetchAction && name === "0") return "arguments";
  const bound = /^\$ACTION_\d{1,9}:(\d{1,9})$/.exec(name);
  if (!bound) return null;
  return bound[1] === "0" ? "bound-action" : "arguments";
}

/** The `$ACTION_` field names React's forms use; React reads any other suffix too, so the rest are refused. */
const ACTION_FIELD = /^\$ACTION_(?:ID_[0-9a-f]{1,128}|REF_\d{1,9}|\d{1,9}:\d{1,9}|KEY)$/;

/**
 * Whether a multipart action body is one React can decode: field 0 present for a call from the page's
 * script, every `$ACTION_` field named as React's forms name them, every JSON field of the shapes
 * below, and every bound action's `$ACTION_<n>:0` and the part its `bound: "$@<k>"` names present.
 */
export function isDecodableActionForm(form: FormData, fetchAction: boolean): boolean {
  if (fetchAction && !form.has("0")) return false;
  for (const [name, value] of form) {
    if (name.startsWith("$ACTION_") && !ACTION_FIELD.test(name)) return false;
    const reference = /^\$ACTION_REF_(\d{1,9})$/.exec(name);
    if (reference && !form.has(`$ACTION_${reference[1]}:0`)) return false;
    const kind = actionReplyField(name, fetchAction);
    if (kind === null) continue;
    if (typeof value !== "string") return false;
    if (kind === "arguments") {
      if (!isActionArguments(value)) return false;
      continue;
    }
    const bound = boundActionPart(value);
    if (bound === undefined) return false;
    // "$@<k>" names the part "$ACTION_<n>:<k>" (k in hex), which must be there.
    if (bound !== null && !form.has(`${name.slice(0, -1)}${parseInt(bound.slice(2), 16)}`)) return false;
  }
  return true;
}

/** An action's argument list as React encodes it: a JSON array of the values above. */
export function isActionArguments(text: string): boolean {
  const value = parseJson(text);
  return Array.isArray(value) && isPlainReplyValue(value, 0, { left: MAX_REPLY_VALUES });
}

/** A form's bound action (`$ACTION_<n>:0`): `{"id": "...", "bound": "$@<k>" | null}`. */
export function isBoundAction(text: string): boolean {
  return boundActionPart(text) !== undefined;
}

/** A bound action's `bound` ("$@<k>", or null for none), or undefined when the text is not a bound action. */
function boundActionPart(text: string): string | null | undefined {
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { id, bound } = value as Record<string, unknown>;
  if (typeof id !== "string" || id.length > 128) return undefined;
  return bound === null || (typeof bound === "string" && /^\$@[0-9a-f]{1,8}$/.test(bound)) ? bound : undefined;
}

/** Deeper than any form state of ours; far short of what would exhaust a decoder's stack. */
const MAX_REPLY_DEPTH = 32;
const MAX_REPLY_VALUES = 10_000;
/**
 * The `$`-strings React's client writes for our actions' values: an escaped string (`$$…`), undefined,
 * the special numbers, a date, a bigint, and a form (`$K<id>`: its fields are the body's `<id>_…`).
 */
const PLAIN_REFERENCE = /^\$(?:\$|undefined$|NaN$|-?Infinity$|-0$|D|n-?\d{1,400}$|K[0-9a-f]{1,8}$)/;

function isPlainReplyValue(value: unknown, depth: number, budget: { left: number }): boolean {
  budget.left -= 1;
  if (budget.left < 0 || depth > MAX_REPLY_DEPTH) return false;
  if (typeof value === "string") return !value.startsWith("$") || PLAIN_REFERENCE.test(value);
  if (typeof value !== "object" || value === null) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.every((child) => isPlainReplyValue(child, depth + 1, budget));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
