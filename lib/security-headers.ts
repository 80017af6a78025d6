/**
 * The Content-Security-Policy of every page: scripts run only with this response's nonce (Next.js adds
 * it to its own scripts), so an injected `<script>` does not run. No `unsafe-inline` for scripts.
 * Styles keep 'unsafe-inline' (Next and React set inline styles; they cannot run code).
 * @see https://nextjs.org/docs/app/guides/content-security-policy
 */
export function contentSecurityPolicy({ nonce, development }: { nonce: string; development: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging tools; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** HTTPS only from here on, for two years (browsers ignore it over plain http). */
const HSTS = { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" };

/**
 * Headers every page and every answer of Next.js's own carries besides the CSP (set in next.config.ts;
 * lib/proxy-scope.ts says where). The route handlers' JSON answers carry `jsonSecurityHeaders` instead.
 */
export function staticSecurityHeaders({ production }: { production: boolean }) {
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
    ...(production ? [HSTS] : []),
  ];
}

/**
 * What a JSON answer needs, and no more (OWASP's REST Security cheat sheet): `nosniff`, so it is never
 * run as a script or a page; a CSP that allows nothing, so opened as a document it runs nothing, loads
 * nothing and cannot be framed (`frame-ancestors` is what X-Frame-Options was, in every browser that
 * runs today); HSTS in production. No Referrer-Policy or Permissions-Policy: a JSON document follows no
 * link and, with `default-src 'none'`, can use no feature. Each header is work on every API call.
 */
export function jsonSecurityHeaders({ production }: { production: boolean }): ReadonlyArray<readonly [string, string]> {
  return [
    ["X-Content-Type-Options", "nosniff"],
    ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
    ...(production ? [[HSTS.key, HSTS.value] as const] : []),
  ];
}
