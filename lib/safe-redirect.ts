/**
 * Open-redirect defence: a post-sign-in destination may only be on our own origin.
 *
 * URLs are parsed, not pattern-matched, so tricks such as `//evil.example`, `/\evil.example` or
 * `https://evil.example@ourhost` resolve to their real origin and are refused.
 */

/** `target` resolved against `baseUrl` if it is on the same origin, else `baseUrl` itself. */
export function sameOriginUrl(target: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  try {
    const resolved = new URL(target, base);
    return resolved.origin === base.origin ? resolved.href : base.href;
  } catch {
    return base.href;
  }
}

/**
 * A path (with query and hash) on our own origin, for `callbackUrl` parameters; `fallback` when the
 * input is missing, too long, or points at any other origin. Absolute URLs are refused too: the
 * app only ever sends paths, and a path cannot name another host.
 */
export function safeCallbackPath(target: unknown, fallback = "/account"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > 2048) return fallback;
  // A made-up origin: only paths resolve onto it, anything naming a host does not.
  const probe = new URL("http://gatehouse.invalid");
  try {
    const url = new URL(target, probe);
    return url.origin === probe.origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}
