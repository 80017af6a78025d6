import type { NextConfig } from "next";

import { PROXY_SCOPE_SOURCE } from "./lib/proxy-scope";
import { staticSecurityHeaders } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Another build directory when asked (NEXT_DIST_DIR), so two end-to-end stacks can run side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `forbidden()` (403 with app/forbidden.tsx) for signed-in people who are not allowed somewhere.
  experimental: { authInterrupts: true },
  // Packages that must stay in Node's own module system (native `pg`, Prisma's Wasm query compiler).
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  // The documents' headers, on what the proxy runs in front of (it sets the CSP, which needs a nonce per
  // response) and on the static assets. Route handlers set the headers JSON needs themselves (apiRoute):
  // a header rule is matched and applied on every request, so it stays off the API's hot path.
  async headers() {
    const headers = staticSecurityHeaders({ production: process.env.NODE_ENV === "production" });
    return [
      { source: PROXY_SCOPE_SOURCE, headers },
      { source: "/_next/static/:path*", headers },
    ];
  },
};

export default nextConfig;
