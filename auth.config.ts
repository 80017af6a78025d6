import { PrismaAdapter } from "@auth/prisma-adapter";
import type { NextAuthConfig } from "next-auth";

import type { PrismaClient } from "@/generated/prisma/client";
import { sameOriginUrl } from "@/lib/safe-redirect";
import { checkAccountLinking } from "@/server/auth/account-linking";
import { buildProviders } from "@/server/auth/providers";
import type { ProviderProfile } from "@/server/auth/provider-profile";
import type { Env } from "@/server/env-schema";

const THIRTY_DAYS = 30 * 24 * 60 * 60;
const ONE_DAY = 24 * 60 * 60;

/**
 * The Auth.js configuration: providers, database sessions, our pages, and the two security callbacks.
 * Built from the validated environment and the db client, so nothing here reads `process.env`.
 */
export function createAuthConfig(env: Env, db: PrismaClient): NextAuthConfig {
  return {
    adapter: PrismaAdapter(db),
    providers: buildProviders(env),
    secret: env.authSecret,
    trustHost: env.trustHost,
    // The cookie carries only an opaque random token; the Session row is the truth, so deleting it
    // ends the session at once. Auth.js sets HttpOnly, SameSite=Lax, and under HTTPS Secure with the
    // __Secure- prefix.
    session: { strategy: "database", maxAge: THIRTY_DAYS, updateAge: ONE_DAY },
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
