/**
 * Open-redirect defence: the one function every redirect target built from input goes through (the
 * sign-in page and action, Auth.js's redirect callback for sign-in and sign-out, the proxy's and the
 * pages' `callbackUrl`, the consent page).
 *
 * The target is parsed by the WHATWG URL parser, the one browsers use, and checked *after* it has
 * normalised the input: `/.//evil.example`, `/%2e//evil.example` and `/..//evil.example` are all
 * same-origin on the way in, but their path comes out as `//evil.example`, which a browser reads as
 * another host. So the checks apply to what the parser produces, and the result must parse back to
 * itself on any origin (a fixed point), so no later parser can read it differently.
 */

const MAX_TARGET_LENGTH = 2048;
/** Two unrelated origins: a path that stays on both, unchanged, names no host of its own. */
const PROBE_ORIGINS = ["http://gatehouse-probe.invalid", "https://gatehouse-probe-2.invalid:8443"] as const;
/**
 * ASCII control characters, spaces and backslashes are refused outright: the parser silently drops
 * tabs and newlines and reads `\` as `/` in paths, and no path the app builds contains them.
 */
const FORBIDDEN_CHARACTERS = /[\u0000-\u0020\u007f\\]/;

/**
 * A path on our own origin (with query and hash) that is safe to redirect to, or `fallback`.
 *
 * Accepted: a path (`/account?tab=1#x`), or, when `origin` is given, an absolute URL on that origin
 * (reduced to its path). Refused: anything longer than 2 KiB; control characters, spaces or
 * backslashes; other origins or schemes (`https://evil.example`, `javascript:`); and every path that
 * normalises to, or decodes to, something starting with `//` or `/\`.
 *
 * The result always starts with a single `/`, so it can only ever resolve onto the origin it is
 * resolved against. A nested `callbackUrl` inside its query is checked again by the page that reads it.
 */
export function safeRedirectPath(target: unknown, { fallback = "/account", origin }: { fallback?: string; origin?: string } = {}): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_TARGET_LENGTH) return fallback;
  if (FORBIDDEN_CHARACTERS.test(target)) return fallback;
  // A path, or an absolute URL on our origin: nothing in between. `https:evil.example` is a path on an
  // https origin but a host on an http one; refusing every other shape leaves no such double reading.
  const isPath = target.startsWith("/");
  if (!isPath && origin === undefined) return fallback;
  const base = origin ?? PROBE_ORIGINS[0];
  let parsed: URL;
  try {
    parsed = isPath ? new URL(target, base) : new URL(target);
  } catch {
    return fallback;
  }
  if (parsed.origin !== new URL(base).origin || parsed.username || parsed.password) return fallback;
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return isSafeLocalPath(path) ? path : fallback;
}

/** A path that starts with exactly one `/`, decodes to one too, and parses back to itself on any origin. */
function isSafeLocalPath(path: string): boolean {
  if (!path.startsWith("/") || path.startsWith("//") || FORBIDDEN_CHARACTERS.test(path)) return false;
  // `/%2F%2Fevil.example` or `/.%2F/evil.example` is harmless to a browser, but a server or router that
  // decodes before it redirects (a trailing-slash rule, a proxy) would turn it into `//evil.example`. No
  // path of ours has an encoded slash, backslash or dot, so none is accepted.
  const pathname = path.split(/[?#]/, 1)[0]!;
  if (/%(2f|5c|2e)/i.test(pathname)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (/^\/[/\\]/.test(decoded) || /[\u0000-\u001f\u007f]/.test(decoded)) return false;
  return PROBE_ORIGINS.every((probe) => {
    const again = new URL(path, probe);
    return again.origin === new URL(probe).origin && `${again.pathname}${again.search}${again.hash}` === path;
  });
}

/**
 * Auth.js's `redirect` callback (sign-in and sign-out): `target` as an absolute URL on `baseUrl`'s
 * origin when it is safe, else `baseUrl`'s root.
 */
export function sameOriginUrl(target: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  return new URL(safeRedirectPath(target, { origin: base.origin, fallback: "/" }), base.origin).href;
}

/**
 * A `callbackUrl` for our own pages: a path on our origin, or `fallback` (absolute URLs are refused: the
 * app only ever sends paths, and a path cannot name another host).
 */
export function safeCallbackPath(target: unknown, fallback = "/account"): string {
  return safeRedirectPath(target, { fallback });
}

/** `/signin?callbackUrl=…` that comes back to `returnTo` after sign-in, when that is safe. */
export function signInUrlReturningTo(returnTo: string): string {
  return `/signin?callbackUrl=${encodeURIComponent(safeRedirectPath(returnTo))}`;
}
