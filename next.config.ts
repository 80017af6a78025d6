import type { NextConfig } from "next";

import { staticSecurityHeaders } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Another build directory when asked (NEXT_DIST_DIR), so two end-to-end stacks can run side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `forbidden()` (403 with app/forbidden.tsx) for signed-in people who are not allowed somewhere.
  experimental: { authInterrupts: true },
  // Packages that must stay in Node's own module system (native `pg`, Prisma's Wasm query compiler).
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  // On every answer, Next.js's own included (405, the trailing-slash redirect, /_next/image): measured,
  // this rule costs nothing a benchmark can see (the proxy was the cost). The CSP, which needs a nonce
  // per page, is set by proxy.ts; route handlers add the headers JSON needs (server/http/api-route.ts).
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders({ production: process.env.NODE_ENV === "production" }) }];
  },
};

export default nextConfig;
