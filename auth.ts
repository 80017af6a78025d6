import { headers } from "next/headers";
import NextAuth from "next-auth";

import { createAuthConfig } from "@/auth.config";
import { isHttpsRequest } from "@/lib/session-cookie";
import { getEnv } from "@/server/env";
import { getServices } from "@/server/services";

/**
 * The Auth.js instance. The configuration is built on first use (not at import) so that `next build`
 * needs no runtime secrets; `instrumentation.ts` still validates the environment at start-up.
 */
const configs = new Map<boolean, ReturnType<typeof createAuthConfig>>();

export const { handlers, auth, signIn, signOut } = NextAuth(async (request) => {
  // One configuration per protocol: the session cookie is __Host- under HTTPS, unprefixed over HTTP.
  // Route handlers get the request; server actions (signIn, signOut) are read from their headers.
  const env = getEnv();
  const https = isHttpsRequest(env.authUrl, request ?? { headers: await headers() });
  let config = configs.get(https);
  if (!config) {
    const { db, sessions, audit, accountSignInLimiter } = getServices();
    config = createAuthConfig({ env, db, sessions, audit: audit.record, accountLimiter: accountSignInLimiter, https });
    configs.set(https, config);
  }
  return config;
});
