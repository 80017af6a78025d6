import type { NextAuthConfig } from "next-auth";

import type { PrismaClient } from "@/generated/prisma/client";
import { sameOriginUrl } from "@/lib/safe-redirect";
import { checkAccountLinking } from "@/server/auth/account-linking";
import { buildProviders } from "@/server/auth/providers";
import { createAuthAdapter } from "@/server/sessions/auth-adapter";
import type { SessionService } from "@/server/sessions/session-service";
import { generateSessionToken } from "@/server/sessions/session-token";
import type { ProviderProfile } from "@/server/auth/provider-profile";
import type { Env } from "@/server/env-schema";

/**
 * The Auth.js configuration: providers, database sessions, our pages, and the two security callbacks.
 * Built from the validated environment and the db client, so nothing here reads `process.env`.
 */
export function createAuthConfig(env: Env, db: PrismaClient, sessions: SessionService): NextAuthConfig {
  return {
    adapter: createAuthAdapter(db, sessions),
    providers: buildProviders(env),
    secret: env.authSecret,
    trustHost: env.trustHost,
    // The cookie carries only an opaque random token (256 bits); the Session row, keyed by its hash, is
    // the truth, so deleting it ends the session at once. Auth.js sets HttpOnly, SameSite=Lax, and under
    // HTTPS Secure with the __Secure- prefix. Lifetimes are enforced by server/sessions.
    session: {
      strategy: "database",
      maxAge: Math.floor(env.sessionLifetimes.absoluteLifetimeMs / 1000),
      updateAge: Math.floor(env.sessionLifetimes.touchIntervalMs / 1000),
      generateSessionToken,
    },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      signIn: ({ account, profile }) =>
        account && profile && (account.type === "oidc" || account.type === "oauth")
          ? checkAccountLinking(db, account, profile as ProviderProfile)
          : true,
      // Open-redirect defence for every `callbackUrl` / `redirectTo` that Auth.js honours.
      redirect: ({ url, baseUrl }) => sameOriginUrl(url, baseUrl),
    },
  };
}
