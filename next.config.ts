import type { NextConfig } from "next";

import { HEADER_RULE_SOURCE } from "./lib/proxy-scope";
import { OAUTH_ENDPOINT_ROUTES } from "./server/http/oauth-endpoint-routes.cjs";
import { staticSecurityHeaders } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Another build directory when asked (NEXT_DIST_DIR), so two end-to-end stacks can run side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `forbidden()` (403 with app/forbidden.tsx) for signed-in people who are not allowed somewhere.
  // caseSensitiveRoutes: the header rule's paths compare as Next.js's routes and the proxy's matcher
  // do, so `/API/v1/me` (a page: the 404) is not taken for the route handler that sets its own headers.
  experimental: { authInterrupts: true, caseSensitiveRoutes: true },
  // Packages that must stay in Node's own module system (native `pg`, Prisma's Wasm query compiler).
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  // The API and the OAuth endpoints are Pages Router API routes (server/http/pages-api-route.ts says
  // why): bundle their dependencies as the App Router does, so both share one set of rules (the list
  // above, and `server-only`, which Next.js resolves for server bundles only when it bundles).
  bundlePagesRouterDependencies: true,
  // The OAuth endpoints keep their public paths (RFC 8414 metadata, clients' configuration); their
  // routes live under /api/oauth/, where the Pages Router serves API routes, and answer only there. One
  // list with the hook that maps the same paths before Next.js reads the request (a rewrite's cost).
  async rewrites() {
    return { beforeFiles: [], afterFiles: [...OAUTH_ENDPOINT_ROUTES], fallback: [] };
  },
  // On every answer but the route handlers' (lib/proxy-scope.ts), Next.js's own 404s and /_next/*
  // included (Next drops these from its redirects). The CSP, which needs a nonce per page, is set by proxy.ts; the
  // route handlers set the headers JSON needs themselves (server/http/api-route.ts), which measured
  // cheaper than matching this rule and then overriding it on every API call.
  async headers() {
    return [{ source: HEADER_RULE_SOURCE, headers: staticSecurityHeaders({ production: process.env.NODE_ENV === "production" }) }];
  },
};

export default nextConfig;
