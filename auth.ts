import NextAuth from "next-auth";

import { createAuthConfig } from "@/auth.config";
import { recordAuditEvent } from "@/server/audit";
import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { getAccountSignInLimiter } from "@/server/rate-limit";
import { getSessionService } from "@/server/sessions";

/**
 * The Auth.js instance. The configuration is built on first use (not at import) so that `next build`
 * needs no runtime secrets; `instrumentation.ts` still validates the environment at start-up.
 */
let config: ReturnType<typeof createAuthConfig> | undefined;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  config ??= createAuthConfig({
    env: getEnv(),
    db: getDb(),
    sessions: getSessionService(),
    audit: recordAuditEvent,
    accountLimiter: getAccountSignInLimiter(),
  });
  return config;
});
